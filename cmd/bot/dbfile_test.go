package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// importedDB is a database in a directory of its own holding the roster
// Mia and Ada, imported by the CLI, which closed it cleanly, weeks before
// the week `coachlog metrics` reads by default (a week before the import
// lists no team); csv is the roster file.
func importedDB(t *testing.T) (db, csv string) {
	t.Helper()
	db = filepath.Join(t.TempDir(), "c.db")
	sqlitetest.Migrated(t, db) // what the tests read is the import, not the file's creation
	csv = filepath.Join(t.TempDir(), "team.csv")
	if err := os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\nU0MA,,Mia,manager,,,UTC\nU0RA,,Ada,rep,U0MA,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := cliAt(t, imported, map[string]string{"COACHLOG_DB": db}, "roster", "import", csv); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	return db, csv
}

// A database file Coachlog may not write (another user's, or mode 444):
// a command that writes (serve alike) refuses at start in one line naming
// the setting, the file once and the cause, where serve started and
// failed every /coach; a command that only reads still reads it.
func TestACommandThatWritesRefusesADatabaseFileItCannotWrite(t *testing.T) {
	t.Parallel()
	db, csv := importedDB(t)
	vars := map[string]string{"COACHLOG_DB": db}
	sqlitetest.Unwritable(t, db)
	_, err := cliAt(t, tuesday, vars, "roster", "import", csv)
	if err == nil {
		t.Fatal("roster import into a database it cannot write worked")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "COACHLOG_DB "+db+": the database file cannot be written") || strings.Count(msg, db) != 1 || strings.Contains(msg, "\n") {
		t.Errorf("err %q; want one line, COACHLOG_DB and the file once, saying it cannot be written", msg)
	}
	if out, err := cliAt(t, tuesday, vars, "metrics"); err != nil || !strings.Contains(out, "Mia") {
		t.Fatalf("metrics on a database it cannot write: %v\n%s", err, out)
	}
}

// A command that only reads reads a database in a directory it may not
// write (an operator reading the bot's volume): SQLite could not create
// the -shm file it reads a WAL database with, and export said "attempt to
// write a readonly database".
func TestACommandThatReadsReadsADatabaseInADirectoryItCannotWrite(t *testing.T) {
	t.Parallel()
	db, _ := importedDB(t)
	sqlitetest.Unwritable(t, db)
	sqlitetest.Unwritable(t, filepath.Dir(db))
	for _, tt := range []struct{ cmd, want string }{
		{"metrics", "Mia"},
		{"export", "id,occurred_on,"}, // no session yet: the header
	} {
		out, err := cliAt(t, tuesday, map[string]string{"COACHLOG_DB": db}, tt.cmd)
		if err != nil || !strings.Contains(out, tt.want) {
			t.Errorf("%s: %v\n%s", tt.cmd, err, out)
		}
	}
}

// COACHLOG_DB naming a directory (COACHLOG_DB=/tmp, the file's name
// forgotten) is said so, by a command that writes as by one that reads,
// where SQLite said "unable to open database file (14)".
func TestCOACHLOGDBNamingADirectoryIsSaidSo(t *testing.T) {
	t.Parallel()
	_, csv := importedDB(t)
	dir := t.TempDir()
	for _, args := range [][]string{{"roster", "import", csv}, {"metrics"}, {"export"}} {
		t.Run(args[0], func(t *testing.T) {
			_, err := cliAt(t, tuesday, map[string]string{"COACHLOG_DB": dir}, args...)
			want := "COACHLOG_DB " + dir + ": names a directory, not a database file"
			if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err %v; want one line: %s", err, want)
			}
		})
	}
	if files, _ := os.ReadDir(dir); len(files) > 0 {
		t.Errorf("the directory holds %s now", files[0].Name())
	}
}

// serve says the same at once, before it asks Slack anything, of any
// COACHLOG_DB it cannot open: a directory, a parent directory not there,
// a database file it may not write. It said them after auth.test, behind
// "SLACK_BOT_TOKEN not checked", 10 s on when Slack did not answer (a
// directory alone was checked first). Each is said within a second: the
// command's context ends then, and a start that waited on Slack would
// find it ended.
func TestServeWithACOACHLOGDBItCannotOpenSaysSoAtOnce(t *testing.T) {
	t.Parallel()
	asked := make(chan struct{}, 10)
	done := make(chan struct{})
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case asked <- struct{}{}:
		default:
		}
		select { // a Slack that does not answer
		case <-r.Context().Done():
		case <-done:
		}
	}))
	defer slack.Close()
	defer close(done) // before Close, which waits for the handlers
	for _, tt := range []struct {
		name string
		db   func(t *testing.T) string
		says string // after "COACHLOG_DB <db>: "
	}{
		{"a directory", func(t *testing.T) string { return t.TempDir() }, "names a directory, not a database file"},
		{"a parent directory not there", func(t *testing.T) string { return filepath.Join(t.TempDir(), "gone", "c.db") },
			// "no such file or directory" read as the database file,
			// which serve creates, not the directory it goes in.
			string(filepath.Separator) + "gone does not exist"},
		{"a file it may not write", func(t *testing.T) string {
			db, _ := importedDB(t)
			sqlitetest.Unwritable(t, db)
			return db
		}, "the database file cannot be written"},
		// A volume another user owns, no database on it yet: "permission
		// denied" alone said neither which directory nor for whom.
		{"a directory it may not write", func(t *testing.T) string {
			dir := filepath.Join(t.TempDir(), "theirs")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			sqlitetest.Unwritable(t, dir)
			return filepath.Join(dir, "c.db")
		}, string(filepath.Separator) + "theirs may not be written"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := tt.db(t)
			vars := map[string]string{"SLACK_APP_TOKEN": "xapp-1-A1-1-x", "SLACK_BOT_TOKEN": "xoxb-1-x", "SLACK_API_URL": slack.URL + "/api/", "COACHLOG_DB": db}
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			var out syncBuffer
			err := runEnv(ctx, []string{"serve"}, env{getenv: func(k string) string { return vars[k] }, stdout: &out, stderr: &out,
				now: func() time.Time { return tuesday }})
			if ctx.Err() != nil {
				t.Errorf("serve had not said it within a second: it waited on Slack\n%s", out.String())
			}
			want := "COACHLOG_DB " + db + ": "
			if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), tt.says) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("serve: %v; want one line beginning %q saying %q\n%s", err, want, tt.says, out.String())
			}
			if len(asked) > 0 || strings.Contains(out.String(), "SLACK_BOT_TOKEN not checked") {
				t.Errorf("Slack was asked before the database was checked:\n%s", out.String())
			}
		})
	}
}
