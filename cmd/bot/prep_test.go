package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeopenai"
	"github.com/coachlog/coachlog/internal/fakeslack"
)

// Fragments of what people wrote, stored by logSessionsWithAnswers: none
// may reach the LLM unless COACHLOG_LLM_NOTES=on allows it.
const (
	secretNote    = "Marmalade pricing slipped again"
	secretPrivate = "Quokka divorce worries"
	secretComment = "Gooseberry comment, useful"
	secretReason  = "Platypus it was only ten minutes"
	secretCommit  = "Walrus follow-up deck"
)

// noSecretsLogged fails the test if any stored text reached the bot's log
// (at debug level in these tests).
func (b *bot) noSecretsLogged() {
	b.t.Helper()
	logs := b.logs.String()
	for _, s := range []string{"Marmalade", "Quokka", "Gooseberry", "Platypus", "Walrus", "rushed pricing"} {
		if strings.Contains(logs, s) {
			b.t.Errorf("the log carries %q", s)
		}
	}
}

// importTree imports Vera (leader) above Max (manager) with Sam and Ria
// (reps); Olly is an admin outside the tree.
func (b *bot) importTree(t *testing.T) {
	t.Helper()
	b.fake.AddUser(fakeslack.User{ID: vera, Name: "vera", RealName: "Vera Leader", TZ: "America/New_York"})
	csv := filepath.Join(t.TempDir(), "team.csv")
	os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
		vera+",,Vera,leader,,,America/New_York\n"+mgr+",,Max,manager,"+vera+",,America/New_York\n"+
		rep+",,Sam,rep,"+mgr+",top,\n"+rep2+",,Ria,rep,"+mgr+",bottom,\n"+other+",,Olly,admin,,,\n"), 0o600)
	if out, err := b.cli("roster", "import", csv); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
}

// yesterday is the day before today in New York: the organisation's zone
// in these tests, so a digest reporting the week of yesterday counts it.
func (b *bot) yesterday() string {
	ny, _ := time.LoadLocation("America/New_York")
	return b.now().In(ny).AddDate(0, 0, -1).Format(time.DateOnly)
}

// logSessionsWithAnswers has Max log a shared ride-along with Sam (notes,
// a commitment), which Sam confirms with a comment, and a private 1:1 with
// Ria, which she marks not accurate with a reason; both yesterday.
func (b *bot) logSessionsWithAnswers() {
	b.t.Helper()
	ctx := ctxT(b.t)
	v := values([]string{rep}, "ride_along", b.yesterday(), "45", "observer")
	v["notes"] = map[string]any{"notes": fakeslack.TextValue(secretNote + ", Sam stayed calm")}
	v["commitments"] = map[string]any{"commitments": fakeslack.TextValue(secretCommit)}
	v["visibility"] = map[string]any{"visibility": fakeslack.RadioValue("shared")}
	viewID, _ := b.openModal("")
	if _, ack := b.submit(viewID, v); len(ack) != 0 {
		b.t.Fatalf("ack = %s", ack)
	}
	dm := b.dm(rep, 1)
	if _, err := b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_confirm"); err != nil {
		b.t.Fatal(err)
	}
	if ack := b.submitAs(rep, b.openedView(b.clickComment(dm)), map[string]map[string]any{"reason": {"reason": fakeslack.TextValue(secretComment)}}); len(ack.Payload) != 0 {
		b.t.Fatalf("comment ack %s", ack.Payload)
	}

	v = values([]string{rep2}, "one_on_one", b.yesterday(), "30", "")
	v["notes"] = map[string]any{"notes": fakeslack.TextValue(secretPrivate)}
	delete(v, "commitments")
	viewID, _ = b.openModal("")
	if _, ack := b.submit(viewID, v); len(ack) != 0 {
		b.t.Fatalf("ack = %s", ack)
	}
	dm = b.dm(rep2, 1)
	in := b.must(b.fake.ClickButton(ctx, rep2, dm.Channel, dm.TS, "rep_dispute"))
	if ack := b.submitAs(rep2, b.openedView(in), map[string]map[string]any{"reason": {"reason": fakeslack.TextValue(secretReason)}}); len(ack.Payload) != 0 {
		b.t.Fatalf("dispute ack %s", ack.Payload)
	}
	eventually(b.t, "the comment and the dispute stored", func() bool {
		rows := b.export()
		return len(rows) == 2 && rows[0].Status == "confirmed" && rows[1].Status == "disputed"
	})
}

