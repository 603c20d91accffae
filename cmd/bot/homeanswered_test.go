package main

import (
	"slices"
	"strings"
	"testing"
)

// A rep's Home lists the sessions they answered, each with their answer:
// one confirmed and rated ("confirmed · you rated 4/5") and one marked not
// accurate. Before, a session answered left the tab for good (the tab
// listed only those waiting and those to rate), and the rep's DMs were the
// only way back to it.
func TestARepsHomeListsTheSessionsTheyAnswered(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	rated := b.logPending()
	b.confirmUpdates(rep, rated)
	b.must(b.fake.ClickButton(ctx, rep, rated.Channel, rated.TS, "rep_rate_4"))
	eventually(t, "the rating stored", func() bool { return b.ratingOf() == 4 })
	viewID, _ := b.openModal("")
	if _, ack := b.submit(viewID, values([]string{rep}, "one_on_one", b.today("America/New_York"), "45", "")); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	if ack := b.dispute(b.dm(rep, 2), "It was 15 minutes"); len(ack.Payload) != 0 {
		t.Fatalf("dispute ack = %s", ack.Payload)
	}
	eventually(t, "the dispute stored", func() bool {
		return slices.ContainsFunc(b.export(), func(r exportRow) bool { return r.Status == "disputed" })
	})

	before := publishesTo(b, rep)
	if _, err := b.fake.AppHomeOpened(ctx, rep, "home"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "Sam's Home", func() bool { return publishesTo(b, rep) > before })
	_, blocks := homeBlocks(t, b, rep)
	text := blocksText(blocks)
	mustContain(t, "Sam's Home", text, "*Sessions you answered*\n",
		"\n:x: <@"+mgr+"> logged a *1:1* with you · ", " · 45 min · marked not accurate\n",
		"\n:white_check_mark: <@"+mgr+"> logged a *1:1* with you · ", " · 30 min · confirmed · you rated 4/5\n")
	if strings.Index(text, "marked not accurate") > strings.Index(text, "you rated 4/5") {
		t.Errorf("the answered sessions are not newest first:\n%s", text)
	}
	if strings.Contains(text, "…and") {
		t.Errorf("two sessions answered, and the Home says there are more:\n%s", text)
	}
	if ids := actionIDs(blocks); slices.Contains(ids, "rep_confirm") || slices.Contains(ids, "rep_rate_4") {
		t.Errorf("the Home asks again about sessions answered: %v", ids)
	}
}
