package digest

import (
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/slacktext"
)

func TestNumbersAsPrinted(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{num(0), "0"}, {num(999), "999"}, {num(1000), "1,000"}, {num(6120), "6,120"}, {num(1234567), "1,234,567"}, {num(-4500), "-4,500"},
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
