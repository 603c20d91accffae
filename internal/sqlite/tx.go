package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// tx is a write transaction; it reads through the same *sql.Tx so that it
// sees its own writes.
type tx struct {
	reader
	q     cachedTx
	tx    *sql.Tx
	clock func() time.Time
}

var _ coaching.Tx = (*tx)(nil)

func (t *tx) now() int64 { return t.clock().UnixMilli() }

// EnsurePerson creates a placeholder for someone first named in a session.
func (t *tx) EnsurePerson(ctx context.Context, id string) error {
	now := t.now()
	_, err := t.q.ExecContext(ctx, `INSERT INTO people (id, created_at, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (id) DO NOTHING`, id, now, now)
	if err != nil {
		return fmt.Errorf("ensure person %s: %w", id, err)
	}
	return nil
}

// InsertSession stores a new session and its reps, setting s.ID.
func (t *tx) InsertSession(ctx context.Context, s *coaching.Session) error {
	res, err := t.q.ExecContext(ctx, `INSERT INTO sessions (manager_id, kind, occurred_on, duration_min, role, skills,
		notes, visibility, source, follow_up_on, version, created_at, updated_at, deleted_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ManagerID, s.Kind, s.OccurredOn.String(), s.DurationMin, s.Role, strings.Join(s.Skills, ","), s.Notes,
		s.Visibility, s.Source, s.FollowUpOn.String(), s.Version, ms(s.CreatedAt), ms(s.UpdatedAt), ms(s.DeletedAt))
	if err != nil {
		return fmt.Errorf("insert session of %s: %w", s.ManagerID, err)
	}
	if s.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("insert session of %s: %w", s.ManagerID, err)
	}
	return t.putReps(ctx, *s)
}

// UpdateSession writes a session's fields and its reps.
func (t *tx) UpdateSession(ctx context.Context, s coaching.Session) error {
	_, err := t.q.ExecContext(ctx, `UPDATE sessions SET kind = ?, occurred_on = ?, duration_min = ?, role = ?,
		skills = ?, notes = ?, visibility = ?, follow_up_on = ?, version = ?, updated_at = ?, deleted_at = ?
		WHERE id = ?`,
		s.Kind, s.OccurredOn.String(), s.DurationMin, s.Role, strings.Join(s.Skills, ","), s.Notes, s.Visibility,
		s.FollowUpOn.String(), s.Version, ms(s.UpdatedAt), ms(s.DeletedAt), s.ID)
	if err != nil {
		return fmt.Errorf("update session %d: %w", s.ID, err)
	}
	return t.putReps(ctx, s)
}

func (t *tx) putReps(ctx context.Context, s coaching.Session) error {
	now := t.now()
	for i, r := range s.Reps {
		live := !r.Removed && s.DeletedAt.IsZero()
		_, err := t.q.ExecContext(ctx, `INSERT INTO session_reps (session_id, rep_id, status, rating, comment,
			dispute_reason, change_note, removed, status_at, position, occurred_on, live)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (session_id, rep_id) DO UPDATE SET
				status_at = CASE WHEN status <> excluded.status THEN excluded.status_at ELSE status_at END,
				status = excluded.status, rating = excluded.rating, comment = excluded.comment,
				dispute_reason = excluded.dispute_reason, change_note = excluded.change_note,
				removed = excluded.removed, position = excluded.position,
				occurred_on = excluded.occurred_on, live = excluded.live`,
			s.ID, r.RepID, r.Status, r.Rating, r.Comment, r.DisputeReason, r.ChangeNote, b2i(r.Removed), now, i,
			s.OccurredOn.String(), b2i(live))
		if err != nil {
			return fmt.Errorf("store rep %s of session %d: %w", r.RepID, s.ID, err)
		}
	}
	return nil
}

// InsertCommitments stores new commitments.
func (t *tx) InsertCommitments(ctx context.Context, cs []coaching.Commitment) error {
	for _, c := range cs {
		_, err := t.q.ExecContext(ctx, `INSERT INTO commitments (session_id, rep_id, text, status, follow_up_on)
			VALUES (?, ?, ?, ?, ?)`, c.SessionID, c.RepID, c.Text, c.Status, c.FollowUpOn.String())
		if err != nil {
			return fmt.Errorf("insert commitment of session %d: %w", c.SessionID, err)
		}
	}
	return nil
}

// DeleteCommitments removes commitments an edit took out.
func (t *tx) DeleteCommitments(ctx context.Context, ids []int64) error {
	for _, id := range ids {
		if _, err := t.q.ExecContext(ctx, `DELETE FROM commitments WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete commitment %d: %w", id, err)
		}
	}
	return nil
}

// CloseCommitments marks open commitments of the given reps kept or not kept.
// Ids of other reps' commitments are ignored, so a forged form can't close
// someone else's.
func (t *tx) CloseCommitments(ctx context.Context, ids []int64, repIDs []string, status coaching.CommitmentStatus, bySession int64, at time.Time) error {
	for _, id := range ids {
		for _, rep := range repIDs {
			_, err := t.q.ExecContext(ctx, `UPDATE commitments SET status = ?, closed_at = ?, closed_in_session = ?
				WHERE id = ? AND rep_id = ? AND status = 'open'`, status, ms(at), bySession, id, rep)
			if err != nil {
				return fmt.Errorf("close commitment %d: %w", id, err)
			}
		}
	}
	return nil
}

// ReopenCommitments reopens commitments an undone session had closed.
func (t *tx) ReopenCommitments(ctx context.Context, closedBySession int64) error {
	_, err := t.q.ExecContext(ctx, `UPDATE commitments SET status = 'open', closed_at = 0, closed_in_session = NULL
		WHERE closed_in_session = ?`, closedBySession)
	if err != nil {
		return fmt.Errorf("reopen commitments closed by session %d: %w", closedBySession, err)
	}
	return nil
}

// MarkSubmission records that key produced sessionID.
func (t *tx) MarkSubmission(ctx context.Context, key string, sessionID int64, at time.Time) error {
	if key == "" {
		return nil
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO submissions (key, session_id, at) VALUES (?, ?, ?)`, key, sessionID, ms(at))
	if err != nil {
		return fmt.Errorf("record submission %s: %w", key, err)
	}
	return nil
}

// Audit appends to the audit trail.
func (t *tx) Audit(ctx context.Context, e coaching.AuditEntry) error {
	detail, err := json.Marshal(e.Detail)
	if err != nil {
		return fmt.Errorf("encode audit detail: %w", err)
	}
	_, err = t.q.ExecContext(ctx, `INSERT INTO audit (at, actor_id, action, session_id, detail) VALUES (?, ?, ?, ?, ?)`,
		ms(e.At), e.ActorID, e.Action, e.SessionID, string(detail))
	if err != nil {
		return fmt.Errorf("audit %s of session %d: %w", e.Action, e.SessionID, err)
	}
	return nil
}
