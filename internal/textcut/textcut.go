// Package textcut shortens text to a limit counted in characters (runes),
// as Slack counts its limits and as a person reads, marking the cut with
// an ellipsis so that nobody takes a shortened name or note for the whole.
//
// It counts runes, not what a reader sees as one character: a cut may
// split a flag or a skin-toned emoji, never a UTF-8 sequence. Cutting
// mrkdwn without breaking an escape ("&amp;") or a mention is the Slack
// edge's own (slackbot's cutMrkdwn); the domain keeps a copy of Cut
// (coaching's excerpt) as it imports nothing but the standard library.
package textcut

import (
	"strings"
	"unicode/utf8"
)

// Ellipsis marks a cut; it counts as one character of the limit.
const Ellipsis = "…"

// Cut returns s when it has at most n runes, and otherwise its first n-1
// runes and Ellipsis: n runes in all. Below 1, n leaves no room even for
// the mark, and the result is empty.
func Cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	return string([]rune(s)[:n-1]) + Ellipsis
}

// CutTrimmed is Cut, but trims white space off both ends of what it keeps
// before the mark goes on, so the mark never follows a space ("a word…",
// not "a word …") and the result may be shorter than n. Text that fits is
// returned as it is, untrimmed.
func CutTrimmed(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	return strings.TrimSpace(string([]rune(s)[:n-1])) + Ellipsis
}
