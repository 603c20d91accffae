package main

import (
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A roster import asked Slack first (auth.test, then users.list, which
// pages through the workspace for minutes on a large one) and opened the
// database after: a database it may not write, or newer than this
// coachlog, was found only after that wait. It is checked first, with
// the line the import gave after it, and Slack is not asked. A file
// refused by Slack still leaves no database behind where there was none.
func TestARosterImportChecksTheDatabaseBeforeAskingSlack(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		spoil func(t *testing.T, db string)
		want  func(db string) string // the line's beginning
	}{
		{"a file it may not write", func(t *testing.T, db string) { sqlitetest.Unwritable(t, db) },
			func(db string) string { return "COACHLOG_DB " + db + ": the database file cannot be written" }},
		{"a schema newer than this coachlog", func(t *testing.T, db string) {
			raw, err := sql.Open("sqlite", db)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			if _, err := raw.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from_the_future', 0)`, sqlite.SchemaVersion()+1); err != nil {
				t.Fatal(err)
			}
		}, func(db string) string {
			return "COACHLOG_DB " + db + ": " + sqlite.ErrSchemaTooNew{Have: sqlite.SchemaVersion() + 1, Know: sqlite.SchemaVersion()}.Error()
		}},
		{"a directory", func(t *testing.T, db string) {
			if err := os.Remove(db); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(db, 0o700); err != nil {
				t.Fatal(err)
			}
		}, func(db string) string { return "COACHLOG_DB " + db + ": names a directory, not a database file" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db, csv := importedDB(t)
			tt.spoil(t, db)
			fake := startFake(t)
			fake.AddUser(fakeslack.User{ID: "U0MA", Name: "mia", RealName: "Mia", TZ: "UTC"})
			fake.AddUser(fakeslack.User{ID: "U0RA", Name: "ada", RealName: "Ada", TZ: "UTC"})
			vars := map[string]string{"COACHLOG_DB": db, "SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL()}
			out, err := cliAt(t, tuesday, vars, "roster", "import", csv)
			if err == nil {
				t.Fatalf("the import worked:\n%s", out)
			}
			if msg, want := err.Error(), tt.want(db); !strings.HasPrefix(msg, want) || strings.Contains(msg, "\n") {
				t.Errorf("err %q; want one line beginning %q", msg, want)
			}
			for _, m := range []string{"auth.test", "users.list"} {
				if n := len(fake.CallsTo(m)); n != 0 {
					t.Errorf("Slack was asked %s %d times before the database was checked", m, n)
				}
			}
			if strings.Contains(out, "Checking") {
				t.Errorf("it said it checks Slack's member list:\n%s", out)
			}
		})
	}

	t.Run("no database yet, a line Slack refuses", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "c.db")
		csv := filepath.Join(t.TempDir(), "team.csv")
		if err := os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\nU0NOBODY,,Zed,manager,,,\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		fake := startFake(t)
		vars := map[string]string{"COACHLOG_DB": db, "SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL()}
		if _, err := cliAt(t, tuesday, vars, "roster", "import", csv); err == nil || !strings.Contains(err.Error(), "U0NOBODY is not in this Slack workspace") {
			t.Fatalf("err %v; want the line refused", err)
		}
		if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the refused import left %s (%v)", db, err)
		}
	})
	// The check migrates nothing: the import migrates an older file once
	// its lines have passed.
	t.Run("an older schema, a line Slack refuses", func(t *testing.T) {
		db := oldSQLite(t)
		before := schemaOf(t, db)
		csv := filepath.Join(t.TempDir(), "team.csv")
		if err := os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\nU0NOBODY,,Zed,manager,,,\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		fake := startFake(t)
		vars := map[string]string{"COACHLOG_DB": db, "SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL()}
		if _, err := cliAt(t, tuesday, vars, "roster", "import", csv); err == nil || !strings.Contains(err.Error(), "nothing was changed") {
			t.Fatalf("err %v; want the line refused", err)
		}
		if got := schemaOf(t, db); got != before {
			t.Errorf("the refused import migrated the file from schema %d to %d", before, got)
		}
	})
}
