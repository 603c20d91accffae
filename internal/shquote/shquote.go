// Package shquote writes a word of a command line that a person copies
// from Coachlog's output into a POSIX shell: a path with a space, a URL
// with an & in it, stay one word and mean what they say.
package shquote

import "strings"

// Quote is s as one shell word: as it is when every character is one a
// shell reads plainly, else in single quotes.
func Quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == ':' || r == '@' || r == '=' ||
			(r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
