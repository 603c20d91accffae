package slackbot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/outbox"
)

// Pacer books slots under Slack's rate limits: the outbox's, so that the
// few posts the bot makes outside the outbox keep the pace together with
// its posts. Slack counts chat.postMessage per channel whoever posts.
type Pacer interface {
	// BookChannel takes the earliest slot method's per-channel limit
	// gives a call to channel.
	BookChannel(method, channel string) time.Time
	// BookMethod takes the earliest slot, not before notBefore, that
	// method's own limit allows.
	BookMethod(method string, notBefore time.Time) time.Time
	// Landed records that a post addressed to to landed in channel (a
	// user id's DM): both are paced as that one channel.
	Landed(to, channel string)
	// Hold stops calls of method for d, as a 429's Retry-After asks.
	Hold(method string, d time.Duration)
}

var _ Pacer = (*outbox.Pacer)(nil)

// postRetries is how many times a post made outside the outbox is tried
// again after a 429: Slack's per-channel limit refills within a second or
// two, so a third refusal says something else is flooding the channel,
// and the caller hears of it rather than waiting on.
const postRetries = 2

// postNow posts msg to channel (a user id: the bot's DM with them) outside
// the outbox, for a caller that waits for the answer: an export's message,
// whose DM the file is uploaded into; a DM saying a form did not open.
// Such a post lands in a DM the outbox may be bursting into that same
// second, so it first takes a slot from the outbox's pacer when this
// process has one, and a 429 (another replica's posts, or a pacer this
// process does not share) is waited out, Retry-After each time, up to
// postRetries times while ctx allows, and postWaitMax in all when ctx
// sets no deadline. A 429 holds the method in the pacer too, as the
// outbox's own do: its posts in this process wait with this one.
func (b *Bot) postNow(ctx context.Context, channel, threadTS string, msg message) (chatAnswer, error) {
	const method = "chat.postMessage"
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, postWaitMax)
		defer cancel()
	}
	for retry := 0; ; retry++ {
		if err := b.paceNow(ctx, method, channel); err != nil {
			return chatAnswer{}, fmt.Errorf("%s: waiting for a slot in the channel's pace: %w", method, err)
		}
		ans, err := b.postMessage(ctx, channel, threadTS, msg)
		if err == nil {
			if b.pacer != nil {
				b.pacer.Landed(channel, ans.Channel)
			}
			return ans, nil
		}
		rl, limited := errors.AsType[*slack.RateLimitedError](err)
		if !limited {
			return ans, err
		}
		if b.pacer != nil {
			b.pacer.Hold(method, rl.RetryAfter)
		}
		if retry == postRetries {
			return ans, err
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < rl.RetryAfter {
			return ans, err // the retry could not be made in time
		}
		b.log.InfoContext(ctx, "post outside the outbox rate limited; waiting to try again", "method", method,
			"retry_after", rl.RetryAfter.String(), "retry", retry+1)
		if b.pacer != nil {
			continue // paceNow waits for the hold's end
		}
		if serr := b.pause(ctx, rl.RetryAfter); serr != nil {
			return ans, fmt.Errorf("%w (waiting out Retry-After: %w)", err, serr)
		}
	}
}

// postWaitMax bounds a post outside the outbox, its waits for a slot and
// for Retry-After included, when its caller set no deadline: whoever
// waits on it (an export) hears of a flooded channel rather than hang.
const postWaitMax = 30 * time.Second

// paceNow waits for the slot the pacer, if any, gives a call of method to
// channel: the channel's first, then the method's, as the outbox does, so
// that a call waiting for a busy channel holds no workspace-wide slot
// meanwhile.
func (b *Bot) paceNow(ctx context.Context, method, channel string) error {
	if b.pacer == nil {
		return nil
	}
	if err := b.waitUntil(ctx, b.pacer.BookChannel(method, channel)); err != nil {
		return err
	}
	return b.waitUntil(ctx, b.pacer.BookMethod(method, b.now()))
}

// waitUntil waits until at on the bot's clock.
func (b *Bot) waitUntil(ctx context.Context, at time.Time) error {
	if wait := at.Sub(b.now()); wait > 0 {
		return b.pause(ctx, wait)
	}
	return nil
}

// pause waits d, or returns ctx's error first.
func (b *Bot) pause(ctx context.Context, d time.Duration) error {
	if b.sleep == nil { // a Bot built without New, in a test
		return sleepCtx(ctx, d)
	}
	return b.sleep(ctx, d)
}
