package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
	"github.com/coachlog/coachlog/migrations"
)

// noSlack is a Slack API URL where nothing listens: a serve these tests
// start fails at the database, and must not reach slack.com meanwhile.
const noSlack = "http://127.0.0.1:1/api/"

// coachlog copy moves a SQLite database into an empty PostgreSQL one: the
// commands then say the same on both, new ids follow the copied ones, and
// a second copy into the now full database is refused.
func TestCopyMovesADatabaseToPostgres(t *testing.T) {
	t.Parallel()
	pg := sqlitetest.PostgresDB(t)
	o := newMetricsOrg(t) // a roster, a week of coaching, attainment
	// And a generated year of coaching, for volume and every kind of row.
	st, err := sqlite.Open(context.Background(), o.vars["COACHLOG_DB"], sqlite.Options{Now: func() time.Time { return tuesday }})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Seed(context.Background(), sqlite.SeedOptions{Leaders: 3, TopLeaders: 1, Managers: 6, RepsPerManager: 5,
		Sessions: 2000, Days: 200, Now: tuesday, Seed: 3, TierChangeEvery: 4, PerformanceMonths: 6}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	file := o.vars["COACHLOG_DB"]

	// The server trusts the test's role, so a password in the URL is
	// ignored there; the output must not show it either.
	withPW, err := url.Parse(pg)
	if err != nil {
		t.Fatal(err)
	}
	withPW.User = url.UserPassword(withPW.User.Username(), "s3cret")
	out, err := cliAt(t, tuesday, o.vars, "copy", "--from", file, "--to", withPW.String()+"&password=s3cret")
	if err != nil {
		t.Fatalf("copy: %v\n%s", err, out)
	}
	if strings.Contains(out, "s3cret") {
		t.Errorf("copy shows the password:\n%s", out)
	}
	// The file was closed cleanly, with no -wal or -shm beside it; the
	// copy used to leave both, empty, from its check for a running bot.
	for _, f := range []string{file + "-wal", file + "-shm"} {
		if _, err := os.Stat(f); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the copy left %s beside the source (%v)", f, err)
		}
	}
	for _, want := range []string{"people", "sessions", "session_reps", "commitments", "rep_months", "the row counts match"} {
		if !strings.Contains(out, want) {
			t.Errorf("copy output lacks %q:\n%s", want, out)
		}
	}
	onPG := map[string]string{"COACHLOG_DB": pg}
	chart := filepath.Join(t.TempDir(), "digest.png") // both runs write it, to one path, which the output names
	for _, args := range [][]string{
		{"metrics"},
		{"metrics", "--from", "2026-06-01", "--to", "2026-11-22", "--format", "csv"},
		{"export", "--format", "json", "--with-notes"},
		{"digest", "--dry-run", "--channel", "C0LEADS", "--chart", chart},
	} {
		lite, err1 := cliAt(t, tuesday, o.vars, args...)
		os.Remove(chart) // --chart never writes over a file: the second run writes it anew
		post, err2 := cliAt(t, tuesday, onPG, args...)
		if err1 != nil || err2 != nil {
			t.Fatalf("%v: SQLite %v, PostgreSQL %v\n%s\n%s", args, err1, err2, lite, post)
		}
		if lite != post {
			t.Errorf("%v differs between the engines:\nSQLite:\n%.2000s\nPostgreSQL:\n%.2000s", args, lite, post)
		}
		if len(lite) < 100 {
			t.Errorf("%v printed almost nothing: %q", args, lite)
		}
	}

	// A new session after the copy gets an id past the copied ones.
	dst, err := sqlite.Open(context.Background(), pg, sqlite.Options{Now: func() time.Time { return tuesday }})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	svc := coaching.NewService(coaching.Config{Store: dst, Now: func() time.Time { return tuesday }})
	s, err := svc.LogSession(context.Background(), coaching.LogRequest{ManagerID: "U0MA", Key: "after-copy",
		Draft: coaching.Draft{RepIDs: []string{"U0R1"}, Kind: coaching.KindOneOnOne, OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 23}, DurationMin: 30}})
	if err != nil {
		t.Fatalf("log a session after the copy: %v", err)
	}
	if s.ID <= 2003 {
		t.Errorf("new session id %d collides with the copied ones (2003 sessions)", s.ID)
	}

	out, err = cliAt(t, tuesday, o.vars, "copy", "--from", file, "--to", pg)
	if !errors.Is(err, sqlite.ErrTargetNotEmpty) || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("a copy into a full database: %v\n%s", err, out)
	}
}

