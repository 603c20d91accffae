package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// JobRan reports whether job ran for period.
func (r reader) JobRan(ctx context.Context, job, period string) (_ bool, err error) {
	defer gaveUp(&err)
	var one int
	err = r.q.QueryRowContext(ctx, `SELECT 1 FROM job_runs WHERE job = ? AND period = ?`, job, period).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read job ledger %s %s: %w", job, period, err)
	}
	return true, nil
}

// JobRanSince reports whether job ran, for any period, at since or later,
// leaving out the runs whose detail is except (a nudge's day claimed with
// nothing to act on sent nothing). It reads the ledger's primary key by
// job: a manager's nudge has a row a weekday.
func (r reader) JobRanSince(ctx context.Context, job string, since time.Time, except string) (_ bool, err error) {
	defer gaveUp(&err)
	var one int
	err = r.q.QueryRowContext(ctx, `SELECT 1 FROM job_runs WHERE job = ? AND ran_at >= ? AND detail <> ? LIMIT 1`,
		job, ms(since), except).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read job ledger %s since %s: %w", job, since.Format(time.RFC3339), err)
	}
	return true, nil
}

// ClaimJob records that job runs for period, unless it already did.
func (t *tx) ClaimJob(ctx context.Context, job, period, detail string, at time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `INSERT INTO job_runs (job, period, ran_at, detail) VALUES (?, ?, ?, ?)
		ON CONFLICT (job, period) DO NOTHING`, job, period, ms(at), detail)
	if err != nil {
		return false, fmt.Errorf("claim job %s %s: %w", job, period, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (t *tx) setPersonField(ctx context.Context, query, id string, v any) error {
	if _, err := t.q.ExecContext(ctx, query, v, t.now(), id); err != nil {
		return fmt.Errorf("update %s: %w", id, err)
	}
	return nil
}

// SetAway sets the last day someone is away.
func (t *tx) SetAway(ctx context.Context, id string, until coaching.Date) error {
	return t.setPersonField(ctx, `UPDATE people SET away_until = ?, updated_at = ? WHERE id = ?`, id, until.String())
}

// SetSnooze sets the last day someone's nudges are snoozed.
func (t *tx) SetSnooze(ctx context.Context, id string, until coaching.Date) error {
	return t.setPersonField(ctx, `UPDATE people SET snoozed_until = ?, updated_at = ? WHERE id = ?`, id, until.String())
}

// SetCadence sets a manager's cadence.
func (t *tx) SetCadence(ctx context.Context, id string, days int) error {
	return t.setPersonField(ctx, `UPDATE people SET cadence_days = ?, updated_at = ? WHERE id = ?`, id, days)
}

// MarkReminded records a reminder sent for a pending session, at the
// asking ask: should an edit have asked the rep again meanwhile (on
// PostgreSQL the update waits for the edit's row and reads it again), the
// new asking keeps its reminder.
func (t *tx) MarkReminded(ctx context.Context, sessionID int64, repID string, ask int, at time.Time) error {
	_, err := t.q.ExecContext(ctx, `UPDATE session_reps SET reminded_at = ? WHERE session_id = ? AND rep_id = ? AND ask = ?`,
		ms(at), sessionID, repID, ask)
	if err != nil {
		return fmt.Errorf("mark reminded %d %s: %w", sessionID, repID, err)
	}
	return nil
}

const isRep = `('+' || roles || '+') LIKE '%+rep+%'`

// NudgeManagers lists active people with active reps reporting to them:
// the candidates the nudge decides on (coaching.InTeam).
func (r reader) NudgeManagers(ctx context.Context) (_ []coaching.Person, err error) {
	defer gaveUp(&err)
	rows, err := r.q.QueryContext(ctx, `SELECT `+personCols+` FROM people m WHERE m.active = 1 AND m.id IN
		(SELECT manager_id FROM people WHERE active = 1 AND manager_id IS NOT NULL AND `+isRep+`) ORDER BY m.id`)
	if err != nil {
		return nil, fmt.Errorf("list managers: %w", err)
	}
	defer rows.Close()
	var out []coaching.Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, fmt.Errorf("list managers: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Teams loads the given managers' teams: their active reps with the date
// each was last coached, and the managers' sessions since from: one team
// a manager, in their order, as coaching.Store says.
func (r reader) Teams(ctx context.Context, managers []coaching.Person, from coaching.Date) (_ []coaching.Team, err error) {
	defer gaveUp(&err)
	want := make(map[string]*coaching.Team, len(managers))
	out := make([]coaching.Team, 0, len(managers))
	for _, m := range managers {
		out = append(out, coaching.Team{Manager: m})
	}
	for i := range out {
		want[out[i].Manager.ID] = &out[i]
	}
	// One manager (a nudge evaluated again as it is sent, 2,000 of them on
	// a Monday) reads their team alone, by index, not the organisation's.
	one := ""
	if len(managers) == 1 {
		one = managers[0].ID
	}
	if err := r.teamReps(ctx, want, one); err != nil {
		return nil, err
	}
	if err := r.teamSessions(ctx, want, from, one); err != nil {
		return nil, err
	}
	return out, nil
}

// teamReps reads the active reps of the managers in want, of one alone
// when one is set.
func (r reader) teamReps(ctx context.Context, want map[string]*coaching.Team, one string) error {
	q := `SELECT ` + personCols + `,
		coalesce((SELECT max(sr.occurred_on) FROM session_reps sr WHERE sr.rep_id = people.id AND sr.live = 1), '')
		FROM people WHERE active = 1 AND manager_id IS NOT NULL AND ` + isRep
	var args []any
	if one != "" {
		q, args = q+` AND manager_id = ?`, []any{one}
	}
	rows, err := r.q.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("load reps: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var last string
		var tr coaching.TeamRep
		p, err := scanPerson(scanExtra{rows, &last})
		if err != nil {
			return fmt.Errorf("load reps: %w", err)
		}
		if t := want[p.ManagerID]; t != nil {
			tr.Person, tr.LastSession = p, parseDate(last)
			t.Reps = append(t.Reps, tr)
		}
	}
	return rows.Err()
}

// scanExtra scans a person's columns followed by more.
type scanExtra struct {
	rows  *sql.Rows
	extra *string
}

func (s scanExtra) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra)...) }

// teamSessions reads the sessions since from of the managers in want, of
// one alone when one is set.
func (r reader) teamSessions(ctx context.Context, want map[string]*coaching.Team, from coaching.Date, one string) error {
	q, args := `SELECT manager_id, occurred_on, duration_min FROM sessions
		WHERE occurred_on >= ? AND deleted_at = 0`, []any{from.String()}
	if one != "" {
		q, args = q+` AND manager_id = ?`, append(args, one)
	}
	rows, err := r.q.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("load sessions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var mgr, on string
		var minutes int
		if err := rows.Scan(&mgr, &on, &minutes); err != nil {
			return fmt.Errorf("load sessions: %w", err)
		}
		if t := want[mgr]; t != nil {
			t.Sessions = append(t.Sessions, coaching.SessionStub{On: parseDate(on), Minutes: minutes})
		}
	}
	return rows.Err()
}

// PendingReps lists reps pending since before cutoff and not yet reminded
// of their latest asking (an edit asking again resets both: UpdateSession).
func (r reader) PendingReps(ctx context.Context, cutoff time.Time) (_ []coaching.PendingRep, err error) {
	defer gaveUp(&err)
	rows, err := r.q.QueryContext(ctx, `SELECT sr.session_id, sr.rep_id, sr.status_at, sr.ask FROM session_reps sr
		WHERE sr.status = 'pending' AND sr.live = 1 AND sr.reminded_at = 0 AND sr.status_at < ?
		ORDER BY sr.status_at`, ms(cutoff))
	if err != nil {
		return nil, fmt.Errorf("list pending reps: %w", err)
	}
	type row struct {
		id    int64
		rep   string
		since int64
		ask   int
	}
	var found []row
	for rows.Next() {
		var x row
		if err := rows.Scan(&x.id, &x.rep, &x.since, &x.ask); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list pending reps: %w", err)
		}
		found = append(found, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]coaching.PendingRep, 0, len(found))
	for _, x := range found {
		p, err := r.Person(ctx, x.rep)
		if err != nil {
			return nil, err
		}
		out = append(out, coaching.PendingRep{SessionID: x.id, Rep: p, Since: fromMS(x.since), Ask: x.ask})
	}
	return out, nil
}
