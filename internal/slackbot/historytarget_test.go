package slackbot

import "testing"

// /coach history takes nothing or one mention. A phone's keyboard ends a
// line with a full stop after a double space, and a manager asking ends
// it with a question mark: "/coach history @ana." was told it "takes one
// @mention of a rep", which it had.
func TestHistoryTargetReadsOneMention(t *testing.T) {
	for _, tt := range []struct {
		args, rep string
		ok        bool
	}{
		{"", "", true},
		{"<@U0ANA|ana>", "U0ANA", true},
		{"<@U0ANA|ana>.", "U0ANA", true},
		{"<@U0ANA|ana> .", "U0ANA", true},
		{"<@U0ANA|ana>?", "U0ANA", true},
		{"<@U0ANA|ana>!", "U0ANA", true},
		{" . ", "", true},
		{"@ana", "", false},
		{"<@U0ANA|ana> <@U0BEN|ben>", "", false},
		{"<@U0ANA|ana> last week", "", false},
		{"<@U0ANA|ana>, pricing.", "", false},
	} {
		rep, ok := historyTarget(tt.args)
		if rep != tt.rep || ok != tt.ok {
			t.Errorf("historyTarget(%q) = %q, %v; want %q, %v", tt.args, rep, ok, tt.rep, tt.ok)
		}
	}
}
