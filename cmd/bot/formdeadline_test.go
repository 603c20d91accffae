package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// transit is how much older than its envelope a trigger is in these
// tests: Slack issued it before the envelope's way to the bot.
const transit = 1200 * time.Millisecond

// The edit form read the manager's today and the reps' names with no
// deadline before views.open: with the people locked it never opened in
// time. It opens now, without what those reads add.
func TestTheEditFormOpensInTimeWhilePeopleAreLocked(t *testing.T) {
	t.Parallel()
	db := sqlitetest.PostgresMigrated(t)
	clk := &testClock{}
	clk.Advance(time.Until(midweek))
	b := startBotAt(t, clk.Now, "COACHLOG_DB", db)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	capture := b.must(b.fake.SlashCommand(ctx, mgr, "/coach", "<@"+rep+"|sam> 1:1 30m pricing went well"))
	b.response(capture.ResponseURL)
	release := lockTables(t, ctx, db, "people")
	in := b.must(b.fake.ClickResponseButton(ctx, mgr, capture.ResponseURL, "session_edit"))
	clk.Advance(transit)
	awaitFormInTime(t, ctx, b.fake, in.TriggerID, "Edit while people were locked")
	if view := b.viewsOpen(in).Param("view"); !strings.Contains(view, "pricing went well") {
		t.Errorf("the edit form lacks the session's notes:\n%s", view)
	}
	release()
}

// The edit form and a rep's Not accurate form cannot open without the
// session (its version, who may answer): read with no deadline, a locked
// table left the person with nothing, then a trigger long expired. Past
// the deadline they are told at once, where they clicked, to click again,
// and no form is tried. So are they when PostgreSQL gives up first, its
// statement or lock timeout shorter than the form's budget: that read
// came back as an error of no kind, "Something went wrong", logged as a
// failure. Either way they are told in the busy line every other answer
// gives (the form said it "could not read the session in time", its own
// words). The log says which gave up, at Warn. The database gives up at
// its lock timeout here (withLockTimeout): at a statement timeout of
// 100 ms, a loaded machine's slow start or export gave up too.
func TestAFormThatNeedsTheSessionSaysSoWhileSessionsAreLocked(t *testing.T) {
	t.Parallel()
	for _, gaveUp := range []struct {
		name        string
		lockTimeout time.Duration // 0: none, the statement timeout's 30 s
		log         string
	}{
		{"at the form's deadline", 0, "not opened: the session was not read by the form's deadline"},
		{"at the database's lock timeout", 100 * time.Millisecond, "not opened: the database was busy"},
	} {
		t.Run(gaveUp.name, func(t *testing.T) {
			t.Parallel()
			sessionFormsWhileSessionsAreLocked(t, gaveUp.lockTimeout, gaveUp.log)
		})
	}
}

// sessionFormsWhileSessionsAreLocked clicks for each form that needs the
// session while sessions are locked, on a bot whose statements give up
// waiting for a lock after lockTimeout (0: at the statement timeout's
// 30 s), and checks the person is told the form did not open and the log
// says why (log).
func sessionFormsWhileSessionsAreLocked(t *testing.T, lockTimeout time.Duration, log string) {
	for _, tt := range []struct {
		name string
		// setup brings the bot to the click, which it returns.
		setup func(b *bot, ctx context.Context) func() (fakeslack.Interaction, error)
		want  string
	}{
		{"Edit on the receipt", func(b *bot, ctx context.Context) func() (fakeslack.Interaction, error) {
			capture := b.must(b.fake.SlashCommand(ctx, mgr, "/coach", "<@"+rep+"|sam> 1:1 30m pricing went well"))
			b.response(capture.ResponseURL)
			return func() (fakeslack.Interaction, error) {
				return b.fake.ClickResponseButton(ctx, mgr, capture.ResponseURL, "session_edit")
			}
		}, "nothing was changed. Click *Edit* again"},
		{"a rep's Not accurate", func(b *bot, ctx context.Context) func() (fakeslack.Interaction, error) {
			b.quickLog(rep, 1)
			dm := b.dm(rep, 1)
			return func() (fakeslack.Interaction, error) {
				return b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_dispute")
			}
		}, "nothing was saved. Click *Not accurate* again"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := sqlitetest.PostgresMigrated(t)
			b := startBot(t, "COACHLOG_DB", withLockTimeout(t, db, lockTimeout), "COACHLOG_PG_STATEMENT_TIMEOUT", "30s")
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			click := tt.setup(b, ctx)
			before := b.export()
			release := lockTables(t, ctx, db, "sessions")
			in := b.must(click())
			wctx, wcancel := context.WithTimeout(ctx, 2500*time.Millisecond)
			r, err := b.fake.WaitForResponse(wctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
			wcancel()
			release()
			if err != nil {
				t.Fatalf("nothing said 2.5 s after %s while sessions were locked: %v", tt.name, err)
			}
			if got, want := r.Text+blocksText(r.Blocks), busyText+" The form did not open, and "+tt.want; !strings.Contains(got, want) {
				t.Errorf("%s while sessions were locked answered %q, want it to say %q", tt.name, got, want)
			}
			if r.ReplaceOriginal || r.DeleteOriginal {
				t.Errorf("the notice replaced or deleted the message clicked: %+v", r)
			}
			b.stop() // every handler has finished
			if line := logLine(b.logs.String(), "form not opened"); !strings.Contains(line, "level=WARN") || !strings.Contains(line, log) {
				t.Errorf("the log says %q, want %q at Warn", line, log)
			}
			if failed := grepLines(b.logs.String(), "level=ERROR"); failed != "" {
				t.Errorf("logged as a failure:\n%s", failed)
			}
			for _, c := range b.fake.CallsTo("views.open") {
				if c.Param("trigger_id") == in.TriggerID {
					t.Errorf("views.open was tried after the notice (%s)", c.Error)
				}
			}
			if after := b.export(); len(after) != len(before) || after[0].Status != before[0].Status || after[0].DurationMin != before[0].DurationMin {
				t.Errorf("a form that did not open changed what is stored:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}
