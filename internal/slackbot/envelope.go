package slackbot

import (
	"encoding/json"
	"strings"

	"github.com/slack-go/slack"
)

// The payloads below are Coachlog's own slim reading of what Slack sends:
// only the fields the bot uses, decoded leniently, so that a field Slack
// changes or sends oddly (is_enterprise_install as the string "false", a
// null team on org installs) cannot make a whole envelope unreadable.

// envelope is a Socket Mode request as it arrives.
type envelope struct {
	Type         string          `json:"type"`
	EnvelopeID   string          `json:"envelope_id"`
	Payload      json.RawMessage `json:"payload"`
	RetryAttempt int             `json:"retry_attempt"`
	// decoded is slack-go's reading of Payload, a slack.InteractionCallback
	// or a slack.SlashCommand, as its event carries it (copied out, the
	// callback, 4 KB, would be one more allocation per envelope); nil: read
	// Payload (a frame slack-go could not decode).
	decoded any
}

type slashCommand struct {
	Command     string `json:"command"`
	Text        string `json:"text"`
	UserID      string `json:"user_id"`
	ChannelID   string `json:"channel_id"`
	TeamID      string `json:"team_id"`
	TriggerID   string `json:"trigger_id"`
	ResponseURL string `json:"response_url"`
}

type user struct {
	ID string `json:"id"`
}

type team struct {
	ID     string `json:"id"`
	Domain string `json:"domain"`
}

type interaction struct {
	Type        string `json:"type"`
	User        user   `json:"user"`
	Team        *team  `json:"team"`
	TriggerID   string `json:"trigger_id"`
	ResponseURL string `json:"response_url"`
	CallbackID  string `json:"callback_id"`
	Container   struct {
		Type        string `json:"type"`
		MessageTS   string `json:"message_ts"`
		ChannelID   string `json:"channel_id"`
		ViewID      string `json:"view_id"`
		IsEphemeral any    `json:"is_ephemeral"`
	} `json:"container"`
	Channel *channelRef `json:"channel"`
	Message *messageRef `json:"message"`
	Actions []action    `json:"actions"`
	View    view        `json:"view"`
}

// readInteraction is the bot's own reading of an interaction's payload,
// for a frame slack-go could not decode. It reads what interactionOf reads
// from slack-go's decoding, down to the text a message shortcut notes for
// a message without text (a file alone, an app's blocks).
func readInteraction(payload json.RawMessage) (interaction, error) {
	var in interaction
	if err := json.Unmarshal(payload, &in); err != nil {
		return in, err
	}
	if m := in.Message; m != nil {
		if m.Text = writtenText(m.Text); m.Text == "" && in.Type == "message_action" {
			m.Text = shownText(shownParts(payload))
		}
	}
	return in, nil
}

type channelRef struct {
	ID string `json:"id"`
}

// messageRef is the message a button or a message shortcut was used on.
type messageRef struct {
	Text     string `json:"text"`
	TS       string `json:"ts"`
	ThreadTS string `json:"thread_ts"` // a reply's parent; a parent's own ts
	User     string `json:"user"`
	BotID    string `json:"bot_id"`
	// Blocks are the message's blocks as slack-go decoded them; RawBlocks
	// as the payload had them, when the bot read the frame itself
	// (readInteraction), for slack-go may have failed on them. A Snooze
	// keeps the nudge's list from them (snoozedList).
	Blocks    []slack.Block   `json:"-"`
	RawBlocks json.RawMessage `json:"blocks"`
}

// blocks are the message's blocks, read from RawBlocks if slack-go did
// not decode them; nil if they cannot be read.
func (m *messageRef) blocks() []slack.Block {
	if m == nil {
		return nil
	}
	if m.Blocks != nil || len(m.RawBlocks) == 0 {
		return m.Blocks
	}
	var bs slack.Blocks
	if err := json.Unmarshal(m.RawBlocks, &bs); err != nil {
		return nil
	}
	return bs.BlockSet
}

