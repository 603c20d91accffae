package fakeslack

import (
	"time"
)

// rateLimit is a method's allowance: n calls in any window of per.
type rateLimit struct {
	n   int
	per time.Duration
}

// defaultRateLimits are the allowances the fake enforces unless
// WithRateLimit says otherwise. Slack gives each method a tier ("20+ per
// minute" for Tier 2); the fake grants the floor, never more. Only
// methods whose callers page through many calls are limited by default,
// so tests that make a handful of calls never wait.
func defaultRateLimits() map[string]rateLimit {
	return map[string]rateLimit{
		"users.list": {n: 20, per: time.Minute}, // Tier 2
	}
}

// WithRateLimit allows method n calls in any window of per, answering the
// next one 429 with a Retry-After that says when the oldest call in the
// window leaves it, as Slack does; n <= 0 lifts the limit. Windows run on
// WithClock's clock, like every time the fake keeps: a test moves that
// clock past Retry-After instead of waiting for the wall clock, and a
// clock that stands still never lets the next call through, as Slack
// would not before the window ends.
func WithRateLimit(method string, n int, per time.Duration) Option {
	return func(s *Server) {
		if n <= 0 {
			delete(s.rateLimits, method)
			return
		}
		s.rateLimits[method] = rateLimit{n: n, per: per}
	}
}

// rateLimitedLocked counts a call to method and returns how long the
// caller must wait, zero when the call is within the allowance.
func (s *Server) rateLimitedLocked(method string) time.Duration {
	lim, ok := s.rateLimits[method]
	if !ok {
		return 0
	}
	now := s.now()
	calls := s.st.rateCalls[method]
	for len(calls) > 0 && now.Sub(calls[0]) >= lim.per {
		calls = calls[1:]
	}
	if len(calls) >= lim.n {
		s.st.rateCalls[method] = calls
		return calls[0].Add(lim.per).Sub(now)
	}
	s.st.rateCalls[method] = append(calls, now)
	return 0
}

// gcraLimit is an allowance counted as a token bucket in time (GCRA):
// one call per every on average, burst of them at once.
type gcraLimit struct {
	every time.Duration
	burst int
}

// defaultMethodRateLimits are the workspace-wide allowances the fake
// enforces unless WithMethodRateLimit says otherwise, each beside the
// page of Slack's reference that gives the method's tier. Slack applies
// tiers "on a 'per API method per app per workspace' basis"
// (https://api.slack.com/docs/rate-limits,
// https://docs.slack.dev/apis/web-api/rate-limits): Tier 3 is "50+ per
// minute", "Sporadic bursts are welcome"; Tier 4 "100+ per minute",
// "generous burst behavior". The fake grants the floor of each tier as
// the steady rate. How large a burst Slack allows it does not say; the
// fake allows the burst the bot's own pacer assumes where it paces the
// method (outbox.SlackLimits in internal/outbox/pacer.go books one short
// of 10 for chat.update and of 20 for views.publish), and the same for the other methods
// of each tier, so that a bot path that outruns its pacer, or calls a
// method unpaced in a loop, is refused here. No page found says
// views.publish has a per-user rule besides its tier, so none is kept.
//
// apps.connections.open is Tier 1 (https://api.slack.com/methods/apps.connections.open):
// "1+ per minute", "Access tier 1 methods infrequently. A small amount of
// burst behavior is tolerated" (the rate-limit pages above). One
// machine-readable copy of the newer reference (slack_kit's
// priv/docs/methods/apps.connections.open.json) labels it Tier 3; the
// method's own page says Tier 1, and the fake takes the stricter. Its
// burst is 3: Slack names none, and calls Tier 1's "small" where Tier 3's
// bursts are "welcome" (10 here) and Tier 4's "generous" (20). Three lets
// a bot start (one call) and replace a dropped or refused socket at once,
// twice, before the minute's pace applies; the allowance is the app's,
// shared by its replicas, as Slack counts it. The bot's reconnect gate
// (internal/slackbot/reconnect.go) goes past it when Slack refuses
// sockets for a few seconds, and must then wait out Retry-After, as it
// would on Slack.
func defaultMethodRateLimits() map[string]gcraLimit {
	tier1 := gcraLimit{every: time.Minute, burst: 3}              // 1 a minute
	tier3 := gcraLimit{every: 1200 * time.Millisecond, burst: 10} // 50 a minute
	tier4 := gcraLimit{every: 600 * time.Millisecond, burst: 20}  // 100 a minute
	return map[string]gcraLimit{
		"apps.connections.open":        tier1, // Tier 1: https://api.slack.com/methods/apps.connections.open
		"chat.update":                  tier3, // Tier 3: https://api.slack.com/methods/chat.update
		"conversations.open":           tier3, // Tier 3: https://api.slack.com/methods/conversations.open
		"conversations.info":           tier3, // Tier 3: https://docs.slack.dev/reference/methods/conversations.info
		"chat.postEphemeral":           tier4, // Tier 4: https://api.slack.com/methods/chat.postEphemeral
		"users.info":                   tier4, // Tier 4: https://api.slack.com/methods/users.info
		"views.open":                   tier4, // Tier 4: https://api.slack.com/methods/views.open
		"views.update":                 tier4, // Tier 4: https://api.slack.com/methods/views.update
		"views.push":                   tier4, // Tier 4: https://docs.slack.dev/reference/methods/views.push
		"views.publish":                tier4, // Tier 4: https://api.slack.com/methods/views.publish
		"files.getUploadURLExternal":   tier4, // Tier 4: https://api.slack.com/methods/files.getUploadURLExternal
		"files.completeUploadExternal": tier4, // Tier 4: https://api.slack.com/methods/files.completeUploadExternal
	}
}

