package fakeslack_test

import (
	"encoding/json"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// Fixture unwraps a Socket Mode envelope to the payload the bot reads,
// and gives a payload Slack sent over HTTP as it is.
func TestFixtureIsThePayloadTheBotReads(t *testing.T) {
	for _, c := range []struct{ name, wantType string }{
		{"pysdk_envelope_events_api_message.json", "event_callback"},
		{"pysdk_envelope_slash_commands.json", ""}, // a slash command's form fields carry no type
		{"boltpy_event_callback_app_home_opened_org.json", "event_callback"},
		{"slackmachine_view_submission.json", "view_submission"},
	} {
		raw, err := fakeslack.Fixture(c.name)
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			Type       string `json:"type"`
			EnvelopeID string `json:"envelope_id"`
		}
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if p.Type != c.wantType || p.EnvelopeID != "" {
			t.Errorf("%s: type %q, envelope_id %q; want type %q and no envelope", c.name, p.Type, p.EnvelopeID, c.wantType)
		}
	}
	if _, err := fakeslack.Fixture("no_such_fixture.json"); err == nil {
		t.Error("a missing fixture read without error")
	}
}
