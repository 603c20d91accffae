package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// metricsOrg is a database built through the real commands: a roster of two
// leaders (one above the other), two managers and three reps imported on
// Monday 2 November 2026, a week of coaching logged through the domain, and
// October and November attainment imported.
type metricsOrg struct {
	vars map[string]string
	dir  string
}

var (
	imported = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	tuesday  = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC) // after ISO week 2026-W47 (16 to 22 November)
)

func newMetricsOrg(t *testing.T) *metricsOrg {
	t.Helper()
	dir := t.TempDir()
	o := &metricsOrg{dir: dir, vars: map[string]string{"COACHLOG_DB": filepath.Join(dir, "c.db")}}
	o.write(t, "team.csv", "slack_id,email,name,role,manager,tier,timezone",
		"U0VP,vera@acme.test,Vera,leader,,,",
		"U0DIR,dan@acme.test,Dan,leader,U0VP,,",
		"U0MA,max@acme.test,=SUM(1+1),manager,U0DIR,,", // a name a spreadsheet would run
		"U0MB,mia@acme.test,Mia,manager,U0VP,,",
		"U0R1,ann@acme.test,Ann,rep,U0MA,top,",
		"U0R2,bob@acme.test,Bob,rep,U0MA,bottom,",
		"U0R3,cy@acme.test,Cy,rep,U0MB,middle,")
	if out, err := cliAt(t, imported, o.vars, "roster", "import", filepath.Join(dir, "team.csv")); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	st, err := sqlite.Open(context.Background(), o.vars["COACHLOG_DB"], sqlite.Options{Now: func() time.Time { return tuesday }})
	if err != nil {
		t.Fatal(err)
	}
	svc := coaching.NewService(coaching.Config{Store: st, Now: func() time.Time { return tuesday }})
	for i, s := range []struct {
		manager string
		draft   coaching.Draft
	}{
		{"U0MA", coaching.Draft{RepIDs: []string{"U0R1"}, Kind: coaching.KindRideAlong, Role: coaching.RoleLead,
			OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 17}, DurationMin: 60}},
		{"U0MA", coaching.Draft{RepIDs: []string{"U0R1", "U0R2"}, Kind: coaching.KindTeamMeeting,
			OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 19}, DurationMin: 90}},
		{"U0MB", coaching.Draft{RepIDs: []string{"U0R3"}, Kind: coaching.KindOneOnOne,
			OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 18}, DurationMin: 30}},
	} {
		if _, err := svc.LogSession(context.Background(), coaching.LogRequest{ManagerID: s.manager, Draft: s.draft, Key: string(rune('a' + i))}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	o.write(t, "perf.csv", "rep,month,attainment",
		"U0R1,2026-10,95", "U0R1,2026-11,110",
		"bob@acme.test,2026-10,90", "bob@acme.test,2026-11,90",
		"U0R3,2026-10,99.5", "U0R3,2026-11,100")
	if out, err := cliAt(t, tuesday, o.vars, "performance", "import", filepath.Join(dir, "perf.csv")); err != nil {
		t.Fatalf("performance import: %v\n%s", err, out)
	}
	return o
}

func (o *metricsOrg) write(t *testing.T, name string, lines ...string) string {
	t.Helper()
	path := filepath.Join(o.dir, name)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// attainment reads a month's records back from the database.
func (o *metricsOrg) attainment(t *testing.T, month string) map[string]float64 {
	t.Helper()
	st, err := sqlite.Open(context.Background(), o.vars["COACHLOG_DB"], sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m, _ := coaching.ParseMonth(month)
	recs, err := st.Performance(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, r := range recs {
		out[r.RepID] = r.Percent
	}
	return out
}

func TestPerformanceImportIsAllOrNothingAndReplacesAMonth(t *testing.T) {
	t.Parallel()
	o := newMetricsOrg(t)
	if got := o.attainment(t, "2026-10"); len(got) != 3 || got["U0R2"] != 90 || got["U0R3"] != 99.5 {
		t.Fatalf("October after the import = %v", got)
	}

	bad := o.write(t, "bad.csv", "rep,month,attainment",
		"U0R1,2026-10,85",
		"U0NOBODY,2026-10,80",
		"U0R2,2026-13,80",
		"U0R3,2026-10,ninety")
	out, err := cliAt(t, tuesday, o.vars, "performance", "import", bad)
	if err == nil {
		t.Fatalf("a bad file was imported:\n%s", out)
	}
	for _, want := range []string{"line 4, field month", "line 5, field attainment", "nothing was changed"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	// The file's format is checked before the database is read: the
	// unknown rep is reported once the file is otherwise clean.
	unknown := o.write(t, "unknown.csv", "rep,month,attainment", "U0R1,2026-10,85", "U0NOBODY,2026-10,80")
	if _, err := cliAt(t, tuesday, o.vars, "performance", "import", unknown); err == nil ||
		!strings.Contains(err.Error(), "line 3, field rep: U0NOBODY is not known to Coachlog") {
		t.Errorf("an unknown rep: err = %v", err)
	}
	if got := o.attainment(t, "2026-10"); got["U0R1"] != 95 || len(got) != 3 {
		t.Fatalf("refused files changed October: %v", got)
	}

	// A re-import of October is the whole of October: Bob and Cy are gone
	// from it, Ann has her new figure; November is untouched.
	again := o.write(t, "october.csv", "rep,month,attainment", "ann@acme.test,2026-10,85.25")
	out, err = cliAt(t, tuesday, o.vars, "performance", "import", again)
	if err != nil || !strings.Contains(out, "Imported 1 attainment record from") || !strings.Contains(out, "2026-10 (replacing 3)") {
		t.Fatalf("re-import: %v\n%s", err, out)
	}
	// Bob's and Cy's figures are gone, not replaced: said, with what to do.
	if !strings.Contains(out, "2 reps had a figure for 2026-10 that this file does not give again, and have none for it now") ||
		!strings.Contains(out, "import one with every rep of the month") {
		t.Errorf("re-import of one rep does not say two reps' figures are gone:\n%s", out)
	}
	if got := o.attainment(t, "2026-10"); len(got) != 1 || got["U0R1"] != 85.25 {
		t.Errorf("October after the re-import = %v, want Ann's 85.25 alone", got)
	}
	if got := o.attainment(t, "2026-11"); len(got) != 3 {
		t.Errorf("November after October's re-import = %v, want its 3 records", got)
	}
	// Two months of Ann alone, October whole again first: Bob and Cy lose
	// a figure in each month, two reps, not four records.
	whole := o.write(t, "whole.csv", "rep,month,attainment", "U0R1,2026-10,85", "U0R2,2026-10,90", "U0R3,2026-10,99")
	if _, err := cliAt(t, tuesday, o.vars, "performance", "import", whole); err != nil {
		t.Fatal(err)
	}
	both := o.write(t, "both.csv", "rep,month,attainment", "ann@acme.test,2026-10,86", "ann@acme.test,2026-11,91")
	if out, err = cliAt(t, tuesday, o.vars, "performance", "import", both); err != nil ||
		!strings.Contains(out, "2 reps had a figure for 2026-10 or 2026-11 that this file does not give again") {
		t.Errorf("a two-month file of one rep: %v\n%s", err, out)
	}
}

// A spreadsheet's percent-formatted cells export as fractions: read as
// percents, every rep would stand under 1% of quota and nothing would say
// so. Such a file is refused, writing nothing, unless --fractions says
// how to read it; --fractions on a file of percents is refused too.
func TestPerformanceImportTellsFractionsFromPercents(t *testing.T) {
	t.Parallel()
	o := newMetricsOrg(t)
	frac := o.write(t, "frac.csv", "rep,month,attainment", "U0R1,2026-10,0.875", "U0R2,2026-10,1.2", "U0R3,2026-10,0.5")
	out, err := cliAt(t, tuesday, o.vars, "performance", "import", frac)
	if err == nil || !strings.Contains(err.Error(), "look like fractions of quota") || !strings.Contains(err.Error(), "--fractions") ||
		!strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("a file of fractions: %v\n%s", err, out)
	}
	if got := o.attainment(t, "2026-10"); got["U0R1"] != 95 || len(got) != 3 {
		t.Fatalf("a refused file changed October: %v", got)
	}
	out, err = cliAt(t, tuesday, o.vars, "performance", "import", "--fractions", frac)
	if err != nil {
		t.Fatalf("with --fractions: %v\n%s", err, out)
	}
	if strings.Contains(out, "not in this file") {
		t.Errorf("a file naming every rep of the month says some are missing:\n%s", out)
	}
	if got := o.attainment(t, "2026-10"); got["U0R1"] != 87.5 || got["U0R2"] != 120 || got["U0R3"] != 50 {
		t.Errorf("October read as fractions = %v, want 87.5, 120 and 50", got)
	}
	pct := o.write(t, "pct.csv", "rep,month,attainment", "U0R1,2026-10,0.5", "U0R2,2026-10,88")
	if _, err := cliAt(t, tuesday, o.vars, "performance", "import", "--fractions", pct); err == nil ||
		!strings.Contains(err.Error(), "line 3, field attainment") {
		t.Errorf("percents given as fractions: err = %v, want line 3 named", err)
	}
}

// A % sign says percent: a file of small percents early in the month is
// imported as percents, and --fractions refuses a % cell rather than make
// 5% 500%. Either way a refused file writes nothing.
func TestPerformanceImportReadsAPercentSignAsPercent(t *testing.T) {
	t.Parallel()
	o := newMetricsOrg(t)
	for _, tt := range []struct {
		name    string
		flags   []string
		lines   []string
		problem []string           // in the error; none: imported
		want    map[string]float64 // October after the import
	}{
		{"small percents early in the month", nil, []string{"U0R1,2026-10,2.5%", "U0R2,2026-10,1.5%", "U0R3,2026-10,0%"}, nil,
			map[string]float64{"U0R1": 2.5, "U0R2": 1.5, "U0R3": 0}},
		{"a % sign under --fractions", []string{"--fractions"}, []string{"U0R1,2026-10,0.875", "U0R2,2026-10,5%", "U0R3,2026-10,0.9%"},
			[]string{"line 3, field attainment: 5% has a % sign, and --fractions reads fractions such as 0.875: drop the % or the flag",
				"line 4, field attainment: 0.9% has a % sign", "nothing was changed"},
			map[string]float64{"U0R1": 2.5, "U0R2": 1.5, "U0R3": 0}},
		{"small percents under --fractions", []string{"--fractions"}, []string{"U0R1,2026-10,2.5%", "U0R2,2026-10,1.5%", "U0R3,2026-10,1%"},
			[]string{"line 2, field attainment: 2.5% has a % sign", "line 3, field attainment: 1.5% has a % sign", "nothing was changed"},
			map[string]float64{"U0R1": 2.5, "U0R2": 1.5, "U0R3": 0}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := o.write(t, "october.csv", append([]string{"rep,month,attainment"}, tt.lines...)...)
			out, err := cliAt(t, tuesday, o.vars, append(append([]string{"performance", "import"}, tt.flags...), path)...)
			switch {
			case len(tt.problem) == 0 && err != nil:
				t.Errorf("refused: %v", err)
			case len(tt.problem) > 0 && err == nil:
				t.Errorf("imported:\n%s", out)
			}
			for _, want := range tt.problem {
				if err != nil && !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
			if got := o.attainment(t, "2026-10"); !maps.Equal(got, tt.want) {
				t.Errorf("October = %v, want %v", got, tt.want)
			}
		})
	}
}

// A performance file refused on a database that does not exist yet leaves
// no file behind, as a refused roster does: an empty, migrated database
// would quiet serve's "no database file" warning and let metrics and
// export read nothing as if it were the organisation's data.
func TestARefusedPerformanceImportCreatesNoDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "new.db")
	vars := map[string]string{"COACHLOG_DB": db}
	file := filepath.Join(dir, "perf.csv")
	os.WriteFile(file, []byte("rep,month,attainment\nU0R1,2026-10,80\n"), 0o600)
	_, err := cliAt(t, tuesday, vars, "performance", "import", file)
	if err == nil || !strings.Contains(err.Error(), "U0R1 is not known to Coachlog; import the roster first") ||
		!strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("err = %v, want the rep unknown to a new database", err)
	}
	for _, f := range []string{db, db + "-wal", db + "-shm"} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("a refused file left %s behind", filepath.Base(f))
		}
	}
	if out, err := cliAt(t, tuesday, vars, "metrics"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("metrics after the refused import: %v\n%s", err, out)
	}
}

