package main

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// reasonInput is the one input of a rep's comment or reason form as
// views.open showed it, with the line under it saying who reads it.
type reasonInput struct {
	Title, Readers, Initial string
}

func (b *bot) openedReasonForm(in fakeslack.Interaction) (string, reasonInput) {
	b.t.Helper()
	call := b.viewsOpen(in)
	var v struct {
		Title  struct{ Text string } `json:"title"`
		Blocks []struct {
			BlockID string `json:"block_id"`
			Element struct {
				Initial string `json:"initial_value"`
			} `json:"element"`
			Elements []struct{ Text string } `json:"elements"`
		} `json:"blocks"`
	}
	if err := call.Decode("view", &v); err != nil || len(v.Blocks) != 2 || v.Blocks[1].BlockID != "readers" || len(v.Blocks[1].Elements) != 1 {
		b.t.Fatalf("the form: %v, %+v; want the input and who reads it", err, v.Blocks)
	}
	return b.openedView(in), reasonInput{Title: v.Title.Text, Readers: v.Blocks[1].Elements[0].Text, Initial: v.Blocks[0].Element.Initial}
}

// A session someone other than the rep's manager logged (a director's
// ride-along, a peer's role-play) is read by whoever logged it: the Not
// accurate form said "Your manager sees this", while the reason went to
// the one who logged it and Sam's manager read none of it. The form names
// them, and they are the one told.
func TestTheNotAccurateFormNamesWhoLoggedTheSession(t *testing.T) {
	b := startBot(t)
	b.importRoster(t) // Sam reports to Max; Olly is an admin, no one's manager
	b.command(other, "<@"+rep+"|sam> ride-along 45m observer sat in on the Acme call")
	dm := b.dm(rep, 1)
	viewID, form := b.openedReasonForm(b.must(b.fake.ClickButton(ctxT(t), rep, dm.Channel, dm.TS, "rep_dispute")))
	if want := "<@" + other + "> logged this session"; !strings.Contains(form.Readers, want) || strings.Contains(form.Readers, "manager") {
		t.Errorf("the Not accurate form says %q, want %q and no manager", form.Readers, want)
	}
	if ack := b.submitAs(rep, viewID, map[string]map[string]any{"reason": {"reason": fakeslack.TextValue("Only 20 minutes")}}); len(ack.Payload) != 0 {
		t.Fatalf("reason ack = %s", ack.Payload)
	}
	b.waitMessage(other, "session_edit")
	b.stop() // every delivery has finished
	if n := len(b.fake.Messages(mgr)); n != 0 {
		t.Errorf("Max, who did not log it, got %d messages", n)
	}
}

// "Edit your comment" opens the form with the comment in it: saving it as
// it opens keeps the comment (it opened empty, so a Save, or an edit of
// one word, wiped or replaced what the rep had written). And the form tells
// the rep the truth about who reads it: the manager does, in /coach prep.
func TestEditYourCommentOpensWithTheCommentAndSavingKeepsIt(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	dm := b.logConfirmed()
	const said = "Useful: the pricing role-play helped"
	viewID, form := b.openedReasonForm(b.clickComment(dm))
	if form.Initial != "" || form.Title != "Add a comment" {
		t.Fatalf("first comment form: %+v", form)
	}
	if want := "<@" + mgr + "> logged this session and can read your comment"; strings.Contains(form.Readers, "never alone") || !strings.Contains(form.Readers, want) {
		t.Errorf("the comment form says %q, want %q: the manager reads comments one by one in /coach prep", form.Readers, want)
	}
	if ack := b.submitAs(rep, viewID, map[string]map[string]any{"reason": {"reason": fakeslack.TextValue(said)}}); len(ack.Payload) != 0 {
		t.Fatalf("comment ack = %s", ack.Payload)
	}
	eventually(t, "the comment in the DM", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(m.Blocks), "Your comment: "+said)
	})

	viewID, form = b.openedReasonForm(b.clickComment(dm))
	if form.Initial != said || form.Title != "Edit your comment" {
		t.Fatalf("Edit your comment opened %+v, want the comment in it", form)
	}
	// Saved as it opened, as Slack submits an input left untouched.
	if ack := b.submitAs(rep, viewID, map[string]map[string]any{"reason": {"reason": fakeslack.TextValue(form.Initial)}}); len(ack.Payload) != 0 {
		t.Fatalf("comment ack = %s", ack.Payload)
	}
	m, _ := b.fake.Message(dm.Channel, dm.TS)
	if !strings.Contains(blocksText(m.Blocks), "Your comment: "+said) {
		t.Fatalf("after saving the form unchanged the DM reads %s", blocksText(m.Blocks))
	}
}