// prepBrief runs /coach prep for user and returns the brief (or refusal)
// posted to the command's response_url, and whether the manager was told
// before it that the LLM's summary was being written.
func (b *bot) prepBrief(user, args string) (string, bool) {
	b.t.Helper()
	ctx := ctxT(b.t)
	in, err := b.fake.SlashCommand(ctx, user, "/coach", "prep "+args)
	if err != nil {
		b.t.Fatal(err)
	}
	writing := func(r fakeslack.Response) bool { return strings.Contains(r.Text, "Writing your brief") }
	r, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL && !writing(r) })
	if err != nil {
		b.t.Fatal(err)
	}
	waited := false
	for _, x := range b.fake.Responses() {
		if x.URL == in.ResponseURL && writing(x) {
			waited = true
		}
		if x.URL == in.ResponseURL && !writing(x) && !waited {
			break // the brief came first
		}
	}
	return r.Text + blocksText(r.Blocks), waited
}

func TestPrepBriefIsTheRepsManagersAloneAndAPlainListWithoutNotes(t *testing.T) {
	t.Parallel()
	ai := startOpenAI(t)
	b := startBot(t, llmEnv(ai, false, "COACHLOG_TIMEZONE", "America/New_York")...)
	b.importTree(t)
	b.logSessionsWithAnswers()

	sam, waited := b.prepBrief(mgr, "<@"+rep+"|sam>")
	if waited {
		t.Error("told to wait for an LLM that is not asked")
	}
	for _, want := range []string{"Prep for Sam", "Last 4 weeks: 1 session, 45 min (the 4 weeks before: 0 sessions, 0 min).",
		"Ride-along, 45 min, silent observer · Discovery, Negotiation", "Your notes: " + secretNote + ", Sam stayed calm",
		"They confirmed: " + secretComment, "Open commitments:", secretCommit + " (made yesterday)", "(cadence: every 14 days)"} {
		if !strings.Contains(sam, want) {
			t.Errorf("Sam's brief lacks %q:\n%s", want, sam)
		}
	}
	if strings.Contains(sam, ":memo:") || strings.Contains(sam, "summary couldn't be written") {
		t.Errorf("a brief written by the model, or said unwritten, with COACHLOG_LLM_NOTES off:\n%s", sam)
	}
	if ria := b.command(mgr, "prep <@"+rep2+"|ria>"); !strings.Contains(ria, "They said it was not accurate: "+secretReason) ||
		!strings.Contains(ria, "Your notes: "+secretPrivate) {
		t.Errorf("Ria's brief:\n%s", ria)
	}
	// A rep is told it is a manager's and where their own coaching is, as
	// /coach stats and /coach team tell them, with a rep named or none.
	for _, tt := range []struct{ who, args, want string }{
		{vera, "prep <@" + rep + "|sam>", "only for reps who report to you"},
		{other, "prep <@" + rep + "|sam>", "only for reps who report to you"},
		{rep2, "prep <@" + rep + "|sam>", "*`/coach prep` is for managers*: a brief before their next session with one of the reps who report to them. The coaching you received is in your App Home"},
		{rep2, "prep", "*`/coach prep` is for managers*"},
	} {
		if got := b.command(tt.who, tt.args); !strings.Contains(got, tt.want) || strings.Contains(got, "Marmalade") {
			t.Errorf("%s typing /coach %s got:\n%s\nwant %q", tt.who, tt.args, got, tt.want)
		}
	}
	if got := b.command(mgr, "prep"); !strings.Contains(got, "Say which rep") {
		t.Errorf("/coach prep without a rep: %s", got)
	}
	if n := len(ai.Requests()); n != 0 {
		t.Errorf("%d requests to the model: with COACHLOG_LLM_NOTES off the brief is the plain list", n)
	}
	for _, r := range b.fake.Responses() {
		if strings.Contains(r.Text, "Marmalade") {
			t.Errorf("the notification text carries a note: %q", r.Text)
		}
	}
}

