package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// The SQL in this file is standard (ON CONFLICT with its target, no SQLite
// functions), so that the PostgreSQL store can share it as it stands,
// with $n placeholders.

// ClaimEnvelope records that this process handles key (an envelope or
// event id) from at, and reports false when some process claimed it
// already: the unique key, not memory, refuses a redelivery that reached
// another replica. A claim made more than stale before at is taken over
// instead: its time becomes at and true is reported, so that a claimer
// that died before its work does not lose the envelope (the caller knows
// how soon a claimer is done: see slackbot.Claimer). A stale of 0 takes
// over nothing.
//
// One statement decides, so of several takers of one stale claim exactly
// one wins: SQLite's writes are serial, and PostgreSQL locks the
// conflicting row and checks the WHERE against its newest version (READ
// COMMITTED), which the winner has moved to its own at. Both count a row
// inserted or updated as one changed and a conflict the WHERE refused as
// none. A redelivery of a fresh claim costs what DO NOTHING did but for
// that row lock, held until the claim's own commit. It goes through the
// group-committing writer, so claims arriving together share one commit.
func (s *Store) ClaimEnvelope(ctx context.Context, key string, at time.Time, stale time.Duration) (bool, error) {
	before := int64(0) // no claim is older than 1970
	if stale > 0 {
		before = ms(at.Add(-stale))
	}
	var fresh bool
	err := s.Update(ctx, func(ct coaching.Tx) error {
		t := ct.(*tx)
		res, err := t.q.ExecContext(ctx, `INSERT INTO handled_envelopes (claim_key, handled_at) VALUES (?, ?)
			ON CONFLICT (claim_key) DO UPDATE SET handled_at = excluded.handled_at
			WHERE handled_envelopes.handled_at < ?`, key, ms(at), before)
		if err != nil {
			return fmt.Errorf("claim envelope %s: %w", key, err)
		}
		n, err := res.RowsAffected()
		fresh = n == 1
		return err
	})
	return fresh, err
}

// PruneEnvelopes forgets claims made before cutoff and says how many.
func (s *Store) PruneEnvelopes(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.execW(ctx, `DELETE FROM handled_envelopes WHERE handled_at < ?`, ms(cutoff))
	if err != nil {
		return 0, fmt.Errorf("prune handled envelopes: %w", err)
	}
	return res.RowsAffected()
}

// TakeRole makes holder the holder of role name until now+ttl, if it holds
// it already (a renewal) or nobody does: the row is missing or its lease
// has run out by now. It reports whether holder holds the role. One
// statement decides, so two contenders can never both succeed.
func (s *Store) TakeRole(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	res, err := s.execW(ctx, `INSERT INTO roles (name, holder, expires_at, taken_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,
			taken_at = CASE WHEN roles.holder = excluded.holder THEN roles.taken_at ELSE excluded.taken_at END
		WHERE roles.holder = excluded.holder OR roles.expires_at <= ?`,
		name, holder, ms(now.Add(ttl)), ms(now), ms(now))
	if err != nil {
		return false, fmt.Errorf("take role %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("take role %s: %w", name, err)
	}
	return n == 1, nil
}

// ReleaseRole ends holder's lease on role name at once, so that another
// replica need not wait for it to run out (a clean shutdown).
func (s *Store) ReleaseRole(ctx context.Context, name, holder string) error {
	if _, err := s.execW(ctx, `UPDATE roles SET expires_at = 0 WHERE name = ? AND holder = ?`, name, holder); err != nil {
		return fmt.Errorf("release role %s: %w", name, err)
	}
	return nil
}

// RoleHolder says who holds role name and until when; "" when nobody
// ever took it.
func (s *Store) RoleHolder(ctx context.Context, name string) (string, time.Time, error) {
	var holder string
	var until int64
	err := s.rq.QueryRowContext(ctx, `SELECT holder, expires_at FROM roles WHERE name = ?`, name).Scan(&holder, &until)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", time.Time{}, nil
		}
		return "", time.Time{}, fmt.Errorf("read role %s: %w", name, err)
	}
	return holder, fromMS(until), nil
}

// TakeRoleFrom makes holder the holder of role name until now+ttl if from
// holds it still, whatever its lease: from is known to be gone.
func (s *Store) TakeRoleFrom(ctx context.Context, name, holder, from string, now time.Time, ttl time.Duration) (bool, error) {
	res, err := s.execW(ctx, `UPDATE roles SET holder = ?, expires_at = ?, taken_at = ? WHERE name = ? AND holder = ?`,
		holder, ms(now.Add(ttl)), ms(now), name, from)
	if err != nil {
		return false, fmt.Errorf("take role %s from %s: %w", name, from, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("take role %s from %s: %w", name, from, err)
	}
	return n == 1, nil
}
