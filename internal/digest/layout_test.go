package digest

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Text is cut to a limit counted after escaping, never inside an escape,
// and a block's section text always fits Block Kit's 3,000 characters.
func TestCutsKeepEscapesWhole(t *testing.T) {
	for _, c := range []struct{ name, got, want string }{
		{"fits as it is", cutEscaped("R&D", 7), "R&D"},
		{"the escape would pass the limit", cutEscaped("R&D", 6), "R…"},
		{"cut after the escape", cutEscaped("a<b>c", 7), "a<b…"},
		{"mrkdwn fits", cutMrkdwn("R&amp;D", 7), "R&amp;D"},
		{"mrkdwn cut inside an escape", cutMrkdwn("ab&amp;cd", 6), "ab…"},
		{"mrkdwn cut right after an escape", cutMrkdwn("ab&amp;cd", 8), "ab&amp;…"},
		{"mrkdwn cut inside &lt;", cutMrkdwn("x&lt;y", 4), "x…"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	b := block(Section, words(strings.Repeat("Smith & Sons ", 400)))
	if n := utf8.RuneCountInString(b.Text); n > maxSectionText || strings.HasSuffix(strings.TrimSuffix(b.Text, "…"), "&amp") {
		t.Errorf("a section of %d characters: …%s", n, b.Text[len(b.Text)-40:])
	}
	if !strings.HasSuffix(b.plain, "…") {
		t.Errorf("the plain twin does not say it was cut: …%s", b.plain[len(b.plain)-40:])
	}
}
