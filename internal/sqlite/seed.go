package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// SeedOptions shape a generated organisation, for benchmarks and the demo.
type SeedOptions struct {
	Leaders        int
	Managers       int
	RepsPerManager int
	Sessions       int       // spread over Days before Now
	Days           int       // how far back sessions go
	Now            time.Time // "today"
	Seed           uint64    // for a repeatable organisation

	// TopLeaders of the Leaders sit at the top; the others report to them
	// and the managers to those, a two-level tree. 0: one level.
	TopLeaders int
	// TierChangeEvery gives every Nth rep another tier for the first half
	// of the Days, recorded in the reporting history. 0: no changes.
	TierChangeEvery int
	// PerformanceMonths of attainment per rep, ending with Now's month.
	PerformanceMonths int
}

// SeedLeaderID, SeedManagerID and SeedRepID name the generated people.
func SeedLeaderID(i int) string  { return fmt.Sprintf("UL%05d", i) }
func SeedManagerID(i int) string { return fmt.Sprintf("UM%05d", i) }
func SeedRepID(i int) string     { return fmt.Sprintf("UR%06d", i) }

// Seed fills an empty store with a generated organisation: leaders over
// managers over reps with tiers and time zones, and a history of sessions
// with statuses, ratings and commitments, written in one transaction with
// prepared statements.
func (s *Store) Seed(ctx context.Context, o SeedOptions) error {
	r := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	now := o.Now.UnixMilli()
	zones := []string{"America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London", "Europe/Paris", "Asia/Kolkata", "Australia/Sydney"}
	person, err := tx.PrepareContext(ctx, `INSERT INTO people (id, email, name, tz, roles, manager_id, tier, since, active,
		in_roster, resolved_at, rostered_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	hist, err := tx.PrepareContext(ctx, `INSERT INTO reporting_history (person_id, valid_from, manager_id, tier, active)
		VALUES (?, ?, ?, ?, 1)`)
	if err != nil {
		return err
	}
	today := coaching.DateOf(o.Now, time.UTC)
	since := today.AddDays(-o.Days - 30).String()
	midway := today.AddDays(-o.Days / 2).String()
	add := func(id, name, role, manager, tier, firstTier, tz string) error {
		var m any
		if manager != "" {
			m = manager
		}
		if _, err := person.ExecContext(ctx, id, id+"@example.test", name, tz, role, m, tier, since, now, now, now, now); err != nil {
			return err
		}
		if _, err := hist.ExecContext(ctx, id, since, m, firstTier); err != nil {
			return err
		}
		if firstTier != tier {
			_, err := hist.ExecContext(ctx, id, midway, m, tier)
			return err
		}
		return nil
	}
	leaders := max(o.Leaders, 1)
	top := min(o.TopLeaders, leaders-1)
	for l := 0; l < leaders; l++ {
		boss := ""
		if l >= top && top > 0 {
			boss = SeedLeaderID(l % top)
		}
		if err := add(SeedLeaderID(l), fmt.Sprintf("Leader %d", l), "leader", boss, "", "", zones[l%len(zones)]); err != nil {
			return err
		}
	}
	tiers := []string{"top", "middle", "middle", "bottom"}
	for m := 0; m < o.Managers; m++ {
		tz := zones[m%len(zones)]
		if err := add(SeedManagerID(m), fmt.Sprintf("Manager %d", m), "manager", SeedLeaderID(top+m%(leaders-top)), "", "", tz); err != nil {
			return err
		}
		for k := 0; k < o.RepsPerManager; k++ {
			i := m*o.RepsPerManager + k
			tier := tiers[r.IntN(len(tiers))]
			first := tier
			if o.TierChangeEvery > 0 && i%o.TierChangeEvery == 0 {
				first = tiers[(slices.Index(tiers, tier)+1)%len(tiers)]
			}
			if err := add(SeedRepID(i), fmt.Sprintf("Rep %d", i), "rep", SeedManagerID(m), tier, first, tz); err != nil {
				return err
			}
		}
	}
	if err := seedPerformance(ctx, tx, r, o); err != nil {
		return err
	}
	if err := s.seedSessions(ctx, tx, r, o); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO rep_months (month, rep_id, minutes)
		SELECT substr(occurred_on, 1, 7), rep_id, sum(minutes) FROM session_reps
		WHERE live = 1 GROUP BY substr(occurred_on, 1, 7), rep_id
		ON CONFLICT (month, rep_id) DO UPDATE SET minutes = excluded.minutes`); err != nil {
		return err
	}
	return tx.Commit()
}

