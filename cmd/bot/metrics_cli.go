package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/csvsafe"
	"github.com/coachlog/coachlog/internal/metrics"
	"github.com/coachlog/coachlog/internal/performance"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// performanceImport reads a whole attainment file, resolves its reps among
// the people the database knows and writes it in one transaction; a bad
// file writes nothing.
func performanceImport(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "performance import")
	fractions := fs.Bool("fractions", false, "the file gives attainment as fractions of quota (0.875 for 87.5%), as percent-formatted spreadsheet cells export")
	path, cfg, err := fileCommand(e, fs, args)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("performance: %w", err)
	}
	defer f.Close()
	// The file is checked before the database is touched.
	entries, err := performance.Parse(f, coaching.MonthOf(coaching.DateOf(e.now(), cfg.TZ)))
	if err == nil && *fractions {
		entries, err = performance.FromFractions(entries)
	} else if err == nil && performance.LooksLikeFractions(entries) {
		err = errors.New("every attainment is 3 or below, some with decimals: they look like fractions of quota (0.875 for 87.5%), " +
			"which read as percents would put every rep under 3% of quota. Write percents (87.5; a % sign, as in 2.5%, says percent " +
			"however small the figure, as early in a month), or import with --fractions")
	}
	if err != nil {
		return fmt.Errorf("performance file %s not imported, nothing was changed:\n%w", path, err)
	}
	// A database file that does not exist yet knows no one: the reps are
	// resolved against no one before it is created, as roster import
	// checks its file first, so a refused file leaves no empty database
	// behind (which would quiet serve's "no database file" warning and
	// let metrics and export read it).
	open := func() (*sqlite.Store, error) {
		return openDB(ctx, cfg.DB, cfg.storeOptions(sqlite.Options{BusyTimeout: 10 * time.Second, Now: e.now, Logger: newLogger(cfg, e.stderr)}))
	}
	var st *sqlite.Store
	var people []coaching.Person
	if !noDatabaseFile(cfg.DB) {
		if st, err = open(); err != nil {
			return err
		}
		defer st.Close()
		if people, err = st.People(ctx); err != nil {
			return err
		}
	}
	records, err := performance.Resolve(entries, people)
	if err != nil {
		return fmt.Errorf("performance file %s not imported, nothing was changed:\n%w", path, err)
	}
	if st == nil { // the file is taken: now the database is made
		if st, err = open(); err != nil {
			return err
		}
		defer st.Close()
	}
	res, err := st.ImportPerformance(ctx, records)
	if err != nil {
		return err
	}
	months := make([]string, len(res.Months))
	for i, m := range res.Months {
		months[i] = m.String()
	}
	noun := "records"
	if res.Records == 1 {
		noun = "record"
	}
	fmt.Fprintf(e.stdout, "Imported %s attainment %s from %s for %s (replacing %s).\n",
		coaching.Count(res.Records), noun, path, strings.Join(months, ", "), coaching.Count(res.Replaced))
	if res.Dropped > 0 {
		// Said after the fact: the file is the month, as documented, but a
		// partial CRM export (one team) quietly emptying everyone else's
		// month would otherwise be found only in the digest's correlation.
		who := fmt.Sprintf("%s reps had a figure for %s that this file does not give again, and have none for it now", coaching.Count(res.Dropped), strings.Join(months, " or "))
		if res.Dropped == 1 {
			who = fmt.Sprintf("1 rep had a figure for %s that this file does not give again, and has none for it now", strings.Join(months, " or "))
		}
		fmt.Fprintf(e.stdout, "%s: a month in the file replaces that month whole. If the file was partial, import one with every rep of the month.\n", who)
	}
	return nil
}

