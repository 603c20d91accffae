package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// The rep's DM says who may read the session's notes, true for the
// session and the running configuration: the leaders above the manager
// for a shared session (it said "shared with the leaders above" after
// "you and @manager"), and the LLM when the admin let notes reach it (a
// key and COACHLOG_LLM_NOTES=on: the manager's prep brief sends them);
// a key alone sends no note, and the label says nothing of it. The rep's
// /coach help says the same, and that whoever runs Coachlog can export
// the notes (`coachlog export --with-notes`), which no label carries.
func TestTheRepIsToldWhoMayReadTheNotes(t *testing.T) {
	t.Parallel()
	ai := startOpenAI(t)
	for _, tt := range []struct {
		name    string
		env     []string
		private string // the label of a one-rep private session
		shared  string
		ai      bool
	}{
		{"no LLM", nil, "*Notes* (you and <@" + mgr + ">)", "*Notes* (you, <@" + mgr + "> and <@" + mgr + ">'s leaders)", false},
		{"a key, notes off", llmEnv(ai, false), "*Notes* (you and <@" + mgr + ">)", "*Notes* (you, <@" + mgr + "> and <@" + mgr + ">'s leaders)", false},
		{"a key, notes on", llmEnv(ai, true), "*Notes* (you and <@" + mgr + ">; may go to an AI model, names removed)",
			"*Notes* (you, <@" + mgr + "> and <@" + mgr + ">'s leaders; may go to an AI model, names removed)", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := startBot(t, tt.env...)
			b.importRoster(t)
			viewID, _ := b.openModal("")
			if _, ack := b.submit(viewID, values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", "")); len(ack) != 0 {
				t.Fatalf("ack = %s", ack)
			}
			dm := b.dm(rep, 1)
			if text := blocksText(dm.Blocks); !strings.Contains(text, tt.private+"\n") {
				t.Errorf("a private session's DM says who reads the notes as:\n%s\nwant %s", text, tt.private)
			}
			// The rep's own words go to the model too (the prep brief
			// sends comments and reasons): each form says so, as the
			// label says it of the notes.
			if _, err := b.fake.ClickButton(ctxT(t), rep, dm.Channel, dm.TS, "rep_confirm"); err != nil {
				t.Fatal(err)
			}
			comment := blocksText(json.RawMessage(b.viewsOpen(b.clickComment(dm)).Param("view"))) // the view's text, its JSON escapes read
			mustContain(t, "the comment form", comment, "<@"+mgr+"> logged this session and can read your comment")
			if got := strings.Contains(comment, "AI model"); got != tt.ai {
				t.Errorf("the comment form speaks of an AI model: %v, want %v:\n%s", got, tt.ai, comment)
			}
			viewID, _ = b.openModal("")
			v := values([]string{rep2}, "one_on_one", b.today("America/New_York"), "30", "")
			v["visibility"] = map[string]any{"visibility": fakeslack.RadioValue("shared")}
			if _, ack := b.submit(viewID, v); len(ack) != 0 {
				t.Fatalf("ack = %s", ack)
			}
			dm = b.dm(rep2, 1)
			if text := blocksText(dm.Blocks); !strings.Contains(text, tt.shared+"\n") {
				t.Errorf("a shared session's DM says who reads the notes as:\n%s\nwant %s", text, tt.shared)
			}
			reason := blocksText(json.RawMessage(b.viewsOpen(b.must(b.fake.ClickButton(ctxT(t), rep2, dm.Channel, dm.TS, "rep_dispute"))).Param("view")))
			mustContain(t, "the not-accurate form", reason, "<@"+mgr+"> logged this session: they get what you write here")
			if got := strings.Contains(reason, "AI model"); got != tt.ai {
				t.Errorf("the not-accurate form speaks of an AI model: %v, want %v:\n%s", got, tt.ai, reason)
			}
			help := b.command(rep, "help")
			mustContain(t, "the rep's help", help, "leaders above them read them only if shared", "Whoever runs Coachlog for your company can export them")
			if got := strings.Contains(help, "AI model"); got != tt.ai {
				t.Errorf("the rep's help speaks of an AI model: %v, want %v:\n%s", got, tt.ai, help)
			}
		})
	}
}
