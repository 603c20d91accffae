package sqlite_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

func TestOnlyTheLeaseHolderExtendsItWhileTheMessageWaits(t *testing.T) {
	sqlitetest.Each(t, func(t *testing.T, db string) {
		ctx := context.Background()
		now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
		st := open(t, db, sqliteOptions(now))
		if err := st.Update(ctx, func(tx coaching.Tx) error {
			return tx.Enqueue(ctx, coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpPost, Key: "k", To: "U1"})
		}); err != nil {
			t.Fatal(err)
		}
		items, err := st.ClaimOutbox(ctx, "a", now, time.Minute, 10, nil)
		if err != nil || len(items) != 1 {
			t.Fatalf("claim: %v %v", items, err)
		}
		id := items[0].ID
		for _, tc := range []struct {
			owner string
			want  bool
		}{{"a", true}, {"b", false}} {
			if held, err := st.ExtendLease(ctx, id, tc.owner, now.Add(3*time.Minute)); err != nil || held != tc.want {
				t.Errorf("ExtendLease by %s = %v, %v; want %v", tc.owner, held, err, tc.want)
			}
		}
		// Extended to 3 minutes: at 2 minutes nobody else may take it.
		if again, err := st.ClaimOutbox(ctx, "b", now.Add(2*time.Minute), time.Minute, 10, nil); err != nil || len(again) != 0 {
			t.Errorf("claimed under an extended lease: %v %v", again, err)
		}
		if err := st.MarkSent(ctx, id, "k", &coaching.Posted{Channel: "D1", TS: "1.0"}); err != nil {
			t.Fatal(err)
		}
		if held, err := st.ExtendLease(ctx, id, "a", now.Add(time.Hour)); err != nil || held {
			t.Errorf("ExtendLease of a sent message = %v, %v; want false", held, err)
		}
	})
}

// sqliteOptions opens a store whose clock stands at now.
func sqliteOptions(now time.Time) sqlite.Options {
	return sqlite.Options{Now: func() time.Time { return now }}
}

