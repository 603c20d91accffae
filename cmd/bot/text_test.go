package main

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// noteOf returns the notes of the one exported row with repID.
func (b *bot) noteOf(repID string) string {
	b.t.Helper()
	for _, r := range b.export() {
		if r.RepID == repID && r.Notes != nil {
			return *r.Notes
		}
	}
	b.t.Fatalf("no exported row with notes for %s", repID)
	return ""
}

// Slack escapes what a manager types after /coach; Coachlog stores, shows
// and exports what they wrote.
func TestQuickCaptureStoresTextAsWritten(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	escaped := "<@" + rep + "|sam> 1:1 30m Q&amp;A went well, ask <@" + rep2 + "|ria> about &lt;pricing&gt; <https://acme.test/deal|the deal>"
	const written = "Q&A went well, ask @ria about <pricing> the deal (https://acme.test/deal)"
	in, err := b.fake.SlashCommand(ctx, mgr, "/coach", escaped)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL }); err != nil {
		t.Fatal(err)
	}
	if got := b.noteOf(rep); got != written {
		t.Errorf("stored notes = %q, want %q", got, written)
	}
	if text := blocksText(b.dm(rep, 1).Blocks); !strings.Contains(text, written) || strings.Contains(text, "&amp;") {
		t.Errorf("the rep's DM does not show the notes as written:\n%s", text)
	}
	if n := len(b.fake.Messages(rep2)); n != 0 {
		t.Errorf("a mention in the notes logged a session with %s too (%d DMs)", rep2, n)
	}
}

// A message shortcut's text carries message markup: mentions without a
// label get the name Coachlog knows.
func TestMessageShortcutNotesAreTextAsWritten(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	b.quickLog(rep2, 1) // Coachlog now knows Ria's name from Slack
	text := "Q&amp;A went well, ask <@" + rep2 + "> about &lt;pricing&gt; <https://acme.test/deal|the deal> in <#C0DEALS|deals>"
	const written = "Q&A went well, ask @Ria Rep about <pricing> the deal (https://acme.test/deal) in #deals"
	in, err := b.fake.MessageShortcut(ctx, mgr, "log_coaching", "C0DEALS", text, "1700000000.000100", rep)
	if err != nil {
		t.Fatal(err)
	}
	call, err := b.fake.WaitForCall(ctx, "views.open", func(c fakeslack.Call) bool { return c.Param("trigger_id") == in.TriggerID })
	if err != nil {
		t.Fatal(err)
	}
	var view map[string]any
	if err := call.Decode("view", &view); err != nil {
		t.Fatal(err)
	}
	var notes string
	eachObject([]byte(mustJSON(view)), func(o map[string]any) {
		if o["action_id"] == "notes" {
			notes, _ = o["initial_value"].(string)
		}
	})
	if !strings.HasPrefix(notes, written+"\n\n(from https://") {
		t.Fatalf("prefilled notes = %q, want them to start with %q and link to the message", notes, written)
	}
	v := values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", "")
	v["notes"] = map[string]any{"notes": fakeslack.TextValue(notes)}
	if _, ack := b.submit(b.openedView(in), v); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	if got := b.noteOf(rep); got != notes {
		t.Errorf("stored notes = %q, want %q", got, notes)
	}
	if dm := blocksText(b.dm(rep, 1).Blocks); !strings.Contains(dm, written) {
		t.Errorf("the rep's DM does not show the notes as written:\n%s", dm)
	}
}

// Text typed into the form is not escaped by Slack and is stored as typed,
// entities and all.
func TestFormNotesAreStoredAsTyped(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	viewID, _ := b.openModal("")
	typed := "Q&amp;A is how I write it; <@U0NOBODY> stays as typed"
	v := values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", "")
	v["notes"] = map[string]any{"notes": fakeslack.TextValue(typed)}
	if _, ack := b.submit(viewID, v); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	if got := b.noteOf(rep); got != typed {
		t.Errorf("stored notes = %q, want %q", got, typed)
	}
}

// A display name is text its owner chose: in mrkdwn it is escaped, so it
// can't ping a channel, fake a mention or turn bold (its marks are shown
// as look-alikes, slacktext.EscapeLiteral).
func TestDisplayNamesAreEscapedInMrkdwn(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	const bob = "U0BOTBOB"
	b.fake.AddUser(fakeslack.User{ID: bob, Name: "bob", RealName: "Bob", DisplayName: "<!channel> *Bob* <@" + mgr + ">", IsBot: true})
	// The capture is refused (an app as rep): the form opens saying why.
	ctx := ctxT(t)
	in, err := b.fake.SlashCommand(ctx, mgr, "/coach", "<@"+bob+"|bob> 1:1 30m")
	if err != nil {
		t.Fatal(err)
	}
	got := b.formNotice(in)
	if !strings.Contains(got, "&lt;!channel&gt; ∗Bob∗ &lt;@"+mgr+"&gt; is an app") || strings.ContainsAny(got, "<*") {
		t.Errorf("the form's notice = %q, want the bot's name escaped", got)
	}
	if rows := b.export(); len(rows) != 0 {
		t.Errorf("a session with a bot was stored: %+v", rows)
	}
}

// The "what changed" line names the reps taken off and added (not every
// rep, before and after) with mentions Slack renders, not with escaped ids.
func TestChangeNoteMentionsTheReps(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	viewID, _ := b.openModal("")
	if _, ack := b.submit(viewID, values([]string{rep, rep2}, "team_meeting", b.today("America/New_York"), "30", "")); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	dm := b.dm(rep, 1)
	hist := b.history("")
	in, err := b.fake.ClickResponseButton(ctx, mgr, hist.URL, "session_edit")
	if err != nil {
		t.Fatal(err)
	}
	if _, ack := b.submit(b.openedView(in), values([]string{rep, other}, "team_meeting", b.today("America/New_York"), "30", "")); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}
	want := "took <@" + rep2 + "> off and added <@" + other + ">"
	eventually(t, "the DM to say which reps changed", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(m.Blocks), want)
	})
	m, _ := b.fake.Message(dm.Channel, dm.TS)
	if text := blocksText(m.Blocks); strings.Contains(text, "&lt;@") {
		t.Errorf("the DM shows escaped mentions:\n%s", text)
	}
}

// Several reps taken off and added read as lists, the two parts apart:
// "took <@a>, <@b> off and added <@c>, <@d>" read as if <@b> had been
// added. The rep's DM and the manager's history, shown again with what
// changed, say it alike.
func TestAChangeOfSeveralRepsReadsAsLists(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	const kim, lee = "U0KIM", "U0LEE"
	addUTCUsers(b.fake, kim, lee)
	viewID, _ := b.openModal("")
	today := b.today("America/New_York")
	if _, ack := b.submit(viewID, values([]string{rep, rep2, other}, "team_meeting", today, "30", "")); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	dm := b.dm(rep, 1)
	in := b.clickInHistory("", "session_edit")
	if _, ack := b.submit(b.openedView(in), values([]string{rep, kim, lee}, "team_meeting", today, "30", "")); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}
	want := "took <@" + rep2 + "> and <@" + other + "> off; added <@" + kim + "> and <@" + lee + ">"
	b.replacedWith(in.ResponseURL, "Updated: "+want+".")
	eventually(t, "Sam's DM to say which reps changed", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(m.Blocks), want)
	})
}
