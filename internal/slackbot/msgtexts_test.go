package slackbot

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
)

// textSession is a ride-along Max logged with Sam, notes and a commitment
// written, for the texts of the messages about it.
func textSession() coaching.Session {
	return coaching.Session{ID: 7, ManagerID: "UMAX", Kind: coaching.KindRideAlong, Role: coaching.RoleLead, DurationMin: 45,
		OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 30}, Notes: "secret notes", Version: 1,
		Commitments: []coaching.Commitment{{RepID: "USAM", Text: "secret commitment"}},
		Reps:        []coaching.SessionRep{{RepID: "USAM", Status: coaching.StatusPending}}}
}

// A rep's DM's text is what their phone's notification and a screen reader
// give: it follows the state the blocks show (confirmed, rated, not
// accurate, asked again after an edit), never what anyone wrote.
func TestRepDMTextFollowsTheState(t *testing.T) {
	const logged = "<@UMAX> logged a ride-along with you on Mon 30 Nov 2026"
	for _, tt := range []struct {
		name string
		rep  coaching.SessionRep
		want string
	}{
		{"asked", coaching.SessionRep{Status: coaching.StatusPending}, logged + ": please confirm"},
		{"confirmed", coaching.SessionRep{Status: coaching.StatusConfirmed, Comment: "secret comment"}, logged + ": you confirmed it"},
		{"confirmed and rated", coaching.SessionRep{Status: coaching.StatusConfirmed, Rating: 2}, logged + ": you confirmed it (rated 2/5)"},
		{"not accurate", coaching.SessionRep{Status: coaching.StatusDisputed, DisputeReason: "secret reason"}, logged + ": you marked it not accurate"},
		{"asked again after an edit", coaching.SessionRep{Status: coaching.StatusPending, ChangeNote: "date Sun 29 Nov 2026 → Mon 30 Nov 2026"},
			"Updated (date Sun 29 Nov 2026 → Mon 30 Nov 2026): " + logged + ": please confirm again"},
		{"an edit with markup", coaching.SessionRep{Status: coaching.StatusPending, ChangeNote: "added <@URIA> & <!channel>"},
			"Updated (added <@URIA> &amp; &lt;!channel&gt;): " + logged + ": please confirm again"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := textSession()
			tt.rep.RepID = "USAM"
			s.Reps = []coaching.SessionRep{tt.rep}
			if strings.Contains(tt.rep.ChangeNote, "URIA") {
				s.Reps = append(s.Reps, coaching.SessionRep{RepID: "URIA", Status: coaching.StatusPending})
			}
			got := repDM(s, "USAM", coaching.DefaultSkills()).Text
			if got != tt.want {
				t.Errorf("text = %q\nwant   %q", got, tt.want)
			}
			if strings.Contains(got, "secret") {
				t.Errorf("text tells what someone wrote: %q", got)
			}
		})
	}
}
