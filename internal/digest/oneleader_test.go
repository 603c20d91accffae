package digest_test

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/digest"
	"github.com/coachlog/coachlog/internal/digest/digesttest"
)

// With one leader over every manager, the leader's tree is the whole
// organisation: its nine figures are the headline's and are shown once,
// as are the findings the two share; the leader's reply keeps what the
// headline lacks: the leader's name, narrative, and managers.
func TestALeaderOverTheWholeOrganisationShowsTheFiguresOnce(t *testing.T) {
	for _, tc := range []struct {
		name      string
		narrative map[string]string
	}{
		{"without a narrative", nil},
		{"with a narrative", map[string]string{"UVERA": "A steady week."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := digest.Build(digesttest.OneLeader(), digesttest.Week, digest.Options{Narratives: tc.narrative}).Text()
			for _, once := range []string{"Sessions · minutes:", "Coverage: 50%", "Confirmed by reps:", "Quality:", "Coaching and results:",
				"took the lead on 12 of 12 ride-alongs", "8 reps got under 3 h"} {
				if n := strings.Count(text, once); n != 1 {
					t.Errorf("%q shown %d times, want once:\n%s", once, n, text)
				}
			}
			for _, want := range []string{"Vera Lopez\n==", "The tree below Vera Lopez is the whole organisation (4 managers, 12 reps not away)",
				"Ada Marsh ·", "Ben Cole ·", "Cal Dune ·", "Dee Fox ·"} {
				if !strings.Contains(text, want) {
					t.Errorf("%q missing:\n%s", want, text)
				}
			}
			if tc.narrative != nil && !strings.Contains(text, "A steady week.") {
				t.Errorf("Vera's narrative is lost:\n%s", text)
			}
		})
	}
}

// Threaded (an organisation too large for one message), the headline's
// line for that leader gives no figures either, and their reply none: the
// figures' fields are in the headline alone.
func TestALargeOrganisationUnderOneLeaderShowsTheFiguresOnce(t *testing.T) {
	d := digest.Build(digesttest.LargeOrg(200, 1), digesttest.Week, digest.Options{})
	if len(d.Messages) < 3 {
		t.Fatalf("%d messages, want a headline and threaded replies", len(d.Messages))
	}
	with := 0
	for i, m := range d.Messages {
		for _, b := range m.Blocks {
			if len(b.Fields) > 0 {
				with++
				if i != 0 {
					t.Errorf("message %d (%s) shows the figures' fields again", i, m.Text)
				}
			}
		}
	}
	if with != 1 {
		t.Errorf("the figures' fields are shown %d times, want once", with)
	}
	if head := d.Text(); !strings.Contains(head, "· the whole organisation: the figures above") {
		t.Errorf("the headline's leader line:\n%.3000s", head)
	}
}
