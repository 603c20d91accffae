package metrics

import (
	"fmt"
	"strings"
	"testing"
)

// A leader's findings over 2,000 managers count thousands of ride-alongs,
// manager-weeks, requests and reps: each is written as the digest's other
// counts are (Count), in the App Home and /coach stats that read Text and
// in the channel that reads Public.
func TestInsightsGroupThousands(t *testing.T) {
	tree := tally{rides: [3]int{1100, 50, 50}, weeks: 8000, weeksMet: 2000, before: 8000, beforeMet: 7000,
		pairs: 4400, confirmed: 1200, young: 1500}
	found := map[InsightKind]Insight{}
	for _, i := range scopeInsights(&tree, "Managers below you ", "Managers in this tree ") {
		found[i.Kind] = i
	}
	var many []RepDose
	for i := range 1210 {
		many = append(many, RepDose{ID: fmt.Sprintf("UR%04d", i), Name: "Rep", Monthly: 1})
	}
	for _, tt := range []struct {
		name, text, want string
	}{
		{"always leads", found[InsightAlwaysLeads].Text, "took the lead on 1,100 of 1,200 ride-alongs"},
		{"always leads, in the channel", found[InsightAlwaysLeads].Public(), "took the lead on 1,100 of 1,200 ride-alongs"},
		{"cadence slipping", found[InsightCadenceSlipping].Text, "at the end of 2,000 of 8,000 manager-weeks in the last 4 weeks, against 7,000 of 8,000"},
		{"unconfirmed", found[InsightUnconfirmed].Text, "Reps confirmed only 1,200 of 4,400 requests to confirm"},
		{"unconfirmed, sent lately", found[InsightUnconfirmed].Text, "; 1,500 of them were sent in the last"},
		{"dose counted", doseCount(InsightDoseLow, 1200), "1,200 reps got under 3 h"},
		{"dose named", doseInsight(InsightDoseLow, many).Text, "1,210 reps got under 3 h"},
		{"dose named, the rest counted", doseInsight(InsightDoseLow, many).Text, ", and 1,200 more."},
		{"low-rated", lowRatedText("Max", 3.2, 1200), "Max's sessions are rated 3.2 on average over 1,200 ratings"},
	} {
		if !strings.Contains(tt.text, tt.want) {
			t.Errorf("%s: %q lacks %q", tt.name, tt.text, tt.want)
		}
	}
}
