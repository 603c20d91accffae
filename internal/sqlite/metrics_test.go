package sqlite_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// metricsWorld is a store with a manager and three reps imported on 1
// October 2026, and a service logging for them on 26 November.
type metricsWorld struct {
	st  *sqlite.Store
	svc *coaching.Service
	n   int
}

func newMetricsWorld(t *testing.T, db string) *metricsWorld {
	t.Helper()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st := open(t, db, sqlite.Options{Now: clock})
	p := func(id, role, manager string, tier coaching.Tier) coaching.Person {
		return coaching.Person{ID: id, Name: id, Roles: []string{role}, ManagerID: manager, Tier: tier, TZ: "UTC", Active: true, InRoster: true}
	}
	people := []coaching.Person{p("UM", "manager", "", ""), p("UR1", "rep", "UM", coaching.TierTop),
		p("UR2", "rep", "UM", coaching.TierMiddle), p("UR3", "rep", "UM", coaching.TierBottom)}
	if _, err := st.ImportRoster(context.Background(), people, coaching.Date{Year: 2026, Month: 10, Day: 1}); err != nil {
		t.Fatal(err)
	}
	return &metricsWorld{st: st, svc: coaching.NewService(coaching.Config{Store: st, Now: clock})}
}

func (w *metricsWorld) log(t *testing.T, d coaching.Draft) coaching.Session {
	t.Helper()
	w.n++
	s, err := w.svc.LogSession(context.Background(), coaching.LogRequest{ManagerID: "UM", Draft: d, Key: "k" + string(rune('a'+w.n))})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (w *metricsWorld) edit(t *testing.T, s coaching.Session, change func(*coaching.Draft)) coaching.Session {
	t.Helper()
	w.n++
	d := coaching.Draft{RepIDs: s.ActiveRepIDs(), Kind: s.Kind, OccurredOn: s.OccurredOn, DurationMin: s.DurationMin, Role: s.Role}
	for _, c := range s.Commitments {
		if !slices.Contains(d.Commitments, c.Text) {
			d.Commitments = append(d.Commitments, c.Text)
		}
	}
	change(&d)
	s, err := w.svc.EditSession(context.Background(), coaching.EditRequest{ActorID: "UM", SessionID: s.ID, Version: s.Version, Draft: d,
		Key: "e" + string(rune('a'+w.n))})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func date(y int, m time.Month, d int) coaching.Date { return coaching.Date{Year: y, Month: m, Day: d} }

func (w *metricsWorld) load(t *testing.T, q metrics.Query) *metrics.Data {
	t.Helper()
	d, err := w.st.MetricsData(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func minutesOf(d *metrics.Data) map[string]float64 {
	out := map[string]float64{}
	for _, m := range d.Months {
		out[m.RepID+" "+m.Month.String()] = m.Minutes
	}
	return out
}

// Only what counts reaches the metrics: an undone session and a rep taken
// off a session are gone, a commitment is kept on the date of the session
// that ticked it off, and each rep's monthly minutes follow every edit.
func TestMetricsDataHoldsOnlyWhatCounts(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		w := newMetricsWorld(t, db)
		ctx := context.Background()
		nov := date(2026, 11, 1)
		meeting := w.log(t, coaching.Draft{RepIDs: []string{"UR1", "UR2", "UR3"}, Kind: coaching.KindTeamMeeting,
			OccurredOn: date(2026, 11, 10), DurationMin: 90, Commitments: []string{"call back Acme"}})
		w.log(t, coaching.Draft{RepIDs: []string{"UR1"}, Kind: coaching.KindOneOnOne, OccurredOn: date(2026, 10, 20), DurationMin: 30})
		undone := w.log(t, coaching.Draft{RepIDs: []string{"UR2"}, Kind: coaching.KindOneOnOne, OccurredOn: date(2026, 11, 12), DurationMin: 45})
		if _, err := w.svc.UndoSession(ctx, "UM", undone.ID); err != nil {
			t.Fatal(err)
		}
		meeting = w.edit(t, meeting, func(d *coaching.Draft) { d.RepIDs = []string{"UR1", "UR2"} }) // UR3 taken off: 45 minutes each
		var kept int64
		for _, c := range meeting.Commitments {
			if c.RepID == "UR1" {
				kept = c.ID
			}
		}
		w.log(t, coaching.Draft{RepIDs: []string{"UR1"}, Kind: coaching.KindOneOnOne, OccurredOn: date(2026, 11, 20), DurationMin: 20,
			KeptCommitments: []int64{kept}})
		if _, err := w.st.ImportPerformance(ctx, []coaching.Attainment{
			{RepID: "UR1", Month: coaching.Month{Year: 2026, Month: 10}, Percent: 80},
			{RepID: "UR1", Month: coaching.Month{Year: 2026, Month: 11}, Percent: 95.5},
			{RepID: "UR2", Month: coaching.Month{Year: 2026, Month: 11}, Percent: 110},
			{RepID: "UR3", Month: coaching.Month{Year: 2026, Month: 11}, Percent: 70},
		}); err != nil {
			t.Fatal(err)
		}

		oct := date(2026, 10, 1)
		d := w.load(t, metrics.Query{From: oct, To: date(2026, 11, 30), PairsFrom: nov, SessionsFrom: oct, CommitmentsFrom: nov,
			FirstMonth: coaching.Month{Year: 2026, Month: 10}, LastMonth: coaching.Month{Year: 2026, Month: 11}})
		var got []string
		for _, p := range d.Pairs {
			got = append(got, p.On.String()+" "+p.RepID)
		}
		// The meeting with UR1 and UR2 and the 1:1 of the 20th; not the undone
		// 1:1, not UR3, not October's 1:1 (before the pairs).
		if want := []string{"2026-11-10 UR1", "2026-11-10 UR2", "2026-11-20 UR1"}; !sameSet(got, want) {
			t.Errorf("pairs = %v, want %v", got, want)
		}
		// October's 1:1 comes as coaching and as a session logged, alone.
		if len(d.Coached) != 1 || d.Coached[0] != (metrics.Coached{RepID: "UR1", On: date(2026, 10, 20), Minutes: 30}) {
			t.Errorf("coached = %+v, want UR1's 30 minutes on 2026-10-20", d.Coached)
		}
		if len(d.Logged) != 1 || d.Logged[0] != (metrics.Logged{ManagerID: "UM", On: date(2026, 10, 20), DurationMin: 30}) {
			t.Errorf("logged = %+v, want UM's 30 minutes on 2026-10-20", d.Logged)
		}
		// The meeting's commitment, one per rep still on it: UR1's marked kept
		// (in the session of the 20th, logged now), UR2's open (UR3's went with
		// UR3).
		var keptAt []string
		for _, c := range d.Commitments {
			if c.MadeOn != date(2026, 11, 10) || c.ManagerID != "UM" {
				t.Errorf("commitment %+v: want made on the 10th by UM", c)
			}
			keptAt = append(keptAt, c.KeptAt.Format(time.RFC3339))
		}
		if want := []string{"2026-11-26T12:00:00Z", "0001-01-01T00:00:00Z"}; !sameSet(keptAt, want) {
			t.Errorf("commitments kept at %q, want %q", keptAt, want)
		}
		last := map[string]coaching.Date{}
		for _, p := range d.People {
			last[p.ID] = p.LastBefore
		}
		if !last["UR1"].IsZero() || !last["UR2"].IsZero() {
			t.Errorf("latest sessions before October: UR1 %s, UR2 %s; want none", last["UR1"], last["UR2"])
		}
		// UR1: October 30; November 45 + 20 = 65. UR2: November 45 (the undone
		// 45 gone). UR3: taken off the meeting, 0. Only months with attainment.
		mins := minutesOf(d)
		for k, want := range map[string]float64{"UR1 2026-10": 30, "UR1 2026-11": 65, "UR2 2026-11": 45, "UR3 2026-11": 0} {
			if got, ok := mins[k]; !ok || got != want {
				t.Errorf("minutes %s = %v (present %v), want %v", k, got, ok, want)
			}
		}
		if len(mins) != 4 {
			t.Errorf("%d rep-months with attainment, want 4: %v", len(mins), mins)
		}
		for _, p := range w.load(t, metrics.Query{From: nov, To: date(2026, 11, 30), PairsFrom: nov, CommitmentsFrom: nov}).People {
			if p.ID == "UR1" && p.LastBefore != date(2026, 10, 20) {
				t.Errorf("UR1's latest session before November = %s, want 2026-10-20", p.LastBefore)
			}
		}

		// Moving the meeting to October moves its minutes; a re-import of
		// October and November replaces both months whole.
		w.edit(t, meeting, func(d *coaching.Draft) { d.OccurredOn = date(2026, 10, 30) })
		if _, err := w.st.ImportPerformance(ctx, []coaching.Attainment{
			{RepID: "UR1", Month: coaching.Month{Year: 2026, Month: 10}, Percent: 81},
			{RepID: "UR1", Month: coaching.Month{Year: 2026, Month: 11}, Percent: 99},
			{RepID: "UR2", Month: coaching.Month{Year: 2026, Month: 10}, Percent: 60},
		}); err != nil {
			t.Fatal(err)
		}
		d = w.load(t, metrics.Query{From: nov, To: date(2026, 11, 30), PairsFrom: nov, CommitmentsFrom: nov,
			FirstMonth: coaching.Month{Year: 2026, Month: 10}, LastMonth: coaching.Month{Year: 2026, Month: 11}})
		mins = minutesOf(d)
		// UR1: October 30 + 45 = 75, November 20. UR2: October 45 (now with
		// attainment); their November record is replaced away, as UR3's.
		for k, want := range map[string]float64{"UR1 2026-10": 75, "UR1 2026-11": 20, "UR2 2026-10": 45} {
			if got, ok := mins[k]; !ok || got != want {
				t.Errorf("after the move: minutes %s = %v (present %v), want %v", k, got, ok, want)
			}
		}
		if len(mins) != 3 {
			t.Errorf("after the re-import: %d rep-months with attainment, want 3: %v", len(mins), mins)
		}
		nov26, err := w.st.Performance(ctx, coaching.Month{Year: 2026, Month: 11})
		if err != nil || len(nov26) != 1 || nov26[0].RepID != "UR1" || nov26[0].Percent != 99 {
			t.Errorf("November's records = %+v %v, want UR1 at 99 alone", nov26, err)
		}
	})
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

// The reporting history reaches the metrics with each person.
func TestMetricsDataCarriesTheReportingHistory(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		w := newMetricsWorld(t, db)
		ctx := context.Background()
		p := coaching.Person{ID: "UR1", Name: "UR1", Roles: []string{"rep"}, ManagerID: "UM", Tier: coaching.TierBottom, Active: true, InRoster: true}
		m := coaching.Person{ID: "UM", Name: "UM", Roles: []string{"manager"}, Active: true, InRoster: true}
		if _, err := w.st.ImportRoster(ctx, []coaching.Person{m, p}, date(2026, 11, 15)); err != nil {
			t.Fatal(err)
		}
		d := w.load(t, metrics.Query{From: date(2026, 11, 1), To: date(2026, 11, 30), PairsFrom: date(2026, 11, 1), CommitmentsFrom: date(2026, 11, 1)})
		for _, p := range d.People {
			switch p.ID {
			case "UR1":
				want := []metrics.Line{{From: date(2026, 10, 1), ManagerID: "UM", Tier: coaching.TierTop, Active: true},
					{From: date(2026, 11, 15), ManagerID: "UM", Tier: coaching.TierBottom, Active: true}}
				if len(p.History) != 2 || p.History[0] != want[0] || p.History[1] != want[1] {
					t.Errorf("UR1's history = %+v, want %+v", p.History, want)
				}
			case "UR2":
				// Left out of the second import: deactivated from the 15th.
				if n := len(p.History); n != 2 || p.History[1].Active {
					t.Errorf("UR2's history = %+v, want a last line inactive", p.History)
				}
			}
		}
	})
}

// The metrics read what the nudge rule reads of a person: whether Slack
// deactivated them, and when Coachlog first knew them as a team member
// (their first import, not the profile event that made their row).
func TestMetricsDataCarriesDeactivationAndTheFirstImport(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		seen := time.Date(2026, 9, 10, 12, 0, 0, 0, time.UTC)
		imported := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
		now := seen
		st := open(t, db, sqlite.Options{Now: func() time.Time { return now }})
		if _, err := st.UpsertPerson(ctx, coaching.Person{ID: "UR1", Name: "UR1", ResolvedAt: seen}); err != nil {
			t.Fatal(err)
		}
		now = imported
		p := func(id, role, manager string) coaching.Person {
			return coaching.Person{ID: id, Name: id, Roles: []string{role}, ManagerID: manager, TZ: "UTC", Active: true, InRoster: true}
		}
		if _, err := st.ImportRoster(ctx, []coaching.Person{p("UM", "manager", ""), p("UR1", "rep", "UM"), p("UR2", "rep", "UM")}, coaching.DateOf(now, time.UTC)); err != nil {
			t.Fatal(err)
		}
		if _, err := st.UpsertPerson(ctx, coaching.Person{ID: "UR2", Name: "UR2", Deleted: true, ResolvedAt: now}); err != nil {
			t.Fatal(err)
		}
		d, err := st.MetricsData(ctx, metrics.Query{From: date(2026, 11, 1), To: date(2026, 11, 30), PairsFrom: date(2026, 11, 1), CommitmentsFrom: date(2026, 11, 1)})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]metrics.Person{}
		for _, p := range d.People {
			got[p.ID] = p
		}
		if r1 := got["UR1"]; !r1.KnownAt.Equal(imported) || r1.Deleted {
			t.Errorf("UR1: known at %s, deleted %v; want the import, %s, and not deleted", r1.KnownAt, r1.Deleted, imported)
		}
		if !got["UR2"].Deleted {
			t.Error("UR2, deactivated in Slack, reads as not deleted")
		}
		if p, err := st.Person(ctx, "UR1"); err != nil || !p.KnownAt.Equal(imported) {
			t.Errorf("Person(UR1) known at %s (%v), want %s", p.KnownAt, err, imported)
		}
	})
}

