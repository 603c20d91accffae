package main

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A read-only command pointed at an empty PostgreSQL database (a fresh
// server, or a search_path mistyped) is told what a missing SQLite file
// is told: nothing there yet, and how to create it; never that it is
// "not a coachlog database", which sends an admin hunting a wrong URL.
func TestReadOnlyCommandsOnAnEmptyPostgresSayHowToCreateIt(t *testing.T) {
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
	for _, tc := range []struct{ db, name string }{
		{"postgres://coach:s3cret@127.0.0.1:1/coachlog?sslmode=disable&connect_timeout=2", "postgres://coach@127.0.0.1:1/coachlog"},
		{"postgres://coach:s3cret@127.0.0.1:5432/coachlog?sslmode=bogus", "postgres://coach@127.0.0.1:5432/coachlog"},
	} {
		_, err := cliAt(t, tuesday, map[string]string{"COACHLOG_DB": tc.db}, "export")
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