// clock is a store clock a test moves.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// Failed scheduled messages count within the window, and a kind is failing
// while its latest message failed with none delivered after it.
func TestRecentFailuresOfScheduledMessages(t *testing.T) {
	sqlitetest.Each(t, func(t *testing.T, db string) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
		clk := &clock{t: t0.Add(-40 * time.Hour)}
		st := open(t, db, sqlite.Options{Now: clk.now})
		finish := func(kind coaching.MessageKind, at time.Duration, status string) {
			t.Helper()
			clk.t = t0.Add(at)
			key := fmt.Sprintf("%s:%v", kind, at)
			if err := st.Update(ctx, func(tx coaching.Tx) error {
				return tx.Enqueue(ctx, coaching.Message{Kind: kind, Op: coaching.OpPost, Key: key, To: "U1"})
			}); err != nil {
				t.Fatal(err)
			}
			items, err := st.ClaimOutbox(ctx, "w", clk.t, time.Minute, 10, []string{key})
			if err != nil || len(items) != 1 {
				t.Fatalf("claim %s: %v %v", key, items, err)
			}
			if status == "sent" {
				err = st.MarkSent(ctx, items[0].ID, key, nil)
			} else {
				err = st.MarkFailed(ctx, items[0].ID, "channel_not_found")
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		finish(coaching.MsgNudge, -30*time.Hour, "failed") // before the window
		finish(coaching.MsgNudge, -10*time.Hour, "sent")
		finish(coaching.MsgNudge, -5*time.Hour, "failed")
		finish(coaching.MsgNudge, -4*time.Hour, "failed")
		finish(coaching.MsgDigest, -3*time.Hour, "failed")
		finish(coaching.MsgDigest, -2*time.Hour, "sent") // delivered since: no longer failing
		finish(coaching.MsgRepReminder, -time.Hour, "sent")
		finish(coaching.MsgRepDM, -time.Hour, "failed") // not a scheduled message
		got, err := st.RecentFailures(ctx, coaching.ScheduledKinds, t0.Add(-24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want := []sqlite.KindFailures{{Kind: coaching.MsgDigest, Failed: 1, Failing: false}, {Kind: coaching.MsgNudge, Failed: 2, Failing: true}}
		if !slices.Equal(got, want) {
			t.Fatalf("RecentFailures = %+v, want %+v", got, want)
		}
		if oldest, err := st.OldestPending(ctx); err != nil || !oldest.IsZero() {
			t.Fatalf("OldestPending with nothing pending = %v, %v", oldest, err)
		}
	})
}

// A finished message keeps no response_url and no rendered text once a day
// has passed; one still pending, or finished since, keeps what it needs.
func TestFinishedMessagesAreScrubbedOfSecretsAndText(t *testing.T) {
	sqlitetest.Each(t, func(t *testing.T, db string) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
		now := t0
		st := open(t, db, sqlite.Options{Now: func() time.Time { return now }})
		reply := func(key string) coaching.Message {
			return coaching.Message{Kind: coaching.MsgReply, Op: coaching.OpRespond, Key: key, To: "U1",
				ResponseURL: "https://hooks.slack.com/actions/T1/" + key + "/secret", ResponseAt: now,
				Payload: []byte(`{"text":"Notes: rushed pricing"}`)}
		}
		enqueue := func(msgs ...coaching.Message) []coaching.OutboxItem {
			t.Helper()
			if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.Enqueue(ctx, msgs...) }); err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, m := range msgs {
				keys = append(keys, m.Key)
			}
			items, err := st.ClaimOutbox(ctx, "w", now, time.Minute, 10, keys)
			if err != nil || len(items) != len(msgs) {
				t.Fatalf("claim: %v %v", items, err)
			}
			return items
		}
		old := enqueue(reply("sent"), reply("waiting"))
		if err := st.MarkSent(ctx, old[0].ID, "", nil); err != nil {
			t.Fatal(err)
		}
		now = t0.Add(48 * time.Hour)
		recent := enqueue(reply("recent"))
		if err := st.MarkSent(ctx, recent[0].ID, "", nil); err != nil {
			t.Fatal(err)
		}
		next, err := st.ScrubOutbox(ctx, now.Add(-24*time.Hour), 0)
		if err != nil {
			t.Fatal(err)
		}
		if next != old[1].ID-1 {
			t.Errorf("scrubbing went up to id %d, want %d (just below the oldest message still pending)", next, old[1].ID-1)
		}
		for _, c := range []struct {
			id       int64
			scrubbed bool
		}{{old[0].ID, true}, {old[1].ID, false}, {recent[0].ID, false}} {
			var args, payload string
			if err := st.QueryRow(ctx, fmt.Sprintf(`SELECT args, payload FROM outbox WHERE id = %d`, c.id), &args, &payload); err != nil {
				t.Fatal(err)
			}
			has := strings.Contains(args, "secret") || strings.Contains(payload, "rushed")
			if has == c.scrubbed {
				t.Errorf("message %d: args %s, payload %s; scrubbed should be %v", c.id, args, payload, c.scrubbed)
			}
		}
		// The next pass starts where this one ended, and scrubs the waiting
		// message once it has been delivered.
		if again, err := st.ScrubOutbox(ctx, now.Add(-24*time.Hour), next); err != nil || again != next {
			t.Errorf("second pass = %d, %v; want %d", again, err, next)
		}
		if err := st.MarkSent(ctx, old[1].ID, "", nil); err != nil {
			t.Fatal(err)
		}
		if last, err := st.ScrubOutbox(ctx, now.Add(-24*time.Hour), next); err != nil || last != old[1].ID {
			t.Errorf("pass after delivery = %d, %v; want %d", last, err, old[1].ID)
		}
		var payload string
		if err := st.QueryRow(ctx, fmt.Sprintf(`SELECT payload FROM outbox WHERE id = %d`, old[1].ID), &payload); err != nil || payload != "" {
			t.Errorf("the message delivered late kept its payload %q (%v)", payload, err)
		}
	})
}
