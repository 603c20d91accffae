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
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
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
		if held, err := st.MarkSent(ctx, id, "a", "k", &coaching.Posted{Channel: "D1", TS: "1.0"}); err != nil || !held {
			t.Fatalf("MarkSent by the holder = %v, %v", held, err)
		}
		if held, err := st.ExtendLease(ctx, id, "a", now.Add(time.Hour)); err != nil || held {
			t.Errorf("ExtendLease of a sent message = %v, %v; want false", held, err)
		}
	})
}

// A worker's bookkeeping of a message applies only while its claim holds
// the message. One that stalled past its lease, while another worker took
// the message, writes nothing (false): the row stays as the new holder
// has it. A lease that ran out with nobody taking the message is still
// its owner's, so a late record of a delivery lands.
func TestOnlyTheClaimHoldingAMessageRecordsWhatBecameOfIt(t *testing.T) {
	writes := []struct {
		name string
		do   func(ctx context.Context, st *sqlite.Store, id int64, owner string, at time.Time) (bool, error)
	}{
		{"mark sent", func(ctx context.Context, st *sqlite.Store, id int64, owner string, _ time.Time) (bool, error) {
			return st.MarkSent(ctx, id, owner, "k", &coaching.Posted{Channel: "D1", TS: "9.9"})
		}},
		{"mark failed", func(ctx context.Context, st *sqlite.Store, id int64, owner string, _ time.Time) (bool, error) {
			return st.MarkFailed(ctx, id, owner, "channel_not_found")
		}},
		{"postpone", func(ctx context.Context, st *sqlite.Store, id int64, owner string, at time.Time) (bool, error) {
			return st.Postpone(ctx, id, owner, at.Add(time.Minute))
		}},
		{"postpone in place", func(ctx context.Context, st *sqlite.Store, id int64, owner string, at time.Time) (bool, error) {
			return st.PostponeInPlace(ctx, id, owner, at.Add(time.Minute))
		}},
		{"mark retry", func(ctx context.Context, st *sqlite.Store, id int64, owner string, at time.Time) (bool, error) {
			return st.MarkRetry(ctx, id, owner, at.Add(time.Minute), "500")
		}},
		{"mark superseded", func(ctx context.Context, st *sqlite.Store, id int64, owner string, _ time.Time) (bool, error) {
			return st.MarkSuperseded(ctx, id, owner)
		}},
		{"reroute", func(ctx context.Context, st *sqlite.Store, id int64, owner string, _ time.Time) (bool, error) {
			return st.RerouteOutbox(ctx, id, owner, coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpPost, Key: "k", To: "U2"})
		}},
	}
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
		clk := &clock{t: t0}
		st := open(t, db, sqlite.Options{Now: clk.now})
		row := func(id int64) string {
			t.Helper()
			var status, owner, recipient string
			var nextAt, leaseUntil, attempts int64
			if err := st.QueryRow(ctx, fmt.Sprintf(`SELECT status, lease_owner, recipient, next_at, lease_until, attempts FROM outbox WHERE id = %d`, id),
				&status, &owner, &recipient, &nextAt, &leaseUntil, &attempts); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprint(status, " ", owner, " ", recipient, " ", nextAt, " ", leaseUntil, " ", attempts)
		}
		for _, w := range writes {
			t.Run(w.name, func(t *testing.T) {
				clk.t = clk.t.Add(time.Hour)
				now := clk.t
				keys := []string{w.name + ":taken", w.name + ":kept"}
				if err := st.Update(ctx, func(tx coaching.Tx) error {
					return tx.Enqueue(ctx, coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpPost, Key: keys[0], To: "U1"},
						coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpPost, Key: keys[1], To: "U1"})
				}); err != nil {
					t.Fatal(err)
				}
				items, err := st.ClaimOutbox(ctx, "a", now, time.Minute, 10, keys)
				if err != nil || len(items) != 2 {
					t.Fatalf("a's claim: %v %v", items, err)
				}
				taken, kept := items[0].ID, items[1].ID
				// Past a's lease, b takes the first message; nobody takes
				// the second, whose lease runs out too.
				later := now.Add(2 * time.Minute)
				if again, err := st.ClaimOutbox(ctx, "b", later, time.Minute, 1, keys[:1]); err != nil || len(again) != 1 || again[0].ID != taken {
					t.Fatalf("b's claim: %v %v", again, err)
				}
				before := row(taken)
				if held, err := w.do(ctx, st, taken, "a", later); err != nil || held {
					t.Errorf("%s by a, past its lease, of the message b took = %v, %v; want false", w.name, held, err)
				}
				if after := row(taken); after != before {
					t.Errorf("%s by a changed b's message: %s, was %s", w.name, after, before)
				}
				if p, ok, err := st.PostedMessage(ctx, "k"); w.name == "mark sent" && (err != nil || ok) {
					t.Errorf("a's refused mark sent stored where its post lives: %+v, %v", p, err)
				}
				if held, err := w.do(ctx, st, taken, "b", later); err != nil || !held {
					t.Errorf("%s by b, its holder = %v, %v; want true", w.name, held, err)
				}
				if held, err := w.do(ctx, st, kept, "a", later); err != nil || !held {
					t.Errorf("%s by a of its message nobody took = %v, %v; want true", w.name, held, err)
				}
			})
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

