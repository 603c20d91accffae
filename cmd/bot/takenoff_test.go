package main

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
)

// shownTo is every message and answer Slack showed user: posts and
// updates in their DM, answers through a response_url there, their Home.
func shownTo(b *bot, user string) []string {
	dm := b.fake.DMChannel(user)
	var out []string
	for _, c := range b.fake.Calls() {
		if ch := c.Param("channel"); (ch == user || ch == dm) && strings.HasPrefix(c.Method, "chat.") {
			out = append(out, c.Method+": "+c.Param("text")+"\n"+blocksText([]byte(c.Param("blocks"))))
		}
	}
	for _, r := range b.fake.Responses() {
		if r.Channel == dm || r.Channel == user {
			out = append(out, "response: "+r.Text+"\n"+blocksText(r.Blocks))
		}
	}
	if raw, ok := b.fake.Home(user); ok {
		out = append(out, "home: "+blocksText(raw))
	}
	return out
}

// A rep taken off a session is told so of the session as they last saw
// it, and nothing of what the manager made of it after: not in their DM
// withdrawn by the edit that took them off (which moved the session to
// another kind, day and length for the rep left on it), nor when they
// click a button of their old DM after a later edit and an undo. Drawn
// from the session as it stood, the withdrawn DM told Sam the session had
// become Ria's deal review of the day before, then a role-play, and the
// refusal that it had been undone: news of a session that is no longer
// theirs.
func TestARepTakenOffIsToldNothingOfWhatTheSessionBecameSince(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	today, yesterday := b.today("America/New_York"), b.yesterday()
	human := func(s string) string {
		d, err := coaching.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Human()
	}
	viewID, _ := b.openModal("")
	if _, ack := b.submit(viewID, values([]string{rep, rep2}, "team_meeting", today, "30", "")); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	dm := b.dm(rep, 1)
	b.dm(rep2, 1)

	b.editLatest(values([]string{rep2}, "deal_review", yesterday, "45", ""))
	eventually(t, "Sam's DM withdrawn", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(m.Blocks), "took you off this session")
	})
	b.editLatest(values([]string{rep2}, "skill_practice", yesterday, "60", ""))
	b.replacedWith(b.clickInHistory("", "session_undo").ResponseURL, "Undone:")
	for _, action := range []string{"rep_confirm", "rep_dispute"} {
		in := b.must(b.fake.ClickStale(ctx, rep, dm, action))
		r, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL && !r.ReplaceOriginal })
		if err != nil {
			t.Fatalf("Sam's %s on their old DM: no refusal: %v", action, err)
		}
		if !strings.Contains(r.Text, "took you off this session") {
			t.Errorf("Sam's %s on their old DM is answered %q, want that they were taken off", action, r.Text)
		}
		// The old DM is replaced with the one of now: drawn for Sam.
		if _, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL && r.ReplaceOriginal }); err != nil {
			t.Fatalf("Sam's %s on their old DM: the DM not replaced: %v", action, err)
		}
	}

	m, _ := b.fake.Message(dm.Channel, dm.TS)
	mustContain(t, "Sam's withdrawn DM", blocksText(m.Blocks), "~Team meeting on "+human(today)+"~", "took you off this session")
	for _, seen := range shownTo(b, rep) {
		for _, news := range []string{"Deal review", "a deal review", "Role-play on", "a role-play with", human(yesterday), "45 min", "60 min", "withdrew", "withdrawn by"} {
			if strings.Contains(seen, news) {
				t.Errorf("Sam, taken off, was shown %q:\n%s", news, seen)
			}
		}
	}
}
