package fakeslack

import "strings"

// AddChannel makes a channel known to the fake, with or without the bot in
// it. Once a test has added a channel, posting (chat.postMessage) or
// sharing a file (files.completeUploadExternal) to a channel the fake does
// not know answers channel_not_found, and to one the bot is not in
// not_in_channel, as Slack answers a bot without chat:write.public. Until
// then every channel is taken, so tests that never name one need not.
// DMs (a user id, or D…) are never checked here. Channel and conversation
// pickers offer only channels added here (pickableLocked).
func (s *Server) AddChannel(id string, botMember bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.channels[id] = botMember
	s.notifyLocked()
}

// postableLocked is the error code for the bot posting to ch, "" when it
// may.
func (s *Server) postableLocked(ch string) string {
	if len(s.st.channels) == 0 || isUserID(ch) || strings.HasPrefix(ch, "D") {
		return ""
	}
	member, known := s.st.channels[ch]
	switch {
	case !known:
		return "channel_not_found"
	case !member:
		return "not_in_channel"
	}
	return ""
}

// pickableLocked is what the pickers of a surface offer userID (see
// checkPicks): users as pickableUserLocked says; channels added with
// AddChannel, with or without the bot in them, as Slack's pickers list
// what the person sees, not what the bot is in; and, for a conversations
// picker, the person's own DM with the app too. A channels picker lists
// only public channels: a G… id (a private channel or group DM) is not
// one. The fake does not know which C… channels are private, so it takes
// them all. Unlike postableLocked, there is no grace before the first
// AddChannel: a channel no test added is one the fake knows nothing of.
func (s *Server) pickableLocked(userID string) pickable {
	known := func(id string) bool {
		_, ok := s.st.channels[id]
		return ok
	}
	return pickable{
		user:    s.pickableUserLocked,
		channel: func(id string) bool { return known(id) && strings.HasPrefix(id, "C") },
		conversation: func(id string) bool {
			return known(id) || (strings.HasPrefix(id, "D") && id == s.dmChannelLocked(userID))
		},
	}
}
