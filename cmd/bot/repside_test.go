package main

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// reasonInput is the one input of a rep's comment or reason form as
// views.open showed it.
type reasonInput struct {
	Title, Hint, Initial string
}

func (b *bot) openedReasonForm(in fakeslack.Interaction) (string, reasonInput) {
	b.t.Helper()
	call := b.viewsOpen(in)
	var v struct {
		Title  struct{ Text string } `json:"title"`
		Blocks []struct {
			BlockID string                `json:"block_id"`
			Hint    struct{ Text string } `json:"hint"`
			Element struct {
				Initial string `json:"initial_value"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := call.Decode("view", &v); err != nil || len(v.Blocks) != 1 {
		b.t.Fatalf("the form: %v, %d blocks", err, len(v.Blocks))
	}
	return b.openedView(in), reasonInput{Title: v.Title.Text, Hint: v.Blocks[0].Hint.Text, Initial: v.Blocks[0].Element.Initial}
}

// "Edit your comment" opens the form with the comment in it: saving it as
// it opens keeps the comment (it opened empty, so a Save, or an edit of
// one word, wiped or replaced what the rep had written). And the form tells
// the rep the truth about who reads it: the manager does, in /coach prep.
func TestEditYourCommentOpensWithTheCommentAndSavingKeepsIt(t *testing.T) {
	b := startBot(t)
	ctx := ctxT(t)
	dm := b.logConfirmed()
	const said = "Useful: the pricing role-play helped"
	eventually(t, "the DM to offer a comment", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(m.Blocks), "Add a comment")
	})

	in, err := b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_comment")
	if err != nil {
		t.Fatal(err)
	}
	viewID, form := b.openedReasonForm(in)
	if form.Initial != "" || form.Title != "Add a comment" {
		t.Fatalf("first comment form: %+v", form)
	}
	if strings.Contains(form.Hint, "never alone") || !strings.Contains(form.Hint, "manager can read") {
		t.Errorf("the comment form's hint %q: the manager reads comments one by one in /coach prep", form.Hint)
	}
	if ack := b.submitAs(rep, viewID, map[string]map[string]any{"reason": {"reason": fakeslack.TextValue(said)}}); len(ack.Payload) != 0 {
		t.Fatalf("comment ack = %s", ack.Payload)
	}
	eventually(t, "the comment in the DM", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(m.Blocks), "Your comment: "+said)
	})

	in, err = b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_comment")
	if err != nil {
		t.Fatal(err)
	}
	viewID, form = b.openedReasonForm(in)
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
