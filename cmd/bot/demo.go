package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/digest"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/metrics"
	"github.com/coachlog/coachlog/internal/slacktext"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// demoPerson is someone in the demo organisation.
type demoPerson struct {
	id, name, role, manager string
	tier                    coaching.Tier
	tz                      string
}

// demoZone is the demo organisation's COACHLOG_TIMEZONE: where its weeks
// begin and end. It is Max's, so the session he logs in the first scene
// falls on the same day for the digest as for him: with the default UTC,
// on a Sunday evening in New York (Monday in UTC) that session landed in
// the week the digest reports.
const demoZone = "America/New_York"

// demoOrg is a sales organisation in small: a VP over two directors, four
// managers with telling habits, and their reps in each tier.
func demoOrg() []demoPerson {
	return []demoPerson{
		{"U0VERA", "Vera (VP Sales)", "leader", "", "", "Europe/London"},
		{"U0DAN", "Dan (Director East)", "leader", "U0VERA", "", "America/New_York"},
		{"U0LENA", "Lena (Director West)", "leader", "U0VERA", "", "America/Los_Angeles"},
		{"U0MAX", "Max", "manager", "U0DAN", "", "America/New_York"},
		{"U0NINA", "Nina", "manager", "U0DAN", "", "America/New_York"},
		{"U0OWEN", "Owen", "manager", "U0LENA", "", "America/Los_Angeles"},
		{"U0PRIYA", "Priya", "manager", "U0LENA", "", "America/Denver"},
		{"U0SAM", "Sam", "rep", "U0MAX", coaching.TierTop, "America/New_York"},
		{"U0RIA", "Ria", "rep", "U0MAX", coaching.TierMiddle, "America/New_York"},
		{"U0TOM", "Tom", "rep", "U0MAX", coaching.TierMiddle, "America/Chicago"},
		{"U0BEA", "Bea", "rep", "U0MAX", coaching.TierBottom, "America/New_York"},
		{"U0LEO", "Leo", "rep", "U0NINA", coaching.TierTop, "America/New_York"},
		{"U0ZOE", "Zoe", "rep", "U0NINA", coaching.TierMiddle, "America/Chicago"},
		{"U0KAI", "Kai", "rep", "U0NINA", coaching.TierBottom, "America/New_York"},
		{"U0ADA", "Ada", "rep", "U0OWEN", coaching.TierTop, "America/Los_Angeles"},
		{"U0ELI", "Eli", "rep", "U0OWEN", coaching.TierMiddle, "America/Denver"},
		{"U0IVY", "Ivy", "rep", "U0OWEN", coaching.TierBottom, "America/Los_Angeles"},
		{"U0JON", "Jon", "rep", "U0PRIYA", coaching.TierTop, "America/Denver"},
		{"U0MIA", "Mia", "rep", "U0PRIYA", coaching.TierMiddle, "America/Denver"},
		{"U0NOA", "Noa", "rep", "U0PRIYA", coaching.TierBottom, "America/Los_Angeles"},
	}
}

