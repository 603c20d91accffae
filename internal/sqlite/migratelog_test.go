package sqlite_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// An upgrade says, at Info, that it migrates before it starts (a large
// database takes seconds, which must not pass for a silent start) and
// then from which schema to which, and how long it took; a start with
// nothing to migrate says neither.
func TestMigrationIsLoggedWithItsVersionsAndDuration(t *testing.T) {
	sqlitetest.Each(t, func(t *testing.T, db string) {
		know := sqlite.SchemaVersion()
		if sqlite.IsPostgres(db) {
			know = sqlite.PostgresSchemaVersion()
		}
		var logs bytes.Buffer
		st := open(t, db, sqlite.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		st.Close()
		lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
		if len(lines) != 2 {
			t.Fatalf("logged %d lines, want 2 (migrating, migrated):\n%s", len(lines), logs.String())
		}
		starting := fmt.Sprintf(`level=INFO msg="migrating database from schema 0 to %d" from_schema=0 to_schema=%d`, know, know)
		if !strings.Contains(lines[0], starting) {
			t.Errorf("first line %q, want %q", lines[0], starting)
		}
		done := fmt.Sprintf(`level=INFO msg="database migrated" from_schema=0 to_schema=%d took_ms=`, know)
		if !strings.Contains(lines[1], done) {
			t.Errorf("second line %q, want %q", lines[1], done)
		}

		logs.Reset()
		open(t, db, sqlite.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if logs.Len() != 0 {
			t.Errorf("a start with nothing to migrate logged:\n%s", logs.String())
		}
	})
}
