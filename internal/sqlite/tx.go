package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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
	pg    bool // on PostgreSQL: lock what is read before writing (postgres.go)
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
	// RETURNING, not LastInsertId: both engines have it, and PostgreSQL's
	// driver has no last insert id.
	err := t.q.QueryRowContext(ctx, `INSERT INTO sessions (manager_id, kind, occurred_on, duration_min, role, skills,
		notes, visibility, source, follow_up_on, version, created_at, updated_at, deleted_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		s.ManagerID, s.Kind, s.OccurredOn.String(), s.DurationMin, s.Role, strings.Join(s.Skills, ","), s.Notes,
		s.Visibility, s.Source, s.FollowUpOn.String(), s.Version, ms(s.CreatedAt), ms(s.UpdatedAt), ms(s.DeletedAt)).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("insert session of %s: %w", s.ManagerID, err)
	}
	return t.putReps(ctx, *s, true)
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
	return t.putReps(ctx, s, false)
}

// putReps writes a session's reps, each with its share of the minutes, and
// rewrites the monthly minutes of every rep and month the change touched.
// fresh says the session is new, so there is nothing old to read.
func (t *tx) putReps(ctx context.Context, s coaching.Session, fresh bool) error {
	var touched []repMonth
	if !fresh {
		old, err := t.repShares(ctx, s.ID)
		if err != nil {
			return err
		}
		touched = old
	}
	now := t.now()
	share := 0.0
	if n := len(s.ActiveRepIDs()); n > 0 {
		share = float64(s.DurationMin) / float64(n)
	}
	was := map[string]repMonth{}
	for _, r := range touched {
		was[r.rep] = r
	}
	nOld := len(touched)
	for _, r := range s.Reps {
		live := !r.Removed && s.DeletedAt.IsZero()
		minutes := share
		if r.Removed {
			minutes = 0
		}
		touched = append(touched, repMonth{rep: r.RepID, month: coaching.MonthOf(s.OccurredOn), live: live, minutes: minutes})
	}
	// The cells are locked before any commitment row is written. A new
	// session locks its cells, then ticks commitments off
	// (CloseCommitments); were an undo of an earlier session of the same
	// rep and month to write that session's commitments first, then wait
	// for the cell, each would wait for the other (PostgreSQL's deadlock
	// detector ends one after a second, and the retry costs an ack that
	// second). One order everywhere: cells, then commitments.
	cells := changedCells(touched, nOld)
	if err := t.lockCells(ctx, cells); err != nil {
		return err
	}
	for i, r := range s.Reps {
		cur := touched[nOld+i]
		live, minutes := cur.live, cur.minutes
		// A rep asked again (a new ask) is pending from now and not yet
		// reminded of this asking: its three days start now, whatever
		// their status was.
		_, err := t.q.ExecContext(ctx, `INSERT INTO session_reps (session_id, rep_id, status, rating, comment,
			dispute_reason, change_note, removed, status_at, position, occurred_on, live, minutes, ask)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (session_id, rep_id) DO UPDATE SET
				status_at = CASE WHEN session_reps.status <> excluded.status OR session_reps.ask <> excluded.ask
					THEN excluded.status_at ELSE session_reps.status_at END,
				reminded_at = CASE WHEN session_reps.ask <> excluded.ask THEN 0 ELSE session_reps.reminded_at END,
				status = excluded.status, rating = excluded.rating, comment = excluded.comment,
				dispute_reason = excluded.dispute_reason, change_note = excluded.change_note,
				removed = excluded.removed, position = excluded.position,
				occurred_on = excluded.occurred_on, live = excluded.live, minutes = excluded.minutes, ask = excluded.ask`,
			s.ID, r.RepID, r.Status, r.Rating, r.Comment, r.DisputeReason, r.ChangeNote, b2i(r.Removed), now, i,
			s.OccurredOn.String(), b2i(live), minutes, r.Ask)
		if err != nil {
			return fmt.Errorf("store rep %s of session %d: %w", r.RepID, s.ID, err)
		}
		// The rep's commitments follow their date and whether they count;
		// a click (a status, a rating) changes neither and costs nothing.
		// An undo's write of live here is also what stops a close waiting
		// on the row meanwhile (CloseCommitments).
		if old, ok := was[r.RepID]; !fresh && (!ok || old.on != s.OccurredOn || old.live != live) {
			if _, err := t.q.ExecContext(ctx, `UPDATE commitments SET occurred_on = ?, live = ? WHERE session_id = ? AND rep_id = ?`,
				s.OccurredOn.String(), b2i(live), s.ID, r.RepID); err != nil {
				return fmt.Errorf("follow the commitments of rep %s of session %d: %w", r.RepID, s.ID, err)
			}
		}
	}
	return t.refreshRepMonths(ctx, cells)
}

// repMonth is one rep's place in a session: the month, whether it counts,
// and the minutes it brings.
type repMonth struct {
	rep     string
	month   coaching.Month
	live    bool
	minutes float64
	on      coaching.Date // the session's date, as stored before a change; zero in cells
}

// repShares reads a session's reps as stored, before a change.
func (t *tx) repShares(ctx context.Context, sessionID int64) ([]repMonth, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT rep_id, occurred_on, live, minutes FROM session_reps WHERE session_id = ?`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("read reps of session %d: %w", sessionID, err)
	}
	defer rows.Close()
	var out []repMonth
	for rows.Next() {
		var r repMonth
		var on string
		if err := rows.Scan(&r.rep, &on, &r.live, &r.minutes); err != nil {
			return nil, fmt.Errorf("read reps of session %d: %w", sessionID, err)
		}
		r.on = parseDate(on)
		r.month = coaching.MonthOf(r.on)
		out = append(out, r)
	}
	return out, rows.Err()
}