// demo shows the product without a Slack workspace: a demo organisation in
// a scratch database with twelve weeks of coaching and a quarter of
// attainment, then the real bot, wired as `serve` wires it, answering a
// scripted manager and rep through a fake Slack on 127.0.0.1, then the
// weekly digest leaders read, a manager's own numbers and the nudges.
// Everything printed is what Slack would show them.
func demo(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "demo")
	keep := fs.Bool("keep", false, "keep the scratch database and print its path")
	chart := fs.String("chart", "", "the `FILE` to write the digest's chart to (default: ./coachlog-digest-YYYY-Www.png)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// The flag package stops at the first word: "demo keep" would run the
	// demo and delete the database asked to be kept.
	if err := noArguments(fs, "only flags (--keep, --chart FILE)"); err != nil {
		return err
	}
	// The demo's weeks are its own zone's (demoZone): on another, Max's
	// Sunday-evening session would fall in a week other than his. A
	// setting it does not use is said, not dropped in silence, and one
	// serve would refuse is refused here too.
	set, err := orgZone(e.getenv)
	if err != nil {
		return err
	}
	if strings.TrimSpace(e.getenv("COACHLOG_TIMEZONE")) != "" && set.String() != demoZone {
		fmt.Fprintf(e.stderr, "The demo runs in its own time zone, %s, and does not use COACHLOG_TIMEZONE=%s.\n", demoZone, set)
	}
	if err := checkChartPath(*chart); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "coachlog-demo-")
	if err != nil {
		return err
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	dbPath := filepath.Join(dir, "coachlog.db")
	org := demoOrg()
	now := e.now()
	zone, err := time.LoadLocation(demoZone)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := seedDemo(ctx, dbPath, org, now, zone); err != nil {
		return fmt.Errorf("demo: build the organisation: %w", err)
	}
	fake := fakeslack.New(fakeslack.WithClock(e.now))
	for _, p := range org {
		fake.AddUser(fakeslack.User{ID: p.id, Name: strings.ToLower(strings.Fields(p.name)[0]), RealName: p.name, TZ: p.tz})
	}
	if err := fake.Start(); err != nil {
		return err
	}
	defer fake.Close()

	botCtx, stopBot := context.WithCancel(ctx)
	defer stopBot()
	denv := map[string]string{"SLACK_APP_TOKEN": fake.AppToken(), "SLACK_BOT_TOKEN": fake.BotToken(),
		"SLACK_API_URL": fake.APIURL(), "COACHLOG_DB": dbPath, "COACHLOG_LOG_LEVEL": "error", "COACHLOG_TIMEZONE": demoZone}
	done := make(chan error, 1)
	go func() {
		done <- runEnv(botCtx, []string{"serve"}, env{getenv: func(k string) string { return denv[k] }, stdout: io.Discard, stderr: e.stderr, now: e.now})
	}()
	// A demo ending early (its output closed, an error) waits for the bot
	// to let go of the scratch database before the folder is removed (the
	// defer above, which runs after this one): the bot closing its store
	// while the folder went could leave a -wal behind, and the folder.
	botDone := false
	defer func() {
		if !botDone {
			stopBot()
			<-done
		}
	}()
	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := fake.WaitConnected(wctx, 1); err != nil {
		return fmt.Errorf("demo: the bot did not connect to the fake Slack: %w", err)
	}
	w := &demoWriter{out: &firstError{w: e.stdout}, names: map[string]string{}}
	for _, p := range org {
		w.names[p.id] = p.name
	}
	kept := fmt.Sprintf("The demo database is kept at %s (try: COACHLOG_DB=%s coachlog export).\n", dbPath, dbPath)
	if *keep {
		defer func() {
			if w.err() != nil { // its output closed early: said where it is still read
				fmt.Fprint(e.stderr, kept)
			}
		}()
	}
	// Its output closed (`coachlog demo | head` once head has its lines),
	// the demo ends at the next scene: it printed for no one, and ran to
	// its end before.
	if err := demoScript(wctx, w, fake); err != nil || w.err() != nil {
		return cmp.Or(w.err(), fmt.Errorf("demo: %w", err))
	}
	statsReply, err := askStats(wctx, fake, "U0MAX")
	if err != nil {
		return fmt.Errorf("demo: Max's /coach stats: %w", err)
	}
	stopBot()
	botDone = true
	if err := <-done; err != nil {
		return err
	}
	st, err := openReadOnly(ctx, dbPath, sqlite.Options{Now: e.now})
	if err != nil {
		return err
	}
	defer st.Close()
	stats := metrics.New(metrics.Config{Store: st, DefaultCadence: 14, Location: zone, Now: e.now})
	if err := demoDigest(ctx, w, stats, e.now(), *chart); err != nil || w.err() != nil {
		return cmp.Or(w.err(), fmt.Errorf("demo: the digest: %w", err))
	}
	w.title("6. Max asks for his own numbers")
	w.say("Max", "/coach stats")
	w.show("Coachlog (only Max sees this)", statsReply)
	if err := demoNudges(ctx, w, st, e.now().Add(21*24*time.Hour)); err != nil {
		return err
	}
	if *keep {
		fmt.Fprint(w.out, "\n"+kept)
	}
	return w.err()
}

