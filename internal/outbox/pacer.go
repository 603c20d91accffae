package outbox

import (
	"math"
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

// SlackLimits are Slack's published limits, kept a little under the line.
// Slack evaluates them per method, per app, per workspace:
//   - chat.postMessage is its own tier: about one message a second per
//     channel with short bursts, and for the whole workspace "several
//     hundred messages per minute" with generous bursts. 300 a minute is
//     the low end of "several hundred"; a 429 above it costs a
//     Retry-After for every channel at once, far more than the margin.
//   - chat.update is Tier 3 (50+ a minute), views.publish Tier 4 (100+).
//   - users.info is Tier 4 too, and no post: the bot reads a profile
//     the first time someone logs or is logged (slackbot.Directory), and
//     books the read here so that a launch morning's burst of first
//     captures is spread within the tier instead of refused. Slack counts
//     a read when it arrives, not when its slot was: the reads of one
//     burst leave at once and arrive in any order, and a burst's first
//     reads go on new connections (DNS, TCP and TLS handshakes, a few
//     hundred ms) while the read just past it goes on one kept alive.
//     Paced at 650 ms, a little under the tier's 600, reads are 50 ms
//     apart more than Slack needs each; but at the tier's whole burst the
//     read just past it would have only those 50 ms over the burst's
//     first, and arriving earlier than that after it, it was refused
//     (a 429 that holds every read). A burst one short of the 20 the
//     fake Slack allows leaves that read 700 ms.
//   - chat.update and views.publish meet the same: a restart with updates
//     or Home publishes queued sends a burst at once, on new connections.
//     Each books one short of its tier's burst too, which leaves the call
//     past it a whole slot (1.2 s, 600 ms) of margin, at one slot's cost.
//   - A response_url is no Web API method and has no tier; the limit Slack
//     names is five uses per URL, which coaching keeps, and each reply goes
//     to one rep's own DM, one channel each. Its limit here only guards
//     against a runaway loop: 500 at once, then 500 a second, so that
//     hundreds of reps clicking together are answered within a second
//     (PRODUCT.md), not paced over several.
//
// The bot posts DMs to the user id, so there is no conversations.open
// (Tier 3) per DM to pace.
func SlackLimits() Limits {
	return Limits{
		Method: map[string]Limit{
			"chat.postMessage": {Every: 200 * time.Millisecond, Burst: 30}, // special tier: 300 a minute, paced per channel below
			"chat.update":      {Every: 1200 * time.Millisecond, Burst: 9}, // Tier 3: 50+ per minute (a burst of 10)
			"views.publish":    {Every: 600 * time.Millisecond, Burst: 19}, // Tier 4: 100+ per minute (a burst of 20)
			"users.info":       {Every: 650 * time.Millisecond, Burst: 19}, // Tier 4: 100+ per minute (a burst of 20), read not posted
			"response_url":     {Every: 2 * time.Millisecond, Burst: 500},
		},
		// Slack: one a second per channel with "short bursts", unquantified;
		// 3 is this bot's assumption, and fakeslack enforces the same.
		// Slack counts a post when it arrives, some milliseconds after its
		// slot here (the message rendered, the request on its way), each by
		// a different delay: at exactly one a second, a post delayed less
		// than the one before it arrives early and is refused (a 429 that
		// holds every channel's posts). 1.1 s leaves 100 ms of such
		// difference per post after the burst.
		PerChannel: map[string]Limit{
			"chat.postMessage": {Every: 1100 * time.Millisecond, Burst: 3},
		},
	}
}

// Pacer keeps the rate limits with one theoretical arrival time per limit
// (GCRA, a token bucket counted in time). A caller books the earliest slot
// a call may use, however far ahead, rather than asking again and again
// whether it may go yet: a message waiting for its slot waits in the
// queue, scheduled for it, and is touched again only when it can go.
type Pacer struct {
	mu     sync.Mutex
	limits Limits
	now    func() time.Time
	tats   map[string]time.Time // limit key → when the next call would be on time at the steady rate
	holds  map[string]time.Time // method → no calls before
	// lands maps an address to the channel posts to it land in, where the
	// two differ (see Landed): a user id to the DM Slack posts it in.
	lands map[string]string
}

// NewPacer returns a pacer for limits.
func NewPacer(limits Limits, now func() time.Time) *Pacer {
	return &Pacer{limits: limits, now: now, tats: map[string]time.Time{}, holds: map[string]time.Time{}, lands: map[string]string{}}
}

// channelKey is the limit key of method's per-channel limit in the channel
// posts to address land in.
func (p *Pacer) channelKey(method, address string) string {
	if ch, ok := p.lands[address]; ok {
		address = ch
	}
	return "c:" + method + ":" + address
}

// Landed records that a post addressed to to landed in channel: from now
// on both are paced as that one channel. Slack counts a post to a user id
// in the DM it lands in, so a DM posted to its user id and a reply
// addressed to the DM's own id (a thread's channel, as an interaction
// names it) share one allowance; paced as two channels they could go at
// twice the rate Slack takes. The pacer cannot know where an address
// lands until a post to it has gone, so it learns from each answer; what
// was booked under to before is moved to channel, its debt added to the
// channel's.
func (p *Pacer) Landed(to, channel string) {
	if to == "" || channel == "" || to == channel {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lands[to] == channel {
		return
	}
	p.lands[to] = channel
	now := p.now()
	for method := range p.limits.PerChannel {
		from, into := "c:"+method+":"+to, "c:"+method+":"+channel
		owed, ok := p.tats[from]
		if !ok {
			continue
		}
		delete(p.tats, from)
		if !owed.After(now) {
			continue
		}
		// GCRA's debt is how far its arrival time runs ahead of now: the
		// calls of both streams, at the steady rate, go in the one.
		tat := p.tats[into]
		if tat.Before(now) {
			tat = now
		}
		p.tats[into] = tat.Add(owed.Sub(now))
	}
}

type paced struct {
	key string
	lim Limit
}

// methodKeys is the method's own limit, if it has one.
func (p *Pacer) methodKeys(method string) []paced {
	if l, ok := p.limits.Method[method]; ok {
		return []paced{{"m:" + method, l}}
	}
	return nil
}

// tolerance is how far ahead of the steady rate a burst may run.
func tolerance(l Limit) time.Duration { return time.Duration(max(l.Burst-1, 0)) * l.Every }

// earliest is the first time a call under the limits ks (and method's
// hold, if method is given) may go, not before now.
func (p *Pacer) earliest(ks []paced, method string, now time.Time) time.Time {
	at := now
	if until := p.holds[method]; until.After(at) {
		at = until
	}
	for _, k := range ks {
		if t := p.tats[k.key].Add(-tolerance(k.lim)); t.After(at) {
			at = t
		}
	}
	return at
}

func (p *Pacer) take(ks []paced, at time.Time) {
	for _, k := range ks {
		tat := p.tats[k.key]
		if at.After(tat) {
			tat = at
		}
		p.tats[k.key] = tat.Add(k.lim.Every)
	}
}

// BookChannel takes the earliest slot, now or later, that method's
// per-channel limit gives a call to channel (to the channel posts to it
// land in, once known: Landed), and returns it. The method's
// own limit is booked apart (BookMethod), when the call is about to go: a
// message waiting a few seconds for a busy channel must not hold a
// workspace-wide slot meanwhile, nor push the method's slots into the
// future for every other channel.
func (p *Pacer) BookChannel(method, channel string) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	l, ok := p.limits.PerChannel[method]
	if !ok || channel == "" {
		return now
	}
	k := []paced{{p.channelKey(method, channel), l}}
	at := p.earliest(k, "", now)
	p.take(k, at)
	return at
}

// BookMethod takes the earliest slot, not before notBefore, that method's
// own limit and any 429 hold allow, and returns it.
func (p *Pacer) BookMethod(method string, notBefore time.Time) time.Time {
	at, _ := p.bookMethod(method, notBefore, time.Time{})
	return at
}

// BookMethodBy takes the earliest slot, not before notBefore, that
// method's own limit and any 429 hold allow, when that slot is no later
// than latest, and returns it; otherwise it books nothing and returns
// the slot the call would have had, and false. A caller with a deadline
// (a read on the ack path) asks this rather than BookMethod: a slot it
// could not use would hold back every later call for nothing.
func (p *Pacer) BookMethodBy(method string, notBefore, latest time.Time) (time.Time, bool) {
	return p.bookMethod(method, notBefore, latest)
}

// bookMethod is BookMethodBy; a zero latest takes whatever slot comes.
func (p *Pacer) bookMethod(method string, notBefore, latest time.Time) (time.Time, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if notBefore.After(now) {
		now = notBefore
	}
	k := p.methodKeys(method)
	at := p.earliest(k, method, now)
	if !latest.IsZero() && at.After(latest) {
		return at, false
	}
	p.take(k, at)
	return at, true
}

// Room says how many calls of method could be booked from now to
// now+within by the method's own limit and holds (channels aside);
// math.MaxInt when the method has no limit.
func (p *Pacer) Room(method string, within time.Duration) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	end := now.Add(within)
	if until := p.holds[method]; until.After(end) {
		return 0
	}
	l, ok := p.limits.Method[method]
	if !ok || l.Every <= 0 {
		return math.MaxInt
	}
	// The k-th booking (from 0) lands at max(now, tat + k·Every − tolerance).
	tat := p.tats["m:"+method]
	if now.After(tat) {
		tat = now
	}
	span := end.Sub(tat.Add(-tolerance(l)))
	if span < 0 {
		return 0
	}
	return int(span/l.Every) + 1
}

// Ready is when method next has room for a call by its own limit and
// holds.
func (p *Pacer) Ready(method string) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.earliest(p.methodKeys(method), method, p.now())
}

// Hold stops calls of method for d, as a 429's Retry-After asks. A 429
// also says Slack's allowance for the method is spent now, whatever this
// pacer counted (another replica's calls, or calls of this one still on
// their way): the method's burst is taken as used up at this instant, so
// that when the hold ends only what the steady rate refilled during it
// goes at once, not a whole burst that Slack would refuse again.
func (p *Pacer) Hold(method string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	until := now.Add(d)
	if until.After(p.holds[method]) {
		p.holds[method] = until
	}
	for _, k := range p.methodKeys(method) {
		// The refused call's slot, had Slack had room, was the next: a
		// bucket with no room left now.
		if spent := now.Add(tolerance(k.lim) + k.lim.Every); spent.After(p.tats[k.key]) {
			p.tats[k.key] = spent
		}
	}
}
