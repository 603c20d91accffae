package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// demoPerson is someone in the demo organisation.
type demoPerson struct {
	id, name, role, manager string
	tier                    coaching.Tier
	tz                      string
}

// demoOrg is a small sales team: a VP, three managers with different
// habits, and their reps in each tier.
func demoOrg() []demoPerson {
	return []demoPerson{
		{"U0VERA", "Vera (VP Sales)", "leader", "", "", "Europe/London"},
		{"U0MAX", "Max", "manager", "U0VERA", "", "America/New_York"},
		{"U0NINA", "Nina", "manager", "U0VERA", "", "Europe/Paris"},
		{"U0OWEN", "Owen", "manager", "U0VERA", "", "America/Los_Angeles"},
		{"U0SAM", "Sam", "rep", "U0MAX", coaching.TierTop, "America/New_York"},
		{"U0RIA", "Ria", "rep", "U0MAX", coaching.TierMiddle, "America/New_York"},
		{"U0TOM", "Tom", "rep", "U0MAX", coaching.TierMiddle, "America/Chicago"},
		{"U0BEA", "Bea", "rep", "U0MAX", coaching.TierBottom, "America/New_York"},
		{"U0LEO", "Leo", "rep", "U0NINA", coaching.TierTop, "Europe/Paris"},
		{"U0ZOE", "Zoe", "rep", "U0NINA", coaching.TierMiddle, "Europe/Berlin"},
		{"U0KAI", "Kai", "rep", "U0NINA", coaching.TierBottom, "Europe/Paris"},
		{"U0ADA", "Ada", "rep", "U0OWEN", coaching.TierTop, "America/Los_Angeles"},
		{"U0ELI", "Eli", "rep", "U0OWEN", coaching.TierMiddle, "America/Denver"},
		{"U0IVY", "Ivy", "rep", "U0OWEN", coaching.TierBottom, "America/Los_Angeles"},
	}
}

// demo shows the product without a Slack workspace: a demo organisation in
// a scratch database with ten weeks of coaching, then the real bot, wired
// as `serve` wires it, answering a scripted manager and rep through a fake
// Slack on 127.0.0.1. Everything printed is what Slack would show them.
func demo(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "demo")
	keep := fs.Bool("keep", false, "keep the scratch database and print its path")
	if err := parseFlags(fs, args); err != nil {
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
	if err := seedDemo(ctx, dbPath, org, time.Now()); err != nil {
		return fmt.Errorf("demo: build the organisation: %w", err)
	}
	fake := fakeslack.New()
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
		"SLACK_API_URL": fake.APIURL(), "COACHLOG_DB": dbPath, "COACHLOG_LOG_LEVEL": "error"}
	done := make(chan error, 1)
	go func() {
		done <- run(botCtx, []string{"serve"}, func(k string) string { return denv[k] }, io.Discard, e.stderr)
	}()
	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := fake.WaitConnected(wctx, 1); err != nil {
		return fmt.Errorf("demo: the bot did not connect to the fake Slack: %w", err)
	}
	w := &demoWriter{out: e.stdout, names: map[string]string{}}
	for _, p := range org {
		w.names[p.id] = p.name
	}
	if err := demoScript(wctx, w, fake); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	stopBot()
	if err := <-done; err != nil {
		return err
	}
	if err := demoOverview(ctx, w, dbPath, org); err != nil {
		return err
	}
	if err := demoNudges(ctx, w, dbPath, time.Now().Add(21*24*time.Hour)); err != nil {
		return err
	}
	if *keep {
		fmt.Fprintf(e.stdout, "\nThe demo database is kept at %s (try: COACHLOG_DB=%s coachlog export).\n", dbPath, dbPath)
	}
	return nil
}