// firstError passes writes to w until one fails, then fails every write
// after it with that error, kept for the demo to end on.
type firstError struct {
	w     io.Writer
	first error
}

func (f *firstError) Write(p []byte) (int, error) {
	if f.first != nil {
		return 0, f.first
	}
	n, err := f.w.Write(p)
	f.first = err
	return n, err
}

// seedDemo imports the roster and logs twelve weeks of coaching through
// the domain, each manager with a habit the digest brings out: Max
// coaches his top performer and hardly anyone else; Nina takes the lead
// on every ride-along; Owen coached everyone each week until a month ago,
// then stopped; Priya coaches every rep every week, observes on
// ride-alongs, and her reps keep their commitments. A quarter of
// attainment follows the coaching, so its correlation with results shows.
func seedDemo(ctx context.Context, path string, org []demoPerson, now time.Time, zone *time.Location) error {
	// The clock moves with the sessions as they are logged: people known
	// since the roster's import, commitments kept when the next session
	// ticks them off.
	today := coaching.DateOf(now, zone)
	s := &demoSeeder{ctx: ctx, before: today.AddDays(-1), clock: today.AddDays(-120).Time(time.UTC).Add(9 * time.Hour)}
	st, err := sqlite.Open(ctx, path, sqlite.Options{Now: s.now})
	if err != nil {
		return err
	}
	defer st.Close()
	var people []coaching.Person
	team := map[string][]string{}
	for _, p := range org {
		people = append(people, coaching.Person{ID: p.id, Name: p.name, TZ: p.tz, Roles: []string{p.role}, ManagerID: p.manager,
			Tier: p.tier, Active: true, InRoster: true, Since: today.AddDays(-180)})
		if p.role == "rep" {
			team[p.manager] = append(team[p.manager], p.id)
		}
	}
	if _, err := st.ImportRoster(ctx, people, today.AddDays(-120)); err != nil {
		return err
	}
	s.svc = coaching.NewService(coaching.Config{Store: st, Now: s.now})
	for w := 11; w >= 0; w-- { // oldest first, as they were logged
		mon := coaching.WeekOf(today).Monday().AddDays(-7 * w)
		s.log("U0MAX", "U0SAM", coaching.KindOneOnOne, "", mon.AddDays(1), 45, 5)
		s.log("U0MAX", "U0SAM", coaching.KindDealReview, "", mon.AddDays(3), 30, 5)
		if w%4 == 1 {
			s.log("U0MAX", "U0RIA", coaching.KindOneOnOne, "", mon.AddDays(2), 20, 4)
		}
		nina := team["U0NINA"]
		s.log("U0NINA", nina[w%3], coaching.KindRideAlong, coaching.RoleLead, mon.AddDays(2), 60, 3+w%2)
		if w%2 == 0 {
			s.log("U0NINA", nina[(w+1)%3], coaching.KindRideAlong, coaching.RoleLead, mon.AddDays(4), 45, 0)
		}
		if w >= 4 {
			for _, r := range team["U0OWEN"] {
				s.log("U0OWEN", r, coaching.KindOneOnOne, "", mon, 30, 4)
			}
		}
		for i, r := range team["U0PRIYA"] {
			kind, role := []coaching.Kind{coaching.KindOneOnOne, coaching.KindRideAlong, coaching.KindSkillPractice}[(w+i)%3], coaching.Role("")
			if kind == coaching.KindRideAlong {
				role = coaching.RoleObserver
			}
			s.commit = "Send a recap within a day"
			s.log("U0PRIYA", r, kind, role, mon.AddDays(1+i), 45, 4+(w+i)%2)
		}
	}
	if s.err != nil {
		return s.err
	}
	s.clock = now
	if _, err := st.ImportPerformance(ctx, demoAttainment(team, coaching.MonthOf(today))); err != nil {
		return err
	}
	// The seeded sessions' DMs are history, not news: nothing to deliver.
	// They count as sent with no message, as a post the bot withheld:
	// the rep reminders the demo's clock brings due for them are dropped
	// as replies to a post nobody saw. Marked superseded, each failed for
	// good ("never posted") and the demo printed an error per reminder.
	return st.Exec(ctx, `UPDATE outbox SET status = 'sent'`)
}

