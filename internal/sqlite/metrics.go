package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

var _ metrics.Store = (*Store)(nil)

// MetricsData loads what a metrics run needs in a handful of queries,
// whatever the organisation's size: people with their latest session
// before the window, the reporting history, the (session, rep) pairs of
// the periods, who was coached when in the weeks before them (and, for the
// chart, the sessions logged), the commitments, a year of attainment with
// each rep's monthly minutes, and, when asked, open commitments.
//
// Rows cost more than anything else here: every column of every row
// crosses the driver one call at a time, so the queries read only the
// columns used, each from one covering index. They run on two connections
// at once, in two read transactions begun together: people and their
// attainment on one, the reporting history and the coaching (pairs,
// coached, logged, commitments) on the other, about the same work each;
// on two cores this takes about two thirds of the time of one after the
// other, for a tenth more CPU. Two snapshots rather than one: a write
// committed between the two beginnings could show a session whose rep or
// commitment the other side does not have yet, which the computation
// already takes (unknown people get a placeholder); a week's figures are
// read long after the week, when nothing in it moves.
func (s *Store) MetricsData(ctx context.Context, q metrics.Query) (*metrics.Data, error) {
	if q.Root != "" {
		d, err := s.scopedMetricsData(ctx, q)
		if d != nil || err != nil {
			return d, err
		}
		// Most of the organisation is below the root: the whole load, in
		// parallel, costs less than naming everyone.
	}
	d := &metrics.Data{}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	hist := map[string][]metrics.Line{}
	steps := func(r metricsReader, fns ...func(metricsReader) error) error {
		for _, fn := range fns {
			if err := fn(r); err != nil {
				cancel() // the other side stops too
				return err
			}
		}
		return nil
	}
	errs := make(chan error, 1)
	go func() {
		errs <- s.readMetrics(ctx, func(r metricsReader) error {
			return steps(r,
				func(r metricsReader) error { return r.people(ctx, q, d, filter{}) },
				func(r metricsReader) error { return r.months(ctx, q, d, filter{}) })
		})
	}()
	err := s.readMetrics(ctx, func(r metricsReader) error {
		return steps(r,
			func(r metricsReader) error { return r.history(ctx, hist, filter{}) },
			func(r metricsReader) error { return r.pairs(ctx, q.PairsFrom, q.To, d) },
			func(r metricsReader) error { return r.coached(ctx, q, d, filter{}, filter{}) },
			func(r metricsReader) error { return r.commitments(ctx, q, d, filter{}) },
			func(r metricsReader) error { return r.open(ctx, q, d, filter{}) },
			func(r metricsReader) error { return r.asked(ctx, q, d) })
	})
	if err := errors.Join(err, <-errs); err != nil {
		return nil, err
	}
	for i := range d.People {
		d.People[i].History = hist[d.People[i].ID]
	}
	return d, nil
}

