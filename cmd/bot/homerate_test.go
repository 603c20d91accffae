package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// rateButtons are the rating buttons in raw blocks.
func rateButtons(raw json.RawMessage) []string {
	var out []string
	for _, id := range actionIDs(raw) {
		if strings.HasPrefix(id, "rep_rate_") {
			out = append(out, id)
		}
	}
	return out
}

// ratingOf is the rating the export holds for the only session and rep:
// 0 for none.
func (b *bot) ratingOf() int {
	b.t.Helper()
	rows := b.export()
	if len(rows) != 1 {
		b.t.Fatalf("%d export rows, want 1", len(rows))
	}
	if rows[0].Rating == nil {
		return 0
	}
	return *rows[0].Rating
}

// A rep who lost or never saw the DM rates from the App Home: a session
// confirmed there is listed with the DM's rating buttons; a rating is
// stored as the DM's would be, the DM is updated with chat.update (a
// click in the tab has no response_url) and the tab is republished,
// saying so at its top, without the session's rating buttons.
func TestARepRatesFromTheHomeTab(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	dm := b.logPending()
	b.homeClick(rep, "rep_confirm")()
	blocks := b.homeWith(rep, "Confirmed: <@"+mgr+"> logged a *1:1* with you")
	mustContain(t, "the notice", firstBlockText(blocks), "rate how useful it was here")
	if got := rateButtons(blocks); !slices.Equal(got, []string{"rep_rate_1", "rep_rate_2", "rep_rate_3", "rep_rate_4", "rep_rate_5"}) {
		t.Fatalf("the Home after Confirm offers %v, want the rating buttons 1 to 5", got)
	}
	b.dmUpdatedTo(dm, "You confirmed this")

	in := b.homeClick(rep, "rep_rate_4")()
	if a, err := b.fake.AwaitAck(ctxT(t), in.EnvelopeID); err != nil || len(a.Payload) != 0 {
		t.Fatalf("ack %s, %v", a.Payload, err)
	}
	eventually(t, "the rating stored", func() bool { return b.ratingOf() == 4 })
	b.dmUpdatedTo(dm, "rated it *4/5*")
	blocks = b.homeWith(rep, "Rated 4/5: <@"+mgr+"> logged a *1:1* with you")
	if got := rateButtons(blocks); len(got) != 0 {
		t.Errorf("the republished Home still offers a rating: %v", got)
	}
	mustContain(t, "Sam's Home", blocksText(blocks), "1 session, all answered: nothing waits for you")
	if m, _ := b.fake.Message(dm.Channel, dm.TS); buttonStyle(t, m.Blocks, "rep_rate_4") != "primary" {
		t.Errorf("the DM does not mark the rating given: %s", m.Blocks)
	}
}

// buttonStyle is the style of the button actionID in raw blocks.
func buttonStyle(t *testing.T, raw json.RawMessage, actionID string) string {
	t.Helper()
	style := ""
	eachObject(raw, func(o map[string]any) {
		if o["type"] == "button" && o["action_id"] == actionID {
			style, _ = o["style"].(string)
		}
	})
	return style
}

// forgedHomeClick sends a click crafted by user in their own Home tab: a
// button actionID with value, in a block blockID the tab may not hold,
// and waits for its ack.
func (b *bot) forgedHomeClick(user, actionID, blockID, value string) {
	b.t.Helper()
	ctx := ctxT(b.t)
	var view map[string]any
	eventually(b.t, user+"'s Home", func() bool {
		raw, ok := b.fake.Home(user)
		return ok && json.Unmarshal(raw, &view) == nil
	})
	id, err := b.fake.Send(ctx, "interactive", map[string]any{
		"type": "block_actions", "user": map[string]any{"id": user, "username": "forger", "team_id": b.fake.TeamID()},
		"api_app_id": b.fake.AppID(), "token": fakeslack.VerificationToken, "trigger_id": "1337.42.forged",
		"team": map[string]any{"id": b.fake.TeamID()}, "container": map[string]any{"type": "view", "view_id": view["id"]},
		"view": view, "actions": []any{map[string]any{"type": "button", "action_id": actionID, "block_id": blockID,
			"value": value, "action_ts": "1700000000.000001"}},
	})
	if err != nil {
		b.t.Fatal(err)
	}
	if _, err := b.fake.AwaitAck(ctx, id); err != nil {
		b.t.Fatal(err)
	}
}

// Only the rep rates their session from the Home tab too: a rating
// crafted by someone else to carry the rep's session (the rep's id, or
// the clicker's own on a session they are not on) is refused at the top
// of the clicker's own tab and changes nothing, the rep's DM included.
func TestAHomeRatingOfAnotherRepsSessionIsRefused(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	dm := b.logPending()
	b.confirmUpdates(rep, dm) // the rep's own rating would now be taken
	row := b.export()[0]
	if _, err := b.fake.AppHomeOpened(ctxT(t), other, "home"); err != nil {
		t.Fatal(err)
	}
	updates := len(b.fake.CallsTo("chat.update"))
	for _, tt := range []struct{ value, want string }{
		{fmt.Sprintf("%d:%s:1:1", row.ID, rep), "Only <@" + rep + "> can answer"},
		{fmt.Sprintf("%d:%s:1:1", row.ID, other), "You are not on this session"},
	} {
		before := publishesTo(b, other)
		b.forgedHomeClick(other, "rep_rate_1", fmt.Sprintf("home_q%d", row.ID), tt.value)
		eventually(t, tt.value+" refused in Olly's Home", func() bool {
			_, blocks := homeBlocks(t, b, other)
			return publishesTo(b, other) > before && strings.Contains(firstBlockText(blocks), tt.want)
		})
	}
	if got := b.ratingOf(); got != 0 {
		t.Errorf("after the refused ratings the session is rated %d", got)
	}
	b.stop()
	if n := len(b.fake.CallsTo("chat.update")); n != updates {
		t.Errorf("the refused ratings updated a DM: %d chat.update calls, want %d", n, updates)
	}
	m, _ := b.fake.Message(dm.Channel, dm.TS)
	if text := blocksText(m.Blocks); !strings.Contains(text, "How useful was it?") || strings.Contains(text, "rated it") {
		t.Errorf("Sam's DM changed: %s", text)
	}
}