// The organisation's figures read the first import on each manager's
// clock, as their nudge does, the store handing over the managers' zones:
// in Los Angeles (COACHLOG_TIMEZONE here), an import at 03:00 UTC on
// Wednesday 18 November is Tuesday 17th, so Sam, on the team since
// September and never coached, is overdue on Wednesday 2 December (15
// days, more than a 14-day cadence) for a manager in Los Angeles, or with
// no zone of his own; for Max in Tonga, where it was already the 18th, 14
// days: not yet overdue, as his nudge and /coach team say.
func TestTheFiguresReadTheImportOnTheManagersClock(t *testing.T) {
	for _, c := range []struct {
		zone    string // Max's, in the roster
		overdue bool
	}{
		{"Pacific/Tongatapu", false},
		{"America/Los_Angeles", true},
		{"", true},
	} {
		t.Run(c.zone, func(t *testing.T) {
			sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
				ctx := context.Background()
				la, err := time.LoadLocation("America/Los_Angeles")
				if err != nil {
					t.Fatal(err)
				}
				now := time.Date(2026, 11, 18, 3, 0, 0, 0, time.UTC)
				clock := func() time.Time { return now }
				st := open(t, db, sqlite.Options{Now: clock})
				people := []coaching.Person{
					{ID: "UM", Name: "Max", Roles: []string{"manager"}, TZ: c.zone, Active: true, InRoster: true},
					{ID: "USAM", Name: "Sam", Roles: []string{"rep"}, ManagerID: "UM", Since: date(2026, 9, 1), Active: true, InRoster: true},
				}
				if _, err := st.ImportRoster(ctx, people, coaching.DateOf(now, la)); err != nil {
					t.Fatal(err)
				}
				now = time.Date(2026, 12, 2, 18, 0, 0, 0, time.UTC) // 10:00 on Wednesday 2 December in Los Angeles
				e := metrics.New(metrics.Config{Store: st, DefaultCadence: 14, Location: la, Now: clock})
				today := e.Today()
				r, err := e.Run(ctx, metrics.Period{From: today, To: today}, metrics.Options{Summary: true, Teams: true})
				if err != nil {
					t.Fatal(err)
				}
				f, ok := r.Manager("UM")
				if !ok || len(f.Team) != 1 {
					t.Fatalf("Max's figures: %+v (%v); want his team of one", f, ok)
				}
				sam := f.Team[0]
				if sam.Overdue != c.overdue || (f.Metrics.Overdue == 1) != c.overdue {
					t.Fatalf("on %s: %d overdue, Sam %+v; want Sam overdue %v", today, f.Metrics.Overdue, sam, c.overdue)
				}
				if c.overdue && (!sam.Never || sam.OverdueDays != 15) {
					t.Errorf("Sam %+v; want never coached, 15 days in the team", sam)
				}
			})
		})
	}
}

