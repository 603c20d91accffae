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
	// The hold over, the burst is there again: the next may go at once.
	if ready := p.Ready("chat.postMessage"); ready.Sub(start) != 30*time.Second {
		t.Errorf("ready at %v, want 30s", ready.Sub(start))
	}
	if got := p.Room("views.publish", time.Second); got < 1_000_000 {
		t.Errorf("room of a method without a limit = %d, want unbounded", got)
	}
}