// keys lists an object's keys, sorted.
func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// metricKeys are the keys of PRODUCT.md's metrics table.
func metricKeys() []string {
	return []string{"sessions", "minutes", "reps", "covered", "coverage", "overdue", "tier_minutes", "tier_minutes_share",
		"tier_reps_share", "ride_alongs", "pairs", "confirmed", "disputed", "pending", "confirmation_rate", "ratings",
		"mean_rating", "with_commitments", "commitments_kept", "consistency", "consistency_before"}
}

func sorted(xs ...string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}

func TestMetricsJSONHasExactlyTheKeysOfProduct(t *testing.T) {
	t.Parallel()
	o := newMetricsOrg(t)
	out, err := cliAt(t, tuesday, o.vars, "metrics") // the last full week: W47
	if err != nil {
		t.Fatalf("metrics: %v\n%s", err, out)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	if got, want := keys(doc), sorted("from", "to", "managers", "leaders"); !slices.Equal(got, want) {
		t.Fatalf("top-level keys %v, want %v", got, want)
	}
	if doc["from"] != "2026-11-16" || doc["to"] != "2026-11-22" {
		t.Errorf("period %v to %v, want the last full week, 2026-11-16 to 2026-11-22", doc["from"], doc["to"])
	}
	byID := map[string]map[string]any{}
	for _, group := range []struct {
		name string
		want []string
	}{
		{"managers", sorted(append(metricKeys(), "id", "name", "leader_id")...)},
		{"leaders", sorted(append(metricKeys(), "id", "name", "leader_id", "correlation", "at_quota_share")...)},
	} {
		for _, x := range doc[group.name].([]any) {
			obj := x.(map[string]any)
			if got := keys(obj); !slices.Equal(got, group.want) {
				t.Errorf("%s %v has keys %v, want %v", group.name, obj["id"], got, group.want)
			}
			for k, want := range map[string][]string{"tier_minutes": {"bottom", "middle", "none", "top"},
				"tier_minutes_share": {"bottom", "middle", "none", "top"}, "tier_reps_share": {"bottom", "middle", "none", "top"},
				"ride_alongs": {"lead", "observer", "participant"}} {
				if got := keys(obj[k].(map[string]any)); !slices.Equal(got, want) {
					t.Errorf("%v's %s has keys %v, want %v", obj["id"], k, got, want)
				}
			}
			byID[obj["id"].(string)] = obj
		}
	}
	if len(byID) != 4 {
		t.Fatalf("scopes %v, want managers U0MA, U0MB and leaders U0DIR, U0VP", keys(anyMap(byID)))
	}
	ma, vp := byID["U0MA"], byID["U0VP"]
	// Max: a 60-minute ride-along in the lead with Ann (top), a 90-minute
	// team meeting with Ann and Bob (45 each): top 105, bottom 45.
	for k, want := range map[string]any{"sessions": 2.0, "minutes": 150.0, "reps": 2.0, "covered": 2.0, "coverage": 1.0,
		"pairs": 3.0, "pending": 3.0, "mean_rating": nil, "leader_id": "U0DIR", "name": "=SUM(1+1)"} {
		if ma[k] != want {
			t.Errorf("U0MA %s = %v, want %v", k, ma[k], want)
		}
	}
	if tm := ma["tier_minutes"].(map[string]any); tm["top"] != 105.0 || tm["bottom"] != 45.0 {
		t.Errorf("U0MA tier_minutes = %v, want top 105, bottom 45", tm)
	}
	if ra := ma["ride_alongs"].(map[string]any); ra["lead"] != 1.0 {
		t.Errorf("U0MA ride_alongs = %v, want 1 lead", ra)
	}
	// Vera: Dan's tree (Max) and Mia: 3 sessions, 180 minutes, 3 reps.
	// Attainment for November: Ann 110 and Cy 100 at quota, Bob 90: 2/3.
	// Three (rep, November) pairs with October: too few for rho.
	for k, want := range map[string]any{"sessions": 3.0, "minutes": 180.0, "reps": 3.0, "leader_id": nil, "at_quota_share": 0.6667} {
		if vp[k] != want {
			t.Errorf("U0VP %s = %v, want %v", k, vp[k], want)
		}
	}
	if c := vp["correlation"].(map[string]any); c["rho"] != nil || c["n"] != 3.0 || len(c) != 2 {
		t.Errorf("U0VP correlation = %v, want rho null, n 3", c)
	}
	if dir := byID["U0DIR"]; dir["sessions"] != 2.0 || dir["leader_id"] != "U0VP" {
		t.Errorf("U0DIR sessions %v, leader_id %v; want 2, U0VP", dir["sessions"], dir["leader_id"])
	}
}

func anyMap[V any](m map[string]V) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestMetricsCSVHasAScopeColumnAndSafeCells(t *testing.T) {
	t.Parallel()
	o := newMetricsOrg(t)
	out, err := cliAt(t, tuesday, o.vars, "metrics", "--week", "2026-W47", "--format", "csv")
	if err != nil {
		t.Fatalf("metrics: %v\n%s", err, out)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 5 {
		t.Fatalf("%d rows (%v), want a header and 4:\n%s", len(rows), err, out)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"scope", "from", "to", "id", "name", "leader_id", "sessions", "tier_minutes_top", "tier_minutes_none",
		"tier_minutes_share_middle", "tier_reps_share_bottom", "ride_alongs_lead", "ride_alongs_observer", "confirmation_rate",
		"mean_rating", "consistency_before", "correlation_rho", "correlation_n", "at_quota_share"} {
		if _, ok := col[h]; !ok {
			t.Errorf("no %s column in %v", h, rows[0])
		}
	}
	get := func(id, h string) string {
		for _, r := range rows[1:] {
			if r[col["id"]] == id {
				return r[col[h]]
			}
		}
		t.Fatalf("no row for %s", id)
		return ""
	}
	for _, c := range []struct{ id, h, want string }{
		{"U0MA", "scope", "manager"},
		{"U0MA", "name", "'=SUM(1+1)"}, // a formula made text
		{"U0MA", "tier_minutes_top", "105"},
		{"U0MA", "ride_alongs_lead", "1"},
		{"U0MA", "mean_rating", ""}, // null
		{"U0MA", "correlation_n", ""},
		{"U0MA", "from", "2026-11-16"},
		{"U0VP", "scope", "leader"},
		{"U0VP", "leader_id", ""},
		{"U0VP", "correlation_rho", ""},
		{"U0VP", "correlation_n", "3"},
		{"U0VP", "at_quota_share", "0.6667"},
	} {
		if got := get(c.id, c.h); got != c.want {
			t.Errorf("%s %s = %q, want %q", c.id, c.h, got, c.want)
		}
	}
}

func TestMetricsPeriods(t *testing.T) {
	t.Parallel()
	o := newMetricsOrg(t)
	period := func(now time.Time, vars map[string]string, args ...string) (string, string) {
		t.Helper()
		out, err := cliAt(t, now, vars, append([]string{"metrics"}, args...)...)
		if err != nil {
			t.Fatalf("metrics %v: %v\n%s", args, err, out)
		}
		var doc struct{ From, To string }
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		return doc.From, doc.To
	}
	// Sunday 22 November, noon UTC, is already Monday 23 in Auckland: the
	// last full week there is W47; in UTC it is still W46.
	sunday := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	if from, _ := period(sunday, o.vars); from != "2026-11-09" {
		t.Errorf("last full week in UTC starts %s, want 2026-11-09", from)
	}
	auckland := map[string]string{"COACHLOG_DB": o.vars["COACHLOG_DB"], "COACHLOG_TIMEZONE": "Pacific/Auckland"}
	if from, to := period(sunday, auckland); from != "2026-11-16" || to != "2026-11-22" {
		t.Errorf("last full week in Auckland %s to %s, want 2026-11-16 to 2026-11-22", from, to)
	}
	if from, to := period(tuesday, o.vars, "--from", "2026-11-01", "--to", "2026-11-30"); from != "2026-11-01" || to != "2026-11-24" {
		t.Errorf("a range running past today: %s to %s, want it to end today, 2026-11-24", from, to)
	}
}

func TestMetricsUsageErrors(t *testing.T) {
	t.Parallel()
	o := newMetricsOrg(t)
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"--week", "2026-W47", "--from", "2026-11-01"}, "give --week or --from and --to, not both"},
		{[]string{"--week", "47"}, `--week: week "47" is not YYYY-Www`},
		{[]string{"--from", "2026-11-01"}, "--from and --to go together"},
		{[]string{"--from", "2026-11-31", "--to", "2026-12-01"}, `--from: date "2026-11-31" is not YYYY-MM-DD`},
		{[]string{"--from", "2026-11-10", "--to", "2026-11-01"}, "ends (2026-11-01) before it starts"},
		{[]string{"--from", "2026-12-01", "--to", "2026-12-07"}, "starts after today (2026-11-24)"},
		{[]string{"--format", "xml"}, `--format "xml": use json or csv`},
		{[]string{"extra"}, "metrics takes no arguments"},
	} {
		out, err := cliAt(t, tuesday, o.vars, append([]string{"metrics"}, c.args...)...)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), c.says) {
			t.Errorf("metrics %v: err = %v (exit %d), want exit 2 saying %q\n%s", c.args, err, exitCode(err), c.says, out)
		}
	}
	// A missing database is refused, not created.
	missing := map[string]string{"COACHLOG_DB": filepath.Join(t.TempDir(), "none.db")}
	if _, err := cliAt(t, tuesday, missing, "metrics"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("metrics on a missing database: %v", err)
	}
	if _, err := os.Stat(missing["COACHLOG_DB"]); err == nil {
		t.Error("metrics created a database")
	}
}

