package main

import (
	"database/sql"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// A rep who marked a session not accurate is asked again after any edit,
// even one of the notes alone; buttons from before are refused.
func TestAnEditAfterADisputeAsksTheRepAgain(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	now := b.today("America/New_York")
	dm := b.logPending() // as first posted, with Confirm

	b.dispute(dm, "We never talked pricing")
	eventually(t, "the session disputed", func() bool { return b.export()[0].Status == "disputed" })

	hist := b.history("")
	// The manager's history says why, under the session, as the DM to
	// them did.
	if text := blocksText(hist.Blocks); !strings.Contains(text, "<@"+rep+">, not accurate: “We never talked pricing”") {
		t.Errorf("the manager's history does not say why the rep marked it not accurate:\n%s", text)
	}
	in, err := b.fake.ClickResponseButton(ctx, mgr, hist.URL, "session_edit")
	if err != nil {
		t.Fatal(err)
	}
	v := values([]string{rep}, "one_on_one", now, "30", "")
	v["notes"] = map[string]any{"notes": fakeslack.TextValue("Strong discovery; pricing comes next time")}
	if _, ack := b.submit(b.openedView(in), v); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}

	eventually(t, "the DM updated in place with Confirm again", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		text := blocksText(m.Blocks)
		return slices.Contains(actionIDs(m.Blocks), "rep_confirm") && strings.Contains(text, "Please confirm again") &&
			strings.Contains(text, "pricing comes next time")
	})
	if rows := b.export(); rows[0].Status != "pending" {
		t.Fatalf("status after the edit = %s, want pending", rows[0].Status)
	}
	if n := len(b.fake.Messages(rep)); n != 1 {
		t.Errorf("the edit posted a new DM: %d messages", n)
	}
	// Asked again, the rep's reason is no longer their answer.
	if text := blocksText(b.history("").Blocks); strings.Contains(text, "We never talked pricing") {
		t.Errorf("the history still gives the reason of a rep asked again:\n%s", text)
	}

	// The Confirm of the DM as first posted is refused and changes nothing.
	in, err = b.fake.ClickStale(ctx, rep, dm, "rep_confirm")
	if err != nil {
		t.Fatal(err)
	}
	b.responseSaying(in.ResponseURL, "changed")
	if rows := b.export(); rows[0].Status != "pending" {
		t.Fatalf("a click on the old DM changed the status to %s", rows[0].Status)
	}

	// The fresh Confirm works.
	if _, err := b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_confirm"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "confirmed", func() bool { return b.export()[0].Status == "confirmed" })
}

// The manager's "not accurate" notice is rendered when it is sent. An edit
// that came first has answered the dispute (the rep is asked again and the
// reason is gone): the notice is dropped, not posted stale or with an empty
// reason, which Slack refuses with invalid_blocks.
func TestADisputeAnsweredBeforeItsNoticeIsSentIsNotAnnounced(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	now := b.today("America/New_York")
	dm := b.logPending()
	// The notice is held back, as Slack's rate limit would, until the edit
	// is in.
	b.fake.FailNext("chat.postMessage", 1000, fakeslack.Fault{Status: http.StatusTooManyRequests, RetryAfter: 1})

	b.dispute(dm, "We never talked pricing")
	eventually(t, "the notice held back by the rate limit", func() bool {
		for _, c := range b.fake.Calls() {
			if c.Method == "chat.postMessage" && c.Status == http.StatusTooManyRequests {
				return true
			}
		}
		return false
	})

	in, err := b.fake.ClickResponseButton(ctx, mgr, b.history("").URL, "session_edit")
	if err != nil {
		t.Fatal(err)
	}
	v := values([]string{rep}, "one_on_one", now, "30", "")
	v["notes"] = map[string]any{"notes": fakeslack.TextValue("Pricing comes next time")}
	if _, ack := b.submit(b.openedView(in), v); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}
	b.fake.ClearFaults("chat.postMessage")
	eventually(t, "the notice settled after its retry", func() bool { return outboxStatus(t, b.db, "dispute_notice") == "sent" })
	for _, m := range b.fake.Messages(mgr) {
		if strings.Contains(blocksText(m.Blocks), "not accurate") {
			t.Errorf("the manager was told of a dispute their edit had answered: %s", blocksText(m.Blocks))
		}
	}
	eventually(t, "the DM asking again", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(m.Blocks), "Please confirm again")
	})
}

