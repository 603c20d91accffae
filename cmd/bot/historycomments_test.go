package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
)

// The comment form tells a rep the one who logged it can read it; in a
// manager-persona review the manager never did: their /coach history said
// "confirmed" and nothing more (only /coach prep showed comments). Sam now
// confirms, rates and comments in his DM, and Max reads the comment under
// that session in /coach history, with or without Sam's mention: cut to
// 150 characters, as Sam typed it (a mention or markup in it stays text),
// with no rating beside it, and to Max alone (an ephemeral answer). Olly,
// who logged nothing with Sam, reads nothing of it.
func TestARepsCommentReachesTheManagersHistory(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	dm := b.logConfirmed()
	eventually(t, "the DM to offer a rating", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return slices.Contains(actionIDs(m.Blocks), "rep_rate_2")
	})
	b.must(b.fake.ClickButton(ctxT(t), rep, dm.Channel, dm.TS, "rep_rate_2"))
	eventually(t, "Sam's rating stored", func() bool { r := b.export()[0].Rating; return r != nil && *r == 2 })
	comment := "*Useful*, but <@" + other + "> should hear this & more: " + strings.Repeat("pricing ", 30)
	if ack := b.submitAs(rep, b.openedView(b.clickComment(dm)), map[string]map[string]any{"reason": {"reason": fakeslack.TextValue(comment)}}); len(ack.Payload) != 0 {
		t.Fatalf("comment ack %s", ack.Payload)
	}
	eventually(t, "the comment in Sam's DM", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(m.Blocks), "Your comment:")
	})

	want := ":speech_balloon: <@" + rep + ">: “∗Useful∗, but &lt;@" + other + "&gt; should hear this &amp; more: pricing pricing"
	for _, args := range []string{"", "<@" + rep + "|sam>"} {
		h := b.history(args)
		text := blocksText(h.Blocks)
		if h.ResponseType == "in_channel" {
			t.Errorf("/coach history %s, with Sam's comment, answered in the channel", args)
		}
		if !strings.Contains(text, want) || !strings.Contains(text, "…”") {
			t.Errorf("/coach history %s does not show Sam's comment, cut:\n%s", args, text)
		}
		if _, after, ok := strings.Cut(text, "“"); ok {
			shown, _, _ := strings.Cut(after, "”")
			if n := len([]rune(strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(shown))); n != 150 {
				t.Errorf("/coach history %s shows %d characters of the comment, want 150:\n%s", args, n, text)
			}
		}
		for _, leak := range []string{"<@" + other + ">", "2/5", "rated", "Rated"} {
			if strings.Contains(text, leak) {
				t.Errorf("/coach history %s shows %q:\n%s", args, leak, text)
			}
		}
	}
	if got := b.command(other, "history <@"+rep+"|sam>"); strings.Contains(got, "pricing") {
		t.Errorf("Olly reads Sam's comment to Max:\n%s", got)
	}
	noProblems(t, b.fake)
}

// A comment is the rep's word to the manager who logged the session: a
// leader's /coach history @rep, listing the sessions managers below them
// logged with the rep, shows none of it (as it shows no rating), and
// another manager's shows nothing of it either; the manager's own shows it.
func TestARepsCommentStaysWithTheManagerWhoLoggedTheSession(t *testing.T) {
	t.Parallel()
	b := surfacesOrg(t)
	svc, done := b.sideService()
	ctx := context.Background()
	sessions, err := svc.History(ctx, mgr, rep, 10)
	if err != nil {
		t.Fatal(err)
	}
	commented := 0
	for _, s := range sessions {
		if r, ok := s.Rep(rep); ok && r.Status == coaching.StatusConfirmed {
			a := coaching.RepAction{SessionID: s.ID, RepID: rep, ActorID: rep, Version: s.Version}
			if _, err := svc.Comment(ctx, a, "SECRET-TO-MAX about the 1:1"); err != nil {
				t.Fatal(err)
			}
			commented++
		}
	}
	done()
	if commented == 0 {
		t.Fatal("Sam confirmed none of Max's sessions to comment on")
	}
	mustContain(t, "Max's history of Sam", b.command(mgr, "history <@"+rep+"|sam>"), "“SECRET-TO-MAX about the 1:1”")
	mustContain(t, "Max's history", b.command(mgr, "history"), "“SECRET-TO-MAX about the 1:1”")
	got := b.command(vera, "history <@"+rep+"|sam>")
	mustContain(t, "Vera's history of Sam", got, "by managers below you", "by <@"+mgr+">")
	if strings.Contains(got, "SECRET-TO-MAX") {
		t.Errorf("Vera, a leader above Max, reads Sam's comment to him:\n%s", got)
	}
	if got := b.command(mia, "history <@"+rep+"|sam>"); strings.Contains(got, "SECRET-TO-MAX") {
		t.Errorf("Mia, another manager, reads Sam's comment to Max:\n%s", got)
	}
}
