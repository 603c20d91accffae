package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
)

var _ outbox.Sender = (*Bot)(nil)

// Send delivers one queued message, rendered from the state current now.
func (b *Bot) Send(ctx context.Context, m coaching.Message, prior *coaching.Posted) (*coaching.Posted, error) {
	switch m.Kind {
	case coaching.MsgHome:
		v, err := b.homeView(ctx, m.To)
		if err != nil {
			return nil, fmt.Errorf("render home of %s: %w", m.To, err)
		}
		_, err = b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: m.To, View: v})
		return nil, classify("views.publish", err)
	case coaching.MsgNudge:
		var n coaching.Nudge
		if err := json.Unmarshal(m.Payload, &n); err != nil {
			return nil, &outbox.Error{Class: outbox.Permanent, Err: fmt.Errorf("read nudge: %w", err)}
		}
		return b.post(ctx, m.To, "", nudgeMessage(n))
	case coaching.MsgDigest:
		var d coaching.Digest
		if err := json.Unmarshal(m.Payload, &d); err != nil {
			return nil, &outbox.Error{Class: outbox.Permanent, Err: fmt.Errorf("read digest: %w", err)}
		}
		return b.post(ctx, m.To, "", digestMessage(d))
	}
	s, err := b.svc.Session(ctx, m.SessionID)
	if err != nil {
		return nil, &outbox.Error{Class: outbox.Permanent, Err: fmt.Errorf("render %s: %w", m.Kind, err)}
	}
	var msg message
	switch m.Kind {
	case coaching.MsgRepDM:
		msg = repDM(s, m.RepID, b.svc.Skills())
	case coaching.MsgDisputeNotice:
		msg = disputeNotice(s, m.RepID)
	case coaching.MsgCaptureReply:
		msg = receipt(s)
	case coaching.MsgRepReminder:
		if r, ok := s.Rep(m.RepID); !ok || r.Status != coaching.StatusPending || r.Removed || s.Undone() {
			return nil, nil // answered (or withdrawn) since: nothing to remind
		}
		return b.post(ctx, prior.Channel, prior.TS, reminderMessage(s))
	default:
		return nil, &outbox.Error{Class: outbox.Permanent, Err: fmt.Errorf("unknown message kind %q", m.Kind)}
	}
	opts := []slack.MsgOption{slack.MsgOptionText(msg.Text, false), slack.MsgOptionBlocks(msg.Blocks...)}
	switch m.Op {
	case coaching.OpPost:
		return b.post(ctx, m.To, "", msg)
	case coaching.OpUpdate:
		_, _, _, err := b.api.UpdateMessageContext(ctx, prior.Channel, prior.TS, opts...)
		return nil, classify("chat.update", err)
	case coaching.OpRespond:
		wm := &slack.WebhookMessage{Text: msg.Text, Blocks: &slack.Blocks{BlockSet: msg.Blocks},
			ResponseType: slack.ResponseTypeEphemeral, ReplaceOriginal: m.Replace}
		return nil, classify("response_url", slack.PostWebhookCustomHTTPContext(ctx, m.ResponseURL, b.http, wm))
	}
	return nil, &outbox.Error{Class: outbox.Permanent, Err: fmt.Errorf("unknown op %q", m.Op)}
}

// post sends a new message; a user id as the channel posts in the bot's DM
// with them, with no conversations.open round trip. threadTS makes it a
// reply in that thread.
func (b *Bot) post(ctx context.Context, channel, threadTS string, msg message) (*coaching.Posted, error) {
	opts := []slack.MsgOption{slack.MsgOptionText(msg.Text, false), slack.MsgOptionBlocks(msg.Blocks...)}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	ch, ts, err := b.api.PostMessageContext(ctx, channel, opts...)
	if err != nil {
		return nil, classify("chat.postMessage", err)
	}
	return &coaching.Posted{Channel: ch, TS: ts}, nil
}

// classify says what the outbox should do about a Slack error.
func classify(method string, err error) error {
	if err == nil {
		return nil
	}
	e := &outbox.Error{Class: outbox.Retry, Method: method, Err: err}
	if rl, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		e.Class, e.RetryAfter = outbox.RateLimited, rl.RetryAfter
		return e
	}
	if sc, ok := errors.AsType[slack.StatusCodeError](err); ok {
		if sc.Code == 429 || sc.Code >= 500 {
			return e // 429 without Retry-After, or a server error: back off
		}
		e.Class = outbox.Permanent // 404 used_url, 410 expired and the like
		return e
	}
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		e.Class = slackErrorClass(se.Err)
	}
	return e // network errors and anything unknown: retry with backoff
}

func slackErrorClass(code string) outbox.Class {
	switch code {
	case "token_revoked", "invalid_auth", "account_inactive", "not_authed", "token_expired":
		return outbox.Fatal
	case "ratelimited":
		return outbox.RateLimited
	case "internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_added_to_org":
		return outbox.Retry
	}
	// channel_not_found, user_not_found, invalid_blocks, msg_too_long and
	// every other answer Slack gives to the request itself would come again.
	return outbox.Permanent
}
