package coaching

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Invisible reports whether r shows nothing where it stands: a format
// character (Unicode's Cf: zero-width spaces and joiners, direction marks
// such as U+200F, a byte order mark) or NUL. Pasted or right-to-left text
// carries them inside words, where "2\u200dw" looks exactly like "2w".
func Invisible(r rune) bool { return r == 0 || unicode.Is(unicode.Cf, r) }

// Visible is s without its invisible characters: what a reader of s sees,
// for quoting it back. Notes keep what was written; only a command's
// words, and the quotes of them, go through here.
func Visible(s string) string {
	if plainASCII(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if Invisible(r) {
			return -1
		}
		return r
	}, s)
}

// TrimSentenceEnd is s without the spaces and the full stops, question
// or exclamation marks that end it as a sentence ends: a phone's keyboard
// types a full stop for a double space, and autocorrect may end a line
// with one, so "/coach away fri." is what a manager on a phone sends for
// "/coach away fri".
func TrimSentenceEnd(s string) string { return strings.TrimRight(s, " \t.!?…") }

// CommandText is s as a command's words are read: its invisible
// characters dropped, and the full-width forms of ASCII that East Asian
// input methods type ("３０ｍ", "１２／２４") read as the ASCII they
// look like. A word then means what it looks like.
func CommandText(s string) string {
	if plainASCII(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case Invisible(r):
			return -1
		case '\uFF01' <= r && r <= '\uFF5E': // the full-width forms of '!' to '~'
			return r - '\uFF01' + '!'
		}
		return r
	}, s)
}

// plainASCII reports whether s is ASCII without NUL, which neither
// function changes: the common case, read without building a new string.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 || s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
