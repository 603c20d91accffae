package slackbot

import (
	"context"
	"errors"
	"time"

	"github.com/coachlog/coachlog/internal/outbox"
)

// Under load (the machine busy with other work, a burst of /coach) the
// bot can fall seconds behind its envelopes. Each still opened its form:
// a views.open whose trigger had died while the envelope waited, which
// Slack refuses expired_trigger_id, thousands at once, each on a
// connection of its own, so that the bot's memory grew six-fold and the
// calls that could still succeed queued behind the doomed ones. A form
// whose trigger has certainly expired is now not sent, and views.open
// calls wait for a few slots, no longer than their trigger lives.

// errTriggerDead is a views.open not sent: its envelope arrived over
// triggerLife before, so Slack would refuse it expired_trigger_id. The
// caller answers it as it answers that refusal (formNotOpened and the
// like): the form did not open.
var errTriggerDead = errors.New("views.open not sent: its trigger_id expired before a call could be made (the envelope arrived over 3 s before)")

// arrivalKey keys, in a handler's context, when its envelope arrived on
// the bot's clock.
type arrivalKey struct{}

// withArrival marks ctx as serving an envelope that arrived at at, on the
// bot's clock. A trigger_id is used deep in the form's code (views.open
// comes after reads that differ by form), and rides in the envelope's
// context as its id does in the payload, so that each views.open can
// judge it without the time being passed through every form's code:
// whether to send it at all (viewsOpenSlot), and whether a 429's
// Retry-After can be waited out (viewRetryBy). The bot's clock, not the
// real one: a test moves it past a trigger's life.
func withArrival(ctx context.Context, at time.Time) context.Context {
	return context.WithValue(ctx, arrivalKey{}, at)
}

// arrivalOf is when ctx's envelope arrived on the bot's clock (for a
// command replayed after a restart, when it was accepted); false when not
// known (a Bot's method called directly, in a test).
func arrivalOf(ctx context.Context) (time.Time, bool) {
	at, ok := ctx.Value(arrivalKey{}).(time.Time)
	return at, ok
}

// triggerLeft is how much longer the trigger of ctx's envelope may live:
// its envelope arrived after Slack issued it, so once this is 0 or less
// it has certainly expired. ok is false when the arrival is not known.
func (b *Bot) triggerLeft(ctx context.Context) (left time.Duration, ok bool) {
	at, ok := arrivalOf(ctx)
	if !ok {
		return 0, false
	}
	return at.Add(triggerLife).Sub(b.now()), true
}

// viewsOpenAtOnce bounds the views.open calls in flight: as many as the
// Web API transport keeps connections to Slack (outbox.RepliesAtOnce,
// cmd/bot's slackTransport), so that a form waits here, where its
// trigger's death is seen, rather than for a connection, where it is not.
// Unbounded, a burst the bot could not keep up with held a connection,
// its buffers and two goroutines per call, 1,400 at once. views.open is
// Tier 4, "100+ per minute" per workspace with bursts
// (https://api.slack.com/methods/views.open,
// https://docs.slack.dev/apis/web-api/rate-limits): more at once than
// this only meets 429s. 16 at once opened half as many forms on a
// starved machine (the harness's fake, which has no tier, answering in
// half a second); on a quiet one a call takes milliseconds and a few
// are in flight at 200 forms a second.
const viewsOpenAtOnce = outbox.RepliesAtOnce

// viewsOpenSlot takes one of the viewsOpenAtOnce slots for a views.open,
// waiting while the trigger of ctx's envelope lives; errTriggerDead once
// it has certainly expired, before or while waiting. The wait is a timer
// per waiter set to the trigger's end, looked at again on the bot's
// clock when it fires, not a poll: under load there are thousands.
func (b *Bot) viewsOpenSlot(ctx context.Context) (release func(), err error) {
	if b.opens == nil { // a Bot built without New, in a test
		return func() {}, nil
	}
	release = func() { <-b.opens }
	for {
		left, known := b.triggerLeft(ctx)
		if known && left <= 0 {
			return nil, errTriggerDead
		}
		if !known {
			select {
			case b.opens <- struct{}{}:
				return release, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		t := time.NewTimer(left)
		select {
		case b.opens <- struct{}{}:
			t.Stop()
			return release, nil
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// logOpenFailed logs a form that did not open. A trigger that expired
// before views.open (not sent, or refused expired_trigger_id) is what a
// busy bot meets by the thousand, each person told the form did not open:
// a warning, not an error for an operator to chase.
func (b *Bot) logOpenFailed(userID string, err error) {
	if errors.Is(err, errTriggerDead) || SlackErrorCode(err) == "expired_trigger_id" {
		b.log.Warn("form not opened: its trigger expired before views.open", "user_id", userID, "err", err)
		return
	}
	b.log.Error("views.open failed", "user_id", userID, "err", err)
}
