package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A manager's zone changed through user_change just after their nudge does
// not bring a second one: the roster gives Max no zone, Slack says
// Auckland, and the bot nudges him at 09:30 on Thursday there; Slack then
// says Honolulu, where it is 10:35 on Wednesday five minutes later, a day
// the ledger had not seen. The bot, restarted then, runs its nudges at
// once and queues none.
func TestAZoneChangedAfterTheNudgeSendsNoSecondNudge(t *testing.T) {
	t.Parallel()
	b, clk := zonelessManager(t)
	zone := b.slackZone
	nudges := func() int {
		t.Helper()
		db := readOnly(t, b.db)
		defer db.Close()
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM outbox WHERE kind = 'nudge'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	zone("Pacific/Auckland")
	clk.Advance(time.Date(2026, 12, 2, 20, 30, 0, 0, time.UTC).Sub(clk.Now())) // Thu 09:30 in Auckland
	b.stop()
	b.start()
	b.dm(mgr, 1)
	zone("Pacific/Honolulu")
	clk.Advance(5 * time.Minute) // Wed 10:35 in Honolulu
	b.stop()
	b.start() // its first pass has run the nudges
	if n := nudges(); n != 1 {
		t.Fatalf("%d nudges queued for Max, want 1 (%d DMs so far)", n, len(b.fake.Messages(mgr)))
	}
}

// zonelessManager starts the bot on Monday 16 November 2026 with a roster
// of Max, who has no zone in it, and his rep Sam: Max's clock is whatever
// Slack says (slackZone).
func zonelessManager(t *testing.T) (*bot, *testClock) {
	t.Helper()
	clk := &testClock{}
	imported := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC) // a Monday
	clk.Advance(time.Until(imported))
	b := startBotAt(t, clk.Now)
	csv := filepath.Join(t.TempDir(), "team.csv")
	os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
		mgr+",,Max,manager,,,\n"+rep+",,Sam,rep,"+mgr+",,\n"), 0o600)
	if out, err := b.cliWith(map[string]string{"SLACK_BOT_TOKEN": ""}, "roster", "import", csv); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	return b, clk
}

// slackZone tells the bot, as Slack's user_change does, that Max's zone is
// tz, and waits until it is stored.
func (b *bot) slackZone(tz string) {
	b.t.Helper()
	if _, err := b.fake.Event(ctxT(b.t), map[string]any{"type": "user_change", "user": map[string]any{
		"id": mgr, "name": "max", "real_name": "Max Manager", "tz": tz,
		"profile": map[string]any{"real_name": "Max Manager", "status_text": "", "status_emoji": ""},
	}}); err != nil {
		b.t.Fatal(err)
	}
	eventually(b.t, "the zone stored", func() bool {
		db := readOnly(b.t, b.db)
		defer db.Close()
		var n int
		db.QueryRow(`SELECT count(*) FROM people WHERE id = ? AND slack_tz = ?`, mgr, tz).Scan(&n)
		return n == 1
	})
}
