package outbox_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
)

// A weekly digest at 2,000 managers is a headline and 130 replies in its
// thread, which go at the channel's pace, one every 1.1 s. Twenty seconds
// after it is queued, 1,873 reps' reminders are queued in the same lane
// (both are scheduled bulk, both chat.postMessage). A reply waiting for
// its channel's slot was put back scheduled for it, behind every reminder
// queued meanwhile: the thread stopped after about twenty replies and
// waited 6 minutes for the reminders' workspace slots. A message put back
// for its slot keeps its place in line, so the thread goes on at its
// channel's pace while the reminders take the other slots, and the
// reminders go as fast as before.
func TestADigestThreadIsNotBehindRemindersQueuedAfterIt(t *testing.T) {
	ctx := context.Background()
	st, clk := openSim(t)
	start := clk.Now()
	week := coaching.WeekOf(coaching.Date{Year: 2026, Month: 11, Day: 23})
	const replies = 130
	var digest []coaching.Message
	for i := range replies + 1 {
		m := coaching.Message{Kind: coaching.MsgDigest, Op: coaching.OpPost, Key: coaching.DigestKey(week, i), To: "CLEADS"}
		if i > 0 {
			m.ThreadKey = coaching.DigestKey(week, 0)
		}
		digest = append(digest, m)
	}
	if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.Enqueue(ctx, digest...) }); err != nil {
		t.Fatal(err)
	}
	var reminders []coaching.Message
	for k := range 1_873 {
		reminders = append(reminders, coaching.Message{Kind: coaching.MsgRepReminder, Op: coaching.OpPost,
			Key: fmt.Sprintf("reminder:%d", k), To: fmt.Sprintf("UR%04d", k)})
	}
	remindAt, reminded := start.Add(20*time.Second), false
	remind := func() {
		if reminded || clk.Now().Before(remindAt) {
			return
		}
		reminded = true
		if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.Enqueue(ctx, reminders...) }); err != nil {
			t.Fatal(err)
		}
	}
	sleep := func(ctx context.Context, d time.Duration) error {
		err := clk.Sleep(ctx, d)
		remind()
		return err
	}
	slack := newPacedSlack(clk.Now)
	q := &countingQueue{Store: st}
	w := outbox.NewWorker(q, slack, outbox.Options{Now: clk.Now, Sleep: sleep})
	for {
		if clk.Now().Sub(start) > time.Hour {
			t.Fatal("still pending after an hour of simulated time")
		}
		remind()
		if err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		due, pending, err := st.NextOutboxAt(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !pending && reminded {
			break
		}
		wait := time.Second
		if pending {
			wait = w.Idle(due)
		}
		if !reminded {
			wait = max(min(wait, remindAt.Sub(clk.Now())), time.Millisecond)
		}
		clk.Advance(wait)
	}
	took := clk.Now().Sub(start)

	all := append(slices.Clone(digest), reminders...)
	for _, m := range all {
		if n := slack.sent[string(m.Op)+" "+m.Key]; n != 1 {
			t.Fatalf("%s %s delivered %d times, want once", m.Op, m.Key, n)
		}
	}
	if v := slack.violations(); v != 0 {
		t.Errorf("%d calls broke Slack's limits", v)
	}
	var gap time.Duration
	prev := start
	for _, m := range digest {
		at := slack.sentAt[string(m.Op)+" "+m.Key]
		gap, prev = max(gap, at.Sub(prev)), at
	}
	perMsg := float64(q.writes.Load()) / float64(len(all))
	t.Logf("%d delivered in %v simulated; the digest's last reply after %v, its longest gap %v; %d writes (%.2f a message): %d claims, %d put back",
		len(all), took.Round(time.Second), prev.Sub(start).Round(time.Second), gap, q.writes.Load(), perMsg, q.claims.Load(), q.postpones.Load())
	// 131 posts, three at once then one every 1.1 s: about 2 min 21 s.
	if last := prev.Sub(start); last > 150*time.Second {
		t.Errorf("the digest's last reply went %v after it was queued, want within 2 min 30 s", last)
	}
	// Its channel's pace is 1.1 s; the workspace's next slot, booked when
	// the channel's comes, may be up to a second later (the worker claims
	// what the workspace's limit lets it send within a second).
	if gap > 3*time.Second {
		t.Errorf("the digest's thread stopped for %v between two replies, want at most 3 s", gap)
	}
	// (2,004 − 30 burst) / 5 a second ≈ 6 min 35 s: the digest takes its
	// slots from the reminders, it adds none.
	if took > 7*time.Minute {
		t.Errorf("took %v of simulated time, want within 7 min", took)
	}
	if perMsg > 1.5 {
		t.Errorf("%.2f writes per delivered message, want ≤ 1.5", perMsg)
	}
}
