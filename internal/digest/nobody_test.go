package digest_test

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/digest"
	"github.com/coachlog/coachlog/internal/metrics"
)

// A leader the roster names with nobody below them yet (a new VP, a
// reorganisation half done) is named in the digest with one line saying
// so, not a section of zeros and dashes that reads as an organisation
// that stopped coaching.
func TestALeaderWithNobodyBelowIsOneLine(t *testing.T) {
	week := coaching.Week{Year: 2026, Week: 47}
	one := 1.0
	m := metrics.Figures{ID: "UMAX", Name: "Max", LeaderID: "UVIC", CadenceDays: 14,
		Metrics: metrics.Metrics{Sessions: 2, Minutes: 60, Reps: 1, Covered: 1, Coverage: &one}}
	vic := metrics.Figures{ID: "UVIC", Name: "Vic", Leader: true, ManagerIDs: []string{"UMAX"}, Metrics: m.Metrics}
	lou := metrics.Figures{ID: "ULOU", Name: "Lou", Leader: true}
	r := &metrics.Report{Period: metrics.Period{From: week.Monday(), To: week.Sunday()},
		Org: vic, Leaders: []metrics.Figures{lou, vic}, Managers: []metrics.Figures{m}}
	text := digest.Build(r, week, digest.Options{}).Text()
	_, lous, _ := strings.Cut(text, "\nLou\n")
	lous, _, _ = strings.Cut(lous, "\nVic\n")
	if !strings.Contains(lous, "No managers below Lou in the roster yet") || strings.Contains(lous, "Coverage") {
		t.Errorf("Lou's part of the digest:\n%s\n---- whole digest:\n%s", lous, text)
	}
}
