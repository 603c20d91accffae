package digest

import (
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
	"github.com/coachlog/coachlog/internal/slacktext"
)

func TestNumbersAsPrinted(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{dec(8.5), "8.5"}, {dec(3), "3"}, {dec(0.25), "0.3"}, {dec(9500), "9,500"}, {dec(1234.56), "1,234.6"}, {dec(-0.3), "-0.3"}, {dec(0), "0"},
		{name("  Max \n Brandt "), "Max Brandt"},
		{slacktext.Escape("<@U1> & co"), "&lt;@U1&gt; &amp; co"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// The share at quota is the month of the period's last day, named: the
// digest of 2026-W53, which ends on 3 January, reads January's. It says
// how many reps it is a share of, those with attainment for the month:
// "100% of reps at quota" over the 2 of 13 reps a partial CRM export
// gave read as the whole tree at quota.
func TestAtQuotaNamesItsMonth(t *testing.T) {
	half := 0.5
	got := atQuota(&half, 2, coaching.Date{Year: 2027, Month: 1, Day: 3}).plain.String()
	if want := "at quota in January 2027: 50% of 2 reps with attainment"; got != want {
		t.Errorf("atQuota = %q, want %q", got, want)
	}
}

// Below 100% the confirmation line says what the other requests are: a
// rep's "not accurate" is not an answer still to come.
func TestTheConfirmationRateSaysWhatTheOtherRequestsAre(t *testing.T) {
	rate := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		m    metrics.Metrics
		want string
	}{
		{metrics.Metrics{Pairs: 4, Confirmed: 4, ConfirmationRate: rate(1)}, "100% of 4 requests"},
		{metrics.Metrics{Pairs: 7, Confirmed: 5, Disputed: 1, Pending: 1, ConfirmationRate: rate(5.0 / 7)}, "71% of 7 requests (1 disputed, 1 pending)"},
		{metrics.Metrics{Pairs: 2, Confirmed: 1, Disputed: 1, ConfirmationRate: rate(0.5)}, "50% of 2 requests (1 disputed)"},
		{metrics.Metrics{Pairs: 1200, Pending: 1200, ConfirmationRate: rate(0)}, "0% of 1,200 requests (1,200 pending)"},
		{metrics.Metrics{}, "nothing to confirm"},
	} {
		if got := confirmed(trend{now: c.m, part: 1}).plain.String(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.m, got, c.want)
		}
	}
}
