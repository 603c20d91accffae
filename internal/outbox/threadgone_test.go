package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// channel posts as Slack does in one channel: each post a new ts, and a
// reply under a message deleted since refused thread_not_found (ThreadGone,
// as slackbot classifies it). After its deleteAfter-th post goes, a person
// deletes the headline standing then; deletions say how many times.
type channel struct {
	mu          sync.Mutex
	ts          int
	gone        map[string]bool
	head        string
	deleteAfter int
	deletions   int
	heads       int
	thread      map[string][]string // replies' keys by the ts they went under
	refuse      map[string]bool     // keys Slack refuses for themselves (msg_too_long)
	tries       map[string]int      // sends of each key
}

func (c *channel) Send(_ context.Context, m coaching.Message, prior *coaching.Posted) (*coaching.Posted, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tries != nil {
		c.tries[m.Key]++
	}
	if c.refuse[m.Key] {
		return nil, &outbox.Error{Class: outbox.Permanent, Method: "chat.postMessage", Err: errors.New("msg_too_long")}
	}
	if m.ThreadKey != "" && (prior == nil || c.gone[prior.TS]) {
		return nil, &outbox.Error{Class: outbox.ThreadGone, Method: "chat.postMessage", Err: errors.New("thread_not_found")}
	}
	c.ts++
	ts := fmt.Sprintf("%d.000100", c.ts)
	if m.ThreadKey == "" {
		c.head = ts
		c.heads++
	} else {
		c.thread[prior.TS] = append(c.thread[prior.TS], m.Key)
	}
	if c.deletions > 0 && c.ts%c.deleteAfter == 0 {
		c.deletions--
		c.gone[c.head] = true
	}
	return &coaching.Posted{Channel: "C0LEADS", TS: ts}, nil
}

func digestRows(n int) []coaching.Message {
	week := coaching.Week{Year: 2026, Week: 47}
	var out []coaching.Message
	for i := range n {
		m := coaching.Message{Kind: coaching.MsgDigest, Op: coaching.OpPost, Key: coaching.DigestKey(week, i), To: "C0LEADS", Payload: []byte(`{"text":"part"}`)}
		if i > 0 {
			m.ThreadKey = coaching.DigestKey(week, 0)
		}
		if i == 1 {
			m.Kind = coaching.MsgDigestChart
		}
		out = append(out, m)
	}
	return out
}

// deliverThread queues rows on db and delivers them through ch, as one
// run of the sender would: it returns the store, the rows' keys and those
// that failed.
func deliverThread(t *testing.T, db string, ch *channel, rows []coaching.Message) (*sqlite.Store, []string, []string) {
	t.Helper()
	_, st, _, clk := setupOn(t, db)
	w := outbox.NewWorker(st, ch, outbox.Options{Now: clk.Now, Sleep: clk.Sleep, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now)})
	enqueue(t, st, rows...)
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.Key
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	failed, err := w.Deliver(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	return st, keys, failed
}

// A digest's headline deleted while its thread goes out is posted again
// once, and its whole thread follows under the new one, in order, those
// replies that had gone under the deleted one too. Deleted again, the
// replies fail for good, saying Slack's code: the headline is never posted
// a third time by the sender.
func TestADeletedHeadlineIsPostedAgainOnceWithItsThread(t *testing.T) {
	for _, tc := range []struct {
		name        string
		deleteAfter int // posts
		deletions   int
		heads       int
		failed      int
	}{
		{"deleted after the headline", 1, 1, 2, 0},
		{"deleted after two replies went", 3, 1, 2, 0},
		{"deleted every time", 1, 10, 2, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
				ch := &channel{gone: map[string]bool{}, thread: map[string][]string{}, deleteAfter: tc.deleteAfter, deletions: tc.deletions}
				st, keys, failed := deliverThread(t, db, ch, digestRows(5))
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				if ch.heads != tc.heads || len(failed) != tc.failed {
					t.Fatalf("headline posted %d times, %d failed (%v); want %d and %d", ch.heads, len(failed), failed, tc.heads, tc.failed)
				}
				if tc.failed > 0 {
					status, err := st.MessagesUnder(ctx, keys[0], "failed")
					if err != nil || len(status) != tc.failed || !strings.HasSuffix(status[0].Reason, ": thread_not_found") {
						t.Errorf("failed: %v %+v, want each ending in Slack's code", err, status)
					}
					return
				}
				if got, want := strings.Join(ch.thread[ch.head], " "), strings.Join(keys[1:], " "); got != want {
					t.Errorf("under the live headline: %s; want %s", got, want)
				}
			})
		})
	}
}

// A reply that failed for a reason of its own before its headline was
// found deleted stays failed when the thread is posted again: sent again,
// it would be refused again.
func TestARepostLeavesAReplyThatFailedForItsOwnReason(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		rows := digestRows(5)
		ch := &channel{gone: map[string]bool{}, thread: map[string][]string{}, deleteAfter: 3, deletions: 1,
			refuse: map[string]bool{rows[2].Key: true}, tries: map[string]int{}}
		_, keys, failed := deliverThread(t, db, ch, rows)
		if ch.heads != 2 || len(failed) != 1 || ch.tries[rows[2].Key] != 1 {
			t.Fatalf("headline posted %d times, failed %v, the refused reply sent %d times; want 2, it alone, once",
				ch.heads, failed, ch.tries[rows[2].Key])
		}
		if got, want := strings.Join(ch.thread[ch.head], " "), strings.Join([]string{keys[1], keys[3], keys[4]}, " "); got != want {
			t.Errorf("under the live headline: %s; want %s", got, want)
		}
	})
}

// A day on, the outbox has emptied what its sent messages held, but not a
// digest's headline: found deleted then (`coachlog digest --week`), it is
// posted again; its replies' text is gone, and they are counted lost, not
// sent empty.
func TestADeletedHeadlineIsKeptToPostAgainADayLater(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		_, st, _, clk := setupOn(t, db)
		ch := &channel{gone: map[string]bool{}, thread: map[string][]string{}}
		w := outbox.NewWorker(st, ch, outbox.Options{Now: clk.Now, Sleep: clk.Sleep, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now)})
		rows := digestRows(3)
		enqueue(t, st, rows...)
		keys := []string{rows[0].Key, rows[1].Key, rows[2].Key}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if failed, err := w.Deliver(ctx, keys); err != nil || len(failed) > 0 {
			t.Fatalf("first delivery: %v %v", failed, err)
		}
		clk.Advance(25 * time.Hour)
		if _, err := st.ScrubOutbox(ctx, clk.Now().Add(-24*time.Hour), 0); err != nil {
			t.Fatal(err)
		}
		ch.gone[ch.head] = true
		res, err := st.RepostThread(ctx, rows[0].Key, ch.head, 5, 0, "")
		if err != nil || !res.Reposted || !res.Queued || res.Lost != 2 || res.Replies != 0 {
			t.Fatalf("RepostThread = %+v, %v; want the headline queued again and its 2 replies lost", res, err)
		}
		if failed, err := w.Deliver(ctx, keys); err != nil || len(failed) > 0 || ch.heads != 2 {
			t.Fatalf("the headline again: %v %v, posted %d times", failed, err, ch.heads)
		}
	})
}