// seedDemo imports the roster and logs ten weeks of coaching through the
// domain, with each manager's own habits: Max coaches his top rep most,
// Nina spreads her time, Owen rarely coaches at all.
func seedDemo(ctx context.Context, path string, org []demoPerson, now time.Time) error {
	st, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	var people []coaching.Person
	for _, p := range org {
		people = append(people, coaching.Person{ID: p.id, Name: p.name, TZ: p.tz, Roles: []string{p.role}, ManagerID: p.manager,
			Tier: p.tier, Active: true, InRoster: true, Since: coaching.DateOf(now.AddDate(0, -6, 0), time.UTC)})
	}
	if _, err := st.ImportRoster(ctx, people, coaching.DateOf(now, time.UTC)); err != nil {
		return err
	}
	svc := coaching.NewService(coaching.Config{Store: st, Now: func() time.Time { return now }})
	r := rand.New(rand.NewPCG(7, 11))
	habits := map[string]map[string]int{ // sessions over ten weeks per rep
		"U0MAX":  {"U0SAM": 9, "U0RIA": 3, "U0TOM": 2, "U0BEA": 5},
		"U0NINA": {"U0LEO": 4, "U0ZOE": 5, "U0KAI": 5},
		"U0OWEN": {"U0ADA": 2, "U0ELI": 1},
	}
	kinds := []coaching.Kind{coaching.KindRideAlong, coaching.KindRideAlong, coaching.KindOneOnOne, coaching.KindDealReview, coaching.KindSkillPractice}
	roles := map[string][]coaching.Role{
		"U0MAX":  {coaching.RoleLead, coaching.RoleLead, coaching.RoleParticipant},
		"U0NINA": {coaching.RoleObserver, coaching.RoleObserver, coaching.RoleParticipant},
		"U0OWEN": {coaching.RoleLead},
	}
	n := 0
	for mgr, reps := range habits {
		for rep, count := range reps {
			for i := 0; i < count; i++ {
				n++
				d := coaching.Draft{RepIDs: []string{rep}, Kind: kinds[r.IntN(len(kinds))], DurationMin: 20 + 5*r.IntN(9),
					OccurredOn: coaching.DateOf(now, time.UTC).AddDays(-1 - r.IntN(70)), Skills: []string{coaching.DefaultSkills()[r.IntN(8)].ID}}
				if d.Kind == coaching.KindRideAlong {
					d.Role = roles[mgr][r.IntN(len(roles[mgr]))]
				}
				if r.IntN(2) == 0 {
					d.Commitments = []string{"Open with the customer's goal", "Send a recap within a day"}[r.IntN(2):]
				}
				s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: mgr, Draft: d, Source: coaching.SourceQuick, Key: fmt.Sprint("demo-", n)})
				if err != nil {
					return err
				}
				a := coaching.RepAction{ActorID: rep, SessionID: s.ID, RepID: rep, Version: s.Version}
				switch r.IntN(10) {
				case 0: // left pending
				case 1:
					_, err = svc.Dispute(ctx, a, "The date is wrong")
				default:
					if _, err = svc.Confirm(ctx, a); err == nil {
						_, err = svc.Rate(ctx, a, 3+r.IntN(3))
					}
				}
				if err != nil {
					return err
				}
			}
		}
	}
	// The seeded sessions' DMs are history, not news: nothing to deliver.
	return st.Exec(ctx, `UPDATE outbox SET status = 'superseded'`)
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

	w.title("3. Someone else can't answer for Sam")
	w.say("Ria", "[5] on Sam's message")
	in, err = fake.ClickButton(ctx, "U0RIA", dm.Channel, dm.TS, "rep_rate_5")
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
	out   io.Writer
	names map[string]string
}

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