// demoSeeder logs sessions through the domain, stopping at the first error.
type demoSeeder struct {
	ctx    context.Context
	svc    *coaching.Service
	before coaching.Date // sessions are logged up to the day before yesterday: never "future" on anyone's clock
	commit string        // a commitment for the next session, then cleared
	clock  time.Time     // the store's and the domain's now
	n      int
	err    error
}

func (s *demoSeeder) now() time.Time { return s.clock }

// log records a session of mgr with rep, ticks off the rep's open
// commitments from mgr as kept, and has the rep confirm it with a rating
// (0: left pending).
func (s *demoSeeder) log(mgr, rep string, kind coaching.Kind, role coaching.Role, on coaching.Date, minutes, rating int) {
	commit := s.commit
	s.commit = ""
	if s.err != nil || !on.Before(s.before) {
		return
	}
	s.clock = on.Time(time.UTC).Add(18 * time.Hour) // that evening, on every demo clock
	d := coaching.Draft{RepIDs: []string{rep}, Kind: kind, Role: role, OccurredOn: on, DurationMin: minutes,
		Skills: []string{coaching.DefaultSkills()[s.n%8].ID}}
	if commit != "" {
		d.Commitments = []string{commit}
		open, err := s.svc.ClosableCommitments(s.ctx, mgr, rep, 0)
		if err != nil {
			s.err = err
			return
		}
		for _, c := range open {
			d.KeptCommitments = append(d.KeptCommitments, c.ID)
		}
	}
	s.n++
	sess, err := s.svc.LogSession(s.ctx, coaching.LogRequest{ManagerID: mgr, Draft: d, Source: coaching.SourceQuick, Key: fmt.Sprint("demo-", s.n)})
	if err != nil || rating == 0 {
		s.err = err
		return
	}
	a := coaching.RepAction{ActorID: rep, SessionID: sess.ID, RepID: rep, Version: sess.Version}
	if _, err = s.svc.Confirm(s.ctx, a); err == nil {
		_, err = s.svc.Rate(s.ctx, a, rating)
	}
	s.err = err
}

// demoAttainment is each rep's attainment over the last four months, moving
// with the coaching they got: Priya's reps climb, Max's top rep too while
// the others slip, Owen's fall once he stopped.
func demoAttainment(team map[string][]string, this coaching.Month) []coaching.Attainment {
	step := map[string]float64{"U0SAM": 3, "U0RIA": 1, "U0TOM": -2, "U0BEA": -3, "U0LEO": 1.5, "U0ZOE": 1, "U0KAI": 0.5,
		"U0JON": 4, "U0MIA": 5, "U0NOA": 4.5}
	var out []coaching.Attainment
	for _, reps := range team {
		for i, r := range reps {
			pct := 85 + 4*float64(i)
			for m := -3; m <= 0; m++ {
				d, ok := step[r]
				if !ok { // Owen's: up while he coached, down since
					d = map[bool]float64{true: 2 + float64(i), false: -3 - float64(i)}[m < -1]
				}
				pct += d
				out = append(out, coaching.Attainment{RepID: r, Month: this.Add(m), Percent: pct})
			}
		}
	}
	return out
}

