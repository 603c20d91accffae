package outbox_test

import (
	"context"
	"errors"
	"fmt"

	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// gcra checks that calls keep a limit, with its own arithmetic: a call at
// t conforms when t ≥ tat − (burst−1)·every.
type gcra struct {
	lim        outbox.Limit
	tat        time.Time
	violations int
}

func (g *gcra) call(t time.Time) {
	if t.Before(g.tat.Add(-time.Duration(g.lim.Burst-1) * g.lim.Every)) {
		g.violations++
	}
	if t.After(g.tat) {
		g.tat = t
	}
	g.tat = g.tat.Add(g.lim.Every)
}

// pacedSlack is a fake Slack that checks every call against Slack's limits
// as SlackLimits states them, answers a scripted 429, and records when each
// method was called.
type pacedSlack struct {
	mu         sync.Mutex
	now        func() time.Time
	limits     outbox.Limits
	method     map[string]*gcra
	channel    map[string]*gcra
	calls      map[string][]time.Time // method → call times
	sent       map[string]int         // op and key → deliveries
	sentAt     map[string]time.Time   // op and key → the last delivery
	limitAfter map[string]int         // method → answer 429 to its nth call
	retryAfter time.Duration
}

func newPacedSlack(now func() time.Time) *pacedSlack {
	return &pacedSlack{now: now, limits: outbox.SlackLimits(), method: map[string]*gcra{}, channel: map[string]*gcra{},
		calls: map[string][]time.Time{}, sent: map[string]int{}, sentAt: map[string]time.Time{}, limitAfter: map[string]int{}}
}

func (s *pacedSlack) Send(_ context.Context, m coaching.Message, prior *coaching.Posted) (*coaching.Posted, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	meth := map[coaching.Op]string{coaching.OpPost: "chat.postMessage", coaching.OpUpdate: "chat.update", coaching.OpPublish: "views.publish"}[m.Op]
	now := s.now()
	s.calls[meth] = append(s.calls[meth], now)
	if n := s.limitAfter[meth]; n > 0 && len(s.calls[meth]) == n {
		return nil, &outbox.Error{Class: outbox.RateLimited, Method: meth, RetryAfter: s.retryAfter, Err: errors.New("ratelimited")}
	}
	if l, ok := s.limits.Method[meth]; ok {
		if s.method[meth] == nil {
			s.method[meth] = &gcra{lim: l}
		}
		s.method[meth].call(now)
	}
	if l, ok := s.limits.PerChannel[meth]; ok {
		k := meth + ":" + m.To
		if s.channel[k] == nil {
			s.channel[k] = &gcra{lim: l}
		}
		s.channel[k].call(now)
	}
	s.sent[string(m.Op)+" "+m.Key]++
	s.sentAt[string(m.Op)+" "+m.Key] = now
	if prior != nil {
		return nil, nil
	}
	return &coaching.Posted{Channel: "D" + m.To, TS: "1.0"}, nil
}

func (s *pacedSlack) violations() (n int) {
	for _, g := range s.method {
		n += g.violations
	}
	for _, g := range s.channel {
		n += g.violations
	}
	return n
}

// simulate runs the worker on the simulated clock until nothing is
// pending, the way Run does (a pass, then the wait it asks for), and
// returns the simulated time it took.
func simulate(t testing.TB, st *sqlite.Store, w *outbox.Worker, clk *clock, limit time.Duration) time.Duration {
	t.Helper()
	ctx := context.Background()
	start := clk.Now()
	for clk.Now().Sub(start) < limit {
		if err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		next, pending, err := st.NextOutboxAt(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !pending {
			return clk.Now().Sub(start)
		}
		clk.Advance(w.Idle(next))
	}
	t.Fatalf("still pending after %v of simulated time", limit)
	return 0
}

func openSim(t testing.TB) (*sqlite.Store, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)} // a Monday, 9:00
	st, err := sqlite.Open(context.Background(), migratedDB(t), sqlite.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, clk
}

// Under pacing, the worker touches a message only to send it: however
// deep the backlog, it claims what Slack's limits let it send now, books a
// busy channel's slot once, and writes at most three times per message
// delivered (its claim's share, a put-back to its slot, its mark as sent),
// while every call keeps Slack's limits and one 429 holds its method.
func TestOutboxWritesPerDeliveredMessageStayBounded(t *testing.T) {
	for _, tt := range []struct {
		name     string
		msgs     func() []coaching.Message
		posted   int    // updates' posts already out, by key "old:U…"
		limit429 string // the method whose first call Slack limits
		maxWrite float64
		within   time.Duration // simulated time to deliver everything; 0: no bound
	}{
		// Monday 9:00 at a 20,000-rep company: 2,000 managers' nudges,
		// each a DM of its own, and a burst of 500 DMs to reps from the
		// sessions logged meanwhile. chat.postMessage's workspace limit
		// (300 a minute here) sets the pace: (2,500 − 30 burst) / 5 a
		// second ≈ 8 min 14 s, plus one 429's 30 s Retry-After.
		{name: "Monday 9:00: 2,000 nudges and 500 rep DMs, a 429 on the first", limit429: "chat.postMessage", msgs: func() (ms []coaching.Message) {
			for k := range 2_000 {
				ms = append(ms, coaching.Message{Kind: coaching.MsgNudge, Op: coaching.OpPost, Key: fmt.Sprintf("nudge:%d", k), To: fmt.Sprintf("UM%04d", k)})
			}
			for k := range 500 {
				ms = append(ms, coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpPost, Key: fmt.Sprintf("dm:%d", k), To: fmt.Sprintf("UR%05d", k)})
			}
			return ms
		}, maxWrite: 1.5, within: 9 * time.Minute},
		{name: "10,000 DMs (2,000 under -race), each to its own rep", msgs: func() (ms []coaching.Message) {
			for k := range dmBacklog {
				ms = append(ms, coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpPost, Key: fmt.Sprintf("dm:%d", k), To: fmt.Sprintf("U%05d", k)})
			}
			return ms
		}, maxWrite: 1.5},
		{name: "2,000 posts into 20 channels, a 429 on the first", limit429: "chat.postMessage", msgs: func() (ms []coaching.Message) {
			for k := range 2_000 {
				ms = append(ms, coaching.Message{Kind: coaching.MsgNudge, Op: coaching.OpPost, Key: fmt.Sprintf("n:%d", k), To: fmt.Sprintf("C%02d", k%20)})
			}
			return ms
		}, maxWrite: 3},
		{name: "1,000 DM updates (Tier 3), 200 queued with their posts (which show them), a 429 on the first", posted: 800, limit429: "chat.update", msgs: func() (ms []coaching.Message) {
			for k := range 1_000 {
				ms = append(ms, coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpUpdate, Key: fmt.Sprintf("old:U%05d", k), To: fmt.Sprintf("U%05d", k)})
			}
			for k := 800; k < 1_000; k++ { // the posts these updates wait for
				ms = append(ms, coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpPost, Key: fmt.Sprintf("old:U%05d", k), To: fmt.Sprintf("U%05d", k)})
			}
			return ms
		}, maxWrite: 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st, clk := openSim(t)
			for k := range tt.posted {
				if err := st.Exec(ctx, `INSERT INTO slack_messages (msg_key, channel, ts, posted_at) VALUES (?, ?, '1.0', 0)`,
					fmt.Sprintf("old:U%05d", k), fmt.Sprintf("DU%05d", k)); err != nil {
					t.Fatal(err)
				}
			}
			msgs := tt.msgs()
			if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.Enqueue(ctx, msgs...) }); err != nil {
				t.Fatal(err)
			}
			slack := newPacedSlack(clk.Now)
			const retryAfter = 30 * time.Second
			slack.retryAfter = retryAfter
			if tt.limit429 != "" {
				slack.limitAfter[tt.limit429] = 1
			}
			q := &countingQueue{Store: st}
			w := outbox.NewWorker(q, slack, outbox.Options{Now: clk.Now, Sleep: clk.Sleep})
			took := simulate(t, st, w, clk, 24*time.Hour)

			// An update queued before its post went is shown by the post
			// (rendered when it goes) and superseded with it.
			queuedPost := map[string]bool{}
			for _, m := range msgs {
				queuedPost[m.Key] = queuedPost[m.Key] || m.Op == coaching.OpPost
			}
			delivered := 0
			for _, m := range msgs {
				want := 1
				if m.Op == coaching.OpUpdate && queuedPost[m.Key] {
					want = 0
				}
				if n := slack.sent[string(m.Op)+" "+m.Key]; n != want {
					t.Fatalf("%s %s delivered %d times, want %d", m.Op, m.Key, n, want)
				}
				delivered += want
			}
			if v := slack.violations(); v != 0 {
				t.Errorf("%d calls broke Slack's limits", v)
			}
			if tt.limit429 != "" {
				calls := slack.calls[tt.limit429]
				if len(calls) < 2 || calls[1].Sub(calls[0]) < retryAfter {
					t.Errorf("after a 429 the next %s came %v later, want Retry-After %v", tt.limit429, calls[1].Sub(calls[0]), retryAfter)
				}
			}
			perMsg := float64(q.writes.Load()) / float64(delivered)
			t.Logf("%d delivered in %v simulated; %d writes (%.2f a message): %d claims, %d put back",
				delivered, took.Round(time.Second), q.writes.Load(), perMsg, q.claims.Load(), q.postpones.Load())
			if tt.within > 0 && took > tt.within {
				t.Errorf("took %v of simulated time, want within %v", took, tt.within)
			}
			if perMsg > tt.maxWrite {
				t.Errorf("%.2f writes per delivered message, want ≤ %.1f", perMsg, tt.maxWrite)
			}
		})
	}
}

