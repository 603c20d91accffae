package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// homeBlocks returns a user's published Home tab: its view id and blocks.
func homeBlocks(t *testing.T, b *bot, user string) (string, json.RawMessage) {
	t.Helper()
	raw, ok := b.fake.Home(user)
	if !ok {
		return "", nil
	}
	var v struct {
		ID     string          `json:"id"`
		Blocks json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v.ID, v.Blocks
}

// firstBlockText is the text of a view's first block.
func firstBlockText(raw json.RawMessage) string {
	var blocks []json.RawMessage
	if json.Unmarshal(raw, &blocks) != nil || len(blocks) == 0 {
		return ""
	}
	return blocksText(blocks[0])
}

// An action from a stale App Home tab that fails, or does nothing new, is
// not silent: the Home has no response_url, so the tab is republished with
// a notice at the top saying what happened, and without the session.
func TestAnActionInAStaleHomeTabIsAnsweredByANoticeThere(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		action, want string
	}{
		{"session_edit", "This session was undone."},
		{"session_undo", "Undone:"},
	} {
		t.Run(tt.action, func(t *testing.T) {
			b := startBot(t)
			ctx := ctxT(t)
			in, err := b.fake.SlashCommand(ctx, mgr, "/coach", "<@"+rep+"|sam> 1:1 30m")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL }); err != nil {
				t.Fatal(err)
			}
			id := b.export()[0].ID
			if _, err := b.fake.AppHomeOpened(ctx, mgr, "home"); err != nil {
				t.Fatal(err)
			}
			var homeID string
			eventually(t, "the Home tab with the session", func() bool {
				var blocks json.RawMessage
				homeID, blocks = homeBlocks(t, b, mgr)
				return slices.Contains(actionIDs(blocks), tt.action)
			})
			// Undone from the receipt: the Home tab, left open, still shows it.
			if _, err := b.fake.ClickResponseButton(ctx, mgr, in.ResponseURL, "session_undo"); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the undo", func() bool { return len(b.export()) == 0 })

			if _, err := b.fake.ClickViewAction(ctx, mgr, homeID, fmt.Sprintf("home_s%d", id), tt.action, nil); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the notice at the top of the Home tab", func() bool {
				_, blocks := homeBlocks(t, b, mgr)
				return strings.Contains(firstBlockText(blocks), tt.want) && !slices.Contains(actionIDs(blocks), tt.action)
			})
			if strings.Contains(b.logs.String(), "no response_url to answer on") {
				t.Error("the bot tried to answer the Home tab through a response_url")
			}
		})
	}
}

// Logging from the App Home, from its Log coaching button or an overdue
// rep's, refreshes the tab once the session is saved: the rep just
// coached is no longer listed overdue, and the tab says at its top what
// was logged, in the receipt's words, as it says what an Undo there did.
// An edit from the tab says what it changed. Both were refreshed
// silently: the tab has no response_url for a receipt, and a manager on
// a phone could not tell the form had saved, nor what.
func TestLoggingFromTheHomeTabRefreshesIt(t *testing.T) {
	t.Parallel()
	for _, action := range []string{"log_open", "log_for_rep"} {
		t.Run(action, func(t *testing.T) {
			b := surfacesOrg(t)
			viewID := b.openedView(b.homeClick(mgr, action)()) // log_for_rep: Cy's, never coached
			if _, ack := b.submit(viewID, values([]string{cy}, "one_on_one", b.today("America/New_York"), "30", "")); len(ack) != 0 {
				t.Fatalf("ack = %s", ack)
			}
			var top string
			eventually(t, "the Home tab without Cy overdue", func() bool {
				_, blocks := homeBlocks(t, b, mgr)
				top = firstBlockText(blocks)
				return !slices.Contains(actionIDs(blocks), "log_for_rep")
			})
			if want := ":white_check_mark: Logged *1:1* with <@" + cy + "> · Wed 25 Nov 2026 · 30 min. <@" + cy + "> will be asked to confirm."; !strings.Contains(top, want) {
				t.Errorf("the Home tab after logging opens with %q, want %q", top, want)
			}
			if action != "log_open" {
				return
			}
			viewID = b.openedView(b.editInHome(cy))
			if ack := b.submitAs(mgr, viewID, map[string]map[string]any{"duration": {"duration": fakeslack.NumberValue("45")}}); len(ack.Payload) != 0 {
				t.Fatalf("edit ack = %s", ack.Payload)
			}
			want := ":pencil2: Updated: duration 30 → 45 min. Now: *1:1* with <@" + cy + "> · Wed 25 Nov 2026 · 45 min."
			eventually(t, "the Home tab saying what the edit changed", func() bool {
				_, blocks := homeBlocks(t, b, mgr)
				top = firstBlockText(blocks)
				return strings.Contains(top, want)
			})
		})
	}
}