type action struct {
	ActionID      string   `json:"action_id"`
	BlockID       string   `json:"block_id"`
	Type          string   `json:"type"`
	Value         string   `json:"value"`
	SelectedUsers []string `json:"selected_users"`
	// SelectedOption is the item chosen in a menu of a message (a
	// static_select): what a click on it means, as Value is a button's.
	SelectedOption option `json:"selected_option"`
}

type view struct {
	ID              string      `json:"id"`
	Type            string      `json:"type"` // modal, home
	Hash            string      `json:"hash"`
	CallbackID      string      `json:"callback_id"`
	PrivateMetadata string      `json:"private_metadata"`
	Blocks          []viewBlock `json:"blocks"`
	State           struct {
		// Values holds pointers: a map's slots are allocated eight at a
		// time, and with the values themselves in them each block's
		// one-input map cost a kilobyte, most of a submission's reading.
		Values map[string]map[string]*stateValue `json:"values"`
	} `json:"state"`
}

type option struct {
	Value string `json:"value"`
}

// stateValue is one input's value in a view's state.
type stateValue struct {
	Type            string   `json:"type"`
	Value           *string  `json:"value"`
	SelectedDate    string   `json:"selected_date"`
	SelectedUsers   []string `json:"selected_users"`
	SelectedUser    string   `json:"selected_user"`
	SelectedOption  *option  `json:"selected_option"`
	SelectedOptions []option `json:"selected_options"`
}

// text, choice and choices read an input that may be absent (nil).
func (v *stateValue) text() string {
	if v == nil || v.Value == nil {
		return ""
	}
	return *v.Value
}

func (v *stateValue) choice() string {
	if v == nil || v.SelectedOption == nil {
		return ""
	}
	return v.SelectedOption.Value
}

func (v *stateValue) choices() []string {
	if v == nil {
		return []string{}
	}
	out := make([]string, 0, len(v.SelectedOptions))
	for _, o := range v.SelectedOptions {
		out = append(out, o.Value)
	}
	return out
}

// eventCallback is an events_api payload.
type eventCallback struct {
	Type      string          `json:"type"`
	EventID   string          `json:"event_id"`
	EventTime unixTime        `json:"event_time"` // when Slack made the event: a retry keeps it
	Event     json.RawMessage `json:"event"`
	// TeamID and MinuteRateLimited are app_rate_limited's, which has no
	// inner event: the workspace, and the minute the limit began.
	TeamID            string   `json:"team_id"`
	MinuteRateLimited unixTime `json:"minute_rate_limited"`
}

type innerEvent struct {
	Type string          `json:"type"`
	User json.RawMessage `json:"user"` // an id for app_home_opened, an object for user_change
	Tab  string          `json:"tab"`
	// EnterpriseID is the organisation grid_migration_finished names.
	EnterpriseID string `json:"enterprise_id"`
}

// slackUser is a user object as users.info and user_change carry it.
type slackUser struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	RealName string `json:"real_name"`
	TZ       string `json:"tz"`
	IsBot    bool   `json:"is_bot"`
	Deleted  bool   `json:"deleted"`
	// Whose organisation they belong to (Workspace.outside): their home
	// workspace, Slack's mark for a user of another one, and on
	// Enterprise Grid their organisation, in enterprise_user (older user
	// objects put enterprise_id beside team_id).
	TeamID       string `json:"team_id"`
	IsStranger   bool   `json:"is_stranger"`
	EnterpriseID string `json:"enterprise_id"`
	Enterprise   struct {
		EnterpriseID string `json:"enterprise_id"`
	} `json:"enterprise_user"`
	Profile struct {
		Email            string `json:"email"`
		RealName         string `json:"real_name"`
		DisplayName      string `json:"display_name"`
		StatusText       string `json:"status_text"`
		StatusEmoji      string `json:"status_emoji"`
		StatusExpiration int64  `json:"status_expiration"`
	} `json:"profile"`
}

// displayName picks the name people know someone by.
func (u slackUser) displayName() string {
	for _, n := range []string{u.Profile.DisplayName, u.Profile.RealName, u.RealName, u.Name} {
		if strings.TrimSpace(n) != "" {
			return strings.TrimSpace(n)
		}
	}
	return ""
}