// In a session with several reps every rep's DM carries the notes, so the
// line saying who reads them names the others too; it said "you and
// @manager" to each of them, and the form offered "You and the rep".
func TestNotesOfAGroupSessionSayTheOtherRepsReadThem(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	viewID, view := b.openModal("")
	if text := mustJSON(view); strings.Contains(text, `"You and the rep"`) {
		t.Errorf("the form offers \"You and the rep\": in a team meeting every rep reads the notes")
	}
	if _, ack := b.submit(viewID, values([]string{rep, rep2}, "team_meeting", b.today("America/New_York"), "60", "")); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	for _, r := range []struct{ id, other string }{{rep, rep2}, {rep2, rep}} {
		text := blocksText(b.dm(r.id, 1).Blocks)
		if !strings.Contains(text, "Strong discovery") {
			t.Fatalf("%s's DM has no notes: %s", r.id, text)
		}
		if !strings.Contains(text, "*Notes* (you, <@"+mgr+"> and the other reps on this session)") {
			t.Errorf("%s's DM says who reads the notes as:\n%s", r.id, text)
		}
	}

	// One rep: you and the manager, as before.
	viewID, _ = b.openModal("")
	if _, ack := b.submit(viewID, values([]string{other}, "one_on_one", b.today("America/New_York"), "30", "")); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	if text := blocksText(b.dm(other, 1).Blocks); !strings.Contains(text, "*Notes* (you and <@"+mgr+">)") {
		t.Errorf("a one-rep DM says who reads the notes as:\n%s", text)
	}
}

// A rep who clicks Confirm on their DM as it was before an edit is told the
// session changed and to use the updated message. When the edit's
// chat.update has not gone yet (Tier 3 is about 50 a minute; a team
// meeting's edit updates every rep's DM), there was no updated message to
// use: the click's own response_url now replaces the DM with the current
// version at once, fresh buttons and all.
func TestAStaleClickShowsTheRepTheUpdatedDMAtOnce(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	dm := b.logPending()
	b.fake.FailNext("chat.update", 1000, fakeslack.Fault{Status: http.StatusTooManyRequests, RetryAfter: 30})
	b.editLatest(values([]string{rep}, "one_on_one", b.today("America/New_York"), "50", ""))
	eventually(t, "the DM's chat.update held by the rate limit", func() bool {
		return slices.ContainsFunc(b.fake.Calls(), func(c fakeslack.Call) bool {
			return c.Method == "chat.update" && c.Status == http.StatusTooManyRequests
		})
	})

	in, err := b.fake.ClickStale(ctx, rep, dm, "rep_confirm")
	if err != nil {
		t.Fatal(err)
	}
	b.responseSaying(in.ResponseURL, "changed")
	eventually(t, "the DM replaced with the edited session", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		text := blocksText(m.Blocks)
		return strings.Contains(text, "30 → 50 min") && strings.Contains(text, "Please confirm again")
	})
	if rows := b.export(); rows[0].Status != "pending" {
		t.Fatalf("the stale click changed the status to %s", rows[0].Status)
	}
	// The fresh Confirm works.
	b.fake.ClearFaults("chat.update")
	b.confirmUpdates(rep, dm)
	if n := len(b.fake.Messages(rep)); n != 1 {
		t.Fatalf("the rep has %d messages, want their one DM", n)
	}
}

// The same for a comment saved from a form opened before the edit: the
// form says the session changed, and the DM behind it shows how.
func TestAStaleCommentShowsTheRepTheUpdatedDMAtOnce(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	dm := b.logConfirmed()
	viewID := b.openedView(b.clickComment(dm))
	b.fake.FailNext("chat.update", 1000, fakeslack.Fault{Status: http.StatusTooManyRequests, RetryAfter: 30})
	b.editLatest(values([]string{rep}, "one_on_one", b.today("America/New_York"), "50", ""))

	ack := b.submitAs(rep, viewID, map[string]map[string]any{"reason": {"reason": fakeslack.TextValue("Useful")}})
	if keys := errorKeys(t, ack); len(keys) != 1 || keys[0] != "reason" {
		t.Fatalf("a comment on the older version: errors under %v", keys)
	}
	eventually(t, "the DM replaced with the edited session", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(m.Blocks), "30 → 50 min")
	})
	b.fake.ClearFaults("chat.update")
}