// seedSessions writes the sessions oldest first, as they are logged in
// life, so a range of dates is a range of the table.
func (s *Store) seedSessions(ctx context.Context, tx *sql.Tx, r *rand.Rand, o SeedOptions) error {
	sess, err := tx.PrepareContext(ctx, `INSERT INTO sessions (manager_id, kind, occurred_on, duration_min, role, skills,
		notes, visibility, source, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'private', ?, 1, ?, ?)
		RETURNING id`)
	if err != nil {
		return err
	}
	srep, err := tx.PrepareContext(ctx, `INSERT INTO session_reps (session_id, rep_id, status, rating, status_at, position,
		occurred_on, minutes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	commit, err := tx.PrepareContext(ctx, `INSERT INTO commitments (session_id, rep_id, text, status, closed_at, manager_id, occurred_on, live)
		SELECT CAST(? AS BIGINT), ?, ?, ?, CAST(? AS BIGINT), s.manager_id, s.occurred_on, 1 FROM sessions s WHERE s.id = ?`)
	if err != nil {
		return err
	}
	kinds := coaching.Kinds()
	roles := coaching.Roles()
	skills := coaching.DefaultSkills()
	today := coaching.DateOf(o.Now, time.UTC)
	statuses := []string{"confirmed", "confirmed", "confirmed", "pending", "disputed"}
	back := make([]int, o.Sessions) // days before today, oldest first
	for i := range back {
		back[i] = r.IntN(max(o.Days, 1))
	}
	slices.SortFunc(back, func(a, b int) int { return b - a })
	for _, ago := range back {
		m := r.IntN(max(o.Managers, 1))
		kind := kinds[r.IntN(len(kinds)-1)] // team meetings are added below
		nReps := 1
		if r.IntN(20) == 0 {
			kind, nReps = coaching.KindTeamMeeting, min(3, o.RepsPerManager)
		}
		role := ""
		if kind == coaching.KindRideAlong {
			role = string(roles[r.IntN(len(roles))])
		}
		day := today.AddDays(-ago)
		at := day.Time(time.UTC).Add(14 * time.Hour).UnixMilli()
		duration := 15 + 5*r.IntN(18)
		var id int64
		if err := sess.QueryRowContext(ctx, SeedManagerID(m), kind, day.String(), duration, role,
			skills[r.IntN(len(skills))].ID, "Worked on "+skills[r.IntN(len(skills))].Label, "modal", at, at).Scan(&id); err != nil {
			return err
		}
		first := r.IntN(max(o.RepsPerManager-nReps+1, 1))
		for k := 0; k < nReps; k++ {
			repID := SeedRepID(m*o.RepsPerManager + first + k)
			st := statuses[r.IntN(len(statuses))]
			rating := 0
			if st == "confirmed" && r.IntN(2) == 0 {
				rating = 2 + r.IntN(4)
			}
			if _, err := srep.ExecContext(ctx, id, repID, st, rating, at, k, day.String(), float64(duration)/float64(nReps)); err != nil {
				return err
			}
			if r.IntN(3) == 0 {
				cs := []string{"open", "kept", "not_kept"}
				c := cs[r.IntN(3)]
				closed := int64(0)
				if c != "open" {
					closed = at + int64(r.IntN(21))*24*3600*1000 // closed within three weeks
				}
				if _, err := commit.ExecContext(ctx, id, repID, "Practise the pricing talk track", c, closed, id); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// seedPerformance writes PerformanceMonths of attainment for every rep.
func seedPerformance(ctx context.Context, tx *sql.Tx, r *rand.Rand, o SeedOptions) error {
	if o.PerformanceMonths == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO rep_months (month, rep_id, attainment) VALUES (?, ?, ?)`)
	if err != nil {
		return err
	}
	last := coaching.MonthOf(coaching.DateOf(o.Now, time.UTC))
	for k := o.PerformanceMonths - 1; k >= 0; k-- {
		month := last.Add(-k).String()
		for i := 0; i < o.Managers*o.RepsPerManager; i++ {
			att := float64(400+r.IntN(1200)) / 10 // 40.0% to 159.9%
			if _, err := st.ExecContext(ctx, month, SeedRepID(i), att); err != nil {
				return err
			}
		}
	}
	return nil
}
