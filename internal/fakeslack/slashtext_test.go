package fakeslack

import (
	"strings"
	"testing"
)

// A slash command's text is what Slack sends with should_escape: its
// markup and entities pass; a raw &, < or > that no one could have sent
// fails the call, which names the character and what Slack sends instead.
func TestSlashCommandTextIsWhatSlackSends(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string // part of the error; "" when the text is sent
	}{
		{"", ""},
		{"<@U0BOB|bob> 1:1 30m pricing &amp; terms", ""},
		{"<@U0BOB> <@W0ENT|ent> in <#C0SALES|sales> <#G0PRIV|> &lt;3 &gt; 2", ""},
		{"<!here> <!subteam^S0TEAM|@sales> <!date^1700000000^{date}|Nov 14>", ""},
		{"see <https://acme.test/q?a=1&amp;b=2|the quote> and <mailto:sam@acme.test|sam@acme.test>", ""},
		{"pricing & terms", "raw & at byte 8"},
		{"&nbsp;", "raw & at byte 0"},
		{"<https://acme.test/q?a=1&b=2>", "raw & at byte 24"},
		{"a <b> c", "< at byte 2 that opens none"},
		{"<@bob> 1:1", "< at byte 0 that opens none"},
		{"<@U0BOB 1:1", "< at byte 0 that opens none"},
		{"3 < 4", "< at byte 2 that opens none"},
		{"<@U0BOB|bob\n> 1:1", "< at byte 0 that opens none"},
		{"4 > 3", "> at byte 2 outside"},
		{"<@U0BOB>> 1:1", "> at byte 8 outside"},
	} {
		err := checkEscapedText(tc.text)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: refused: %v", tc.text, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%q: error %v, want one saying %q", tc.text, err, tc.want)
		}
	}

	fake := startFake(t)
	if _, err := fake.SlashCommand(deadline(t), "U0ALICE", "/coach", "pricing & terms"); err == nil ||
		!strings.Contains(err.Error(), "/coach") || !strings.Contains(err.Error(), "&amp;") {
		t.Errorf("SlashCommand with a raw &: %v, want it refused, naming the command and &amp;", err)
	}
	if n := len(fake.Calls()); n != 0 {
		t.Errorf("a refused slash command made %d calls", n)
	}
}
