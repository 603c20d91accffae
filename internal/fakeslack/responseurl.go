package fakeslack

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Slack lets a response_url be used 5 times within 30 minutes.
const (
	responseURLUses = 5
	responseURLTTL  = 30 * time.Minute
)

// responseURL is an issued response_url and what it answers for.
type responseURL struct {
	url     string
	channel string
	userID  string
	origin  *message // the message whose button was clicked, if any
	issued  time.Time
	uses    int
}

// issueResponseURLLocked mints a response_url for an interaction by userID
// in channel; origin is the message interacted with (nil for commands).
func (s *Server) issueResponseURLLocked(userID, channel string, origin *message) string {
	id := randomString(24, alnum)
	u := s.baseURL + "/response/" + id
	s.st.responseURLs[id] = &responseURL{url: u, channel: channel, userID: userID, origin: origin, issued: s.now()}
	return u
}

// IssueResponseURL mints a response_url for a command or shortcut by
// userID in channel, as the builders do, for a test that sends a payload
// of its own (Send): a response_url the fake did not mint answers 404.
func (s *Server) IssueResponseURL(userID, channel string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueResponseURLLocked(userID, s.resolveChannelLocked(channel), nil)
}

// responseURLID is the id part of a response_url the fake issued.
func responseURLID(u string) string {
	_, id, _ := strings.Cut(u, "/response/")
	return id
}

// responseBody is what slack-go (and any client) posts to a response_url.
type responseBody struct {
	Text            string          `json:"text"`
	Blocks          json.RawMessage `json:"blocks"`
	Attachments     json.RawMessage `json:"attachments"`
	ResponseType    string          `json:"response_type"`
	ReplaceOriginal bool            `json:"replace_original"`
	DeleteOriginal  bool            `json:"delete_original"`
	ThreadTS        string          `json:"thread_ts"`
}

// handleResponseURL records a response_url post and applies it: delete or
// replace the original message, or post a new ephemeral (default) or
// in_channel message.
func (s *Server) handleResponseURL(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/response/")
	body, _ := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	s.sleep(r.Context(), s.latencyFor(MethodResponseURL))

	s.mu.Lock()
	rec := Response{URL: s.baseURL + r.URL.Path, Body: body, Time: s.now()}
	res := s.applyResponseLocked(id, r.Method, body, &rec)
	rec.Status = res.status
	if rec.Status == 0 {
		rec.Status = http.StatusOK
	}
	rec.Error = res.errCode
	s.st.responses = append(s.st.responses, rec)
	s.notifyLocked()
	s.mu.Unlock()
	writeHookResult(w, res)
}

// writeHookResult answers a response_url post as Slack answers it, not as
// its Web API does: the plain-text body "ok" when taken, and the error code
// as the whole plain-text body with its status when refused (400 no_text,
// 400 invalid_blocks: gitlab.com/gitlab-org/gitlab/-/issues/332611,
// slackapi/java-slack-sdk#1017; "ok": johnagan/serverless-slack#6,
// pyslackers/slack-sansio#42). A client reading a JSON {"ok":true} here
// would be reading what Slack never sends. A Fault given a code and no
// status still answers 200 with JSON ok:false: the other shape clients
// have met (see Fault).
func writeHookResult(w http.ResponseWriter, res apiResult) {
	if res.drop || (res.errCode != "" && (res.status == 0 || res.status == http.StatusOK)) {
		writeResult(w, res, res.encode())
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if res.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(res.retryAfter))
	}
	status, body := res.status, res.errCode
	if status == 0 {
		status = http.StatusOK
	}
	if body == "" {
		body = "ok"
		if status != http.StatusOK {
			body = http.StatusText(status)
		}
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body)) // the client may have gone; nothing to do
}

func (s *Server) applyResponseLocked(id, httpMethod string, body []byte, rec *Response) apiResult {
	notFound := func(code string) apiResult {
		res := errResult(code)
		res.status = http.StatusNotFound
		return res
	}
	var in responseBody
	jsonErr := json.Unmarshal(body, &in)
	if jsonErr == nil {
		rec.Text, rec.ResponseType = in.Text, in.ResponseType
		rec.ReplaceOriginal, rec.DeleteOriginal = in.ReplaceOriginal, in.DeleteOriginal
		if len(in.Blocks) > 0 && string(in.Blocks) != "null" {
			rec.Blocks = in.Blocks
		}
	}
	if f, ok := s.takeFaultLocked(MethodResponseURL); ok {
		return faultResult(f)
	}
	u := s.st.responseURLs[id]
	switch {
	case u == nil:
		return notFound("no_service")
	case httpMethod != http.MethodPost:
		res := errResult("invalid_method")
		res.status = http.StatusMethodNotAllowed
		return res
	case s.now().Sub(u.issued) > responseURLTTL:
		return notFound("expired_url")
	case u.uses >= responseURLUses:
		return notFound("used_url")
	case jsonErr != nil:
		res := errResult("invalid_payload")
		res.status = http.StatusBadRequest
		return res
	}
	code, msgs := checkResponseBlocks(in.Blocks)
	if code == "" && textTooLong(in.Text) {
		code = "msg_too_long" // see maxMessageTextRunes
	}
	if code == "" && !in.DeleteOriginal && in.empty() {
		// A message with nothing in it: incoming webhooks, which share
		// response_url's endpoint, answer 400 with this code (seen in
		// github.com/everyleaf/el-training/pull/87, 2024, and in many
		// reports of integrations that posted no text).
		code = "missing_text_or_fallback_or_attachments"
	}
	if code != "" {
		// As for incoming webhooks, Slack answers 400 and shows nothing.
		s.recordProblemLocked(MethodResponseURL, code, msgs)
		res := errResult(code, msgs...)
		res.status = http.StatusBadRequest
		return res
	}
	u.uses++
	rec.Channel = u.channel
	rec.MessageTS = s.respondLocked(u, in)
	return okResult(nil)
}

