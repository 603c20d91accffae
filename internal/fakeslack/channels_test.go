package fakeslack

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// Slack's channels_select lists public channels only, so a private
// channel is never picked in one, whatever its id: Slack gives new private
// channels C… ids too (AddPrivateChannel). A conversations picker without
// a filter offers it.
func TestAChannelsPickerNeverOffersAPrivateChannel(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	api := apiClient(fake)
	fake.AddUser(User{ID: "U0ALICE", Name: "alice"})
	fake.AddChannel("C0TEAM", true)
	fake.AddPrivateChannel("C0SECRET", false)
	modal := sessionModal("Channels")
	modal.Blocks.BlockSet = append(modal.Blocks.BlockSet,
		slack.NewInputBlock("ch", label("Channel"), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeChannels, nil, "ch")),
		slack.NewInputBlock("chs", label("Channels"), nil, slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeChannels, nil, "chs")),
		slack.NewInputBlock("conv", label("Conversation"), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeConversations, nil, "conv")),
	)
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), modal)
	if err != nil {
		t.Fatal(err)
	}
	typePicks(ctx, t, fake, opened.View.ID, "public channel", false, []pick{
		{"a private C… channel in a channels_select", map[string]map[string]any{"ch": {"ch": ChannelValue("C0SECRET")}}, false},
		{"a private C… channel in a multi_channels_select", map[string]map[string]any{"chs": {"chs": ChannelsValue("C0TEAM", "C0SECRET")}}, false},
		{"a public channel in a channels_select", map[string]map[string]any{"ch": {"ch": ChannelValue("C0TEAM")}}, true},
		{"a private channel in a conversations_select", map[string]map[string]any{"conv": {"conv": ConversationValue("C0SECRET")}}, true},
	})
}

// A conversations picker's filter.include says which kinds of
// conversation it lists (public, private, im, mpim): a channel of a kind
// it leaves out is never picked, nor is the app's DM with
// exclude_bot_users.
func TestAConversationsPickerOffersOnlyWhatItsFilterIncludes(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	api := apiClient(fake)
	fake.AddUser(User{ID: "U0ALICE", Name: "alice"})
	fake.AddChannel("C0TEAM", true)
	fake.AddPrivateChannel("C0SECRET", true)
	fake.AddChannel("G0LEGACY", true) // a G… channel is private
	filtered := func(id string, f slack.SelectBlockElementFilter) *slack.InputBlock {
		el := slack.NewOptionsSelectBlockElement(slack.OptTypeConversations, nil, id)
		el.Filter = &f
		return slack.NewInputBlock(id, label(id), nil, el)
	}
	modal := sessionModal("Conversations")
	modal.Blocks.BlockSet = append(modal.Blocks.BlockSet,
		filtered("pub", slack.SelectBlockElementFilter{Include: []string{"public"}}),
		filtered("priv", slack.SelectBlockElementFilter{Include: []string{"private"}}),
		filtered("im", slack.SelectBlockElementFilter{Include: []string{"im", "mpim"}}),
		filtered("nobots", slack.SelectBlockElementFilter{ExcludeBotUsers: true}),
	)
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), modal)
	if err != nil {
		t.Fatal(err)
	}
	aliceDM := fake.dmChannel("U0ALICE")
	for _, tt := range []struct {
		block, id string
		ok        bool
	}{
		{"pub", "C0TEAM", true},
		{"pub", "C0SECRET", false},
		{"pub", "G0LEGACY", false},
		{"pub", aliceDM, false},
		{"priv", "C0SECRET", true},
		{"priv", "G0LEGACY", true},
		{"priv", "C0TEAM", false},
		{"priv", aliceDM, false},
		{"im", aliceDM, true},
		{"im", "C0TEAM", false},
		{"im", "C0SECRET", false},
		{"nobots", "C0TEAM", true},
		{"nobots", "C0SECRET", true},
		{"nobots", aliceDM, false},
	} {
		err := fake.TypeInView("U0ALICE", opened.View.ID, map[string]map[string]any{tt.block: {tt.block: ConversationValue(tt.id)}})
		if tt.ok && err != nil {
			t.Errorf("%s in %s: %v, want it taken", tt.id, tt.block, err)
		}
		if !tt.ok && (err == nil || !strings.Contains(err.Error(), "offer")) {
			t.Errorf("%s in %s: %v, want a refusal", tt.id, tt.block, err)
		}
	}
}

// What Slack answers the bot's post and file share, by the channel: a
// private channel the bot was not invited to is one it cannot see
// (channel_not_found, as for an unknown id), whatever its id; only a
// public one says not_in_channel; an archived one is_archived.
func TestPostingAnswersAsSlackByTheKindOfChannel(t *testing.T) {
	fake := startFake(t)
	api := apiClient(fake)
	ctx := deadline(t)
	fake.AddChannel("C0PUBLIC", false)
	fake.AddChannel("C0LEADS", true)
	fake.AddChannel("G0LEGACY", false)
	fake.AddPrivateChannel("C0SECRET", false)
	fake.AddPrivateChannel("C0INNER", true)
	fake.AddChannel("C0OLD", true)
	fake.ArchiveChannel("C0OLD")
	for _, c := range []struct{ channel, want string }{
		{"C0LEADS", ""},
		{"C0INNER", ""},
		{"C0PUBLIC", "not_in_channel"},
		{"G0LEGACY", "channel_not_found"},
		{"C0SECRET", "channel_not_found"},
		{"C0NOPE", "channel_not_found"},
		{"C0OLD", "is_archived"},
	} {
		_, _, err := api.PostMessageContext(ctx, c.channel, slack.MsgOptionText("hi", false))
		if got := errCode(err); got != c.want {
			t.Errorf("post in %s: %q, want %q", c.channel, got, c.want)
		}
		_, err = api.UploadFileContext(ctx, slack.UploadFileParameters{Filename: "c.png", FileSize: 3, Reader: strings.NewReader("png"), Channel: c.channel})
		if got := errCode(err); got != c.want {
			t.Errorf("share in %s: %q, want %q", c.channel, got, c.want)
		}
	}
}
