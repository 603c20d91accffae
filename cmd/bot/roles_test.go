package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
)

// The people of rolesOrg besides the harness's Max, Sam, Ria and Olly.
const (
	lee     = "U0LEE"
	tom     = "U0TOM"
	lou     = "U0LOU"
	nora    = "U0NORA"
	unknown = "U0UNKNOWN"
)

// rolesOrg is the real bot on Wednesday 25 November 2026 with every role
// the commands tell apart: Lee leads Max (reps Sam and Ria); Mia manages
// Tom under no leader; Lou is a rep with no manager; Olly is an admin who
// manages nobody; Nora is in Slack but not in the roster; Pat is of
// another company (Slack Connect). Max and Mia each logged a 30-minute
// 1:1 this week.
func rolesOrg(t *testing.T) *bot {
	t.Helper()
	b := startBotAt(t, clockFrom(surfacesNow), "COACHLOG_ADMINS", "")
	for _, u := range []fakeslack.User{{ID: lee, Name: "lee", RealName: "Lee Leader"}, {ID: mia, Name: "mia", RealName: "Mia Manager"},
		{ID: tom, Name: "tom", RealName: "Tom Rep"}, {ID: lou, Name: "lou", RealName: "Lou Rep"}, {ID: nora, Name: "nora", RealName: "Nora New"}} {
		b.fake.AddUser(u)
	}
	addPartner(b)
	roster := filepath.Join(t.TempDir(), "team.csv")
	os.WriteFile(roster, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
		lee+",,Lee,leader,,,\n"+mgr+",,Max,manager,"+lee+",,\n"+rep+",,Sam,rep,"+mgr+",top,\n"+rep2+",,Ria,rep,"+mgr+",bottom,\n"+
		mia+",,Mia,manager,,,\n"+tom+",,Tom,rep,"+mia+",middle,\n"+lou+",,Lou,rep,,,\n"+other+",,Olly,admin,,,\n"), 0o600)
	if out, err := cliAt(t, surfacesNow.AddDate(0, 0, -23), b.env, "roster", "import", roster); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	svc, done := b.sideService()
	defer done()
	day, err := coaching.ParseDate("2026-11-24")
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range []struct{ manager, rep string }{{mgr, rep}, {mia, tom}} {
		d := coaching.Draft{RepIDs: []string{s.rep}, Kind: coaching.KindOneOnOne, OccurredOn: day, DurationMin: 30}
		if _, err := svc.LogSession(context.Background(), coaching.LogRequest{ManagerID: s.manager, Draft: d, Key: "roles" + string(rune('a'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// Every /coach command a role might type about someone, answered for who
// that someone is and for who asks: the whole organisation's report
// counts the manager outside every leader's tree in its headline; a
// cadence is refused for someone who is not one of the company's people,
// and said to wait for someone with no reps yet; /coach stats @someone
// points at what shows that person's; the right to a command is checked
// before what was typed after it; a leader of managers is told their
// reps are none, not that the roster is missing them.
func TestEachCommandAnswersForWhoAsksAndWhoIsNamed(t *testing.T) {
	t.Parallel()
	b := rolesOrg(t)
	at := func(id, name string) string { return "<@" + id + "|" + name + ">" }
	for _, c := range []struct {
		user, text string
		want       []string
		not        []string
	}{
		// The whole organisation: Max's session and Mia's, not Lee's tree
		// alone; Lee's tree is a line, Mia's team outside it another.
		{other, "report", []string{"The whole organisation: 2 managers, 1 outside any leader's tree", "*Sessions*\n2", "*Minutes*\n60",
			"• <@" + lee + "> (1 manager): 1 session", "• <@" + mia + ">: 1 session"}, []string{"led by", "• <@" + mgr + ">"}},
		{lee, "report", []string{"<@" + lee + ">'s organisation, 1 manager", "*Sessions*\n1"}, nil},

		{other, "cadence " + at(mgr, "max") + " 7", []string{"<@" + mgr + ">'s reps should now be coached at least every 7 days."}, nil},
		{other, "cadence " + at(rep, "sam") + " 7", []string{"<@" + rep + "> has no reps in the roster yet; their cadence will be 7 days once they do."}, nil},
		{other, "cadence " + at(nora, "nora") + " default", []string{"<@" + nora + "> has no reps in the roster yet; they will be on the standard cadence once they do."}, nil},
		{other, "cadence " + at(unknown, "zed") + " 7", []string{"Slack does not know <@" + unknown + ">", "no cadence was set"}, []string{"coached at least"}},
		{other, "cadence " + at(pat, "pat") + " 7", []string{"<@" + pat + "> is outside your company (Slack Connect)", "none was set"}, []string{"coached at least"}},

		{lee, "stats " + at(rep, "sam"), []string{"<@" + rep + "> is a rep, with no numbers of their own: `/coach history @sam`"}, []string{"/coach report"}},
		{other, "stats " + at(rep, "sam"), []string{"<@" + rep + "> is a rep, with no numbers of their own: their coaching counts in their manager <@" + mgr + ">'s figures"}, nil},
		{other, "team " + at(lou, "lou"), []string{"<@" + lou + "> is a rep, with no numbers of their own and no manager in the roster."}, []string{"/coach report"}},
		{other, "stats " + at(nora, "nora"), []string{"The roster gives <@" + nora + "> no team"}, []string{"/coach report @nora"}},
		{lee, "stats " + at(mgr, "max"), []string{"For <@" + mgr + ">'s numbers: `/coach report @max`."}, nil},
		{other, "stats " + at(mia, "mia"), []string{"For <@" + mia + ">'s numbers: `/coach report @mia`."}, nil},
		{other, "stats " + at(lee, "lee"), []string{"For <@" + lee + ">'s numbers: `/coach report @lee`."}, nil},

		{mgr, "cadence", []string{"Only admins"}, []string{"Usage"}},
		{mgr, "cadence " + at(mgr, "max"), []string{"Only admins"}, []string{"number of days"}},
		{mgr, "cadence " + at(mgr, "max") + " 0", []string{"Only admins"}, []string{"number of days"}},
		{lee, "cadence " + at(mgr, "max") + " abc", []string{"Only admins"}, []string{"number of days"}},
		{rep, "report extra", []string{"for leaders and admins", "App Home"}, []string{"Usage"}},
		{mgr, "report extra", []string{"for leaders and admins", "/coach stats"}, []string{"Usage"}},
		{lee, "report extra", []string{"Usage: `/coach report`"}, nil},

		{lee, "team", []string{"No reps report to you directly in the roster; for the managers below you: `/coach report`."}, []string{"Nobody reports to you"}},
		{lou, "team", []string{"`/coach team` is for managers", "App Home"}, []string{"/coach report", "roster import"}},
	} {
		got := b.command(c.user, c.text)
		mustContain(t, c.user+" /coach "+c.text, got, c.want...)
		for _, n := range c.not {
			if strings.Contains(got, n) {
				t.Errorf("%s /coach %s says %q:\n%s", c.user, c.text, n, got)
			}
		}
	}

	// Nobody Slack does not know, nor anyone of another company, was
	// written down by a refused cadence.
	svc, done := b.sideService()
	defer done()
	for _, id := range []string{unknown, pat} {
		if p, err := svc.Person(context.Background(), id); coaching.ErrorCode(err) != coaching.ENotFound {
			t.Errorf("a refused cadence left a person row for %s: %+v, %v", id, p, err)
		}
	}
	if p, err := svc.Person(context.Background(), rep); err != nil || p.CadenceDays != 7 {
		t.Errorf("Sam's cadence for when he has reps: %+v, %v", p, err)
	}

	// Nora, set a cadence before the roster names her, keeps it once an
	// import makes her Lou's manager with no cadence_days of its own.
	mustContain(t, "Olly's cadence for Nora", b.command(other, "cadence "+at(nora, "nora")+" 9"), "<@"+nora+"> has no reps in the roster yet; their cadence will be 9 days")
	roster := filepath.Join(t.TempDir(), "team.csv")
	os.WriteFile(roster, []byte("slack_id,email,name,role,manager,tier,timezone,cadence_days\n"+
		lee+",,Lee,leader,,,,\n"+mgr+",,Max,manager,"+lee+",,,\n"+rep+",,Sam,rep,"+mgr+",top,,\n"+rep2+",,Ria,rep,"+mgr+",bottom,,\n"+
		mia+",,Mia,manager,,,,\n"+tom+",,Tom,rep,"+mia+",middle,,\n"+nora+",,Nora,manager,,,,\n"+lou+",,Lou,rep,"+nora+",,,\n"+other+",,Olly,admin,,,,\n"), 0o600)
	if out, err := b.cli("roster", "import", roster); err != nil {
		t.Fatalf("roster import naming Nora: %v\n%s", err, out)
	}
	mustContain(t, "Nora's /coach team", b.command(nora, "team"), "Your team: 1 rep", "overdue by your 9-day cadence")
}

// A cadence for someone a later import took off the roster says so: "has
// no reps in the roster yet; … once they do" read as if Mia were about to
// get a team. The cadence is kept, as it is for someone not named yet,
// and is hers again when an import puts her back.
func TestCadenceForSomeoneTakenOffTheRoster(t *testing.T) {
	t.Parallel()
	b := rolesOrg(t)
	at := func(id, name string) string { return "<@" + id + "|" + name + ">" }
	importRoster := func(rows string) {
		t.Helper()
		roster := filepath.Join(t.TempDir(), "team.csv")
		if err := os.WriteFile(roster, []byte("slack_id,email,name,role,manager,tier,timezone\n"+rows), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := b.cli("roster", "import", roster); err != nil {
			t.Fatalf("roster import: %v\n%s", err, out)
		}
	}
	// Mia is dropped; Tom moves to Max.
	others := lee + ",,Lee,leader,,,\n" + mgr + ",,Max,manager," + lee + ",,\n" + rep + ",,Sam,rep," + mgr + ",top,\n" +
		rep2 + ",,Ria,rep," + mgr + ",bottom,\n" + lou + ",,Lou,rep,,,\n" + other + ",,Olly,admin,,,\n"
	importRoster(others + tom + ",,Tom,rep," + mgr + ",middle,\n")
	for _, c := range []struct{ value, want string }{
		{"default", "<@" + mia + "> is no longer on the roster (an import took them off it); they will be on the standard cadence if they are back on it."},
		{"12", "<@" + mia + "> is no longer on the roster (an import took them off it); their cadence will be 12 days if they are back on it."},
	} {
		got := b.command(other, "cadence "+at(mia, "mia")+" "+c.value)
		mustContain(t, "Olly's cadence "+c.value+" for Mia", got, c.want)
		if strings.Contains(got, "no reps in the roster yet") {
			t.Errorf("Olly's cadence %s for Mia says she has no reps yet:\n%s", c.value, got)
		}
	}
	importRoster(others + mia + ",,Mia,manager,,,\n" + tom + ",,Tom,rep," + mia + ",middle,\n")
	svc, done := b.sideService()
	defer done()
	if p, err := svc.Person(context.Background(), mia); err != nil || !p.Active || p.CadenceDays != 12 {
		t.Errorf("Mia back on the roster: %+v, %v; want her active with the 12-day cadence set while she was off it", p, err)
	}
}

// What /coach stats @someone or /coach team @someone advises is a command
// that works for whoever reads it: Lee, who leads Max alone, is not sent
// to a report on Mia or on Tom's manager Mia, outside his tree, and Max
// is not sent to prepare for Tom, Mia's rep. Each command advised is then
// typed, and must not be refused.
func TestAdviceAboutSomeoneOnlySuggestsWhatWorksForTheReader(t *testing.T) {
	t.Parallel()
	b := rolesOrg(t)
	at := func(id, name string) string { return "<@" + id + "|" + name + ">" }
	advised := regexp.MustCompile("`(/coach [^`]*)`")
	names := map[string]string{mgr: "max", mia: "mia", lee: "lee", rep: "sam", tom: "tom", lou: "lou"}
	for _, c := range []struct {
		user, text string
		want       string
	}{
		{lee, "stats " + at(mia, "mia"), "<@" + mia + "> is not below you in the roster"},
		{lee, "team " + at(mia, "mia"), "<@" + mia + "> is not below you in the roster"},
		{lee, "stats " + at(tom, "tom"), "<@" + tom + "> is a rep, with no numbers of their own"},
		{lee, "stats " + at(mgr, "max"), "`/coach report @max`"},
		{other, "stats " + at(tom, "tom"), "`/coach report` with that name after it"},
		{mgr, "stats " + at(rep, "sam"), "`/coach prep @sam`"},
		{mgr, "stats " + at(tom, "tom"), "`/coach stats` shows your own numbers"},
	} {
		got := b.command(c.user, c.text)
		mustContain(t, c.user+" /coach "+c.text, got, c.want)
		seen := map[string]bool{}
		for _, m := range advised.FindAllStringSubmatch(got, -1) {
			cmd := strings.TrimPrefix(m[1], "/coach ")
			if seen[cmd] {
				continue // the text and the blocks say it alike
			}
			seen[cmd] = true
			if strings.HasPrefix(cmd, "stats") || strings.HasPrefix(cmd, "team") {
				continue // the usage of the command typed
			}
			if strings.HasSuffix(cmd, "with that name after it") || cmd == "report" && strings.Contains(got, "with that name after it") {
				// "their manager <@M>'s figures, `/coach report` with that name after it"
				mm := regexp.MustCompile(`manager <@(\w+)>`).FindStringSubmatch(got)
				cmd = "report " + at(mm[1], names[mm[1]])
			}
			for id, name := range names {
				cmd = strings.ReplaceAll(cmd, "@"+name, at(id, name))
			}
			if answer := b.command(c.user, cmd); strings.Contains(answer, ":no_entry_sign:") || strings.Contains(answer, "You can prepare only") {
				t.Errorf("%s /coach %s advised /coach %s, which answers:\n%s", c.user, c.text, cmd, answer)
			}
		}
	}
}
