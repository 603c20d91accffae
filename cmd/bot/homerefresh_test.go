package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// openHomeOf opens user's Home tab and waits for it to be published.
func (b *bot) openHomeOf(user string) {
	b.t.Helper()
	before := publishesTo(b, user)
	if _, err := b.fake.AppHomeOpened(ctxT(b.t), user, "home"); err != nil {
		b.t.Fatal(err)
	}
	eventually(b.t, user+"'s Home published", func() bool { return publishesTo(b, user) > before })
}

// homeText is the text of user's Home as last published.
func (b *bot) homeText(user string) string {
	_, blocks := homeBlocks(b.t, b, user)
	return blocksText(blocks)
}

// A manager who opened their Home two minutes ago sees it again with the
// rep's answer once the rep confirms in their DM: the replica that got the
// confirm reads when the tab was opened from the database.
func TestAManagerLookingAtTheirHomeSeesARepsConfirm(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		clk := &testClock{}
		clk.Advance(time.Until(midweek))
		b := startBotAt(t, clk.Now, "COACHLOG_DB", db)
		dm := b.logPending()
		b.openHomeOf(mgr)
		mustContain(t, "Max's Home", b.homeText(mgr), ":hourglass_flowing_sand: pending")
		opened := publishesTo(b, mgr)
		clk.Advance(2 * time.Minute)
		b.must(b.fake.ClickButton(ctxT(t), rep, dm.Channel, dm.TS, "rep_confirm"))
		eventually(t, "Max's Home republished with Sam's confirm", func() bool {
			return publishesTo(b, mgr) > opened && strings.Contains(b.homeText(mgr), ":white_check_mark: confirmed")
		})
	})
}

// A rating does not republish a watching manager's Home: the tab's mean
// moving the moment one rep rates would give that rating away. The
// confirm before it does.
func TestARatingDoesNotRefreshAWatchingManagersHome(t *testing.T) {
	t.Parallel()
	clk := &testClock{}
	clk.Advance(time.Until(midweek))
	b := startBotAt(t, clk.Now)
	dm := b.logPending()
	b.openHomeOf(mgr)
	clk.Advance(2 * time.Minute)
	refreshes := func() int {
		sdb := readOnly(t, b.db)
		defer sdb.Close()
		var n int
		if err := sdb.QueryRow(`SELECT count(*) FROM outbox WHERE op = 'publish' AND recipient = ? AND kind = 'home_refresh'`, mgr).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	b.must(b.fake.ClickButton(ctxT(t), rep, dm.Channel, dm.TS, "rep_confirm"))
	eventually(t, "Sam's DM offers ratings", func() bool {
		m, ok := b.fake.Message(dm.Channel, dm.TS)
		return ok && slices.Contains(actionIDs(m.Blocks), "rep_rate_4")
	})
	afterConfirm := refreshes()
	if afterConfirm != 1 {
		t.Fatalf("the confirm queued %d refreshes of Max's Home, want 1", afterConfirm)
	}
	b.must(b.fake.ClickButton(ctxT(t), rep, dm.Channel, dm.TS, "rep_rate_4"))
	eventually(t, "Sam's rating shown in the DM", func() bool {
		m, ok := b.fake.Message(dm.Channel, dm.TS)
		return ok && strings.Contains(blocksText(m.Blocks), "rated it *4/5*")
	})
	if n := refreshes(); n != afterConfirm {
		t.Errorf("the rating queued %d more refreshes of Max's Home", n-afterConfirm)
	}
}

// A manager who has not opened their Home for eleven minutes, or never,
// gets no publish for a rep's answer: their tab is rendered afresh when
// they next open it, and a publish nobody looks at would take a place in
// views.publish's pace that reps' own Home clicks need.
func TestARepsAnswerLeavesAHomeNobodyLooksAtAlone(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		opened time.Duration // how long before the confirm Max opened his Home; never when 0
	}{{"opened 11 minutes ago", 11 * time.Minute}, {"never opened", 0}} {
		t.Run(tt.name, func(t *testing.T) {
			clk := &testClock{}
			clk.Advance(time.Until(midweek))
			b := startBotAt(t, clk.Now)
			dm := b.logPending()
			if tt.opened > 0 {
				b.openHomeOf(mgr)
				clk.Advance(tt.opened)
			}
			before := publishesTo(b, mgr)
			in := b.must(b.fake.ClickButton(ctxT(t), rep, dm.Channel, dm.TS, "rep_confirm"))
			eventually(t, "Sam's DM answered", func() bool {
				for _, r := range b.fake.Responses() {
					if r.URL == in.ResponseURL {
						return true
					}
				}
				return false
			})
			// The refresh would have been queued with the answer itself.
			sdb := readOnly(t, b.db)
			defer sdb.Close()
			var queued int
			if err := sdb.QueryRow(`SELECT count(*) FROM outbox WHERE op = 'publish' AND recipient = ? AND kind = 'home_refresh'`, mgr).Scan(&queued); err != nil {
				t.Fatal(err)
			}
			if queued != 0 || publishesTo(b, mgr) != before {
				t.Errorf("Max's Home, %s, was queued %d refreshes and published %d times after the answer", tt.name, queued, publishesTo(b, mgr)-before)
			}
		})
	}
}

