package fakeslack

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxMessageTextRunes is the longest text the fake takes in a message.
// chat.postMessage's reference says "For best results, limit the number
// of characters in the text field to 4,000 characters" and lists
// msg_too_long, "Message text is too long"
// (https://docs.slack.dev/reference/methods/chat.postMessage, Truncating
// content; Errors); a Slack engineer wrote in 2024 that "the 40K
// truncation is an old requirement and the platform now has a smaller
// limit for the text data. If your app generates 4K text, indeed posting
// the message could result in the error" (github.com/seratch/ChatGPT-in-Slack/issues/102),
// and apps met msg_too_long past 4,000 characters
// (github.com/votingworks/arlo/pull/2070). Others post longer texts
// without it: the limit is not documented, so the fake takes the strict
// side and answers msg_too_long past 4,000 characters, in every way a
// message is posted (chat.*, response_url posts and a slash command's
// ack alike). Slack's older rule, a text cut at 40,000 characters and
// posted with a message_truncated warning
// (https://api.slack.com/changelog/2018-04-truncating-really-long-messages),
// can no longer be met: the fake refuses such a text first.
const maxMessageTextRunes = 4000

// textTooLong says a message's text is past maxMessageTextRunes.
func textTooLong(text string) bool { return utf8.RuneCountInString(text) > maxMessageTextRunes }

// message is a stored message.
type message struct {
	channel     string
	ts          string
	threadTS    string
	text        string
	blocks      []any
	hasBlocks   bool
	ephemeral   bool
	recipient   string // who sees an ephemeral message
	responseURL string // the response_url it was posted or last replaced through
	deleted     bool
	edited      bool
}

// Message is a snapshot of a message the bot posted.
type Message struct {
	Channel     string
	TS          string
	ThreadTS    string
	Text        string
	Blocks      json.RawMessage // nil when the message has none
	User        string          // the author: the bot user
	Ephemeral   bool
	Recipient   string // for ephemeral messages, the only user who sees it
	ResponseURL string // set when posted through a response_url
	Edited      bool
}

func msgKey(channel, ts string) string { return channel + "/" + ts }

func (s *Server) snapshotLocked(m *message) Message {
	out := Message{
		Channel: m.channel, TS: m.ts, ThreadTS: m.threadTS, Text: m.text, User: s.botUserID,
		Ephemeral: m.ephemeral, Recipient: m.recipient, ResponseURL: m.responseURL, Edited: m.edited,
	}
	if m.hasBlocks {
		out.Blocks, _ = json.Marshal(m.blocks) // decoded JSON always re-encodes
	}
	return out
}

// Message returns the current state of a message; false if there is no such
// message or it was deleted. channel may be a user id for the bot's DM.
func (s *Server) Message(channel, ts string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.st.msgs[msgKey(s.resolveChannelLocked(channel), ts)]
	if m == nil || m.deleted {
		return Message{}, false
	}
	return s.snapshotLocked(m), true
}

// Messages returns the live (not deleted, not ephemeral) messages of a
// channel in ts order. channel may be a user id for the bot's DM.
func (s *Server) Messages(channel string) []Message {
	return s.listMessages(channel, false)
}

// Ephemerals returns the live ephemeral messages shown in a channel, from
// chat.postEphemeral and from response_url posts.
func (s *Server) Ephemerals(channel string) []Message {
	return s.listMessages(channel, true)
}

func (s *Server) listMessages(channel string, ephemeral bool) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	channel = s.resolveChannelLocked(channel)
	var out []Message
	for _, m := range s.st.msgOrder {
		if m.channel == channel && !m.deleted && m.ephemeral == ephemeral {
			out = append(out, s.snapshotLocked(m))
		}
	}
	return out
}

// resolveChannelLocked maps a user id to the bot's DM with that user, as
// chat.postMessage does.
func (s *Server) resolveChannelLocked(ch string) string {
	if isUserID(ch) {
		return s.dmChannelLocked(ch)
	}
	return ch
}

// storeMessageLocked keeps a new message and returns it.
func (s *Server) storeMessageLocked(m *message) *message {
	m.ts = s.nextTSLocked()
	s.st.msgs[msgKey(m.channel, m.ts)] = m
	s.st.msgOrder = append(s.st.msgOrder, m)
	return m
}

// messageObjectLocked renders m as Slack's message object.
func (s *Server) messageObjectLocked(m *message) map[string]any {
	obj := map[string]any{
		"type": "message", "text": m.text, "user": s.botUserID, "ts": m.ts,
		"bot_id": s.botID, "app_id": s.appID, "team": s.teamID,
	}
	if m.hasBlocks {
		obj["blocks"] = m.blocks
	}
	if m.threadTS != "" {
		obj["thread_ts"] = m.threadTS
	}
	if m.edited {
		obj["edited"] = map[string]any{"user": s.botUserID, "ts": m.ts}
	}
	return obj
}