// A not-accurate notice held back (Slack refusing posts) past an edit that
// asked the rep again, and a second "not accurate", is not sent beside the
// second's notice: rendered when sent, it would read as the second's
// double. The manager is told once, of the dispute that stands.
func TestADisputeNoticeHeldPastASecondDisputeIsNotSentTwice(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	dm := b.logPending()
	// Every post is refused, as Slack's rate limit would, with a
	// Retry-After of a second: the notices wait, tried again every second.
	b.fake.FailNext("chat.postMessage", 1_000_000, fakeslack.Fault{Status: http.StatusTooManyRequests, RetryAfter: 1})
	b.dispute(dm, "It was 15 minutes, not 30")
	eventually(t, "the first notice tried and refused", func() bool {
		return len(b.fake.CallsTo("chat.postMessage")) > 0
	})

	in := b.clickInHistory("", "session_edit")
	if _, ack := b.submit(b.openedView(in), values([]string{rep}, "one_on_one", b.today("America/New_York"), "25", "")); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}
	eventually(t, "the DM asking again", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(m.Blocks), "again")
	})
	cur, _ := b.fake.Message(dm.Channel, dm.TS)
	b.dispute(cur, "Still wrong: 20 minutes")
	// Both notices, and the update saying the second answered the first:
	// that one, of a notice nobody saw, is withheld too.
	eventually(t, "both notices queued", func() bool { return len(outboxStatuses(t, b.db, "dispute_notice")) == 3 })

	b.fake.ClearFaults("chat.postMessage")
	eventually(t, "both notices settled", func() bool {
		return !slices.Contains(outboxStatuses(t, b.db, "dispute_notice"), "pending")
	})
	var notices []string
	for _, m := range b.fake.Messages(mgr) {
		if text := blocksText(m.Blocks); strings.Contains(text, "not accurate") {
			notices = append(notices, text)
		}
	}
	if len(notices) != 1 || !strings.Contains(notices[0], "Still wrong: 20 minutes") {
		t.Errorf("the manager got %d not-accurate notices, want one with the reason that stands:\n%s", len(notices), strings.Join(notices, "\n"))
	}
}

// outboxStatuses lists the status of every outbox message of kind, oldest
// first.
func outboxStatuses(t *testing.T, path, kind string) []string {
	t.Helper()
	db := readOnly(t, path)
	defer db.Close()
	rows, err := db.Query(`SELECT status FROM outbox WHERE kind = ? ORDER BY id`, kind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var status string
		if err := rows.Scan(&status); err != nil {
			t.Fatal(err)
		}
		out = append(out, status)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// readOnly opens the bot's database beside it, to look without writing.
func readOnly(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// outboxStatus is the status of the newest outbox message of kind.
func outboxStatus(t *testing.T, path, kind string) string {
	t.Helper()
	db := readOnly(t, path)
	defer db.Close()
	var status string
	if err := db.QueryRow(`SELECT status FROM outbox WHERE kind = ? ORDER BY id DESC LIMIT 1`, kind).Scan(&status); err != nil && !errors.Is(err, sql.ErrNoRows) {
		t.Fatal(err)
	}
	return status
}

// dispute has the rep press Not accurate on dm and give reason, and
// returns the bot's acknowledgement of the reason's form.
func (b *bot) dispute(dm fakeslack.Message, reason string) fakeslack.Ack {
	b.t.Helper()
	ctx := ctxT(b.t)
	in, err := b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_dispute")
	if err != nil {
		b.t.Fatal(err)
	}
	return b.submitAs(rep, b.openedView(in), map[string]map[string]any{"reason": {"reason": fakeslack.TextValue(reason)}})
}
