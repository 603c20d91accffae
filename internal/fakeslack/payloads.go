package fakeslack

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// Interaction identifies what a builder sent, so a test can follow up: ack
// the envelope, open a view with the trigger, or watch the response_url.
type Interaction struct {
	EnvelopeID  string
	TriggerID   string // "" when the payload carries none
	ResponseURL string // "" when the payload carries none
}

// teamRef is the team object interaction payloads carry. On Enterprise
// Grid it names the organisation too, as the team of
// boltpy_message_action.json does (enterprise_id, enterprise_name).
func (s *Server) teamRef() map[string]any {
	team := map[string]any{"id": s.teamID, "domain": s.teamDomain}
	if s.enterpriseID != "" {
		team["enterprise_id"], team["enterprise_name"] = s.enterpriseID, s.enterpriseName()
	}
	return team
}

// enterpriseRef is the enterprise object interaction payloads carry: null
// off Enterprise Grid (every non-Grid fixture), the organisation's id and
// name on it (slack-go's InteractionCallback.Enterprise, {id, name}).
func (s *Server) enterpriseRef() any {
	if s.enterpriseID == "" {
		return nil
	}
	return map[string]any{"id": s.enterpriseID, "name": s.enterpriseName()}
}

// enterpriseName is the organisation's name: the fake has none of its
// own, so it uses the id, as its user objects' enterprise_user does.
func (s *Server) enterpriseName() string { return s.enterpriseID }

// enterpriseInstall is is_enterprise_install as the payload should carry it.
func enterpriseInstall(cfg envelopeConfig) any {
	if cfg.enterpriseStr {
		return "false"
	}
	return false
}

// channelForLocked picks the channel a command or shortcut happens in.
func (s *Server) channelForLocked(cfg envelopeConfig, userID string) (string, string) {
	if cfg.channelID != "" {
		name := cfg.channelName
		if name == "" {
			name = channelName(cfg.channelID)
		}
		return cfg.channelID, name
	}
	return s.dmChannelLocked(userID), "directmessage"
}

// sendLocked marshals a built payload while s.mu is still held (payloads
// share maps with the state), releases s.mu, and delivers the envelope; the
// triggers' 3-second clocks start at delivery.
func (s *Server) sendLocked(ctx context.Context, typ string, payload map[string]any, env *envelope, cfg envelopeConfig) (string, error) {
	raw, err := json.Marshal(payload)
	s.mu.Unlock()
	if err != nil {
		return "", fmt.Errorf("marshal %s payload: %w", typ, err)
	}
	return s.sendEnvelope(ctx, typ, raw, env, cfg)
}

// SlashCommand sends a slash_commands envelope shaped like
// pysdk_envelope_slash_commands.json, with a fresh trigger_id and
// response_url. The command runs in the user's DM with the bot unless
// InChannel says otherwise.
//
// is_enterprise_install is always the string "false": a slash command's
// payload is its form body, every value a string (the SlashCommand
// reference, https://docs.slack.dev/tools/bolt-js/reference/interfaces/SlashCommand,
// types it a string; the Socket Mode payload in slack-go issue 1265
// carries "is_enterprise_install": "false"). A bot must read it so.
//
// text must be what Slack sends for the app's manifest, which sets
// should_escape: a text a real Slack could not send fails the call (see
// checkEscapedText).
func (s *Server) SlashCommand(ctx context.Context, userID, command, text string, opts ...EnvelopeOption) (Interaction, error) {
	if err := checkEscapedText(text); err != nil {
		return Interaction{}, fmt.Errorf("slash command %s: %w", command, err)
	}
	cfg := newEnvelopeConfig(opts)
	s.mu.Lock()
	chID, chName := s.channelForLocked(cfg, userID)
	in := Interaction{
		TriggerID:   s.issueTriggerLocked(userID, ""),
		ResponseURL: s.issueResponseURLLocked(userID, chID, nil),
	}
	payload := map[string]any{
		"token": VerificationToken, "team_id": s.teamID, "team_domain": s.teamDomain,
		"channel_id": chID, "channel_name": chName, "user_id": userID,
		"user_name": s.userNameLocked(userID), "command": command, "text": text,
		"api_app_id": s.appID, "is_enterprise_install": "false",
		"response_url": in.ResponseURL, "trigger_id": in.TriggerID,
	}
	// On Enterprise Grid a command names the organisation it came from
	// (enterprise_id, enterprise_name beside team_id and team_domain:
	// https://docs.slack.dev/interactivity/implementing-slash-commands).
	if s.enterpriseID != "" {
		payload["enterprise_id"], payload["enterprise_name"] = s.enterpriseID, s.enterpriseName()
	}
	env := &envelope{triggers: []string{in.TriggerID}, respURL: responseURLID(in.ResponseURL)}
	id, err := s.sendLocked(ctx, "slash_commands", payload, env, cfg)
	in.EnvelopeID = id
	if err != nil {
		return in, fmt.Errorf("slash command %s: %w", command, err)
	}
	return in, nil
}

