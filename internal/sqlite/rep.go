package sqlite

import (
	"context"
	"fmt"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

var _ metrics.RepStore = (*Store)(nil)

// RepCoached lists one rep's coaching from from to to with their share of
// each session's minutes, and the latest day they were coached on or
// before to. It reads the rep's live (session, rep) rows, the same rows
// and minutes a metrics run loads, through the session_reps_minutes index.
func (s *Store) RepCoached(ctx context.Context, repID string, from, to coaching.Date) (_ []metrics.Coached, _ coaching.Date, err error) {
	defer gaveUp(&err)
	rows, err := s.rq.QueryContext(ctx, `SELECT occurred_on, minutes FROM session_reps
		WHERE rep_id = ? AND live = 1 AND occurred_on >= ? AND occurred_on <= ?
		ORDER BY occurred_on`, repID, from.String(), to.String())
	if err != nil {
		return nil, coaching.Date{}, fmt.Errorf("read coaching of %s: %w", repID, err)
	}
	defer rows.Close()
	var out []metrics.Coached
	for rows.Next() {
		c := metrics.Coached{RepID: repID}
		var on string
		if err := rows.Scan(&on, &c.Minutes); err != nil {
			return nil, coaching.Date{}, fmt.Errorf("read coaching of %s: %w", repID, err)
		}
		c.On = parseDate(on)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, coaching.Date{}, fmt.Errorf("read coaching of %s: %w", repID, err)
	}
	var last string
	if err := s.rq.QueryRowContext(ctx, `SELECT coalesce(max(occurred_on), '') FROM session_reps
		WHERE rep_id = ? AND live = 1 AND occurred_on <= ?`, repID, to.String()).Scan(&last); err != nil {
		return nil, coaching.Date{}, fmt.Errorf("read last coaching of %s: %w", repID, err)
	}
	return out, parseDate(last), nil
}