// With COACHLOG_LLM_NOTES=on the model writes a short summary above the
// same list, from that rep's sessions alone and without their name; if it
// fails, the list comes alone.
func TestPrepBriefWithNotesOnAddsTheModelsProse(t *testing.T) {
	t.Parallel()
	ai := startOpenAI(t)
	b := startBot(t, llmEnv(ai, true, "COACHLOG_TIMEZONE", "America/New_York", "COACHLOG_LLM_TIMEOUT", "300ms")...)
	b.importTree(t)
	b.logSessionsWithAnswers()

	ai.Enqueue(fakeopenai.Text("Pricing keeps slipping; ask how the follow-up deck is going."))
	got, waited := b.prepBrief(mgr, "<@"+rep+"|sam>")
	if !waited {
		t.Error("the manager was not told the LLM's summary was being written before the brief came")
	}
	if !strings.Contains(got, ":memo: Pricing keeps slipping; ask how the follow-up deck is going.") ||
		!strings.Contains(got, "Your notes: "+secretNote) || strings.Contains(got, "couldn't be written") {
		t.Errorf("brief with the model's prose above the list:\n%s", got)
	}
	reqs := ai.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want the one prep brief", len(reqs))
	}
	sent := string(reqs[0].Body)
	for _, s := range []string{secretNote, secretComment, secretCommit} {
		if !strings.Contains(sent, s) {
			t.Errorf("the prep request lacks %q: the test would prove nothing\n%s", s, sent)
		}
	}
	for _, s := range []string{"Sam", secretPrivate, secretReason, rep} {
		if strings.Contains(sent, s) {
			t.Errorf("the prep request about Sam carries %q", s)
		}
	}

	// Told the summary was being written, the manager is told it was
	// not: the list alone said nothing of it.
	ai.Enqueue(fakeopenai.Fail(500), fakeopenai.Fail(500))
	got, waited = b.prepBrief(mgr, "<@"+rep+"|sam>")
	if strings.Contains(got, ":memo:") || !strings.Contains(got, "Your notes: "+secretNote) ||
		!strings.Contains(got, "The LLM's summary couldn't be written this time, so here is the list alone.") || !waited {
		t.Errorf("after the model failed, want the plain list alone, saying the summary was not written:\n%s", got)
	}
	b.noSecretsLogged()
}

// A note names people the way Coachlog stores Slack mentions ("@ria.lopez")
// and may hold email addresses: with COACHLOG_LLM_NOTES=on, neither reaches
// the model through the prep brief, whoever they name. Only the rep's own
// name was replaced before; a colleague mentioned in the note went out.
func TestPrepBriefSendsNoMentionOrEmailFromANote(t *testing.T) {
	t.Parallel()
	ai := startOpenAI(t)
	b := startBot(t, llmEnv(ai, true, "COACHLOG_TIMEZONE", "America/New_York")...)
	b.importTree(t)
	v := values([]string{rep}, "one_on_one", b.yesterday(), "30", "")
	v["notes"] = map[string]any{"notes": fakeslack.TextValue(secretNote + "; paired him with @ria.lopez, recap to jane.doe@acmecorp.example")}
	v["commitments"] = map[string]any{"commitments": fakeslack.TextValue(secretCommit + " for @kofi")}
	viewID, _ := b.openModal("")
	if _, ack := b.submit(viewID, v); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	b.dm(rep, 1)

	ai.Enqueue(fakeopenai.Text("Pricing keeps slipping."))
	got, _ := b.prepBrief(mgr, "<@"+rep+"|sam>")
	if !strings.Contains(got, "@ria.lopez") || !strings.Contains(got, "jane.doe@acmecorp.example") {
		t.Errorf("the manager's own brief lost their notes:\n%s", got)
	}
	reqs := ai.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want the one prep brief", len(reqs))
	}
	sent := reqs[0].Chat.Text()
	if !strings.Contains(sent, secretNote) || !strings.Contains(sent, secretCommit) {
		t.Fatalf("the prep request lacks the note: the test would prove nothing\n%s", sent)
	}
	for _, s := range []string{"ria", "lopez", "kofi", "jane", "acmecorp", "@"} {
		if strings.Contains(strings.ToLower(sent), s) {
			t.Errorf("the prep request carries %q:\n%s", s, sent)
		}
	}
}

// A team meeting's notes name the other reps on it, and anyone else, by
// name as people write them: with COACHLOG_LLM_NOTES=on, the prep brief
// about one rep sends none of those names (Ria's DM told her the notes
// reach the model with names removed), nor the manager's or the rep's.
// Only the rep's own name and Slack mentions were replaced before.
func TestPrepBriefSendsNoNameCoachlogKnows(t *testing.T) {
	t.Parallel()
	ai := startOpenAI(t)
	b := startBot(t, llmEnv(ai, true, "COACHLOG_TIMEZONE", "America/New_York")...)
	b.importTree(t)
	v := values([]string{rep, rep2}, "team_meeting", b.yesterday(), "30", "")
	v["notes"] = map[string]any{"notes": fakeslack.TextValue(secretNote + "; Ria carried the role-play, Sam froze. Vera and Olly watched, Max ran it")}
	viewID, _ := b.openModal("")
	if _, ack := b.submit(viewID, v); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	b.dm(rep, 1)
	if dm := b.dm(rep2, 1); !strings.Contains(blocksText(dm.Blocks), "may go to an AI model, names removed") {
		t.Fatalf("Ria's DM does not say the notes go to the model without names:\n%s", blocksText(dm.Blocks))
	}

	ai.Enqueue(fakeopenai.Text("Pricing keeps slipping."))
	if got, _ := b.prepBrief(mgr, "<@"+rep+"|sam>"); !strings.Contains(got, "Ria carried the role-play") {
		t.Errorf("the manager's own brief lost their notes:\n%s", got)
	}
	reqs := ai.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want the one prep brief", len(reqs))
	}
	sent := reqs[0].Chat.Text()
	if !strings.Contains(sent, secretNote) {
		t.Fatalf("the prep request lacks the note: the test would prove nothing\n%s", sent)
	}
	for _, s := range []string{"Ria", "Sam", "Vera", "Olly", "Max"} {
		if strings.Contains(sent, s) {
			t.Errorf("the prep request carries %q", s)
		}
	}
	if !strings.Contains(sent, "someone carried the role-play, the rep froze. someone and someone watched, the manager ran it") {
		t.Errorf("the prep request's note does not read with its stand-ins:\n%s", sent)
	}
	b.noSecretsLogged()
}