// One rep's coaching is read as a metrics run reads it: undone sessions
// and sessions the rep was taken off are gone, a team meeting gives each
// rep their share of its minutes.
func TestRepCoachedReadsOneRepLikeTheMetrics(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		w := newMetricsWorld(t, db)
		ctx := context.Background()
		w.log(t, coaching.Draft{RepIDs: []string{"UR1", "UR2", "UR3"}, Kind: coaching.KindTeamMeeting, OccurredOn: date(2026, 11, 10), DurationMin: 90})
		w.log(t, coaching.Draft{RepIDs: []string{"UR1"}, Kind: coaching.KindOneOnOne, OccurredOn: date(2026, 11, 20), DurationMin: 25})
		w.log(t, coaching.Draft{RepIDs: []string{"UR1"}, Kind: coaching.KindOneOnOne, OccurredOn: date(2026, 9, 1), DurationMin: 40})
		undone := w.log(t, coaching.Draft{RepIDs: []string{"UR1"}, Kind: coaching.KindOneOnOne, OccurredOn: date(2026, 11, 24), DurationMin: 45})
		if _, err := w.svc.UndoSession(ctx, "UM", undone.ID); err != nil {
			t.Fatal(err)
		}
		moved := w.log(t, coaching.Draft{RepIDs: []string{"UR1", "UR2"}, Kind: coaching.KindTeamMeeting, OccurredOn: date(2026, 11, 25), DurationMin: 60})
		w.edit(t, moved, func(d *coaching.Draft) { d.RepIDs = []string{"UR2"} })

		got, last, err := w.st.RepCoached(ctx, "UR1", date(2026, 11, 1), date(2026, 11, 26))
		if err != nil {
			t.Fatal(err)
		}
		want := []metrics.Coached{{RepID: "UR1", On: date(2026, 11, 10), Minutes: 30}, {RepID: "UR1", On: date(2026, 11, 20), Minutes: 25}}
		if !slices.Equal(got, want) || last != date(2026, 11, 20) {
			t.Errorf("coaching %+v, last %s; want %+v, last 2026-11-20", got, last, want)
		}
		if got, last, _ := w.st.RepCoached(ctx, "UR1", date(2026, 10, 1), date(2026, 10, 31)); len(got) != 0 || last != date(2026, 9, 1) {
			t.Errorf("October: %+v, last %s; want none, last 2026-09-01", got, last)
		}
		if got, last, _ := w.st.RepCoached(ctx, "UR3", date(2026, 12, 1), date(2026, 12, 31)); len(got) != 0 || last != date(2026, 11, 10) {
			t.Errorf("UR3 in December: %+v, last %s", got, last)
		}
	})
}