// empty says the response has nothing to show: no text (whitespace is
// none, as for chat.postMessage: see hasContent), blocks or attachments.
func (in responseBody) empty() bool {
	return strings.TrimSpace(in.Text) == "" && emptyList(in.Blocks) && emptyList(in.Attachments)
}

// respondLocked applies a response (a response_url post, or a slash
// command's ack payload) and returns the ts of the message it touched:
// the one it posted or replaced, or else the one it deleted.
func (s *Server) respondLocked(u *responseURL, in responseBody) string {
	var m *message
	switch {
	case in.DeleteOriginal:
		// Slack deletes the message interacted with and posts the
		// response's content, if any, as a brand new message: "the
		// inciting message will be deleted and if a message is provided,
		// it will be posted as a brand new message" (delete_original in
		// https://docs.slack.dev/legacy/legacy-messaging/legacy-interactive-message-field-guide;
		// Slack.NetStandard PR 56 relied on it to turn a reply from
		// ephemeral to in_channel). The current guide
		// (https://api.slack.com/interactivity/handling#deleting_message_response)
		// shows delete_original sent alone and does not say what content
		// beside it does; slack-edge/slack-web-api-client#23 read it as
		// "send it alone". A bot that wants both is safer with two posts.
		ts := ""
		if u.origin != nil {
			u.origin.deleted = true
			ts = u.origin.ts
		}
		if in.empty() {
			return ts
		}
		m = s.newResponseMessageLocked(u, in)
	case in.ReplaceOriginal && u.origin != nil && !u.origin.deleted:
		m = u.origin
		m.edited = true
	default:
		m = s.newResponseMessageLocked(u, in)
	}
	// A response replaces the whole message: blocks left out are gone.
	m.text, m.blocks, m.hasBlocks = in.Text, nil, false
	m.responseURL = u.url
	if len(in.Blocks) > 0 && string(in.Blocks) != "null" {
		if blocks, err := parseBlocks(string(in.Blocks)); err == nil {
			normalizeBlocks(blocks)
			m.blocks, m.hasBlocks = blocks, len(blocks) > 0
		}
	}
	m.fillBlocksOnlyText()
	return m.ts
}

// newResponseMessageLocked stores a new message posted through u:
// ephemeral, for the user who interacted, unless in says in_channel. Slack
// documents that default for every interaction's response_url, block_actions
// included ("By default, a message published via response_url will be sent
// as an ephemeral message",
// https://api.slack.com/interactivity/handling#publishing_ephemeral_response),
// and for a slash command's response ("The response_type parameter ...
// by default it is set to ephemeral",
// https://api.slack.com/interactivity/slash-commands#responding_immediate_response).
// A replaced message keeps what it was: "Once a message is issued, it
// retains its visibility quality for life" (handling#updating_message_response).
func (s *Server) newResponseMessageLocked(u *responseURL, in responseBody) *message {
	m := &message{channel: u.channel, threadTS: in.ThreadTS, ephemeral: in.ResponseType != "in_channel"}
	if m.ephemeral {
		m.recipient = u.userID
	}
	return s.storeMessageLocked(m)
}

// emptyList says a JSON list field is absent, null or [].
func emptyList(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s == "" || s == "null" || strings.ReplaceAll(s, " ", "") == "[]"
}

// checkResponseBlocks validates the blocks of a response (a response_url
// post or a slash command's ack payload) as Slack validates a message's;
// it returns "" when they are absent or fine. The cumulative text limit
// applies there too (see maxMessageBlockText).
func checkResponseBlocks(raw json.RawMessage) (string, []string) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	blocks, err := parseBlocks(string(raw))
	if err != nil {
		return "invalid_blocks_format", nil
	}
	return checkMessageBlocks(blocks)
}

// applyCommandAckLocked shows a slash command's ack payload the way Slack
// does: as a message (ephemeral unless response_type is in_channel), tied to
// the command's response_url so its buttons can be clicked. It returns a
// problem when Slack would refuse the payload (it then shows the user an
// error and posts nothing).
func (s *Server) applyCommandAckLocked(responseURLID string, payload json.RawMessage) string {
	u := s.st.responseURLs[responseURLID]
	var in responseBody
	if u == nil || json.Unmarshal(payload, &in) != nil {
		return ""
	}
	if in.Text == "" && (len(in.Blocks) == 0 || string(in.Blocks) == "null") {
		return ""
	}
	if code, msgs := checkResponseBlocks(in.Blocks); code != "" {
		s.recordProblemLocked("ack", code, msgs)
		return code
	}
	if textTooLong(in.Text) { // see maxMessageTextRunes
		s.recordProblemLocked("ack", "msg_too_long", nil)
		return "msg_too_long"
	}
	s.respondLocked(u, in)
	return ""
}