// metricsCmd prints every metric per manager and per leader's tree for a
// period: by default the last full ISO week in COACHLOG_TIMEZONE.
func metricsCmd(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "metrics")
	weekS := fs.String("week", "", "the ISO week `YYYY-Www` (default: the last full week in COACHLOG_TIMEZONE)")
	fromS := fs.String("from", "", "the first `DATE` (YYYY-MM-DD), with --to")
	toS := fs.String("to", "", "the last `DATE` (YYYY-MM-DD), inclusive, with --from")
	format := fs.String("format", "json", "the output, `json|csv`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArguments(fs, "only flags"); err != nil {
		return err
	}
	if *format != "json" && *format != "csv" {
		return usageError(fmt.Sprintf("--format %q: use json or csv", *format))
	}
	st, cfg, err := readDB(ctx, e)
	if err != nil {
		return err
	}
	defer st.Close()
	eng := newMetrics(st, cfg, e)
	p, err := metricsPeriod(eng, *weekS, *fromS, *toS)
	if err != nil {
		return err
	}
	// As the digest: with no team at all it says so, in its words, where
	// it listed a leader's zeros without a word. The figures are still
	// printed whole (those logged with no roster, a leader's zeros): the
	// JSON or CSV a script reads keeps its shape, and the sentence goes
	// to stderr.
	managers, err := st.NudgeManagers(ctx)
	if err != nil {
		return fmt.Errorf("the metrics of %s: load the managers: %w", p, err)
	}
	if len(managers) == 0 {
		fmt.Fprintln(e.stderr, noTeamYet("the figures of "+periodName(p)+" measure no team, only the coaching logged (nor is there a digest of it)."))
	}
	// As the digest and /coach report: a period that ended before the
	// roster named any team, with nobody coaching in it, lists no team.
	// The teams imported since would read, in it, as teams nobody coached.
	svc := coaching.NewService(coaching.Config{Store: st, DefaultTZ: cfg.TZ, Now: e.now})
	before, err := svc.PeriodBeforeTeams(ctx, p.From, p.To)
	if err != nil {
		return fmt.Errorf("the metrics of %s: %w", p, err)
	}
	r := &metrics.Report{Period: p}
	if before {
		// On stderr: stdout stays the JSON or CSV a script reads.
		fmt.Fprintln(e.stderr, sentence(periodName(p)+" ended before the roster named any team, and nobody logged coaching in it: no team is listed (nor is there a digest of it)"))
	} else if r, err = eng.Run(ctx, p, metrics.Options{}); err != nil {
		return err
	}
	if *format == "csv" {
		return writeMetricsCSV(e.stdout, r)
	}
	return writeMetricsJSON(e.stdout, r)
}

// metricsPeriod reads the period flags: a week, or a range, or the last
// full week. A period running past today ends today: nothing after now
// is known.
func metricsPeriod(eng *metrics.Engine, week, from, to string) (metrics.Period, error) {
	var p metrics.Period
	switch {
	case week != "" && (from != "" || to != ""):
		return p, usageError("give --week or --from and --to, not both")
	case week != "":
		w, err := coaching.ParseWeek(week)
		if err != nil {
			return p, usageError("--week: " + err.Error())
		}
		p = metrics.WeekPeriod(w)
	case from != "" || to != "":
		if from == "" || to == "" {
			return p, usageError("--from and --to go together: give both dates")
		}
		var err error
		if p.From, err = coaching.ParseDate(from); err != nil {
			return p, usageError("--from: " + err.Error())
		}
		if p.To, err = coaching.ParseDate(to); err != nil {
			return p, usageError("--to: " + err.Error())
		}
	default:
		p = metrics.WeekPeriod(eng.LastFullWeek())
	}
	today := eng.Today()
	if p.From.After(today) {
		return p, usageError(fmt.Sprintf("the period starts after today (%s): nothing to measure yet", today))
	}
	if p.To.After(today) {
		p.To = today
	}
	if err := p.Check(); err != nil {
		return p, usageError(err.Error())
	}
	return p, nil
}

// periodName names p as the digest names a week ("2026-W48") when it is
// one, and by its dates otherwise ("the period 2026-11-01 to 2026-11-30").
func periodName(p metrics.Period) string {
	if w := coaching.WeekOf(p.From); p == metrics.WeekPeriod(w) {
		return w.String()
	}
	return "the period " + p.String()
}

// scopeJSON is one manager's or leader's object in `coachlog metrics`.
type scopeJSON struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	LeaderID *string `json:"leader_id"`
	metrics.Metrics
}

