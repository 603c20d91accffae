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
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := qualityLine(tt.m, tt.tree); !strings.HasPrefix(got, tt.want) {
				t.Errorf("qualityLine = %q, want it to start %q", got, tt.want)
			}
		})
	}
}
