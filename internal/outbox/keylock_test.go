package outbox_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// watchedQueue tells when a claim returns a message of op.
type watchedQueue struct {
	*sqlite.Store
	op      coaching.Op
	claimed chan struct{}
	once    sync.Once
}

func (q *watchedQueue) ClaimOutboxLanes(ctx context.Context, owner string, now time.Time, leaseFor time.Duration, lanes map[coaching.Op]int, keys []string) ([]coaching.OutboxItem, error) {
	items, err := q.Store.ClaimOutboxLanes(ctx, owner, now, leaseFor, lanes, keys)
	for _, it := range items {
		if it.Message.Op == q.op {
			q.once.Do(func() { close(q.claimed) })
		}
	}
	return items, err
}

// holdingSender holds the first response it sends until the update of the
// same message has been claimed and has had time to start its own send,
// and records whether two sends of one message ever overlapped.
type holdingSender struct {
	claimed  <-chan struct{}
	updating chan struct{} // closed when the update's send starts

	mu      sync.Mutex
	busy    map[string]bool
	overlap bool
	order   []coaching.Op
}

func (s *holdingSender) Send(_ context.Context, m coaching.Message, _ *coaching.Posted) (*coaching.Posted, error) {
	s.mu.Lock()
	if s.busy[m.Key] {
		s.overlap = true
	}
	s.busy[m.Key] = true
	s.order = append(s.order, m.Op)
	s.mu.Unlock()
	if m.Op == coaching.OpUpdate {
		close(s.updating)
	}
	if m.Op == coaching.OpRespond {
		select {
		case <-s.claimed:
		case <-time.After(10 * time.Second): // the test fails on the order below
		}
		select { // the update, claimed, would start its send within this
		case <-time.After(300 * time.Millisecond):
		case <-s.updating: // and has: the overlap is recorded
		}
	}
	s.mu.Lock()
	s.busy[m.Key] = false
	s.mu.Unlock()
	return &coaching.Posted{Channel: "D" + m.To, TS: "1.0"}, nil
}

// A rep's click replaces their DM through its response_url (the reply
// lane) while a manager's edit updates it with chat.update (the paced
// lane). Each renders the state of its send: if both were in flight at
// once the older could land last and stay. The second waits for the first.
func TestTwoSendsOfOneMessageNeverOverlap(t *testing.T) {
	st, err := sqlite.Open(context.Background(), migratedDB(t), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	q := &watchedQueue{Store: st, op: coaching.OpUpdate, claimed: make(chan struct{})}
	s := &holdingSender{claimed: q.claimed, updating: make(chan struct{}), busy: map[string]bool{}}
	w := outbox.NewWorker(q, s, outbox.Options{Pacer: outbox.NewPacer(outbox.Limits{}, time.Now)})
	enqueue(t, st, post("k1", "U1"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() { cancel(); <-done }()
	sent := func() int { s.mu.Lock(); defer s.mu.Unlock(); return len(s.order) }
	waitUntil(t, 10*time.Second, func() bool { return sent() == 1 })

	enqueue(t, st, dmResponse("k1", "U1", time.Now()))
	w.Notify()
	waitUntil(t, 10*time.Second, func() bool { return sent() == 2 }) // the response is in its send
	enqueue(t, st, coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpUpdate, Key: "k1", To: "U1"})
	w.Notify()
	waitUntil(t, 10*time.Second, func() bool { return sent() == 3 })

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.overlap {
		t.Fatalf("the update of the DM was sent while its response was still in flight: %v", s.order)
	}
	if s.order[1] != coaching.OpRespond || s.order[2] != coaching.OpUpdate {
		t.Fatalf("sent %v, want post, respond, update", s.order)
	}
}
