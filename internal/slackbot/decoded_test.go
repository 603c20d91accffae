package slackbot

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
)

// A submission read from slack-go's decoding must be what the bot reads
// from the payload itself, field for field, for everything the submission
// handlers use: the form, the view, who sent it.
func TestSubmissionFromSlackGoMatchesOwnReading(t *testing.T) {
	fixture, err := os.ReadFile("../fakeslack/testdata/slackmachine_view_submission.json")
	if err != nil {
		t.Fatal(err)
	}
	values := func(v map[string]any) map[string]any {
		return map[string]any{"values": v}
	}
	val := func(typ, k string, v any) map[string]any { return map[string]any{"type": typ, k: v} }
	logForm := func(state map[string]any) []byte {
		b, _ := json.Marshal(map[string]any{
			"type": "view_submission", "team": nil, "is_enterprise_install": false,
			"user": map[string]any{"id": "U0MGR", "team_id": "T1"}, "trigger_id": "1.2.3",
			"view": map[string]any{"id": "V1", "hash": "1.abc", "callback_id": cbLog, "type": "modal",
				"private_metadata": `{"src":"modal","sid":4}`, "blocks": modalBlocks(), "state": state},
		})
		return b
	}
	for _, tt := range []struct {
		name    string
		payload []byte
	}{
		{"fixture", fixture},
		{"full form", logForm(values(map[string]any{
			"reps":        map[string]any{"reps": val("multi_users_select", "selected_users", []string{"U1", "U2"})},
			"kind":        map[string]any{"kind": val("static_select", "selected_option", map[string]any{"value": "ride_along", "text": map[string]any{"type": "plain_text", "text": "Ride-along"}})},
			"date":        map[string]any{"date": val("datepicker", "selected_date", "2026-11-25")},
			"duration":    map[string]any{"duration": val("number_input", "value", "45")},
			"role":        map[string]any{"role": val("radio_buttons", "selected_option", map[string]any{"value": "lead"})},
			"skills":      map[string]any{"skills": val("multi_static_select", "selected_options", []any{map[string]any{"value": "discovery"}, map[string]any{"value": "closing"}})},
			"notes":       map[string]any{"notes": val("plain_text_input", "value", "Rushed pricing & <b>")},
			"commitments": map[string]any{"commitments": val("plain_text_input", "value", "Send recap\nBook role-play")},
			"kept_U1":     map[string]any{actionKept: val("checkboxes", "selected_options", []any{map[string]any{"value": "7"}})},
		}))},
		{"empty form", logForm(values(map[string]any{
			"reps":     map[string]any{"reps": val("multi_users_select", "selected_users", []string{})},
			"kind":     map[string]any{"kind": val("static_select", "selected_option", nil)},
			"date":     map[string]any{"date": val("datepicker", "selected_date", nil)},
			"duration": map[string]any{"duration": val("number_input", "value", nil)},
			"skills":   map[string]any{"skills": val("multi_static_select", "selected_options", []any{})},
			"notes":    map[string]any{"notes": val("plain_text_input", "value", nil)},
		}))},
		{"no state", logForm(nil)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			own, err := readInteraction(tt.payload)
			if err != nil {
				t.Fatal(err)
			}
			var cb slack.InteractionCallback
			if err := json.Unmarshal(tt.payload, &cb); err != nil {
				t.Fatal(err)
			}
			got := interactionOf(&cb)
			if want := usedOf(own); !reflect.DeepEqual(usedOf(got), want) {
				t.Fatalf("from slack-go:\n%+v\nown reading:\n%+v", usedOf(got), want)
			}
		})
	}
}

// submissionUse is what the submission handlers read of an interaction.
type submissionUse struct {
	Type, User, TriggerID, Team     string
	ViewID, ViewType, Hash          string
	CallbackID, PrivateMetadata     string
	Inputs                          []string
	Draft                           coaching.Draft
	Errs                            coaching.FieldErrors
	Reason                          string
	Texts, Choices, Dates, UserPick map[string]string
	Multi                           map[string][]string
}

