package sqlite

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/coachlog/coachlog/internal/coaching"
)

func TestRebindNumbersPlaceholdersOutsideQuotesAndComments(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT a FROM t WHERE b = ? AND c IN (?, ?)`, `SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)`},
		{`SELECT '?', "q?" FROM t WHERE x = ?`, `SELECT '?', "q?" FROM t WHERE x = $1`},
		{"SELECT x -- why?\nFROM t WHERE y = ?", "SELECT x -- why?\nFROM t WHERE y = $1"},
		{`SELECT 'it''s ?' WHERE z = ?`, `SELECT 'it''s ?' WHERE z = $1`},
		{`SELECT 'unterminated ?`, `SELECT 'unterminated ?`},
		{`SELECT /* why? */ a FROM t WHERE b = ?`, `SELECT /* why? */ a FROM t WHERE b = $1`},
		{`SELECT a /* open ?`, `SELECT a /* open ?`},
	} {
		if got := rebind(tc.in); got != tc.want {
			t.Errorf("rebind(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestBackupRefusalShowsPgDumpWithoutThePassword(t *testing.T) {
	err := BackupRefusal("postgres://coach:s3cret@db.example:5432/coachlog?sslmode=require&search_path=team", "/tmp/c.dump")
	if err == nil {
		t.Fatal("no refusal")
	}
	msg := err.Error()
	for _, want := range []string{"umask 077 && pg_dump --format=custom --file=/tmp/c.dump --schema=team ", "postgres://coach@db.example:5432/coachlog?sslmode=require"} {
		if !strings.Contains(msg, want) {
			t.Errorf("refusal %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "s3cret") || strings.Contains(msg, "search_path=") {
		t.Errorf("refusal %q echoes the password or a coachlog-only parameter", msg)
	}
}

// A password may sit after the user name or in the query (pgx and libpq
// take password= and sslpassword= there too): neither is ever shown, and
// a URL whose parts cannot be told apart for certain is not shown at all.
func TestRedactDropsEveryPasswordAURLCanHold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"coachlog.db", "coachlog.db"},
		{"postgres://u:pw1@db.example/x?sslmode=require", "postgres://u@db.example/x?sslmode=require"},
		{"postgres://u@db.example/x?password=pw2", "postgres://u@db.example/x"},
		{"postgres://u:pw1@db.example/x?password=pw2&search_path=team", "postgres://u@db.example/x?search_path=team"},
		{"postgres://u@db.example/x?sslmode=verify-full&sslpassword=pw3&sslkey=/k.pem", "postgres://u@db.example/x?sslmode=verify-full&sslkey=/k.pem"},
		{"postgresql://u@db.example/x?PassWord=pw4", "postgresql://u@db.example/x"},
		{"postgres://u@db.example/x?pass%77ord=pw5", "postgres://u@db.example/x"},
		{"postgres://u@db.example/x#pw6", "postgres://u@db.example/x"},
		{"postgres://u:pw7/8@db.example/x", "postgres://(URL not shown: it cannot be read for certain, and may hold a password)"},
		{"postgres://u:12#pw9@db.example/x", "postgres://(URL not shown: it cannot be read for certain, and may hold a password)"},
		// Go's url.Parse ends the user info at the last '@', pgx at the first.
		{"postgres://u:Tr0ub@pw12@db.example/x", "postgres://(URL not shown: it cannot be read for certain, and may hold a password)"},
		{"postgres://u:a@pw13@db.example?sslmode=disable", "postgres://(URL not shown: it cannot be read for certain, and may hold a password)"},
		{"host=db user=u password=pw10", "(a connection string, not shown: it holds a password)"},
		{"POSTGRES://u:pw11@db.example/x", "postgres://u@db.example/x"},
	} {
		got := Redact(tc.in)
		if got != tc.want {
			t.Errorf("Redact(%q) = %q; want %q", tc.in, got, tc.want)
		}
		if strings.Contains(got, "pw") {
			t.Errorf("Redact(%q) = %q shows a password", tc.in, got)
		}
	}
}

// pgx ends the user info at the first '@' and would look the rest of the
// password up as part of the host name, printing it in "lookup …: no such
// host": such a URL is refused before connecting, saying to write %40.
func TestAURLWithTwoAtsIsRefusedWithoutShowingThePassword(t *testing.T) {
	for _, spec := range []string{
		"postgres://coachlog:Tr0ub@dor3xyz@127.0.0.1:5432/db?sslmode=disable&connect_timeout=2",
		"postgres://coachlog:Tr0ub@dor3xyz@127.0.0.1:5432?sslmode=disable&connect_timeout=2",
		"postgres://coachlog:a?b@dor3xyz@127.0.0.1:5432/db?sslmode=disable&connect_timeout=2",
	} {
		_, err := Open(context.Background(), spec, Options{ReadOnly: true})
		if err == nil || strings.Contains(err.Error(), "dor3xyz") || !errors.Is(err, ErrExtraAt) || !strings.Contains(err.Error(), "%40") {
			t.Errorf("Open: %v; want the URL refused, saying to write %%40, without its password", err)
		}
	}
	// One '@' in the query is not in the user info: pgx reads it as libpq does.
	if ExtraAt("postgres://u:p@db.example?application_name=a@b") {
		t.Error("an '@' in the query is taken for one in the password")
	}
}

// pg_dump takes one schema per --schema: of a list-valued search_path,
// the first is where Coachlog's tables are.
func TestBackupRefusalNamesTheFirstSchemaOfAList(t *testing.T) {
	msg := BackupRefusal("postgres://coach@db.example/coachlog?search_path=team,public", "/tmp/c.dump").Error()
	if !strings.Contains(msg, " --schema=team ") {
		t.Errorf("refusal %q does not dump schema team alone", msg)
	}
}

// An invalid URL said only "not a valid PostgreSQL URL": it now names what
// is wrong, still without quoting the URL's password.
func TestAnInvalidURLNamesTheBadPart(t *testing.T) {
	for spec, want := range map[string]string{
		"postgres://u:pw1@127.0.0.1:99999/db":                      "invalid port",
		"postgres://u:pw2@127.0.0.1/db?sslmode=bogus":              "sslmode is invalid",
		"postgres://u:pw3@127.0.0.1/db?connect_timeout=abc":        "invalid connect_timeout",
		"postgres://u@127.0.0.1/db?password=pw4&connect_timeout=x": "invalid connect_timeout",
		"postgres://u:p%zzw5@127.0.0.1/db":                         "percent-escaped",
	} {
		_, err := Open(context.Background(), spec, Options{ReadOnly: true})
		if err == nil || !strings.Contains(err.Error(), "not a valid PostgreSQL URL: ") || !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%q): %v; want it to say %q", spec, err, want)
		}
		if err != nil && (strings.Contains(err.Error(), "pw") || strings.Contains(err.Error(), "cannot parse")) {
			t.Errorf("Open(%q): %v shows a password or quotes the URL", spec, err)
		}
	}
	// A problem quoting a password's text is not shown.
	_, err := Open(context.Background(), "postgres://u:x@127.0.0.1/db?target_session_attrs=x", Options{ReadOnly: true})
	if err == nil || strings.Contains(err.Error(), "target_session_attrs value") {
		t.Errorf("Open: %v; want no problem that holds the password's text", err)
	}
}

func TestBackupRefusalShowsNoPasswordFromTheQuery(t *testing.T) {
	err := BackupRefusal("postgres://coach@db.example/coachlog?password=s3cret&sslpassword=k3y&sslmode=require", "/tmp/c.dump")
	if msg := err.Error(); strings.Contains(msg, "s3cret") || strings.Contains(msg, "k3y") || !strings.Contains(msg, "postgres://coach@db.example/coachlog?sslmode=require") {
		t.Errorf("refusal %q echoes a password, or lacks the URL without it", msg)
	}
}

func TestPostgresAndSQLiteMigrationsAreNumberedAlike(t *testing.T) {
	lite, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	pg, err := loadMigrationsFrom(migrationsPostgres())
	if err != nil {
		t.Fatal(err)
	}
	var a, b []int
	for _, m := range lite {
		a = append(a, m.version)
	}
	for _, m := range pg {
		b = append(b, m.version)
	}
	if len(a) != len(b) {
		t.Fatalf("SQLite migrations %v, PostgreSQL %v: each number must exist in both", a, b)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("SQLite migrations %v, PostgreSQL %v: each number must exist in both", a, b)
		}
	}
}

func TestIsPostgresTellsURLsFromPaths(t *testing.T) {
	for spec, want := range map[string]bool{
		"coachlog.db": false, "/data/coachlog.db": false, "postgres.db": false, "./postgres://x": false,
		"postgres://u@h/db": true, "postgresql://u@h/db": true,
		// pgx reads a URL only under these exact prefixes (pgconn.ParseConfig):
		// any other case it would read as keyword=value, and fail.
		"POSTGRES://u@h/db": false, "Postgresql://u@h/db": false,
	} {
		if got := IsPostgres(spec); got != want {
			t.Errorf("IsPostgres(%q) = %v; want %v", spec, got, want)
		}
	}
}

// What IsPostgres takes must be what pgx opens as a URL: pgx's own parse
// is the reference, so a newer pgx that reads more (or less) shows here.
func TestIsPostgresAgreesWithPgx(t *testing.T) {
	for _, spec := range []string{"postgres://u@h/db", "postgresql://u@h/db", "POSTGRES://u@h/db", "PostgreSQL://u@h/db"} {
		_, err := pgconn.ParseConfig(spec)
		if IsPostgres(spec) != (err == nil) {
			t.Errorf("IsPostgres(%q) = %v, but pgx parses it with err %v", spec, IsPostgres(spec), err)
		}
		if IsMiscasedPostgres(spec) == (err == nil) {
			t.Errorf("IsMiscasedPostgres(%q) = %v, but pgx parses it with err %v", spec, IsMiscasedPostgres(spec), err)
		}
	}
	for _, spec := range []string{"coachlog.db", "/data/postgres://x", "host=db dbname=x"} {
		if IsMiscasedPostgres(spec) {
			t.Errorf("IsMiscasedPostgres(%q) = true", spec)
		}
	}
}

// A miscased URL is refused by Open, not taken as a SQLite file to create
// (named after the URL, password and all), and the refusal shows no
// password and names the schemes to write.
func TestOpenRefusesAMiscasedPostgresURL(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	_, err := Open(context.Background(), "POSTGRES://coach:pw1@db.example/coachlog", Options{})
	if !errors.Is(err, ErrMiscasedScheme) {
		t.Fatalf("Open = %v, want ErrMiscasedScheme", err)
	}
	if strings.Contains(err.Error(), "pw1") || !strings.Contains(err.Error(), "postgres://") || !strings.Contains(err.Error(), "postgresql://") {
		t.Errorf("err = %v: want the schemes named and no password", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Open left files behind: %v", entries)
	}
}

// A server that refuses the connection, or a role it does not know, stops
// the start with one line: pgx put each try (sslmode=prefer tries with TLS
// and then without) on a line of its own, the same line twice, below the
// line naming COACHLOG_DB.
func TestAConnectionRefusedIsOneLineSayingItOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: every try is refused
	for _, spec := range []string{
		"postgres://coach:pw1@" + addr + "/coachlog",                 // sslmode=prefer: two tries
		"postgres://coach:pw1@" + addr + "/coachlog?sslmode=disable", // one try
	} {
		_, err := Open(context.Background(), spec, Options{})
		if err == nil {
			t.Fatalf("Open(%s) = nil, want an error", spec)
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") || strings.Count(msg, "connection refused") != 1 || strings.Contains(msg, "pw1") {
			t.Errorf("Open(%s) = %q: want one line, saying connection refused once, without the password", spec, msg)
		}
		if _, ok := errors.AsType[*pgconn.ConnectError](err); !ok {
			t.Errorf("Open(%s) = %v: pgx's ConnectError is no longer reachable with errors.As", spec, err)
		}
	}
}

func TestIsKeywordStringTellsConnectionStringsFromPaths(t *testing.T) {
	for spec, want := range map[string]bool{
		"coachlog.db": false, "/data/coachlog.db": false, "/data/port=1.db": false, "./host=x.db": false,
		"postgres://u@h/db?host=/run/postgresql": false, "my notes.db": false,
		"host=db dbname=coachlog": true, "dbname=coachlog": true, "HOST=db": true,
		"user=coachlog password=secret host=localhost": true, "  sslmode=require host=db": true,
	} {
		if got := IsKeywordString(spec); got != want {
			t.Errorf("IsKeywordString(%q) = %v; want %v", spec, got, want)
		}
	}
}

func TestInflightReportsTheOldestRunningWrite(t *testing.T) {
	var f inflight
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	if d := f.oldest(t0); d != 0 {
		t.Fatalf("idle: %v", d)
	}
	doneA := f.add(t0)
	doneB := f.add(t0.Add(4 * time.Second))
	if d := f.oldest(t0.Add(11 * time.Second)); d != 11*time.Second {
		t.Fatalf("two running: %v, want 11s", d)
	}
	doneA()
	if d := f.oldest(t0.Add(11 * time.Second)); d != 7*time.Second {
		t.Fatalf("after the oldest ended: %v, want 7s", d)
	}
	doneB()
	if d := f.oldest(t0.Add(11 * time.Second)); d != 0 {
		t.Fatalf("all ended: %v", d)
	}
}

// PostgreSQL gives up waiting with one of several codes: its statement
// timeout (57014, COACHLOG_PG_STATEMENT_TIMEOUT, which the store sets on
// every connection), a lock timeout (55P03, the server's lock_timeout),
// or a serialization failure or deadlock retried to the end. Each is
// busy, people are asked to try again; the two timeouts are also what a
// command run by hand explains (StatementTimedOut). The end-to-end tests
// make the server give up at a lock timeout, as a statement timeout short
// enough for a test also cut a loaded machine's slow statements short:
// this holds 57014 to the same answers without a server.
func TestPostgresGivingUpIsBusy(t *testing.T) {
	for _, tt := range []struct {
		code           string
		busy, timedOut bool
	}{
		{"57014", true, true},
		{"55P03", true, true},
		{"40001", true, false},
		{"40P01", true, false},
		{"23505", false, false}, // a unique violation is the write's own error
	} {
		err := busy(fmt.Errorf("load sessions: %w", &pgconn.PgError{Code: tt.code, Message: "it stopped"}))
		if got := coaching.ErrorCode(err) == coaching.EBusy; got != tt.busy {
			t.Errorf("%s: busy %v (%v), want %v", tt.code, got, err, tt.busy)
		}
		detail, ok := StatementTimedOut(err)
		if ok != tt.timedOut || ok && (strings.Contains(detail, coaching.BusyMessage) || !strings.Contains(detail, "SQLSTATE "+tt.code)) {
			t.Errorf("%s: StatementTimedOut = %q, %v; want %v, the database's error without the busy message", tt.code, detail, ok, tt.timedOut)
		}
	}
}

// The command shown must run: pgx takes any parameter it does not know as
// a server setting (lock_timeout=5s) and has its own (pool_max_conns),
// where pg_dump's libpq refuses the URL whole ("invalid URI query
// parameter"). Only what libpq reads is kept.
func TestBackupRefusalKeepsOnlyWhatPgDumpReads(t *testing.T) {
	for _, tc := range []struct {
		name, spec, want string
		gone             []string
	}{
		{"server settings", "postgres://coach@db.example/coachlog?sslmode=require&lock_timeout=5s&statement_timeout=30s&idle_in_transaction_session_timeout=1min",
			"'postgres://coach@db.example/coachlog?sslmode=require'", []string{"lock_timeout", "statement_timeout", "idle_in"}},
		{"pgx's own", "postgres://coach@db.example/coachlog?pool_max_conns=4&default_query_exec_mode=simple_protocol&connect_timeout=5",
			"'postgres://coach@db.example/coachlog?connect_timeout=5'", []string{"pool_max_conns", "default_query_exec_mode"}},
		{"libpq's kept", "postgresql://coach@/coachlog?host=/var/run/postgresql&target_session_attrs=read-write&application_name=coachlog",
			"'postgresql://coach@/coachlog?host=%2Fvar%2Frun%2Fpostgresql&target_session_attrs=read-write'", []string{"application_name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := BackupRefusal(tc.spec, "/tmp/c.dump").Error()
			if !strings.Contains(msg, " "+tc.want+"\n") {
				t.Errorf("refusal %q lacks the URL %s", msg, tc.want)
			}
			for _, g := range tc.gone {
				if strings.Contains(msg, g) {
					t.Errorf("refusal %q keeps %s, which pg_dump refuses", msg, g)
				}
			}
		})
	}
}