// ClickButton clicks the button with actionID in the stored message at
// channel/ts (channel may be a user id for the bot's DM) and sends the
// block_actions envelope Slack would, shaped like
// heybot_block_actions_dm_button.json. Use ButtonValue, or
// ClickButtonWithValue, when several buttons share the action_id, and
// PickOption to choose an item of a menu instead.
// Ephemeral messages (chat.postEphemeral) work too. Only a user who can
// see the message can click in it (see visibleToLocked): another user's click is
// refused, as are those of ClickStale and ClickResponseButton.
func (s *Server) ClickButton(ctx context.Context, userID, channel, ts, actionID string, opts ...EnvelopeOption) (Interaction, error) {
	cfg := newEnvelopeConfig(opts)
	s.mu.Lock()
	m := s.st.msgs[msgKey(s.resolveChannelLocked(channel), ts)]
	if m == nil || m.deleted {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("click %s: no message %s in %s", actionID, ts, channel)
	}
	return s.clickLocked(ctx, userID, m, actionID, cfg)
}

// ClickButtonWithValue is ClickButton choosing among buttons that share
// actionID by their value.
func (s *Server) ClickButtonWithValue(ctx context.Context, userID, channel, ts, actionID, value string, opts ...EnvelopeOption) (Interaction, error) {
	return s.ClickButton(ctx, userID, channel, ts, actionID, append(opts, ButtonValue(value))...)
}

// ClickStale clicks a button on snap, a copy of a message taken earlier:
// what a client still shows when the bot has since updated the message.
// The payload carries the old blocks and button value, as Slack's would
// when the click races the update.
func (s *Server) ClickStale(ctx context.Context, userID string, snap Message, actionID string, opts ...EnvelopeOption) (Interaction, error) {
	var blocks []any
	if err := json.Unmarshal(snap.Blocks, &blocks); err != nil {
		return Interaction{}, fmt.Errorf("click stale %s: %w", actionID, err)
	}
	cfg := newEnvelopeConfig(opts)
	s.mu.Lock()
	old := &message{channel: snap.Channel, ts: snap.TS, threadTS: snap.ThreadTS, text: snap.Text, blocks: blocks,
		hasBlocks: true, ephemeral: snap.Ephemeral, recipient: snap.Recipient}
	return s.clickLocked(ctx, userID, old, actionID, cfg)
}

// ClickResponseButton clicks a button (or, with PickOption, chooses an
// item of a menu) in the latest live message posted (or replaced) through
// responseURL, usually an ephemeral one: the container then says
// is_ephemeral true and, as in Slack, no message is attached.
func (s *Server) ClickResponseButton(ctx context.Context, userID, responseURL, actionID string, opts ...EnvelopeOption) (Interaction, error) {
	cfg := newEnvelopeConfig(opts)
	s.mu.Lock()
	var m *message
	for _, x := range s.st.msgOrder {
		if x.responseURL == responseURL && !x.deleted {
			m = x
		}
	}
	if m == nil {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("click %s: nothing was posted through %s", actionID, responseURL)
	}
	return s.clickLocked(ctx, userID, m, actionID, cfg)
}

