package slackbot

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
)

// The words after a click that asked for the answer given already say
// which answer stands, on which session, and that nothing changed.
func TestAnsweredTextSaysWhichAnswerStands(t *testing.T) {
	s := coaching.Session{ID: 9, ManagerID: "U0MAX", Kind: coaching.KindOneOnOne, OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 20},
		DurationMin: 30, Version: 1}
	for _, tt := range []struct {
		name     string
		actionID string
		rep      coaching.SessionRep
		want     string
	}{
		{"Confirm, confirmed", actConfirm, coaching.SessionRep{RepID: "U0SAM", Status: coaching.StatusConfirmed},
			"You confirmed this session already, so nothing changed: <@U0MAX> logged a *1:1* with you"},
		{"Confirm, confirmed and rated", actConfirm, coaching.SessionRep{RepID: "U0SAM", Status: coaching.StatusConfirmed, Rating: 2},
			"You confirmed this session already and rated it 2/5, so nothing changed: <@U0MAX> logged a *1:1* with you"},
		{"the rating given", actRatePfx + "4", coaching.SessionRep{RepID: "U0SAM", Status: coaching.StatusConfirmed, Rating: 4},
			"You rated this session 4/5 already, so nothing changed: <@U0MAX> logged a *1:1* with you"},
		{"Not accurate, marked so", actDispute, coaching.SessionRep{RepID: "U0SAM", Status: coaching.StatusDisputed},
			"You marked this session not accurate already, so nothing changed: <@U0MAX> logged a *1:1* with you"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := s
			s.Reps = []coaching.SessionRep{tt.rep}
			got := answeredText(tt.actionID, s, "U0SAM")
			if !strings.Contains(got, tt.want) || !strings.Contains(got, "30 min") {
				t.Errorf("answeredText = %q, want it to hold %q and the session's 30 min", got, tt.want)
			}
		})
	}
}
