package slackbot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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
// The trigger's age is judged by the arrival ctx carries, on the bot's
// clock (withArrival): the call waits for a slot (viewsOpenSlot), and is
// not made once the trigger has certainly expired (errTriggerDead); a 429
// is tried once more only while the trigger lives (see viewRetryBy).
func (b *Bot) openView(ctx context.Context, trigger string, v slack.ModalViewRequest) (viewRef, error) {
	if trigger == "" {
		return viewRef{}, slack.ErrParametersMissing
	}
	// A trigger certainly expired is not sent (see viewgate.go): Slack
	// would refuse it, and the person is told the form did not open as
	// they are when it does.
	release, err := b.viewsOpenSlot(ctx)
	if err != nil {
		return viewRef{}, err
	}
	defer release()
	body := struct {
		TriggerID string                 `json:"trigger_id"`
		View      slack.ModalViewRequest `json:"view"`
	}{trigger, v}
	return b.viewCall(ctx, "views.open", viewRetryBy(ctx), v, body)
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
	// No trigger to outlive: the person is looking at the form, and sees
	// it change a second late at most (viewRetryWait).
	return b.viewCall(ctx, "views.update", time.Time{}, v, body)
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

// viewCall sends views.open or views.update. Neither is paced (a
// trigger_id cannot wait in a queue), so many people opening forms at
// once (a morning's nudges clicked together) can outrun the method's
// tier: Slack then answers 429 with a Retry-After in seconds (Tier 4,
// "100+ per minute", https://api.slack.com/methods/views.open,
// https://api.slack.com/methods/views.update; the 429 and its
// Retry-After: https://docs.slack.dev/apis/web-api/rate-limits). A call
// refused so is made once more after Retry-After, waited on the bot's
// clock, when that second call is sent by retryBy (on the bot's clock
// too; zero: no later than viewRetryWait) and within ctx's deadline (on
// the real clock, as every deadline is); otherwise the 429 is returned
// at once, and the caller says the form did not open, as before. These
// calls are made after the ack (the interaction is acknowledged empty
// first), so the wait holds no ack.
func (b *Bot) viewCall(ctx context.Context, method string, retryBy time.Time, v slack.ModalViewRequest, body any) (viewRef, error) {
	if !slack.ValidateUniqueBlockID(v) {
		return viewRef{}, slack.ErrBlockIDNotUnique
	}
	ref, err := b.sendView(ctx, method, body)
	rl, limited := errors.AsType[*slack.RateLimitedError](err)
	if !limited {
		return ref, err
	}
	late := b.now().Add(rl.RetryAfter).After(retryBy)
	if retryBy.IsZero() {
		late = rl.RetryAfter > viewRetryWait
	}
	if dl, ok := ctx.Deadline(); late || ok && time.Now().Add(rl.RetryAfter).After(dl) {
		b.log.Warn(method+" rate limited past what its form can wait", "retry_after", rl.RetryAfter.String())
		return ref, err
	}
	b.log.Info(method+" rate limited; trying again after Retry-After", "retry_after", rl.RetryAfter.String())
	if werr := b.waitClock(ctx, b.now().Add(rl.RetryAfter)); werr != nil {
		return ref, fmt.Errorf("%w (waiting out Retry-After: %w)", err, werr)
	}
	return b.sendView(ctx, method, body)
}

// sendView makes one views.open or views.update call.
func (b *Bot) sendView(ctx context.Context, method string, body any) (viewRef, error) {
	var ans viewAnswer
	if err := b.postJSON(ctx, method, body, &ans); err != nil {
		return viewRef{}, err
	}
	if err := ans.Err(); err != nil {
		return viewRef{}, err
	}
	return ans.View, nil
}

// triggerLife is how long Slack honours a trigger_id: once, within 3
// seconds of the user's action (views.open's expired_trigger_id,
// https://api.slack.com/methods/views.open; "Pass a valid trigger_id
// within 3 seconds of receiving it",
// https://docs.slack.dev/tools/bolt-python/concepts/opening-modals). The
// fake Slack keeps the same (internal/fakeslack/views.go).
const triggerLife = 3 * time.Second

// triggerMargin is kept off the trigger's life when a views.open is tried
// again: the trigger was issued before its envelope arrived (the trip
// through the socket), and the second call must still reach Slack.
const triggerMargin = 500 * time.Millisecond

// viewRetryWait bounds a wait for Retry-After when there is no trigger
// to bound it (views.update), or its age is not known (a Bot's method
// called directly, in a test): Slack's shortest Retry-After, a second.
const viewRetryWait = time.Second

// viewRetryBy is when a views.open refused 429 must be sent again at the
// latest, on the bot's clock, for the trigger of ctx's envelope (see
// arrivalOf); zero (viewRetryWait bounds the wait) when its arrival is not
// known.
func viewRetryBy(ctx context.Context) time.Time {
	arrived, ok := arrivalOf(ctx)
	if !ok {
		return time.Time{}
	}
	return arrived.Add(triggerLife - triggerMargin)
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
