package assist_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/assist"
	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeopenai"
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
	if in.MoreCommitments != 0 {
		t.Errorf("more commitments %d, want none", in.MoreCommitments)
	}
	facts.MoreCommitments = 5
	if in := assist.PrepInput(facts, nil, today, trend, 14); in.MoreCommitments != 5 {
		t.Errorf("more commitments %d, want the prep's 5", in.MoreCommitments)
	}
	facts.CadenceDays = 7
	if in := assist.PrepInput(facts, nil, today, trend, 14); in.Trend.CadenceDays != 7 {
		t.Errorf("the manager's own cadence: %d, want 7", in.Trend.CadenceDays)
	}
}

// A model that does not answer holds the brief no longer than its budget:
// the manager gets the plain list, told first that the summary is coming.
// Without a model nobody is told to wait, since nothing is waited for.
func TestPrepBriefWaitsForTheModelAtMostItsBudget(t *testing.T) {
	for _, tt := range []struct {
		name        string
		notes       bool
		wantWriting int
	}{
		{"notes may reach the model", true, 1},
		{"the plain list only", false, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ai := fakeopenai.New()
			if err := ai.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = ai.Close() })
			ai.Enqueue(fakeopenai.Hang(), fakeopenai.Hang())
			svc, st, _ := org(t)
			ctx := context.Background()
			d := coaching.Draft{RepIDs: []string{"USAM"}, Kind: coaching.KindOneOnOne, OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 27}, DurationMin: 30, Notes: "pricing"}
			if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMAX", Draft: d, Key: "k"}); err != nil {
				t.Fatal(err)
			}
			a := llm.New(llm.Config{APIKey: fakeopenai.DefaultKey, BaseURL: ai.URL(), Model: "gpt-4o-mini", Timeout: time.Minute, Notes: tt.notes}, llm.Options{})
			p := &assist.Prep{Service: svc, Trends: st, Writer: a.Prep, DefaultCadence: 14, ProseBudget: 200 * time.Millisecond}
			writing := 0
			start := time.Now()
			b, err := p.Brief(ctx, "UMAX", "USAM", func() { writing++ })
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("the brief took %v with a budget of 200ms", took)
			}
			if err != nil || b.Prose != "" || !strings.Contains(b.List, "pricing") {
				t.Fatalf("brief = %+v, %v; want the plain list with the notes", b, err)
			}
			if writing != tt.wantWriting {
				t.Errorf("told to wait %d times, want %d", writing, tt.wantWriting)
			}
		})
	}
}

// The brief names the rep and the manager it is for, nobody else Coachlog
// knows, whatever tree they are in and however the model writes them.
func TestPrepBriefNamesOnlyTheRepAndTheManager(t *testing.T) {
	ai := fakeopenai.New()
	if err := ai.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ai.Close() })
	ai.Enqueue(fakeopenai.Text("Pricing came up again, Max. tom hale pushed the same way. Ask Sam about pricing."))
	svc, st, _ := org(t)
	ctx := context.Background()
	d := coaching.Draft{RepIDs: []string{"USAM"}, Kind: coaching.KindOneOnOne, OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 27}, DurationMin: 30, Notes: "pricing"}
	if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMAX", Draft: d, Key: "k"}); err != nil {
		t.Fatal(err)
	}
	a := llm.New(llm.Config{APIKey: fakeopenai.DefaultKey, BaseURL: ai.URL(), Model: "gpt-4o-mini", Timeout: time.Minute, Notes: true}, llm.Options{})
	p := &assist.Prep{Service: svc, Trends: st, People: st, Writer: a.Prep, DefaultCadence: 14}
	b, err := p.Brief(ctx, "UMAX", "USAM", nil)
	if want := "Pricing came up again, Max. Ask Sam about pricing."; err != nil || b.Prose != want {
		t.Errorf("prose %q, %v; want %q", b.Prose, err, want)
	}
	if sent := ai.Requests()[0].Chat.Text(); strings.Contains(sent, "Max") || strings.Contains(sent, "Tom") {
		t.Errorf("a name was sent:\n%s", sent)
	}
}