// BlocksOnlyText is the text Slack gives a message an app posts (or
// updates, or replies through a response_url) with blocks and no text, and
// then sends wherever it sends the message: in the answer to
// chat.postMessage, in a block_actions or message_action payload. The
// message in heybot_block_actions_dm_button.json, a DM with buttons, has
// it; so do the message of the example payload of Slack's block_actions
// reference (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload,
// bot_id BAH5CA16Z, as quoted in apps' code), chat.postMessage answers
// quoted in public notes, and apps that skip it when reading
// conversations.history. The fake stores what Slack stores, never "", so a
// bot that reads a message's text must not take the placeholder for the
// message's words.
const BlocksOnlyText = "This content can't be displayed."

// fillBlocksOnlyText gives m Slack's placeholder text when it has blocks
// and no text (see BlocksOnlyText). A file alone, or attachments alone,
// keep their empty text: Slack sends those as "".
func (m *message) fillBlocksOnlyText() {
	if m.text == "" && m.hasBlocks {
		m.text = BlocksOnlyText
	}
}

// contentFrom reads text and blocks into m; it returns a Slack error result
// when the blocks are malformed or over Slack's limits, or the text too
// long (see maxMessageTextRunes).
func contentFrom(r *apiRequest, m *message) (_ apiResult, ok bool) {
	if r.has("blocks") {
		blocks, err := parseBlocks(r.param("blocks"))
		if err != nil {
			return errResult("invalid_blocks_format"), false
		}
		if code, msgs := checkMessageBlocks(blocks); code != "" {
			return errResult(code, msgs...), false
		}
		normalizeBlocks(blocks)
		m.blocks, m.hasBlocks = blocks, len(blocks) > 0
	}
	if r.has("text") {
		if textTooLong(r.param("text")) {
			return errResult("msg_too_long"), false
		}
		m.text = r.param("text")
	}
	m.fillBlocksOnlyText()
	return apiResult{}, true
}

// hasContent says a chat.* call carries something to show: text, blocks
// or attachments. A text of only whitespace is none: Slack answers no_text
// to it as to an empty one (reported in
// github.com/use-agent-os/agent-os/issues/2880 and
// github.com/NousResearch/hermes-agent/pull/52672; Slack's reference
// says only "No message text provided"), so the fake takes the strict side.
func hasContent(r *apiRequest) bool {
	return strings.TrimSpace(r.param("text")) != "" || (r.param("blocks") != "" && r.param("blocks") != "[]") || r.param("attachments") != ""
}

func (s *Server) chatPostMessage(r *apiRequest) apiResult {
	ch := r.param("channel")
	if ch == "" {
		return errResult("channel_not_found")
	}
	if isUserID(ch) && s.checkUserLocked(ch) != "" {
		return errResult("channel_not_found")
	}
	if code := s.postableLocked(ch); code != "" {
		return errResult(code)
	}
	if !hasContent(r) {
		return errResult("no_text")
	}
	m := &message{channel: s.resolveChannelLocked(ch), threadTS: r.param("thread_ts")}
	if res, ok := s.checkThreadLocked(m); !ok {
		return res
	}
	res, ok := contentFrom(r, m)
	if !ok {
		return res
	}
	s.storeMessageLocked(m)
	res = okResult(map[string]any{"channel": m.channel, "ts": m.ts, "message": s.messageObjectLocked(m)})
	m.deleted = s.deletedOnPostLocked(m) // after the answer: the bot got its ts
	return res
}

// chatUpdate replaces text and blocks; a field left out keeps its value,
// and blocks "[]" removes the blocks, as Slack documents.
func (s *Server) chatUpdate(r *apiRequest) apiResult {
	ch, ts := r.param("channel"), r.param("ts")
	m := s.st.msgs[msgKey(ch, ts)]
	if m == nil || m.deleted || m.ephemeral {
		if !s.channelKnownLocked(ch) {
			return errResult("channel_not_found")
		}
		return errResult("message_not_found")
	}
	// chat.update, like chat.postMessage, wants text, blocks or attachments
	// (https://docs.slack.dev/reference/methods/chat.update: "One of these
	// arguments in addition to text is required"); an empty text alone is
	// no_text, even where the message keeps its blocks.
	if !hasContent(r) {
		return errResult("no_text")
	}
	// contentFrom changes m only once the blocks are taken: a refused
	// update leaves the message as it was.
	res, ok := contentFrom(r, m)
	if !ok {
		return res
	}
	m.edited = true
	res = okResult(map[string]any{"channel": m.channel, "ts": m.ts, "text": m.text, "message": s.messageObjectLocked(m)})
	return res
}

