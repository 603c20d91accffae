package fakeslack

import "strings"

// AddChannel makes a channel known to the fake, with or without the bot in
// it. Once a test has added a channel, posting (chat.postMessage) or
// sharing a file (files.completeUploadExternal) to a channel the fake does
// not know answers channel_not_found, and to one the bot is not in
// not_in_channel, as Slack answers a bot without chat:write.public (a
// private one it is not in answers channel_not_found: postableLocked). Until
// then every channel is taken, so tests that never name one need not.
// DMs (a user id, or D…) are never checked here. Channel and conversation
// pickers offer only channels added here or with AddPrivateChannel
// (pickableLocked). A C… channel added here is public; a G… one is
// private, as Slack gives no public channel a G… id.
func (s *Server) AddChannel(id string, botMember bool) {
	s.addChannel(id, botMember, false)
}

// AddPrivateChannel is AddChannel for a private channel: Slack gives new
// private channels C… ids too, so only the test knows it is one. A
// channels_select never offers it, as it lists "public channels visible to
// the current user" (https://api.slack.com/reference/block-kit/block-elements#channel_select); a conversations_select does only when
// its filter includes "private" or has none (conversationKindLocked).
func (s *Server) AddPrivateChannel(id string, botMember bool) {
	s.addChannel(id, botMember, true)
}

func (s *Server) addChannel(id string, botMember, private bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.channels[id] = botMember
	if private {
		s.st.privateChannels[id] = true
	} else {
		delete(s.st.privateChannels, id)
	}
	s.notifyLocked()
}

// conversationKindLocked is the kind of conversation id is, as a
// conversation filter's include names them (public, private, im, mpim):
// a D… id is a DM; a G… id, or a channel added with AddPrivateChannel, a
// private channel; any other a public one. The fake has no group DMs
// (mpim): nothing makes one, so a G… id added with AddChannel is taken as
// the private channel the test meant.
func (s *Server) conversationKindLocked(id string) string {
	switch {
	case strings.HasPrefix(id, "D"):
		return "im"
	case strings.HasPrefix(id, "G") || s.st.privateChannels[id]:
		return "private"
	}
	return "public"
}

// postableLocked is the error code for the bot posting to ch, "" when it
// may. A private channel the bot is not in is channel_not_found, not
// not_in_channel: Slack does not tell a bot that a private channel it was
// not invited to exists, and answers as for an id it does not know
// (getsentry/sentry#119600: "If channel is private and @sentry not in the
// channel the error will be ... the same as the channel does not really
// exist"; mishk0/slack-bot-api#97: chat.postMessage to a private channel
// answers channel_not_found, "you need to be summoned in the channel to
// know it exists"). Only a public channel answers not_in_channel
// ("Cannot post user messages to a channel they are not in", chat.postMessage's
// documented errors).
func (s *Server) postableLocked(ch string) string {
	if len(s.st.channels) == 0 || isUserID(ch) || strings.HasPrefix(ch, "D") {
		return ""
	}
	member, known := s.st.channels[ch]
	switch {
	case !known:
		return "channel_not_found"
	case !member && s.conversationKindLocked(ch) == "private":
		return "channel_not_found"
	case s.st.conv[ch] != nil && s.st.conv[ch].archived:
		// "Channel has been archived", among chat.postMessage's documented
		// errors (https://docs.slack.dev/reference/methods/chat.postMessage,
		// as slack-ruby/slack-api-ref's methods/chat/chat.postMessage.json
		// lists them). A private channel the bot is not in stays
		// channel_not_found: archived or not, the bot cannot see it.
		return "is_archived"
	case !member:
		return "not_in_channel"
	}
	return ""
}

// pickableLocked is what the pickers of a surface offer userID (see
// checkPicks): users as pickableUserLocked says; channels added with
// AddChannel or AddPrivateChannel, with or without the bot in them, as
// Slack's pickers list what the person sees, not what the bot is in; and,
// for a conversations picker, the person's own DM with the app too. A
// channels picker lists only public channels: neither a G… id nor a
// channel added with AddPrivateChannel is one. Unlike postableLocked,
// there is no grace before the first AddChannel: a channel no test added
// is one the fake knows nothing of.
func (s *Server) pickableLocked(userID string) pickable {
	known := func(id string) bool {
		_, ok := s.st.channels[id]
		return ok
	}
	return pickable{
		user: s.pickableUserLocked,
		channel: func(id string) bool {
			return known(id) && strings.HasPrefix(id, "C") && !s.st.privateChannels[id]
		},
		conversation: func(id string) bool {
			return known(id) || (strings.HasPrefix(id, "D") && id == s.dmChannelLocked(userID))
		},
		kind: s.conversationKindLocked,
	}
}