// A week's sessions come with their reps and commitments, undone ones and
// other weeks left out.
func TestWeekSessionsReadsAWeekWithRepsAndCommitments(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		w := newMetricsWorld(t, db)
		ctx := context.Background()
		meeting := w.log(t, coaching.Draft{RepIDs: []string{"UR1", "UR2", "UR3"}, Kind: coaching.KindTeamMeeting,
			OccurredOn: date(2026, 11, 16), DurationMin: 60, Notes: "pipeline hygiene", Commitments: []string{"clean up stale deals"}})
		meeting = w.edit(t, meeting, func(d *coaching.Draft) { d.RepIDs = []string{"UR1", "UR2"}; d.Notes = "pipeline hygiene" })
		one := w.log(t, coaching.Draft{RepIDs: []string{"UR3"}, Kind: coaching.KindOneOnOne, OccurredOn: date(2026, 11, 22), DurationMin: 30,
			Skills: []string{"discovery"}, Visibility: coaching.VisibilityShared, Notes: "shared note"})
		w.log(t, coaching.Draft{RepIDs: []string{"UR1"}, Kind: coaching.KindOneOnOne, OccurredOn: date(2026, 11, 23), DurationMin: 30})
		undone := w.log(t, coaching.Draft{RepIDs: []string{"UR2"}, Kind: coaching.KindOneOnOne, OccurredOn: date(2026, 11, 18), DurationMin: 30})
		if _, err := w.svc.UndoSession(ctx, "UM", undone.ID); err != nil {
			t.Fatal(err)
		}

		got, err := w.st.WeekSessions(ctx, date(2026, 11, 16), date(2026, 11, 22))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != meeting.ID || got[1].ID != one.ID {
			t.Fatalf("sessions %+v, want the meeting and the 1:1 of the week", got)
		}
		m := got[0]
		if len(m.Reps) != 3 || m.Reps[2].RepID != "UR3" || !m.Reps[2].Removed || m.Reps[0].Removed || m.Notes != "pipeline hygiene" {
			t.Errorf("meeting reps %+v: want three, UR3 taken off", m.Reps)
		}
		if len(m.Commitments) != 2 || m.Commitments[0].Text != "clean up stale deals" || m.Commitments[0].Status != coaching.CommitmentOpen {
			t.Errorf("meeting commitments %+v", m.Commitments)
		}
		if o := got[1]; o.Visibility != coaching.VisibilityShared || !slices.Equal(o.Skills, []string{"discovery"}) || len(o.Reps) != 1 {
			t.Errorf("the 1:1 %+v", o)
		}
	})
}

