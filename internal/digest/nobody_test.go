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

// The headline's "by N of M managers" counts the managers who logged
// coaching in the week, out of every manager listed: a week where one of
// four logged nothing was coached "by 3 of 4 managers", not "by 3
// managers" above a body listing four. A week nobody coached names no one.
func TestTheHeadlineCountsTheManagersWhoCoached(t *testing.T) {
	week := coaching.Week{Year: 2026, Week: 47}
	for _, tc := range []struct {
		name     string
		sessions []int // per manager
		want     string
	}{
		{"one of four logged nothing", []int{3, 0, 2, 1}, "6 sessions and 180 minutes of coaching by 3 of 4 managers for 4 reps not away."},
		{"one of two logged nothing", []int{0, 2}, "2 sessions and 60 minutes of coaching by 1 of 2 managers for 2 reps not away."},
		{"both logged some", []int{1, 2}, "3 sessions and 90 minutes of coaching by both managers for 2 reps not away."},
		{"the only manager logged some", []int{2}, "2 sessions and 60 minutes of coaching by the only manager for 1 rep not away."},
		{"nobody logged anything", []int{0, 0}, "0 sessions and 0 minutes of coaching for 2 reps not away."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &metrics.Report{Period: metrics.Period{From: week.Monday(), To: week.Sunday()}}
			for i, n := range tc.sessions {
				m := metrics.Figures{ID: "UM" + string(rune('A'+i)), Name: "Manager " + string(rune('A'+i)), CadenceDays: 14,
					Metrics: metrics.Metrics{Sessions: n, Minutes: 30 * n, Reps: 1}}
				r.Managers = append(r.Managers, m)
				r.Org.Metrics.Sessions += n
				r.Org.Metrics.Minutes += 30 * n
				r.Org.Metrics.Reps++
			}
			r.Org.Leader, r.Org.Name = true, metrics.OrgName
			text := digest.Build(r, week, digest.Options{}).Text()
			if _, rest, _ := strings.Cut(text, "=\n"); !strings.HasPrefix(rest, tc.want+"\n") {
				t.Errorf("headline of\n%s\nwant %q", text, tc.want)
			}
		})
	}
}
