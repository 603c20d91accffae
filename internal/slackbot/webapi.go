package slackbot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// slack-go decodes every answer in full: for views.open, views.update and
// views.publish that is the whole view Slack echoes back, every block parsed by
// Blocks.UnmarshalJSON, which cost about a fifth of the CPU of a busy bot
// (issue 8); chat.postMessage and chat.update echo the whole message. The
// bot reads two fields of each answer, so these calls post the request
// slack-go would send and read only what is used.
// Errors keep slack-go's types (SlackErrorResponse, *RateLimitedError,
// StatusCodeError), so callers and classify cannot tell the difference.

// viewRef is what the bot keeps of a view Slack answers with.
type viewRef struct {
	ID   string `json:"id"`
	Hash string `json:"hash"`
}

// viewAnswer is Slack's answer to views.open and views.update, read only
// as far as the bot needs it.
type viewAnswer struct {
	slack.SlackResponse
	View viewRef `json:"view"`
}

// openView opens a modal with trigger, as slack-go's OpenViewContext does.
func (b *Bot) openView(ctx context.Context, trigger string, v slack.ModalViewRequest) (viewRef, error) {
	if trigger == "" {
		return viewRef{}, slack.ErrParametersMissing
	}
	body := struct {
		TriggerID string                 `json:"trigger_id"`
		View      slack.ModalViewRequest `json:"view"`
	}{trigger, v}
	return b.viewCall(ctx, "views.open", v, body)
}

// updateView replaces the modal id, unless it changed since hash.
func (b *Bot) updateView(ctx context.Context, v slack.ModalViewRequest, hash, id string) (viewRef, error) {
	if id == "" {
		return viewRef{}, slack.ErrParametersMissing
	}
	body := struct {
		View   slack.ModalViewRequest `json:"view"`
		Hash   string                 `json:"hash,omitempty"`
		ViewID string                 `json:"view_id"`
	}{v, hash, id}
	return b.viewCall(ctx, "views.update", v, body)
}

// publishView publishes user's App Home tab, as slack-go's
// PublishViewContext does; Slack echoes the whole tab (up to 100 blocks),
// which the bot does not read.
func (b *Bot) publishView(ctx context.Context, userID string, v slack.HomeTabViewRequest) error {
	if userID == "" {
		return slack.ErrParametersMissing
	}
	var ans viewAnswer
	if err := b.postJSON(ctx, "views.publish", slack.PublishViewContextRequest{UserID: userID, View: v}, &ans); err != nil {
		return err
	}
	return ans.Err()
}

func (b *Bot) viewCall(ctx context.Context, method string, v slack.ModalViewRequest, body any) (viewRef, error) {
	if !slack.ValidateUniqueBlockID(v) {
		return viewRef{}, slack.ErrBlockIDNotUnique
	}
	var ans viewAnswer
	if err := b.postJSON(ctx, method, body, &ans); err != nil {
		return viewRef{}, err
	}
	if err := ans.Err(); err != nil {
		return viewRef{}, err
	}
	return ans.View, nil
}

// postJSON calls a Web API method with a JSON body and the bot token as a
// Bearer header, and decodes the answer into out.
func (b *Bot) postJSON(ctx context.Context, method string, body, out any) error {
	enc, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode %s: %w", method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.apiURL+method, bytes.NewReader(enc))
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+b.botToken)
	return b.do(req, method, out)
}

// do sends a Web API request and decodes the answer into out.
func (b *Bot) do(req *http.Request, method string, out any) error {
	resp, err := b.http.Do(req)
	if err != nil {
		return err // *url.Error, as slack-go returns it; it names the URL, never the token
	}
	defer resp.Body.Close()
	if err := statusError(resp); err != nil {
		_, _ = io.Copy(io.Discard, resp.Body) // keep the connection for the next call
		return err
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("read %s answer: %w", method, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return nil
}

// statusError is slack-go's reading of a non-200 answer: a 429 with
// Retry-After is a *slack.RateLimitedError, anything else a
// slack.StatusCodeError.
func statusError(resp *http.Response) error {
	if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") != "" {
		secs, err := strconv.ParseInt(resp.Header.Get("Retry-After"), 10, 64)
		if err != nil {
			return fmt.Errorf("read Retry-After %q: %w", resp.Header.Get("Retry-After"), err)
		}
		return &slack.RateLimitedError{RetryAfter: time.Duration(secs) * time.Second}
	}
	if resp.StatusCode != http.StatusOK {
		return slack.StatusCodeError{Code: resp.StatusCode, Status: resp.Status}
	}
	return nil
}

// chatAnswer is Slack's answer to chat.postMessage and chat.update, read
// only as far as the bot needs it.
type chatAnswer struct {
	slack.SlackResponse
	Channel string `json:"channel"`
	TS      string `json:"ts"`
}

// postMessage posts msg to channel (a user id: the bot's DM with them),
// in threadTS's thread when set, as slack-go's PostMessageContext does.
func (b *Bot) postMessage(ctx context.Context, channel, threadTS string, msg message) (chatAnswer, error) {
	form := url.Values{"channel": {channel}}
	if threadTS != "" {
		form.Set("thread_ts", threadTS)
	}
	return b.chatCall(ctx, "chat.postMessage", form, msg)
}

// updateMessage replaces the message at channel and ts with msg.
func (b *Bot) updateMessage(ctx context.Context, channel, ts string, msg message) (chatAnswer, error) {
	return b.chatCall(ctx, "chat.update", url.Values{"channel": {channel}, "ts": {ts}}, msg)
}

// chatCall sends a chat.* method as a form with the token in its body,
// the way slack-go sends them.
func (b *Bot) chatCall(ctx context.Context, method string, form url.Values, msg message) (chatAnswer, error) {
	form.Set("token", b.botToken)
	form.Set("text", msg.Text)
	if len(msg.Blocks) > 0 {
		enc, err := json.Marshal(msg.Blocks)
		if err != nil {
			return chatAnswer{}, fmt.Errorf("encode %s blocks: %w", method, err)
		}
		form.Set("blocks", string(enc))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.apiURL+method, strings.NewReader(form.Encode()))
	if err != nil {
		return chatAnswer{}, fmt.Errorf("%s: %w", method, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var ans chatAnswer
	if err := b.do(req, method, &ans); err != nil {
		return chatAnswer{}, err
	}
	return ans, ans.Err()
}
