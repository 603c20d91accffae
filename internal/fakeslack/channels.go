package fakeslack

import "strings"

// AddChannel makes a channel known to the fake, with or without the bot in
// it. Once a test has added a channel, posting (chat.postMessage) or
// sharing a file (files.completeUploadExternal) to a channel the fake does
// not know answers channel_not_found, and to one the bot is not in
// not_in_channel, as Slack answers a bot without chat:write.public. Until
// then every channel is taken, so tests that never name one need not.
// DMs (a user id, or D…) are never checked here.
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