// leaderJSON is a leader's object: correlation and at_quota_share are
// always there, null when there is nothing to compute them from.
type leaderJSON struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	LeaderID *string `json:"leader_id"`
	metrics.Metrics
	Correlation  metrics.Correlation `json:"correlation"`
	AtQuotaShare *float64            `json:"at_quota_share"`
}

func writeMetricsJSON(w io.Writer, r *metrics.Report) error {
	out := struct {
		From     string       `json:"from"`
		To       string       `json:"to"`
		Managers []scopeJSON  `json:"managers"`
		Leaders  []leaderJSON `json:"leaders"`
	}{From: r.Period.From.String(), To: r.Period.To.String(), Managers: []scopeJSON{}, Leaders: []leaderJSON{}}
	for _, f := range r.Managers {
		out.Managers = append(out.Managers, scopeJSON{ID: f.ID, Name: f.Name, LeaderID: orNull(f.LeaderID), Metrics: f.Metrics})
	}
	for _, f := range r.Leaders {
		l := leaderJSON{ID: f.ID, Name: f.Name, LeaderID: orNull(f.LeaderID), Metrics: f.Metrics, AtQuotaShare: f.AtQuotaShare}
		if f.Correlation != nil {
			l.Correlation = *f.Correlation
		}
		out.Leaders = append(out.Leaders, l)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// metricsColumns is the CSV header: the JSON keys flattened.
func metricsColumns() []string {
	cols := []string{"scope", "from", "to", "id", "name", "leader_id", "sessions", "minutes", "reps", "covered", "coverage", "overdue"}
	for _, group := range []string{"tier_minutes", "tier_minutes_share", "tier_reps_share"} {
		for _, t := range metrics.Tiers() {
			cols = append(cols, group+"_"+metrics.TierName(t))
		}
	}
	return append(cols, "ride_alongs_lead", "ride_alongs_participant", "ride_alongs_observer",
		"pairs", "confirmed", "disputed", "pending", "confirmation_rate", "ratings", "mean_rating",
		"with_commitments", "commitments_kept", "consistency", "consistency_before",
		"correlation_rho", "correlation_n", "at_quota_share")
}

func writeMetricsCSV(w io.Writer, r *metrics.Report) error {
	cw := csvsafe.NewWriter(w)
	if err := cw.Write(metricsColumns()); err != nil {
		return err
	}
	row := func(scope string, f metrics.Figures) []string {
		m := f.Metrics
		rec := []string{scope, r.Period.From.String(), r.Period.To.String(), f.ID, f.Name, f.LeaderID,
			itoa(m.Sessions), itoa(m.Minutes), itoa(m.Reps), itoa(m.Covered), num(m.Coverage), itoa(m.Overdue)}
		for _, t := range metrics.Tiers() {
			rec = append(rec, strconv.FormatFloat(m.TierMinutes.Get(t), 'f', -1, 64))
		}
		for _, s := range []metrics.TierShares{m.TierMinutesShare, m.TierRepsShare} {
			for _, t := range metrics.Tiers() {
				rec = append(rec, num(s.Get(t)))
			}
		}
		rec = append(rec, itoa(m.RideAlongs.Lead), itoa(m.RideAlongs.Participant), itoa(m.RideAlongs.Observer),
			itoa(m.Pairs), itoa(m.Confirmed), itoa(m.Disputed), itoa(m.Pending), num(m.ConfirmationRate),
			itoa(m.Ratings), num(m.MeanRating), num(m.WithCommitments), num(m.CommitmentsKept),
			num(m.Consistency), num(m.ConsistencyBefore))
		if f.Leader {
			var c metrics.Correlation
			if f.Correlation != nil {
				c = *f.Correlation
			}
			return append(rec, num(c.Rho), itoa(c.N), num(f.AtQuotaShare))
		}
		return append(rec, "", "", "")
	}
	for _, f := range r.Managers {
		if err := cw.Write(row("manager", f)); err != nil {
			return err
		}
	}
	for _, f := range r.Leaders {
		if err := cw.Write(row("leader", f)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func itoa(n int) string { return strconv.Itoa(n) }

// num formats a figure that may be null: an empty cell.
func num(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}
