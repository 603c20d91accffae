package slackbot

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/metrics"
)

// A leader's quality line says how many ratings their tree's mean leaves
// out (managers with under 3 each), so that "over 3 ratings" is not read as
// every rating their reps gave; a manager's own line has nothing left out.
func TestQualityLineCountsTheRatingsATreeLeavesOut(t *testing.T) {
	mean := 4.25
	for _, tt := range []struct {
		name string
		m    metrics.Metrics
		tree bool
		want string
	}{
		{"a manager under 3", metrics.Metrics{Ratings: 2}, false, "rating shown from 3 ratings (2 so far)"},
		{"a manager's mean", metrics.Metrics{Ratings: 4, MeanRating: &mean}, false, "rated 4.2 of 5 on average over 4 ratings ·"},
		{"a tree pooling all", metrics.Metrics{Ratings: 4, MeanRating: &mean}, true, "rated 4.2 of 5 on average over 4 ratings ·"},
		{"a tree leaving some out", metrics.Metrics{Ratings: 4, MeanRating: &mean, RatingsApart: 2}, true,
			"rated 4.2 of 5 on average over 4 ratings; 2 more left out (managers with under 3) ·"},
		{"a tree with no mean yet", metrics.Metrics{RatingsApart: 2}, true, "rating shown once a manager has 3 ratings (2 so far)"},
		// A large organisation's counts read as the digest prints them.
		{"a large tree", metrics.Metrics{Ratings: 12400, MeanRating: &mean, RatingsApart: 1530}, true,
			"rated 4.2 of 5 on average over 12,400 ratings; 1,530 more left out (managers with under 3) ·"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := qualityLine(tt.m, tt.tree); !strings.HasPrefix(got, tt.want) {
				t.Errorf("qualityLine = %q, want it to start %q", got, tt.want)
			}
		})
	}
}

// A leader's report over 20,000 reps counts them as the digest does.
func TestReportFiguresGroupThousands(t *testing.T) {
	share := 0.75
	f := metrics.Figures{ID: "U0VP", Leader: true, ManagerIDs: []string{"U1"},
		Metrics: metrics.Metrics{Sessions: 4200, Minutes: 151000, Reps: 20000, Covered: 15000, Coverage: &share, Overdue: 5000,
			Pairs: 4400, Confirmed: 3300, Disputed: 100, Pending: 1000, ConfirmationRate: &share}}
	line := scopeLine(f)
	for _, want := range []string{"4,200 sessions", "151,000 min", "15,000/20,000 reps", "5,000 overdue", "of 4,400 requests confirmed"} {
		if !strings.Contains(line, want) {
			t.Errorf("%q lacks %q", line, want)
		}
	}
}

// The ride-alongs of a leader's tree, thousands a week over 20,000 reps,
// read as the report's other counts do.
func TestRideLineGroupsThousands(t *testing.T) {
	for _, tt := range []struct {
		r    metrics.RoleCounts
		want string
	}{
		{metrics.RoleCounts{}, "none"},
		{metrics.RoleCounts{Lead: 4, Participant: 1}, "4 took the lead · 1 passive participant · 0 silent observer"},
		{metrics.RoleCounts{Lead: 1200, Participant: 310, Observer: 4500}, "1,200 took the lead · 310 passive participant · 4,500 silent observer"},
	} {
		if got := rideLine(tt.r); got != tt.want {
			t.Errorf("rideLine(%+v) = %q, want %q", tt.r, got, tt.want)
		}
	}
}