// tsRE is the shape of a message ts: seconds, a dot, microseconds.
var tsRE = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)

// checkThreadLocked refuses a reply whose thread_ts Slack would not take,
// so a bot that threads under the wrong ts fails its tests, not in Slack:
//   - a thread_ts that is not a ts answers invalid_thread_ts with
//     "[ERROR] <thread_ts> is not a valid thread_ts", as Slack did to
//     github.com/jenkinsci/slack-plugin/issues/584;
//   - one that names no live message of the channel answers
//     thread_not_found, Slack's answer to a reply whose parent was
//     deleted (a Slack engineer in github.com/slackapi/bolt-js/issues/2307).
//     chat.postMessage's reference lists no error for it
//     (https://docs.slack.dev/reference/methods/chat.postMessage, Errors);
//     the same code is the one conversations.replies documents for a
//     thread_ts "missing or invalid"
//     (https://api.slack.com/methods/conversations.replies). The fake
//     answers it, never posting the reply alone in the channel: a sender
//     that counts on either learns it here.
//     The fake knows only the bot's own messages, so a thread under a
//     person's message cannot be posted here: the bot threads only under
//     its own posts (a DM, a digest).
//
// chat.postMessage's thread_ts: "Provide another message's ts value to
// make this message a reply"
// (https://docs.slack.dev/reference/methods/chat.postMessage).
func (s *Server) checkThreadLocked(m *message) (apiResult, bool) {
	if m.threadTS == "" {
		return apiResult{}, true
	}
	if !tsRE.MatchString(m.threadTS) {
		return errResult("invalid_thread_ts", fmt.Sprintf("[ERROR] %s is not a valid thread_ts", m.threadTS)), false
	}
	if p := s.st.msgs[msgKey(m.channel, m.threadTS)]; p == nil || p.deleted || p.ephemeral {
		return errResult("thread_not_found"), false
	}
	return apiResult{}, true
}

// DeleteNextPosts has a person in channel delete the next n messages the
// bot posts there at the top level (not its replies), each as soon as
// Slack took it: the bot's replies under one then meet thread_not_found
// (checkThreadLocked). channel may be a user id for the bot's DM.
func (s *Server) DeleteNextPosts(channel string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.deleteNext[s.resolveChannelLocked(channel)] += n
}

// deletedOnPostLocked reports whether a person deletes m as it lands
// (DeleteNextPosts), and counts it.
func (s *Server) deletedOnPostLocked(m *message) bool {
	if m.threadTS != "" || s.st.deleteNext[m.channel] == 0 {
		return false
	}
	s.st.deleteNext[m.channel]--
	return true
}

// channelKnownLocked reports whether any message was ever posted in ch.
func (s *Server) channelKnownLocked(ch string) bool {
	for _, m := range s.st.msgOrder {
		if m.channel == ch {
			return true
		}
	}
	return false
}

func (s *Server) chatPostEphemeral(r *apiRequest) apiResult {
	ch, user := r.param("channel"), r.param("user")
	if ch == "" {
		return errResult("channel_not_found")
	}
	if user == "" || s.checkUserLocked(user) != "" {
		return errResult("user_not_found")
	}
	if !hasContent(r) {
		return errResult("no_text")
	}
	m := &message{channel: s.resolveChannelLocked(ch), threadTS: r.param("thread_ts"), ephemeral: true, recipient: user}
	if res, ok := s.checkThreadLocked(m); !ok {
		return res
	}
	res, ok := contentFrom(r, m)
	if !ok {
		return res
	}
	s.storeMessageLocked(m)
	res = okResult(map[string]any{"message_ts": m.ts})
	return res
}

func (s *Server) chatDelete(r *apiRequest) apiResult {
	ch, ts := r.param("channel"), r.param("ts")
	m := s.st.msgs[msgKey(ch, ts)]
	if m == nil || m.deleted || m.ephemeral {
		if !s.channelKnownLocked(ch) {
			return errResult("channel_not_found")
		}
		return errResult("message_not_found")
	}
	m.deleted = true
	return okResult(map[string]any{"channel": ch, "ts": ts})
}

func (s *Server) chatGetPermalink(r *apiRequest) apiResult {
	ch, ts := r.param("channel"), r.param("message_ts")
	m := s.st.msgs[msgKey(ch, ts)]
	if m == nil || m.deleted {
		if !s.channelKnownLocked(ch) {
			return errResult("channel_not_found")
		}
		return errResult("message_not_found")
	}
	link := "https://" + s.teamDomain + ".slack.com/archives/" + ch + "/p" + strings.ReplaceAll(ts, ".", "")
	return okResult(map[string]any{"channel": ch, "permalink": link})
}