// changedCells returns the (rep, month) cells whose minutes a change moved:
// the first nOld entries are the reps as they were, the rest as they are
// now. A rating or a status changes no cell, so a rep's click costs nothing
// here.
func changedCells(all []repMonth, nOld int) []repMonth {
	before := map[repMonth]int{}
	for _, r := range all[:nOld] {
		if r.live {
			r.on = coaching.Date{} // cells are by month: the day within it moves no minutes
			before[r]++
		}
	}
	var out []repMonth
	seen := map[repMonth]bool{}
	add := func(r repMonth) {
		cell := repMonth{rep: r.rep, month: r.month}
		if !seen[cell] {
			seen[cell] = true
			out = append(out, cell)
		}
	}
	for _, r := range all[nOld:] {
		if !r.live {
			continue
		}
		if before[r] > 0 {
			before[r]--
			continue
		}
		add(r)
	}
	for r, n := range before {
		if n > 0 {
			add(r)
		}
	}
	return out
}

// refreshRepMonths recomputes the minutes of each cell from the reps' live
// sessions: a sum, not an increment, so a cell is always exactly what the
// sessions say. The caller has locked the cells (lockCells).
func (t *tx) refreshRepMonths(ctx context.Context, cells []repMonth) error {
	for _, c := range cells {
		_, err := t.q.ExecContext(ctx, `INSERT INTO rep_months (month, rep_id, minutes)
			SELECT ?, ?, coalesce(sum(minutes), 0) FROM session_reps
			WHERE rep_id = ? AND live = 1 AND occurred_on >= ? AND occurred_on <= ?
			ON CONFLICT (month, rep_id) DO UPDATE SET minutes = excluded.minutes`,
			c.month.String(), c.rep, c.rep, c.month.First().String(), c.month.Last().String())
		if err != nil {
			return fmt.Errorf("count coaching minutes of %s in %s: %w", c.rep, c.month, err)
		}
	}
	return nil
}