// Failed scheduled messages count within the window, by when they failed
// (a message held for hours counts when it fails, however long ago it was
// queued), and a kind is failing while its latest message failed with none
// delivered after it.
func TestRecentFailuresOfScheduledMessages(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
		clk := &clock{t: t0.Add(-40 * time.Hour)}
		st := open(t, db, sqlite.Options{Now: clk.now})
		n := 0
		// queue queues a message of kind at t0+at, under a key of its own.
		queue := func(kind coaching.MessageKind, at time.Duration) string {
			t.Helper()
			n++
			clk.t = t0.Add(at)
			key := fmt.Sprintf("%s:%d", kind, n)
			if err := st.Update(ctx, func(tx coaching.Tx) error {
				return tx.Enqueue(ctx, coaching.Message{Kind: kind, Op: coaching.OpPost, Key: key, To: "U1"})
			}); err != nil {
				t.Fatal(err)
			}
			return key
		}
		// end sends, or fails for good, the message queued under key at t0+at.
		end := func(key string, at time.Duration, status string) {
			t.Helper()
			clk.t = t0.Add(at)
			items, err := st.ClaimOutbox(ctx, "w", clk.t, time.Minute, 10, []string{key})
			if err != nil || len(items) != 1 {
				t.Fatalf("claim %s: %v %v", key, items, err)
			}
			if status == "sent" {
				_, err = st.MarkSent(ctx, items[0].ID, "w", key, nil)
			} else {
				_, err = st.MarkFailed(ctx, items[0].ID, "w", "channel_not_found")
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		finish := func(kind coaching.MessageKind, at time.Duration, status string) {
			t.Helper()
			end(queue(kind, at), at, status)
		}
		// Held for hours (a missing scope, an Enterprise migration): queued
		// before the window, done in it.
		heldReminder := queue(coaching.MsgRepReminder, -30*time.Hour)
		heldChart := queue(coaching.MsgDigestChart, -29*time.Hour)
		heldChart2 := queue(coaching.MsgDigestChart, -28*time.Hour)
		failedBefore := queue(coaching.MsgNudge, -39*time.Hour)
		end(failedBefore, -30*time.Hour, "failed") // before the window
		finish(coaching.MsgNudge, -10*time.Hour, "sent")
		finish(coaching.MsgNudge, -5*time.Hour, "failed")
		finish(coaching.MsgNudge, -4*time.Hour, "failed")
		finish(coaching.MsgDigest, -3*time.Hour, "failed")
		finish(coaching.MsgDigest, -2*time.Hour, "sent") // delivered since: no longer failing
		finish(coaching.MsgRepReminder, -90*time.Minute, "sent")
		end(heldReminder, -time.Hour, "failed") // failing: nothing delivered since
		end(heldChart, -50*time.Minute, "failed")
		end(heldChart2, -40*time.Minute, "sent")        // queued before the window, delivered since
		finish(coaching.MsgRepDM, -time.Hour, "failed") // not a scheduled message
		got, err := st.RecentFailures(ctx, coaching.ScheduledKinds, t0.Add(-24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want := []sqlite.KindFailures{
			{Kind: coaching.MsgDigest, Failed: 1, Failing: false},
			{Kind: coaching.MsgDigestChart, Failed: 1, Failing: false},
			{Kind: coaching.MsgNudge, Failed: 2, Failing: true},
			{Kind: coaching.MsgRepReminder, Failed: 1, Failing: true},
		}
		if !slices.Equal(got, want) {
			t.Fatalf("RecentFailures = %+v, want %+v", got, want)
		}
		if stats, err := st.OutboxStats(ctx, t0.Add(-24*time.Hour)); err != nil || stats.Failed != 6 {
			t.Fatalf("OutboxStats = %+v, %v; want 6 failed in the window, as RecentFailures and the DM", stats, err)
		}
		if oldest, err := st.OldestPending(ctx); err != nil || !oldest.IsZero() {
			t.Fatalf("OldestPending with nothing pending = %v, %v", oldest, err)
		}
	})
}

// A finished message keeps no response_url and no rendered text once a day
// has passed; one still pending, or finished since, keeps what it needs.
func TestFinishedMessagesAreScrubbedOfSecretsAndText(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
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
		if _, err := st.MarkSent(ctx, old[0].ID, "w", "", nil); err != nil {
			t.Fatal(err)
		}
		now = t0.Add(48 * time.Hour)
		recent := enqueue(reply("recent"))
		if _, err := st.MarkSent(ctx, recent[0].ID, "w", "", nil); err != nil {
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
		if _, err := st.MarkSent(ctx, old[1].ID, "w", "", nil); err != nil {
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

// A digest that failed for good keeps what it takes to send it again: the
// scrub emptied a day-old failed headline's payload like any finished
// message's, and `coachlog digest`, run once the cause was mended a day
// later, sent a message with nothing to render, which failed for good
// again ("read digest message: unexpected end of JSON input").
func TestScrubbingKeepsAFailedDigestForItsResend(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)}
		st := open(t, db, sqlite.Options{Now: clk.now})
		const body = `{"blocks":[{"type":"header"}]}`
		msgs := []coaching.Message{
			{Kind: coaching.MsgDigest, Op: coaching.OpPost, Key: "digest:2026-W48", To: "C0TYPO", Payload: []byte(body)},
			{Kind: coaching.MsgDigestChart, Op: coaching.OpPost, Key: "digest:2026-W48:1", To: "C0TYPO", ThreadKey: "digest:2026-W48", Payload: []byte(body)},
			{Kind: coaching.MsgNudge, Op: coaching.OpPost, Key: "nudge:U1:2026-11-30", To: "U1", Payload: []byte(body)},
		}
		if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.Enqueue(ctx, msgs...) }); err != nil {
			t.Fatal(err)
		}
		items, err := st.ClaimOutbox(ctx, "w", clk.t, time.Minute, 10, nil)
		if err != nil || len(items) != 3 {
			t.Fatalf("claim: %d, %v", len(items), err)
		}
		for _, it := range items {
			if _, err := st.MarkFailed(ctx, it.ID, "w", "chat.postMessage: channel_not_found"); err != nil {
				t.Fatal(err)
			}
		}
		clk.t = clk.t.Add(48 * time.Hour)
		if _, err := st.ScrubOutbox(ctx, clk.t.Add(-24*time.Hour), 0); err != nil {
			t.Fatal(err)
		}
		var nudge string
		if err := st.QueryRow(ctx, `SELECT payload FROM outbox WHERE msg_key = 'nudge:U1:2026-11-30'`, &nudge); err != nil || nudge != "" {
			t.Errorf("a failed nudge kept its payload %q (%v): only a digest is sent again", nudge, err)
		}
		if _, err := st.RequeueFailed(ctx, "digest:2026-W48", "C0LEADS"); err != nil {
			t.Fatal(err)
		}
		again, err := st.ClaimOutbox(ctx, "w", clk.t, time.Minute, 10, nil)
		if err != nil || len(again) != 2 || string(again[0].Message.Payload) != body || string(again[1].Message.Payload) != body ||
			again[1].Message.ThreadKey != "digest:2026-W48" {
			t.Fatalf("the digest requeued two days on: %+v, %v; want it whole, its chart in its thread", again, err)
		}
	})
}

