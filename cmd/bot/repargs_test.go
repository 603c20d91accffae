package main

import (
	"strings"
	"testing"
)

// A rep typing something after /coach stats or /coach team is told what
// the command alone tells them (it is for managers, and where their own
// coaching is), as /coach prep does: "takes nothing after it", then "is
// for managers" once they typed it alone, sent them round a command that
// is not theirs.
func TestARepIsToldStatsAndTeamAreForManagersWhateverFollows(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	for _, tt := range []struct{ text, want string }{
		{"stats last week", "*`/coach stats` is for managers*"},
		{"stats <@" + rep2 + "|ria>", "*`/coach stats` is for managers*"},
		{"team <@" + rep2 + "|ria>", "*`/coach team` is for managers*"},
		{"team mine", "*`/coach team` is for managers*"},
	} {
		got := b.command(rep, tt.text)
		if !strings.Contains(got, tt.want) || !strings.Contains(got, "App Home") || strings.Contains(got, "takes nothing after it") {
			t.Errorf("a rep's /coach %s = %q, want %q and where their coaching is", tt.text, got, tt.want)
		}
	}
	// A manager is still told what the command takes.
	if got := b.command(mgr, "stats last week"); !strings.Contains(got, "takes nothing after it") {
		t.Errorf("a manager's /coach stats last week = %q", got)
	}
}
