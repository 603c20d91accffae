package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/slackbot"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// pat is of a partner company, met in a Slack Connect channel: Slack
// shows the bot their profile, with their own workspace's team_id.
const pat = "U0PAT"

func addPartner(b *bot) {
	b.fake.AddUser(fakeslack.User{ID: pat, Name: "pat", RealName: "Pat Partner", Email: "pat@partner.test", TZ: "UTC", TeamID: "T0PARTNER"})
}

// formNotice is the notice of the form a command opened.
func (b *bot) formNotice(in fakeslack.Interaction) string {
	b.t.Helper()
	var view struct {
		Blocks []struct {
			BlockID  string `json:"block_id"`
			Elements []struct {
				Text string `json:"text"`
			} `json:"elements"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(b.viewsOpen(in).Param("view")), &view); err != nil {
		b.t.Fatal(err)
	}
	for _, bl := range view.Blocks {
		if bl.BlockID == "notice" && len(bl.Elements) > 0 {
			return bl.Elements[0].Text
		}
	}
	return ""
}

// Someone of another company is not logged as a rep, in the form or in
// one line: the note would reach them outside the company, and the
// figures would count them. Slack is asked who they are (users.info, its
// team_id), against the workspace auth.test named at start. A roster
// naming them is refused too: users.list does not list them.
func TestSomeoneOfAnotherCompanyIsNotLoggedAsARep(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	addPartner(b)
	now := b.today("America/New_York")
	const want = "Pat Partner is outside your company (Slack Connect) and can't be logged as a rep"
	for _, tt := range []struct {
		name string
		reps []string
		kind string
	}{
		{"alone", []string{pat}, "one_on_one"},
		{"in a team meeting", []string{rep, pat}, "team_meeting"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			viewID, _ := b.openModal("")
			_, ack := b.submit(viewID, values(tt.reps, tt.kind, now, "30", ""))
			if got := errorsAck(t, ack)["reps"]; !strings.Contains(got, want) {
				t.Errorf("reps error = %q, want %q", got, want)
			}
		})
	}
	in, err := b.fake.SlashCommand(ctxT(t), mgr, "/coach", "<@"+pat+"|pat> 1:1 30m talked pricing")
	if err != nil {
		t.Fatal(err)
	}
	if got := b.formNotice(in); !strings.Contains(got, want) {
		t.Errorf("the quick capture's form says %q, want %q", got, want)
	}
	if rows := b.export(); len(rows) != 0 {
		t.Fatalf("stored %+v with someone of another company", rows)
	}
	if n := len(b.fake.Messages(pat)) + len(b.fake.Messages(rep)); n != 0 {
		t.Fatalf("sent %d DMs", n)
	}
	if n := len(b.fake.CallsTo("auth.test")); n != 1 {
		t.Errorf("auth.test asked %d times, want once, at start", n)
	}

	csv := filepath.Join(t.TempDir(), "team.csv")
	os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+mgr+",,Max,manager,,,\n"+pat+",,Pat,rep,"+mgr+",,\n"), 0o600)
	out, err := b.cli("roster", "import", csv)
	if err == nil || !strings.Contains(err.Error(), "line 3, field slack_id: "+pat+" is not in this Slack workspace") {
		t.Errorf("roster naming Pat: %v\n%s; want line 3 refused", err, out)
	}
}

// Someone of another company typing /coach in a shared channel is not the
// company's manager: what they log is refused, in one line or in the
// form, and no rep hears of it.
func TestSomeoneOfAnotherCompanyCannotLog(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	addPartner(b)
	const want = "You are outside this company (Slack Connect)"
	if got := b.command(pat, "<@"+rep+"|sam> 1:1 30m"); !strings.Contains(got, "Not logged") || !strings.Contains(got, want) {
		t.Errorf("Pat's quick capture answered %q, want it refused saying %q", got, want)
	}
	// A refusal is Pat's to read, not a failure for the operator.
	if failed := grepLines(b.logs.String(), "level=ERROR"); failed != "" {
		t.Errorf("a refused quick capture logged a failure:\n%s", failed)
	}
	// Known now as of another company, Pat is refused before any form
	// opens, in the capture's words, however he asks for one.
	if got := b.command(pat, ""); !strings.Contains(got, "Not logged") || !strings.Contains(got, want) {
		t.Errorf("Pat's /coach answered %q, want it refused saying %q", got, want)
	}
	in, err := b.fake.MessageShortcut(ctxT(t), pat, "log_coaching", "C0SALES", "pricing talk", "1700000000.000100", rep)
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.fake.WaitForResponse(ctxT(t), func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text, want) || r.ResponseType != "ephemeral" {
		t.Errorf("Pat's message shortcut answered %s %q, want it refused privately saying %q", r.ResponseType, r.Text, want)
	}
	in, err = b.fake.GlobalShortcut(ctxT(t), pat, slackbot.CallbackGlobalShortcut)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.viewsOpen(in).Param("view"); !strings.Contains(got, want) || strings.Contains(got, `"submit"`) {
		t.Errorf("Pat's global shortcut opened %s, want only the refusal", got)
	}
	for _, c := range b.fake.CallsTo("views.open") {
		if strings.Contains(c.Param("view"), `"callback_id":"log`) {
			t.Errorf("a log form opened for Pat: %s", c.Param("view"))
		}
	}
	// Nothing he reads says he can log coaching.
	for _, cmd := range []string{"help", "report", "export"} {
		got := b.command(pat, cmd)
		if strings.Contains(got, "Anyone can log") || !strings.Contains(got, want) {
			t.Errorf("Pat's /coach %s answered %q, want no offer to log and %q", cmd, got, want)
		}
	}
	if rows := b.export(); len(rows) != 0 {
		t.Fatalf("stored %+v logged by someone of another company", rows)
	}
	if n := len(b.fake.Messages(rep)); n != 0 {
		t.Fatalf("sent Sam %d DMs", n)
	}
}

