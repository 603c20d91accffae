package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// An edit that changes only who reads the notes, after the rep confirmed
// and rated, updates the rep's DM with a line saying so, as other edits'
// change notes do ("Updated: …"), and asks nothing of them: the session
// stays confirmed with its rating, the DM keeps its rating buttons and
// they still work (the version stands). Shared back to private, it says
// the notes are no longer shared.
func TestAnEditOfWhoReadsTheNotesIsToldInTheDMWithoutAskingAgain(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	dm := b.logPending()
	b.confirmUpdates(rep, dm)
	rate := func(n int) {
		t.Helper()
		b.must(b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, fmt.Sprintf("rep_rate_%d", n)))
		eventually(t, fmt.Sprintf("the DM rated %d", n), func() bool {
			m, _ := b.fake.Message(dm.Channel, dm.TS)
			return strings.Contains(blocksText(m.Blocks), fmt.Sprintf("rated it *%d/5*", n))
		})
	}
	rate(4)

	edit := func(visibility string) {
		t.Helper()
		hist := b.history("")
		in, err := b.fake.ClickResponseButton(ctx, mgr, hist.URL, "session_edit")
		if err != nil {
			t.Fatal(err)
		}
		v := values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", "")
		v["visibility"] = map[string]any{"visibility": fakeslack.RadioValue(visibility)}
		if _, ack := b.submit(b.openedView(in), v); len(ack) != 0 {
			t.Fatalf("edit ack = %s", ack)
		}
	}
	for _, tt := range []struct {
		visibility, line, label string
		rating                  int
	}{
		{"shared", "the notes are now shared with <@" + mgr + ">'s leaders", "*Notes* (you, <@" + mgr + "> and <@" + mgr + ">'s leaders)", 4},
		{"private", "the notes are no longer shared with <@" + mgr + ">'s leaders", "*Notes* (you and <@" + mgr + ">)", 5},
	} {
		edit(tt.visibility)
		var m fakeslack.Message
		eventually(t, "the DM saying "+tt.line, func() bool {
			m, _ = b.fake.Message(dm.Channel, dm.TS)
			return strings.Contains(blocksText(m.Blocks), ":pencil2: *Updated:* "+tt.line+".")
		})
		text := blocksText(m.Blocks)
		mustContain(t, "the DM", text, tt.label, fmt.Sprintf("You confirmed this and rated it *%d/5*", tt.rating))
		if strings.Contains(text, "confirm again") || slices.Contains(actionIDs(m.Blocks), "rep_confirm") {
			t.Errorf("a change of who reads the notes asks the rep again:\n%s", text)
		}
		mustContain(t, "the DM's text", m.Text, "Updated ("+tt.line+")", "you confirmed it")
		if row := b.export()[0]; row.Status != "confirmed" || row.Rating == nil || *row.Rating != tt.rating {
			t.Fatalf("after the edit: %s, rated %v; want confirmed, rated %d", row.Status, row.Rating, tt.rating)
		}
		if tt.rating == 4 {
			// The DM's buttons are those of the live version: a rating
			// there is taken, and the answer clears the note.
			rate(5)
		}
	}
	if n := len(b.fake.Messages(rep)); n != 1 {
		t.Errorf("the rep has %d messages, want their one DM, updated", n)
	}
}

// Sam, asked to confirm, read "Updated: the notes are now shared with
// @max's leaders"; the manager then changed the duration before Sam
// answered, and the DM said only "duration 30 → 45 min": the word on the
// readers was gone, though Sam answered neither. It stays, as what
// differs from when Sam was asked.
func TestAWordOnWhoReadsTheNotesStaysThroughALaterEditBeforeTheRepAnswers(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	dm := b.logPending()
	edit := func(minutes string) {
		t.Helper()
		hist := b.history("")
		in, err := b.fake.ClickResponseButton(ctx, mgr, hist.URL, "session_edit")
		if err != nil {
			t.Fatal(err)
		}
		v := values([]string{rep}, "one_on_one", b.today("America/New_York"), minutes, "")
		v["visibility"] = map[string]any{"visibility": fakeslack.RadioValue("shared")}
		if _, ack := b.submit(b.openedView(in), v); len(ack) != 0 {
			t.Fatalf("edit ack = %s", ack)
		}
	}
	shared := "the notes are now shared with <@" + mgr + ">'s leaders"
	dmSaying := func(what, line string) {
		t.Helper()
		eventually(t, what, func() bool {
			m, _ := b.fake.Message(dm.Channel, dm.TS)
			return strings.Contains(blocksText(m.Blocks), ":pencil2: *Updated:* "+line+".")
		})
	}
	edit("30")
	dmSaying("the DM after the notes were shared", shared)
	edit("45")
	dmSaying("the DM after the duration changed", "duration 30 → 45 min; "+shared)
}
