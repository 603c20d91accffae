package quickcapture

import (
	"slices"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/typo"
)

// meant is the subcommand a line's first word is a typo of ("histroy",
// "stat", "reprot", "exprt"), when nothing in the line looks like a
// capture; "" otherwise. Such a line would open the log form saying it
// could not tell who, what kind, how long: no answer for a rep or an
// admin, who never log. Never a capture is taken for one: a line naming
// anyone (a mention, "@sam", a user group), a kind, a role or a
// duration, or with anything read but out of range, is a capture; so is
// one whose first word the grammar knows (a kind or role word such as
// "ride" or "lead", a date word, a filler).
func meant(toks []token, r Result) string {
	if len(r.Draft.RepIDs) > 0 || len(r.Unresolved) > 0 || !captureless(r) {
		return ""
	}
	return typoOf(toks, Subcommands(), false)
}

// mentionSubcommands are the subcommands that take one person's mention.
var mentionSubcommands = []string{"history", "prep", "report", "away", "cadence"}

// maybeMeant is the subcommand taking a mention that the first word of a
// line is a typo of ("histroy @sam", "perp @sam", "awya @sam fri"), when
// the line names one person and otherwise only what that subcommand
// takes; "" otherwise. Such a line stays a capture (PRODUCT.md's grammar
// makes any line naming someone one), and the form it opens says what
// may have been meant.
func maybeMeant(toks []token, r Result) string {
	if len(r.Draft.RepIDs) != 1 || len(r.Unresolved) > 0 || !captureless(r) {
		return ""
	}
	return typoOf(toks, mentionSubcommands, true)
}

// captureless reports whether r holds nothing a capture has but people:
// no kind, role or duration, nothing read but out of range.
func captureless(r Result) bool {
	return r.Draft.Kind == "" && r.Draft.Role == "" && slices.Contains(r.Missing, coaching.FieldDuration) && len(r.Problems) == 0
}

// typoOf is the one of subs that the first of toks is a typo of, when
// the others are only what a subcommand takes after its name (and
// people, with people set); "" otherwise.
func typoOf(toks []token, subs []string, people bool) string {
	if len(toks) == 0 {
		return ""
	}
	first := toks[0]
	w := first.word
	if len(w) < 3 || !lettersOnly(w) || filler(first) {
		return ""
	}
	// The typo stands alone, or with what a subcommand takes after it:
	// "teams call with ria went well" and "preps for the QBR" are notes
	// the form must open on, not "team" and "prep" misspelt.
	for _, t := range toks[1:] {
		if t.blank() || subcommandArg(t) {
			continue
		}
		if _, at, ok := peopleToken(t); people && ok && at == 0 {
			continue
		}
		return ""
	}
	if _, n := phraseAt(toks, 0); n > 0 {
		return ""
	}
	if _, ok := dayWord(w, coaching.Date{}); ok {
		return ""
	}
	best, bestDist := "", 0
	for _, sub := range subs {
		d := typo.Distance(w, sub)
		if d <= typo.Tolerance(w) && (best == "" || d < bestDist) {
			best, bestDist = sub, d
		}
	}
	return best
}

// subcommandArg reports whether t reads as what a subcommand takes after
// its name, mentions aside (a line naming anyone is a capture): a flag
// ("--from", "--with-notes"), a date, week or span ("2026-11-01",
// "2026-W48", "2w"), report's "last week", away's "fri", "until",
// "dec 24" or "off", cadence's "default".
func subcommandArg(t token) bool {
	w := t.word
	switch w {
	case "last", "week", "until", "off", "default", "tomorrow", "next":
		return true
	}
	if strings.HasPrefix(w, "--") {
		return true
	}
	if _, ok := dayWord(w, coaching.Date{}); ok {
		return true // away's "fri"
	}
	for m := time.January; m <= time.December; m++ {
		if name := strings.ToLower(m.String()); len(w) >= 3 && strings.HasPrefix(name, w) {
			return true // away's "dec 24"
		}
	}
	if w == "" || w[0] < '0' || w[0] > '9' {
		return false
	}
	for i := 0; i < len(w); i++ {
		if c := w[i]; (c < '0' || c > '9') && c != '-' && c != 'w' {
			return false
		}
	}
	return true
}

// lettersOnly reports whether w is only the letters a to z: a subcommand
// has no digit or punctuation ("1:1" is a kind, "2w" a span).
func lettersOnly(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return w != ""
}

// channelsIn lists the channel mentions in text ("<#C0SALES|sales>",
// "<#C0SALES>") as Slack wrote them, each once, the first few: people
// pick a channel from Slack's # list where they meant a person.
func channelsIn(text string) []string {
	var found []string
	for i := 0; i < len(text) && len(found) < maxChannelsTold; i++ {
		if text[i] != '<' {
			continue
		}
		j := closingAngle(text, i)
		if j < 0 {
			continue
		}
		if body := text[i+1 : j]; strings.HasPrefix(body, "#") && len(body) > 1 {
			if esc := text[i : j+1]; !slices.Contains(found, esc) {
				found = append(found, esc)
			}
		}
		i = j
	}
	return found
}

// maxChannelsTold bounds how many channels a form's notice names.
const maxChannelsTold = 3
