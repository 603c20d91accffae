package outbox_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// stallingSlack is Slack as one replica sees it. With a stall, a send
// waits, once it has begun, for the answer the test gives it: the sender
// is paused (a GC pause, a network stall) for as long as the test likes,
// on a clock the test moves. Deliveries count over every replica.
type stallingSlack struct {
	delivered *atomic.Int64
	began     chan struct{} // nil: no stall
	answer    chan error
}

func stalling(delivered *atomic.Int64) *stallingSlack {
	return &stallingSlack{delivered: delivered, began: make(chan struct{}), answer: make(chan error)}
}

func (s *stallingSlack) Send(_ context.Context, m coaching.Message, _ *coaching.Posted) (*coaching.Posted, error) {
	if s.began != nil {
		s.began <- struct{}{}
		if err := <-s.answer; err != nil {
			return nil, err
		}
	}
	s.delivered.Add(1)
	return &coaching.Posted{Channel: "D" + m.To, TS: "1.0"}, nil
}

// A sender that lost a message's lease while it stalled, and resumes, does
// not write over the message another sender has taken since: it neither
// fails a message the other has sent, nor puts back (and so lets a third
// take) one the other is sending. It logs the message's id, never its
// text, at Warn, and moves on.
func TestASenderPastItsLeaseLeavesTheMessageToItsNewSender(t *testing.T) {
	for _, tc := range []struct {
		name string
		// run plays the replicas after A stalled in its send, past its
		// lease; resume lets A's send go on with an outcome.
		run func(t *testing.T, newWorker func(*stallingSlack) *outbox.Worker, delivered *atomic.Int64, clk *clock, resume func(error))
	}{
		{"A fails for good the DM B has just sent", func(t *testing.T, newWorker func(*stallingSlack) *outbox.Worker, delivered *atomic.Int64, _ *clock, resume func(error)) {
			b := newWorker(&stallingSlack{delivered: delivered})
			if err := b.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
			resume(&outbox.Error{Class: outbox.Permanent, Method: "chat.postMessage", Err: errors.New("channel_not_found")})
		}},
		{"A, rate limited, puts back the DM B is sending", func(t *testing.T, newWorker func(*stallingSlack) *outbox.Worker, delivered *atomic.Int64, clk *clock, resume func(error)) {
			slackB := stalling(delivered)
			b := newWorker(slackB)
			doneB := make(chan error, 1)
			go func() { doneB <- b.Drain(context.Background()) }()
			<-slackB.began
			resume(&outbox.Error{Class: outbox.RateLimited, Method: "chat.postMessage", RetryAfter: time.Second, Err: errors.New("ratelimited")})
			// Past A's Retry-After, well within B's lease, a third sender
			// looks for work while B's send is still on its way.
			clk.Advance(2 * time.Second)
			if err := newWorker(&stallingSlack{delivered: delivered}).Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
			slackB.answer <- nil
			if err := <-doneB; err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
				ctx := context.Background()
				clk := &clock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
				st, err := sqlite.Open(ctx, db, sqlite.Options{Now: clk.Now})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				m := post("dm", "U1")
				m.Payload = []byte(`{"text":"PRIVATE rushed pricing"}`)
				enqueue(t, st, m)
				var log bytes.Buffer
				newWorker := func(s *stallingSlack) *outbox.Worker {
					return outbox.NewWorker(st, s, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now)})
				}
				var delivered atomic.Int64
				slackA := stalling(&delivered)
				a := outbox.NewWorker(st, slackA, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now),
					Logger: slog.New(slog.NewJSONHandler(&log, &slog.HandlerOptions{Level: slog.LevelWarn}))})
				doneA := make(chan error, 1)
				go func() { doneA <- a.Drain(ctx) }()
				<-slackA.began
				clk.Advance(outbox.DefaultPolicy().Lease + time.Second) // A stalls past its lease
				tc.run(t, newWorker, &delivered, clk, func(err error) {
					slackA.answer <- err
					if err := <-doneA; err != nil {
						t.Errorf("A's drain: %v", err)
					}
				})

				if n := delivered.Load(); n != 1 {
					t.Errorf("the DM was delivered %d times, want once", n)
				}
				if status, err := st.OutboxStatus(ctx, []string{"dm"}); err != nil || status["dm"] != "sent" {
					t.Errorf("status = %v, %v; want sent, as B recorded it", status, err)
				}
				items, err := st.ClaimOutbox(ctx, "later", clk.Now().Add(time.Hour), time.Minute, 10, nil)
				if err != nil || len(items) != 0 {
					t.Errorf("an hour on, %d messages are still to send (%v); want none", len(items), err)
				}
				got := log.String()
				if !strings.Contains(got, `"level":"WARN","msg":"outbox message taken by another worker`) || !strings.Contains(got, `"outbox_id":`+strconv.Itoa(1)) {
					t.Errorf("A's log = %s; want a warning that the message was left to B, naming its id", got)
				}
				if strings.Contains(got, "failed for good") {
					t.Errorf("A's log = %s; the message did not fail", got)
				}
				if strings.Contains(got, "PRIVATE") {
					t.Errorf("A's log carries the message's text: %s", got)
				}
			})
		})
	}
}
