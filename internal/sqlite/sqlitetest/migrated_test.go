package sqlitetest_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A copy of the migrated template is what a first open leaves, once
// closed: the same tables, indexes, triggers and pragmas, the same rows
// (schema_migrations' only), owner-only, and an open of it migrates
// nothing and warns of nothing. The tests that start on it test the
// product on a new database only while this holds.
func TestMigratedIsANewDatabaseThatNeedsNoMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fresh := filepath.Join(t.TempDir(), "fresh.db")
	st, err := sqlite.Open(ctx, fresh, sqlite.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	copied := filepath.Join(t.TempDir(), "copy.db")
	sqlitetest.Migrated(t, copied)
	if fi, err := os.Stat(copied); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the copy's mode: %v %v, want -rw-------", fi.Mode(), err)
	}
	if want, got := describe(t, fresh), describe(t, copied); !slices.Equal(got, want) {
		t.Errorf("the copy differs from a new database:\ncopy:\n%s\nnew:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	var logs bytes.Buffer
	st, err = sqlite.Open(ctx, copied, sqlite.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if v, err := st.DatabaseVersion(ctx); err != nil || v != sqlite.SchemaVersion() {
		t.Errorf("the copy's schema version = %d %v, want %d", v, err, sqlite.SchemaVersion())
	}
	if logs.Len() != 0 {
		t.Errorf("the open of the copy said something (a migration, a warning):\n%s", logs.String())
	}
}

// describe lists what a test could tell of a closed database file: its
// schema, the pragmas stored in the file, each table's row count, and
// which files lie beside it.
func describe(t *testing.T, path string) []string {
	t.Helper()
	var out []string
	for _, side := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + side); err == nil {
			out = append(out, side+" beside the file")
		}
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rows, err := db.Query(`SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var typ, name, tbl, text string
		if err := rows.Scan(&typ, &name, &tbl, &text); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s on %s: %s", typ, name, tbl, text))
		if typ == "table" {
			tables = append(tables, name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	for _, p := range []string{"journal_mode", "page_size", "auto_vacuum", "user_version", "application_id", "encoding", "freelist_count"} {
		var v string
		if err := db.QueryRow(`PRAGMA ` + p).Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("pragma %s = %s", p, v))
	}
	for _, tbl := range tables {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM "` + tbl + `"`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s: %d rows", tbl, n))
	}
	return out
}

// EachMigrated's SQLite half is handed a migrated copy, its PostgreSQL
// half (when a server is set) a schema of its own already migrated: a
// read-only open, which migrates nothing and refuses a database nothing
// created yet, opens both.
func TestEachMigratedHandsBothEnginesAMigratedDatabase(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		if !sqlite.IsPostgres(db) {
			if fi, err := os.Stat(db); err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("the SQLite half's file: %v %v, want a copy, -rw-------", fi, err)
			}
		}
		st, err := sqlite.Open(context.Background(), db, sqlite.Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("open the %s half read-only (no migration): %v", map[bool]string{true: "PostgreSQL", false: "SQLite"}[sqlite.IsPostgres(db)], err)
		}
		defer st.Close()
	})
}