// InsertCommitments stores new commitments, each with its session's
// manager and date and whether its rep counts on the session (see
// migration 0006).
func (t *tx) InsertCommitments(ctx context.Context, cs []coaching.Commitment) error {
	for _, c := range cs {
		res, err := t.q.ExecContext(ctx, `INSERT INTO commitments (session_id, rep_id, text, status, follow_up_on, manager_id, occurred_on, live)
			SELECT s.id, ?, ?, ?, ?, s.manager_id, s.occurred_on,
				coalesce((SELECT sr.live FROM session_reps sr WHERE sr.session_id = s.id AND sr.rep_id = ?), 0)
			FROM sessions s WHERE s.id = ?`, c.RepID, c.Text, c.Status, c.FollowUpOn.String(), c.RepID, c.SessionID)
		if err != nil {
			return fmt.Errorf("insert commitment of session %d: %w", c.SessionID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("insert commitment of session %d: %w", c.SessionID, errors.Join(err, errors.New("no such session")))
		}
	}
	return nil
}

// DeleteCommitments removes commitments an edit took out, if still open.
// The edit read them open under its session's lock, which does not cover
// them: on PostgreSQL another session's form can tick one kept meanwhile
// and commit, and a kept or not-kept commitment is part of the record, so
// the DELETE checks again what it deletes.
func (t *tx) DeleteCommitments(ctx context.Context, ids []int64) error {
	for _, id := range ids {
		if _, err := t.q.ExecContext(ctx, `DELETE FROM commitments WHERE id = ? AND status = 'open'`, id); err != nil {
			return fmt.Errorf("delete commitment %d: %w", id, err)
		}
	}
	return nil
}

// SessionCommitments reads one session's commitments, for a write that
// changed them to return them as stored without reading the session whole.
func (t *tx) SessionCommitments(ctx context.Context, sessionID int64) ([]coaching.Commitment, error) {
	cs, err := t.reader.commitments(ctx, `c.session_id = ? ORDER BY c.id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("session %d: %w", sessionID, err)
	}
	return cs, nil
}

// FollowUpCommitments moves the follow-up date of a session's open
// commitments.
func (t *tx) FollowUpCommitments(ctx context.Context, sessionID int64, on coaching.Date) error {
	if _, err := t.q.ExecContext(ctx, `UPDATE commitments SET follow_up_on = ? WHERE session_id = ? AND status = 'open'`,
		on.String(), sessionID); err != nil {
		return fmt.Errorf("move the follow-up of session %d's commitments: %w", sessionID, err)
	}
	return nil
}

// CloseCommitments marks open commitments of the given reps kept or not kept,
// in a session (bySession) or outside any (0: from /coach history).
// Only commitments from live sessions managerID logged are closed; ids of
// other reps' or other managers' commitments are ignored, so a forged form
// can't close someone else's.
//
// The commitment's own row says all of it, with no read of sessions: its
// manager_id is its session's, copied when it is made and never changed
// (migration 0006; a session keeps its manager), and live = 1 means its
// session is not undone (an undo writes live = 0 on each of the session's
// commitments in its own transaction, putReps). That is also what keeps an
// undo and a close apart on PostgreSQL: an undo committing while the
// UPDATE waits on the commitment's row wrote that very row, and PostgreSQL
// checks the row it waited on again. Whichever touches the row first goes
// first, with no lock taken besides.
func (t *tx) CloseCommitments(ctx context.Context, managerID string, ids []int64, repIDs []string, status coaching.CommitmentStatus, bySession int64, at time.Time) (int64, error) {
	// A close outside any session (bySession 0) is stored with none:
	// closed_in_session references sessions, and an undo reopens by it.
	var closer any
	if bySession != 0 {
		closer = bySession
	}
	var closed int64
	for _, id := range ids {
		for _, rep := range repIDs {
			res, err := t.q.ExecContext(ctx, `UPDATE commitments SET status = ?, closed_at = ?, closed_in_session = ?
				WHERE id = ? AND rep_id = ? AND status = 'open' AND live = 1 AND manager_id = ?`,
				status, ms(at), closer, id, rep, managerID)
			if err != nil {
				return closed, fmt.Errorf("close commitment %d: %w", id, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return closed, fmt.Errorf("close commitment %d: %w", id, err)
			}
			closed += n
		}
	}
	return closed, nil
}

// reopenQuery reopens the commitments a session closed: a seek in
// commitments_closed_in (migration 0012), on an undo's ack path.
const reopenQuery = `UPDATE commitments SET status = 'open', closed_at = 0, closed_in_session = NULL
	WHERE closed_in_session = ?`

// ReopenCommitments reopens commitments an undone session had closed.
func (t *tx) ReopenCommitments(ctx context.Context, closedBySession int64) error {
	_, err := t.q.ExecContext(ctx, reopenQuery, closedBySession)
	if err != nil {
		return fmt.Errorf("reopen commitments closed by session %d: %w", closedBySession, err)
	}
	return nil
}

// ReopenClosed reopens a commitment closed as status from /coach history
// (no closing session), while its session counts (live, as for a close).
func (t *tx) ReopenClosed(ctx context.Context, id int64, status coaching.CommitmentStatus) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE commitments SET status = 'open', closed_at = 0
		WHERE id = ? AND status = ? AND closed_in_session IS NULL AND live = 1`, id, status)
	if err != nil {
		return false, fmt.Errorf("reopen commitment %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("reopen commitment %d: %w", id, err)
	}
	return n == 1, nil
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