// Managers' refreshes never hold up a rep's own Home: with many managers
// looking at their Homes and their reps' confirms queuing a refresh each,
// beyond what views.publish's pace sends at once, a rep who opens their
// Home has it published next, ahead of the refreshes still queued.
func TestARepsHomeIsNotBehindManagersRefreshes(t *testing.T) {
	t.Parallel()
	clk := &testClock{}
	clk.Advance(time.Until(midweek))
	b := startBotAt(t, clk.Now)
	ctx := ctxT(t)
	const n = 25 // past views.publish's burst of 20, then one each 600 ms
	var mgrs, reps []string
	for k := range n {
		mgrs, reps = append(mgrs, fmt.Sprintf("UMGR%02d", k)), append(reps, fmt.Sprintf("UREP%02d", k))
	}
	addUTCUsers(b.fake, append(mgrs, reps...)...)
	for k := range n {
		awaitAcks(t, ctx, b.fake, b.must(b.fake.SlashCommand(ctx, mgrs[k], "/coach", "<@"+reps[k]+"> 1:1 30m")))
	}
	// Each capture reads two profiles Coachlog has never seen (the
	// manager's and the rep's) with users.info, Tier 4: 100 a minute, a
	// burst of 20. The reads past the burst wait for their turn, seconds
	// of the bot's clock, which is moved along meanwhile.
	eventuallyMovingClock(t, clk, func() string { return "every rep's DM" }, func() bool {
		for _, r := range reps {
			if len(b.fake.Messages(r)) == 0 {
				return false
			}
		}
		return true
	})
	dms := make([]string, n)
	for k := range n {
		dms[k] = b.dm(reps[k], 1).TS
	}
	for _, m := range mgrs {
		if _, err := b.fake.AppHomeOpened(ctx, m, "home"); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range mgrs {
		eventually(t, m+"'s Home published", func() bool { return publishesTo(b, m) == 1 })
	}
	for k := range n {
		b.must(b.fake.ClickButton(ctx, reps[k], reps[k], dms[k], "rep_confirm"))
	}
	eventually(t, "every confirm stored", func() bool {
		rows := b.export()
		for _, r := range rows {
			if r.Status != "confirmed" {
				return false
			}
		}
		return len(rows) == n
	})
	asked := len(b.fake.CallsTo("views.publish"))
	if _, err := b.fake.AppHomeOpened(ctx, rep, "home"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "Sam's Home published", func() bool { return publishesTo(b, rep) == 1 })
	// The first n publishes were the managers' opening; then refreshes.
	calls := b.fake.CallsTo("views.publish")
	refreshed, ahead := asked-n, 0
	for _, c := range calls[asked:] {
		if c.Param("user_id") == rep {
			break
		}
		ahead++
	}
	// A claim takes what views.publish's pace sends within a second, one
	// or two at this rate: those claimed before Sam opened his Home may
	// be on their way.
	t.Logf("%d refreshes went before Sam opened his Home, %d between that and his", refreshed, ahead)
	if ahead > 3 {
		t.Errorf("Sam's Home went out behind %d managers' refreshes queued before it (%d had gone before he opened it)", ahead, refreshed)
	}
	if refreshed+ahead >= n {
		t.Errorf("all %d refreshes went before Sam opened his Home: the test showed no queue", n)
	}
}