// A commitment follows its session: made on the session's date, moved
// with it, and counted only while its rep is on the session and the
// session is not undone (migration 0006 keeps these on each commitment).
func TestCommitmentsFollowTheirSession(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		w := newMetricsWorld(t, db)
		ctx := context.Background()
		nov := date(2026, 11, 1)
		q := metrics.Query{From: nov, To: date(2026, 11, 30), PairsFrom: nov, CommitmentsFrom: nov}
		made := func() []string {
			var out []string
			for _, c := range w.load(t, q).Commitments {
				out = append(out, c.MadeOn.String()+" "+c.ManagerID)
			}
			return out
		}
		s := w.log(t, coaching.Draft{RepIDs: []string{"UR1", "UR2"}, Kind: coaching.KindTeamMeeting, OccurredOn: date(2026, 11, 10),
			DurationMin: 60, Commitments: []string{"send the deck"}})
		if got, want := made(), []string{"2026-11-10 UM", "2026-11-10 UM"}; !sameSet(got, want) {
			t.Fatalf("logged: commitments %v, want %v", got, want)
		}
		s = w.edit(t, s, func(d *coaching.Draft) { d.OccurredOn = date(2026, 11, 12) })
		if got, want := made(), []string{"2026-11-12 UM", "2026-11-12 UM"}; !sameSet(got, want) {
			t.Errorf("moved to the 12th: commitments %v, want %v", got, want)
		}
		s = w.edit(t, s, func(d *coaching.Draft) { d.RepIDs = []string{"UR1"} })
		if got, want := made(), []string{"2026-11-12 UM"}; !sameSet(got, want) {
			t.Errorf("UR2 taken off: commitments %v, want %v", got, want)
		}
		a := coaching.RepAction{ActorID: "UR1", SessionID: s.ID, RepID: "UR1", Version: s.Version}
		if _, err := w.svc.Confirm(ctx, a); err != nil {
			t.Fatal(err)
		}
		if got := made(); len(got) != 1 {
			t.Errorf("confirmed: commitments %v, want UR1's", got)
		}
		if _, err := w.svc.UndoSession(ctx, "UM", s.ID); err != nil {
			t.Fatal(err)
		}
		if got := made(); len(got) != 0 {
			t.Errorf("undone: commitments %v, want none", got)
		}
	})
}

