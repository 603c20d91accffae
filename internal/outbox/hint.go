package outbox

import (
	"regexp"
	"strings"
)

// slackCode is what a Slack error code looks like.
var slackCode = regexp.MustCompile(`^[a-z_]{1,60}$`)

// SlackCode is Slack's error code that ends a failure's reason as the
// worker records it ("chat.postMessage: channel_not_found" gives
// channel_not_found), "" when the reason is not an answer from Slack (a
// rendering that failed, a reply whose post never went).
func SlackCode(reason string) string {
	i := strings.LastIndex(reason, ": ")
	if i < 0 {
		return ""
	}
	if code := reason[i+2:]; slackCode.MatchString(code) {
		return code
	}
	return ""
}

// ChannelHint says what an admin can do about a post to a channel that
// Slack refused for good with code. The advice follows chat.postMessage's
// documented errors (https://docs.slack.dev/reference/methods/chat.postMessage;
// the list as slack-ruby/slack-api-ref's methods/chat/chat.postMessage.json
// keeps it): one piece of advice for every answer (always "invite the bot")
// sent an admin whose channel id was mistyped, or archived, to invite a bot
// that could not help.
func ChannelHint(code string) string {
	switch code {
	case "not_in_channel":
		// "Cannot post user messages to a channel they are not in."
		return "not_in_channel: the bot is not in the channel; /invite @Coachlog there"
	case "channel_not_found":
		// "Value passed for channel was invalid." Slack answers the same
		// for a private channel the bot was never invited to: it does not
		// tell a bot that such a channel exists (getsentry/sentry#119600,
		// mishk0/slack-bot-api#97).
		return "channel_not_found: Slack knows no channel by that id, or it is a private channel the bot is not in; " +
			"check the id (COACHLOG_DIGEST_CHANNEL or --channel), and /invite @Coachlog if it is private"
	case "is_archived":
		// "Channel has been archived."
		return "is_archived: the channel is archived; unarchive it, or set another channel (COACHLOG_DIGEST_CHANNEL or --channel)"
	case "restricted_action", "restricted_action_read_only_channel", "restricted_action_thread_only_channel",
		"restricted_action_non_threadable_channel", "ekm_access_denied":
		// A workspace preference, a read-only or thread-only channel, or
		// administrators who suspended posting (EKM): nothing the bot or
		// the channel's members can change.
		return code + ": a workspace admin's setting keeps the bot from posting there; ask a workspace admin, or set another channel"
	case "thread_not_found":
		// A reply under a headline deleted in the channel: the sender
		// posted it again once already (coaching.MaxThreadReposts).
		return "thread_not_found: the digest's headline was deleted in the channel; run `coachlog digest --week` to post it again with its thread"
	case "msg_too_long", "msg_blocks_too_long", "invalid_blocks", "too_many_attachments", "no_text", "invalid_arguments":
		// The message itself: whatever the channel, it would be refused again.
		return code + ": Slack refused the message itself, a bug in Coachlog; please report it with this log line"
	case "":
		return "the log says why"
	}
	return "Slack answered " + code
}
