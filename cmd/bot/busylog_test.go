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