// Someone of another company never seen before is not known to be one
// when their form must open, within the trigger's 3 s: Slack's answer
// comes after, and the form turns into the refusal.
func TestAFirstFormOfSomeoneOfAnotherCompanyTurnsIntoTheRefusal(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	addPartner(b)
	in, err := b.fake.SlashCommand(ctxT(t), pat, "/coach", "")
	if err != nil {
		t.Fatal(err)
	}
	viewID := b.openedView(in)
	call, err := b.fake.WaitForCall(ctxT(t), "views.update", func(c fakeslack.Call) bool { return c.Param("view_id") == viewID })
	if err != nil {
		t.Fatal(err)
	}
	if got := call.Param("view"); !strings.Contains(got, "You are outside this company (Slack Connect)") || strings.Contains(got, `"submit"`) {
		t.Errorf("Pat's form became %s, want only the refusal", got)
	}
}

// On Enterprise Grid the organisation decides: a colleague homed in
// another workspace of it, even one Slack marks is_stranger, is logged
// with; someone of another organisation is not. A user_change keeps it
// up to date as users.info does.
func TestEnterpriseGridColleaguesAreTheCompanys(t *testing.T) {
	t.Parallel()
	b := startBotWith(t, clockFrom(midweek), []fakeslack.Option{fakeslack.WithEnterprise("E0CORP")})
	const colleague, outsider = "W0SIB", "W0GIL"
	b.fake.AddUser(fakeslack.User{ID: colleague, Name: "sib", RealName: "Sib Ling", TZ: "UTC", TeamID: "T0SIBLING", EnterpriseID: "E0CORP", Stranger: true})
	b.fake.AddUser(fakeslack.User{ID: outsider, Name: "gil", RealName: "Gil Big", TZ: "UTC", TeamID: "T0BIG", EnterpriseID: "E0BIG"})
	now := b.today("America/New_York")
	viewID, _ := b.openModal("")
	_, ack := b.submit(viewID, values([]string{outsider}, "one_on_one", now, "30", ""))
	if got := errorsAck(t, ack)["reps"]; !strings.Contains(got, "Gil Big is outside your company") {
		t.Errorf("reps error = %q, want Gil refused", got)
	}
	if _, ack := b.submit(viewID, values([]string{colleague}, "one_on_one", now, "30", "")); len(ack) != 0 {
		t.Fatalf("logging with a colleague of another workspace of the organisation: ack %s", ack)
	}
	b.dm(colleague, 1)

	// A user_change saying Sib left for another organisation: the next
	// session with Sib is refused, without asking Slack again.
	if _, err := b.fake.Event(ctxT(t), map[string]any{"type": "user_change", "user": map[string]any{
		"id": colleague, "team_id": "T0ELSE", "name": "sib", "real_name": "Sib Ling", "tz": "UTC",
		"profile": map[string]any{"real_name": "Sib Ling", "team": "T0ELSE"},
	}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "Sib stored as of another organisation", func() bool {
		st, err := sqlite.Open(ctxT(t), b.db, sqlite.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		p, err := st.Person(ctxT(t), colleague)
		return err == nil && p.External
	})
	asked := len(b.fake.CallsTo("users.info"))
	viewID, _ = b.openModal("")
	_, ack = b.submit(viewID, values([]string{colleague}, "one_on_one", now, "30", ""))
	if got := errorsAck(t, ack)["reps"]; !strings.Contains(got, "Sib Ling is outside your company") {
		t.Errorf("reps error = %q, want Sib refused", got)
	}
	if n := len(b.fake.CallsTo("users.info")); n != asked {
		t.Errorf("users.info asked %d more times, want the stored profile used", n-asked)
	}
	if rows := b.export(); len(rows) != 1 || rows[0].RepID != colleague {
		t.Fatalf("export = %+v, want the one session with Sib", rows)
	}
}

// Someone of another company whose first word to Coachlog is a
// subcommand has never been read: the store does not know them as of
// another company. They are answered as one all the same, never told
// that anyone can log coaching, to type /coach to log a session, or that
// an admin adds their reps to the roster (a roster naming them is
// refused). Asked a second time, as someone known, the same.
func TestAFirstSubcommandOfSomeoneOfAnotherCompanyRefusesThem(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	const want = "You are outside this company (Slack Connect)"
	for i, cmd := range []string{"help", "report", "export", "history", "history <@" + rep + "|sam>", "stats", "team",
		"prep <@" + rep + "|sam>", "histroy"} {
		id := fmt.Sprintf("U0PAT%d", i)
		b.fake.AddUser(fakeslack.User{ID: id, Name: "pat", RealName: "Pat Partner", TZ: "UTC", TeamID: "T0PARTNER"})
		for _, when := range []string{"a first", "a second"} {
			got := b.command(id, cmd)
			if !strings.Contains(got, want) {
				t.Errorf("%s /coach %s answered %q, want %q", when, cmd, got, want)
			}
			for _, offer := range []string{"Anyone can log", "to log a session", "To log coaching", "roster import"} {
				// Their help, headed by the refusal, says what the company's
				// people do.
				if strings.Contains(got, offer) && cmd != "help" {
					t.Errorf("%s /coach %s offers %q: %q", when, cmd, offer, got)
				}
			}
		}
	}
}

// storedPerson reads someone as the bot stored them; ok is false while
// they are not stored.
func (b *bot) storedPerson(id string) (coaching.Person, bool) {
	b.t.Helper()
	st, err := sqlite.Open(ctxT(b.t), b.db, sqlite.Options{ReadOnly: true})
	if err != nil {
		b.t.Fatal(err)
	}
	defer st.Close()
	p, err := st.Person(ctxT(b.t), id)
	if err != nil && coaching.ErrorCode(err) != coaching.ENotFound {
		b.t.Fatal(err)
	}
	return p, err == nil
}

// A workspace migrated into an Enterprise Grid organisation while
// Coachlog runs (auth.test said none at start) keeps its people. Its own
// people, whose user_change names the organisation at once, are the
// company's all along, and one stored as of another company (by the
// Coachlog before this one) is the company's again when Slack says the
// migration finished: the bot asks auth.test again, and from then on a
// colleague of the organisation's other workspaces is logged with too.
func TestAWorkspaceMigratedIntoEnterpriseGridKeepsItsPeople(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	team := b.fake.TeamID()
	const sib = "W0SIB"
	b.fake.MigrateToGrid("E0ACME")
	b.fake.AddUser(fakeslack.User{ID: sib, Name: "sib", RealName: "Sib Ling", TZ: "UTC", TeamID: "T0SIBLING", EnterpriseID: "E0ACME"})
	// Olly, stored as of another company before this Coachlog.
	st, err := sqlite.Open(ctxT(t), b.db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertPerson(ctxT(t), coaching.Person{ID: other, Name: "Olly Other", TeamID: team, External: true,
		ResolvedAt: b.now(), ProfileAt: b.now()}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if got := b.command(other, "help"); !strings.Contains(got, coaching.MsgOutsider) {
		t.Fatalf("Olly's /coach help before the migration's end = %q, want him refused as stored", got)
	}

	// Ria's profile, as Slack sends it once the workspace is in the
	// organisation.
	if _, err := b.fake.Event(ctxT(t), map[string]any{"type": "user_change", "user": map[string]any{
		"id": rep2, "team_id": team, "name": "ria", "real_name": "Ria Rep", "tz": "Asia/Kolkata",
		"enterprise_user": map[string]any{"id": rep2, "enterprise_id": "E0ACME", "enterprise_name": "Acme", "teams": []string{team}},
		"profile":         map[string]any{"real_name": "Ria Rep", "team": team},
	}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "Ria's profile stored", func() bool { p, ok := b.storedPerson(rep2); return ok && p.TeamID == team })
	if p, _ := b.storedPerson(rep2); p.External {
		t.Errorf("Ria, of the app's own workspace, stored as of another organisation: %+v", p)
	}
	now := b.today("America/New_York")
	viewID, _ := b.openModal("")
	if _, ack := b.submit(viewID, values([]string{rep2}, "one_on_one", now, "30", "")); len(ack) != 0 {
		t.Fatalf("logging with Ria after her user_change: ack %s", ack)
	}
	// Until Slack says the migration finished, the bot knows no
	// organisation: Sib, of another of its workspaces, is refused, and
	// stored so.
	viewID, _ = b.openModal("")
	_, ack := b.submit(viewID, values([]string{sib}, "one_on_one", now, "30", ""))
	if got := errorsAck(t, ack)["reps"]; !strings.Contains(got, "Sib Ling is outside your company") {
		t.Fatalf("reps error before the migration's end = %q, want Sib refused", got)
	}

	if _, err := b.fake.GridMigrationFinished(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "Olly judged again", func() bool { p, _ := b.storedPerson(other); return !p.External })
	if n := len(b.fake.CallsTo("auth.test")); n != 2 {
		t.Errorf("auth.test asked %d times, want twice: at start and when the migration finished", n)
	}
	if got := b.command(other, "help"); strings.Contains(got, coaching.MsgOutsider) {
		t.Errorf("Olly's /coach help after the migration's end = %q, want him one of the company's", got)
	}
	// Sib's stored verdict is stale now: his profile is read again at
	// the submission, and he is the company's.
	if _, ack := b.submit(viewID, values([]string{sib}, "one_on_one", now, "30", "")); len(ack) != 0 {
		t.Fatalf("logging with Sib, of another workspace of the organisation, after the migration's end: ack %s", ack)
	}
	if rows := b.export(); len(rows) != 2 {
		t.Fatalf("export = %+v, want the sessions with Ria and Sib", rows)
	}
}

// A Coachlog that missed grid_migration_finished (it was stopped, or ran
// a version before) learns the organisation from auth.test at its next
// start, and judges again then: someone of its own workspace stored as of
// another company is the company's once more.
func TestAStartOnEnterpriseGridJudgesOutsidersAgain(t *testing.T) {
	t.Parallel()
	b := startBotWith(t, clockFrom(midweek), []fakeslack.Option{fakeslack.WithEnterprise("E0ACME")})
	st, err := sqlite.Open(ctxT(t), b.db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []coaching.Person{
		{ID: other, Name: "Olly Other", TeamID: b.fake.TeamID(), External: true},
		{ID: pat, Name: "Pat Partner", TeamID: "T0PARTNER", External: true},
	} {
		p.ResolvedAt, p.ProfileAt = b.now(), b.now()
		if _, err := st.UpsertPerson(ctxT(t), p); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	b.stop()
	b.start()
	if p, _ := b.storedPerson(other); p.External {
		t.Errorf("Olly, of the app's own workspace, still of another organisation after a start: %+v", p)
	}
	if p, _ := b.storedPerson(pat); !p.External {
		t.Errorf("Pat, of a partner's workspace, made the company's by a start: %+v", p)
	}
}
