package outbox_test

import (
	"slices"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/outbox"
)

// The pacer books slots by the limits: a burst, then the steady rate; a
// channel's slots one a second; a 429's hold pushes every booking of its
// method past it; Room counts what can be booked within a window.
func TestPacerBooksSlotsByTheLimits(t *testing.T) {
	start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	clk := &clock{t: start}
	lim := outbox.Limits{
		Method:     map[string]outbox.Limit{"chat.postMessage": {Every: 200 * time.Millisecond, Burst: 3}},
		PerChannel: map[string]outbox.Limit{"chat.postMessage": {Every: time.Second, Burst: 2}},
	}
	p := outbox.NewPacer(lim, clk.Now)
	if got := p.Room("chat.postMessage", time.Second); got != 3+5 {
		t.Errorf("room within 1 s, fresh = %d, want the burst of 3 and 5 more at 200 ms", got)
	}
	var method []time.Duration
	for range 5 {
		method = append(method, p.BookMethod("chat.postMessage", clk.Now()).Sub(start))
	}
	if want := []time.Duration{0, 0, 0, 200 * time.Millisecond, 400 * time.Millisecond}; !slices.Equal(method, want) {
		t.Errorf("method slots %v, want %v", method, want)
	}
	var channel []time.Duration
	for range 4 {
		channel = append(channel, p.BookChannel("chat.postMessage", "D1").Sub(start))
	}
	if want := []time.Duration{0, 0, time.Second, 2 * time.Second}; !slices.Equal(channel, want) {
		t.Errorf("channel slots %v, want %v", channel, want)
	}
	if other := p.BookChannel("chat.postMessage", "D2"); !other.Equal(start) {
		t.Errorf("another channel's first slot at %v, want now", other.Sub(start))
	}
	p.Hold("chat.postMessage", 30*time.Second)
	if got := p.Room("chat.postMessage", time.Second); got != 0 {
		t.Errorf("room while held = %d, want 0", got)
	}
	if at := p.BookMethod("chat.postMessage", clk.Now()); at.Sub(start) != 30*time.Second {
		t.Errorf("slot under a 30 s hold at %v, want 30s", at.Sub(start))
	}
	// The hold over, the next may go at once (and as much of the burst
	// as the steady rate refilled during the hold).
	if ready := p.Ready("chat.postMessage"); ready.Sub(start) != 30*time.Second {
		t.Errorf("ready at %v, want 30s", ready.Sub(start))
	}
	if got := p.Room("views.publish", time.Second); got < 1_000_000 {
		t.Errorf("room of a method without a limit = %d, want unbounded", got)
	}
}

// PRODUCT.md: a rep's click updates their DM within a second even when
// hundreds click at once. Slack's own limits as the bot keeps them must not
// spread the replies to 300 clicks of one instant past that second.
func TestHundredsOfClicksAtOnceAreNotPacedPastASecond(t *testing.T) {
	start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	clk := &clock{t: start}
	p := outbox.NewPacer(outbox.SlackLimits(), clk.Now)
	if room := p.Room("response_url", time.Second); room < 300 {
		t.Errorf("room for replies within a second = %d, want at least 300", room)
	}
	var last time.Time
	for range 300 {
		last = p.BookMethod("response_url", clk.Now())
	}
	if d := last.Sub(start); d >= time.Second {
		t.Fatalf("the 300th reply booked %v after the clicks, want under a second", d)
	}
}

// Slack counts a post to a channel when it arrives. The worker sends a
// burst's posts one after another, each taking its own time: the first of
// a burst is the slow one (a cold connection, a render reading the
// database), the others follow it quickly, and the post after the burst
// goes right on its slot. The slots SlackLimits books for one channel must
// keep Slack's documented rate (about one a second, the burst of three the
// bot assumes, as fakeslack enforces it) at arrival.
func TestChannelSlotsKeepSlacksRateDespiteDelays(t *testing.T) {
	for _, slow := range []time.Duration{20 * time.Millisecond, 80 * time.Millisecond} {
		t.Run(slow.String(), func(t *testing.T) {
			start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
			p := outbox.NewPacer(outbox.SlackLimits(), (&clock{t: start}).Now)
			slack := &gcra{lim: outbox.Limit{Every: time.Second, Burst: 3}}
			var sent time.Time // when the previous post arrived
			for i := range 9 {
				took := time.Millisecond
				if i%3 == 0 {
					took = slow
				}
				at := p.BookChannel("chat.postMessage", "D1")
				if at.Before(sent) {
					at = sent // the worker sends one at a time
				}
				sent = at.Add(took)
				slack.call(sent)
				if slack.violations > 0 {
					t.Fatalf("post %d to one channel, booked at %s, arrives at %s: faster than Slack allows",
						i+1, at.Sub(start), sent.Sub(start))
				}
			}
		})
	}
}

