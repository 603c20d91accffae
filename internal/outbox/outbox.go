// Package outbox delivers queued Slack messages: at least once, in order per
// message, paced under Slack's rate limits, retried with backoff, and never
// silently dropped. It knows nothing of Slack's API; a Sender does the
// sending and says how a failure should be treated.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// Queue is the persisted outbox.
type Queue interface {
	// ClaimOutboxLanes leases due messages (only those with keys, if
	// given) to owner, at most lanes[op] of each op, so that two workers
	// never send the same one. Of each op, the messages someone waits for
	// most come before the deferred ones (coaching.DeferredKinds: the
	// scheduled bulk, receipts), in the claim and in the order it returns
	// them.
	ClaimOutboxLanes(ctx context.Context, owner string, now time.Time, leaseFor time.Duration, lanes map[coaching.Op]int, keys []string) ([]coaching.OutboxItem, error)
	NextOutboxAt(ctx context.Context, keys []string) (time.Time, bool, error)
	OutboxStatus(ctx context.Context, keys []string) (map[string]string, error)
	// The bookkeeping of a claimed message (MarkSent, MarkRetry,
	// Postpone, PostponeInPlace, MarkFailed, MarkSuperseded,
	// RerouteOutbox) applies only while owner's claim still holds it,
	// and reports false, writing nothing, once another worker has taken
	// it: a worker that stalled past its lease must not overwrite what
	// the message's new worker does with it.

	// MarkSent records a message sent and, for a post, where it lives;
	// with it, the updates of that post named in covered, which the post
	// showed (see PendingUpdates), are superseded in the same commit. A
	// post withheld (posted nil) supersedes nothing.
	MarkSent(ctx context.Context, id int64, owner, key string, posted *coaching.Posted, covered ...int64) (bool, error)
	// PendingUpdates lists the queued updates of the message key that
	// render its state when sent (no payload of their own).
	PendingUpdates(ctx context.Context, key string) ([]int64, error)
	MarkRetry(ctx context.Context, id int64, owner string, next time.Time, reason string) (bool, error)
	Postpone(ctx context.Context, id int64, owner string, next time.Time) (bool, error)
	// PostponeInPlace is Postpone keeping the message's place in line:
	// when next comes it is taken before what its lane queued meanwhile.
	PostponeInPlace(ctx context.Context, id int64, owner string, next time.Time) (bool, error)
	MarkFailed(ctx context.Context, id int64, owner, reason string) (bool, error)
	MarkSuperseded(ctx context.Context, id int64, owner string) (bool, error)
	// ExtendLease moves owner's lease on a pending message to until; false
	// when owner no longer holds it.
	ExtendLease(ctx context.Context, id int64, owner string, until time.Time) (bool, error)
	// RerouteOutbox rewrites a queued message to go by another route (a
	// response's fallback).
	RerouteOutbox(ctx context.Context, id int64, owner string, m coaching.Message) (bool, error)
	// ReleaseLeases gives back the pending messages owner still holds.
	ReleaseLeases(ctx context.Context, owner string) error
	// LeaseOwners lists who holds leases on pending messages at now.
	LeaseOwners(ctx context.Context, now time.Time) ([]string, error)
	PostedMessage(ctx context.Context, key string) (coaching.Posted, bool, error)
	PostStatus(ctx context.Context, key string) (string, error)
	// RepostThread queues again the post under key, posted at goneTS and
	// found gone from Slack since (a reply under it met ThreadGone), with
	// the replies of its thread that it can (coaching.RepostedThread), at
	// most maxReposts times in the post's life; id, held by owner, is the
	// reply that found it gone, put back to follow it. When the post was
	// posted anew meanwhile (its ts is no longer goneTS), only the reply
	// is put back, to thread under the new one.
	RepostThread(ctx context.Context, key, goneTS string, maxReposts int, id int64, owner string) (coaching.RepostedThread, error)
}

// Sender delivers one message. For an update, prior is where the post it
// updates lives; for a post in a thread, where the thread's first message
// lives. A post returns where Slack put it, or nothing when it withholds
// the message (it has nothing to show now): a later update of that message
// then comes as its post, and a reply under it is dropped.
type Sender interface {
	Send(ctx context.Context, m coaching.Message, prior *coaching.Posted) (*coaching.Posted, error)
}

// Class says what to do about a failed send.
type Class int

// Failure classes.
const (
	Retry       Class = iota // network error or 5xx: back off and try again
	RateLimited              // 429: wait RetryAfter, and hold the method that long
	Permanent                // the message can never be delivered as is
	Fatal                    // the token is revoked or invalid: stop delivering
	// Gone is a response_url Slack no longer takes (expired, or used five
	// times): the message goes by its fallback route, if it has one.
	Gone
	// Held is Slack refusing the install or the workspace for now, not the
	// message: a scope the app lacks (reinstall from manifest.yml), the
	// workspace migrating to an Enterprise organization. The message waits,
	// its attempts uncounted, and the method is tried again every
	// HoldRetry until it goes through; Holds says why meanwhile.
	Held
	// ThreadGone is a reply whose thread's first message is gone from
	// Slack (deleted since it was posted): Slack takes no reply under it.
	// A digest's reply has its headline posted again, once, and follows
	// it (Queue.RepostThread); any other fails as Permanent does.
	ThreadGone
	// Later is a message that is not to go now but at Until (a rep's
	// reminder outside their working day): put back until then, with no
	// attempt counted, nothing held and no failure noted. The message is
	// not failing and Slack is not refusing it: its hour has not come.
	Later
)

// Error is a send failure with what to do about it.
type Error struct {
	Class      Class
	Method     string // the Slack method, for pacing after a 429
	RetryAfter time.Duration
	Until      time.Time // for Later: when the message goes
	Err        error
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %v", e.Method, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// classify reads the class of a send error; unknown errors are retried.
func classify(err error) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	return &Error{Class: Retry, Err: err}
}
