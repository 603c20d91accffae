package slackbot

import (
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/quickcapture"
)

// A review found the LLM fill-in's notice listing fields with bare commas
// ("Still to fill in: who, how long."), where the rule path's notice
// reads as a sentence ("I couldn't tell what kind or how long."). Both
// now join lists the same way, with the same helpers.
func TestProseNoticesListFieldsAsASentence(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{missingNotice(coaching.Draft{}), "Still to fill in: who, what kind and how long."},
		{missingNotice(coaching.Draft{Kind: coaching.KindOneOnOne}), "Still to fill in: who and how long."},
		{missingNotice(coaching.Draft{Kind: coaching.KindOneOnOne, RepIDs: []string{"U1"}}), "Still to fill in: how long."},
		{filledNotice([]string{"who", "notes"}, []string{"focus skills", "commitments"}),
			":sparkles: Filled in from your note: who and notes. Guessed, your note doesn't say: focus skills and commitments. Check it all before you log it."},
		{filledNotice([]string{"who", "what kind", "notes"}, nil),
			":sparkles: Filled in from your note: who, what kind and notes. Check it all before you log it."},
		// A problem the parser found is a clause, shown as a sentence.
		{unreadParts(quickcapture.Result{Problems: []string{"two durations given: 30m and 1h"}})[0], "Two durations given: 30m and 1h."},
	} {
		if tt.got != tt.want {
			t.Errorf("notice %q, want %q", tt.got, tt.want)
		}
	}
}
