package sqlite

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// DigestFailure is a week's digest that failed for good and still stands
// failed: /healthz names it once, whatever number of its messages (the
// headline, its chart, its thread's replies) failed with it.
type DigestFailure struct {
	Week string // 2026-W48
	// Messages are those that failed for good, oldest first, each with
	// where it went and why it failed, as the worker recorded it: the
	// headline's "chat.postMessage: channel_not_found", say, and its
	// chart's "the message to reply to was never posted (failed)".
	Messages []QueuedMessage
	At       time.Time // when the last of them failed
}

// failedDigestsQuery reads the digest messages that failed for good since
// a time, a range of the failed messages' index by when they failed
// (outbox_failed_at), with the time and the digests' key prefix (its
// length, then itself). It has no ORDER BY id: SQLite then read them
// through outbox_failed, in id order, every failed message ever kept.
const failedDigestsQuery = `SELECT id, msg_key, recipient, last_error, done_at FROM outbox
	WHERE status = 'failed' AND done_at >= ? AND substr(msg_key, 1, ?) = ?`

// failedRow is a row of failedDigestsQuery.
type failedRow struct {
	id      int64
	key, to string
	reason  string
	at      int64
}

// FailingDigests returns, by week, the digests with messages that failed
// for good within window before now and still stand failed: none was taken
// back and sent since (RequeueFailed makes a failed message pending again,
// so a week delivered after all has none left), and no later week's
// digest was posted after the failure (the next week's went out). A digest
// is weekly: a failure counted for 24 h, like a daily nudge's, turned
// /healthz green again six days before the next digest, undelivered.
//
// It reads the window's range of the failed messages' index by when they
// failed (outbox_failed_at) and, for each failing week, the headlines of
// the weeks after it up to now's by key (outbox_key): a handful of rows,
// whatever the outbox keeps.
func (s *Store) FailingDigests(ctx context.Context, now time.Time, window time.Duration) ([]DigestFailure, error) {
	prefix := digestPrefix
	rows, err := s.rq.QueryContext(ctx, failedDigestsQuery, ms(now.Add(-window)), len(prefix), prefix)
	if err != nil {
		return nil, fmt.Errorf("read the failed digests: %w", err)
	}
	var found []failedRow
	for rows.Next() {
		var r failedRow
		if err := rows.Scan(&r.id, &r.key, &r.to, &r.reason, &r.at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read the failed digests: %w", err)
		}
		found = append(found, r)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("read the failed digests: %w", err)
	}
	// Oldest queued first: a week's headline before its chart and replies.
	slices.SortFunc(found, func(a, b failedRow) int { return cmp.Compare(a.id, b.id) })
	var out []DigestFailure
	byWeek := map[string]int{}
	for _, r := range found {
		week, ok := coaching.DigestKeyWeek(r.key)
		if !ok {
			continue
		}
		i, seen := byWeek[week]
		if !seen {
			i = len(out)
			byWeek[week] = i
			out = append(out, DigestFailure{Week: week})
		}
		out[i].Messages = append(out[i].Messages, QueuedMessage{Key: r.key, To: r.to, Reason: r.reason})
		if t := fromMS(r.at); t.After(out[i].At) {
			out[i].At = t
		}
	}
	failing := out[:0]
	for _, f := range out {
		later, err := s.laterDigestPosted(ctx, f, now)
		if err != nil {
			return nil, err
		}
		if !later {
			failing = append(failing, f)
		}
	}
	return failing, nil
}

// laterDigestPosted says whether the digest of a week after f's, up to
// now's, was posted after f failed.
func (s *Store) laterDigestPosted(ctx context.Context, f DigestFailure, now time.Time) (bool, error) {
	w, err := coaching.ParseWeek(f.Week)
	if err != nil {
		return false, nil // not a key the digest wrote: nothing comes after it
	}
	last := coaching.WeekOf(coaching.DateOf(now, time.UTC).AddDays(7)) // a day ahead anywhere on Earth, and a margin
	var keys []string
	for next := coaching.WeekOf(w.Monday().AddDays(7)); next.Monday().Before(last.Sunday()) && len(keys) < 60; next = coaching.WeekOf(next.Monday().AddDays(7)) {
		keys = append(keys, coaching.DigestKey(next, 0))
	}
	if len(keys) == 0 {
		return false, nil
	}
	marks, args := inArgs(keys)
	var n int
	if err := s.rq.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE msg_key IN (`+marks+`) AND status = 'sent' AND done_at > ?`,
		append(args, ms(f.At))...).Scan(&n); err != nil {
		return false, fmt.Errorf("read the digests after %s: %w", f.Week, err)
	}
	return n > 0, nil
}
