package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/sqlite"
)

// A replica running while another, newer one migrates the database under
// it: the operator review saw an old sender fail for good every message of
// a kind new to it. The replica reads the schema version on its lease's
// period; a read that fails (the table gone for a while) changes nothing;
// once the version is newer than this build's it steps down: it sends
// nothing more (a message of the newer build's kind, due meanwhile, stays
// pending for the newer sender), gives the sender role back, says so in
// one Error line naming both versions, and serve returns an error whose
// exit status is 1, which main does not print a second time.
func TestAReplicaStepsDownWhenAnotherMigratesPastIt(t *testing.T) {
	t.Parallel()
	for name, db := range replicaStores() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testStepDown(t, db(t))
		})
	}
}

func testStepDown(t *testing.T, db string) {
	clock := &testClock{}
	b := startBotAt(t, clock.Now, "COACHLOG_DB", db, "COACHLOG_SENDER_LEASE", "1s")
	eventually(t, "the replica holding the sender role", func() bool {
		return strings.Contains(b.logs.String(), `msg="role changed" role=sender held=true`)
	})
	raw := openRaw(t, db)
	exec := func(q string) {
		t.Helper()
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	// The version cannot be read: the replica goes on.
	exec(`ALTER TABLE schema_migrations RENAME TO schema_migrations_away`)
	eventually(t, "two failed reads of the schema version", func() bool {
		return strings.Count(b.logs.String(), "could not read the database's schema version") >= 2
	})
	select {
	case err := <-b.done:
		t.Fatalf("serve stopped on a failed read of the schema version: %v\n%s", err, b.logs)
	default:
	}
	exec(`ALTER TABLE schema_migrations_away RENAME TO schema_migrations`)

	// A newer build migrates, and queues a message of a kind this build
	// does not know, due in a minute.
	know := sqlite.SchemaVersion()
	if sqlite.IsPostgres(db) {
		know = sqlite.PostgresSchemaVersion()
	}
	now := clock.Now().UnixMilli()
	tx, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		fmt.Sprintf(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (%d, '%04d_from_a_newer_build.sql', %d)`, know+1, know+1, now),
		fmt.Sprintf(`INSERT INTO outbox (kind, op, msg_key, recipient, args, payload, next_at, created_at)
			VALUES ('from_a_newer_build', 'post', 'newer:1', '%s', '{}', '', %d, %d)`, mgr, now+time.Minute.Milliseconds(), now),
	} {
		if _, err := tx.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("database schema %d is newer than this coachlog's (%d): another replica upgraded it; stopping", know+1, know)
	eventually(t, "the step-down's line", func() bool { return strings.Contains(b.logs.String(), want) })
	clock.Advance(2 * time.Minute) // the newer build's message is due: nothing here may take it

	var served error
	select {
	case served = <-b.done:
		b.cancel()
		b.cancel = nil // stopped already: the cleanup's stop has nothing to do
	case <-time.After(20 * time.Second):
		t.Fatalf("serve did not stop after the database was migrated past it\n%s", b.logs)
	}
	logs := b.logs.String()
	if _, ok := errors.AsType[newerSchemaError](served); !ok || exitCode(served) != 1 || !alreadyLogged(served) {
		t.Errorf("serve returned %v (exit %d); want the step-down, exit 1, not printed again by main", served, exitCode(served))
	}
	var errorLines []string
	for line := range strings.Lines(logs) {
		if strings.Contains(line, "level=ERROR") {
			errorLines = append(errorLines, line)
		}
	}
	if len(errorLines) != 1 || !strings.Contains(errorLines[0], want) {
		t.Errorf("Error lines %q; want one saying %q\n%s", errorLines, want, logs)
	}
	for _, line := range []string{`msg="role changed" role=sender held=false`, `msg="coachlog stopped"`} {
		if !strings.Contains(logs, line) {
			t.Errorf("no %s in the logs: the replica did not stop as at SIGTERM\n%s", line, logs)
		}
	}
	var status, lastError string
	var attempts int
	if err := raw.QueryRow(`SELECT status, attempts, last_error FROM outbox WHERE msg_key = 'newer:1'`).Scan(&status, &attempts, &lastError); err != nil {
		t.Fatal(err)
	}
	if status != "pending" || attempts != 0 || lastError != "" {
		t.Errorf("the newer build's message: %s, %d attempts, error %q; want pending, untouched", status, attempts, lastError)
	}
	var expires int64
	if err := raw.QueryRow(`SELECT expires_at FROM roles WHERE name = 'sender'`).Scan(&expires); err != nil {
		t.Fatal(err)
	}
	if expires != 0 {
		t.Errorf("the sender role runs out at %d; want it given back (0) so the newer replica takes it at once", expires)
	}
	if n := len(b.fake.CallsTo("chat.postMessage")); n != 0 {
		t.Errorf("%d chat.postMessage calls; want none", n)
	}
}

// openRaw opens db (an SQLite file or a PostgreSQL URL) as a plain
// database/sql handle: what another build's migration writes with.
func openRaw(t *testing.T, db string) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite", "file:"+db+"?_pragma=busy_timeout(5000)"
	if sqlite.IsPostgres(db) {
		driver, dsn = "pgx", db
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// The watch steps down only on a version it could read, newer than its
// own; it says so once however often it is asked again.
func TestSchemaWatchStepsDownOnlyOnANewerVersionRead(t *testing.T) {
	t.Parallel()
	const know = 25
	for _, tt := range []struct {
		name   string
		have   int
		err    error
		stepUp bool
	}{
		{"the same", know, nil, false},
		{"older (a newer build rolled back by hand)", know - 1, nil, false},
		{"the read failed", 0, errors.New("connection refused"), false},
		{"the read timed out", 0, context.DeadlineExceeded, false},
		{"newer", know + 1, nil, true},
		{"much newer", know + 7, nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var logs syncBuffer
			var reads atomic.Int32
			w := newSchemaWatch(func(ctx context.Context) (int, error) {
				reads.Add(1)
				if d, ok := ctx.Deadline(); !ok || time.Until(d) > time.Second {
					t.Errorf("the read's deadline %v (set: %v); want one within 1 s, a tenth of the 10 s lease", d, ok)
				}
				return tt.have, tt.err
			}, know, 10*time.Second, slog.New(slog.NewTextHandler(&logs, nil)))
			for range 3 {
				err := w.check(context.Background())
				if (err != nil) != tt.stepUp {
					t.Fatalf("check: %v; want a step-down: %v", err, tt.stepUp)
				}
			}
			if _, stepped := w.steppedDown(); stepped != tt.stepUp || reads.Load() != 3 {
				t.Errorf("stepped down %v after %d reads; want %v after 3", stepped, reads.Load(), tt.stepUp)
			}
			wantLines := 0
			if tt.stepUp {
				wantLines = 1
			}
			if n := strings.Count(logs.String(), "level=ERROR"); n != wantLines {
				t.Errorf("%d Error lines, want %d:\n%s", n, wantLines, logs.String())
			}
		})
	}
}

// main says a command's error on stderr, except the step-down's, logged
// already at Error when it was found: a second line would repeat it. The
// exit status is 1 all the same, so an orchestrator restarts the replica.
func TestMainDoesNotRepeatTheStepDown(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		err     error
		printed string
		code    int
	}{
		{newerSchemaError{have: 26, know: 25}, "", 1},
		{fmt.Errorf("serve: %w", newerSchemaError{have: 26, know: 25}), "", 1},
		{errors.New("SLACK_APP_TOKEN: invalid_auth"), "coachlog: SLACK_APP_TOKEN: invalid_auth\n", 1},
		{usageError("unknown command"), "coachlog: unknown command\n", 2},
	} {
		var stderr strings.Builder
		if code := finish(tt.err, &stderr); code != tt.code || stderr.String() != tt.printed {
			t.Errorf("finish(%v): exit %d, printed %q; want exit %d, printed %q", tt.err, code, stderr.String(), tt.code, tt.printed)
		}
	}
}
