package slacktext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscapeAndUnescape(t *testing.T) {
	cases := []struct {
		typed, sent string
	}{
		{"plain", "plain"},
		{"Q&A <b> 5 > 3", "Q&amp;A &lt;b&gt; 5 &gt; 3"},
		// Someone who typed an entity sends it escaped once more; undone in
		// one pass it must come back as typed, not as "<".
		{"&lt;", "&amp;lt;"},
		{"", ""},
	}
	for _, c := range cases {
		if got := Escape(c.typed); got != c.sent {
			t.Errorf("Escape(%q) = %q, want %q", c.typed, got, c.sent)
		}
		if got := Unescape(c.sent); got != c.typed {
			t.Errorf("Unescape(%q) = %q, want %q", c.sent, got, c.typed)
		}
	}
	// Mentions and links are Slack's markup, not text to undo.
	if got := Unescape("<@U123|sam>"); got != "<@U123|sam>" {
		t.Errorf("Unescape changed a mention: %q", got)
	}
}

// A name shows as written: no mark in it is read as bold, italic, struck
// or code, it takes as many characters as it had (Block Kit counts them),
// and & < > are escaped as Escape escapes them.
func TestEscapeLiteral(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"plain", "Mary Ann", "Mary Ann"},
		{"underscores inside words", "j_doe_2", "j_doe_2"},
		{"underscores inside words, two names", "Mary_Ann Smith_Jones", "Mary_Ann Smith_Jones"},
		{"underscores at a word's edges", "_Jo_ Lou_ a _b_ c", "ˍJoˍ Louˍ a ˍbˍ c"},
		{"an underscore after a decomposed letter", "Jose\u0301_x", "Jose\u0301_x"},
		{"bold marks", "Ann *Pat*", "Ann ∗Pat∗"},
		{"strike marks", "~Lee~", "∼Lee∼"},
		{"a backtick", "O`Neil", "OˋNeil"},
		{"full-width marks", "＊Kai＊ ＿Jo｀", "﹡Kai﹡ ⸏Joˋ"},
		{"entities and marks", "R&D *<!channel>*", "R&amp;D ∗&lt;!channel&gt;∗"},
		{"empty", "", ""},
	} {
		got := EscapeLiteral(c.in)
		if got != c.want {
			t.Errorf("%s: EscapeLiteral(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
		if n, want := utf8.RuneCountInString(got), utf8.RuneCountInString(Escape(c.in)); n != want {
			t.Errorf("%s: EscapeLiteral(%q) has %d characters, Escape's %d", c.name, c.in, n, want)
		}
		if strings.ContainsAny(got, "*~`") || strings.Contains(got, " _") || strings.HasPrefix(got, "_") || strings.HasSuffix(got, "_") {
			t.Errorf("%s: EscapeLiteral(%q) = %q keeps a mark", c.name, c.in, got)
		}
	}
}