// Once a post to a user id is known to land in their DM, the pacer books
// the user id and the DM's id in one channel, and what it had booked under
// the user id before counts in the DM: Slack counts them as one.
func TestAnAddressIsPacedInTheChannelItLandsIn(t *testing.T) {
	start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	p := outbox.NewPacer(outbox.Limits{PerChannel: map[string]outbox.Limit{"chat.postMessage": {Every: time.Second, Burst: 2}}},
		(&clock{t: start}).Now)
	book := func(channel string) time.Duration { return p.BookChannel("chat.postMessage", channel).Sub(start) }
	var slots []time.Duration
	slots = append(slots, book("D1"), book("U1")) // not known yet: two channels, a slot at once each
	p.Landed("U1", "D1")
	p.Landed("C1", "C1") // a channel lands in itself: nothing to learn
	for _, ch := range []string{"U1", "D1", "C1"} {
		slots = append(slots, book(ch))
	}
	// D1 owes 1 s for its post, U1's post moves its 1 s there: the burst
	// of two is spent, the next slots are at 1 s and 2 s.
	if want := []time.Duration{0, 0, time.Second, 2 * time.Second, 0}; !slices.Equal(slots, want) {
		t.Errorf("slots %v, want %v", slots, want)
	}
}

// users.info is paced under its Tier 4 (100+ a minute; a burst one short
// of the 20 the fake Slack allows, so that a read just past it is not
// refused for the burst's reads arriving late), and a caller with a deadline books only a slot it can
// use: one past its deadline is refused and not taken, so it does not push
// back the calls after it.
func TestUsersInfoIsBookedOnlyWithinTheCallersDeadline(t *testing.T) {
	start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	clk := &clock{t: start}
	p := outbox.NewPacer(outbox.SlackLimits(), clk.Now)
	by := start.Add(time.Second)
	var got []time.Duration
	for {
		at, ok := p.BookMethodBy("users.info", clk.Now(), by)
		if !ok {
			if at.Sub(start) != 1300*time.Millisecond {
				t.Errorf("refused slot at %v, want 1.3s", at.Sub(start))
			}
			break
		}
		got = append(got, at.Sub(start))
		if len(got) > 100 {
			t.Fatal("users.info is not paced")
		}
	}
	if len(got) != 20 || got[18] != 0 || got[19] != 650*time.Millisecond {
		t.Errorf("users.info slots within a second: %v, want a burst of 19 and one at 650ms", got)
	}
	// The refused slot was not taken: the next caller, with more time,
	// gets it.
	if at, ok := p.BookMethodBy("users.info", clk.Now(), start.Add(time.Minute)); !ok || at.Sub(start) != 1300*time.Millisecond {
		t.Errorf("next slot at %v (booked %v), want 1.3s", at.Sub(start), ok)
	}
	p.Hold("users.info", 5*time.Second)
	if at, ok := p.BookMethodBy("users.info", clk.Now(), by); ok {
		t.Errorf("a slot at %v booked under a 5 s hold with a 1 s deadline", at.Sub(start))
	}
}

// A 429 says Slack's allowance is spent, whatever the pacer counted
// (another replica spent it): when the hold ends, only what the steady
// rate refilled during it goes at once, not a whole burst Slack would
// refuse again.
func TestAHoldSpendsTheBurst(t *testing.T) {
	start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	clk := &clock{t: start}
	p := outbox.NewPacer(outbox.SlackLimits(), clk.Now)
	p.Hold("users.info", 2*time.Second) // the first call of the day, refused
	var got []time.Duration
	for range 5 {
		got = append(got, p.BookMethod("users.info", clk.Now()).Sub(start))
	}
	// 2 s refill three calls at 650 ms (at 0.65, 1.3 and 1.95 s): those
	// go when the hold ends, the next on the steady rate.
	want := []time.Duration{2 * time.Second, 2 * time.Second, 2 * time.Second, 2600 * time.Millisecond, 3250 * time.Millisecond}
	if !slices.Equal(got, want) {
		t.Errorf("slots after a 2 s hold %v, want %v", got, want)
	}
}

// Slack counts a call when it arrives, not when its slot was. The calls
// of a burst leave together, and the first ones go on new connections
// (DNS, TCP and TLS handshakes, a few hundred ms), while the call just
// past the burst goes on one kept alive: it can arrive before the burst
// it follows. At the tier's whole burst that call is refused (a 429 that
// holds the whole method); one short of it, it has a slot's margin.
// The tiers are Slack's floors, as the fake Slack enforces them
// (fakeslack's defaultMethodRateLimits).
func TestABurstArrivingLateLeavesTheNextCallWithinTheTier(t *testing.T) {
	tier3 := outbox.Limit{Every: 1200 * time.Millisecond, Burst: 10} // 50 a minute
	tier4 := outbox.Limit{Every: 600 * time.Millisecond, Burst: 20}  // 100 a minute
	const handshakes = 500 * time.Millisecond
	for _, tc := range []struct {
		method string
		tier   outbox.Limit
	}{
		{"chat.update", tier3},
		{"views.publish", tier4},
		{"users.info", tier4},
	} {
		t.Run(tc.method, func(t *testing.T) {
			start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
			p := outbox.NewPacer(outbox.SlackLimits(), (&clock{t: start}).Now)
			var arrivals []time.Time
			for range 3 * tc.tier.Burst {
				at := p.BookMethod(tc.method, start)
				if at.Equal(start) { // the opening burst, on new connections
					at = at.Add(handshakes)
				}
				arrivals = append(arrivals, at)
			}
			slices.SortFunc(arrivals, time.Time.Compare)
			slack := &gcra{lim: tc.tier}
			for _, at := range arrivals {
				slack.call(at)
			}
			if slack.violations != 0 {
				t.Errorf("%d of %d calls arrived past the tier (%v, burst %d) when the opening burst came %v late",
					slack.violations, len(arrivals), tc.tier.Every, tc.tier.Burst, handshakes)
			}
		})
	}
}
