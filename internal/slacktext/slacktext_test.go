package slacktext

import "testing"

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
