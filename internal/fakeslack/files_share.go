package fakeslack

import "strings"

// checkShareChannelLocked applies Slack's rules to the channel_id a file is
// shared into with files.completeUploadExternal, where Slack is stricter
// than chat.postMessage:
//   - it must be an encoded channel id, never a user id: Slack answers
//     invalid_arguments "input must match regex pattern:
//     ^[CGDZ][A-Z0-9]{8,}$ [json-pointer:/channel_id]" (bolt-js #2115,
//     node-slack-sdk #1653), so a DM takes its D… id, from the channel a
//     chat.postMessage to the user answered with. The fake holds to the
//     first letter only: its test workspaces use ids shorter than Slack's;
//   - a DM must be one between the bot and a user of the workspace
//     (channel_not_found otherwise, as for a channel the bot cannot see).
//
// An empty channel_id is allowed: the file stays private.
func (s *Server) checkShareChannelLocked(channel string) (apiResult, bool) {
	if channel == "" {
		return apiResult{}, true
	}
	if !strings.ContainsRune("CGDZ", rune(channel[0])) {
		return errResult("invalid_arguments",
			"[ERROR] input must match regex pattern: ^[CGDZ][A-Z0-9]{8,}$ [json-pointer:/channel_id]"), false
	}
	if channel[0] == 'D' && s.st.directoryUsed && !s.botDMLocked(channel) {
		return errResult("channel_not_found"), false
	}
	return apiResult{}, true
}

// botDMLocked reports whether channel is the bot's DM with a user of the
// workspace. It only looks: a DM id is the fake's once something handed it
// out (a chat.postMessage to the user, conversations.open, a payload from
// the DM), and assigning ids here would decide, by the order of the
// directory, which of U0X and W0X gets D0X (dmChannelLocked).
func (s *Server) botDMLocked(channel string) bool {
	u, ok := s.st.dmUser[channel]
	return ok && s.st.userByID[u] != nil
}