// The metrics' window queries read one index each (the covering indexes
// of migration 0006), never a scan of the table or a join per session.
func TestMetricsQueriesUseTheirIndexes(t *testing.T) {
	w := newMetricsWorld(t, migratedDB(t)) // SQLite's query plans
	for _, c := range []struct{ query, index string }{
		{sqlite.MetricsPairsQuery, "COVERING INDEX session_reps_window"},
		{sqlite.MetricsCoachedQuery, "COVERING INDEX session_reps_window"},
		{sqlite.MetricsCountQuery, "COVERING INDEX session_reps_window"},
		{sqlite.MetricsCommitmentsQuery, "COVERING INDEX commitments_made"},
		{sqlite.MetricsAskedQuery, "INDEX session_reps_pending (status_at>?)"},
	} {
		args := []any{"2026-11-01", "2026-11-30"}
		if c.query == sqlite.MetricsAskedQuery {
			args = []any{int64(1)}
		}
		plan, err := w.st.QueryPlan(context.Background(), c.query, args...)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(plan, c.index) || strings.Contains(plan, "SCAN") {
			t.Errorf("plan of\n%s\n= %s; want a search of %s", c.query, plan, c.index)
		}
	}
	// A month's attainment comes in rep order straight from the primary
	// key, with no sort.
	plan, err := w.st.QueryPlan(context.Background(), sqlite.MetricsMonthQuery, "2026-11")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "PRIMARY KEY (month=?)") || strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("plan of the month's attainment = %s; want the primary key's order", plan)
	}
}

