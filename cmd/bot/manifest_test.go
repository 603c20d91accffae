package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/coachlog/coachlog/internal/slackbot"
)

// Slack sends only the shortcuts the app's manifest declares: a shortcut
// the bot serves but the manifest leaves out can never be used (the
// global one was served, tested and documented, and missing).
func TestTheManifestDeclaresEveryShortcutServed(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "manifest.yml"))
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]string{} // callback_id: type
	for _, m := range regexp.MustCompile(`(?m)^\s+type: (\w+)\s*\n\s+callback_id: (\S+)`).FindAllSubmatch(raw, -1) {
		declared[string(m[2])] = string(m[1])
	}
	for id, typ := range map[string]string{
		slackbot.CallbackMessageShortcut: "message",
		slackbot.CallbackGlobalShortcut:  "global",
	} {
		if declared[id] != typ {
			t.Errorf("manifest.yml declares %q as %q, want a %s shortcut (declared: %v)", id, declared[id], typ, declared)
		}
	}
}
