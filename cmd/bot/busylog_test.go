package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A click whose write could not commit is refused as busy either way,
// but the log says what happened: the ack deadline passed first, or the
// database gave up waiting for a lock first (here PostgreSQL's statement
// timeout, 100 ms into a 2 s budget). Both were logged as "gave up at
// the ack deadline".
func TestTheBusyLogSaysWhyAWriteGaveUp(t *testing.T) {
	for _, tt := range []struct {
		name, timeout string
		want, not     string
	}{
		{"the database's own timeout", "100ms", "rep answer gave up: the database was busy", "ack deadline"},
		{"the ack deadline", "30s", "rep answer gave up at the ack deadline", "the database was busy"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := sqlitetest.PostgresDB(t)
			b := startBot(t, "COACHLOG_DB", db, "COACHLOG_PG_STATEMENT_TIMEOUT", tt.timeout)
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

// What someone asks for with a command reads sessions; behind a locked
// table (a migration, another replica's long transaction) those reads hit
// PostgreSQL's statement timeout and the answer was "Something went
// wrong" (or, for the numbers, words of their own), logged as a failure.
// Now each says Coachlog is busy, logged at Warn with the timeout.
func TestAnAnswerWhoseReadGaveUpSaysCoachlogIsBusy(t *testing.T) {
	db := sqlitetest.PostgresDB(t)
	b := startBot(t, "COACHLOG_DB", db, "COACHLOG_PG_STATEMENT_TIMEOUT", "100ms")
	b.importRoster(t)
	b.quickLog(rep, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, tt := range []struct{ command, log string }{
		{"history", "history gave up: the database was busy"},
		{"history <@" + rep + "|sam>", "history gave up: the database was busy"},
		{"stats", "metrics for a command gave up: the database was busy"},
		{"team", "metrics for a command gave up: the database was busy"},
		{"prep <@" + rep + "|sam>", "prep brief gave up: the database was busy"},
	} {
		before := len(b.logs.String())
		release := lockTables(t, ctx, db, "sessions, session_reps, commitments")
		got := b.command(mgr, tt.command)
		release()
		if !strings.Contains(got, busyText) {
			t.Errorf("/coach %s behind locked sessions answered %q, want it to say %q", tt.command, got, busyText)
		}
		logs := b.logs.String()[before:]
		if line := logLine(logs, tt.log); !strings.Contains(line, "level=WARN") || !strings.Contains(line, "SQLSTATE 57014") {
			t.Errorf("/coach %s: the log says %q, want %q at Warn, with the statement timeout", tt.command, line, tt.log)
		}
		if failed := grepLines(logs, "level=ERROR"); failed != "" {
			t.Errorf("/coach %s logged a failure:\n%s", tt.command, failed)
		}
	}
}
