package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// lockTables locks tables (a comma-separated list) on the PostgreSQL
// database db against readers and writers, as a migration does, until
// the returned release is called.
func lockTables(t *testing.T, ctx context.Context, db, tables string) (release func()) {
	t.Helper()
	conn, err := sql.Open("pgx", db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tx.Rollback() })
	if _, err := tx.ExecContext(ctx, `LOCK TABLE `+tables+` IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	return func() {
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
	}
}

// withLockTimeout is db with PostgreSQL's lock_timeout at d for every
// connection made with it (a parameter of the URL, which pgx sends the
// server as a setting): a statement that waits d for a lock gives up, as
// it would at a statement timeout of d, while one that is only slow runs
// on. These tests make a statement behind a locked table give up first;
// a statement timeout that short also gave up on whatever else ran slowly
// on a loaded machine (the schema's version at the bot's start, an
// export), and the test failed there. d is 0: db unchanged.
func withLockTimeout(t *testing.T, db string, d time.Duration) string {
	t.Helper()
	if d == 0 {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("lock_timeout", strconv.FormatInt(d.Milliseconds(), 10))
	u.RawQuery = q.Encode()
	return u.String()
}

// awaitFormInTime waits for the views.open of trigger, 2.5 s at most of
// a trigger's 3 s, and fails the test unless Slack took it: past the 3 s
// the fake Slack answers expired_trigger_id, as Slack does.
func awaitFormInTime(t *testing.T, ctx context.Context, fake *fakeslack.Server, trigger, what string) {
	t.Helper()
	wctx, wcancel := context.WithTimeout(ctx, 2500*time.Millisecond)
	defer wcancel()
	call, err := fake.WaitForCall(wctx, "views.open", func(c fakeslack.Call) bool { return c.Param("trigger_id") == trigger })
	if err != nil {
		t.Fatalf("no form 2.5 s after %s: %v", what, err)
	}
	if call.Error != "" {
		t.Fatalf("views.open after %s answered %s", what, call.Error)
	}
}

// A table locked while /coach opens the form (a migration, another
// replica's long transaction) no longer lets the trigger expire: the
// reads before views.open have a budget, and past it the form opens
// without the open commitments to tick. Only PostgreSQL locks a table
// against readers.
func TestTheFormOpensWhileATableIsLocked(t *testing.T) {
	t.Parallel()
	db := sqlitetest.PostgresMigrated(t)
	b := startBot(t, "COACHLOG_DB", db)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	release := lockTables(t, ctx, db, "commitments")
	in, err := b.fake.SlashCommand(ctx, mgr, "/coach", "<@"+rep+"|sam>")
	if err != nil {
		t.Fatal(err)
	}
	awaitFormInTime(t, ctx, b.fake, in.TriggerID, "/coach while commitments were locked")
	release()
}

// A message shortcut reads the database before its form opens: the
// names its message mentions, then the form's own reads (the manager's
// today, the rep's open commitments); so does an unclear /coach, whose
// today and names were read with the ack's budget and none. With the
// people locked each waited out a budget of its own, and with the
// envelope's time in transit from Slack the trigger had expired. They
// share one deadline now, counted from the envelope's arrival.
func TestTheFormOpensInTimeWhilePeopleAreLocked(t *testing.T) {
	t.Parallel()
	db := sqlitetest.PostgresMigrated(t)
	clk := &testClock{}
	clk.Advance(time.Until(midweek))
	b := startBotAt(t, clk.Now, "COACHLOG_DB", db)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	release := lockTables(t, ctx, db, "people")
	for _, tt := range []struct {
		what string
		send func() (fakeslack.Interaction, error)
	}{
		{"a message shortcut", func() (fakeslack.Interaction, error) {
			return b.fake.MessageShortcut(ctx, mgr, "log_coaching", "C0SALES", "<@"+rep2+"> joined: pricing went well", "1700000000.000100", rep)
		}},
		{"an unclear /coach", func() (fakeslack.Interaction, error) {
			return b.fake.SlashCommand(ctx, mgr, "/coach", "<@"+rep+"|sam> went well with <@"+rep2+">")
		}},
	} {
		in, err := tt.send()
		if err != nil {
			t.Fatal(err)
		}
		// The trigger is a little older than the envelope: Slack issued
		// it before the envelope's way to the bot, which takes 1.2 s here.
		clk.Advance(1200 * time.Millisecond)
		awaitFormInTime(t, ctx, b.fake, in.TriggerID, tt.what+" while people were locked")
	}
	release()
}

// A command run by hand that PostgreSQL cancels for its statement timeout
// said "Coachlog is busy right now; please try again in a moment.: load
// sessions: …", the message for people in Slack with its full stop before
// a colon: it now names the setting that cancelled it and the lock that
// most often causes it. The server gives up at a lock timeout here
// (withLockTimeout): a statement timeout short enough for a test also cut
// a loaded machine's slow start short. Until this test, the message for a
// lock timeout named COACHLOG_PG_STATEMENT_TIMEOUT, a setting that had not
// cancelled anything; the statement timeout's own message is held by
// TestATimedOutCommandNamesTheSettingThatCancelledIt.
func TestACommandPastALockTimeoutNamesTheSetting(t *testing.T) {
	t.Parallel()
	db := sqlitetest.PostgresMigrated(t)
	ctx := ctxT(t)
	st, err := sqlite.Open(ctx, db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	release := lockTables(t, ctx, db, "people, sessions")
	defer release()
	_, err = cliAt(t, tuesday, map[string]string{"COACHLOG_DB": withLockTimeout(t, db, 200*time.Millisecond), "COACHLOG_PG_STATEMENT_TIMEOUT": "30s"}, "export")
	if err == nil {
		t.Fatal("export ran with its tables locked")
	}
	msg := err.Error()
	for _, want := range []string{"55P03", "lock_timeout", "pg_locks"} {
		if !strings.Contains(msg, want) {
			t.Errorf("export: %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, ".:") || strings.Contains(msg, "COACHLOG_PG_STATEMENT_TIMEOUT") {
		t.Errorf("export: %q joins two messages with \".:\" or names the statement timeout", msg)
	}
}

// What a command run by hand says when PostgreSQL cancelled a statement:
// the setting that cancelled it, the lock that most often causes it, and
// nothing of a busy message; any other error is left as it is.
func TestATimedOutCommandNamesTheSettingThatCancelledIt(t *testing.T) {
	for _, tt := range []struct {
		code      string
		want, not []string
	}{
		{"57014", []string{"SQLSTATE 57014", "COACHLOG_PG_STATEMENT_TIMEOUT", "pg_locks"}, []string{"lock_timeout"}},
		{"55P03", []string{"SQLSTATE 55P03", "lock_timeout", "pg_locks"}, []string{"COACHLOG_PG_STATEMENT_TIMEOUT"}},
		{"23505", []string{"SQLSTATE 23505"}, []string{"COACHLOG_PG_STATEMENT_TIMEOUT", "lock_timeout"}},
	} {
		msg := timedOut(fmt.Errorf("load sessions: %w", &pgconn.PgError{Code: tt.code, Message: "it stopped"})).Error()
		for _, want := range tt.want {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: %q lacks %q", tt.code, msg, want)
			}
		}
		for _, not := range tt.not {
			if strings.Contains(msg, not) {
				t.Errorf("%s: %q names %q", tt.code, msg, not)
			}
		}
	}
}
