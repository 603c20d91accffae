package fakeslack

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// Slash-command text as Slack sends it to an app whose command sets
// should_escape (Coachlog's manifest does), "Escape channels, users, and
// links sent to your app" in the app's settings
// (https://docs.slack.dev/interactivity/implementing-slash-commands): the
// mentions, channels and links a person typed come as Slack's markup,
// <@U123|sam>, <#C123|sales>, <https://x|label>, and Slack escapes its
// three control characters in everything else: "Slack uses &, <, and > as
// control characters for special parsing in text objects, so they must be
// converted to HTML entities", &amp; &lt; &gt;
// (https://docs.slack.dev/messaging/formatting-message-text#escaping).
// So a raw & or < or > never reaches the app: a test that sends one tests
// a text no one can type.

// slashMarkupRE is the markup Slack puts in escaped text, from its "<" to
// its ">": a user (<@U…>, <@U…|name>), a channel (<#C…|name>), a special
// mention or a date (<!here>, <!subteam^S…|@team>, <!date^…|fallback>), a
// link (<https://…|label>, <mailto:…|label>). None spans a line.
//
// Compiled on first use, not at start: the fake is linked into the
// binary for `coachlog demo`, and a pattern compiled at init is held for
// the process's life (README *Performance*, the idle figure).
var slashMarkupRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^<(?:@[UW][A-Z0-9]+(?:\|[^<>\n]*)?|#[CGD][A-Z0-9]+(?:\|[^<>\n]*)?|![^<>\n]+|(?:https?://|mailto:)[^<>|\n]+(?:\|[^<>\n]*)?)>`)
})

// slashEntities are the three entities Slack escapes & < > to.
var slashEntities = []string{"&amp;", "&lt;", "&gt;"}

// checkEscapedText refuses a text Slack could not send with should_escape:
// a raw "&" that begins none of &amp; &lt; &gt;, a "<" that opens none of
// Slack's markup, a ">" that closes none. The error says where and what
// Slack would send instead.
func checkEscapedText(text string) error {
	for i := 0; i < len(text); {
		switch text[i] {
		case '&':
			if !hasEntityAt(text, i) {
				return fmt.Errorf("text %s has a raw & at byte %d: with should_escape Slack sends &amp; (or &lt; &gt;)", around(text, i), i)
			}
			i++
		case '<':
			m := slashMarkupRE().FindString(text[i:])
			if m == "" {
				return fmt.Errorf("text %s has a < at byte %d that opens none of Slack's markup (<@U…|name>, <#C…|name>, <!…>, <https://…>): Slack sends a typed < as &lt;", around(text, i), i)
			}
			for j := 0; j < len(m); j++ {
				if m[j] == '&' && !hasEntityAt(text, i+j) {
					return fmt.Errorf("text %s has a raw & at byte %d: with should_escape Slack sends &amp;", around(text, i+j), i+j)
				}
			}
			i += len(m)
		case '>':
			return fmt.Errorf("text %s has a > at byte %d outside Slack's markup: Slack sends a typed > as &gt;", around(text, i), i)
		default:
			i++
		}
	}
	return nil
}

func hasEntityAt(text string, i int) bool {
	for _, e := range slashEntities {
		if strings.HasPrefix(text[i:], e) {
			return true
		}
	}
	return false
}

// around quotes text near byte i, cut to a few dozen bytes either side
// (a test may send a long text).
func around(text string, i int) string {
	from, to := max(i-30, 0), min(i+30, len(text))
	for from > 0 && !utf8.RuneStart(text[from]) {
		from--
	}
	for to < len(text) && !utf8.RuneStart(text[to]) {
		to++
	}
	q := fmt.Sprintf("%q", text[from:to])
	if from > 0 {
		q = "…" + q
	}
	if to < len(text) {
		q += "…"
	}
	return q
}
