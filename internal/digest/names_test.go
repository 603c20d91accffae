package digest_test

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/digest"
	"github.com/coachlog/coachlog/internal/digest/digesttest"
	"github.com/coachlog/coachlog/internal/metrics"
)

// mrkdwn is every text of m that Slack reads as mrkdwn: its notification
// text and its blocks' but the headers' (plain_text).
func mrkdwn(m digest.Message) string {
	texts := []string{m.Text}
	for _, b := range m.Blocks {
		if b.Type != digest.Header {
			texts = append(texts, b.Text)
			texts = append(texts, b.Fields...)
		}
	}
	return strings.Join(texts, "\n")
}

// Names are shown as written: Slack reads *, _, ~ and ` in mrkdwn as
// formatting, so a manager named "Ann *Pat*" would show Pat bold and break
// the bold around the name, "~Lee~" would be struck and "_j_doe_2" open
// italics (its inner underscores stay: Slack reads none inside a word). The marks are
// shown as look-alikes in the blocks and the notification text; the plain
// text (--dry-run) keeps the names as they are.
func TestNamesShowTheirFormattingMarksAsWritten(t *testing.T) {
	week := coaching.Week{Year: 2026, Week: 47}
	one := 1.0
	mk := func(id, name string) metrics.Figures {
		return metrics.Figures{ID: id, Name: name, LeaderID: "ULEE", CadenceDays: 14,
			Metrics: metrics.Metrics{Sessions: 2, Minutes: 60, Reps: 1, Covered: 1, Coverage: &one}}
	}
	jd, ann := mk("UJD", "_j_doe_2"), mk("UANN", "Ann *Pat*")
	lee := metrics.Figures{ID: "ULEE", Name: "~Lee~ `x", Leader: true, ManagerIDs: []string{"UJD", "UANN"}, Metrics: jd.Metrics}
	lou := metrics.Figures{ID: "ULOU", Name: "Lou_", Leader: true}
	r := &metrics.Report{Period: metrics.Period{From: week.Monday(), To: week.Sunday()},
		Org: lee, Leaders: []metrics.Figures{lou, lee}, Managers: []metrics.Figures{jd, ann}}
	d := digest.Build(r, week, digest.Options{})
	var md strings.Builder
	for _, m := range d.Messages {
		md.WriteString(mrkdwn(m) + "\n")
	}
	for _, want := range []string{"*ˍj_doe_2*", "*Ann ∗Pat∗*", "below ∼Lee∼ ˋx is the whole organisation", "No managers below Louˍ in"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("the digest's mrkdwn does not show %q:\n%s", want, md.String())
		}
	}
	for _, bad := range []string{"_j_doe", "*Pat*", "~Lee~", "`x", "Lou_"} {
		if strings.Contains(md.String(), bad) {
			t.Errorf("the digest's mrkdwn holds %q as markup:\n%s", bad, md.String())
		}
	}
	if text := d.Text(); !strings.Contains(text, "_j_doe_2") || !strings.Contains(text, "Ann *Pat*") {
		t.Errorf("the plain text changed the names:\n%s", text)
	}
}

// The headline of a digest split over a thread has a line per leader,
// each led by the leader's name in bold: names with marks would pair
// across the lines ("_j_doe_2" with "Lou_", "Ann *Pat*" closing the
// bold early) unless shown as written. The notification texts of the
// replies name their leader the same way.
func TestLeaderLinesShowNamesAsWritten(t *testing.T) {
	r := digesttest.LargeOrg(200, 4)
	r.Leaders[0].Name, r.Leaders[1].Name = "_j_doe_2", "Ann *Pat*"
	d := digest.Build(r, digesttest.Week, digest.Options{})
	if len(d.Messages) < 3 {
		t.Fatalf("%d messages: the organisation should need several", len(d.Messages))
	}
	head := mrkdwn(d.Messages[0])
	for _, want := range []string{"*ˍj_doe_2* · ", "*Ann ∗Pat∗* · "} {
		if !strings.Contains(head, want) {
			t.Errorf("the headline's leader lines do not show %q:\n%s", want, head)
		}
	}
	for i, m := range d.Messages {
		if strings.ContainsAny(m.Text, "*~`") || strings.Contains(m.Text, "_j") {
			t.Errorf("message %d's text holds a formatting mark: %q", i, m.Text)
		}
		for _, bad := range []string{"_j_doe", "*Pat*"} {
			if strings.Contains(mrkdwn(m), bad) {
				t.Errorf("message %d's mrkdwn holds %q", i, bad)
			}
		}
	}
}
