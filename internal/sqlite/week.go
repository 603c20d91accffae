package sqlite

import (
	"context"
	"fmt"

	"github.com/coachlog/coachlog/internal/coaching"
)

// weekSessionsQuery seeks the window in sessions_recent, whose WHERE it
// states (deleted_at = 0), and sorts each day's sessions by id.
const weekSessionsQuery = `SELECT ` + sessionCols + ` FROM sessions
	WHERE deleted_at = 0 AND occurred_on >= ? AND occurred_on <= ? ORDER BY occurred_on, id`

// WeekSessions lists the sessions not undone that occurred from from to to,
// oldest first, each with its reps (those taken off marked Removed) and its
// commitments. It reads them in three queries in one read transaction,
// whatever their number: the digest's narrative reads a week of a whole
// organisation, where a query per session would not do.
func (s *Store) WeekSessions(ctx context.Context, from, to coaching.Date) (_ []coaching.Session, err error) {
	defer gaveUp(&err)
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin reading sessions from %s to %s: %w", from, to, err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to keep
	r := reader{q: tx}
	span := []any{from.String(), to.String()}
	rows, err := tx.QueryContext(ctx, weekSessionsQuery, span...)
	if err != nil {
		return nil, fmt.Errorf("read sessions from %s to %s: %w", from, to, err)
	}
	var out []coaching.Session
	at := map[int64]int{}
	for rows.Next() {
		sess, err := scanSession(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("read sessions from %s to %s: %w", from, to, err)
		}
		at[sess.ID] = len(out)
		out = append(out, sess)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sessions from %s to %s: %w", from, to, err)
	}
	rows, err = tx.QueryContext(ctx, `SELECT sr.session_id, `+repCols+`
		FROM session_reps sr JOIN sessions s ON s.id = sr.session_id
		WHERE s.deleted_at = 0 AND s.occurred_on >= ? AND s.occurred_on <= ? ORDER BY sr.session_id, sr.position`, span...)
	if err != nil {
		return nil, fmt.Errorf("read reps of sessions from %s to %s: %w", from, to, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		sr, err := scanRep(rows, &id)
		if err != nil {
			return nil, fmt.Errorf("read reps of sessions from %s to %s: %w", from, to, err)
		}
		if i, ok := at[id]; ok {
			out[i].Reps = append(out[i].Reps, sr)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read reps of sessions from %s to %s: %w", from, to, err)
	}
	cs, err := r.commitments(ctx, `s.deleted_at = 0 AND s.occurred_on >= ? AND s.occurred_on <= ? ORDER BY c.id`, span...)
	if err != nil {
		return nil, fmt.Errorf("read commitments of sessions from %s to %s: %w", from, to, err)
	}
	for _, c := range cs {
		if i, ok := at[c.SessionID]; ok {
			out[i].Commitments = append(out[i].Commitments, c)
		}
	}
	return out, nil
}