func TestCopyRefusesBadArguments(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vars := map[string]string{}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"copy"}, "usage: coachlog copy"},
		{[]string{"copy", "--from", "a.db", "--to", filepath.Join(dir, "b.db")}, "--to: give a postgres://"},
		{[]string{"copy", "--from", "postgres://x@y/z", "--to", "postgres://x@y/w"}, "--from: give the SQLite file"},
		{[]string{"copy", "--from", filepath.Join(dir, "none.db"), "--to", "postgres://u:secret@127.0.0.1:1/none"}, "does not exist"},
		{[]string{"copy", "--from", filepath.Join(dir, "none.db"), "--to", "postgres://u@127.0.0.1:1/none?password=secret"}, "does not exist"},
		{[]string{"copy", "--from", "host=db password=secret", "--to", "postgres://x@y/w"}, "--from: give the SQLite file"},
		// pgx reads a URL only under a lower-case scheme.
		{[]string{"copy", "--from", "POSTGRES://x:secret@y/z", "--to", "postgres://x@y/w"}, "--from: give the SQLite file"},
		{[]string{"copy", "--from", "a.db", "--to", "POSTGRES://x:secret@y/w"}, "--to: give a postgres:// or postgresql:// URL"},
	} {
		out, err := cliAt(t, tuesday, vars, tc.args...)
		if err == nil || !strings.Contains(err.Error()+out, tc.want) {
			t.Errorf("%v: %v %s; want an error saying %q", tc.args, err, out, tc.want)
		}
		if err != nil && strings.Contains(err.Error()+out, "secret") {
			t.Errorf("%v echoed the password: %v", tc.args, err)
		}
	}
}