// RequeueFailed puts back what failed under a key and its thread, as if
// never tried, and nothing else: not what was sent, not another week's
// messages whose key merely starts the same.
func TestRequeueFailedTakesBackOnlyAKeysQueuedMessages(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)}
		st := open(t, db, sqlite.Options{Now: clk.now})
		keys := []string{"digest:2026-W47", "digest:2026-W47:1", "digest:2026-W47:2", "digest:2026-W4", "digest:2026-W4:1", "digest:2026-W470"}
		var msgs []coaching.Message
		for _, k := range keys {
			msgs = append(msgs, coaching.Message{Kind: coaching.MsgDigest, Op: coaching.OpPost, Key: k, To: "C0LEADS"})
		}
		if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.Enqueue(ctx, msgs...) }); err != nil {
			t.Fatal(err)
		}
		items, err := st.ClaimOutbox(ctx, "w", clk.t, time.Minute, 10, keys)
		if err != nil || len(items) != len(keys) {
			t.Fatalf("claim: %d, %v", len(items), err)
		}
		for _, it := range items {
			var err error
			if it.Message.Key == "digest:2026-W47:2" { // this one reached Slack
				_, err = st.MarkSent(ctx, it.ID, "w", it.Message.Key, &coaching.Posted{Channel: "C0LEADS", TS: "1.2"})
			} else {
				_, err = st.MarkFailed(ctx, it.ID, "w", "not_in_channel")
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		clk.t = clk.t.Add(time.Hour)
		got, err := st.RequeueFailed(ctx, "digest:2026-W47", "")
		if err != nil || len(got) != 2 || got[0] != (sqlite.QueuedMessage{Key: "digest:2026-W47", To: "C0LEADS", Reason: "not_in_channel"}) ||
			got[1].Key != "digest:2026-W47:1" {
			t.Fatalf("requeued %+v, %v; want the week's headline and its failed reply, as they failed", got, err)
		}
		if got, err := st.PendingUnder(ctx, "digest:2026-W47"); err != nil || strings.Join(got, " ") != "digest:2026-W47 digest:2026-W47:1" {
			t.Errorf("pending under the week: %v, %v; want the two requeued, not another week's", got, err)
		}
		for _, k := range keys {
			status, err := st.PostStatus(ctx, k)
			want := map[string]string{"digest:2026-W47": "pending", "digest:2026-W47:1": "pending", "digest:2026-W47:2": "sent"}[k]
			if want == "" {
				want = "failed"
			}
			if err != nil || status != want {
				t.Errorf("%s is %q (%v), want %s", k, status, err, want)
			}
		}
		// Due now, as never tried: the next claim takes them at once.
		again, err := st.ClaimOutbox(ctx, "w", clk.t, time.Minute, 10, keys)
		if err != nil || len(again) != 2 || again[0].Attempts != 0 {
			t.Errorf("claimed after the requeue: %+v, %v; want the two, never tried", again, err)
		}
		if got, err := st.RequeueFailed(ctx, "digest:2026-W47", ""); err != nil || len(got) != 0 {
			t.Errorf("a second requeue took %v, %v; want nothing", got, err)
		}
	})
}

