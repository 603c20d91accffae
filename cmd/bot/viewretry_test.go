package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// A busy morning: more people open the log form at once than views.open's
// tier lets through in a burst (Tier 4; the fake's burst made small here,
// 2, so that three forms outrun it). The form Slack refuses 429 with a
// Retry-After of a second is opened after that second, on the bot's
// clock, well within its trigger's 3 s: everyone gets their form, and
// nobody is told it did not open.
func TestAFormRateLimitedBrieflyOpensAfterRetryAfter(t *testing.T) {
	t.Parallel()
	clk := &testClock{}
	clk.Advance(time.Until(midweek))
	b := startBotWith(t, clk.Now, []fakeslack.Option{fakeslack.WithMethodRateLimit("views.open", time.Second, 2)})
	ctx := ctxT(t)
	mgrs := []string{"UVMGR0", "UVMGR1", "UVMGR2"}
	addUTCUsers(b.fake, mgrs...)
	ins := make([]fakeslack.Interaction, len(mgrs))
	for k, m := range mgrs {
		ins[k] = b.must(b.fake.SlashCommand(ctx, m, "/coach", ""))
	}
	eventually(t, "views.open to be refused 429 once", func() bool { return viewsOpenWith(b.fake, http.StatusTooManyRequests) == 1 })
	if ok := viewsOpenWith(b.fake, http.StatusOK); ok != 2 {
		t.Fatalf("%d forms opened before the 429, want the burst's 2", ok)
	}
	clk.Advance(time.Second) // the 429's Retry-After, on the bot's and the fake's clock
	eventually(t, "the refused form to open after Retry-After", func() bool { return viewsOpenWith(b.fake, http.StatusOK) == 3 })
	b.stop() // every handler has finished
	for k, m := range mgrs {
		if open := b.fake.OpenModals(m); len(open) != 1 {
			t.Errorf("%s has %d forms open, want 1", m, len(open))
		}
		for _, r := range b.fake.Responses() {
			if r.URL == ins[k].ResponseURL {
				t.Errorf("%s was told %q, want the form alone", m, r.Text)
			}
		}
	}
	if n := len(b.fake.CallsTo("views.open")); n != 4 {
		t.Errorf("%d views.open calls, want 4 (one tried again)", n)
	}
}

// A Retry-After the trigger cannot outlive (3 s: the trigger is spent by
// then) is not waited for: the person is told at once, on the bot's
// clock, that the form did not open, and views.open is not called again.
func TestAFormRateLimitedPastItsTriggerIsToldAtOnce(t *testing.T) {
	t.Parallel()
	clk := &testClock{}
	clk.Advance(time.Until(midweek))
	b := startBotWith(t, clk.Now, []fakeslack.Option{fakeslack.WithMethodRateLimit("views.open", 3*time.Second, 1)})
	ctx := ctxT(t)
	mgrs := []string{"UVMGR0", "UVMGR1"}
	addUTCUsers(b.fake, mgrs...)
	ins := make([]fakeslack.Interaction, len(mgrs))
	for k, m := range mgrs {
		ins[k] = b.must(b.fake.SlashCommand(ctx, m, "/coach", ""))
	}
	eventually(t, "views.open to be refused 429", func() bool { return viewsOpenWith(b.fake, http.StatusTooManyRequests) == 1 })
	var refused fakeslack.Call
	for _, c := range b.fake.CallsTo("views.open") {
		if c.Status == http.StatusTooManyRequests {
			refused = c
		}
	}
	var told fakeslack.Response
	eventually(t, "the refused form's notice", func() bool {
		for k := range mgrs {
			for _, r := range b.fake.Responses() {
				if r.URL == ins[k].ResponseURL && strings.Contains(r.Text, notOpened) {
					told = r
					return true
				}
			}
		}
		return false
	})
	// Told well before the 3 s Retry-After had passed (a loaded machine
	// may take a while to post it: the log and the count below say it
	// was not waited for).
	if waited := told.Time.Sub(refused.Time); waited >= 2500*time.Millisecond {
		t.Errorf("told %v after the 429, want at once", waited)
	}
	b.stop()
	if !strings.Contains(b.logs.String(), `past what its form can wait" retry_after=3s`) {
		t.Errorf("the log does not say the 3 s Retry-After was not waited for:\n%s", b.logs)
	}
	if n := len(b.fake.CallsTo("views.open")); n != 2 {
		t.Errorf("%d views.open calls, want 2 (none tried again)", n)
	}
}

// viewsOpenWith counts the views.open calls answered with HTTP status.
func viewsOpenWith(fake *fakeslack.Server, status int) int {
	n := 0
	for _, c := range fake.CallsTo("views.open") {
		if c.Status == status && (status != http.StatusOK || c.Error == "") {
			n++
		}
	}
	return n
}