func usedOf(in interaction) submissionUse {
	u := submissionUse{Type: in.Type, User: in.User.ID, TriggerID: in.TriggerID, ViewID: in.View.ID,
		ViewType: in.View.Type, Hash: in.View.Hash, CallbackID: in.View.CallbackID,
		PrivateMetadata: in.View.PrivateMetadata, Inputs: in.View.inputBlockIDs(),
		Reason: in.View.State.Values["reason"]["reason"].text(),
		Texts:  map[string]string{}, Choices: map[string]string{}, Dates: map[string]string{},
		UserPick: map[string]string{}, Multi: map[string][]string{}}
	if in.Team != nil {
		u.Team = in.Team.ID + "/" + in.Team.Domain
	}
	u.Draft, u.Errs = draftFromState(in.View.State.Values)
	for b, acts := range in.View.State.Values {
		for a, v := range acts {
			k := b + "." + a
			u.Texts[k], u.Choices[k], u.Dates[k], u.UserPick[k] = v.text(), v.choice(), v.SelectedDate, v.SelectedUser
			u.Multi[k+".options"] = v.choices()
			if len(v.SelectedUsers) > 0 {
				u.Multi[k+".users"] = v.SelectedUsers
			}
		}
	}
	return u
}

// Every interaction and slash command is read from slack-go's decoding, so
// that reading must be the bot's own, field for field, for each kind Slack
// sends: the real payloads of ../fakeslack/testdata (a button in a DM, in a
// modal, message inputs, a shortcut, a message shortcut, a closed view, a
// submission, a slash command).
func TestEveryPayloadFromSlackGoMatchesOwnReading(t *testing.T) {
	files, err := filepath.Glob("../fakeslack/testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var env struct {
			Type    string          `json:"type"`
			Payload json.RawMessage `json:"payload"`
		}
		if err := json.Unmarshal(raw, &env); err != nil {
			t.Fatal(err)
		}
		if env.Payload == nil { // a bare payload, as sent over HTTP
			env.Payload = raw
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			switch env.Type {
			case "slash_commands":
				var own slashCommand
				var sc slack.SlashCommand
				if err := json.Unmarshal(env.Payload, &own); err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(env.Payload, &sc); err != nil {
					t.Fatal(err)
				}
				if got := slashOf(&sc); got != own || own.UserID == "" || own.TriggerID == "" {
					t.Fatalf("from slack-go %+v, own reading %+v", got, own)
				}
				kinds["slash_commands"] = true
			case "events_api", "event_callback", "hello", "disconnect":
				// not interactions: events are read by the bot's own
				// eventCallback (TestRealEventPayloadsAreReadByTheBot)
			default:
				own, err := readInteraction(env.Payload)
				if err != nil {
					t.Fatal(err)
				}
				var cb slack.InteractionCallback
				if err := json.Unmarshal(env.Payload, &cb); err != nil {
					t.Fatal(err)
				}
				got := interactionOf(&cb)
				// is_ephemeral arrives as a boolean or, from some senders, a
				// string; the handlers only ask whether it is true.
				if truthy(got.Container.IsEphemeral) != truthy(own.Container.IsEphemeral) {
					t.Errorf("is_ephemeral: from slack-go %v, own reading %v", got.Container.IsEphemeral, own.Container.IsEphemeral)
				}
				got.Container.IsEphemeral, own.Container.IsEphemeral = nil, nil
				if own.View.Blocks == nil {
					own.View.Blocks = []viewBlock{}
				}
				// A message's blocks are slack-go's typed ones on one side and
				// the raw JSON on the other: compared as what blocks() reads.
				if got.Message != nil && own.Message != nil {
					gb, ob := got.Message.blocks(), own.Message.blocks()
					gj, _ := json.Marshal(gb)
					oj, _ := json.Marshal(ob)
					if (len(gb) > 0 || len(ob) > 0) && string(gj) != string(oj) {
						t.Errorf("message blocks: from slack-go %s, own reading %s", gj, oj)
					}
					got.Message.Blocks, got.Message.RawBlocks, own.Message.Blocks, own.Message.RawBlocks = nil, nil, nil, nil
				}
				if !reflect.DeepEqual(got, own) {
					t.Fatalf("from slack-go:\n%+v\nown reading:\n%+v", got, own)
				}
				if own.Type == "" || own.User.ID == "" {
					t.Fatalf("the fixture read as %+v: nothing compared", own)
				}
				kinds[own.Type] = true
			}
		})
	}
	for _, k := range []string{"block_actions", "message_action", "shortcut", "view_closed", "view_submission", "slash_commands"} {
		if !kinds[k] {
			t.Errorf("no fixture of type %s was compared", k)
		}
	}
}