// The organisation's figures count a never-coached rep's clock from the
// roster import's day on their manager's clock, as the nudge and /coach
// team do: with COACHLOG_TIMEZONE in UTC, Max in Pago Pago and Sam first
// imported at 05:00 UTC on Sunday 15 November (Saturday 14th there), Sam
// is overdue on Sunday 29th (15 days on a 14-day cadence) in /coach team,
// `coachlog metrics` and the digest alike; they read the 15th (14 days,
// not overdue) on the organisation's clock.
func TestTheFiguresCountANeverCoachedRepOnTheManagersClock(t *testing.T) {
	t.Parallel()
	clk := &testClock{}
	clk.Advance(time.Until(time.Date(2026, 11, 15, 5, 0, 0, 0, time.UTC)))
	b := startBotAt(t, clk.Now)
	csvFile := filepath.Join(t.TempDir(), "team.csv")
	if err := os.WriteFile(csvFile, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
		mgr+",,Max,manager,,,Pacific/Pago_Pago\n"+rep+",,Sam,rep,"+mgr+",,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := b.cli("roster", "import", csvFile); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	clk.Advance(time.Date(2026, 11, 30, 5, 0, 0, 0, time.UTC).Sub(clk.Now())) // Sunday 29th, 18:00 in Pago Pago
	for _, c := range []struct {
		name string
		run  func() (string, error)
		want string
	}{
		{"/coach team", func() (string, error) { return b.command(mgr, "team"), nil }, "Your team: 1 rep, 1 overdue"},
		{"coachlog metrics", func() (string, error) {
			out, err := b.cli("metrics", "--week", "2026-W48", "--format", "csv")
			if err != nil {
				return out, err
			}
			rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil || len(rows) != 2 {
				return out, err
			}
			i := slices.Index(rows[0], "overdue")
			if i < 0 {
				return out, nil
			}
			return "overdue=" + rows[1][i], nil
		}, "overdue=1"},
		{"the digest", func() (string, error) {
			return b.cli("digest", "--week", "2026-W48", "--dry-run", "--chart", filepath.Join(t.TempDir(), "chart.png"))
		}, "· 1 overdue"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.run()
			if err != nil || !strings.Contains(got, c.want) {
				t.Errorf("%s on Sunday 29 November in Pago Pago: %v\n%s\nwant %q", c.name, err, got, c.want)
			}
		})
	}
}

