package fakeslack

import (
	"net/url"
	"slices"
	"testing"

	"github.com/slack-go/slack"
)

// conversations.info says what a bot needs to know of a channel before it
// posts there: its kind, whether the bot is in it, whether it is archived,
// and whether another organisation shares it (Slack Connect). A channel
// the fake does not know, or a private one the bot is not in, is
// channel_not_found.
func TestConversationsInfo(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	api := apiClient(fake)
	fake.AddChannel("C0OWN", true)
	fake.AddChannel("C0OUT", false)
	fake.AddPrivateChannel("C0SECRET", true)
	fake.AddPrivateChannel("C0HIDDEN", false)
	fake.AddChannel("C0SHARED", true)
	fake.ShareChannelExternally("C0SHARED", "T0PARTNER")
	fake.AddChannel("C0OLD", true)
	fake.ArchiveChannel("C0OLD")
	for _, tt := range []struct {
		id                                   string
		err                                  string
		private, member, archived, extShared bool
		connected                            []string
	}{
		{id: "C0OWN", member: true},
		{id: "C0OUT"},
		{id: "C0SECRET", private: true, member: true},
		{id: "C0HIDDEN", err: "channel_not_found"},
		{id: "C0SHARED", member: true, extShared: true, connected: []string{"T0PARTNER"}},
		{id: "C0OLD", member: true, archived: true},
		{id: "C0NOWHERE", err: "channel_not_found"},
	} {
		ch, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: tt.id})
		if tt.err != "" {
			if se, ok := err.(slack.SlackErrorResponse); !ok || se.Err != tt.err {
				t.Errorf("%s: %v, want %s", tt.id, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.id, err)
			continue
		}
		got := []bool{ch.ID == tt.id, ch.IsChannel, ch.IsPrivate, ch.IsMember, ch.IsArchived, ch.IsExtShared, ch.IsShared}
		want := []bool{true, true, tt.private, tt.member, tt.archived, tt.extShared, tt.extShared}
		if !slices.Equal(got, want) || !slices.Equal(ch.ConnectedTeamIDs, tt.connected) {
			t.Errorf("%s: id, is_channel, is_private, is_member, is_archived, is_ext_shared, is_shared = %v, connected %v; want %v, %v",
				tt.id, got, ch.ConnectedTeamIDs, want, tt.connected)
		}
	}
}

// Before a test adds any channel, every channel is a public one with the
// bot in it, as chat.postMessage takes every channel then: tests that
// never name one need not.
func TestConversationsInfoTakesEveryChannelBeforeOneIsAdded(t *testing.T) {
	fake := startFake(t)
	ch, err := apiClient(fake).GetConversationInfoContext(deadline(t), &slack.GetConversationInfoInput{ChannelID: "C0ANY"})
	if err != nil || !ch.IsMember || ch.IsExtShared || ch.IsPrivate {
		t.Fatalf("%+v, %v", ch, err)
	}
}

// conversations.info needs channels:read for a public channel and
// groups:read for a private one; a token without it answers missing_scope
// naming the scope, as Slack does, so an install made before the manifest
// asked for them is seen in tests as in Slack.
func TestConversationsInfoScopes(t *testing.T) {
	for _, tt := range []struct {
		name    string
		scopes  []string
		channel string
		needed  string
	}{
		{"public without channels:read", []string{"chat:write"}, "C0PUB", "channels:read"},
		{"private without groups:read", []string{"chat:write", "channels:read"}, "G0PRIV", "groups:read"},
		{"public with channels:read", []string{"chat:write", "channels:read"}, "C0PUB", ""},
		{"private with groups:read", []string{"chat:write", "groups:read"}, "G0PRIV", ""},
	} {
		fake := startFake(t, WithScopes(tt.scopes...))
		fake.AddChannel("C0PUB", true)
		fake.AddChannel("G0PRIV", true)
		a := call(t, fake, "conversations.info", url.Values{"channel": {tt.channel}})
		switch {
		case tt.needed == "" && !a.OK:
			t.Errorf("%s: %+v", tt.name, a)
		case tt.needed != "" && (a.Error != "missing_scope" || a.Needed != tt.needed):
			t.Errorf("%s: %+v, want missing_scope needing %s", tt.name, a, tt.needed)
		}
	}
}

// A channel shared while the bot runs says so from then on.
func TestAChannelSharedLaterSaysSo(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	api := apiClient(fake)
	fake.AddChannel("C0LEADS", true)
	before, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C0LEADS"})
	if err != nil || before.IsExtShared {
		t.Fatalf("before: %+v, %v", before, err)
	}
	fake.ShareChannelExternally("C0LEADS")
	after, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C0LEADS"})
	if err != nil || !after.IsExtShared || len(after.ConnectedTeamIDs) == 0 {
		t.Fatalf("after: %+v, %v", after, err)
	}
}
