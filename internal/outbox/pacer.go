package outbox

import (
	"sync"
	"time"
)

// Limit is a steady rate with a burst allowance.
type Limit struct {
	Every time.Duration // one call per Every on average
	Burst int
}

// Limits paces calls per method and, for posts, per channel.
type Limits struct {
	Method     map[string]Limit
	PerChannel map[string]Limit // per method, per channel (Slack: about 1 post per second per channel)
}

// SlackLimits are Slack's published tiers, kept a little under the line.
func SlackLimits() Limits {
	return Limits{
		Method: map[string]Limit{
			"chat.postMessage": {Every: 10 * time.Millisecond, Burst: 20},   // special tier: paced per channel below
			"chat.update":      {Every: 1200 * time.Millisecond, Burst: 10}, // Tier 3: 50+ per minute
			"views.publish":    {Every: 600 * time.Millisecond, Burst: 20},  // Tier 4: 100+ per minute
			"response_url":     {Every: 10 * time.Millisecond, Burst: 20},
		},
		PerChannel: map[string]Limit{
			"chat.postMessage": {Every: time.Second, Burst: 3},
		},
	}
}

// Pacer is a set of token buckets. Reserve never blocks: it says how long to
// wait, so one slow channel never holds up the others.
type Pacer struct {
	mu      sync.Mutex
	limits  Limits
	now     func() time.Time
	buckets map[string]*bucket
	holds   map[string]time.Time // method → no calls before
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewPacer returns a pacer for limits.
func NewPacer(limits Limits, now func() time.Time) *Pacer {
	return &Pacer{limits: limits, now: now, buckets: map[string]*bucket{}, holds: map[string]time.Time{}}
}

// Reserve takes a call of method to channel if the limits allow one now and
// returns 0; otherwise it takes nothing and returns how long to wait.
func (p *Pacer) Reserve(method, channel string) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if until, ok := p.holds[method]; ok && now.Before(until) {
		return until.Sub(now)
	}
	keys := []string{}
	lims := []Limit{}
	if l, ok := p.limits.Method[method]; ok {
		keys, lims = append(keys, "m:"+method), append(lims, l)
	}
	if l, ok := p.limits.PerChannel[method]; ok && channel != "" {
		keys, lims = append(keys, "c:"+method+":"+channel), append(lims, l)
	}
	var wait time.Duration
	for i, k := range keys {
		wait = max(wait, p.fill(k, lims[i], now))
	}
	if wait > 0 {
		return wait
	}
	for _, k := range keys {
		p.buckets[k].tokens--
	}
	return 0
}

// fill tops a bucket up to now and returns how long until it holds a token.
func (p *Pacer) fill(key string, l Limit, now time.Time) time.Duration {
	b, ok := p.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(l.Burst), at: now}
		p.buckets[key] = b
	}
	if l.Every > 0 {
		b.tokens = min(float64(l.Burst), b.tokens+float64(now.Sub(b.at))/float64(l.Every))
	}
	b.at = now
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) * float64(l.Every))
}

// Hold stops calls of method for d, as a 429's Retry-After asks.
func (p *Pacer) Hold(method string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	until := p.now().Add(d)
	if until.After(p.holds[method]) {
		p.holds[method] = until
	}
}