// editInHome clicks Edit, in the manager's Home tab as last published, on
// the session logged with repID alone.
func (b *bot) editInHome(repID string) fakeslack.Interaction {
	b.t.Helper()
	var id int64
	for _, r := range b.export() {
		if r.RepID == repID {
			id = r.ID
		}
	}
	viewID, raw := homeBlocks(b.t, b, mgr)
	var blocks []struct {
		BlockID  string `json:"block_id"`
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(raw, &blocks); err != nil {
		b.t.Fatal(err)
	}
	for _, blk := range blocks {
		for _, e := range blk.Elements {
			if e.ActionID == "session_edit" && strings.HasPrefix(e.Value, fmt.Sprintf("%d:", id)) {
				return b.must(b.fake.ClickViewAction(ctxT(b.t), mgr, viewID, blk.BlockID, e.ActionID, nil))
			}
		}
	}
	b.t.Fatalf("no Edit of session %d in the Home tab:\n%s", id, blocksText(raw))
	return fakeslack.Interaction{}
}

// A manager's lists of their own sessions say when they stop short: the
// App Home shows five and /coach history ten, and a manager with more
// is told so and where the others are, rather than left to think the
// list is all there is. A list that is whole says nothing of the kind.
func TestSessionListsSayWhenOlderSessionsAreLeftOut(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	for i := range 10 {
		if got := b.command(mgr, fmt.Sprintf("<@%s|sam> 1:1 %dm yesterday", rep, 10+i)); !strings.Contains(got, "Logged") {
			t.Fatalf("capture %d: %s", i, got)
		}
	}
	got := b.history("")
	if n := strings.Count(strings.Join(actionIDs(got.Blocks), " "), "session_edit"); n != 10 || strings.Contains(blocksText(got.Blocks), "latest") {
		t.Fatalf("ten sessions: %d Edit buttons, text:\n%s", n, blocksText(got.Blocks))
	}
	b.command(mgr, "<@"+rep+"|sam> 1:1 45m")
	got = b.history("")
	text := blocksText(got.Blocks)
	if n := strings.Count(strings.Join(actionIDs(got.Blocks), " "), "session_edit"); n != 10 {
		t.Errorf("eleven sessions: %d Edit buttons, want the 10 latest", n)
	}
	mustContain(t, "/coach history of eleven", text, "*1:1* with <@"+rep+"> · Wed 18 Nov 2026 · 45 min", "Your 10 latest", "`/coach history @rep`")
	mustContain(t, "/coach history @sam of eleven", blocksText(b.history("<@"+rep+"|sam>").Blocks), "Your 10 latest with <@"+rep+">")

	_, blocks := homeBlocks(t, b, mgr)
	if _, err := b.fake.AppHomeOpened(ctxT(t), mgr, "home"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "Max's Home", func() bool { _, blocks = homeBlocks(t, b, mgr); return blocks != nil })
	mustContain(t, "Max's Home", blocksText(blocks), "Your 5 latest", "`/coach history` lists your 10 latest")
}

// Empty states say something useful: a rep nobody coached yet learns
// where coaching will come; a rep with everything answered is not told
// "0 waiting"; a rep typing /coach history, having logged nothing, is sent
// to where the coaching they received is, not told "nothing logged".
func TestARepsEmptyStatesSayWhereCoachingComes(t *testing.T) {
	t.Parallel()
	b := surfacesOrg(t)
	home := func(user string) string {
		before := publishesTo(b, user)
		if _, err := b.fake.AppHomeOpened(ctxT(t), user, "home"); err != nil {
			t.Fatal(err)
		}
		eventually(t, user+"'s Home", func() bool { return publishesTo(b, user) > before })
		_, blocks := homeBlocks(t, b, user)
		return blocksText(blocks)
	}
	cyHome := home(cy) // never coached
	mustContain(t, "Cy's Home", cyHome, "*Coaching you received*: none yet", "your DMs")
	if strings.Contains(cyHome, "0 sessions") || strings.Contains(cyHome, "0 waiting") {
		t.Errorf("Cy's Home counts nothing instead of saying what comes:\n%s", cyHome)
	}
	// Ria confirmed her ride-along; the team meeting waits. Once she
	// confirms it too, nothing waits.
	dm := b.waitMessage(ria(), "rep_confirm")
	if _, err := b.fake.ClickButton(ctxT(t), ria(), dm.Channel, dm.TS, "rep_confirm"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "Ria's confirmation", func() bool { return strings.Contains(home(ria()), "all answered") })

	got := b.command(rep, "history")
	mustContain(t, "Sam's /coach history", got, "You have logged no coaching yourself", "App Home", "confirm each session waiting for you")
	if strings.Contains(got, "Nothing logged yet") {
		t.Errorf("Sam, coached three times, is told nothing was logged:\n%s", got)
	}
	if got := b.command(mia, "history"); !strings.Contains(got, "*1:1* with <@"+dee+">") {
		t.Errorf("Mia's own history: %s", got)
	}
	if got := b.command(cy, "history"); !strings.Contains(got, "Nothing logged yet") {
		t.Errorf("Cy's history: %s", got)
	}
}

// publishesTo counts the Home publishes to user: other people's Homes are
// published too (each their own tab's opening or click), so a count of
// every publish can move without user's.
func publishesTo(b *bot, user string) int {
	n := 0
	for _, c := range b.fake.CallsTo("views.publish") {
		if c.Param("user_id") == user && c.Error == "" {
			n++
		}
	}
	return n
}
