package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// Slack retries an event whose ack it never got for about six minutes: at
// once, after a minute, after five (fakeslack's eventRetryDelays). The
// last retry can reach a process that has forgotten the first delivery,
// here one restarted on the same database in between, whose memory of
// envelopes is empty: the claim of the event's id in the database must
// refuse it, or the manager's Home opening would be recorded and
// published twice.
func TestALateRetryAfterARestartIsNotActedOnTwice(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		clk := &testClock{}
		clk.Advance(time.Until(midweek))
		b := startBotAt(t, clk.Now, "COACHLOG_DB", db)
		// The bot acks and acts; its acks never reach Slack.
		id, err := b.fake.AppHomeOpened(ctxT(t), mgr, "home", fakeslack.LoseAcks())
		if err != nil {
			t.Fatal(err)
		}
		answered := func(n int) {
			t.Helper()
			eventually(t, fmt.Sprintf("the bot's answer to delivery %d", n), func() bool { return lostAcks(b.fake, id) >= n })
		}
		answered(1)
		eventually(t, "Max's Home published", func() bool { return publishesTo(b, mgr) == 1 })
		// The first two retries reach the process that handled the event.
		clk.Advance(3 * time.Second)
		answered(2)
		clk.Advance(3*time.Second + time.Minute)
		answered(3)

		b.stop()
		b.start()
		clk.Advance(3*time.Second + 5*time.Minute)
		answered(4)
		if on := b.fake.DeliveredOn(id); len(on) != 4 {
			t.Fatalf("the event was delivered %d times, want the first and Slack's 3 retries", len(on))
		}
		eventually(t, "the late retry skipped, or acted on", func() bool {
			return publishesTo(b, mgr) > 1 || strings.Contains(b.logs.String(), "event handled already; skipped")
		})
		if n := publishesTo(b, mgr); n != 1 {
			t.Errorf("Max's Home was published %d times for one opening, want once", n)
		}
	})
}

// lostAcks counts the acks of envelope id lost on their way (LoseAcks):
// the bot's answers to its deliveries.
func lostAcks(fake *fakeslack.Server, id string) int {
	n := 0
	for _, a := range fake.LostAcks() {
		if a.EnvelopeID == id {
			n++
		}
	}
	return n
}
