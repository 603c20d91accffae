package quickcapture

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/coaching"
)

// maxAngle bounds how far a "<" looks for its ">": Slack's escapes
// (<@U123|sam>, <!subteam^S1|@sales>) are short, and a stray "<" in prose must
// not swallow the rest of a long line.
const maxAngle = 256

// trailingPunct is what people put after a word ("45m,", "lead.") that says
// nothing about the word itself.
const trailingPunct = `.,;:!?)]}"'’”…`

// token is one whitespace-separated word of a line, where Slack's <...>
// escapes count as part of a word even if they hold spaces. Characters
// that show nothing (coaching.Invisible: a zero-width joiner, a direction
// mark, NUL) stay in text, which the notes are cut from, but not in shown
// and word, which are read: "30m\u200b" is 30 minutes, as it looks.
type token struct {
	text       string // as typed
	bare       string // text without trailing punctuation or invisible characters: a prefix of text
	shown      string // bare as it shows and reads (coaching.CommandText), for dates and messages
	word       string // shown, lower-cased: what vocabulary is matched against
	cut        string // the trailing punctuation cut off, as it shows
	start, end int    // byte offsets of text in the line
}

// clipped reports whether trailing punctuation was cut off, which ends a
// phrase: "ride, along" is not "ride along".
func (t token) clipped() bool { return t.cut != "" }

// blank reports whether t is only characters that show nothing: it says
// nothing, and is not the notes' start either unless words follow it.
func (t token) blank() bool { return t.shown == "" && t.cut == "" }

// scanner yields the tokens of a line one at a time, so a huge line costs
// only as much as the caller reads of it.
type scanner struct {
	s   string
	pos int
}

// next returns the next token, or false at the end of the line.
func (sc *scanner) next() (token, bool) {
	s := sc.s
	i := sc.pos
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	if i >= len(s) {
		sc.pos = i
		return token{}, false
	}
	start := i
	for i < len(s) {
		if s[i] == '<' {
			if j := closingAngle(s, i); j > 0 {
				i = j + 1
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			break
		}
		i += size
	}
	sc.pos = i
	return newToken(s[start:i], start), true
}

// closingAngle returns the index of the ">" closing the "<" at s[i], or -1
// when there is none close by on the same line.
func closingAngle(s string, i int) int {
	end := min(len(s), i+maxAngle)
	for j := i + 1; j < end; j++ {
		switch s[j] {
		case '>':
			return j
		case '<', '\n':
			return -1
		}
	}
	return -1
}

func newToken(text string, start int) token {
	bare := strings.TrimRightFunc(text, func(r rune) bool {
		return strings.ContainsRune(trailingPunct, r) || coaching.Invisible(r)
	})
	// Full-width punctuation ("３０ｍ，") is trailing punctuation once read.
	read := coaching.CommandText(bare)
	shown := strings.TrimRight(read, trailingPunct)
	return token{text: text, bare: bare, shown: shown, word: strings.ToLower(shown),
		cut: read[len(shown):] + coaching.Visible(text[len(bare):]), start: start, end: start + len(text)}
}

// firstTokens returns up to n tokens from the start of s.
func firstTokens(s string, n int) []token {
	sc := scanner{s: s}
	var toks []token
	for len(toks) < n {
		t, ok := sc.next()
		if !ok {
			break
		}
		if parts := gluedDash(t); parts != nil {
			toks = append(toks, parts...)
			continue
		}
		toks = append(toks, t)
	}
	return splitGluedKinds(toks)
}

// splitGluedKinds splits a token of people glued to a kind, a duration
// or a role after "as" ("<@U1|ana>1:1", "<@U1>30m", "<@U1>as lead", as
// Slack sends a name picked from the @ list with no space typed after
// it) into the people and the rest, the two tokens a space would have
// made. Only these: a word, a role alone ("<@U1>lead") or "'s" glued to
// a mention leaves the token whole, as prose ("<@U1>'s demo") or notes.
func splitGluedKinds(toks []token) []token {
	for i := 0; i < len(toks); i++ {
		at := peoplePrefix(toks[i].text)
		if at == 0 {
			continue
		}
		t := toks[i]
		people, rest := newToken(t.text[:at], t.start), newToken(t.text[at:], t.start+at)
		// One more token than a phrase's words: "as a silent observer".
		after := append([]token{rest}, toks[i+1:min(i+1+maxPhraseWords, len(toks))]...)
		if !gluedHeaderWords(after) {
			continue
		}
		toks = slices.Concat(toks[:i], []token{people, rest}, toks[i+1:])
		i++
	}
	return toks
}

// gluedHeaderWords reports whether toks, the rest of a token after the
// people glued before it then the tokens after, start with a kind, a
// duration or a role after "as": what a name picked from Slack's @ list
// has typed right after it when the space was left out. A duration
// there starts with a digit: a comma glued after a name (",5h") more
// likely joins it to the five hours than makes them half of one.
func gluedHeaderWords(toks []token) bool {
	if w := toks[0].word; w != "" && isDigit(w[0]) {
		if _, n := durationAt(toks, 0); n > 0 {
			return true
		}
	}
	m, n := phraseAt(toks, 0)
	return n > 0 && (m.kind != "" || toks[0].word == "as")
}

// peoplePrefix returns how many bytes of text the Slack escapes of people
// starting it take ("<@U1|ana>" of "<@U1|ana>1:1", "<@U1>+<@U2>" of
// "<@U1>+<@U2>huddle"), when something other than an escape follows them;
// 0 otherwise.
func peoplePrefix(text string) int {
	i := 0
	for i < len(text) && text[i] == '<' {
		j := closingAngle(text, i)
		if j < 0 {
			return 0
		}
		if _, ok := escapedPerson(text[i+1 : j]); !ok {
			return 0
		}
		i = j + 1
		if rest := trimJoiners(text[i:]); strings.HasPrefix(rest, "<") {
			i = len(text) - len(rest)
		}
	}
	if i == len(text) {
		return 0
	}
	return i
}

// separators are what people put between a header and its notes ("45m -
// great call", "lead | rushed pricing"): standing alone, they are dropped
// there, not kept as the notes' first word.
const separators = ",-:;|–—"

// separator reports whether t is a run of separators alone ("-", "--",
// "|"). Other punctuation (":)", "...", "+") may start the notes, and so
// may the faces made of separators (":|").
func separator(t token) bool {
	switch t.text {
	case ":|", ":-|", ";|", ";-|":
		return false
	}
	return t.text != "" && strings.Trim(t.text, separators) == ""
}

// punctuationOnly reports whether t is only punctuation or math symbols
// ("-", "|", "+", ":)"): between header parts it joins them without
// meaning anything; after them, unless a separator, it starts the notes.
func punctuationOnly(t token) bool {
	if t.blank() || strings.ContainsRune(t.text, '<') {
		return false
	}
	for _, r := range t.text {
		if !unicode.IsPunct(r) && !unicode.Is(unicode.Sm, r) && !coaching.Invisible(r) {
			return false
		}
	}
	return true
}
