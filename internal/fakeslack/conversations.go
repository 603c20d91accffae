package fakeslack

import "slices"

// convFlags is what a test said of a channel beyond AddChannel: shared
// with other organisations (Slack Connect), archived.
type convFlags struct {
	connected []string // other organisations' team ids; non-empty: externally shared
	invited   []string // organisations invited, not yet accepted: pending
	archived  bool
}

// ShareChannelExternally shares channel with the organisations teamIDs
// (Slack Connect), as an admin may do at any time, between two digests
// too: conversations.info then answers is_shared and is_ext_shared true
// and names them in connected_team_ids. Without teamIDs it names one
// other organisation, T0OTHERORG. Posting to it goes on as before: Slack
// does not stop a bot from posting in a shared channel, it is the bot's
// business to know who reads it.
func (s *Server) ShareChannelExternally(channel string, teamIDs ...string) {
	if len(teamIDs) == 0 {
		teamIDs = []string{"T0OTHERORG"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.convFlagsLocked(channel).connected = slices.Clone(teamIDs)
	s.notifyLocked()
}

// InviteChannelExternally invites the organisations teamIDs to channel
// (Slack Connect) without their accepting yet: conversations.info answers
// is_pending_ext_shared true and names them in
// pending_connected_team_ids (the conversation object,
// https://docs.slack.dev/reference/objects/conversation-object). Once
// they accept, whatever was posted is theirs to read.
func (s *Server) InviteChannelExternally(channel string, teamIDs ...string) {
	if len(teamIDs) == 0 {
		teamIDs = []string{"T0OTHERORG"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.convFlagsLocked(channel).invited = slices.Clone(teamIDs)
	s.notifyLocked()
}

// ArchiveChannel marks channel archived: conversations.info answers
// is_archived true, and the bot's posts and file shares there are
// answered is_archived (postableLocked).
func (s *Server) ArchiveChannel(channel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.convFlagsLocked(channel).archived = true
	s.notifyLocked()
}

func (s *Server) convFlagsLocked(channel string) *convFlags {
	if s.st.conv == nil {
		s.st.conv = map[string]*convFlags{}
	}
	f := s.st.conv[channel]
	if f == nil {
		f = &convFlags{}
		s.st.conv[channel] = f
	}
	return f
}

// conversationsInfoScopeLocked is the bot scope conversations.info needs
// for channel: "Bot token: channels:read, groups:read, im:read,
// mpim:read" (https://docs.slack.dev/reference/methods/conversations.info),
// each for its own kind of conversation: "to retrieve details about a
// public channel, you'll need the channels:read scope. For details about a
// private channel, you'll need the groups:read scope"
// (https://docs.slack.dev/apis/web-api/using-the-conversations-api).
func (s *Server) conversationsInfoScopeLocked(channel string) string {
	switch s.conversationKindLocked(channel) {
	case "im":
		return "im:read"
	case "private":
		return "groups:read"
	}
	return "channels:read"
}

// conversationsInfo answers conversations.info
// (https://docs.slack.dev/reference/methods/conversations.info) with a
// conversation object (https://docs.slack.dev/reference/objects/conversation-object)
// holding the fields a bot reads to know who reads a channel: is_channel,
// is_group, is_im, is_mpim, is_private, is_archived, is_member, is_shared,
// is_org_shared, is_ext_shared, is_pending_ext_shared, shared_team_ids,
// connected_team_ids, context_team_id. Its one documented error is
// channel_not_found ("Value passed for channel was invalid"): a channel
// the fake does not know, once a test has added one (before that, as
// postableLocked, every channel is taken as a public one with the bot in
// it), and a private channel the bot is not in, which Slack does not show
// to a bot outside it. A DM is known as the bot's DM with someone.
func (s *Server) conversationsInfo(r *apiRequest) apiResult {
	id := r.param("channel")
	if id == "" {
		return errResult("channel_not_found")
	}
	kind := s.conversationKindLocked(id)
	if kind == "im" {
		user, ok := s.st.dmUser[id]
		if !ok {
			return errResult("channel_not_found")
		}
		return okResult(map[string]any{"channel": map[string]any{
			"id": id, "created": 1700000000, "is_im": true, "is_org_shared": false, "context_team_id": s.teamID,
			"user": user, "is_user_deleted": false, "priority": 0,
		}})
	}
	member, known := s.st.channels[id]
	if len(s.st.channels) == 0 {
		member, known = true, true
	}
	if !known || kind == "private" && !member {
		return errResult("channel_not_found")
	}
	var flags convFlags
	if f := s.st.conv[id]; f != nil {
		flags = *f
	}
	shared := []string{s.teamID}
	shared = append(shared, flags.connected...)
	ext := len(flags.connected) > 0
	name := channelName(id)
	ch := map[string]any{
		"id":                         id,
		"name":                       name,
		"name_normalized":            name,
		"is_channel":                 true,
		"is_group":                   false,
		"is_im":                      false,
		"is_mpim":                    false,
		"is_private":                 kind == "private",
		"created":                    1700000000,
		"is_archived":                flags.archived,
		"is_general":                 false,
		"unlinked":                   0,
		"is_shared":                  ext,
		"is_org_shared":              false,
		"is_ext_shared":              ext,
		"is_pending_ext_shared":      len(flags.invited) > 0,
		"pending_shared":             slices.Clone(flags.invited),
		"pending_connected_team_ids": slices.Clone(flags.invited),
		"shared_team_ids":            shared,
		"context_team_id":            s.teamID,
		"parent_conversation":        nil,
		"creator":                    "U0CREATOR",
		"is_member":                  member,
		"topic":                      map[string]any{"value": "", "creator": "", "last_set": 0},
		"purpose":                    map[string]any{"value": "", "creator": "", "last_set": 0},
		"previous_names":             []string{},
	}
	if ext {
		ch["connected_team_ids"] = slices.Clone(flags.connected)
		ch["conversation_host_id"] = s.teamID
	}
	if r.param("include_num_members") == "true" || r.param("include_num_members") == "1" {
		ch["num_members"] = 2
	}
	return okResult(map[string]any{"channel": ch})
}