// On a new install the week before the roster's first import had no team:
// `coachlog metrics` lists none in it, as `coachlog digest` posts no digest
// of it, where it listed the teams imported since at a coverage and a
// consistency of 0, teams nobody coached. It says why on stderr, its JSON
// or CSV whole on stdout. A week in which coaching was logged, dated back
// to before the import, is measured, as the digest reports it.
func TestMetricsOfAWeekBeforeTheFirstImportListNoTeam(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vars := map[string]string{"COACHLOG_DB": filepath.Join(dir, "c.db")}
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) // a Tuesday: the last full week is 2026-W48
	o := &metricsOrg{dir: dir, vars: vars}
	o.write(t, "team.csv", "slack_id,email,name,role,manager,tier,timezone",
		"U0VP,vera@acme.test,Vera,leader,,,", "U0MA,max@acme.test,Max,manager,U0VP,,",
		"U0R1,ann@acme.test,Ann,rep,U0MA,top,", "U0R2,bob@acme.test,Bob,rep,U0MA,bottom,")
	if out, err := cliAt(t, at, vars, "roster", "import", filepath.Join(dir, "team.csv")); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	digestSays := func() string {
		out, err := cliAt(t, at, vars, "digest", "--dry-run", "--chart", filepath.Join(dir, "chart.png"))
		if err != nil {
			t.Fatalf("digest --dry-run: %v\n%s", err, out)
		}
		return out
	}
	metricsOf := func(args ...string) (managers []string, stderr string) {
		t.Helper()
		var out, errOut bytes.Buffer
		err := runEnv(context.Background(), append([]string{"metrics"}, args...), env{getenv: func(k string) string { return vars[k] },
			stdout: &out, stderr: &errOut, now: func() time.Time { return at }})
		if err != nil {
			t.Fatalf("metrics %v: %v\n%s", args, err, errOut.String())
		}
		if slices.Contains(args, "csv") {
			rows, err := csv.NewReader(&out).ReadAll()
			if err != nil || len(rows) == 0 {
				t.Fatalf("metrics %v: %v, %d rows", args, err, len(rows))
			}
			for _, r := range rows[1:] {
				managers = append(managers, r[0]+" "+r[3])
			}
			return managers, errOut.String()
		}
		var r struct{ Managers, Leaders []struct{ ID string } }
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatalf("metrics %v: %v\n%s", args, err, out.String())
		}
		for _, m := range r.Managers {
			managers = append(managers, "manager "+m.ID)
		}
		for _, l := range r.Leaders {
			managers = append(managers, "leader "+l.ID)
		}
		return managers, errOut.String()
	}

	if d := digestSays(); !strings.Contains(d, "2026-W48 ended before the roster named any team") {
		t.Fatalf("the digest of 2026-W48 does not say it ended before the roster named a team:\n%s", d)
	}
	for _, args := range [][]string{nil, {"--week", "2026-W48", "--format", "csv"}, {"--from", "2026-11-01", "--to", "2026-11-30"}} {
		got, stderr := metricsOf(args...)
		if len(got) > 0 || !strings.Contains(stderr, "ended before the roster named any team") {
			t.Errorf("metrics %v lists %v, saying %q; want no team, as the digest has none, and why", args, got, stderr)
		}
	}
	if got, stderr := metricsOf("--week", "2026-W49"); !slices.Contains(got, "manager U0MA") || stderr != "" {
		t.Errorf("metrics of this week, after the import, lists %v (%q); want Max's team", got, stderr)
	}

	st, err := sqlite.Open(context.Background(), vars["COACHLOG_DB"], sqlite.Options{Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	svc := coaching.NewService(coaching.Config{Store: st, Now: func() time.Time { return at }})
	_, err = svc.LogSession(context.Background(), coaching.LogRequest{ManagerID: "U0MA", Key: "back", Draft: coaching.Draft{
		RepIDs: []string{"U0R1"}, Kind: coaching.KindOneOnOne, OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 25}, DurationMin: 30}})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if d := digestSays(); strings.Contains(d, "ended before the roster") {
		t.Fatalf("the digest of a week with coaching in it says it had no team:\n%s", d)
	}
	if got, stderr := metricsOf(); !slices.Contains(got, "manager U0MA") || stderr != "" {
		t.Errorf("metrics of a week with coaching in it lists %v (%q); want Max's team, as the digest reports it", got, stderr)
	}
}

