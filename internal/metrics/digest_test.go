package metrics_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// The digest of a week counts "covered" and "overdue" as of that week's
// Sunday: coaching on the Monday after belongs to the next week. (It used
// to read each rep's latest session whenever it was, so a rep coached on
// the Monday after counted as neither for the week before.)
func TestDigestCountsCoveredAndOverdueAsOfTheWeeksSunday(t *testing.T) {
	ctx := context.Background()
	imported := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) // Monday of W45
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)     // Tuesday after W47
	st, svc := teamOf(t, imported, now, "UA", "UB", "UC")
	for i, s := range []struct {
		rep, on string
	}{
		{"UA", "2026-11-18"}, // 4 days before Sunday 22nd: covered
		{"UA", "2026-11-23"}, // the Monday after
		{"UB", "2026-11-03"}, // 19 days before Sunday: overdue (cadence 14)
		{"UB", "2026-11-23"}, // the Monday after
		// UC: never coached, 20 days in the team by Sunday: overdue
	} {
		d := coaching.Draft{RepIDs: []string{s.rep}, Kind: coaching.KindOneOnOne, OccurredOn: day(s.on), DurationMin: 30}
		if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UM", Draft: d, Key: string(rune('a' + i))}); err != nil {
			t.Fatal(err)
		}
	}
	e := metrics.New(metrics.Config{Store: st, DefaultCadence: 14, Now: func() time.Time { return now }})
	r, err := e.Run(ctx, metrics.WeekPeriod(week47), metrics.DigestOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Managers) != 1 {
		t.Fatalf("digest of %d managers, want 1: %+v", len(r.Managers), r.Managers)
	}
	m := r.Managers[0].Metrics
	// W47 holds one session (UA's on the 18th): 30 minutes. Of 3 reps, UA
	// is covered; UB (19 days) and UC (never, 20 days) are overdue.
	if m.Sessions != 1 || m.Minutes != 30 || m.Reps != 3 || m.Covered != 1 || m.Overdue != 2 {
		t.Errorf("digest figures = %+v; want 1 session, 30 minutes, 3 reps, 1 covered, 2 overdue", m)
	}
}

// A manager's own numbers are this week's so far, Monday to today, with
// the trend and the insights; someone who is no manager has none.
func TestManagerStatsThisWeek(t *testing.T) {
	ctx := context.Background()
	imported := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) // Monday of W45
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)    // Wednesday of W48
	st, svc := teamOf(t, imported, now, "UA")
	for i, on := range []string{"2026-11-23", "2026-11-25", "2026-11-10"} { // W48's Monday and today; W46
		d := coaching.Draft{RepIDs: []string{"UA"}, Kind: coaching.KindOneOnOne, OccurredOn: day(on), DurationMin: 20}
		if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UM", Draft: d, Key: string(rune('a' + i))}); err != nil {
			t.Fatal(err)
		}
	}
	e := metrics.New(metrics.Config{Store: st, DefaultCadence: 14, Now: func() time.Time { return now }})
	p := metrics.Period{From: coaching.WeekOf(e.Today()).Monday(), To: e.Today()} // this week so far
	if p.From != day("2026-11-23") || p.To != day("2026-11-25") {
		t.Fatalf("this week = %s, want 2026-11-23 to 2026-11-25", p)
	}
	r, err := e.Run(ctx, p, metrics.Options{Trend: true, Insights: true})
	if err != nil {
		t.Fatal(err)
	}
	f, ok := r.Manager("UM")
	if !ok {
		t.Fatalf("stats: %v, %v", ok, err)
	}
	// This week: 2 sessions, 40 minutes; the 4 weeks before (26 Oct to 22
	// Nov) hold the 10th's: 1 session.
	if f.Metrics.Sessions != 2 || f.Metrics.Minutes != 40 || f.Before == nil || f.Before.Sessions != 1 {
		t.Errorf("stats = %+v, before %+v", f.Metrics, f.Before)
	}
	if _, ok := r.Manager("UA"); ok {
		t.Error("a rep has a manager's stats")
	}
}

// teamOf is a fresh database holding manager UM and reps, in the roster
// since imported, with a coaching service at now.
func teamOf(t *testing.T, imported, now time.Time, reps ...string) (*sqlite.Store, *coaching.Service) {
	t.Helper()
	clock := imported
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), sqlite.Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	person := func(id, role, manager string) coaching.Person {
		return coaching.Person{ID: id, Name: id, Roles: []string{role}, ManagerID: manager, TZ: "UTC", Active: true, InRoster: true}
	}
	people := []coaching.Person{person("UM", "manager", "")}
	for _, r := range reps {
		people = append(people, person(r, "rep", "UM"))
	}
	if _, err := st.ImportRoster(context.Background(), people, coaching.DateOf(imported, time.UTC)); err != nil {
		t.Fatal(err)
	}
	clock = now
	return st, coaching.NewService(coaching.Config{Store: st, Now: func() time.Time { return now }})
}
