package outbox_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
)

// hoursSender puts back the message keyed "r" (a rep's reminder) until
// opens, a little at a time, as a Sender does with a message whose hour
// has not come (outbox.Later); the rest it sends.
type hoursSender struct {
	mu     sync.Mutex
	now    func() time.Time
	opens  time.Time
	later  int
	sentAt map[string]time.Time
}

func (s *hoursSender) Send(_ context.Context, m coaching.Message, _ *coaching.Posted) (*coaching.Posted, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now := s.now(); m.Key == "r" && now.Before(s.opens) {
		s.later++
		until := now.Add(10 * time.Minute)
		if until.After(s.opens) {
			until = s.opens
		}
		return nil, &outbox.Error{Class: outbox.Later, Until: until, Err: errors.New("not its hour")}
	}
	s.sentAt[m.Key] = s.now()
	return &coaching.Posted{Channel: "D" + m.To, TS: "1.0"}, nil
}

// A message put back until its hour (a rep's reminder past their working
// day) goes then: however often it is put back it counts no attempt (it
// went past MaxAttempts here, and was not failed), notes no failure,
// holds no method (the next post goes at once), and costs one write each
// time, its postpone.
func TestAMessagePutBackUntilItsHourGoesThenUncounted(t *testing.T) {
	st, clk := openSim(t)
	opens := clk.Now().Add(5 * time.Hour) // 30 put-backs, past MaxAttempts (15)
	s := &hoursSender{now: clk.Now, opens: opens, sentAt: map[string]time.Time{}}
	q := &countingQueue{Store: st}
	w := outbox.NewWorker(q, s, outbox.Options{Now: clk.Now, Sleep: clk.Sleep})
	enqueue(t, st, coaching.Message{Kind: coaching.MsgRepReminder, Op: coaching.OpPost, Key: "r", To: "U1"},
		post("d", "U2"))
	simulate(t, st, w, clk, 24*time.Hour)

	if at, ok := s.sentAt["r"]; !ok || at.Before(opens) || at.After(opens.Add(time.Second)) {
		t.Errorf("put back until %s, sent %s (%v)", opens.Format(time.TimeOnly), at.Format(time.TimeOnly), ok)
	}
	if at := s.sentAt["d"]; at.After(opens.Add(-5 * time.Hour).Add(time.Second)) {
		t.Errorf("the next post waited until %s: the method was held", at.Format(time.TimeOnly))
	}
	if got := w.Stats(); got.Sent != 2 || got.Failed != 0 || got.Retried != 0 || got.RateLimited != 0 {
		t.Errorf("stats = %+v, want both sent, nothing failed, retried or rate limited", got)
	}
	if err := w.LastFailure(); err != nil {
		t.Errorf("last failure = %v, want none", err)
	}
	if len(w.Holds()) != 0 {
		t.Errorf("holds = %+v, want none", w.Holds())
	}
	if s.later != 30 || q.postpones.Load() != int64(s.later) {
		t.Errorf("%d put-backs, %d postpones written; want 30, one each", s.later, q.postpones.Load())
	}
}