// A roster that gives no manager a rep has no team: `coachlog metrics`
// says so on stderr in the digest's words ("No manager has a team yet"),
// where it listed the leader at zeros without a word, and still prints
// its JSON or CSV whole on stdout, the leader in it, for the script that
// reads it.
func TestMetricsWithNoTeamSaySoAsTheDigestDoes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vars := map[string]string{"COACHLOG_DB": filepath.Join(dir, "c.db")}
	o := &metricsOrg{dir: dir, vars: vars}
	o.write(t, "team.csv", "slack_id,email,name,role,manager,tier,timezone",
		"U0VP,vera@acme.test,Vera,leader,,,", "U0MA,max@acme.test,Max,manager,U0VP,,")
	if out, err := cliAt(t, imported, vars, "roster", "import", filepath.Join(dir, "team.csv")); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	digest, err := cliAt(t, tuesday, vars, "digest", "--dry-run", "--chart", filepath.Join(dir, "chart.png"))
	said, _, ok := strings.Cut(digest, ":")
	if err != nil || !ok || said != "No manager has a team yet" {
		t.Fatalf("digest --dry-run with no team: %v\n%s", err, digest)
	}
	for _, format := range []string{"json", "csv"} {
		var out, errOut bytes.Buffer
		err := runEnv(context.Background(), []string{"metrics", "--format", format}, env{getenv: func(k string) string { return vars[k] },
			stdout: &out, stderr: &errOut, now: func() time.Time { return tuesday }})
		if err != nil {
			t.Fatalf("metrics --format %s: %v\n%s", format, err, errOut.String())
		}
		if want := said + ": the figures of 2026-W47 measure no team"; !strings.HasPrefix(errOut.String(), want) {
			t.Errorf("metrics --format %s says on stderr %q; want %q…, as the digest says it", format, errOut.String(), want)
		}
		var ids []string
		if format == "csv" {
			rows, err := csv.NewReader(&out).ReadAll()
			if err != nil || len(rows) == 0 || rows[0][0] != "scope" {
				t.Fatalf("metrics --format csv: %v, not its CSV:\n%s", err, out.String())
			}
			for _, r := range rows[1:] {
				ids = append(ids, r[0]+" "+r[3])
			}
		} else {
			var r struct{ Managers, Leaders []struct{ ID string } }
			if err := json.Unmarshal(out.Bytes(), &r); err != nil {
				t.Fatalf("metrics: %v, not its JSON:\n%s", err, out.String())
			}
			for _, l := range r.Leaders {
				ids = append(ids, "leader "+l.ID)
			}
		}
		if !slices.Contains(ids, "leader U0VP") {
			t.Errorf("metrics --format %s lists %v; want Vera's figures all the same", format, ids)
		}
	}
}

