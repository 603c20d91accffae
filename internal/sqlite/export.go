package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/coachlog/coachlog/internal/coaching"
)

// ExportRows streams one row per (session, rep) for sessions not undone and
// reps not removed, in session order, optionally between two dates.
func (s *Store) ExportRows(ctx context.Context, from, to coaching.Date, fn func(coaching.ExportRow) error) (err error) {
	defer gaveUp(&err)
	q := `SELECT s.id, s.occurred_on, s.manager_id, coalesce(m.name, ''), sr.rep_id, coalesce(r.name, ''), s.kind, s.role,
			s.duration_min, (SELECT count(*) FROM session_reps x WHERE x.session_id = s.id AND x.removed = 0),
			s.skills, sr.status, sr.rating, s.source, s.visibility, s.created_at, s.updated_at, s.notes,
			sr.comment, sr.dispute_reason,
			(SELECT count(*) FROM commitments c WHERE c.session_id = s.id AND c.rep_id = sr.rep_id)
		FROM sessions s
		JOIN session_reps sr ON sr.session_id = s.id AND sr.removed = 0
		LEFT JOIN people m ON m.id = s.manager_id
		LEFT JOIN people r ON r.id = sr.rep_id
		WHERE s.deleted_at = 0`
	var args []any
	if !from.IsZero() {
		q += ` AND s.occurred_on >= ?`
		args = append(args, from.String())
	}
	if !to.IsZero() {
		q += ` AND s.occurred_on <= ?`
		args = append(args, to.String())
	}
	q += ` ORDER BY s.id, sr.position`
	rows, err := s.rq.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("export sessions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e coaching.ExportRow
		var occurred, skills string
		var created, updated int64
		if err := rows.Scan(&e.ID, &occurred, &e.ManagerID, &e.ManagerName, &e.RepID, &e.RepName, &e.Kind, &e.Role,
			&e.DurationMin, &e.RepCount, &skills, &e.Status, &e.Rating, &e.Source, &e.Visibility, &created, &updated,
			&e.Notes, &e.Comment, &e.DisputeReason, &e.Commitments); err != nil {
			return fmt.Errorf("export sessions: %w", err)
		}
		e.OccurredOn = parseDate(occurred)
		if skills != "" {
			e.Skills = strings.Split(skills, ",")
		}
		e.CreatedAt, e.UpdatedAt = fromMS(created), fromMS(updated)
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}
