package main

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A table locked while /coach opens the form (a migration, another
// replica's long transaction) no longer lets the trigger expire: the
// reads before views.open have a budget, and past it the form opens
// without the open commitments to tick. Only PostgreSQL locks a table
// against readers.
func TestTheFormOpensWhileATableIsLocked(t *testing.T) {
	db := sqlitetest.PostgresDB(t)
	b := startBot(t, "COACHLOG_DB", db)
	conn, err := sql.Open("pgx", db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `LOCK TABLE commitments IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	in, err := b.fake.SlashCommand(ctx, mgr, "/coach", "<@"+rep+"|sam>")
	if err != nil {
		t.Fatal(err)
	}
	// Slack takes a trigger for 3 s: the form must be open before then.
	wctx, wcancel := context.WithTimeout(ctx, 2500*time.Millisecond)
	defer wcancel()
	call, err := b.fake.WaitForCall(wctx, "views.open", func(c fakeslack.Call) bool { return c.Param("trigger_id") == in.TriggerID })
	if err != nil {
		t.Fatalf("no form 2.5 s after /coach while commitments were locked: %v", err)
	}
	if call.Error != "" {
		t.Fatalf("views.open answered %s", call.Error)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
}
