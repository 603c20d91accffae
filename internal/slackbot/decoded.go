package slackbot

import "github.com/slack-go/slack"

// slack-go's Socket Mode client decodes every payload into its own types
// (a slack.InteractionCallback, blocks and all; a slack.SlashCommand)
// before the bot sees it: for a view submission that is most of the CPU
// the ack path spends (issue 8). Decoding the payload a second time into
// the bot's own types would add to that cost, so interactions and slash
// commands are read from slack-go's decoding. A payload slack-go could not
// decode (it then hands over the raw frame: onBadMessage), and an Events
// API envelope (rare, and read into one small struct), are read leniently
// from the payload; readInteraction reads there what interactionOf reads
// here, so that both readings serve an interaction alike.

// slashOf is the bot's reading of a slash command slack-go decoded.
func slashOf(c *slack.SlashCommand) slashCommand {
	return slashCommand{Command: c.Command, Text: c.Text, UserID: c.UserID, ChannelID: c.ChannelID,
		TeamID: c.TeamID, TriggerID: c.TriggerID, ResponseURL: c.ResponseURL}
}

// interactionOf is the bot's reading of an interaction slack-go decoded:
// the fields the handlers use, no more.
func interactionOf(cb *slack.InteractionCallback) interaction {
	in := interaction{Type: string(cb.Type), User: user{ID: cb.User.ID}, TriggerID: cb.TriggerID,
		ResponseURL: cb.ResponseURL, CallbackID: cb.CallbackID}
	if cb.Team.ID != "" {
		in.Team = &team{ID: cb.Team.ID, Domain: cb.Team.Domain}
	}
	c := &in.Container
	c.Type, c.MessageTS, c.ChannelID, c.ViewID = cb.Container.Type, cb.Container.MessageTs, cb.Container.ChannelID, cb.Container.ViewID
	c.IsEphemeral = cb.Container.IsEphemeral
	if cb.Channel.ID != "" {
		in.Channel = &channelRef{ID: cb.Channel.ID}
	}
	if m := cb.Message; m.Timestamp != "" || m.Text != "" || m.User != "" || m.BotID != "" {
		text := writtenText(m.Text)
		if text == "" && in.Type == string(slack.InteractionTypeMessageAction) {
			text = shownText(m.Msg) // a file alone, an app's blocks: what the shortcut notes
		}
		in.Message = &messageRef{Text: text, TS: m.Timestamp, ThreadTS: m.ThreadTimestamp, User: m.User, BotID: m.BotID, Blocks: m.Blocks.BlockSet}
	}
	for _, a := range cb.ActionCallback.BlockActions {
		if a != nil {
			in.Actions = append(in.Actions, action{ActionID: a.ActionID, BlockID: a.BlockID, Type: string(a.Type),
				Value: a.Value, SelectedUsers: a.SelectedUsers, SelectedOption: option{Value: a.SelectedOption.Value}})
		}
	}
	v := &in.View
	v.ID, v.Type, v.Hash = cb.View.ID, string(cb.View.Type), cb.View.Hash
	v.CallbackID, v.PrivateMetadata = cb.View.CallbackID, cb.View.PrivateMetadata
	v.Blocks = make([]viewBlock, 0, len(cb.View.Blocks.BlockSet))
	for _, b := range cb.View.Blocks.BlockSet {
		v.Blocks = append(v.Blocks, viewBlock{Type: string(b.BlockType()), BlockID: b.ID()})
	}
	if cb.View.State != nil {
		v.State.Values = make(map[string]map[string]*stateValue, len(cb.View.State.Values))
		for blockID, acts := range cb.View.State.Values {
			m := make(map[string]*stateValue, len(acts))
			for actionID, a := range acts {
				m[actionID] = stateValueOf(a)
			}
			v.State.Values[blockID] = m
		}
	}
	return in
}

func stateValueOf(a slack.BlockAction) *stateValue {
	s := &stateValue{Type: string(a.Type), SelectedDate: a.SelectedDate, SelectedUsers: a.SelectedUsers,
		SelectedUser: a.SelectedUser}
	if a.Value != "" {
		val := a.Value
		s.Value = &val
	}
	if a.SelectedOption.Value != "" {
		s.SelectedOption = &option{Value: a.SelectedOption.Value}
	}
	if a.SelectedOptions != nil {
		s.SelectedOptions = make([]option, 0, len(a.SelectedOptions))
		for _, o := range a.SelectedOptions {
			s.SelectedOptions = append(s.SelectedOptions, option{Value: o.Value})
		}
	}
	return s
}
