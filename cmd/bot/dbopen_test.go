package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A read-only command pointed at an empty PostgreSQL database (a fresh
// server, or a search_path mistyped) is told what a missing SQLite file
// is told: nothing there yet, and how to create it; never that it is
// "not a coachlog database", which sends an admin hunting a wrong URL.
func TestReadOnlyCommandsOnAnEmptyPostgresSayHowToCreateIt(t *testing.T) {
	t.Parallel()
	db := sqlitetest.PostgresDB(t)
	for _, args := range [][]string{{"export"}, {"metrics"}, {"nudge", "--dry-run"}, {"digest", "--dry-run"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			out, err := cliAt(t, tuesday, map[string]string{"COACHLOG_DB": db}, args...)
			if err == nil {
				t.Fatalf("worked on an empty database:\n%s", out)
			}
			if msg := err.Error(); !strings.Contains(msg, "holds no Coachlog data yet") || !strings.Contains(msg, "coachlog roster import") {
				t.Errorf("err %q; want it to say the database holds no Coachlog data yet and how to create it", msg)
			}
		})
	}
}

// An error opening COACHLOG_DB names the database once: "COACHLOG_DB
// postgres://…: open postgres://…: failed to connect" said it twice, the
// URL pushing the reason off an operator's screen.
func TestADatabaseThatDoesNotOpenIsNamedOnce(t *testing.T) {
	t.Parallel()
	// An SQLite file in a directory that is not there, for a command
	// that would create it.
	missing := filepath.Join(t.TempDir(), "nowhere", "c.db")
	csv := filepath.Join(t.TempDir(), "team.csv")
	if err := os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\nU0MA,,Mia,manager,,,UTC\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		db, name string
		args     []string
	}{
		{"postgres://coach:s3cret@127.0.0.1:1/coachlog?sslmode=disable&connect_timeout=2", "postgres://coach@127.0.0.1:1/coachlog", []string{"export"}},
		{"postgres://coach:s3cret@127.0.0.1:5432/coachlog?sslmode=bogus", "postgres://coach@127.0.0.1:5432/coachlog", []string{"export"}},
		{missing, missing, []string{"roster", "import", csv}},
	} {
		_, err := cliAt(t, tuesday, map[string]string{"COACHLOG_DB": tc.db}, tc.args...)
		if err == nil {
			t.Fatalf("export on %s worked", tc.db)
		}
		if n := strings.Count(err.Error(), tc.name); n != 1 {
			t.Errorf("the error names the database %d times: %v", n, err)
		}
		if !strings.HasPrefix(err.Error(), "COACHLOG_DB ") {
			t.Errorf("the error does not start with the setting's name: %v", err)
		}
	}
}

// A URL whose search_path names a schema nobody created yet (the
// README's "its own schema" on a new database) gets that schema at the
// first command that writes, as SQLite gets its file: PostgreSQL alone
// refused with "no schema has been selected to create in", and metrics
// sent the operator to `coachlog serve`, which failed the same way.
func TestASearchPathSchemaIsCreatedAtFirstOpen(t *testing.T) {
	t.Parallel()
	db, schema := sqlitetest.PostgresNoSchema(t)
	vars := map[string]string{"COACHLOG_DB": db}
	if _, err := cliAt(t, tuesday, vars, "metrics"); err == nil || !strings.Contains(err.Error(), "holds no Coachlog data yet") {
		t.Fatalf("metrics before anything created the schema: %v", err)
	}
	csv := filepath.Join(t.TempDir(), "team.csv")
	if err := os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\nU0MA,,Mia,manager,,,UTC\nU0RA,,Ada,rep,U0MA,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Weeks before the week metrics reads: a week before the import lists
	// no team.
	if out, err := cliAt(t, imported, vars, "roster", "import", csv); err != nil {
		t.Fatalf("roster import into search_path=%s: %v\n%s", schema, err, out)
	}
	if out, err := cliAt(t, tuesday, vars, "metrics"); err != nil || !strings.Contains(out, "Mia") {
		t.Fatalf("metrics after the import: %v\n%s", err, out)
	}
}

// A search_path Coachlog will not create (not a plain name) is one line
// saying what to do, not PostgreSQL's 3F000.
func TestASearchPathItCannotCreateSaysWhatToDo(t *testing.T) {
	t.Parallel()
	db, _ := sqlitetest.PostgresNoSchema(t)
	u, err := url.Parse(db)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", `"Odd Name"`)
	u.RawQuery = q.Encode()
	csv := filepath.Join(t.TempDir(), "team.csv")
	if err := os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\nU0MA,,Mia,manager,,,UTC\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = cliAt(t, tuesday, map[string]string{"COACHLOG_DB": u.String()}, "roster", "import", csv)
	if err == nil || !strings.Contains(err.Error(), "CREATE SCHEMA") || strings.Contains(err.Error(), "3F000") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v; want one line saying to CREATE SCHEMA", err)
	}
}

// A COACHLOG_DB whose search_path (or database name) is mistyped names a
// place with no Coachlog tables: serve created new, empty ones there
// without a word, where a missing SQLite file is warned of. It now warns
// as of the file, at the same level, naming the database and schema
// (never the password), once: not at a start that finds the tables.
func TestAStartThatCreatesThePostgresTablesWarnsWhere(t *testing.T) {
	t.Parallel()
	base, err := url.Parse(sqlitetest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	const created = "no Coachlog tables in the PostgreSQL database and schema COACHLOG_DB names: created new, empty ones"
	for _, tc := range []struct {
		name string
		db   func(tb testing.TB) (db, schema string)
	}{
		{"a schema that does not exist", sqlitetest.PostgresNoSchema},
		{"an empty schema", func(tb testing.TB) (string, string) {
			db := sqlitetest.PostgresDB(tb)
			u, err := url.Parse(db)
			if err != nil {
				tb.Fatal(err)
			}
			return db, u.Query().Get("search_path")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db, schema := tc.db(t)
			// The server trusts the test's role: the password is ignored
			// there, and must not be logged.
			withPW, err := url.Parse(db)
			if err != nil {
				t.Fatal(err)
			}
			withPW.User = url.UserPassword(withPW.User.Username(), "s3cret")
			b := startBot(t, "COACHLOG_DB", withPW.String())
			line := grepLines(b.logs.String(), created)
			want := fmt.Sprintf("database=%s schema=%s", strings.TrimPrefix(base.Path, "/"), schema)
			if strings.Count(line, "\n") != 0 || !strings.Contains(line, "level=WARN") || !strings.Contains(line, want) {
				t.Fatalf("the start that created the tables logged %q; want one warning naming %s:\n%s", line, want, b.logs)
			}
			if strings.Contains(b.logs.String(), "s3cret") {
				t.Errorf("the password is in the log:\n%s", b.logs)
			}
			b.stop()
			b.start()
			if n := strings.Count(b.logs.String(), created); n != 1 {
				t.Errorf("a start on the existing tables said it created them (%d lines in all)", n)
			}
		})
	}
}
