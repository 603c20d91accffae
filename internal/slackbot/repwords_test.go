package slackbot

import (
	"strings"
	"testing"
)

// The rep's Not accurate and comment forms say who reads what they write:
// the one who logged the session, named, not "your manager" (a director's
// ride-along, a former manager's or a peer's session is read by them, and
// the rep's manager reads none of it); and, when the admin let notes reach
// the LLM, that it may go to the model with the notes, as the DM's notes
// label says (the /coach prep brief sends the rep's comments and reasons).
func TestTheRepsFormsNameWhoReadsWhatTheyWrite(t *testing.T) {
	for _, tt := range []struct {
		name     string
		cb       string
		notesAI  bool
		want     []string
		wantNone []string
	}{
		{"not accurate", cbDispute, false,
			[]string{"<@U0DIR> logged this session: they get what you write here and can fix it."},
			[]string{"manager", "AI model"}},
		{"not accurate, notes to the LLM", cbDispute, true,
			[]string{"<@U0DIR> logged this session", "It may also go to an AI model, names removed, for their brief before your next session."},
			[]string{"manager"}},
		{"a comment", cbComment, false,
			[]string{"<@U0DIR> logged this session and can read your comment (your rating they see only as an average of three or more)."},
			[]string{"manager", "AI model"}},
		{"a comment, notes to the LLM", cbComment, true,
			[]string{"<@U0DIR> logged this session and can read your comment", "It may also go to an AI model, names removed, for their brief before your next session."},
			[]string{"manager"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := reasonModal(tt.cb, "", "U0DIR", modalMeta{SessionID: 1, RepID: "U0SAM", Version: 1}, tt.notesAI)
			checkView(t, v)
			text := blocksText(v.Blocks.BlockSet)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("the form does not say %q:\n%s", w, text)
				}
			}
			for _, w := range tt.wantNone {
				if strings.Contains(strings.ToLower(text), strings.ToLower(w)) {
					t.Errorf("the form says %q:\n%s", w, text)
				}
			}
		})
	}
}

// With notes let through to the LLM, the manager's /coach prep brief sends
// the rep's comments and reasons with the notes: the rep's help says so,
// not only of the notes.
func TestARepsHelpSaysTheirOwnWordsMayGoToTheModel(t *testing.T) {
	for _, notesAI := range []bool{false, true} {
		text := blocksText(repHelp(notesAI).Blocks)
		if got := strings.Contains(text, "with your comments and what you said was not accurate"); got != notesAI {
			t.Errorf("notes to the LLM %v: the help names the rep's comments and reasons: %v\n%s", notesAI, got, text)
		}
	}
}
