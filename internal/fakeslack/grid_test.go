package fakeslack

import (
	"encoding/json"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// On Enterprise Grid Slack names the organisation in what it sends: an
// event callback's enterprise_id (boltpy_event_callback_app_home_opened_org.json),
// an interaction's team (boltpy_message_action.json) and enterprise, a
// command's enterprise_id and enterprise_name. The fake sent none of them.
func TestGridPayloadsNameTheOrganisation(t *testing.T) {
	fake := startFake(t, WithEnterprise("E0ORG"))
	ctx := deadline(t)
	sm := connect(t, fake)

	id, err := fake.Event(ctx, map[string]any{"type": "app_home_opened", "user": "U0ALICE", "tab": "messages"})
	if err != nil {
		t.Fatal(err)
	}
	nextEvent(ctx, t, sm, socketmode.EventTypeEventsAPI)
	env := envelopeJSON(t, fake, id)
	sameKeys(t, "Grid event callback", keysAt(t, env, "payload"),
		fixtureKeys(t, "boltpy_event_callback_app_home_opened_org.json").with("event_context", "string"))
	var cb struct {
		Payload struct {
			EnterpriseID string `json:"enterprise_id"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(env, &cb); err != nil || cb.Payload.EnterpriseID != "E0ORG" {
		t.Errorf("event callback enterprise_id = %q (%v), want E0ORG", cb.Payload.EnterpriseID, err)
	}

	if _, err := fake.MessageShortcut(ctx, "U0ALICE", "log_from_message", "C0TEAM", "hi", "1700000000.000100", "U0BOB"); err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	sameKeys(t, "Grid interaction team", keysAt(t, evt.Request.Payload, "team"), fixtureKeys(t, "boltpy_message_action.json", "team"))
	if in := evt.Data.(slack.InteractionCallback); in.Enterprise.ID != "E0ORG" || in.Team.ID == "" {
		t.Errorf("interaction enterprise = %+v, team = %+v; want E0ORG", in.Enterprise, in.Team)
	}

	if _, err := fake.SlashCommand(ctx, "U0ALICE", "/coach", "help"); err != nil {
		t.Fatal(err)
	}
	evt = nextEvent(ctx, t, sm, socketmode.EventTypeSlashCommand)
	if cmd := evt.Data.(slack.SlashCommand); cmd.EnterpriseID != "E0ORG" || cmd.EnterpriseName == "" {
		t.Errorf("command enterprise = %q %q, want E0ORG and a name", cmd.EnterpriseID, cmd.EnterpriseName)
	}
}

// A guest is told apart in users.info as Slack tells it: is_restricted,
// and is_ultra_restricted too for a single-channel guest.
func TestGuestsAreRestrictedUsers(t *testing.T) {
	fake := startFake(t)
	fake.AddUser(User{ID: "U0MEMBER", Name: "member"})
	fake.AddUser(User{ID: "U0GUEST", Name: "guest", Restricted: true})
	fake.AddUser(User{ID: "U0SINGLE", Name: "single", UltraRestricted: true})
	for _, tc := range []struct {
		id                string
		restricted, ultra bool
	}{{"U0MEMBER", false, false}, {"U0GUEST", true, false}, {"U0SINGLE", true, true}} {
		u, err := apiClient(fake).GetUserInfo(tc.id)
		if err != nil {
			t.Fatalf("users.info %s: %v", tc.id, err)
		}
		if u.IsRestricted != tc.restricted || u.IsUltraRestricted != tc.ultra {
			t.Errorf("%s: is_restricted %v, is_ultra_restricted %v; want %v, %v", tc.id,
				u.IsRestricted, u.IsUltraRestricted, tc.restricted, tc.ultra)
		}
	}
}
