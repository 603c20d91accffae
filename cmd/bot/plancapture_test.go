package main

import (
	"strings"
	"testing"
)

// A review found "/coach @sam 1:1 30m tomorrow" logged at once, dated
// today with notes "tomorrow", and Sam DMed to confirm coaching that had
// not happened. A line putting the session ahead now opens the form
// saying nothing was logged, and nobody is DMed.
func TestAPlanTypedAsACaptureLogsNothing(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	for _, words := range []string{"tomorrow", "next monday", "in 2 days"} {
		in, err := b.fake.SlashCommand(ctxT(t), mgr, "/coach", "<@"+rep+"|sam> 1:1 30m "+words)
		if err != nil {
			t.Fatal(err)
		}
		want := `Nothing was logged: "` + words + `" is still to come, and coaching can be logged only once it has happened.`
		if got := b.formNotice(in); !strings.Contains(got, want) {
			t.Errorf("/coach … %s: the form says %q, want %q", words, got, want)
		}
	}
	if rows := b.export(); len(rows) != 0 {
		t.Errorf("plans logged %d sessions", len(rows))
	}
	if n := len(b.fake.Messages(rep)); n != 0 {
		t.Errorf("plans sent the rep %d DMs", n)
	}
}
