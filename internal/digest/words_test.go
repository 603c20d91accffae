package digest

import (
	"testing"

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
