package slackbot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/outbox"
)

// ChannelInfo is what Slack says of a channel the bot posts to: enough to
// know who reads it. It is read from conversations.info's conversation
// object (https://docs.slack.dev/reference/objects/conversation-object).
type ChannelInfo struct {
	ID       string
	Name     string
	Private  bool // is_private
	Archived bool // is_archived
	Member   bool // is_member: the bot is in it
	// ExtShared: shared with another organisation (Slack Connect), or
	// invited to be (is_ext_shared, is_pending_ext_shared): its people
	// read everything posted there. Not is_org_shared alone, nor
	// connected_team_ids, which an Enterprise Grid channel shared between
	// the organisation's own workspaces fills too.
	ExtShared bool
}

// LookUpChannel asks Slack what channel is (conversations.info, scopes
// channels:read for a public channel, groups:read for a private one:
// https://docs.slack.dev/reference/methods/conversations.info). Slack's
// errors come back as slack-go's (SlackErrorResponse with channel_not_found
// or missing_scope, StatusCodeError, *RateLimitedError), so that
// SlackErrorCode reads them.
func LookUpChannel(ctx context.Context, api *slack.Client, id string) (ChannelInfo, error) {
	ch, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: id})
	if err != nil {
		return ChannelInfo{}, err
	}
	return ChannelInfo{ID: ch.ID, Name: ch.Name, Private: ch.IsPrivate, Archived: ch.IsArchived, Member: ch.IsMember,
		ExtShared: ch.IsExtShared || ch.IsPendingExtShared}, nil
}

// Checkable says whether Coachlog checks a digest target with
// conversations.info: a channel (C…, G…), not a DM (D…, or a user id),
// which would need im:read, a scope the app does not ask for.
func Checkable(id string) bool {
	return strings.HasPrefix(id, "C") || strings.HasPrefix(id, "G")
}

// SharedChannelReason is why a digest is not posted to a channel another
// organisation shares.
func SharedChannelReason(id string) string {
	return "the digest channel " + id + " is shared with another organisation (Slack Connect); the digest names managers and their figures: " +
		"set COACHLOG_DIGEST_CHANNEL to a channel of your own"
}

// channelCacheFor is how long an answer of conversations.info about a
// digest channel is trusted: a digest split over a headline, a chart and
// many replies asks once, not once a message, while a channel shared
// between two weeks is seen at the next digest.
const channelCacheFor = 10 * time.Minute

// channelGuard remembers conversations.info's answers per channel, for
// channelCacheFor, and whether a missing scope was already reported.
type channelGuard struct {
	mu          sync.Mutex
	answers     map[string]channelAnswer
	scopeWarned bool
}

type channelAnswer struct {
	info ChannelInfo
	err  error
	at   time.Time
}

// checkDigestChannel is asked before a message of the digest goes to
// channel: a channel shared with another organisation since the bot
// started (an admin may share it any week; its id may even change from
// G… to C…, https://docs.slack.dev/apis/web-api/using-the-conversations-api)
// must not get the managers' names and figures, so the message fails
// for good, saying why, and nothing is posted. When Slack cannot say
// (a missing scope on an install made before the manifest asked for
// channels:read and groups:read, a network error, a 5xx), the digest goes
// as before: the check at start has said what to mend, and a
// failing lookup must not cost the leaders their digest.
func (b *Bot) checkDigestChannel(ctx context.Context, channel string) error {
	if !Checkable(channel) || b.api == nil {
		return nil
	}
	info, err := b.channelInfo(ctx, channel)
	if err != nil {
		return nil
	}
	if info.ExtShared {
		return &outbox.Error{Class: outbox.Permanent, Method: "conversations.info", Err: errors.New(SharedChannelReason(channel))}
	}
	return nil
}

// channelInfo is conversations.info's answer for channel, from the cache
// when fresh. A failed lookup is logged once per lookup, and a missing
// scope once per process.
func (b *Bot) channelInfo(ctx context.Context, channel string) (ChannelInfo, error) {
	g := &b.channels
	now := b.now()
	g.mu.Lock()
	a, ok := g.answers[channel]
	g.mu.Unlock()
	if ok && now.Sub(a.at) < channelCacheFor && now.Sub(a.at) >= 0 {
		return a.info, a.err
	}
	info, err := LookUpChannel(ctx, b.api, channel)
	if ctx.Err() != nil {
		return info, err // cut short: no answer to keep
	}
	g.mu.Lock()
	if g.answers == nil {
		g.answers = map[string]channelAnswer{}
	}
	g.answers[channel] = channelAnswer{info: info, err: err, at: now}
	warnScope := false
	if SlackErrorCode(err) == "missing_scope" {
		warnScope, g.scopeWarned = !g.scopeWarned, true
	}
	g.mu.Unlock()
	switch {
	case err == nil:
	case SlackErrorCode(err) == "missing_scope":
		if warnScope {
			b.log.Warn("digest channel not checked for Slack Connect sharing: the app lacks channels:read and groups:read; "+
				"add them (manifest.yml) and reinstall the app; the digest goes on as before", "channel", channel, "err", fmt.Sprint(err))
		}
	default:
		b.log.Warn("digest channel not checked for Slack Connect sharing: conversations.info failed; the digest goes on as before",
			"channel", channel, "err", fmt.Sprint(err))
	}
	return info, err
}