// MessageState gives what the clicking user typed or picked in the
// message's own inputs, selects and pickers before clicking (block_id ->
// action_id -> a TextValue, DateValue...), for ClickButton and the other
// message clicks. Slack keeps these in the user's client, not in the
// message, and sends them in the click's state, as in
// slackmachine_block_actions_message_inputs.json; every stateful element
// not given is reported as the message shows it untouched. Each click
// carries only what it is given: the fake keeps no draft between clicks.
func MessageState(values map[string]map[string]any) EnvelopeOption {
	return func(c *envelopeConfig) { c.messageState = values }
}

// clickLocked builds and sends block_actions for a button in m; it is
// called with s.mu held and releases it.
func (s *Server) clickLocked(ctx context.Context, userID string, m *message, actionID string, cfg envelopeConfig) (Interaction, error) {
	if why := s.visibleToLocked(m, userID); why != "" {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("click %s in message %s: %s cannot see it: %s", actionID, m.ts, userID, why)
	}
	blockID, action, picked, err := findAction(m.blocks, actionID, cfg)
	if err != nil {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("click in message %s: %w", m.ts, err)
	}
	given := map[string]map[string]any{}
	if err := fitValues(m.blocks, given, cfg.messageState, s.pickableLocked(userID)); err != nil {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("click in message %s: state: %w", m.ts, err)
	}
	if picked != nil {
		// A select shows the item chosen, and the state says so.
		if given[blockID] == nil {
			given[blockID] = map[string]any{}
		}
		given[blockID][actionID] = picked
	}
	// The response_url answers for the message in its channel, as it is
	// now: a stale click (m a copy a client still showed) replaces the
	// live message, as Slack's replace_original does.
	origin := m
	if live, ok := s.st.msgs[msgKey(m.channel, m.ts)]; ok {
		origin = live
	}
	in := Interaction{
		TriggerID:   s.issueTriggerLocked(userID, ""),
		ResponseURL: s.issueResponseURLLocked(userID, m.channel, origin),
	}
	container := map[string]any{"type": "message", "message_ts": m.ts, "channel_id": m.channel, "is_ephemeral": m.ephemeral}
	if m.threadTS != "" {
		container["thread_ts"] = m.threadTS
	}
	action["action_ts"] = s.actionTS()
	payload := map[string]any{
		"type": "block_actions", "user": s.userRefLocked(userID), "api_app_id": s.appID,
		"token": VerificationToken, "container": container, "trigger_id": in.TriggerID,
		"team": s.teamRef(), "enterprise": s.enterpriseRef(), "is_enterprise_install": enterpriseInstall(cfg),
		"channel":      map[string]any{"id": m.channel, "name": channelName(m.channel)},
		"state":        map[string]any{"values": fullState(m.blocks, given)},
		"response_url": in.ResponseURL, "actions": []any{action},
	}
	if !m.ephemeral {
		payload["message"] = s.messageObjectLocked(m)
	}
	id, err := s.sendLocked(ctx, "interactive", payload, &envelope{triggers: []string{in.TriggerID}}, cfg)
	in.EnvelopeID = id
	if err != nil {
		return in, fmt.Errorf("click %s: %w", actionID, err)
	}
	return in, nil
}

// findAction finds what a click uses in blocks: the button with actionID
// (and cfg's ButtonValue, when given) or, with PickOption, the option of
// the menu with actionID. It returns the block's id, the action as
// block_actions carries it and, for a menu with a state (a select, not an
// overflow), the state value the pick gives it.
func findAction(blocks []any, actionID string, cfg envelopeConfig) (string, map[string]any, map[string]any, error) {
	if cfg.option == nil {
		blockID, button, err := findButton(blocks, actionID, cfg.buttonValue)
		if err != nil {
			return "", nil, nil, err
		}
		action := map[string]any{"action_id": actionID, "block_id": blockID, "type": "button"}
		for _, k := range []string{"text", "value", "style", "url"} {
			if v, ok := button[k]; ok {
				action[k] = v
			}
		}
		return blockID, action, nil, nil
	}
	blockID, el, opt, err := findOption(blocks, actionID, *cfg.option)
	if err != nil {
		return "", nil, nil, err
	}
	typ, _ := el["type"].(string)
	// bolt-js's OverflowAction and StaticSelectAction: the option chosen
	// in selected_option; a select's placeholder beside it.
	action := map[string]any{"action_id": actionID, "block_id": blockID, "type": typ, "selected_option": opt}
	if ph, ok := el["placeholder"]; ok {
		action["placeholder"] = ph
	}
	var picked map[string]any
	if f, ok := stateFields[typ]; ok && f.key == "selected_option" {
		picked = map[string]any{"type": typ, "selected_option": opt}
	}
	return blockID, action, picked, nil
}

