package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
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
		in_roster, resolved_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?, ?)`)
	if err != nil {
		return err
	}
	since := coaching.DateOf(o.Now, time.UTC).AddDays(-o.Days - 30).String()
	add := func(id, name, role, manager, tier, tz string) error {
		var m any
		if manager != "" {
			m = manager
		}
		_, err := person.ExecContext(ctx, id, id+"@example.test", name, tz, role, m, tier, since, now, now, now)
		return err
	}
	for l := 0; l < max(o.Leaders, 1); l++ {
		if err := add(SeedLeaderID(l), fmt.Sprintf("Leader %d", l), "leader", "", "", zones[l%len(zones)]); err != nil {
			return err
		}
	}
	tiers := []string{"top", "middle", "middle", "bottom"}
	for m := 0; m < o.Managers; m++ {
		tz := zones[m%len(zones)]
		if err := add(SeedManagerID(m), fmt.Sprintf("Manager %d", m), "manager", SeedLeaderID(m%max(o.Leaders, 1)), "", tz); err != nil {
			return err
		}
		for k := 0; k < o.RepsPerManager; k++ {
			id := SeedRepID(m*o.RepsPerManager + k)
			if err := add(id, fmt.Sprintf("Rep %d", m*o.RepsPerManager+k), "rep", SeedManagerID(m), tiers[r.IntN(len(tiers))], tz); err != nil {
				return err
			}
		}
	}
	if err := s.seedSessions(ctx, tx, r, o); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Store) seedSessions(ctx context.Context, tx *sql.Tx, r *rand.Rand, o SeedOptions) error {
	sess, err := tx.PrepareContext(ctx, `INSERT INTO sessions (manager_id, kind, occurred_on, duration_min, role, skills,
		notes, visibility, source, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'private', ?, 1, ?, ?)`)
	if err != nil {
		return err
	}
	srep, err := tx.PrepareContext(ctx, `INSERT INTO session_reps (session_id, rep_id, status, rating, status_at, position, occurred_on)
		VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	commit, err := tx.PrepareContext(ctx, `INSERT INTO commitments (session_id, rep_id, text, status) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	kinds := coaching.Kinds()
	roles := coaching.Roles()
	skills := coaching.DefaultSkills()
	today := coaching.DateOf(o.Now, time.UTC)
	statuses := []string{"confirmed", "confirmed", "confirmed", "pending", "disputed"}
	for i := 0; i < o.Sessions; i++ {
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
		day := today.AddDays(-r.IntN(max(o.Days, 1)))
		at := day.Time(time.UTC).Add(14 * time.Hour).UnixMilli()
		res, err := sess.ExecContext(ctx, SeedManagerID(m), kind, day.String(), 15+5*r.IntN(18), role,
			skills[r.IntN(len(skills))].ID, "Worked on "+skills[r.IntN(len(skills))].Label, "modal", at, at)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		first := r.IntN(max(o.RepsPerManager-nReps+1, 1))
		for k := 0; k < nReps; k++ {
			repID := SeedRepID(m*o.RepsPerManager + first + k)
			st := statuses[r.IntN(len(statuses))]
			rating := 0
			if st == "confirmed" && r.IntN(2) == 0 {
				rating = 2 + r.IntN(4)
			}
			if _, err := srep.ExecContext(ctx, id, repID, st, rating, at, k, day.String()); err != nil {
				return err
			}
			if r.IntN(3) == 0 {
				cs := []string{"open", "kept", "not_kept"}
				if _, err := commit.ExecContext(ctx, id, repID, "Practise the pricing talk track", cs[r.IntN(3)]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
