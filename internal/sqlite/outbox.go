package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// outboxArgs is the part of a message stored as JSON.
type outboxArgs struct {
	SessionID   int64  `json:"session_id,omitempty"`
	RepID       string `json:"rep_id,omitempty"`
	ResponseURL string `json:"response_url,omitempty"`
	Replace     bool   `json:"replace,omitempty"`
	ThreadKey   string `json:"thread_key,omitempty"`
}

// Enqueue queues messages for delivery in the caller's transaction.
func (t *tx) Enqueue(ctx context.Context, msgs ...coaching.Message) error {
	now := t.now()
	for _, m := range msgs {
		args, err := json.Marshal(outboxArgs{SessionID: m.SessionID, RepID: m.RepID, ResponseURL: m.ResponseURL,
			Replace: m.Replace, ThreadKey: m.ThreadKey})
		if err != nil {
			return fmt.Errorf("encode outbox message: %w", err)
		}
		_, err = t.q.ExecContext(ctx, `INSERT INTO outbox (kind, op, msg_key, recipient, args, payload, next_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, m.Kind, m.Op, m.Key, m.To, string(args), string(m.Payload), now, now)
		if err != nil {
			return fmt.Errorf("queue %s %s for %s: %w", m.Op, m.Kind, m.To, err)
		}
	}
	return nil
}

// ClaimOutbox leases up to limit pending messages whose time has come, oldest
// first, to owner for leaseFor: another worker (the bot's, a command's)
// skips them until the lease ends, so no two send the same row. A lease
// left by a crashed process simply expires. With keys, only messages with
// those keys are taken.
func (s *Store) ClaimOutbox(ctx context.Context, owner string, now time.Time, leaseFor time.Duration, limit int, keys []string) ([]coaching.OutboxItem, error) {
	filter, args := keyFilter(keys)
	var due int
	err := s.rq.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE status = 'pending' AND next_at <= ?
		AND lease_until <= ?`+filter, append([]any{ms(now), ms(now)}, args...)...).Scan(&due)
	if err != nil || due == 0 {
		return nil, err
	}
	var out []coaching.OutboxItem
	err = s.Update(ctx, func(ctx2 coaching.Tx) error {
		t := ctx2.(*tx)
		q := `UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id IN (SELECT id FROM outbox
			WHERE status = 'pending' AND next_at <= ? AND lease_until <= ?` + filter + ` ORDER BY id LIMIT ?)
			RETURNING id, kind, op, msg_key, recipient, args, payload, attempts, created_at`
		qargs := append([]any{owner, ms(now.Add(leaseFor)), ms(now), ms(now)}, args...)
		rows, err := t.q.QueryContext(ctx, q, append(qargs, limit)...)
		if err != nil {
			return fmt.Errorf("claim outbox: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			it, err := scanOutbox(rows)
			if err != nil {
				return err
			}
			out = append(out, it)
		}
		return rows.Err()
	})
	slices.SortFunc(out, func(a, b coaching.OutboxItem) int { return cmp.Compare(a.ID, b.ID) })
	return out, err
}

func keyFilter(keys []string) (string, []any) {
	if len(keys) == 0 {
		return "", nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	return ` AND msg_key IN (?` + strings.Repeat(", ?", len(keys)-1) + `)`, args
}

func scanOutbox(rows *sql.Rows) (coaching.OutboxItem, error) {
	var it coaching.OutboxItem
	var args, payload string
	var created int64
	m := &it.Message
	if err := rows.Scan(&it.ID, &m.Kind, &m.Op, &m.Key, &m.To, &args, &payload, &it.Attempts, &created); err != nil {
		return it, fmt.Errorf("read outbox: %w", err)
	}
	var a outboxArgs
	if err := json.Unmarshal([]byte(args), &a); err != nil {
		return it, fmt.Errorf("read outbox row %d: %w", it.ID, err)
	}
	m.SessionID, m.RepID, m.ResponseURL, m.Replace, m.ThreadKey = a.SessionID, a.RepID, a.ResponseURL, a.Replace, a.ThreadKey
	if payload != "" {
		m.Payload = []byte(payload)
	}
	it.CreatedAt = fromMS(created)
	return it, nil
}

// OutboxStatus reports the delivery state of the newest message queued
// under each key: pending, sent, failed or superseded.
func (s *Store) OutboxStatus(ctx context.Context, keys []string) (map[string]string, error) {
	filter, args := keyFilter(keys)
	rows, err := s.rq.QueryContext(ctx, `SELECT msg_key, status FROM outbox WHERE 1 = 1`+filter+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("read outbox status: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, st string
		if err := rows.Scan(&k, &st); err != nil {
			return nil, err
		}
		out[k] = st
	}
	return out, rows.Err()
}

// NextOutboxAt returns when the next pending message (with keys: one of
// those) can be taken, if any is pending.
func (s *Store) NextOutboxAt(ctx context.Context, keys []string) (time.Time, bool, error) {
	filter, args := keyFilter(keys)
	var next sql.NullInt64
	if err := s.rq.QueryRowContext(ctx, `SELECT min(max(next_at, lease_until)) FROM outbox WHERE status = 'pending'`+filter,
		args...).Scan(&next); err != nil {
		return time.Time{}, false, fmt.Errorf("read outbox: %w", err)
	}
	return fromMS(next.Int64), next.Valid, nil
}

// MarkSent records a delivery; for a post, where the message now lives, in
// the same transaction so that an update never misses its ts.
func (s *Store) MarkSent(ctx context.Context, id int64, key string, posted *coaching.Posted) error {
	return s.Update(ctx, func(ctx2 coaching.Tx) error {
		t := ctx2.(*tx)
		now := t.now()
		if _, err := t.q.ExecContext(ctx, `UPDATE outbox SET status = 'sent', done_at = ?, attempts = attempts + 1, last_error = '', lease_until = 0
			WHERE id = ?`, now, id); err != nil {
			return fmt.Errorf("mark outbox row %d sent: %w", id, err)
		}
		if posted == nil || key == "" {
			return nil
		}
		_, err := t.q.ExecContext(ctx, `INSERT INTO slack_messages (msg_key, channel, ts, posted_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (msg_key) DO UPDATE SET channel = excluded.channel, ts = excluded.ts`, key, posted.Channel, posted.TS, now)
		if err != nil {
			return fmt.Errorf("remember message %s: %w", key, err)
		}
		return nil
	})
}

// MarkRetry schedules another attempt.
func (s *Store) MarkRetry(ctx context.Context, id int64, next time.Time, reason string) error {
	_, err := s.wq.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ?, lease_until = 0 WHERE id = ?`,
		ms(next), reason, id)
	if err != nil {
		return fmt.Errorf("reschedule outbox row %d: %w", id, err)
	}
	return nil
}

// Postpone moves a message later without counting an attempt (it waits for
// something else, such as the post it updates).
func (s *Store) Postpone(ctx context.Context, id int64, next time.Time) error {
	_, err := s.wq.ExecContext(ctx, `UPDATE outbox SET next_at = ?, lease_until = 0 WHERE id = ?`, ms(next), id)
	if err != nil {
		return fmt.Errorf("postpone outbox row %d: %w", id, err)
	}
	return nil
}

// MarkFailed gives up on a message, leaving it visibly failed.
func (s *Store) MarkFailed(ctx context.Context, id int64, reason string) error {
	_, err := s.wq.ExecContext(ctx, `UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, done_at = ?, lease_until = 0
		WHERE id = ?`, reason, ms(s.now()), id)
	if err != nil {
		return fmt.Errorf("mark outbox row %d failed: %w", id, err)
	}
	return nil
}

// MarkSuperseded closes a message made redundant by a later one for the
// same Slack message.
func (s *Store) MarkSuperseded(ctx context.Context, id int64) error {
	_, err := s.wq.ExecContext(ctx, `UPDATE outbox SET status = 'superseded', done_at = ?, lease_until = 0 WHERE id = ?`, ms(s.now()), id)
	if err != nil {
		return fmt.Errorf("mark outbox row %d superseded: %w", id, err)
	}
	return nil
}

// ReleaseLeases gives back the pending messages owner still holds.
func (s *Store) ReleaseLeases(ctx context.Context, owner string) error {
	_, err := s.wq.ExecContext(ctx, `UPDATE outbox SET lease_until = 0, lease_owner = ''
		WHERE lease_owner = ? AND status = 'pending' AND lease_until > 0`, owner)
	if err != nil {
		return fmt.Errorf("release outbox leases of %s: %w", owner, err)
	}
	return nil
}

// PostedMessage returns where the message posted under key lives.
func (s *Store) PostedMessage(ctx context.Context, key string) (coaching.Posted, bool, error) {
	var p coaching.Posted
	err := s.rq.QueryRowContext(ctx, `SELECT channel, ts FROM slack_messages WHERE msg_key = ?`, key).Scan(&p.Channel, &p.TS)
	if errors.Is(err, sql.ErrNoRows) {
		return coaching.Posted{}, false, nil
	}
	if err != nil {
		return coaching.Posted{}, false, fmt.Errorf("read message %s: %w", key, err)
	}
	return p, true, nil
}

// PostStatus reports the state of the post queued under key: "" when none was
// queued, else pending, sent or failed.
func (s *Store) PostStatus(ctx context.Context, key string) (string, error) {
	var st string
	err := s.rq.QueryRowContext(ctx, `SELECT status FROM outbox WHERE msg_key = ? AND op = 'post' ORDER BY id DESC LIMIT 1`, key).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read post status %s: %w", key, err)
	}
	return st, nil
}

// OutboxStats summarises the outbox for health checks and metrics.
type OutboxStats struct {
	Pending       int
	Failed        int
	OldestPending time.Time
}

// OutboxStats reads the outbox's depth and failures.
func (s *Store) OutboxStats(ctx context.Context) (OutboxStats, error) {
	var st OutboxStats
	var oldest sql.NullInt64
	err := s.rq.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM outbox WHERE status = 'pending'),
		(SELECT count(*) FROM outbox WHERE status = 'failed'),
		(SELECT min(created_at) FROM outbox WHERE status = 'pending')`).Scan(&st.Pending, &st.Failed, &oldest)
	if err != nil {
		return OutboxStats{}, fmt.Errorf("read outbox stats: %w", err)
	}
	st.OldestPending = fromMS(oldest.Int64)
	return st, nil
}
