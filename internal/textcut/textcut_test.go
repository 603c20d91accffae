package textcut_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/textcut"
)

// The cases cover each caller's edges: names and headers (digest, Slack
// labels), what someone typed quoted back (away dates, export options),
// and notes and prose cut for a model's prompt (llm, CutTrimmed).
func TestCutKeepsNRunesWithTheMark(t *testing.T) {
	for _, tt := range []struct {
		name    string
		s       string
		n       int
		cut     string // Cut
		trimmed string // CutTrimmed
	}{
		{"shorter than n", "abc", 4, "abc", "abc"},
		{"exactly n", "abcd", 4, "abcd", "abcd"},
		{"one over", "abcde", 4, "abc…", "abc…"},
		{"well over", "abcdef", 4, "abc…", "abc…"},
		{"empty", "", 4, "", ""},
		{"empty at zero", "", 0, "", ""},
		{"n of one: only the mark", "abc", 1, "…", "…"},
		{"n smaller than the mark", "abc", 0, "", ""},
		{"n below zero", "abc", -3, "", ""},
		{"multi-byte runes counted as one each", "Zoë Ångström", 5, "Zoë …", "Zoë…"},
		{"multi-byte runes, exactly n though more bytes", "Ångström", 8, "Ångström", "Ångström"},
		{"CJK", "日本語のテキスト", 4, "日本語…", "日本語…"},
		{"an emoji is one rune", "👍👍👍", 2, "👍…", "👍…"},
		{"a skin-toned emoji is two runes, and a cut may part them", "👍🏽👍🏽", 2, "👍…", "👍…"},
		{"a cut after a space", "a word and more", 8, "a word …", "a word…"},
		{"a cut after a line break", "line one\nline two", 10, "line one\n…", "line one…"},
		{"white space that fits is kept", " padded ", 8, " padded ", " padded "},
		{"leading white space goes only with a cut", "  padded text", 9, "  padded…", "padded…"},
		{"nothing but white space kept", "     x", 4, "   …", "…"},
		{"a mark already there counts as a rune", "wait…", 5, "wait…", "wait…"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := textcut.Cut(tt.s, tt.n); got != tt.cut {
				t.Errorf("Cut(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.cut)
			}
			if got := textcut.CutTrimmed(tt.s, tt.n); got != tt.trimmed {
				t.Errorf("CutTrimmed(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.trimmed)
			}
		})
	}
}

// Slack counts its limits in characters: a cut is never longer than n, and
// never splits a UTF-8 sequence, however long the runes are in bytes.
func TestCutNeverPassesTheLimitNorBreaksUTF8(t *testing.T) {
	s := strings.Repeat("aé日👍 ", 40)
	for n := 0; n <= utf8.RuneCountInString(s)+1; n++ {
		for _, got := range []string{textcut.Cut(s, n), textcut.CutTrimmed(s, n)} {
			if c := utf8.RuneCountInString(got); c > n || !utf8.ValidString(got) {
				t.Fatalf("cut to %d: %d runes, valid UTF-8 %v: %q", n, c, utf8.ValidString(got), got)
			}
		}
	}
}
