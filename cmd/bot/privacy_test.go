package main

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeopenai"
)

// Without OPENAI_API_KEY nothing ever reaches an LLM server, whatever else
// is set: a prose capture opens the form with the rule parser's reading, a
// prep brief is the plain list, the digest has no narrative.
func TestNoKeyNoRequestAtAll(t *testing.T) {
	t.Parallel()
	ai := startOpenAI(t)
	b := startBot(t, "OPENAI_BASE_URL", ai.URL(), "COACHLOG_LLM_NOTES", "on", "COACHLOG_TIMEZONE", "America/New_York")
	b.importTree(t)
	b.logSessionsWithAnswers()

	_, view := b.openModal(rodeAlong)
	f := formFields(view)
	if !ruleReading(f) || strings.Contains(f["notice"], "Filling in") || !strings.Contains(f["notice"], "I couldn't tell how long") {
		t.Errorf("without a key the form opens with the rule parser's reading: %v", f)
	}
	if got := b.command(mgr, "prep <@"+rep+"|sam>"); !strings.Contains(got, "Your notes: "+secretNote) || strings.Contains(got, ":memo:") {
		t.Errorf("prep without a key:\n%s", got)
	}
	if text := blocksText(b.digestAfterRestart().Blocks); strings.Contains(text, "Themes") {
		t.Errorf("a narrative without a key:\n%s", text)
	}
	if n := len(ai.Requests()); n != 0 {
		t.Fatalf("%d requests reached the LLM server without a key", n)
	}
	if !strings.Contains(b.logs.String(), "llm help off") {
		t.Error("the start does not say the LLM help is off")
	}
	if !strings.Contains(b.logs.String(), "COACHLOG_LLM_NOTES=on does nothing without OPENAI_API_KEY") {
		t.Error("the start does not say COACHLOG_LLM_NOTES=on does nothing without a key")
	}
}

// With a key and COACHLOG_LLM_NOTES off, the one thing sent is the line a
// manager typed for the model to read: no stored note, commitment, comment
// or dispute reason ever reaches it, through prose capture, prep or the
// digest (every request body is checked).
func TestNotesOffNoStoredTextReachesTheModel(t *testing.T) {
	t.Parallel()
	ai := startOpenAI(t)
	b := startBot(t, llmEnv(ai, false, "COACHLOG_TIMEZONE", "America/New_York")...)
	b.importTree(t)
	b.logSessionsWithAnswers()

	ai.Enqueue(fakeopenai.JSON(honestReading()))
	b.proseCapture(rodeAlong)
	for _, r := range []string{rep, rep2} {
		if got := b.command(mgr, "prep <@"+r+">"); strings.Contains(got, ":memo:") || !strings.Contains(got, "Your notes:") {
			t.Errorf("prep with notes off:\n%s", got)
		}
	}
	if text := blocksText(b.digestAfterRestart().Blocks); strings.Contains(text, "Themes") {
		t.Errorf("a narrative with notes off:\n%s", text)
	}

	reqs := ai.Requests()
	if len(reqs) != 1 || reqs[0].Chat.Format() != "json_schema" || !strings.Contains(reqs[0].Chat.Text(), "he nailed discovery") {
		t.Fatalf("%d requests; want only the prose capture of the typed line", len(reqs))
	}
	for _, r := range reqs {
		body := string(r.Body) + r.Chat.Text()
		for _, s := range []string{secretNote, secretPrivate, secretComment, secretReason, secretCommit, "Marmalade", "Quokka", "Gooseberry", "Platypus", "Walrus"} {
			if strings.Contains(body, s) {
				t.Errorf("%q reached the model with COACHLOG_LLM_NOTES off", s)
			}
		}
	}
	b.noSecretsLogged()
}