// A PostgreSQL URL whose scheme is not in lower case is refused at start
// with the schemes to write, whichever command: pgx would read it as a
// keyword=value string and fail with an error naming neither.
func TestAMiscasedPostgresSchemeIsRefusedNamingTheSchemes(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"POSTGRES://coach:s3cret@127.0.0.1:1/coachlog", "PostgreSQL://coach:s3cret@127.0.0.1:1/coachlog"} {
		for _, args := range [][]string{{"export"}, {"serve"}} {
			out, err := cliAt(t, tuesday, map[string]string{"COACHLOG_DB": db, "SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "SLACK_API_URL": noSlack}, args...)
			if err == nil {
				t.Fatalf("%s on %s worked", args[0], db)
			}
			msg := err.Error() + out
			if strings.Contains(msg, "s3cret") {
				t.Errorf("%s: the error shows the password: %v", args[0], err)
			}
			if !strings.Contains(msg, "COACHLOG_DB") || !strings.Contains(msg, "postgres://") || !strings.Contains(msg, "postgresql://") {
				t.Errorf("%s: %v; want COACHLOG_DB refused naming postgres:// and postgresql://", args[0], err)
			}
		}
	}
}

// An unreachable or misspelt PostgreSQL database is one clear error that
// never shows the URL's password.
func TestAPostgresURLThatDoesNotOpenSaysWhyWithoutItsPassword(t *testing.T) {
	t.Parallel()
	for _, db := range []string{
		"postgres://coach:s3cret@127.0.0.1:1/coachlog?sslmode=disable&connect_timeout=2", // nothing listens
		"postgres://coach:s3cret@127.0.0.1:5432/coachlog?sslmode=bogus",                  // a bad parameter
		// libpq and pgx take the password as a parameter too.
		"postgres://coach@127.0.0.1:1/coachlog?password=s3cret&sslmode=disable&connect_timeout=2",
		"postgres://coach@127.0.0.1:1/coachlog?sslmode=disable&sslpassword=s3cret&connect_timeout=2",
	} {
		for _, args := range [][]string{{"export"}, {"serve"}, {"backup", "/tmp/c.dump"}} {
			out, err := cliAt(t, tuesday, map[string]string{"COACHLOG_DB": db, "SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "SLACK_API_URL": noSlack}, args...)
			if err == nil {
				t.Fatalf("%s on %s worked", args[0], db)
			}
			if strings.Contains(err.Error()+out, "s3cret") {
				t.Errorf("%s: the error shows the password: %v\n%s", args[0], err, out)
			}
			if !strings.Contains(err.Error(), "postgres://coach@127.0.0.1") {
				t.Errorf("%s: the error does not say which database: %v", args[0], err)
			}
		}
	}
}

// An unescaped '@' in the password: pgx ends the user info at the first
// '@' and its "lookup dor3xyz@127.0.0.1: no such host" printed the rest of
// the password. Every command refuses it before connecting, saying to
// write the '@' as %40.
func TestAPasswordWithAnUnescapedAtIsNotPrinted(t *testing.T) {
	t.Parallel()
	db := "postgres://coachlog:Tr0ub@dor3xyz@127.0.0.1:5432/db?sslmode=disable&connect_timeout=2"
	for _, args := range [][]string{{"export"}, {"serve"}, {"backup", "/tmp/c.dump"}} {
		out, err := cliAt(t, tuesday, map[string]string{"COACHLOG_DB": db, "SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "SLACK_API_URL": noSlack}, args...)
		if err == nil {
			t.Fatalf("%s worked", args[0])
		}
		msg := err.Error() + out
		if strings.Contains(msg, "dor3xyz") || strings.Contains(msg, "Tr0ub") || !strings.Contains(msg, "%40") {
			t.Errorf("%s: %q; want the URL refused, saying to write %%40, without its password", args[0], msg)
		}
	}
	src := filepath.Join(t.TempDir(), "a.db")
	st, err := sqlite.Open(context.Background(), src, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	copyOut, err := cliAt(t, tuesday, nil, "copy", "--from", src, "--to", db)
	if err == nil || strings.Contains(err.Error()+copyOut, "dor3xyz") || !strings.Contains(err.Error(), "%40") {
		t.Errorf("copy: %v; want the URL refused, saying to write %%40, without its password", err)
	}
}

// oldSQLite writes a SQLite database as the Coachlog before the newest
// migration left it, and returns its path.
func oldSQLite(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	for _, f := range files[:len(files)-1] {
		body, err := fs.ReadFile(migrations.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := strconv.Atoi(f[:strings.Index(f, "_")])
		if _, err := db.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if _, err := db.Exec(`INSERT INTO schema_migrations VALUES (?, ?, 0)`, v, f); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// copy from an older Coachlog's file said "run coachlog serve once to
// migrate it", that is start the bot that was stopped for the copy: copy
// now migrates the file itself first, and says so.
func TestCopyMigratesAnOlderSQLiteSourceFirst(t *testing.T) {
	t.Parallel()
	pg := sqlitetest.PostgresDB(t)
	src := oldSQLite(t)
	out, err := cliAt(t, tuesday, nil, "copy", "--from", src, "--to", pg)
	if err != nil {
		t.Fatalf("copy from an older file: %v\n%s", err, out)
	}
	want := fmt.Sprintf("Migrated %s in place from schema version %d to %d first", src, sqlite.SchemaVersion()-1, sqlite.SchemaVersion())
	if !strings.Contains(out, want) || !strings.Contains(out, "Copied") {
		t.Errorf("copy said %q; want %q, then the copy", out, want)
	}
}

// The commands that only read, run as a role with no USAGE on the schema
// that holds Coachlog's tables, name the GRANT to run, as serve's start
// does; they said the database held no Coachlog data yet and to create
// it with coachlog serve.
func TestReadOnlyCommandsOnASchemaTheRoleMayNotUseNameTheGrant(t *testing.T) {
	t.Parallel()
	spec := sqlitetest.PostgresDB(t)
	st, err := sqlite.Open(ctxT(t), spec, sqlite.Options{}) // the admin creates the tables
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	admin, err := sql.Open("pgx", sqlitetest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() }) // after the role is dropped
	role := fmt.Sprintf("r_noaccess_%08x", rand.Uint32())
	if _, err := admin.Exec(`CREATE ROLE ` + role + ` LOGIN`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP OWNED BY ` + role + `; DROP ROLE ` + role); err != nil {
			t.Errorf("drop role %s: %v", role, err)
		}
	})
	u, err := url.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	for _, args := range [][]string{{"export"}, {"metrics"}, {"digest", "--dry-run"}} {
		out, err := cliAt(t, tuesday, map[string]string{"COACHLOG_DB": u.String()}, args...)
		msg := fmt.Sprint(err) + out
		if err == nil || !strings.Contains(msg, "GRANT USAGE ON SCHEMA") || strings.Contains(msg, "no Coachlog data") {
			t.Errorf("%s: %s; want it to name GRANT USAGE ON SCHEMA", strings.Join(args, " "), msg)
		}
	}
}

// A year of a large company is millions of rows: the copy counts them as
// the digest counts, each table's right-aligned as before.
func TestCopiedTextGroupsThousands(t *testing.T) {
	got := copiedText([]sqlite.TableCount{{Table: "sessions", Rows: 1000000}, {Table: "people", Rows: 22000}, {Table: "settings", Rows: 3}},
		"coachlog.db", "postgres://db/coachlog")
	want := "  sessions                 1,000,000 rows\n" +
		"  people                      22,000 rows\n" +
		"  settings                         3 rows\n" +
		"Copied 3 tables, 1,022,003 rows, from coachlog.db to postgres://db/coachlog; the row counts match on both sides.\n"
	if got != want {
		t.Errorf("copiedText =\n%s\nwant\n%s", got, want)
	}
}