func (w *demoWriter) plain(s string) string {
	s = mentionText.ReplaceAllStringFunc(s, func(m string) string {
		id := mentionText.FindStringSubmatch(m)[1]
		if n, ok := w.names[id]; ok {
			return "@" + n
		}
		return m
	})
	s = emojiText.ReplaceAllString(s, "")
	return strings.NewReplacer("*", "", "~", "", "&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(s)
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
		if fields, ok := b["fields"].([]any); ok {
			var parts []string
			for _, f := range fields {
				parts = append(parts, strings.ReplaceAll(fmt.Sprint(f.(map[string]any)["text"]), "\n", ": "))
			}
			sb.WriteString(strings.Join(parts, " · ") + "\n")
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

// demoOverview prints, per manager, what the weekly digest is built on:
// how much they coach and where their time goes, from the export rows.
func demoOverview(ctx context.Context, w *demoWriter, path string, org []demoPerson) error {
	st, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer st.Close()
	tier := map[string]coaching.Tier{}
	teamSize := map[string]int{}
	for _, p := range org {
		tier[p.id] = p.tier
		if p.role == "rep" {
			teamSize[p.manager]++
		}
	}
	type agg struct {
		sessions         map[int64]bool
		minutes          float64
		byTier           map[coaching.Tier]float64
		roles            map[coaching.Role]int
		reps             map[string]bool
		confirmed, asked int
	}
	per := map[string]*agg{}
	err = st.ExportRows(ctx, coaching.Date{}, coaching.Date{}, func(r coaching.ExportRow) error {
		a := per[r.ManagerID]
		if a == nil {
			a = &agg{sessions: map[int64]bool{}, byTier: map[coaching.Tier]float64{}, roles: map[coaching.Role]int{}, reps: map[string]bool{}}
			per[r.ManagerID] = a
		}
		share := float64(r.DurationMin) / float64(max(r.RepCount, 1))
		if !a.sessions[r.ID] && r.Role != "" {
			a.roles[r.Role]++
		}
		a.sessions[r.ID] = true
		a.minutes += share
		a.byTier[tier[r.RepID]] += share
		a.reps[r.RepID] = true
		a.asked++
		if r.Status == coaching.StatusConfirmed {
			a.confirmed++
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.title("5. The last ten weeks, per manager (what the weekly digest is built on)")
	var ids []string
	for id := range per {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		a := per[id]
		pct := func(x float64) int { return int(100*x/a.minutes + 0.5) }
		fmt.Fprintf(w.out, "  %-5s %2d sessions, %4.0f min, %d of %d reps coached · minutes top/middle/bottom %d%%/%d%%/%d%% · ride-alongs lead/participant/observer %d/%d/%d · %d%% confirmed\n",
			w.names[id], len(a.sessions), a.minutes, len(a.reps), teamSize[id],
			pct(a.byTier[coaching.TierTop]), pct(a.byTier[coaching.TierMiddle]), pct(a.byTier[coaching.TierBottom]),
			a.roles[coaching.RoleLead], a.roles[coaching.RoleParticipant], a.roles[coaching.RoleObserver], 100*a.confirmed/max(a.asked, 1))
	}
	return nil
}

// demoNudges shows who would be nudged three weeks on if nobody logged
// anything more: the same decision the scheduler makes each morning.
func demoNudges(ctx context.Context, w *demoWriter, path string, at time.Time) error {
	st, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer st.Close()
	svc := coaching.NewService(coaching.Config{Store: st, Now: func() time.Time { return at }})
	run, err := svc.RunNudges(ctx, at, coaching.JobOptions{NudgeHour: 9, DefaultCadence: 14, IgnoreWindow: true, DryRun: true})
	if err != nil {
		return err
	}
	w.title("6. Three weeks on, if nothing more were logged: the morning nudges")
	for _, n := range run.Nudges {
		var reps []string
		for _, o := range n.Overdue {
			reps = append(reps, fmt.Sprintf("%s (%d days)", w.names[o.RepID], o.Days))
		}
		fmt.Fprintf(w.out, "  %s would hear: %s %s\n", w.names[n.ManagerID], n.Why(), strings.Join(reps, ", "))
	}
	return nil
}