// readMetrics runs fn in a read transaction of its own. Every metrics
// read runs here, so the busy mark (gaveUp) is given here.
func (s *Store) readMetrics(ctx context.Context, fn func(metricsReader) error) (err error) {
	defer gaveUp(&err)
	tx, err := s.beginRead(ctx)
	if err != nil {
		return fmt.Errorf("begin metrics read: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to keep
	return fn(metricsReader{q: cachedTx{tx: tx, c: s.rq.c}, in: interner{}, dates: map[string]coaching.Date{}})
}

type metricsReader struct {
	q     cachedTx
	in    interner
	dates map[string]coaching.Date
}

// interner shares one copy of each value among rows that repeat it. Ids
// of the large reads are not interned: the driver hands each text column
// over as a new string anyway, and a lookup per row, in a map of twenty
// thousand ids, cost more than the copies it saved.
type interner map[string]string

func (in interner) get(b []byte) string {
	if s, ok := in[string(b)]; ok {
		return s
	}
	s := string(b)
	in[s] = s
	return s
}

// date parses a stored date once per distinct value.
func (r metricsReader) date(b []byte) coaching.Date {
	if v, ok := r.dates[string(b)]; ok {
		return v
	}
	v := parseDate(string(b))
	r.dates[string(b)] = v
	return v
}

// chunked collects rows in blocks, so that a long result is not copied
// again each time a slice outgrows itself.
type chunked[T any] struct {
	blocks [][]T
	n      int
}

func (c *chunked[T]) add(v T) {
	if len(c.blocks) == 0 || len(c.blocks[len(c.blocks)-1]) == cap(c.blocks[len(c.blocks)-1]) {
		c.blocks = append(c.blocks, make([]T, 0, 4096))
	}
	last := &c.blocks[len(c.blocks)-1]
	*last = append(*last, v)
	c.n++
}

// all copies the rows into one slice, allocated once.
func (c *chunked[T]) all() []T {
	out := make([]T, 0, c.n)
	for _, b := range c.blocks {
		out = append(out, b...)
	}
	return out
}

func (r metricsReader) people(ctx context.Context, q metrics.Query, d *metrics.Data, f filter) error {
	// People are large: counted first, so that they are written once.
	n := len(f.ids)
	if !f.on {
		if err := r.q.QueryRowContext(ctx, `SELECT count(*) FROM people`).Scan(&n); err != nil {
			return fmt.Errorf("count people: %w", err)
		}
	}
	d.People = make([]metrics.Person, 0, n)
	where, args := f.and("id")
	rows, err := r.query(ctx, f, `SELECT id, name, tz, slack_tz, roles, coalesce(manager_id, ''), tier, cadence_days, since,
			active, in_roster, deleted, created_at, rostered_at, since_at, away_until, status_text, status_emoji, status_expiration,
			coalesce((SELECT max(sr.occurred_on) FROM session_reps sr
				WHERE sr.rep_id = people.id AND sr.live = 1 AND sr.occurred_on < ?), '')
		FROM people WHERE 1 = 1`+where, append([]any{q.From.String()}, args...)...)
	if err != nil {
		return fmt.Errorf("load people: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p metrics.Person
		var roles, since, away, last string
		var cadence, created, rostered, sinceAt, expires int64
		if err := rows.Scan(&p.ID, &p.Name, &p.TZ, &p.SlackTZ, &roles, &p.ManagerID, &p.Tier, &cadence, &since, &p.Active, &p.InRoster,
			&p.Deleted, &created, &rostered, &sinceAt, &away, &p.Status.Text, &p.Status.Emoji, &expires, &last); err != nil {
			return fmt.Errorf("load people: %w", err)
		}
		if roles != "" {
			p.Roles = strings.Split(roles, "+")
		}
		p.CadenceDays = int(cadence)
		p.Since, p.AwayUntil, p.LastBefore = parseDate(since), parseDate(away), parseDate(last)
		p.KnownAt, p.SinceAt = knownAt(created, rostered), fromMS(sinceAt)
		if expires > 0 {
			p.Status.Expires = time.Unix(expires, 0).UTC()
		}
		d.People = append(d.People, p)
	}
	return rows.Err()
}

// history reads every reporting line, by person, oldest first.
func (r metricsReader) history(ctx context.Context, out map[string][]metrics.Line, f filter) error {
	where, args := f.and("person_id")
	rows, err := r.query(ctx, f, `SELECT person_id, valid_from, coalesce(manager_id, ''), tier, active
		FROM reporting_history WHERE 1 = 1`+where+` ORDER BY person_id, valid_from`, args...)
	if err != nil {
		return fmt.Errorf("load reporting history: %w", err)
	}
	defer rows.Close()
	var id, from, mgr, tier sql.RawBytes
	for rows.Next() {
		var l metrics.Line
		if err := rows.Scan(&id, &from, &mgr, &tier, &l.Active); err != nil {
			return fmt.Errorf("load reporting history: %w", err)
		}
		l.From, l.ManagerID, l.Tier = r.date(from), r.in.get(mgr), coaching.Tier(r.in.get(tier))
		p := r.in.get(id)
		out[p] = append(out[p], l)
	}
	return rows.Err()
}

// The window queries read one covering index each (migration 0006): a
// range of dates, no join per session (a pair finds its session by id).
// live on a pair or a commitment means its session is not undone and its
// rep not taken off it.
const (
	pairsQuery = `SELECT sr.session_id, s.manager_id, sr.occurred_on, s.duration_min, sr.rep_id,
			CASE WHEN s.kind <> 'ride_along' THEN 0 WHEN s.role = 'lead' THEN 64 WHEN s.role = 'participant' THEN 128
				WHEN s.role = 'observer' THEN 192 ELSE 0 END
			+ CASE sr.status WHEN 'confirmed' THEN 8 WHEN 'disputed' THEN 16 ELSE 0 END + sr.rating
		FROM session_reps sr JOIN sessions s ON s.id = sr.session_id
		WHERE sr.live = 1 AND sr.occurred_on >= ? AND sr.occurred_on <= ?`
	coachedQuery = `SELECT rep_id, occurred_on, minutes FROM session_reps
		WHERE live = 1 AND occurred_on >= ? AND occurred_on <= ?`
	countQuery       = `SELECT count(*) FROM session_reps WHERE live = 1 AND occurred_on >= ? AND occurred_on <= ?`
	monthQuery       = `SELECT rep_id, attainment, minutes FROM rep_months WHERE month = ? AND attainment IS NOT NULL`
	commitmentsQuery = `SELECT session_id, manager_id, occurred_on, CASE WHEN status = 'kept' THEN closed_at ELSE 0 END
		FROM commitments WHERE live = 1 AND occurred_on >= ? AND occurred_on <= ?`
	// askedQuery reads the index the reminders read (session_reps_pending):
	// the requests asked lately are the few at its end.
	askedQuery = `SELECT session_id, rep_id FROM session_reps
		WHERE status = 'pending' AND live = 1 AND reminded_at = 0 AND status_at >= ?`
)

// asked reads the pending requests to confirm asked since q.AskedSince
// (metrics.Data.Asked), when asked: the few a reminder has not reached
// yet, whoever they belong to (the computation reads those among its
// pairs).
func (r metricsReader) asked(ctx context.Context, q metrics.Query, d *metrics.Data) error {
	if q.AskedSince.IsZero() {
		return nil
	}
	rows, err := r.q.QueryContext(ctx, askedQuery, ms(q.AskedSince))
	if err != nil {
		return fmt.Errorf("load requests asked lately: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a metrics.Asked
		if err := rows.Scan(&a.SessionID, &a.RepID); err != nil {
			return fmt.Errorf("load requests asked lately: %w", err)
		}
		d.Asked = append(d.Asked, a)
	}
	return rows.Err()
}

// pairs reads the (session, rep) pairs of sessions in [from, to] into out.
func (r metricsReader) pairs(ctx context.Context, from, to coaching.Date, d *metrics.Data) error {
	n, err := r.count(ctx, from, to)
	if err != nil {
		return fmt.Errorf("count sessions from %s to %s: %w", from, to, err)
	}
	out := make([]metrics.Pair, 0, n)
	defer func() { d.Pairs = out }()
	return r.pairRows(ctx, filter{}, pairsQuery, []any{from.String(), to.String()}, nil, &out)
}

// pairRows runs a query of pairs (pairsQuery's columns), filtered by f,
// appending to out those keep accepts (nil: all).
func (r metricsReader) pairRows(ctx context.Context, f filter, q string, args []any, keep func(*metrics.Pair) bool, out *[]metrics.Pair) error {
	rows, err := r.query(ctx, f, q, args...)
	if err != nil {
		return fmt.Errorf("load sessions: %w", err)
	}
	defer rows.Close()
	var on sql.RawBytes
	var duration, code int64
	for rows.Next() {
		var p metrics.Pair
		if err := rows.Scan(&p.SessionID, &p.ManagerID, &on, &duration, &p.RepID, &code); err != nil {
			return fmt.Errorf("load sessions: %w", err)
		}
		p.On = r.date(on)
		p.RideAlong, p.Status, p.Rating = pairRoles[code/64%4], pairStatuses[code/8%8], int(code%8)
		p.DurationMin = int(duration)
		if keep == nil || keep(&p) {
			*out = append(*out, p)
		}
	}
	return rows.Err()
}

// count is how many (session, rep) pairs count from from to to: the
// large reads are sized once, in the same snapshot, not gathered in
// blocks and copied (at a hundred thousand pairs, the copy was a peak of
// memory of its own).
func (r metricsReader) count(ctx context.Context, from, to coaching.Date) (int, error) {
	var n int
	err := r.q.QueryRowContext(ctx, countQuery, from.String(), to.String()).Scan(&n)
	return n, err
}

// A pair's role, status and rating come packed in one integer, role×64 +
// status×8 + rating (see pairsQuery): one column instead of three, two of
// them text, for each of a hundred thousand pairs.
var (
	pairRoles    = [4]coaching.Role{"", coaching.RoleLead, coaching.RoleParticipant, coaching.RoleObserver}
	pairStatuses = [8]coaching.Status{coaching.StatusPending, coaching.StatusConfirmed, coaching.StatusDisputed}
)

// coached reads who was coached when, and for how long, in the days before
// the pairs; and, for the chart, the sessions logged in them.
func (r metricsReader) coached(ctx context.Context, q metrics.Query, d *metrics.Data, reps, managers filter) error {
	last := q.PairsFrom.AddDays(-1)
	if q.From.After(last) {
		return nil
	}
	n := 0
	if !reps.on { // scoped, the few rows grow the slice as they come
		var err error
		if n, err = r.count(ctx, q.From, last); err != nil {
			return fmt.Errorf("count coaching from %s to %s: %w", q.From, last, err)
		}
	}
	where, args := reps.and("rep_id")
	rows, err := r.query(ctx, reps, coachedQuery+where, append([]any{q.From.String(), last.String()}, args...)...)
	if err != nil {
		return fmt.Errorf("load coaching from %s to %s: %w", q.From, last, err)
	}
	defer rows.Close()
	out := make([]metrics.Coached, 0, n)
	var on sql.RawBytes
	for rows.Next() {
		var c metrics.Coached
		if err := rows.Scan(&c.RepID, &on, &c.Minutes); err != nil {
			return fmt.Errorf("load coaching from %s to %s: %w", q.From, last, err)
		}
		c.On = r.date(on)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	d.Coached = out
	if q.SessionsFrom.IsZero() || q.SessionsFrom.After(last) {
		return nil
	}
	return r.logged(ctx, q.SessionsFrom, last, d, managers)
}

// logged reads the sessions logged from first to last, without their reps.
func (r metricsReader) logged(ctx context.Context, first, last coaching.Date, d *metrics.Data, f filter) error {
	where, args := f.and("manager_id")
	rows, err := r.query(ctx, f, `SELECT manager_id, occurred_on, duration_min FROM sessions
		WHERE deleted_at = 0 AND occurred_on >= ? AND occurred_on <= ?`+where, append([]any{first.String(), last.String()}, args...)...)
	if err != nil {
		return fmt.Errorf("load sessions from %s to %s: %w", first, last, err)
	}
	defer rows.Close()
	var out chunked[metrics.Logged]
	var on sql.RawBytes
	var duration int64
	for rows.Next() {
		var l metrics.Logged
		if err := rows.Scan(&l.ManagerID, &on, &duration); err != nil {
			return fmt.Errorf("load sessions from %s to %s: %w", first, last, err)
		}
		l.On, l.DurationMin = r.date(on), int(duration)
		out.add(l)
	}
	d.Logged = out.all()
	return rows.Err()
}

// commitments reads the commitments of reps still on sessions not undone
// in the window, with when each was marked kept.
func (r metricsReader) commitments(ctx context.Context, q metrics.Query, d *metrics.Data, f filter) error {
	if q.CommitmentsFrom.IsZero() {
		return nil
	}
	where, args := f.and("manager_id")
	rows, err := r.query(ctx, f, commitmentsQuery+where, append([]any{q.CommitmentsFrom.String(), q.To.String()}, args...)...)
	if err != nil {
		return fmt.Errorf("load commitments: %w", err)
	}
	defer rows.Close()
	var out chunked[metrics.Commitment]
	var on sql.RawBytes
	for rows.Next() {
		var c metrics.Commitment
		var keptAt int64
		if err := rows.Scan(&c.SessionID, &c.ManagerID, &on, &keptAt); err != nil {
			return fmt.Errorf("load commitments: %w", err)
		}
		c.MadeOn, c.KeptAt = r.date(on), fromMS(keptAt)
		out.add(c)
	}
	d.Commitments = out.all()
	return rows.Err()
}

// months reads the attainment records of the months asked, each with the
// rep's coaching minutes that month.
func (r metricsReader) months(ctx context.Context, q metrics.Query, d *metrics.Data, f filter) error {
	if q.FirstMonth.IsZero() {
		return nil
	}
	// One month at a time: the month is then known, not read off each of
	// the quarter of a million rows a year of a large organisation has.
	// A month's rows come in rep_id order (the primary key's), so each rep
	// is found by walking the people's ids, sorted, beside them, rather
	// than by a lookup per row.
	ids := make([]string, len(d.People))
	for i := range d.People {
		ids[i] = d.People[i].ID
	}
	slices.Sort(ids)
	// At most one record per person and month: sized once, not copied.
	n := 0
	for m := q.FirstMonth; !q.LastMonth.Before(m); m = m.Add(1) {
		n += len(ids)
	}
	out := make([]metrics.RepMonth, 0, n)
	var rep sql.RawBytes
	where, args := f.and("rep_id")
	for m := q.FirstMonth; !q.LastMonth.Before(m); m = m.Add(1) {
		rows, err := r.query(ctx, f, monthQuery+where+` ORDER BY rep_id`, append([]any{m.String()}, args...)...)
		if err != nil {
			return fmt.Errorf("load attainment of %s: %w", m, err)
		}
		next := 0
		for rows.Next() {
			rm := metrics.RepMonth{Month: m}
			if err := rows.Scan(&rep, &rm.Attainment, &rm.Minutes); err != nil {
				rows.Close()
				return fmt.Errorf("load attainment of %s: %w", m, err)
			}
			for next < len(ids) && ids[next] < string(rep) {
				next++
			}
			if next < len(ids) && ids[next] == string(rep) {
				rm.RepID = ids[next]
			} else {
				rm.RepID = r.in.get(rep) // someone people did not have (a write since): looked up
			}
			out = append(out, rm)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("load attainment of %s: %w", m, err)
		}
	}
	d.Months = out
	return nil
}

func (r metricsReader) open(ctx context.Context, q metrics.Query, d *metrics.Data, f filter) error {
	if !q.OpenCommitments {
		return nil
	}
	where, args := f.and("s.manager_id")
	rows, err := r.query(ctx, f, `SELECT s.manager_id, c.rep_id, count(*) FROM commitments c
		JOIN sessions s ON s.id = c.session_id
		JOIN session_reps sr ON sr.session_id = c.session_id AND sr.rep_id = c.rep_id AND sr.removed = 0
		WHERE c.status = 'open' AND s.deleted_at = 0`+where+`
		GROUP BY s.manager_id, c.rep_id`, args...)
	if err != nil {
		return fmt.Errorf("load open commitments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o metrics.OpenCount
		var n int64
		if err := rows.Scan(&o.ManagerID, &o.RepID, &n); err != nil {
			return fmt.Errorf("load open commitments: %w", err)
		}
		o.Count = int(n)
		d.Open = append(d.Open, o)
	}
	return rows.Err()
}
