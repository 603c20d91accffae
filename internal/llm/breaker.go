package llm

import (
	"sync"
	"time"
)

// Breaker defaults: five failed calls in a row stop calling for 30 s.
const (
	DefaultBreakerFailures = 5
	DefaultBreakerCooldown = 30 * time.Second
)

// breaker is a circuit breaker over the model's server. After `failures`
// calls in a row fail for reasons of the server (timeouts, 5xx, 429,
// network), or at once on an answer no wait ends (out of quota, the key
// refused, the model not found: Failure.persistent), it
// opens: calls are refused at once, without a request, for
// `cooldown`. Then one call is let through as a probe (half-open): its
// success closes the breaker, its failure opens it for another cool-down.
// While the probe runs, other calls are refused. A slow or dead server so
// costs a manager nothing but the fallback, and costs it nothing at all.
type breaker struct {
	threshold int
	cooldown  time.Duration
	now       func() time.Time

	mu       sync.Mutex
	failures int       // consecutive failures while closed
	openedAt time.Time // zero: closed
	probing  bool      // a half-open probe is in flight
	// why is the persistent failure that opened the breaker, nil when
	// repeated failures did (or it is closed).
	why *Failure
}

func newBreaker(threshold int, cooldown time.Duration, now func() time.Time) *breaker {
	return &breaker{threshold: threshold, cooldown: cooldown, now: now}
}

// allow reports whether a call may go ahead; probe says it is the
// half-open probe, whose outcome decides the breaker's state.
func (b *breaker) allow() (ok, probe bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.openedAt.IsZero():
		return true, false
	case b.probing || b.now().Sub(b.openedAt) < b.cooldown:
		return false, false
	}
	b.probing = true
	return true, true
}

// verdict is what a call says about the server.
type verdict int

const (
	verdictOK      verdict = iota // the server answered (a 4xx too: it is up)
	verdictFailed                 // a timeout, 5xx, 429 or network error
	verdictUnknown                // the caller gave up first: nothing learnt
	// verdictPersistent: no wait ends the failure (Failure.persistent: out
	// of quota, the key refused, the model not found…). Every call meets
	// the same answer until someone acts, so the breaker opens at once
	// rather than after `failures` calls, and probes after each cool-down.
	verdictPersistent
)

// done records a call's verdict, and why for a persistent failure. A
// probe's verdict closes or reopens the breaker; a probe that learnt
// nothing leaves it open for the next probe.
func (b *breaker) done(probe bool, v verdict, why *Failure) {
	if v != verdictPersistent {
		why = nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if probe {
		b.probing = false
		switch v {
		case verdictFailed, verdictPersistent:
			b.openedAt, b.why = b.now(), why
		case verdictOK:
			b.openedAt, b.failures, b.why = time.Time{}, 0, nil
		}
		return
	}
	if !b.openedAt.IsZero() || v == verdictUnknown {
		return // admitted before the breaker opened, or nothing learnt
	}
	if v == verdictOK {
		b.failures = 0
		return
	}
	b.failures++
	if b.failures >= b.threshold || v == verdictPersistent {
		b.openedAt, b.failures, b.why = b.now(), 0, why
	}
}

// isOpen reports whether the breaker is open or half-open: calls are being
// refused, but for one probe after the cool-down.
func (b *breaker) isOpen() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.openedAt.IsZero()
}

// state reports whether the breaker is open or half-open, and the
// persistent failure that opened it (nil: repeated failures did).
func (b *breaker) state() (open bool, why *Failure) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.openedAt.IsZero(), b.why
}