// Each pair comes with its rep's status and rating, and the manager's role
// on a ride-along only.
func TestPairsCarryStatusRatingAndRole(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		w := newMetricsWorld(t, db)
		ctx := context.Background()
		ride := w.log(t, coaching.Draft{RepIDs: []string{"UR1", "UR2", "UR3"}, Kind: coaching.KindRideAlong, Role: coaching.RoleObserver,
			OccurredOn: date(2026, 11, 10), DurationMin: 60})
		w.log(t, coaching.Draft{RepIDs: []string{"UR1"}, Kind: coaching.KindOneOnOne, OccurredOn: date(2026, 11, 11), DurationMin: 30})
		a := func(rep string) coaching.RepAction {
			return coaching.RepAction{ActorID: rep, SessionID: ride.ID, RepID: rep, Version: ride.Version}
		}
		if _, err := w.svc.Confirm(ctx, a("UR1")); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Rate(ctx, a("UR1"), 4); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Dispute(ctx, a("UR2"), "wrong day"); err != nil {
			t.Fatal(err)
		}
		nov := date(2026, 11, 1)
		var got []string
		for _, p := range w.load(t, metrics.Query{From: nov, To: date(2026, 11, 30), PairsFrom: nov}).Pairs {
			got = append(got, fmt.Sprintf("%s %s %q %s %d", p.On, p.RepID, p.RideAlong, p.Status, p.Rating))
		}
		want := []string{`2026-11-10 UR1 "observer" confirmed 4`, `2026-11-10 UR2 "observer" disputed 0`,
			`2026-11-10 UR3 "observer" pending 0`, `2026-11-11 UR1 "" pending 0`}
		if !sameSet(got, want) {
			t.Errorf("pairs = %q, want %q", got, want)
		}
	})
}