// WithMethodRateLimit allows method one call per every on average across
// the workspace, burst of them at once (GCRA on WithClock's clock), and
// answers a call past that 429 with a Retry-After saying when the next
// one would be on time, as Slack does for a method's tier; burst <= 0
// (or every <= 0) lifts the limit. A test that must drive a method
// harder than Slack would let a real bot says so here, and why.
func WithMethodRateLimit(method string, every time.Duration, burst int) Option {
	return func(s *Server) { setGCRA(s.methodLimits, method, every, burst) }
}

// Untiered lifts method's tier: for a benchmark of the bot's own time to
// a call at a rate past the tier's floor (200 forms a second against
// views.open's "100+ per minute"), where the figures would otherwise be
// the Retry-After the bot waits out. The shared harness's fake
// (../shared/bench) has no tiers at all. What the bot does past a tier is
// for tests on the tier, not here.
func Untiered(method string) Option { return WithMethodRateLimit(method, 0, 0) }

// methodRateLimitedLocked counts a call to method against its tier and
// returns how long the caller must wait, zero when the call is within the
// allowance. Every call Slack receives counts, a refused one too (a bad
// hash, an expired trigger): it is the calls, not the successes, that a
// tier meters. A call answered 429 takes no token.
func (s *Server) methodRateLimitedLocked(method string) time.Duration {
	lim, ok := s.methodLimits[method]
	if !ok {
		return 0
	}
	return s.gcraLocked(method, lim)
}

// defaultChannelRateLimits are the per-channel allowances the fake
// enforces unless WithChannelRateLimit says otherwise. Slack's rate-limit
// page gives chat.postMessage a special tier, "one message per second per
// channel", with "short bursts >1 allowed"
// (https://api.slack.com/docs/rate-limits,
// https://docs.slack.dev/apis/web-api/rate-limits). How long a short
// burst may be Slack does not say; 3 is the bot's own assumption
// (outbox.SlackLimits in internal/outbox/pacer.go, which paces a little
// under it), so a bot path that outruns its pacer, or bypasses it, is
// refused here. A test that needs another limit, or none, says so with
// WithChannelRateLimit.
func defaultChannelRateLimits() map[string]gcraLimit {
	return map[string]gcraLimit{
		"chat.postMessage": {every: time.Second, burst: 3},
	}
}

// WithChannelRateLimit allows method one call per every in each channel
// on average, burst of them at once (GCRA on WithClock's clock), and
// answers a call past that 429 with a Retry-After saying when the next
// one would be on time; burst <= 0 (or every <= 0) lifts the limit. A
// post to a user id counts in that user's DM channel, as Slack posts it
// there.
func WithChannelRateLimit(method string, every time.Duration, burst int) Option {
	return func(s *Server) { setGCRA(s.channelLimits, method, every, burst) }
}

// setGCRA sets method's GCRA allowance in limits, or lifts it when burst
// or every is not positive: the one rule of WithMethodRateLimit and
// WithChannelRateLimit.
func setGCRA(limits map[string]gcraLimit, method string, every time.Duration, burst int) {
	if burst <= 0 || every <= 0 {
		delete(limits, method)
		return
	}
	limits[method] = gcraLimit{every: every, burst: burst}
}

// channelRateLimitedLocked counts a call to method in the channel r
// names and returns how long the caller must wait, zero when the call is
// within the allowance. A channel the method would refuse (unknown user,
// channel not found, not in channel) is left for the method to answer:
// there is no channel to count the call in.
func (s *Server) channelRateLimitedLocked(method string, r *apiRequest) time.Duration {
	lim, ok := s.channelLimits[method]
	ch := r.param("channel")
	if !ok || ch == "" {
		return 0
	}
	if isUserID(ch) {
		if s.checkUserLocked(ch) != "" {
			return 0
		}
		ch = s.dmChannelLocked(ch)
	} else if s.postableLocked(ch) != "" {
		return 0
	}
	return s.gcraLocked(method+"\x00"+ch, lim)
}

// gcraLocked counts a call under the limit kept at key and returns how
// long the caller must wait, zero when the call is within the allowance
// (and then counted).
func (s *Server) gcraLocked(key string, lim gcraLimit) time.Duration {
	now := s.now()
	tat := s.st.tats[key]
	if tat.Before(now) {
		tat = now
	}
	// A call may run ahead of the steady rate by burst-1 intervals.
	if early := tat.Add(-time.Duration(lim.burst-1) * lim.every); early.After(now) {
		return early.Sub(now)
	}
	s.st.tats[key] = tat.Add(lim.every)
	return 0
}

// rateLimitedResult is Slack's answer to a call past its method's
// allowance: HTTP 429, ratelimited, Retry-After in whole seconds (at
// least one).
func rateLimitedResult(wait time.Duration) apiResult {
	r := errResult("ratelimited")
	r.status = 429
	r.retryAfter = max(1, int((wait+time.Second-1)/time.Second))
	return r
}
