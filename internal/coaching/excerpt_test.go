package coaching

import (
	"testing"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/textcut"
)

// excerpt is a copy of textcut.Cut (the domain imports only the standard
// library): the two must cut alike, at every limit, empty and too small
// ones included.
func TestExcerptCutsAsTextcutDoes(t *testing.T) {
	for _, s := range []string{"", "x", "next tuesday", "Zoë Ångström", "日本語のテキスト", "👍🏽👍🏽", "a word and more ", "  padded"} {
		for n := -1; n <= utf8.RuneCountInString(s)+1; n++ {
			if got, want := excerpt(s, n), textcut.Cut(s, n); got != want {
				t.Errorf("excerpt(%q, %d) = %q; textcut.Cut gives %q", s, n, got, want)
			}
		}
	}
}
