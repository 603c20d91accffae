package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A week's digest that failed stands failed, as one week whatever number
// of its messages failed, until it is delivered after all or a later
// week's digest goes out after it (an older week posted late does not
// count), or for a week at most: a weekly digest's failure counted for
// 24 h, like a nudge's, was gone from /healthz six days before the next
// digest.
func TestAFailedDigestStandsUntilDeliveredOrTheNextWeekGoesOut(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)} // Monday of W48: the digest of W47
		st := open(t, db, sqlite.Options{Now: clk.now})
		// deliver queues the digest of week to channel and settles each
		// message as outcome says: a reason it failed for, or "" sent.
		deliver := func(week string, outcome map[string]string) {
			t.Helper()
			var msgs []coaching.Message
			for _, k := range []string{"digest:" + week, "digest:" + week + ":1"} {
				if _, ok := outcome[k]; ok {
					msgs = append(msgs, coaching.Message{Kind: coaching.MsgDigest, Op: coaching.OpPost, Key: k, To: "C0TYPO"})
				}
			}
			if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.Enqueue(ctx, msgs...) }); err != nil {
				t.Fatal(err)
			}
			settle(t, st, clk, outcome)
		}
		failing := func(at time.Time, want ...string) {
			t.Helper()
			got, err := st.FailingDigests(ctx, at, 7*24*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			var weeks []string
			for _, f := range got {
				weeks = append(weeks, f.Week)
			}
			if len(weeks) != len(want) || (len(want) > 0 && weeks[0] != want[0]) {
				t.Fatalf("failing at %s: %+v, want %v", at.Format(time.DateTime), got, want)
			}
		}
		deliver("2026-W47", map[string]string{"digest:2026-W47": "chat.postMessage: channel_not_found",
			"digest:2026-W47:1": "the message to reply to was never posted (failed)"})
		failing(clk.t, "2026-W47")
		if got, _ := st.FailingDigests(ctx, clk.t, 7*24*time.Hour); len(got[0].Messages) != 2 ||
			got[0].Messages[0] != (sqlite.QueuedMessage{Key: "digest:2026-W47", To: "C0TYPO", Reason: "chat.postMessage: channel_not_found"}) {
			t.Errorf("the failed week holds %+v, want its headline first, then its reply", got[0].Messages)
		}
		clk.t = clk.t.Add(2 * time.Hour)
		deliver("2026-W40", map[string]string{"digest:2026-W40": ""}) // an older week, posted late
		failing(clk.t, "2026-W47")
		failing(clk.t.Add(25*time.Hour), "2026-W47") // a day on, still undelivered
		failing(clk.t.Add(8 * 24 * time.Hour))       // past a week, no longer

		clk.t = time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC) // the next Monday
		deliver("2026-W48", map[string]string{"digest:2026-W48": "", "digest:2026-W48:1": "files.completeUploadExternal: is_archived"})
		failing(clk.t, "2026-W48") // W48's own chart failed; W47 is behind the week that went out

		clk.t = clk.t.Add(time.Hour)
		if _, err := st.RequeueFailed(ctx, "digest:2026-W48", "C0LEADS"); err != nil {
			t.Fatal(err)
		}
		failing(clk.t) // taken back: pending, not failed
		settle(t, st, clk, map[string]string{"digest:2026-W48:1": ""})
		failing(clk.t) // delivered after all
	})
}

// settle claims the messages queued and marks each as outcome says: sent
// for "", else failed for that reason.
func settle(t *testing.T, st *sqlite.Store, clk *clock, outcome map[string]string) {
	t.Helper()
	ctx := context.Background()
	items, err := st.ClaimOutbox(ctx, "w", clk.t, time.Minute, 10, nil)
	if err != nil || len(items) != len(outcome) {
		t.Fatalf("claim: %d, %v; want %d", len(items), err, len(outcome))
	}
	for _, it := range items {
		reason, ok := outcome[it.Message.Key]
		switch {
		case !ok:
			t.Fatalf("claimed %s, not expected", it.Message.Key)
		case reason == "":
			_, err = st.MarkSent(ctx, it.ID, "w", it.Message.Key, &coaching.Posted{Channel: it.Message.To, TS: it.Message.Key})
		default:
			_, err = st.MarkFailed(ctx, it.ID, "w", reason)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
