package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A click whose write could not commit is refused as busy either way,
// but the log says what happened: the ack deadline passed first, or the
// database gave up waiting for a lock first (here PostgreSQL's lock
// timeout, 100 ms into a 2 s budget: withLockTimeout; a statement timeout
// that short also cut a loaded machine's slow start short). Both were
// logged as "gave up at the ack deadline".
func TestTheBusyLogSaysWhyAWriteGaveUp(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name        string
		lockTimeout time.Duration // 0: none, the statement timeout's 30 s
		want, not   string
	}{
		{"the database's own timeout", 100 * time.Millisecond, "rep answer gave up: the database was busy", "ack deadline"},
		{"the ack deadline", 0, "rep answer gave up at the ack deadline", "the database was busy"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := sqlitetest.PostgresMigrated(t)
			b := startBot(t, "COACHLOG_DB", withLockTimeout(t, db, tt.lockTimeout), "COACHLOG_PG_STATEMENT_TIMEOUT", "30s")
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			b.quickLog(rep, 1)
			dm := b.dm(rep, 1)
			release := lockTables(t, ctx, db, "sessions")
			b.must(b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_confirm"))
			eventually(t, "the busy click's log", func() bool { return strings.Contains(b.logs.String(), "rep answer gave up") })
			release()
			var line string
			for _, l := range strings.Split(b.logs.String(), "\n") {
				if strings.Contains(l, "rep answer gave up") {
					line = l
				}
			}
			if !strings.Contains(line, tt.want) || strings.Contains(line, tt.not) {
				t.Errorf("the log says %q, want %q", line, tt.want)
			}
		})
	}
}

// busyText is what someone is told when Coachlog gave up waiting for its
// database.
const busyText = "Coachlog is busy right now; please try again in a moment."

// logLine is the last line of logs holding what.
func logLine(logs, what string) string {
	lines := strings.Split(grepLines(logs, what), "\n")
	return lines[len(lines)-1]
}