// findOption finds the menu with actionID offering an option with value,
// and returns its block's id, the menu and the option.
func findOption(blocks []any, actionID, value string) (string, map[string]any, map[string]any, error) {
	var seen []string
	for blockID, el := range blockElements(blocks) {
		if el["action_id"] != actionID || el["type"] == "button" {
			continue
		}
		if opt, ok := optionFor(el, value); ok {
			return blockID, el, opt, nil
		}
		seen = append(seen, blockID)
	}
	return "", nil, nil, fmt.Errorf("no menu %s with an option %q (menus %s are in blocks: %s)", actionID, value, actionID, strings.Join(seen, ", "))
}

// visibleToLocked says why userID cannot see m, "" when they can. A user clicks
// only what their client shows them: an ephemeral message is shown to its
// one recipient ("Sends an ephemeral message to a user in a channel",
// https://docs.slack.dev/reference/methods/chat.postEphemeral/), and a DM
// to its two members ("Each direct message channel is between two users",
// https://docs.slack.dev/reference/objects/im-object), here the app and
// the user the fake gave that D… id to (dmChannelLocked). Members of
// other channels are not tracked: anyone may click there.
func (s *Server) visibleToLocked(m *message, userID string) string {
	switch {
	case m.ephemeral && m.recipient != userID:
		return fmt.Sprintf("it is an ephemeral message shown only to %s", m.recipient)
	case strings.HasPrefix(m.channel, "D") && m.channel != s.dmChannelLocked(userID):
		return fmt.Sprintf("it is in %s, the app's DM with someone else", m.channel)
	}
	return ""
}

// MessageShortcut sends a message_action (a message shortcut used on a
// message) shaped like boltpy_message_action.json. author is the message's
// author and ts its ts.
func (s *Server) MessageShortcut(ctx context.Context, userID, callbackID, channel, text, ts, author string, opts ...EnvelopeOption) (Interaction, error) {
	cfg := newEnvelopeConfig(opts)
	s.mu.Lock()
	channel = s.resolveChannelLocked(channel)
	in := Interaction{
		TriggerID:   s.issueTriggerLocked(userID, ""),
		ResponseURL: s.issueResponseURLLocked(userID, channel, nil),
	}
	message := map[string]any{
		"type": "message", "text": text, "user": author, "ts": ts, "team": s.teamID,
		"client_msg_id": newUUID(),
	}
	if text != "" {
		// A person's message carries its text as a rich_text block too
		// (boltpy_message_action.json); a message without text (a file
		// alone) has none. MessageFields replaces or drops it.
		message["blocks"] = []any{richTextBlock(text)}
	}
	for k, v := range cfg.message {
		if v == nil {
			delete(message, k)
		} else {
			message[k] = v
		}
	}
	if blocks, _ := message["blocks"].([]any); len(blocks) > 0 && message["text"] == "" {
		// An app's message in blocks alone: Slack sends its placeholder
		// text, never "" (see BlocksOnlyText).
		message["text"] = BlocksOnlyText
	}
	payload := map[string]any{
		"type": "message_action", "token": VerificationToken, "action_ts": s.actionTS(),
		"team": s.teamRef(), "user": s.userRefLocked(userID),
		"channel":     map[string]any{"id": channel, "name": channelName(channel)},
		"callback_id": callbackID, "trigger_id": in.TriggerID, "message_ts": ts,
		"message":      message,
		"response_url": in.ResponseURL, "enterprise": s.enterpriseRef(), "is_enterprise_install": enterpriseInstall(cfg),
	}
	id, err := s.sendLocked(ctx, "interactive", payload, &envelope{triggers: []string{in.TriggerID}}, cfg)
	in.EnvelopeID = id
	if err != nil {
		return in, fmt.Errorf("message shortcut %s: %w", callbackID, err)
	}
	return in, nil
}

