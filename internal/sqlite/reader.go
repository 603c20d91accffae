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

// querier is what *sql.DB and *sql.Tx share, so reads work the same inside
// and outside a write transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

type reader struct{ q querier }

const personCols = `id, email, name, tz, slack_tz, roles, coalesce(manager_id, ''), tier, cadence_days, since,
	active, in_roster, is_bot, deleted, resolved_at, created_at, away_until, snoozed_until, status_text, status_emoji,
	status_expiration, rostered_at, roster_named, since_at, profile_at, is_external, team_id, email_by_roster`

func scanPerson(row interface{ Scan(...any) error }) (coaching.Person, error) {
	var p coaching.Person
	var roles, since, away, snoozed string
	var resolved, created, expires, rostered, sinceAt, profileAt int64
	err := row.Scan(&p.ID, &p.Email, &p.Name, &p.TZ, &p.SlackTZ, &roles, &p.ManagerID, &p.Tier, &p.CadenceDays,
		&since, &p.Active, &p.InRoster, &p.IsBot, &p.Deleted, &resolved, &created, &away, &snoozed,
		&p.Status.Text, &p.Status.Emoji, &expires, &rostered, &p.RosterNamed, &sinceAt, &profileAt, &p.External, &p.TeamID, &p.EmailByRoster)
	if roles != "" {
		p.Roles = strings.Split(roles, "+")
	}
	p.Since, p.AwayUntil, p.SnoozedUntil = parseDate(since), parseDate(away), parseDate(snoozed)
	p.ResolvedAt, p.SinceAt, p.ProfileAt = fromMS(resolved), fromMS(sinceAt), fromMS(profileAt)
	p.KnownAt = knownAt(created, rostered)
	if expires > 0 {
		p.Status.Expires = time.Unix(expires, 0).UTC()
	}
	return p, err
}

// knownAt is when Coachlog first knew someone as a member of a team:
// their first roster import, or, never imported, when their row was made.
// It stays an instant: the day it falls on is the judging clock's
// (coaching.Person.KnownOn), not UTC's.
func knownAt(created, rostered int64) time.Time {
	if rostered > 0 {
		created = rostered
	}
	return fromMS(created)
}