// A message shortcut on a message without text notes what the message
// shows on either reading: slack-go's, and the bot's own of a payload
// slack-go could not decode. On the bot's own reading a part that does
// not read (a file whose size is not a number) is passed over, and the
// rest of the message is still noted.
func TestMessageWithoutTextReadsAlikeOnBothReadings(t *testing.T) {
	header := map[string]any{"type": "header", "block_id": "h", "text": map[string]any{"type": "plain_text", "text": "Call summary: Acme & co"}}
	section := map[string]any{"type": "section", "block_id": "s", "text": map[string]any{"type": "mrkdwn", "text": "Sam ran discovery"}}
	file := map[string]any{"id": "F1", "name": "call.mp4", "title": "Acme call", "size": 1024}
	attachment := map[string]any{"id": 1, "fallback": "Acme moved", "title": "Acme: Negotiation", "text": "Amount $40k"}
	payload := func(message map[string]any) []byte {
		p, err := json.Marshal(map[string]any{"type": "message_action", "callback_id": CallbackMessageShortcut,
			"user": map[string]any{"id": "U0MGR"}, "team": map[string]any{"id": "T1", "domain": "acme"},
			"channel": map[string]any{"id": "C1"}, "trigger_id": "1.2.3", "message_ts": "1700000000.000100",
			"message": message})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tt := range []struct {
		name    string
		message map[string]any
		want    string
	}{
		// Slack gives an app's message posted in blocks alone the text
		// "This content can't be displayed." (heybot_block_actions_dm_button.json):
		// it says nothing of the message, which is noted from its blocks.
		{"an app's blocks", map[string]any{"type": "message", "text": "This content can't be displayed.", "bot_id": "B1", "ts": "1700000000.000100",
			"blocks": []any{header, section}}, "Call summary: Acme &amp; co\nSam ran discovery"},
		{"an app's blocks that show no text", map[string]any{"type": "message", "text": "This content can't be displayed.", "bot_id": "B1", "ts": "1700000000.000100",
			"blocks": []any{map[string]any{"type": "divider", "block_id": "d"}}}, ""},
		{"a person's words that are the placeholder's", map[string]any{"type": "message", "text": "This content can't be displayed. Again.", "user": "U0REP", "ts": "1700000000.000100"},
			"This content can't be displayed. Again."},
		{"a file alone", map[string]any{"type": "message", "text": "", "user": "U0REP", "ts": "1700000000.000100",
			"files": []any{file}}, "File: Acme call"},
		{"an app's attachment", map[string]any{"type": "message", "bot_id": "B1", "ts": "1700000000.000100",
			"attachments": []any{attachment}}, "Acme: Negotiation\nAmount $40k"},
		{"text wins", map[string]any{"type": "message", "text": "pricing went well", "user": "U0REP", "ts": "1700000000.000100",
			"files": []any{file}}, "pricing went well"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := payload(tt.message)
			own, err := readInteraction(p)
			if err != nil {
				t.Fatal(err)
			}
			var cb slack.InteractionCallback
			if err := json.Unmarshal(p, &cb); err != nil {
				t.Fatal(err)
			}
			for reading, in := range map[string]interaction{"own": own, "slack-go's": interactionOf(&cb)} {
				if in.Message == nil || in.Message.Text != tt.want {
					t.Errorf("%s reading: message %+v, want text %q", reading, in.Message, tt.want)
				}
			}
		})
	}

	odd := map[string]any{"id": "F2", "name": "odd.bin", "title": "Odd file", "size": "big"}
	p := payload(map[string]any{"type": "message", "text": "", "user": "U0REP", "ts": "1700000000.000100",
		"blocks": []any{section}, "files": []any{odd, file}})
	var cb slack.InteractionCallback
	if json.Unmarshal(p, &cb) == nil {
		t.Fatal("slack-go read a file whose size is a string: the case below no longer tests its own reading")
	}
	own, err := readInteraction(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Sam ran discovery\nFile: Acme call"; own.Message == nil || own.Message.Text != want {
		t.Errorf("own reading with an odd file: message %+v, want text %q", own.Message, want)
	}
}
