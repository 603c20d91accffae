package digest

import (
	"strconv"
	"strings"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
	"github.com/coachlog/coachlog/internal/slacktext"
	"github.com/coachlog/coachlog/internal/textcut"
)

// txt is a piece of text built twice at once: in Slack's mrkdwn and as
// plain text, so the text version reads exactly what the channel reads.
type txt struct{ md, plain strings.Builder }

// literal is text as the digest's mrkdwn shows it. Nothing the digest
// writes through w or marked is markup (its bold and italics are marked's
// own marks), and names are everywhere in it, inside its sentences and
// findings too: every character is shown as written, names' formatting
// marks included (slacktext.EscapeLiteral), so that "j_doe_2" or "*Sam*"
// turns nothing italic or bold. It keeps a text's length in characters, so
// the sizes below hold as they did.
func literal(s string) string { return slacktext.EscapeLiteral(s) }

// w appends words of the digest's own; they are escaped all the same.
func (t *txt) w(parts ...string) *txt {
	for _, s := range parts {
		t.md.WriteString(literal(s))
		t.plain.WriteString(s)
	}
	return t
}

// b appends s in bold (a name, a label).
func (t *txt) b(s string) *txt { return t.marked("*", s) }

// i appends s in italics (a finding, a narrative).
func (t *txt) i(s string) *txt { return t.marked("_", s) }

// c appends s as code (a command to type).
func (t *txt) c(s string) *txt { return t.marked("`", s) }

// marked appends s between two marks in mrkdwn, bare in plain text;
// nothing at all when s is empty.
func (t *txt) marked(mark, s string) *txt {
	if s == "" {
		return t
	}
	t.md.WriteString(mark + literal(s) + mark)
	t.plain.WriteString(s)
	return t
}

func (t *txt) t(other *txt) *txt {
	t.md.WriteString(other.md.String())
	t.plain.WriteString(other.plain.String())
	return t
}

func (t *txt) empty() bool { return t.md.Len() == 0 }

// join is the pieces separated by sep.
func join(sep string, parts ...*txt) *txt {
	out := &txt{}
	first := true
	for _, p := range parts {
		if p == nil || p.empty() {
			continue
		}
		if !first {
			out.w(sep)
		}
		first = false
		out.t(p)
	}
	return out
}

func words(s ...string) *txt { return (&txt{}).w(s...) }

// maxName is how much of a name is shown: display names are short, but a
// roster may hold anything.
const maxName = 60

func name(s string) string { return textcut.Cut(strings.Join(strings.Fields(s), " "), maxName) }

// dec formats a figure with one decimal when it has one: 8.5, 3, 0.3,
// 9,500.
func dec(x float64) string {
	tenths := metrics.Tenths(x)
	s := coaching.Count(tenths / 10)
	if tenths < 0 && tenths > -10 {
		s = "-0"
	}
	if d := tenths % 10; d != 0 {
		s += "." + strconv.Itoa(max(d, -d))
	}
	return s
}

// arrow shows a trend: up, down or level against the 4 weeks before;
// nothing when there is nothing to compare with.
func arrow(c metrics.Change) string {
	switch c {
	case metrics.Up:
		return " ↑"
	case metrics.Down:
		return " ↓"
	case metrics.Same:
		return " →"
	}
	return ""
}

// plural is "1 rep", "3 reps".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return coaching.Count(n) + " " + many
}
