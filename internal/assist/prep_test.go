package assist_test

import (
	"slices"
	"testing"

	"github.com/coachlog/coachlog/internal/assist"
	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/llm"
	"github.com/coachlog/coachlog/internal/metrics"
)

// A brief shows each session as the rep saw it, skills by their labels,
// the numbers as the metrics gave them, and the default cadence for a
// manager without their own.
func TestPrepInputShowsTheRepsSideAndTheMetricsNumbers(t *testing.T) {
	today := coaching.Date{Year: 2026, Month: 11, Day: 26}
	facts := coaching.Prep{
		Rep: coaching.Person{ID: "USAM", Name: "Sam"},
		Sessions: []coaching.Session{{OccurredOn: today.AddDays(-2), Kind: coaching.KindTeamMeeting, DurationMin: 60,
			Skills: []string{"discovery", "gone_skill"}, Notes: "drills",
			Reps: []coaching.SessionRep{{RepID: "URIA", Status: coaching.StatusDisputed, DisputeReason: "not Ria's"},
				{RepID: "USAM", Status: coaching.StatusConfirmed, Comment: "useful", Rating: 2}}}},
		Commitments: []coaching.Commitment{{Text: "send the deck", CreatedOn: today.AddDays(-2), FollowUpOn: today.AddDays(3)}},
	}
	trend := metrics.RepTrend{Sessions: 3, Minutes: 80, PrevSessions: 1, PrevMinutes: 30, LastSession: today.AddDays(-2)}
	in := assist.PrepInput(facts, coaching.DefaultSkills(), today, trend, 14)
	s := in.Sessions[0]
	if in.RepName != "Sam" || s.Status != coaching.StatusConfirmed || s.Comment != "useful" || s.DisputeReason != "" ||
		!slices.Equal(s.Skills, []string{"Discovery", "gone_skill"}) || s.Notes != "drills" {
		t.Errorf("session as Sam saw it: %+v", s)
	}
	if want := (llm.Trend{Sessions: 3, Minutes: 80, PrevSessions: 1, PrevMinutes: 30, LastSession: today.AddDays(-2), CadenceDays: 14}); in.Trend != want {
		t.Errorf("trend %+v, want %+v", in.Trend, want)
	}
	if c := in.Commitments[0]; c.Text != "send the deck" || c.MadeOn != today.AddDays(-2) || c.FollowUpOn != today.AddDays(3) {
		t.Errorf("commitment %+v", c)
	}
	facts.CadenceDays = 7
	if in := assist.PrepInput(facts, nil, today, trend, 14); in.Trend.CadenceDays != 7 {
		t.Errorf("the manager's own cadence: %d, want 7", in.Trend.CadenceDays)
	}
}
