package quickcapture

import (
	"testing"
)

// A review found "<@U1> 1:1 30m tomorrow" logged at once, dated today
// with notes "tomorrow", and the rep asked to confirm coaching that had
// not happened: a manager jotting a plan logged false coaching. Words
// that can only put the session ahead, where the date would be and with
// no date given, now open the form saying so; the notes keep them.
func TestWordsForADayAheadAreAPlanNotNotes(t *testing.T) {
	for _, tt := range []struct{ line, ahead, notes string }{
		{"<@U1> 1:1 30m tomorrow", "tomorrow", "tomorrow"},
		{"<@U1> 1:1 30m Tomorrow: pricing", "Tomorrow", "Tomorrow: pricing"},
		{"<@U1> 1:1 30m tmrw", "tmrw", "tmrw"},
		// Notes may start with it too ("he sends the deck"): the form
		// keeps them, and one tap logs them once the date is right; a
		// plan logged costs a false session and a rep's DM.
		{"<@U1> 1:1 30m tomorrow he sends the deck", "tomorrow", "tomorrow he sends the deck"},
		{"<@U1> 1:1 30m next week: recap to Acme", "next week", "next week: recap to Acme"},
		{"<@U1> 1:1 30m - next week pricing", "next week", "next week pricing"},
		{"<@U1> 1:1 30m next monday", "next monday", "next monday"},
		{"<@U1> 1:1 30m next fri", "next fri", "next fri"},
		{"<@U1> 1:1 30m this coming thursday", "this coming thursday", "this coming thursday"},
		{"<@U1> 1:1 30m in 2 days", "in 2 days", "in 2 days"},
		{"<@U1> 1:1 30m in a week", "in a week", "in a week"},
		{"<@U1> 1:1 30m for next week", "next week", "for next week"},
		// Before the header is complete: the rest is read as a sentence.
		{"<@U1> tomorrow 1:1 30m", "tomorrow", "tomorrow 1:1 30m"},
		{"<@U1> next mon 1:1 30m", "next mon", "next mon 1:1 30m"},
	} {
		got := Parse(tt.line, wednesday)
		if got.Clear() || got.Ahead != tt.ahead || got.Draft.Notes != tt.notes || got.Draft.OccurredOn != wednesday || len(got.Doubts) > 0 {
			t.Errorf("Parse(%q): clear %v, ahead %q, notes %q, on %s, doubts %q; want unclear, ahead %q, notes %q, today, no doubt",
				tt.line, got.Clear(), got.Ahead, got.Draft.Notes, got.Draft.OccurredOn, got.Doubts, tt.ahead, tt.notes)
		}
	}
	// What is not clearly ahead stays notes, and so does anything after a
	// date: the date says the session happened, and the notes say what
	// comes next.
	for _, line := range []string{
		"<@U1> 1:1 30m next steps: send the proposal",
		"<@U1> 1:1 30m next quarter pipeline is thin",
		"<@U1> 1:1 30m tomorrow's demo prep",
		"<@U1> 1:1 30m pricing, call back tomorrow",
		"<@U1> 1:1 30m yesterday next week we role-play pricing",
		"<@U1> yesterday 1:1 30m tomorrow he presents",
		"<@U1> 1:1 30m in 2 calls he closed",
		"<@U1> 1:1 30m next, week over week growth",
	} {
		if got := Parse(line, wednesday); !got.Clear() || got.Ahead != "" {
			t.Errorf("Parse(%q): clear %v, ahead %q; want clear, nothing ahead", line, got.Clear(), got.Ahead)
		}
	}
}
