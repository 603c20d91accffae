package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/quickcapture"
	"github.com/coachlog/coachlog/internal/slackbot"
)

// Slack sends only the shortcuts the app's manifest declares: a shortcut
// the bot serves but the manifest leaves out can never be used (the
// global one was served, tested and documented, and missing).
func TestTheManifestDeclaresEveryShortcutServed(t *testing.T) {
	t.Parallel()
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

// Slack sends only the events the manifest subscribes to: one the bot
// serves but the manifest leaves out never comes (grid_migration_finished,
// without which a workspace migrated into an Enterprise Grid kept taking
// its organisation's people for another's).
func TestTheManifestSubscribesToEveryEventServed(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", "manifest.yml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s+bot_events:[ \t]*\n((?:[ \t]+(?:- \S+(?:[ \t]+#.*)?|#.*)[ \t]*\n)+)`).FindSubmatch(raw)
	if m == nil {
		t.Fatal("manifest.yml subscribes to no bot_events")
	}
	subscribed := map[string]bool{}
	for _, e := range regexp.MustCompile(`(?m)^\s+- (\S+)`).FindAllSubmatch(m[1], -1) {
		subscribed[string(e[1])] = true
	}
	for _, ev := range slackbot.EventsServed {
		if !subscribed[ev] {
			t.Errorf("manifest.yml does not subscribe to %s (subscribed: %v)", ev, subscribed)
		}
	}
}

// The /coach usage hint Slack shows while typing names every subcommand
// (it left out prep, away, cadence and export), and stays well under the
// 1,000 characters Slack accepts.
func TestTheUsageHintNamesEverySubcommand(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", "manifest.yml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s+usage_hint: "([^"]*)"`).FindSubmatch(raw)
	if m == nil {
		t.Fatal("manifest.yml has no usage_hint")
	}
	hint := string(m[1])
	if n := utf8.RuneCountInString(hint); n > 200 {
		t.Errorf("usage_hint is %d characters; keep it a line (Slack's cap is 1,000)", n)
	}
	words := map[string]bool{}
	for _, part := range strings.Split(hint, "|") {
		if f := strings.Fields(part); len(f) > 0 {
			words[f[0]] = true
		}
	}
	for _, sub := range quickcapture.Subcommands() {
		if !words[sub] {
			t.Errorf("usage_hint %q does not name /coach %s", hint, sub)
		}
	}
}

// Slack sends tokens_revoked and app_uninstalled only to an app that
// subscribes to them (no scope needed), and the bot serves both.
func TestTheManifestSubscribesToTheAppsLifecycleEvents(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", "manifest.yml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s+bot_events:\s*\n((?:\s+- \S+.*\n)+)`).FindSubmatch(raw)
	if m == nil {
		t.Fatal("manifest.yml has no bot_events")
	}
	subscribed := map[string]bool{}
	for _, l := range strings.Split(string(m[1]), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "-" {
			subscribed[f[1]] = true
		}
	}
	for _, ev := range slackbot.LifecycleEvents {
		if !subscribed[ev] {
			t.Errorf("manifest.yml does not subscribe to %s (subscribed: %v)", ev, subscribed)
		}
	}
}
