package slackbot

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/slack-go/slack"
)

// respond answers through a response_url: ephemeral, seen only by the person
// who acted, and working in channels the bot is not a member of. These are
// replies to someone looking at the screen, so they are sent at once rather
// than queued; one retry covers a blip.
func (b *Bot) respond(ctx context.Context, url string, m message, replace bool) {
	b.sendResponse(ctx, url, m, replace, false)
}

// respondQuiet replaces the message a response_url came from where the
// answer is a courtesy: what it reports is done already. It is respond
// but for one thing: a URL Slack no longer takes (404 or 410: expired, or
// its five posts used) is passed over at Debug.
func (b *Bot) respondQuiet(ctx context.Context, url string, m message) {
	b.sendResponse(ctx, url, m, true, true)
}

// sendResponse is respond's and respondQuiet's one body, so that a fix to
// how either posts, retries or logs reaches both: m posted through url,
// a blip retried once, a failure logged at Warn, or at Debug when
// courtesy is set and Slack no longer takes the URL.
func (b *Bot) sendResponse(ctx context.Context, url string, m message, replace, courtesy bool) {
	if url == "" {
		b.log.Warn("no response_url to answer on")
		return
	}
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		if err = b.postResponse(ctx, url, m, replace); err == nil {
			return
		}
		if !blip(err) {
			break
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(300 * time.Millisecond):
		}
	}
	if courtesy && responseGone(err) {
		b.log.Debug("response_url no longer taken: answer passed over", "err", err)
		return
	}
	b.log.Warn("response_url post failed", "err", err)
}

// postResponse posts m once through a response_url, replacing the message
// acted on or as a new one, the URL redacted from any error.
func (b *Bot) postResponse(ctx context.Context, url string, m message, replace bool) error {
	if !b.slackHook(url) {
		return errNotSlackHook
	}
	msg := &slack.WebhookMessage{Text: m.Text, Blocks: &slack.Blocks{BlockSet: m.Blocks}, ReplaceOriginal: replace}
	if !replace {
		// A new message in reply is for the clicker alone. A replaced one
		// stays what it was (an ephemeral receipt, or a DM such as a
		// nudge), as deliverAs replaces a rep's DM.
		msg.ResponseType = slack.ResponseTypeEphemeral
	}
	return redactResponseURL(b.postHook(ctx, url, msg), url)
}

// blip reports whether a failed response_url post may pass if sent again:
// a network error, a 5xx or a 429, or a 2xx refusal whose code says the
// same (transientCode). Any other 4xx would come again: Slack answers 404
// once the URL is used up or expired, 400 to a body it refuses.
func blip(err error) bool {
	if r, ok := refusedOK(err); ok {
		return transientCode(r.Code)
	}
	if sc, ok := errors.AsType[slack.StatusCodeError](err); ok {
		return transientStatus(sc.Code)
	}
	return true
}

// transientStatus reports an HTTP status that may pass if the request is
// sent again: a 429 or a server error.
func transientStatus(code int) bool {
	return code == http.StatusTooManyRequests || code >= 500
}

// refuse tells someone, ephemerally, why their click changed nothing. text
// is a domain message: plain text that may mention people by id.
func (b *Bot) refuse(ctx context.Context, responseURL, text string) {
	b.respond(ctx, responseURL, textMessage(":no_entry_sign: "+escKeepMentions(text)), false)
}