// A form's submission is saved before its ack. The session's reads the
// people it names before it writes them; with the people locked that read
// gave up (at the ack deadline, or at PostgreSQL's statement timeout
// before it) and came back as an error of no kind: the form said
// "Something went wrong" and the log called it a failure, at Error, as it
// did a write that gave up. A rep's reason, a write behind a locked
// session, was refused as busy and logged not at all. Now the form says
// Coachlog is busy, and the log says so at Warn, with why, and without
// what was typed. The database gives up at its lock timeout here
// (withLockTimeout): at a statement timeout of 100 ms, a loaded machine's
// slow start (the schema's version) or export gave up too.
func TestASubmissionThatGaveUpIsLoggedAsBusy(t *testing.T) {
	t.Parallel()
	const reason = "Platypus it was only ten minutes"
	for _, tt := range []struct {
		name        string
		lockTimeout time.Duration // 0: none, the statement timeout's 30 s
		table       string
		// form opens the form and returns how to submit it.
		form func(b *bot) func() json.RawMessage
		want string
	}{
		{"a session, at the database's own timeout", 100 * time.Millisecond, "people", logForm, "saving a session gave up: the database was busy"},
		{"a session, at the ack deadline", 0, "people", logForm, "saving a session gave up at the ack deadline"},
		{"a rep's reason, at the database's own timeout", 100 * time.Millisecond, "sessions", reasonForm(reason), "saving a rep answer gave up: the database was busy"},
		{"a rep's reason, at the ack deadline", 0, "sessions", reasonForm(reason), "saving a rep answer gave up at the ack deadline"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := sqlitetest.PostgresMigrated(t)
			b := startBot(t, "COACHLOG_DB", withLockTimeout(t, db, tt.lockTimeout), "COACHLOG_PG_STATEMENT_TIMEOUT", "30s")
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			submit := tt.form(b)
			before := b.export()
			release := lockTables(t, ctx, db, tt.table)
			ack := submit()
			release()
			if !strings.Contains(string(ack), busyText) {
				t.Errorf("the form answered %s, want it to say %q", ack, busyText)
			}
			logs := b.logs.String()
			if line := logLine(logs, "saving a "); !strings.Contains(line, "level=WARN") || !strings.Contains(line, tt.want) {
				t.Errorf("the log says %q, want %q at Warn", line, tt.want)
			}
			if strings.Contains(logs, "Platypus") || strings.Contains(logs, "rushed the pricing") {
				t.Error("the log carries what was typed")
			}
			if after := b.export(); len(after) != len(before) || len(after) > 0 && after[0].Status != before[0].Status {
				t.Errorf("a submission refused as busy changed what is stored:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}

// logForm opens the log form as the manager; submitting it logs a 1:1.
func logForm(b *bot) func() json.RawMessage {
	viewID, _ := b.openModal("")
	return func() json.RawMessage {
		_, ack := b.submit(viewID, values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", ""))
		return ack
	}
}

// reasonForm has the manager log a 1:1 and the rep open Not accurate on
// its DM; submitting it gives reason.
func reasonForm(reason string) func(b *bot) func() json.RawMessage {
	return func(b *bot) func() json.RawMessage {
		b.quickLog(rep, 1)
		dm := b.dm(rep, 1)
		viewID := b.openedView(b.must(b.fake.ClickButton(ctxT(b.t), rep, dm.Channel, dm.TS, "rep_dispute")))
		return func() json.RawMessage {
			return b.submitAs(rep, viewID, map[string]map[string]any{"reason": {"reason": fakeslack.TextValue(reason)}}).Payload
		}
	}
}

// What someone asks for with a command reads sessions; behind a locked
// table (a migration, another replica's long transaction) those reads hit
// PostgreSQL's statement timeout and the answer was "Something went
// wrong" (or, for the numbers, words of their own), logged as a failure.
// Now each says Coachlog is busy, logged at Warn with the database's
// error. The database gives up at its lock timeout here (withLockTimeout),
// which the bot treats as it does its statement timeout (57014,
// TestPostgresGivingUpIsBusy in internal/sqlite): a statement timeout of
// 100 ms also cut a loaded machine's slow start or export short.
func TestAnAnswerWhoseReadGaveUpSaysCoachlogIsBusy(t *testing.T) {
	t.Parallel()
	db := sqlitetest.PostgresMigrated(t)
	b := startBot(t, "COACHLOG_DB", withLockTimeout(t, db, 100*time.Millisecond), "COACHLOG_PG_STATEMENT_TIMEOUT", "30s")
	b.importRoster(t)
	b.quickLog(rep, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, tt := range []struct{ user, command, log string }{
		{mgr, "history", "history gave up: the database was busy"},
		{mgr, "history <@" + rep + "|sam>", "history gave up: the database was busy"},
		{mgr, "stats", "metrics for a command gave up: the database was busy"},
		{mgr, "team", "metrics for a command gave up: the database was busy"},
		{mgr, "prep <@" + rep + "|sam>", "prep brief gave up: the database was busy"},
		{other, "export", "export gave up: the database was busy"}, // Olly is the roster's admin
	} {
		before := len(b.logs.String())
		release := lockTables(t, ctx, db, "sessions, session_reps, commitments")
		got := b.command(tt.user, tt.command)
		release()
		if !strings.Contains(got, busyText) {
			t.Errorf("/coach %s behind locked sessions answered %q, want it to say %q", tt.command, got, busyText)
		}
		logs := b.logs.String()[before:]
		if line := logLine(logs, tt.log); !strings.Contains(line, "level=WARN") || !strings.Contains(line, "SQLSTATE 55P03") {
			t.Errorf("/coach %s: the log says %q, want %q at Warn, with the lock timeout", tt.command, line, tt.log)
		}
		if failed := grepLines(logs, "level=ERROR"); failed != "" {
			t.Errorf("/coach %s logged a failure:\n%s", tt.command, failed)
		}
	}
}
