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
	t.Parallel()
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

// A message with no text still has something to note: an app's message
// in blocks (a call recorder's summary), a file shared without a word.
// As Slack sends them, a file's text is empty and an app's blocks come
// with the placeholder text "This content can't be displayed." (the fake
// sends it: fakeslack.BlocksOnlyText); the notes are what the message
// shows, not an empty form with a link nor the placeholder. So they are
// on either reading of the payload: slack-go's, and the bot's own of a
// payload slack-go could not decode (an org install's
// is_enterprise_install sent as a string).
func TestMessageShortcutOnAMessageWithoutTextNotesWhatItShows(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	for _, tt := range []struct {
		name   string
		fields map[string]any
		want   string
	}{
		{"an app's blocks", map[string]any{
			"subtype": "bot_message", "bot_id": "B0CALLS", "username": "Call Recorder", "user": nil, "client_msg_id": nil,
			"blocks": []any{
				map[string]any{"type": "header", "block_id": "h", "text": map[string]any{"type": "plain_text", "text": "Call summary: Acme"}},
				map[string]any{"type": "section", "block_id": "s", "text": map[string]any{"type": "mrkdwn", "text": "Sam ran discovery; pricing &amp; terms next"}},
				map[string]any{"type": "context", "block_id": "c", "elements": []any{map[string]any{"type": "mrkdwn", "text": "<https://calls.test/1|Recording>"}}},
			}},
			"Call summary: Acme\nSam ran discovery; pricing & terms next\nRecording (https://calls.test/1)"},
		{"an app's rich text", map[string]any{
			"bot_id": "B0FLOW", "blocks": []any{map[string]any{"type": "rich_text", "block_id": "r", "elements": []any{
				map[string]any{"type": "rich_text_section", "elements": []any{map[string]any{"type": "text", "text": "Follow-ups <for> the team:"}}},
				map[string]any{"type": "rich_text_list", "style": "bullet", "indent": 0, "elements": []any{
					map[string]any{"type": "rich_text_section", "elements": []any{
						map[string]any{"type": "user", "user_id": "U0NOBODY"}, map[string]any{"type": "text", "text": " sends the deck "},
						map[string]any{"type": "emoji", "name": "rocket"}}},
					map[string]any{"type": "rich_text_section", "elements": []any{
						map[string]any{"type": "link", "url": "https://acme.test/q", "text": "the quote"}}},
				}},
			}}}},
			"Follow-ups <for> the team:\n• @U0NOBODY sends the deck :rocket:\n• the quote (https://acme.test/q)"},
		{"a file alone", map[string]any{"upload": true, "display_as_bot": false, "files": []any{map[string]any{
			"id": "F0REC", "created": 1700000000, "timestamp": 1700000000, "name": "acme-call.mp4", "title": "Acme call recording",
			"mimetype": "video/mp4", "filetype": "mp4", "pretty_type": "MPEG 4 Video", "user": rep, "mode": "hosted", "size": 1048576}}},
			"File: Acme call recording"},
		{"an app's legacy attachment", map[string]any{
			"subtype": "bot_message", "bot_id": "B0CRM", "user": nil, "client_msg_id": nil,
			"attachments": []any{map[string]any{"id": 1, "fallback": "Opportunity Acme moved to Negotiation",
				"pretext": "Opportunity update", "title": "Acme: Negotiation", "text": "Amount $40k"}}},
			"Opportunity update\nAcme: Negotiation\nAmount $40k"},
	} {
		for _, reading := range []struct {
			name string
			opts []fakeslack.EnvelopeOption
		}{
			{"slack-go's reading", nil},
			{"the bot's own reading", []fakeslack.EnvelopeOption{fakeslack.EnterpriseInstallAsString()}},
		} {
			notes := b.shortcutNotes("C0SALES", "", "1700000000.000100", rep, append(reading.opts, fakeslack.MessageFields(tt.fields))...)
			if !strings.HasPrefix(notes, tt.want+"\n\n(from https://") {
				t.Errorf("%s, %s: notes = %q, want them to start with %q, then the link", tt.name, reading.name, notes, tt.want)
			}
		}
	}
}

// The author of the message is offered as the rep, but never Slackbot: its
// messages carry no bot_id, and the form offered it, only to refuse it
// at submit.
func TestMessageShortcutNeverOffersSlackbotAsTheRep(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		author string
		want   []any
	}{
		{rep, []any{rep}},
		{"USLACKBOT", nil},
	} {
		t.Run(tt.author, func(t *testing.T) {
			b := startBot(t)
			in, err := b.fake.MessageShortcut(ctxT(t), mgr, "log_coaching", "C0SALES", "reminder: pipeline review", "1700000000.000100", tt.author)
			if err != nil {
				t.Fatal(err)
			}
			call, err := b.fake.WaitForCall(ctxT(t), "views.open", func(c fakeslack.Call) bool { return c.Param("trigger_id") == in.TriggerID })
			if err != nil {
				t.Fatal(err)
			}
			var got []any
			eachObject(json.RawMessage(call.Params["view"]), func(o map[string]any) {
				if o["action_id"] == "reps" {
					got, _ = o["initial_users"].([]any)
				}
			})
			if len(got) != len(tt.want) || len(got) > 0 && got[0] != tt.want[0] {
				t.Errorf("reps offered %v, want %v", got, tt.want)
			}
		})
	}
}
