package main

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// Slack gives a form's private_metadata back as the app set it, and no
// user can alter it; these tests send a submission whose metadata is
// altered all the same (fakeslack.ViewFields), as a crafted payload would
// carry it, for the bot's own checks of what it reads there.

// alteredMeta is viewID's private_metadata as the bot set it, with the
// fields in set replaced, ready to send in place of the view's own.
func (b *bot) alteredMeta(viewID string, set map[string]any) fakeslack.EnvelopeOption {
	b.t.Helper()
	raw, ok := b.fake.View(viewID)
	if !ok {
		b.t.Fatalf("no view %s", viewID)
	}
	var v struct {
		Meta string `json:"private_metadata"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		b.t.Fatal(err)
	}
	meta := map[string]any{}
	if err := json.Unmarshal([]byte(v.Meta), &meta); err != nil {
		b.t.Fatalf("private_metadata %q: %v", v.Meta, err)
	}
	for k, x := range set {
		meta[k] = x
	}
	return fakeslack.ViewFields(map[string]any{"private_metadata": mustJSON(meta)})
}

// An edit form from the not-accurate DM whose metadata names another
// thread, a message in a channel the bot is in, saves the edit, and its
// word that it was saved (the session, the rep and the change) goes to the
// manager's own DM, not into that channel: the bot replies only under a
// not-accurate notice it posted itself for the session.
func TestAnEditFormNamingAnotherThreadIsAnsweredInTheManagersDM(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	today, notice, view := b.editFromDisputeNotice()
	b.fake.AddChannel("C0SALES", true)
	posted := b.asBot("chat.postMessage", url.Values{"channel": {"C0SALES"}, "text": {"Pipeline review at 3"}})
	ts, _ := posted["ts"].(string)

	ack := b.submitAs(mgr, view, values([]string{rep}, "one_on_one", today, "15", ""),
		b.alteredMeta(view, map[string]any{"c": "C0SALES", "ts": ts}))
	if len(ack.Payload) != 0 {
		t.Fatalf("edit ack = %s", ack.Payload)
	}
	eventually(t, "the word that the edit was saved, in the manager's DM", func() bool {
		for _, m := range b.fake.Messages(mgr) {
			if m.ThreadTS == "" && m.TS != notice.TS && strings.Contains(blocksText(m.Blocks), "Updated: duration 30 → 15 min") {
				return true
			}
		}
		return false
	})
	if msgs := b.fake.Messages("C0SALES"); len(msgs) != 1 {
		t.Fatalf("the channel holds %d messages, want only its own: %+v", len(msgs), msgs)
	}
	for _, c := range b.fake.CallsTo("chat.postMessage") {
		if c.Param("channel") == "C0SALES" && c.Param("thread_ts") != "" {
			t.Fatalf("the bot replied in the channel's thread: %s", c.Param("text"))
		}
	}
	if got := b.export()[0].DurationMin; got != 15 {
		t.Fatalf("duration after the edit = %d, want 15", got)
	}
}

// A log form whose metadata names a capture source the bot never writes
// logs the session with no source, not with the words given, which would
// otherwise reach the log line and every export.
func TestALogFormNamingAnUnknownSourceStoresNone(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	viewID, _ := b.openModal("")
	const crafted = "=HYPERLINK(\"http://evil.test\")"
	ack := b.submitAs(mgr, viewID, values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", ""),
		b.alteredMeta(viewID, map[string]any{"src": crafted}))
	if len(ack.Payload) != 0 {
		t.Fatalf("log ack = %s", ack.Payload)
	}
	rows := b.export()
	if len(rows) != 1 || rows[0].Source != "" {
		t.Fatalf("export after the crafted source = %+v, want one session with no source", rows)
	}
	if strings.Contains(b.logs.String(), "evil.test") {
		t.Fatalf("the crafted source was logged:\n%s", b.logs)
	}
}
