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

// rateLimitedResult is Slack's answer to a call past its method's
// allowance: HTTP 429, ratelimited, Retry-After in whole seconds (at
// least one).
func rateLimitedResult(wait time.Duration) apiResult {
	r := errResult("ratelimited")
	r.status = 429
	r.retryAfter = max(1, int((wait+time.Second-1)/time.Second))
	return r
}
