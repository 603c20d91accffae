package slackbot

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

// doseNaming is a manager's figures whose "under 3 h" finding names reps
// as the metrics write it, by the names people chose.
func doseNaming(id string, names ...string) metrics.Figures {
	f := fullFigures(id, false)
	var named []string
	for _, n := range names {
		named = append(named, n+" (1.0 h)")
	}
	f.Insights = []metrics.Insight{{Kind: metrics.InsightDoseLow, Value: float64(len(names)),
		Text: "2 reps got under 3 h of coaching a month over the last 4 weeks: " + strings.Join(named, ", ") + "."}}
	return f
}

// checkNamesAsWritten fails when the mrkdwn of blocks reads a name's marks
// as formatting: "_j_doe_2" italic, "Ann *Pat*" bold.
func checkNamesAsWritten(t *testing.T, blocks []slack.Block) {
	t.Helper()
	text := blocksText(blocks)
	if want := "ˍj_doe_2 (1.0 h), Ann ∗Pat∗ (1.0 h)"; !strings.Contains(text, want) {
		t.Errorf("the finding does not name the reps as written (%q):\n%s", want, text)
	}
	for _, bad := range []string{"_j_doe", "*Pat*"} {
		if strings.Contains(text, bad) {
			t.Errorf("the mrkdwn holds %q, which Slack reads as formatting:\n%s", bad, text)
		}
	}
}

// The App Home's "under 3 h" finding names a manager's reps: their names'
// marks are shown as written, not read as italics or bold.
func TestHomeFindingShowsNamesAsWritten(t *testing.T) {
	f := doseNaming("UM0", "_j_doe_2", "Ann *Pat*")
	h := home{person: coaching.Person{ID: "UM0", Roles: []string{coaching.PersonManager}, Active: true, InRoster: true},
		manager: true, period: week48, report: &metrics.Report{Period: week48, Managers: []metrics.Figures{f}}}
	checkNamesAsWritten(t, h.blocks())
}

// /coach stats shows the same finding, and the same names as written.
func TestStatsFindingShowsNamesAsWritten(t *testing.T) {
	r := &metrics.Report{Period: week48, Managers: []metrics.Figures{doseNaming("UM0", "_j_doe_2", "Ann *Pat*")}}
	m := statsMessage(r, r, coaching.Person{ID: "UM0", Roles: []string{coaching.PersonManager}, Active: true, InRoster: true}, true, false)
	checkNamesAsWritten(t, m.Blocks)
}