// GlobalShortcut sends a global shortcut, shaped like
// pysdk_envelope_interactive_shortcut.json.
func (s *Server) GlobalShortcut(ctx context.Context, userID, callbackID string, opts ...EnvelopeOption) (Interaction, error) {
	cfg := newEnvelopeConfig(opts)
	s.mu.Lock()
	in := Interaction{TriggerID: s.issueTriggerLocked(userID, "")}
	payload := map[string]any{
		"type": "shortcut", "token": VerificationToken, "action_ts": s.actionTS(),
		"team": s.teamRef(), "user": s.userRefLocked(userID),
		"is_enterprise_install": enterpriseInstall(cfg), "enterprise": s.enterpriseRef(),
		"callback_id": callbackID, "trigger_id": in.TriggerID,
	}
	id, err := s.sendLocked(ctx, "interactive", payload, &envelope{triggers: []string{in.TriggerID}}, cfg)
	in.EnvelopeID = id
	if err != nil {
		return in, fmt.Errorf("global shortcut %s: %w", callbackID, err)
	}
	return in, nil
}

// Event wraps an inner event (it needs at least "type") in an events_api
// envelope shaped like pysdk_envelope_events_api_*.json, filling event_ts
// (and ts for messages) when absent. It returns the envelope_id.
func (s *Server) Event(ctx context.Context, event map[string]any, opts ...EnvelopeOption) (string, error) {
	typ, _ := event["type"].(string)
	if typ == "" {
		return "", fmt.Errorf("send event: the event has no type")
	}
	cfg := newEnvelopeConfig(opts)
	s.mu.Lock()
	ev := make(map[string]any, len(event)+1)
	for k, v := range event {
		ev[k] = v
	}
	if _, ok := ev["event_ts"]; !ok {
		ev["event_ts"] = s.nextTSLocked()
	}
	if _, ok := ev["ts"]; !ok && typ == "message" {
		ev["ts"] = ev["event_ts"]
	}
	channel, _ := ev["channel"].(string)
	now := s.now()
	var enterprise any // null off Enterprise Grid
	if s.enterpriseID != "" {
		enterprise = s.enterpriseID
	}
	payload := map[string]any{
		"token": VerificationToken, "team_id": s.teamID, "api_app_id": s.appID, "event": ev,
		"type": "event_callback", "event_id": "Ev" + randomString(9, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
		"event_time": now.Unix(),
		"authorizations": []any{map[string]any{
			"enterprise_id": enterprise, "team_id": s.teamID, "user_id": s.botUserID,
			"is_bot": true, "is_enterprise_install": enterpriseInstall(cfg),
		}},
		"is_ext_shared_channel": false,
		"event_context":         "1-" + typ + "-" + s.teamID + "-" + channel,
	}
	// On Enterprise Grid the callback names the organisation beside the
	// workspace (boltpy_event_callback_app_home_opened_org.json); off it,
	// the key is absent (pysdk_envelope_events_api_*.json).
	if s.enterpriseID != "" {
		payload["enterprise_id"] = s.enterpriseID
	}
	id, err := s.sendLocked(ctx, "events_api", payload, &envelope{}, cfg)
	if err != nil {
		return id, fmt.Errorf("send %s event: %w", typ, err)
	}
	return id, nil
}

// AppHomeOpened sends app_home_opened for tab ("home" or "messages"; Slack
// sends it for both), with the user's published home view when there is one.
func (s *Server) AppHomeOpened(ctx context.Context, userID, tab string, opts ...EnvelopeOption) (string, error) {
	ev := map[string]any{"type": "app_home_opened", "user": userID, "channel": s.dmChannel(userID), "tab": tab}
	if home, ok := s.Home(userID); ok && tab == "home" {
		ev["view"] = json.RawMessage(home)
	}
	return s.Event(ctx, ev, opts...)
}