// demoScript plays a manager and a rep against the running bot.
func demoScript(ctx context.Context, w *demoWriter, fake *fakeslack.Server) error {
	w.title("1. Max logs a ride-along in one line, right after the call")
	text := "<@U0SAM|sam> ride-along 45m lead great discovery, rushed pricing"
	w.say("Max", "/coach @Sam ride-along 45m lead great discovery, rushed pricing")
	in, err := fake.SlashCommand(ctx, "U0MAX", "/coach", text)
	if err != nil {
		return err
	}
	reply, err := fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
	if err != nil {
		return err
	}
	w.show("Coachlog (only Max sees this)", reply.Blocks)

	w.title("2. Sam gets a DM and confirms it")
	var dm fakeslack.Message
	if err := waitFor(ctx, func() bool { m := fake.Messages("U0SAM"); dm = lastOf(m); return len(m) > 0 }); err != nil {
		return err
	}
	w.show("Coachlog → Sam", dm.Blocks)
	w.say("Sam", "[Confirm]")
	if _, err := fake.ClickButton(ctx, "U0SAM", dm.Channel, dm.TS, "rep_confirm"); err != nil {
		return err
	}
	if err := waitFor(ctx, func() bool {
		m, _ := fake.Message(dm.Channel, dm.TS)
		dm = m
		return strings.Contains(string(m.Blocks), "rep_rate_4")
	}); err != nil {
		return err
	}
	w.say("Sam", "[4]")
	if _, err := fake.ClickButton(ctx, "U0SAM", dm.Channel, dm.TS, "rep_rate_4"); err != nil {
		return err
	}
	if err := waitFor(ctx, func() bool {
		m, _ := fake.Message(dm.Channel, dm.TS)
		dm = m
		return strings.Contains(blocksPlain(m.Blocks), "4/5")
	}); err != nil {
		return err
	}
	w.show("The same DM, updated in place", dm.Blocks)

	// Sam's DM is his alone on Slack: Ria cannot even see it, let alone
	// press its buttons. What she can try is to ask for his coaching.
	w.title("3. Someone else can't read Sam's coaching")
	w.say("Ria", "/coach history @Sam")
	in, err = fake.SlashCommand(ctx, "U0RIA", "/coach", "history <@U0SAM|sam>")
	if err != nil {
		return err
	}
	refusal, err := fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
	if err != nil {
		return err
	}
	w.show("Coachlog (only Ria sees this)", refusal.Blocks)

	w.title("4. Max looks back at his coaching with Sam")
	w.say("Max", "/coach history @Sam")
	in, err = fake.SlashCommand(ctx, "U0MAX", "/coach", "history <@U0SAM|sam>")
	if err != nil {
		return err
	}
	hist, err := fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
	if err != nil {
		return err
	}
	w.show("Coachlog (only Max sees this)", hist.Blocks)
	return nil
}

func lastOf(ms []fakeslack.Message) fakeslack.Message {
	if len(ms) == 0 {
		return fakeslack.Message{}
	}
	return ms[len(ms)-1]
}

// waitFor polls cond until it holds or ctx ends.
func waitFor(ctx context.Context, cond func() bool) error {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// demoWriter prints Slack messages as a transcript.
type demoWriter struct {
	out   *firstError
	names map[string]string
}

// err is the first write that failed, nil while all went through.
func (w *demoWriter) err() error { return w.out.first }

var (
	mentionText = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)
	emojiText   = regexp.MustCompile(`:[a-z_]+:\s?`)
)

func (w *demoWriter) title(s string) { fmt.Fprintf(w.out, "\n== %s\n", s) }
func (w *demoWriter) say(who, s string) {
	fmt.Fprintf(w.out, "  %s: %s\n", who, s)
}

func (w *demoWriter) show(who string, blocks json.RawMessage) {
	fmt.Fprintf(w.out, "  %s:\n", who)
	for _, line := range strings.Split(w.plain(blocksPlain(blocks)), "\n") {
		if strings.TrimSpace(line) != "" {
			fmt.Fprintf(w.out, "    | %s\n", line)
		}
	}
}

// block prints text as it is, indented.
func (w *demoWriter) block(text string) {
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		fmt.Fprintf(w.out, "    | %s\n", line)
	}
}

func (w *demoWriter) plain(s string) string {
	s = mentionText.ReplaceAllStringFunc(s, func(m string) string {
		id := mentionText.FindStringSubmatch(m)[1]
		if n, ok := w.names[id]; ok {
			return "@" + n
		}
		return m
	})
	s = emojiText.ReplaceAllString(s, "")
	// Unescaped first: an entity decodes to &, < or >, never to the * or
	// ~ stripped after, so the two passes read as one.
	return strings.NewReplacer("*", "", "~", "").Replace(slacktext.Unescape(s))
}

