package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// capture has the manager type /coach text and returns the answer: the
// ack's, or when the ack carries none, the one posted to its response_url.
func (b *bot) capture(text string) string {
	b.t.Helper()
	ctx := ctxT(b.t)
	in, err := b.fake.SlashCommand(ctx, mgr, "/coach", text)
	if err != nil {
		b.t.Fatal(err)
	}
	ack, err := b.fake.AwaitAck(ctx, in.EnvelopeID)
	if err != nil {
		b.t.Fatal(err)
	}
	if len(ack.Payload) > 0 {
		return string(ack.Payload)
	}
	r, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
	if err != nil {
		b.t.Fatal(err)
	}
	return r.Text + blocksText(r.Blocks)
}

// Another process holding SQLite's write lock makes every write give up
// at its own 2 s deadline: each capture is answered busy, and no single
// write ever waits 10 s. /healthz stayed green through it all, as it
// judged only by how long the running write had waited. It turns red once
// writes have failed for over 10 s on the bot's clock, says why, and
// /metrics counts the failed writes; a write that commits ends it.
func TestHealthTurnsRedWhileAnotherProcessHoldsTheWriteLock(t *testing.T) {
	t.Parallel()
	clk := &testClock{}
	clk.Advance(time.Until(midweek))
	b := startBotAt(t, clk.Now, "COACHLOG_HTTP_ADDR", freePort(t))
	addr := b.httpAddr()
	if code, problems := healthProblems(t, addr); code != http.StatusOK {
		t.Fatalf("healthz before = %d %q", code, problems)
	}
	// It waits its turn to take the lock: the bot may be writing at that
	// moment (its start's first pass, the sender's lease).
	other, err := sql.Open("sqlite", "file:"+b.db+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	if got := b.capture("<@" + rep + "|sam> 1:1 30m"); !strings.Contains(got, busyText) {
		t.Fatalf("a capture behind another process's lock answered %q, want %q", got, busyText)
	}
	clk.Advance(11 * time.Second)
	code, problems := healthProblems(t, addr)
	want := regexp.MustCompile(`^database: writes failing for 1\ds: timed out waiting for the write lock \(another process holding it\?\)$`)
	if code != http.StatusServiceUnavailable || len(problems) != 1 || !want.MatchString(problems[0]) {
		t.Fatalf("healthz after 11 s of failed writes = %d %q, want 503 matching %s", code, problems, want)
	}
	if _, metrics := get(t, "http://"+addr+"/metrics"); !regexp.MustCompile(`(?m)^coachlog_db_write_failures_total\{reason="busy"\} [1-9]`).MatchString(metrics) ||
		!strings.Contains(metrics, `coachlog_db_write_failures_total{reason="disk_full"} 0`) {
		t.Errorf("/metrics does not count the failed writes:\n%s", grepLines(metrics, "coachlog_db_write_failures_total"))
	}

	if _, err := conn.ExecContext(context.Background(), `COMMIT`); err != nil {
		t.Fatal(err)
	}
	if got := b.capture("<@" + rep + "|sam> 1:1 30m"); !strings.Contains(got, "Logged") {
		t.Fatalf("a capture once the lock is gone answered %q", got)
	}
	if code, problems := healthProblems(t, addr); code != http.StatusOK {
		t.Fatalf("healthz once a write committed = %d %q", code, problems)
	}
}

// The database file deleted under the running bot (rm, or mv away): its
// writes went on to the deleted file, every capture answered "Logged",
// /healthz stayed green, and the next start made a new empty database
// without a word. Now /healthz turns red saying so, the error is logged
// once, captures are refused (acked means committed: these would be
// lost), and a start that creates the database says so.
func TestADeletedDatabaseTurnsHealthRedAndIsNotWrittenTo(t *testing.T) {
	t.Parallel()
	b := startBotNew(t, "COACHLOG_HTTP_ADDR", freePort(t))
	addr := b.httpAddr()
	const created = "no database file at COACHLOG_DB: created a new, empty one"
	if n := strings.Count(b.logs.String(), created); n != 1 {
		t.Fatalf("the first start logged %q %d times, want once:\n%s", created, n, b.logs)
	}
	if got := b.capture("<@" + rep + "|sam> 1:1 30m"); !strings.Contains(got, "Logged") {
		t.Fatalf("capture before = %q", got)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(b.db + suffix); err != nil {
			t.Fatal(err)
		}
	}
	want := "database: the database file " + b.db + " was deleted or replaced while Coachlog ran: " +
		"writes go to a file nobody will open again; stop Coachlog and restore the file"
	for range 2 {
		code, problems := healthProblems(t, addr)
		if code != http.StatusServiceUnavailable || len(problems) != 1 || problems[0] != want {
			t.Fatalf("healthz with the database deleted = %d %q, want 503 %q", code, problems, want)
		}
	}
	if n := strings.Count(b.logs.String(), "health: the database file was deleted or replaced"); n != 1 {
		t.Errorf("the deleted file was logged %d times over two probes, want once", n)
	}
	if got := b.capture("<@" + rep + "|sam> 1:1 45m"); !strings.Contains(got, "Not logged") || !strings.Contains(got, "1:1 45m") {
		t.Errorf("a capture into the deleted database answered %q, want it not logged, with what was typed", got)
	}

	b.stop()
	b.start()
	if n := strings.Count(b.logs.String(), created); n != 2 {
		t.Errorf("the start after the deletion logged %q %d times in all, want twice", created, n)
	}
	if code, problems := healthProblems(t, b.httpAddr()); code != http.StatusOK {
		t.Errorf("healthz on the new database = %d %q", code, problems)
	}
	b.stop()
	b.start()
	if n := strings.Count(b.logs.String(), created); n != 2 {
		t.Errorf("a start on the existing database said it created one (%d lines)", n)
	}
}

// A database file with garbage in a page opened, and the bot served wrong
// figures without a word: serve checks the file's structure beside its
// start, and /healthz says it is damaged (the log says what was found).
func TestADamagedDatabaseFileTurnsHealthRed(t *testing.T) {
	t.Parallel()
	b := startBot(t, "COACHLOG_HTTP_ADDR", freePort(t))
	for i := range 40 {
		if got := b.capture(fmt.Sprintf("<@%s|sam> 1:1 %dm", rep, 10+i)); !strings.Contains(got, "Logged") {
			t.Fatalf("capture %d = %q", i, got)
		}
	}
	if code, problems := healthProblems(t, b.httpAddr()); code != http.StatusOK {
		t.Fatalf("healthz on a sound file = %d %q", code, problems)
	}
	b.stop()
	sqlitetest.Spoil(t, b.db, "sessions")
	b.start()
	want := "database: the file is damaged: restore it from a backup (the log says what the check found)"
	eventually(t, "/healthz to say the file is damaged", func() bool {
		_, problems := healthProblems(t, b.httpAddr())
		return slices.Contains(problems, want)
	})
	if !strings.Contains(b.logs.String(), "the database file is damaged: restore it from a backup") {
		t.Errorf("the log does not say the file is damaged:\n%s", b.logs)
	}
}