// A week's digest that failed for a wrong channel is sent, once requeued,
// to the channel asked for now: its rows named the channel they were
// queued for, and a run with the right one sent them to the wrong one
// again. Replies under a headline that was posted stay in its channel:
// the thread lives there.
func TestRequeueFailedSendsToTheChannelAskedForNow(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)}
		st := open(t, db, sqlite.Options{Now: clk.now})
		w47 := []string{"digest:2026-W47", "digest:2026-W47:1", "digest:2026-W47:2"} // the headline failed
		w48 := []string{"digest:2026-W48", "digest:2026-W48:1"}                      // the headline was posted, a reply failed
		var msgs []coaching.Message
		for _, k := range append(slices.Clone(w47), w48...) {
			m := coaching.Message{Kind: coaching.MsgDigest, Op: coaching.OpPost, Key: k, To: "C0TYPO"}
			if k == "digest:2026-W47:2" || k == "digest:2026-W48:1" {
				m.Kind = coaching.MsgDigestChart
			}
			msgs = append(msgs, m)
		}
		if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.Enqueue(ctx, msgs...) }); err != nil {
			t.Fatal(err)
		}
		items, err := st.ClaimOutbox(ctx, "w", clk.t, time.Minute, 10, nil)
		if err != nil || len(items) != len(msgs) {
			t.Fatalf("claim: %d, %v", len(items), err)
		}
		for _, it := range items {
			var err error
			if it.Message.Key == "digest:2026-W48" {
				_, err = st.MarkSent(ctx, it.ID, "w", it.Message.Key, &coaching.Posted{Channel: "C0TYPO", TS: "1.2"})
			} else {
				_, err = st.MarkFailed(ctx, it.ID, "w", "chat.postMessage: channel_not_found")
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		failed, err := st.MessagesUnder(ctx, "digest:2026-W47", "failed")
		if err != nil || len(failed) != 3 || failed[0] != (sqlite.QueuedMessage{Key: "digest:2026-W47", To: "C0TYPO", Reason: "chat.postMessage: channel_not_found"}) {
			t.Errorf("failed under W47: %+v, %v", failed, err)
		}
		for _, tt := range []struct {
			key, to string
			want    map[string]string // key -> where it goes now
		}{
			{"digest:2026-W47", "C0LEADS", map[string]string{"digest:2026-W47": "C0LEADS", "digest:2026-W47:1": "C0LEADS", "digest:2026-W47:2": "C0LEADS"}},
			{"digest:2026-W48", "C0LEADS", map[string]string{"digest:2026-W48:1": "C0TYPO"}},
		} {
			got, err := st.RequeueFailed(ctx, tt.key, tt.to)
			if err != nil || len(got) != len(tt.want) {
				t.Fatalf("requeue %s: %+v, %v", tt.key, got, err)
			}
			for _, f := range got {
				if f.To != "C0TYPO" {
					t.Errorf("%s failed in %q, want C0TYPO", f.Key, f.To)
				}
			}
			again, err := st.ClaimOutbox(ctx, "w", clk.t, time.Minute, 10, nil)
			if err != nil || len(again) != len(tt.want) {
				t.Fatalf("claimed after requeueing %s: %d, %v", tt.key, len(again), err)
			}
			for _, it := range again {
				if want := tt.want[it.Message.Key]; it.Message.To != want {
					t.Errorf("%s goes to %q, want %q", it.Message.Key, it.Message.To, want)
				}
				if _, err := st.MarkSent(ctx, it.ID, "w", it.Message.Key, &coaching.Posted{Channel: it.Message.To, TS: "2." + it.Message.Key[len(it.Message.Key)-1:]}); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

// A message put back for its channel's slot in its place (PostponeInPlace)
// is taken when the slot comes ahead of what its lane queued meanwhile,
// where Postpone puts it behind; until then nobody takes it, and
// NextOutboxAt says when it comes, though a later message is queued too.
func TestAMessagePostponedInPlaceKeepsItsPlaceInLine(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		clk := &clock{t: t0}
		st := open(t, db, sqlite.Options{Now: clk.now})
		enqueue := func(ms ...coaching.Message) {
			t.Helper()
			if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.Enqueue(ctx, ms...) }); err != nil {
				t.Fatal(err)
			}
		}
		reply := func(k string) coaching.Message {
			return coaching.Message{Kind: coaching.MsgDigest, Op: coaching.OpPost, Key: k, To: "CLEADS"}
		}
		enqueue(reply("digest:in place"), reply("digest:behind"))
		items, err := st.ClaimOutboxLanes(ctx, "a", t0, time.Minute, map[coaching.Op]int{coaching.OpPost: 2}, nil)
		if err != nil || len(items) != 2 {
			t.Fatalf("claim: %v %v", items, err)
		}
		slot := t0.Add(1100 * time.Millisecond)
		if held, err := st.PostponeInPlace(ctx, items[0].ID, "a", slot); err != nil || !held {
			t.Fatalf("PostponeInPlace = %v, %v", held, err)
		}
		if held, err := st.Postpone(ctx, items[1].ID, "a", slot); err != nil || !held {
			t.Fatalf("Postpone = %v, %v", held, err)
		}
		// Until its slot nobody takes it, nor the one postponed.
		clk.t = t0.Add(500 * time.Millisecond)
		if got, err := st.ClaimOutboxLanes(ctx, "b", clk.t, time.Minute, map[coaching.Op]int{coaching.OpPost: 5}, nil); err != nil || len(got) != 0 {
			t.Fatalf("before the slot, the postponed were taken: %v %v", got, err)
		}
		// With nothing due, NextOutboxAt names the slot, not a later
		// message's time (a retry's in an hour).
		enqueue(coaching.Message{Kind: coaching.MsgRepReminder, Op: coaching.OpPost, Key: "reminder:retried", To: "UR1"},
			reply("digest:alone"))
		keys := []string{"reminder:retried", "digest:alone"}
		got, err := st.ClaimOutbox(ctx, "a", clk.t, time.Minute, 10, keys)
		if err != nil || len(got) != 2 {
			t.Fatalf("claim: %v %v", got, err)
		}
		for _, it := range got {
			var held bool
			if it.Message.Key == "reminder:retried" {
				held, err = st.MarkRetry(ctx, it.ID, "a", clk.t.Add(time.Hour), "500")
			} else {
				held, err = st.PostponeInPlace(ctx, it.ID, "a", slot)
			}
			if err != nil || !held {
				t.Fatalf("%s put back: %v, %v", it.Message.Key, held, err)
			}
		}
		if next, pending, err := st.NextOutboxAt(ctx, keys); err != nil || !pending || !next.Equal(slot) {
			t.Errorf("NextOutboxAt = %v, %v, %v; want the slot %v", next, pending, err, slot)
		}
		if err := st.Exec(ctx, `UPDATE outbox SET status = 'sent' WHERE msg_key IN ('reminder:retried', 'digest:alone')`); err != nil {
			t.Fatal(err)
		}
		// A reminder queued meanwhile goes after the one postponed in
		// place, and before the one postponed.
		enqueue(coaching.Message{Kind: coaching.MsgRepReminder, Op: coaching.OpPost, Key: "reminder:3", To: "UR3"})
		clk.t = slot
		got, err = st.ClaimOutboxLanes(ctx, "b", slot, time.Minute, map[coaching.Op]int{coaching.OpPost: 1}, nil)
		if err != nil || len(got) != 1 || got[0].Message.Key != "digest:in place" {
			t.Fatalf("at the slot: %v %v, want the one postponed in place", got, err)
		}
		got, err = st.ClaimOutboxLanes(ctx, "b", slot, time.Minute, map[coaching.Op]int{coaching.OpPost: 1}, nil)
		if err != nil || len(got) != 1 || got[0].Message.Key != "reminder:3" {
			t.Fatalf("next at the slot: %v %v, want the reminder queued before the slot, ahead of the one postponed", got, err)
		}
		got, err = st.ClaimOutboxLanes(ctx, "b", slot, time.Minute, map[coaching.Op]int{coaching.OpPost: 1}, nil)
		if err != nil || len(got) != 1 || got[0].Message.Key != "digest:behind" {
			t.Fatalf("last at the slot: %v %v, want the one postponed", got, err)
		}
	})
}