// The model's prose is checked before the manager reads it: a sentence
// with a number the brief's input lacks, another person's name, an email
// address or a single rating is dropped, and an answer that is not prose
// gives the plain list alone.
func TestPrepBriefShowsOnlyTheModelsSupportedSentences(t *testing.T) {
	t.Parallel()
	ai := startOpenAI(t)
	b := startBot(t, llmEnv(ai, true, "COACHLOG_TIMEZONE", "America/New_York")...)
	b.importTree(t)
	b.logSessionsWithAnswers()

	ai.Enqueue(fakeopenai.Text("Pricing keeps slipping; ask how the follow-up deck is going. " +
		"Sam is on a performance plan and missed quota by 40%; he rated your coaching 1/5. " +
		"Ria says you never listen. Email him at sam@acme.test <@U0REPTWO>"))
	got, _ := b.prepBrief(mgr, "<@"+rep+"|sam>")
	if !strings.Contains(got, ":memo: Pricing keeps slipping; ask how the follow-up deck is going.") {
		t.Errorf("the supported sentence is gone:\n%s", got)
	}
	for _, s := range []string{"performance plan", "1/5", "Ria", "never listen", "acme.test", "U0REPTWO"} {
		if strings.Contains(got, s) {
			t.Errorf("the brief shows the model's %q:\n%s", s, got)
		}
	}

	ai.Enqueue(fakeopenai.Text("{\"error\": null} ```json\n{}\n``` <!channel>"))
	got, _ = b.prepBrief(mgr, "<@"+rep+"|sam>")
	if strings.Contains(got, ":memo:") || strings.Contains(got, "error") || !strings.Contains(got, "Your notes: "+secretNote) ||
		!strings.Contains(got, "summary couldn't be written this time") {
		t.Errorf("after an answer that is not prose, want the plain list alone, saying the summary was not written:\n%s", got)
	}
	b.noSecretsLogged()
}

// The brief's summary reaches the manager as mrkdwn: no special mention,
// link or formatting of the model's gets through, nor anyone's name but
// the rep's and the manager's, written as the roster has it or not.
func TestPrepBriefSummaryIsPlainAndNamesOnlyTheRepAndTheManager(t *testing.T) {
	t.Parallel()
	ai := startOpenAI(t)
	b := startBot(t, llmEnv(ai, true, "COACHLOG_TIMEZONE", "America/New_York")...)
	b.importTree(t)
	b.logSessionsWithAnswers()

	ai.Enqueue(fakeopenai.Text("<!channel> pricing slipped. Max, pricing keeps *slipping* for Sam. " +
		"See <https://evil.example|click> for the deck. olly saw it too. Ask how the _follow-up_ deck is going."))
	got, _ := b.prepBrief(mgr, "<@"+rep+"|sam>")
	if !strings.Contains(got, ":memo: Max, pricing keeps slipping for Sam. Ask how the follow-up deck is going.") {
		t.Errorf("the brief lacks the model's plain sentences naming only Max and Sam:\n%s", got)
	}
	for _, s := range []string{"channel", "evil", "click", "olly", "*slipping*", "_follow"} {
		if strings.Contains(got, s) {
			t.Errorf("the brief shows the model's %q:\n%s", s, got)
		}
	}
}

// /coach prep with two reps named gave the first one's brief alone, which
// a manager preparing for both took for theirs: it says a brief is about
// one rep at a time and names both, to ask for each in turn.
func TestPrepNamingTwoRepsSaysItIsOneAtATime(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	got := b.command(mgr, "prep <@"+rep+"|sam> <@"+rep2+"|ria>")
	if !strings.Contains(got, "one rep at a time") || !strings.Contains(got, "<@"+rep+"> and <@"+rep2+">") || strings.Contains(got, "Prep for") {
		t.Fatalf("/coach prep @sam @ria answered %q, want one rep at a time, naming both, and no brief", got)
	}
	if got := b.command(mgr, "prep <@"+rep+"|sam> <@"+rep+"|sam>"); !strings.Contains(got, "Prep for Sam") {
		t.Fatalf("/coach prep naming Sam twice answered %q, want Sam's brief", got)
	}
}
