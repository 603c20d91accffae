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

// channelLimit is a per-channel allowance counted as a token bucket in
// time (GCRA): one call per every on average, burst of them at once.
type channelLimit struct {
	every time.Duration
	burst int
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
func defaultChannelRateLimits() map[string]channelLimit {
	return map[string]channelLimit{
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
	return func(s *Server) {
		if burst <= 0 || every <= 0 {
			delete(s.channelLimits, method)
			return
		}
		s.channelLimits[method] = channelLimit{every: every, burst: burst}
	}
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
	key := method + "\x00" + ch
	now := s.now()
	tat := s.st.channelTATs[key]
	if tat.Before(now) {
		tat = now
	}
	// A call may run ahead of the steady rate by burst-1 intervals.
	if early := tat.Add(-time.Duration(lim.burst-1) * lim.every); early.After(now) {
		return early.Sub(now)
	}
	s.st.channelTATs[key] = tat.Add(lim.every)
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
