package sqlite_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// Two stores on one file, as two replicas: each key is claimed by exactly
// one of them, however many claim it at once; claims older than the cutoff
// are pruned and can be made again.
func TestEnvelopeClaimedOnceAcrossStores(t *testing.T) {
	path := migratedDB(t)
	stores := []*sqlite.Store{open(t, path, sqlite.Options{}), open(t, path, sqlite.Options{})}
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var fresh atomic.Int64
	var wg sync.WaitGroup
	for i := range 20 {
		for _, st := range stores {
			for range 2 {
				wg.Go(func() {
					ok, err := st.ClaimEnvelope(ctx, fmt.Sprint("env-", i), at, 0)
					if err != nil {
						t.Error(err)
					}
					if ok {
						fresh.Add(1)
					}
				})
			}
		}
	}
	wg.Wait()
	if n := fresh.Load(); n != 20 {
		t.Fatalf("%d fresh claims of 20 keys claimed 4 times each, want 20", n)
	}
	if ok, err := stores[0].ClaimEnvelope(ctx, "late", at.Add(time.Hour), 0); !ok || err != nil {
		t.Fatalf("a new key: %v %v", ok, err)
	}
	n, err := stores[1].PruneEnvelopes(ctx, at.Add(time.Minute))
	if err != nil || n != 20 {
		t.Fatalf("pruned %d (%v), want the 20 old claims", n, err)
	}
	if ok, _ := stores[1].ClaimEnvelope(ctx, "late", at.Add(time.Hour), 0); ok {
		t.Fatal("a claim newer than the cutoff was pruned")
	}
}

// A claim made before the cutoff the caller gives is taken over, as a
// redelivery takes over the claim of a replica that died before its work:
// a fresh claim refuses, a stale one is taken over once (of several
// takers at once, by exactly one), and the claim taken over, its time now
// the taker's, refuses again. A zero cutoff takes over nothing, however
// old (an event's claim). Two stores on one database, as two replicas.
func TestAStaleEnvelopeClaimIsTakenOver(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		a, b := open(t, db, sqlite.Options{}), open(t, db, sqlite.Options{})
		ctx := context.Background()
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		const stale = 4 * time.Second // a claim older than this is taken over
		claim := func(st *sqlite.Store, key string, at time.Time, stale time.Duration) bool {
			t.Helper()
			ok, err := st.ClaimEnvelope(ctx, key, at, stale)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		for _, step := range []struct {
			what string
			st   *sqlite.Store
			at   time.Duration // after t0
			old  time.Duration // how old a claim is taken over; 0: none
			want bool
		}{
			{"the first claim", a, 0, stale, true},
			{"a redelivery a second later", b, time.Second, stale, false},
			{"a redelivery as old as the cutoff", b, stale, stale, false},
			{"a redelivery past the cutoff", b, 10 * time.Second, stale, true},
			{"a redelivery a second after the takeover", a, 11 * time.Second, stale, false},
			{"a retry of an event an hour later", a, time.Hour, 0, false},
		} {
			if got := claim(step.st, "env:x", t0.Add(step.at), step.old); got != step.want {
				t.Errorf("%s: claimed %v, want %v", step.what, got, step.want)
			}
		}

		// Stale claims, each taken over four times at once: one wins.
		for i := range 10 {
			claim(a, fmt.Sprint("env-", i), t0, stale)
		}
		var won atomic.Int64
		var wg sync.WaitGroup
		for i := range 10 {
			for _, st := range []*sqlite.Store{a, b, a, b} {
				wg.Go(func() {
					ok, err := st.ClaimEnvelope(ctx, fmt.Sprint("env-", i), t0.Add(time.Minute), stale)
					if err != nil {
						t.Error(err)
					}
					if ok {
						won.Add(1)
					}
				})
			}
		}
		wg.Wait()
		if n := won.Load(); n != 10 {
			t.Errorf("%d takeovers of 10 stale claims taken over 4 times each, want 10", n)
		}
	})
}

// An outbox row leased by a worker on another host, which no one can tell
// dead or alive, goes to another replica when its lease runs out: by time,
// not by the pid of a process elsewhere. Until then no replica takes it.
func TestAnOutboxLeaseFromAnotherHostRunsOutByTime(t *testing.T) {
	ctx := context.Background()
	path := migratedDB(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	here, there := open(t, path, sqliteOptions(now)), open(t, path, sqliteOptions(now))
	if err := here.Update(ctx, func(tx coaching.Tx) error {
		return tx.Enqueue(ctx, coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpPost, Key: "k", To: "U1"})
	}); err != nil {
		t.Fatal(err)
	}
	if items, err := there.ClaimOutbox(ctx, "w4242-beef@elsewhere", now, 2*time.Minute, 10, nil); err != nil || len(items) != 1 {
		t.Fatalf("claim on the other host: %v %v", items, err)
	}
	for _, tc := range []struct {
		at   time.Duration
		want int
	}{{0, 0}, {time.Minute, 0}, {2*time.Minute - time.Millisecond, 0}, {2 * time.Minute, 1}} {
		items, err := here.ClaimOutbox(ctx, "w1-cafe@here", now.Add(tc.at), 2*time.Minute, 10, nil)
		if err != nil || len(items) != tc.want {
			t.Fatalf("%s into the other host's lease: claimed %d (%v), want %d", tc.at, len(items), err, tc.want)
		}
	}
}
