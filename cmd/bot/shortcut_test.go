package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// shortcutNotes uses the Log coaching message shortcut on a message in
// channel, shaped by opts, and returns the notes the modal opened with.
func (b *bot) shortcutNotes(channel, text, ts, author string, opts ...fakeslack.EnvelopeOption) string {
	b.t.Helper()
	ctx := ctxT(b.t)
	in, err := b.fake.MessageShortcut(ctx, mgr, "log_coaching", channel, text, ts, author, opts...)
	if err != nil {
		b.t.Fatal(err)
	}
	call, err := b.fake.WaitForCall(ctx, "views.open", func(c fakeslack.Call) bool { return c.Param("trigger_id") == in.TriggerID })
	if err != nil {
		b.t.Fatal(err)
	}
	if call.Error != "" {
		b.t.Fatalf("views.open refused the prefilled modal: %s %s", call.Error, call.Response)
	}
	notes := ""
	eachObject(json.RawMessage(call.Params["view"]), func(o map[string]any) {
		if o["action_id"] == "notes" {
			notes, _ = o["initial_value"].(string)
		}
	})
	return notes
}

// A reply in a thread links to the reply in its thread: Slack's permalink
// for one carries thread_ts and cid (chat.getPermalink's documented
// format); without them the link opens the channel, not the reply.
func TestMessageShortcutOnAThreadReplyLinksIntoTheThread(t *testing.T) {
	b := startBot(t)
	notes := b.shortcutNotes("C0SALES", "pricing went well", "1700000050.000200", rep,
		fakeslack.MessageFields(map[string]any{"thread_ts": "1700000000.000100", "parent_user_id": mgr}))
	want := "/archives/C0SALES/p1700000050000200?thread_ts=1700000000.000100&cid=C0SALES)"
	if !strings.HasPrefix(notes, "pricing went well\n\n(from https://") || !strings.HasSuffix(notes, want) {
		t.Fatalf("notes = %q, want the text and a link ending %q", notes, want)
	}

	// The thread's parent itself carries thread_ts too (its own ts): a
	// plain link.
	notes = b.shortcutNotes("C0SALES", "kickoff", "1700000000.000100", rep,
		fakeslack.MessageFields(map[string]any{"thread_ts": "1700000000.000100", "reply_count": 1}))
	if !strings.HasSuffix(notes, "/archives/C0SALES/p1700000000000100)") {
		t.Fatalf("notes on a thread's parent = %q, want a plain link", notes)
	}
}
