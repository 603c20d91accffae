package outbox_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// downQueue is the store with its claims failing while down is set, as
// when the database stops answering; claims counts them.
type downQueue struct {
	*sqlite.Store
	down   atomic.Bool
	claims atomic.Int64
}

func (q *downQueue) ClaimOutboxLanes(ctx context.Context, owner string, now time.Time, leaseFor time.Duration, lanes map[coaching.Op]int, keys []string) ([]coaching.OutboxItem, error) {
	q.claims.Add(1)
	if q.down.Load() {
		return nil, errors.New("database is locked")
	}
	return q.Store.ClaimOutboxLanes(ctx, owner, now, leaseFor, lanes, keys)
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.b.String(), s)
}

// Each lane passes every second: while the database is down, a line per
// pass would be 7,200 lines an hour. The first failure is logged at once,
// then once a minute with how many failed, and the recovery once.
func TestAFailingPassIsLoggedOnceAMinuteNotEverySecond(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
	st, err := sqlite.Open(context.Background(), migratedDB(t), sqlite.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	q := &downQueue{Store: st}
	q.down.Store(true)
	var logs lockedBuffer
	w := outbox.NewWorker(q, &sender{}, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now),
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	passes := func(n int) { // n more passes of each lane
		for range n {
			before := q.claims.Load()
			w.Notify()
			waitUntil(t, 10*time.Second, func() bool { return q.claims.Load() >= before+2 })
		}
	}
	passes(10)
	for _, line := range []string{`msg="outbox pass failed`, `msg="outbox reply pass failed`} {
		if n := logs.count(line); n != 1 {
			t.Errorf("%d lines %s after 10 failed passes of each lane, want 1", n, line)
		}
	}
	if n := logs.count("still failing"); n != 0 {
		t.Errorf("logged again %d times within the minute", n)
	}

	clk.Advance(time.Minute)
	waitUntil(t, 10*time.Second, func() bool {
		w.Notify()
		return logs.count(`msg="outbox pass still failing"`) == 1 && logs.count(`msg="outbox reply pass still failing"`) == 1
	})
	passes(5)
	if n := logs.count("still failing"); n != 2 {
		t.Errorf("%d lines still failing a minute on, want one a lane", n)
	}

	q.down.Store(false)
	waitUntil(t, 10*time.Second, func() bool {
		w.Notify()
		return logs.count(`msg="outbox pass works again"`) == 1 && logs.count(`msg="outbox reply pass works again"`) == 1
	})
	passes(5)
	if n := logs.count("works again"); n != 2 {
		t.Errorf("%d lines works again, want one a lane:\n%s", n, logs.b.String())
	}
	if !strings.Contains(logs.b.String(), "failed_passes=") {
		t.Errorf("the lines do not say how many passes failed:\n%s", logs.b.String())
	}
}