// dmBacklog is the DM backlog simulated (less under the race detector).
var dmBacklog = 10_000

// Monday 9:00 again, as it happens: 2,000 nudges are queued at 9:00, and
// from 9:01 to 9:02 managers log a session every 3 seconds, each queuing
// DMs to its two reps. Each rep DM goes ahead of the nudges still queued,
// within seconds of its session; the nudges all go too, as fast as
// before, every call within Slack's limits and the writes per message
// bounded.
func TestRepDMsQueuedDuringTheNudgeWaveGoWithinSeconds(t *testing.T) {
	ctx := context.Background()
	st, clk := openSim(t)
	start := clk.Now()
	var msgs []coaching.Message
	for k := range 2_000 {
		msgs = append(msgs, coaching.Message{Kind: coaching.MsgNudge, Op: coaching.OpPost, Key: fmt.Sprintf("nudge:%d", k), To: fmt.Sprintf("UM%04d", k)})
	}
	if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.Enqueue(ctx, msgs...) }); err != nil {
		t.Fatal(err)
	}
	type session struct {
		at  time.Time
		dms []coaching.Message
	}
	var sessions []session
	for k := range 20 {
		s := session{at: start.Add(time.Minute + time.Duration(k)*3*time.Second)}
		for r := range 2 {
			rep := fmt.Sprintf("UR%02d%d", k, r)
			s.dms = append(s.dms, coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpPost, Key: "dm:" + rep, To: rep})
		}
		sessions = append(sessions, s)
	}

	// A session queues its DMs once its time has come, whatever the
	// worker is doing: between its passes, or while it waits for Slack's
	// next slot in the middle of a pass (a handler's transaction commits
	// while the worker sleeps).
	next := 0
	logSessions := func() {
		for ; next < len(sessions) && !clk.Now().Before(sessions[next].at); next++ {
			if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.Enqueue(ctx, sessions[next].dms...) }); err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, sessions[next].dms...)
		}
	}
	sleep := func(ctx context.Context, d time.Duration) error {
		err := clk.Sleep(ctx, d)
		logSessions()
		return err
	}
	slack := newPacedSlack(clk.Now)
	q := &countingQueue{Store: st}
	w := outbox.NewWorker(q, slack, outbox.Options{Now: clk.Now, Sleep: sleep})
	// As simulate, with the worker woken (Notify) when a session is due.
	var end time.Time
	for {
		if clk.Now().Sub(start) > time.Hour {
			t.Fatal("still pending after an hour of simulated time")
		}
		logSessions()
		if err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		end = clk.Now()
		due, pending, err := st.NextOutboxAt(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !pending && next == len(sessions) {
			break
		}
		wait := time.Second
		if pending {
			wait = w.Idle(due)
		}
		if next < len(sessions) {
			wait = max(min(wait, sessions[next].at.Sub(clk.Now())), time.Millisecond)
		}
		clk.Advance(wait)
	}
	took := end.Sub(start)

	for _, m := range msgs {
		if n := slack.sent[string(m.Op)+" "+m.Key]; n != 1 {
			t.Fatalf("%s %s delivered %d times, want once", m.Op, m.Key, n)
		}
	}
	// Each DM's wait counts from its session's time, not from when the
	// simulation got round to queuing it.
	var worst time.Duration
	for _, s := range sessions {
		for _, m := range s.dms {
			worst = max(worst, slack.sentAt[string(m.Op)+" "+m.Key].Sub(s.at))
		}
	}
	if v := slack.violations(); v != 0 {
		t.Errorf("%d calls broke Slack's limits", v)
	}
	perMsg := float64(q.writes.Load()) / float64(len(msgs))
	t.Logf("%d delivered in %v simulated; a rep DM waited at most %v; %d writes (%.2f a message): %d claims, %d put back",
		len(msgs), took.Round(time.Second), worst, q.writes.Load(), perMsg, q.claims.Load(), q.postpones.Load())
	if worst > 3*time.Second {
		t.Errorf("a rep DM waited %v after its session, want within 3 s", worst)
	}
	// (2,040 − 30 burst) / 5 a second ≈ 6 min 42 s: the DMs take their
	// slots from the nudges, they add none.
	if took > 7*time.Minute {
		t.Errorf("took %v of simulated time, want within 7 min", took)
	}
	if perMsg > 1.5 {
		t.Errorf("%.2f writes per delivered message, want ≤ 1.5", perMsg)
	}
}