// Person returns someone by Slack id.
func (r reader) Person(ctx context.Context, id string) (_ coaching.Person, err error) {
	defer gaveUp(&err)
	p, err := scanPerson(r.q.QueryRowContext(ctx, `SELECT `+personCols+` FROM people WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return coaching.Person{}, coaching.Errorf(coaching.ENotFound, "<@%s> is not known to Coachlog yet.", id)
	}
	if err != nil {
		return coaching.Person{}, fmt.Errorf("read person %s: %w", id, err)
	}
	return p, nil
}

// PeopleByID reads the stored people among ids, in one query: a submission
// needs its manager and every rep it names, on the ack path.
func (r reader) PeopleByID(ctx context.Context, ids []string) (_ map[string]coaching.Person, err error) {
	defer gaveUp(&err)
	out := make(map[string]coaching.Person, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inArgs(ids)
	rows, err := r.q.QueryContext(ctx, `SELECT `+personCols+` FROM people WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("read %d people: %w", len(ids), err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, fmt.Errorf("read %d people: %w", len(ids), err)
		}
		out[p.ID] = p
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read %d people: %w", len(ids), err)
	}
	return out, nil
}

// DirectReports lists the people whose manager is managerID, active or
// not, ordered by id.
func (r reader) DirectReports(ctx context.Context, managerID string) (_ []coaching.Person, err error) {
	defer gaveUp(&err)
	rows, err := r.q.QueryContext(ctx, `SELECT `+personCols+` FROM people WHERE manager_id = ? ORDER BY id`, managerID)
	if err != nil {
		return nil, fmt.Errorf("read the reports of %s: %w", managerID, err)
	}
	defer rows.Close()
	var out []coaching.Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, fmt.Errorf("read the reports of %s: %w", managerID, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// People returns everyone, active or not, ordered by id.
func (r reader) People(ctx context.Context) (_ []coaching.Person, err error) {
	defer gaveUp(&err)
	rows, err := r.q.QueryContext(ctx, `SELECT `+personCols+` FROM people ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read people: %w", err)
	}
	defer rows.Close()
	var out []coaching.Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, fmt.Errorf("read people: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

const sessionCols = `id, manager_id, kind, occurred_on, duration_min, role, skills, notes, visibility, source,
	follow_up_on, version, created_at, updated_at, deleted_at`

func scanSession(row interface{ Scan(...any) error }) (coaching.Session, error) {
	var s coaching.Session
	var occurred, skills, followUp string
	var created, updated, deleted int64
	err := row.Scan(&s.ID, &s.ManagerID, &s.Kind, &occurred, &s.DurationMin, &s.Role, &skills, &s.Notes,
		&s.Visibility, &s.Source, &followUp, &s.Version, &created, &updated, &deleted)
	s.OccurredOn, s.FollowUpOn = parseDate(occurred), parseDate(followUp)
	if skills != "" {
		s.Skills = strings.Split(skills, ",")
	}
	s.CreatedAt, s.UpdatedAt, s.DeletedAt = fromMS(created), fromMS(updated), fromMS(deleted)
	return s, err
}

// Session returns a session with its reps and commitments.
func (r reader) Session(ctx context.Context, id int64) (_ coaching.Session, err error) {
	defer gaveUp(&err)
	s, err := scanSession(r.q.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return coaching.Session{}, coaching.Errorf(coaching.ENotFound, "Session %d does not exist.", id)
	}
	if err != nil {
		return coaching.Session{}, fmt.Errorf("read session %d: %w", id, err)
	}
	if err := r.fill(ctx, &s); err != nil {
		return coaching.Session{}, err
	}
	return s, nil
}

// SessionAudit reads a session's audit trail, oldest first: ids follow
// the order of the writes, which the session's lock (SQLite's one writer,
// PostgreSQL's row lock in tx.Session) puts one after the other. In a
// write it reads the trail as that write sees it. A detail that is not
// JSON is read as an Unreadable entry: the trail's readers then fall back
// (and log it), where the error failed every edit of the session, its
// reps' answers and the DM of a rep taken off it.
func (r reader) SessionAudit(ctx context.Context, sessionID int64) (_ []coaching.AuditEntry, err error) {
	defer gaveUp(&err)
	rows, err := r.q.QueryContext(ctx, `SELECT at, actor_id, action, detail FROM audit WHERE session_id = ? ORDER BY id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("read the audit trail of session %d: %w", sessionID, err)
	}
	defer rows.Close()
	var out []coaching.AuditEntry
	for rows.Next() {
		e := coaching.AuditEntry{SessionID: sessionID}
		var at int64
		var detail string
		if err := rows.Scan(&at, &e.ActorID, &e.Action, &detail); err != nil {
			return nil, fmt.Errorf("read the audit trail of session %d: %w", sessionID, err)
		}
		if err := json.Unmarshal([]byte(detail), &e.Detail); err != nil {
			e.Detail, e.Unreadable = nil, true
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the audit trail of session %d: %w", sessionID, err)
	}
	return out, nil
}

// repCols are a session rep's columns, from session_reps as sr, in the
// order scanRep reads them.
const repCols = `sr.rep_id, sr.status, sr.rating, sr.comment, sr.dispute_reason, sr.change_note, sr.removed, sr.ask`

// scanRep reads a row that selects lead's columns and then repCols.
func scanRep(rows *sql.Rows, lead ...any) (coaching.SessionRep, error) {
	var sr coaching.SessionRep
	err := rows.Scan(append(lead, &sr.RepID, &sr.Status, &sr.Rating, &sr.Comment, &sr.DisputeReason, &sr.ChangeNote, &sr.Removed, &sr.Ask)...)
	return sr, err
}

// fill loads a session's reps and commitments.
func (r reader) fill(ctx context.Context, s *coaching.Session) error {
	rows, err := r.q.QueryContext(ctx, `SELECT `+repCols+` FROM session_reps sr WHERE sr.session_id = ? ORDER BY sr.position`, s.ID)
	if err != nil {
		return fmt.Errorf("read reps of session %d: %w", s.ID, err)
	}
	defer rows.Close()
	s.Reps = s.Reps[:0]
	for rows.Next() {
		sr, err := scanRep(rows)
		if err != nil {
			return fmt.Errorf("read reps of session %d: %w", s.ID, err)
		}
		s.Reps = append(s.Reps, sr)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read reps of session %d: %w", s.ID, err)
	}
	cs, err := r.commitments(ctx, `c.session_id = ? ORDER BY c.id`, s.ID)
	s.Commitments = cs
	return err
}

func (r reader) commitments(ctx context.Context, where string, args ...any) ([]coaching.Commitment, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT c.id, c.session_id, c.rep_id, c.text, c.status, c.follow_up_on, s.occurred_on,
		s.manager_id, s.visibility
		FROM commitments c JOIN sessions s ON s.id = c.session_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read commitments: %w", err)
	}
	defer rows.Close()
	var out []coaching.Commitment
	for rows.Next() {
		var c coaching.Commitment
		var follow, created string
		if err := rows.Scan(&c.ID, &c.SessionID, &c.RepID, &c.Text, &c.Status, &follow, &created, &c.ManagerID, &c.Visibility); err != nil {
			return nil, fmt.Errorf("read commitments: %w", err)
		}
		c.FollowUpOn, c.CreatedOn = parseDate(follow), parseDate(created)
		out = append(out, c)
	}
	return out, rows.Err()
}

// ManagerSessions lists a manager's sessions that were not undone, newest
// first, optionally only those with repID.
func (r reader) ManagerSessions(ctx context.Context, managerID, repID string, limit int) (_ []coaching.Session, err error) {
	defer gaveUp(&err)
	q := `SELECT ` + sessionCols + ` FROM sessions WHERE manager_id = ? AND deleted_at = 0`
	args := []any{managerID}
	if repID != "" {
		q += ` AND id IN (SELECT session_id FROM session_reps WHERE rep_id = ? AND removed = 0)`
		args = append(args, repID)
	}
	q += ` ORDER BY occurred_on DESC, id DESC LIMIT ?`
	args = append(args, limit)
	out, err := r.sessions(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read sessions of %s: %w", managerID, err)
	}
	return out, nil
}

// RepSessions lists the sessions a rep is on, newest first.
func (r reader) RepSessions(ctx context.Context, repID string, limit int) (_ []coaching.Session, err error) {
	defer gaveUp(&err)
	out, err := r.sessions(ctx, `SELECT `+sessionCols+` FROM sessions WHERE deleted_at = 0
		AND id IN (SELECT session_id FROM session_reps WHERE rep_id = ? AND removed = 0)
		ORDER BY occurred_on DESC, id DESC LIMIT ?`, repID, limit)
	if err != nil {
		return nil, fmt.Errorf("read sessions with %s: %w", repID, err)
	}
	return out, nil
}

// sessions runs a query for sessions and fills each.
func (r reader) sessions(ctx context.Context, q string, args ...any) ([]coaching.Session, error) {
	rows, err := r.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var out []coaching.Session
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := r.fill(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// OpenCommitments lists a rep's open commitments from sessions not undone,
// oldest first, narrowed to one manager's sessions or to shared ones, and
// short of one session's.
func (r reader) OpenCommitments(ctx context.Context, repID string, f coaching.CommitmentFilter, limit int) (_ []coaching.Commitment, err error) {
	defer gaveUp(&err)
	where, args := openWhere(repID, f)
	// Oldest by the session's date (a backdated session's commitments are
	// older than ones logged before it), then as made.
	return r.commitments(ctx, where+` ORDER BY c.occurred_on, c.id LIMIT ?`, append(args, limit)...)
}

// CountOpenCommitments counts what OpenCommitments lists, without a limit.
func (r reader) CountOpenCommitments(ctx context.Context, repID string, f coaching.CommitmentFilter) (_ int, err error) {
	defer gaveUp(&err)
	where, args := openWhere(repID, f)
	var n int64
	if err := r.q.QueryRowContext(ctx, `SELECT count(*) FROM commitments c JOIN sessions s ON s.id = c.session_id WHERE `+where,
		args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count open commitments of %s: %w", repID, err)
	}
	return int(n), nil
}

// openWhere selects a rep's open commitments from sessions not undone and
// the rep not removed from, narrowed by f (commitments c, sessions s).
func openWhere(repID string, f coaching.CommitmentFilter) (string, []any) {
	where := `c.rep_id = ? AND c.status = 'open' AND s.deleted_at = 0
		AND NOT EXISTS (SELECT 1 FROM session_reps sr WHERE sr.session_id = c.session_id AND sr.rep_id = c.rep_id AND sr.removed = 1)`
	args := []any{repID}
	if f.ManagerID != "" {
		where += ` AND s.manager_id = ?`
		args = append(args, f.ManagerID)
	}
	if f.SharedOnly {
		where += ` AND s.visibility = 'shared'`
	}
	if f.ExceptSession != 0 {
		where += ` AND c.session_id <> ?`
		args = append(args, f.ExceptSession)
	}
	return where, args
}

// Commitment returns one commitment by id.
func (r reader) Commitment(ctx context.Context, id int64) (_ coaching.Commitment, err error) {
	defer gaveUp(&err)
	cs, err := r.commitments(ctx, `c.id = ?`, id)
	if err != nil {
		return coaching.Commitment{}, err
	}
	if len(cs) == 0 {
		return coaching.Commitment{}, coaching.Errorf(coaching.ENotFound, "Commitment %d does not exist.", id)
	}
	return cs[0], nil
}

// SubmissionSession returns the session a submission key produced.
func (r reader) SubmissionSession(ctx context.Context, key string) (_ int64, _ bool, err error) {
	defer gaveUp(&err)
	if key == "" {
		return 0, false, nil
	}
	var id sql.NullInt64
	err = r.q.QueryRowContext(ctx, `SELECT session_id FROM submissions WHERE key = ?`, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read submission %s: %w", key, err)
	}
	return id.Int64, true, nil
}

// PostedUnder reports whether a message was posted at p under a key
// beginning with prefix. The keys are read as a range of the primary key
// (prefix up to prefix with its last byte raised), which both engines
// order byte by byte (PostgreSQL's msg_key is COLLATE "C"), so the read
// stays on the index however many messages were posted.
func (r reader) PostedUnder(ctx context.Context, prefix string, p coaching.Posted) (_ bool, err error) {
	defer gaveUp(&err)
	if prefix == "" || prefix[len(prefix)-1] >= 0x7f || p.Channel == "" || p.TS == "" {
		return false, nil
	}
	end := prefix[:len(prefix)-1] + string(prefix[len(prefix)-1]+1)
	var one int
	err = r.q.QueryRowContext(ctx, `SELECT 1 FROM slack_messages WHERE msg_key >= ? AND msg_key < ? AND channel = ? AND ts = ? LIMIT 1`,
		prefix, end, p.Channel, p.TS).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read the messages posted under %s: %w", prefix, err)
	}
	return true, nil
}