// blocksPlain flattens Block Kit to lines of text, buttons in brackets.
func blocksPlain(raw json.RawMessage) string {
	var blocks []map[string]any
	_ = json.Unmarshal(raw, &blocks)
	var sb strings.Builder
	for _, b := range blocks {
		if t, ok := b["text"].(map[string]any); ok {
			sb.WriteString(fmt.Sprint(t["text"]) + "\n")
		}
		// Slack shows fields as a grid of titled cells; a transcript reads
		// best with a cell to a line, its title first.
		for _, f := range asSlice(b["fields"]) {
			fm, _ := f.(map[string]any)
			title, rest, _ := strings.Cut(fmt.Sprint(fm["text"]), "\n")
			if rest != "" {
				title += ": " + strings.ReplaceAll(rest, "\n", "; ")
			}
			sb.WriteString(title + "\n")
		}
		var els []string
		for _, e := range asSlice(b["elements"]) {
			em, _ := e.(map[string]any)
			if t, ok := em["text"].(map[string]any); ok && em["type"] == "button" {
				els = append(els, "["+fmt.Sprint(t["text"])+"]")
			} else if ok && em["text"] != nil {
				els = append(els, fmt.Sprint(t["text"]))
			} else if s, ok := em["text"].(string); ok {
				els = append(els, s)
			}
		}
		if len(els) > 0 {
			sb.WriteString(strings.Join(els, " ") + "\n")
		}
	}
	return sb.String()
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// demoDigest prints the last full week's digest as the leaders' channel
// reads it (what `coachlog digest --dry-run` prints) and writes its chart.
func demoDigest(ctx context.Context, w *demoWriter, stats *metrics.Engine, now time.Time, chartPath string) error {
	week := stats.LastFullWeek()
	d, err := digest.NewBuilder(stats, nil, nil).Build(ctx, week, now)
	if err != nil {
		return err
	}
	w.title("5. Monday morning, the weekly digest in the leaders' channel (`coachlog digest --dry-run` prints the same)")
	w.block(d.Text())
	if d.Chart != nil {
		named := chartPath != ""
		if !named {
			chartPath = d.Chart.Name
		}
		if err := writeChart(chartPath, d.Chart.PNG, named); err != nil {
			return err
		}
		fmt.Fprintf(w.out, "  The chart shared in the digest's thread is written to %s: open it.\n", chartPath)
	}
	return nil
}

// askStats sends /coach stats as managerID to the running bot and returns
// its answer: what the manager reads, from the command itself.
func askStats(ctx context.Context, fake *fakeslack.Server, managerID string) (json.RawMessage, error) {
	in, err := fake.SlashCommand(ctx, managerID, "/coach", "stats")
	if err != nil {
		return nil, err
	}
	reply, err := fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
	if err != nil {
		return nil, err
	}
	return reply.Blocks, nil
}

// demoNudges shows who would be nudged three weeks on if nobody logged
// anything more: the same decision the scheduler makes each morning.
func demoNudges(ctx context.Context, w *demoWriter, st coaching.Store, at time.Time) error {
	svc := coaching.NewService(coaching.Config{Store: st, Now: func() time.Time { return at }})
	run, err := svc.RunNudges(ctx, at, coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14, IgnoreWindow: true, DryRun: true})
	if err != nil {
		return err
	}
	w.title("7. Three weeks on, if nothing more were logged: the morning nudges")
	for _, n := range run.Nudges {
		var reps []string
		for _, o := range n.Overdue {
			reps = append(reps, fmt.Sprintf("%s (%d days)", w.names[o.RepID], o.Days))
		}
		fmt.Fprintf(w.out, "  %s would hear: %s %s\n", w.names[n.ManagerID], n.Why(), strings.Join(reps, ", "))
	}
	return nil
}
