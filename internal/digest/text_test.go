package digest_test

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/digest"
	"github.com/coachlog/coachlog/internal/digest/digesttest"
)

// A message's text is what a phone's notification and a screen reader
// give, and Slack reads it as mrkdwn: a name in it is escaped, or a leader
// named "R&D <!channel> Ops" pings the whole channel. Each message of a
// digest split over several says which it is, and the headline says the
// week's dates as a digest in one message does.
func TestMessageTextsAreEscapedAndTellThePartsApart(t *testing.T) {
	r := digesttest.LargeOrg(200, 4)
	r.Leaders[0].Name = "R&D <!channel> Ops"
	d := digest.Build(r, digesttest.Week, digest.Options{})
	if len(d.Messages) < 3 {
		t.Fatalf("%d messages: the organisation should need several", len(d.Messages))
	}
	seen := map[string]bool{}
	for i, m := range d.Messages {
		if strings.ContainsAny(m.Text, "<>") ||
			strings.Count(m.Text, "&") != strings.Count(m.Text, "&amp;")+strings.Count(m.Text, "&lt;")+strings.Count(m.Text, "&gt;") {
			t.Errorf("message %d's text is not escaped: %q", i, m.Text)
		}
		if seen[m.Text] {
			t.Errorf("message %d's text is the same as an earlier one's: %q", i, m.Text)
		}
		seen[m.Text] = true
	}
	if want := "R&amp;D &lt;!channel&gt; Ops · coaching digest"; !strings.HasPrefix(d.Messages[1].Text, want) {
		t.Errorf("the first leader's reply's text = %q, want it to start %q", d.Messages[1].Text, want)
	}
	head := d.Messages[0].Text
	if want := digesttest.Week.Monday().Human(); !strings.Contains(head, want) || !strings.Contains(head, digesttest.Week.String()) {
		t.Errorf("the headline's text %q does not say the week and its dates (%s)", head, want)
	}
	parts := 0
	for _, m := range d.Messages {
		if strings.Contains(m.Text, "(continued, part ") {
			parts++
		}
	}
	if parts == 0 {
		t.Errorf("no reply says it continues another: %q", texts(d))
	}
}

func texts(d *digest.Digest) []string {
	var out []string
	for _, m := range d.Messages {
		out = append(out, m.Text)
	}
	return out
}