// A Home tab left open goes stale. A rating there on a session rated in
// the DM since is refused, saying which rating stands, which stays, and
// the DM is left as it is; on a session edited since (asked again) it is
// refused as the DM's old buttons are, and the tab comes back with the
// session as it is now: to confirm again, not to rate.
func TestAStaleHomeTabRatesSensibly(t *testing.T) {
	t.Parallel()
	t.Run("rated in the DM since", func(t *testing.T) {
		b := startBot(t)
		dm := b.logPending()
		b.confirmUpdates(rep, dm)
		click := b.homeClick(rep, "rep_rate_5")
		if _, err := b.fake.ClickButton(ctxT(t), rep, dm.Channel, dm.TS, "rep_rate_2"); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the DM rated 2", func() bool {
			m, _ := b.fake.Message(dm.Channel, dm.TS)
			return strings.Contains(blocksText(m.Blocks), "rated it *2/5*")
		})
		updates := len(b.fake.CallsTo("chat.update"))
		click()
		blocks := b.homeWith(rep, "You had rated this session 2/5 already; that rating stands.")
		if got := rateButtons(blocks); len(got) != 0 {
			t.Errorf("the republished Home still offers a rating: %v", got)
		}
		if got := b.ratingOf(); got != 2 {
			t.Errorf("after the stale rating the session is rated %d, want the DM's 2", got)
		}
		b.stop() // every handler and delivery has finished
		if n := len(b.fake.CallsTo("chat.update")); n != updates {
			t.Errorf("the refused rating updated the DM: %d chat.update calls, want %d", n, updates)
		}
		if m, _ := b.fake.Message(dm.Channel, dm.TS); !strings.Contains(blocksText(m.Blocks), "rated it *2/5*") {
			t.Errorf("the DM no longer shows the rating given: %s", blocksText(m.Blocks))
		}
		if strings.Contains(b.logs.String(), "level=ERROR") {
			t.Errorf("errors logged:\n%s", grepLines(b.logs.String(), "level=ERROR"))
		}
	})
	t.Run("edited since", func(t *testing.T) {
		b := startBot(t)
		dm := b.logPending()
		b.confirmUpdates(rep, dm)
		click := b.homeClick(rep, "rep_rate_4")
		b.editLatest(values([]string{rep}, "one_on_one", b.today("America/New_York"), "50", ""))
		eventually(t, "the edit's DM update", func() bool {
			m, _ := b.fake.Message(dm.Channel, dm.TS)
			return strings.Contains(blocksText(m.Blocks), "30 → 50 min")
		})
		click()
		blocks := b.homeWith(rep, "changed after your Home tab showed it")
		if rows := b.export(); rows[0].Status != "pending" || rows[0].Rating != nil {
			t.Fatalf("after the stale rating: status %s, rating %v", rows[0].Status, rows[0].Rating)
		}
		if got := rateButtons(blocks); len(got) != 0 {
			t.Errorf("the republished Home offers a rating on a session to confirm again: %v", got)
		}
		if v := buttonValue(t, blocks, "rep_confirm"); !strings.HasSuffix(v, ":2") {
			t.Errorf("the republished Home's Confirm is %q, want the edited version 2", v)
		}
		mustContain(t, "Sam's Home", blocksText(blocks), "50 min")
	})
}

// The notice after a Confirm in the Home tab offers to rate the session
// "here" only when the tab lists it to rate: one confirmed behind five
// newer sessions still to rate is past the five the tab lists, and the
// notice sends the rep to their DM instead.
func TestAConfirmNoticeOffersTheTabsRatingOnlyForASessionItLists(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	if got := b.command(mgr, "<@"+rep+"|sam> 1:1 50m yesterday"); !strings.Contains(got, "Logged") {
		t.Fatalf("capture: %s", got)
	}
	for i := range 5 {
		if got := b.command(mgr, fmt.Sprintf("<@%s|sam> 1:1 %dm", rep, 20+i)); !strings.Contains(got, "Logged") {
			t.Fatalf("capture %d: %s", i, got)
		}
	}
	// The newest waiting comes first: the five of today, then yesterday's.
	for i := range 5 {
		b.homeClick(rep, "rep_confirm")()
		b.homeWith(rep, fmt.Sprintf(" · %d min. You can rate how useful it was here or in your DM", 24-i))
	}
	b.homeClick(rep, "rep_confirm")()
	blocks := b.homeWith(rep, " · 50 min.")
	notice := firstBlockText(blocks)
	if strings.Contains(notice, "here") || !strings.Contains(notice, "You can rate how useful it was in your DM with Coachlog") {
		t.Errorf("the notice for a session the tab does not list to rate: %q", notice)
	}
	var yesterday int64
	for _, r := range b.export() {
		if r.DurationMin == 50 {
			yesterday = r.ID
		}
	}
	rows := 0
	for _, id := range actionIDs(blocks) {
		if id == "rep_rate_1" {
			rows++
		}
	}
	if listed := strings.Contains(string(blocks), fmt.Sprintf(`"home_q%d"`, yesterday)); rows != 5 || listed {
		t.Errorf("the tab lists %d sessions to rate, yesterday's among them: %v; want the 5 newest", rows, listed)
	}
}