// A commitment marked not kept (from /coach history, which records when)
// counts as made and not kept: commitments_kept is the share marked kept,
// whatever else closed the rest.
func TestACommitmentNotKeptCountsAsMadeAndNotKept(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		w := newMetricsWorld(t, db)
		ctx := context.Background()
		s := w.log(t, coaching.Draft{RepIDs: []string{"UR1"}, Kind: coaching.KindOneOnOne, OccurredOn: date(2026, 11, 20), DurationMin: 30,
			Commitments: []string{"send recap", "book role-play", "call Acme"}})
		s, err := w.st.Session(ctx, s.ID) // with its commitments' ids
		if err != nil || len(s.Commitments) != 3 {
			t.Fatalf("read back %+v: %v", s, err)
		}
		notKept, kept := s.Commitments[0].ID, s.Commitments[1].ID
		if _, err := w.svc.CloseCommitment(ctx, "UM", notKept, coaching.CommitmentNotKept); err != nil {
			t.Fatal(err)
		}
		w.log(t, coaching.Draft{RepIDs: []string{"UR1"}, Kind: coaching.KindOneOnOne, OccurredOn: date(2026, 11, 24), DurationMin: 30,
			KeptCommitments: []int64{kept}})

		nov := date(2026, 11, 1)
		d := w.load(t, metrics.Query{From: nov, To: date(2026, 11, 30), PairsFrom: nov, CommitmentsFrom: nov})
		if len(d.Commitments) != 3 {
			t.Fatalf("%d commitments made, want 3: %+v", len(d.Commitments), d.Commitments)
		}
		keptN := 0
		for _, c := range d.Commitments {
			if !c.KeptAt.IsZero() {
				keptN++
			}
		}
		if keptN != 1 {
			t.Errorf("%d commitments read as kept, want 1 (the one not kept has a closed_at too): %+v", keptN, d.Commitments)
		}
		now := func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }
		e := metrics.New(metrics.Config{Store: w.st, DefaultCadence: 14, Location: time.UTC, Now: now})
		r, err := e.Run(ctx, metrics.Period{From: date(2026, 11, 16), To: date(2026, 11, 26)}, metrics.Options{})
		if err != nil {
			t.Fatal(err)
		}
		f, ok := r.Manager("UM")
		if !ok || f.Metrics.CommitmentsKept == nil || *f.Metrics.CommitmentsKept != 0.3333 {
			t.Fatalf("UM's figures %+v (%v), want commitments_kept 0.3333: made 3, kept 1", f.Metrics, ok)
		}
	})
}

// The unconfirmed finding says how many of its requests were asked within
// the reminder's wait: the store hands over the pending requests asked
// since Query.AskedSince, on either database, whole or scoped.
func TestUnconfirmedCountsTheRequestsAskedLately(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		w := newMetricsWorld(t, db) // logging at noon on Thursday 26 November
		for i := range 10 {
			w.log(t, coaching.Draft{RepIDs: []string{"UR1"}, Kind: coaching.KindOneOnOne, OccurredOn: date(2026, 11, 16+i), DurationMin: 30})
		}
		ctx := context.Background()
		for _, c := range []struct {
			at   time.Time
			says string
		}{
			{time.Date(2026, 11, 26, 12, 5, 0, 0, time.UTC), "(0%; one per rep per session); 10 of them were sent in the last 3 days, before any reminder."},
			{time.Date(2026, 11, 29, 12, 5, 0, 0, time.UTC), "(0%; one per rep per session)."}, // 3 days and 5 minutes on
		} {
			for _, root := range []string{"", "UM"} {
				e := metrics.New(metrics.Config{Store: w.st, DefaultCadence: 14, Now: func() time.Time { return c.at }})
				r, err := e.Run(ctx, e.ThisWeek(), metrics.Options{Trend: true, Insights: true, Root: root})
				if err != nil {
					t.Fatal(err)
				}
				f, ok := r.Manager("UM")
				var text string
				for _, i := range f.Insights {
					if i.Kind == metrics.InsightUnconfirmed {
						text = i.Text
					}
				}
				if !ok || !strings.Contains(text, c.says) {
					t.Errorf("at %s, root %q: the finding reads %q, want %q", c.at, root, text, c.says)
				}
			}
		}
	})
}
