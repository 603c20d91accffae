package sqlite

import (
	"context"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// The metrics' window queries, for tests of their plans.
const (
	MetricsPairsQuery       = pairsQuery
	MetricsAskedQuery       = askedQuery
	MetricsCoachedQuery     = coachedQuery
	MetricsCommitmentsQuery = commitmentsQuery
	MetricsMonthQuery       = monthQuery
	MetricsCountQuery       = countQuery
)

// Statements that must seek an index, for tests of their plans.
const (
	OutboxStatusQuery   = outboxStatusQuery
	PostStatusQuery     = postStatusQuery
	PendingUpdatesQuery = pendingUpdatesQuery
	ReopenQuery         = reopenQuery
	OutboxStatsQuery    = outboxStatsQuery
	FailedDigestsQuery  = failedDigestsQuery
	WeekSessionsQuery   = weekSessionsQuery
)

// QueryPlan is SQLite's plan for query with args, its steps joined by "; ".
func (s *Store) QueryPlan(ctx context.Context, query string, args ...any) (string, error) {
	rows, err := s.r.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return "", err
		}
		steps = append(steps, detail)
	}
	return strings.Join(steps, "; "), rows.Err()
}

// QueryRow reads one row of a query without arguments into dest.
func (s *Store) QueryRow(ctx context.Context, query string, dest ...any) error {
	return s.r.QueryRowContext(ctx, query).Scan(dest...)
}

// ClaimLanesStatement is the statement ClaimOutboxLanes runs, for tests of
// its plan.
func (s *Store) ClaimLanesStatement(owner string, now time.Time, leaseFor time.Duration, lanes map[coaching.Op]int, keys []string) (string, []any) {
	return s.claimStatement(owner, now, leaseFor, laneList(lanes), keys)
}

// LookStatement is the look ClaimOutboxLanes runs on a reader before it
// claims, for tests of its plan.
func LookStatement(now time.Time, lanes map[coaching.Op]int, keys []string) (string, []any) {
	return lookStatement(now, laneList(lanes), keys)
}

// SiblingsStatement is the statement a claim runs to lease the later
// versions of what it took, for tests of its plan.
func SiblingsStatement(now time.Time, keys, homes []string) (string, []any) {
	return siblingsStatement("w", now, time.Minute, keys, homes)
}

// Look runs that look: whether a claim would go on to the writer.
func (s *Store) Look(ctx context.Context, now time.Time, lanes map[coaching.Op]int, keys []string) (bool, error) {
	q, args := LookStatement(now, lanes, keys)
	var found bool
	err := s.rq.QueryRowContext(ctx, q, args...).Scan(&found)
	return found, err
}

// Explain is the engine's plan for query with args, without running it:
// EXPLAIN QUERY PLAN's steps on SQLite, EXPLAIN's lines on PostgreSQL,
// joined by "; ".
func (s *Store) Explain(ctx context.Context, query string, args ...any) (string, error) {
	if !s.pg {
		return s.QueryPlan(ctx, query, args...)
	}
	rows, err := s.r.QueryContext(ctx, "EXPLAIN "+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", err
		}
		lines = append(lines, strings.TrimSpace(line))
	}
	return strings.Join(lines, "; "), rows.Err()
}

// QueuedWrites is how many writes wait for the writer.
func (s *Store) QueuedWrites() int { return len(s.writes) }

// UnpreparedWrites counts the statements written in transactions without
// a prepared statement so far.
func (s *Store) UnpreparedWrites() int64 { return s.wq.c.unprepared.Load() }

// BackendPID is the PostgreSQL backend serving tx, for tests that wait
// until another transaction is blocked by it (pg_blocking_pids).
func BackendPID(ctx context.Context, t coaching.Tx) (int, error) {
	var pid int
	err := t.(*tx).q.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid)
	return pid, err
}

// BlockedBy counts the backends waiting for a lock pid holds.
func (s *Store) BlockedBy(ctx context.Context, pid int) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))`, pid).Scan(&n)
	return n, err
}

// WaitPrepared waits for the statements a write met unprepared to be
// prepared in the background (prepareLater): a test that ends a
// connection then knows nothing else is using it.
func (s *Store) WaitPrepared() { s.prepared.Wait() }

// The statements RecentFailures reads, for tests of their plans.
var (
	RecentFailedQuery = recentFailedQuery
	RecentSentQuery   = recentSentQuery
)
