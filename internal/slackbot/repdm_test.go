package slackbot

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
)

// A follow-up date set without commitments is in the rep's DM: the form
// takes one without the other, and the DM showed the day only beside
// commitments, so such a rep never learnt it.
func TestTheRepDMSaysTheFollowUpWithOrWithoutCommitments(t *testing.T) {
	day := coaching.Date{Year: 2026, Month: 11, Day: 18}
	follow := coaching.Date{Year: 2026, Month: 11, Day: 25}
	for _, tt := range []struct {
		name        string
		commitments []coaching.Commitment
		followUp    coaching.Date
		want, not   string
	}{
		{"a follow-up alone", nil, follow, "*Follow up* Wed 25 Nov 2026", "*Commitments*"},
		{"a follow-up with commitments", []coaching.Commitment{{RepID: "UR", Text: "Send the recap"}}, follow,
			"*Commitments* · follow up Wed 25 Nov 2026", "*Follow up*"},
		{"another rep's commitments only", []coaching.Commitment{{RepID: "UKIM", Text: "Send the recap"}}, follow,
			"*Follow up* Wed 25 Nov 2026", "Send the recap"},
		{"neither", nil, coaching.Date{}, "", "ollow up"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := coaching.Session{ID: 1, ManagerID: "UMGR", Kind: coaching.KindOneOnOne, DurationMin: 30, OccurredOn: day,
				FollowUpOn: tt.followUp, Version: 1, Commitments: tt.commitments,
				Reps: []coaching.SessionRep{{RepID: "UR", Status: coaching.StatusPending}, {RepID: "UKIM", Status: coaching.StatusPending}}}
			m := repDM(s, "UR", nil, false)
			checkLimits(t, m)
			got := blocksText(m.Blocks)
			if !strings.Contains(got, tt.want) || strings.Contains(got, tt.not) {
				t.Errorf("DM = %q, want %q and no %q", got, tt.want, tt.not)
			}
		})
	}
}
