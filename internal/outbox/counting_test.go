package outbox_test

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// countingQueue is the real store, counting the writes the worker asks of
// it: every call that changes outbox rows is one write transaction on the
// single writer. A claim that finds nothing due only reads (it checks
// before it takes the write lock), so it is not counted.
type countingQueue struct {
	*sqlite.Store
	writes, claims, postpones atomic.Int64
}

func (q *countingQueue) MarkSent(ctx context.Context, id int64, owner, key string, posted *coaching.Posted, covered ...int64) (bool, error) {
	q.writes.Add(1)
	return q.Store.MarkSent(ctx, id, owner, key, posted, covered...)
}

func (q *countingQueue) MarkRetry(ctx context.Context, id int64, owner string, next time.Time, reason string) (bool, error) {
	q.writes.Add(1)
	return q.Store.MarkRetry(ctx, id, owner, next, reason)
}

func (q *countingQueue) Postpone(ctx context.Context, id int64, owner string, next time.Time) (bool, error) {
	q.writes.Add(1)
	q.postpones.Add(1)
	return q.Store.Postpone(ctx, id, owner, next)
}

func (q *countingQueue) PostponeInPlace(ctx context.Context, id int64, owner string, next time.Time) (bool, error) {
	q.writes.Add(1)
	q.postpones.Add(1)
	return q.Store.PostponeInPlace(ctx, id, owner, next)
}

func (q *countingQueue) MarkFailed(ctx context.Context, id int64, owner, reason string) (bool, error) {
	q.writes.Add(1)
	return q.Store.MarkFailed(ctx, id, owner, reason)
}

func (q *countingQueue) MarkSuperseded(ctx context.Context, id int64, owner string) (bool, error) {
	q.writes.Add(1)
	return q.Store.MarkSuperseded(ctx, id, owner)
}

func (q *countingQueue) ExtendLease(ctx context.Context, id int64, owner string, until time.Time) (bool, error) {
	q.writes.Add(1)
	return q.Store.ExtendLease(ctx, id, owner, until)
}

func (q *countingQueue) RerouteOutbox(ctx context.Context, id int64, owner string, m coaching.Message) (bool, error) {
	q.writes.Add(1)
	return q.Store.RerouteOutbox(ctx, id, owner, m)
}

func (q *countingQueue) ReleaseLeases(ctx context.Context, owner string) error {
	q.writes.Add(1)
	return q.Store.ReleaseLeases(ctx, owner)
}

func (q *countingQueue) ClaimOutboxLanes(ctx context.Context, owner string, now time.Time, leaseFor time.Duration, lanes map[coaching.Op]int, keys []string) ([]coaching.OutboxItem, error) {
	items, err := q.Store.ClaimOutboxLanes(ctx, owner, now, leaseFor, lanes, keys)
	if len(items) > 0 {
		q.writes.Add(1)
		q.claims.Add(1)
	}
	return items, err
}
