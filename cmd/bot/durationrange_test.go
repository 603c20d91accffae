package main

import (
	"strings"
	"testing"
)

// A duration read but out of range opens the form saying only that, with
// the range: not also "I couldn't tell how long", which it could.
func TestCaptureOfADurationOutOfRangeSaysOnlyTheRange(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	for _, c := range []struct{ line, want string }{
		{"<@" + rep + "|sam> 1:1 481m", "481 minutes is more than 480, the most a session can be"},
		{"<@" + rep + "|sam> 1:1 0m", "0 minutes is less than 1, the least a session can be"},
		{"<@" + rep + "|sam> 1:1 1000000000m", "1000000000 minutes is more than 480, the most a session can be"},
		{"<@" + rep + "|sam> 1:1 -30m", "-30 minutes is less than 1, the least a session can be"},
		{"<@" + rep + "|sam> 1:1 99999999999999999999m", `\"99999999999999999999m\" is more than 480 minutes, the most a session can be`},
	} {
		in, err := b.fake.SlashCommand(ctxT(t), mgr, "/coach", c.line)
		if err != nil {
			t.Fatal(err)
		}
		view := b.viewsOpen(in).Param("view")
		if !strings.Contains(view, c.want) || strings.Contains(view, "couldn't tell how long") {
			t.Errorf("/coach %s: the form does not say only %q:\n%s", c.line, c.want, view)
		}
	}
}