// A month's attainment over a company counts thousands of records, and
// the import says so as the digest writes its counts.
func TestAPerformanceImportGroupsThousands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vars := map[string]string{"COACHLOG_DB": filepath.Join(dir, "coachlog.db")}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	write := func(name, header, row string, n int) string {
		path := filepath.Join(dir, name)
		var b strings.Builder
		b.WriteString(header)
		for i := range n {
			fmt.Fprintf(&b, row, i)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	roster := write("team.csv", "slack_id,email,name,role,manager,tier,timezone\nU0MAX,,Max,manager,,,\n", "U0R%04d,,,rep,U0MAX,top,\n", 1200)
	if out, err := cliAt(t, now, vars, "roster", "import", roster); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	for _, tt := range []struct {
		reps int
		want []string
	}{
		{1200, []string{"Imported 1,200 attainment records from", "for 2026-10 (replacing 0)."}},
		{1200, []string{"Imported 1,200 attainment records from", "for 2026-10 (replacing 1,200)."}},
		{100, []string{"Imported 100 attainment records from", "for 2026-10 (replacing 1,200).",
			"1,100 reps had a figure for 2026-10 that this file does not give again"}},
	} {
		path := write(fmt.Sprintf("october-%d.csv", tt.reps), "rep,month,attainment\n", "U0R%04d,2026-10,85\n", tt.reps)
		out, err := cliAt(t, now, vars, "performance", "import", path)
		for _, want := range tt.want {
			if err != nil || !strings.Contains(out, want) {
				t.Errorf("performance import of %d reps: %v\n%s\nwant %q", tt.reps, err, out, want)
			}
		}
	}
}
