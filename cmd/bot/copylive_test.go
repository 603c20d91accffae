package main

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// setLease writes the sender role's lease into the SQLite file at path,
// as a bot on it renews it: held by holder until expires.
func setLease(t *testing.T, path, holder string, expires time.Time) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO roles (name, holder, expires_at, taken_at) VALUES ('sender', ?, ?, 0)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at`,
		holder, expires.UnixMilli()); err != nil {
		t.Fatal(err)
	}
}

// schemaOf is the schema version the SQLite file at path holds.
func schemaOf(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow(`SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// pgCount counts a table's rows in the PostgreSQL database at url.
func pgCount(t *testing.T, url, table string) int {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A copy beside a running bot said the row counts matched and to point
// COACHLOG_DB at PostgreSQL, and the sessions the bot logged meanwhile
// were lost; it also migrated the file under the bot and copied its
// lease. Copy now refuses, in one line, while a lease in the file is live
// (by TakeRole's rule: until expires_at), saying how long ago it was
// renewed and to stop the bot, and touches nothing; once the lease has
// run out it copies, leases aside.
func TestCopyRefusesWhileABotRunsOnTheSource(t *testing.T) {
	t.Parallel()
	pg := sqlitetest.PostgresDB(t)
	src := oldSQLite(t)
	before := schemaOf(t, src)
	// Renewed 3 s ago for the default 15 s.
	setLease(t, src, "bothost/4242/0badc0de-1", tuesday.Add(12*time.Second))
	out, err := cliAt(t, tuesday, nil, "copy", "--from", src, "--to", pg)
	if err == nil {
		t.Fatalf("copy beside a running bot worked:\n%s", out)
	}
	msg := err.Error()
	for _, want := range []string{"nothing was copied", "a bot is running on " + src, "renewed 3s ago", "stop the bot", "bothost/4242"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the refusal %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") || strings.Contains(out, "Copied") || strings.Contains(out, "Migrated") {
		t.Errorf("want one line and nothing else; got %q and output:\n%s", msg, out)
	}
	if got := schemaOf(t, src); got != before {
		t.Errorf("the refused copy migrated the source from %d to %d", before, got)
	}

	// At expires_at the lease has run out (a replica may take it): the
	// bot is gone, and the copy goes ahead, into the database the refusal
	// left empty, without the lease.
	setLease(t, src, "bothost/4242/0badc0de-1", tuesday)
	out, err = cliAt(t, tuesday, nil, "copy", "--from", src, "--to", pg)
	if err != nil {
		t.Fatalf("copy after the bot stopped: %v\n%s", err, out)
	}
	if !strings.Contains(out, "Migrated "+src+" in place") || !strings.Contains(out, "Copied") {
		t.Errorf("copy said:\n%s", out)
	}
	if n := pgCount(t, pg, "roles"); n != 0 {
		t.Errorf("the copy brought %d leases; a new database starts with none", n)
	}
}

// A bot started while the copy ran: what it writes is not in the copy,
// so the copy is refused rather than reported a success, and nothing of
// it is kept, so that a second copy, the bot stopped, fills the database.
func TestCopyRefusesABotStartedDuringTheCopy(t *testing.T) {
	// Not parallel: it sets copyFilled, which any copy running beside it would call.
	pg := sqlitetest.PostgresDB(t)
	src := oldSQLite(t)
	copyFilled = func() { setLease(t, src, "bothost/4343/0badc0de-2", tuesday.Add(15*time.Second)) }
	t.Cleanup(func() { copyFilled = nil })
	out, err := cliAt(t, tuesday, nil, "copy", "--from", src, "--to", pg)
	if err == nil || !strings.HasPrefix(err.Error(), "nothing was copied") || !strings.Contains(err.Error(), "a bot started during the copy") ||
		!strings.Contains(err.Error(), "renewed 0s ago") || strings.Contains(out, "Copied") {
		t.Fatalf("copy with a bot started during it: %v\n%s", err, out)
	}
	if n := pgCount(t, pg, "sessions"); n != 0 {
		t.Errorf("the refused copy kept %d sessions", n)
	}

	copyFilled = nil
	setLease(t, src, "bothost/4343/0badc0de-2", time.UnixMilli(0)) // a clean shutdown
	if out, err := cliAt(t, tuesday, nil, "copy", "--from", src, "--to", pg); err != nil {
		t.Fatalf("copy again, the bot stopped: %v\n%s", err, out)
	}
}
