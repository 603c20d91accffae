package sqlitetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver for the schema admin
)

// PostgresEnv names the variable holding the PostgreSQL server the
// contract tests also run on, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable. Unset, they run
// on SQLite only.
const PostgresEnv = "COACHLOG_TEST_POSTGRES"

// PostgresURL returns the server under test, or "" when none is set.
func PostgresURL() string { return os.Getenv(PostgresEnv) }

// Each runs fn as a subtest once per engine: on a new SQLite file always,
// and on a fresh PostgreSQL schema when COACHLOG_TEST_POSTGRES is set. db
// is what COACHLOG_DB would hold: a path or a URL. The store's behaviour is
// one contract; each test states it once and both engines must keep it.
func Each(t *testing.T, fn func(t *testing.T, db string)) {
	t.Helper()
	each(t, func(testing.TB, string) {}, PostgresDB, fn)
}

// each runs fn on both engines as Each does: the SQLite file's path handed
// to prepare first, the PostgreSQL URL made by pg, with the subtest.
func each(t *testing.T, prepare func(tb testing.TB, path string), pg func(tb testing.TB) string, fn func(t *testing.T, db string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "c.db")
		prepare(t, db)
		fn(t, db)
	})
	if PostgresURL() == "" {
		return
	}
	t.Run("postgres", func(t *testing.T) { fn(t, pg(t)) })
}

// EachMigrated is Each on databases already migrated, for a test that is
// not about a database's creation: the SQLite half on a copy of a migrated
// file (Migrated), the PostgreSQL half in a schema of its own with the
// migrations applied (PostgresMigrated). The 27 migrations a new database
// needs are most of what a short test's first command costs.
func EachMigrated(t *testing.T, fn func(t *testing.T, db string)) {
	t.Helper()
	each(t, Migrated, PostgresMigrated, fn)
}

// PostgresDB creates an empty schema of its own on the server under test,
// dropped when the test ends, and returns a URL whose connections work in
// it: runs never see each other's data, in parallel packages or under
// -race. The first open migrates it: for a test of a database's creation
// or migration; any other starts on PostgresMigrated. It skips the test
// when no server is set.
func PostgresDB(tb testing.TB) string {
	tb.Helper()
	db, schema := PostgresNoSchema(tb)
	admin, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		tb.Fatalf("%s: %v", PostgresEnv, err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA "`+schema+`"`); err != nil {
		tb.Fatalf("create schema for the test: %v", err)
	}
	return db
}

// PostgresNoSchema returns a URL whose search_path names a new schema that
// does not exist yet, and that schema's name; the schema is dropped, if
// anything created it, when the test ends. It skips the test when no
// server is set.
func PostgresNoSchema(tb testing.TB) (db, schema string) {
	tb.Helper()
	base := PostgresURL()
	if base == "" {
		tb.Skip(PostgresEnv + " not set: the PostgreSQL half of this test was skipped")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema = "t_" + hex.EncodeToString(b[:]) + "_" + schemaSafe(tb.Name())
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, `DROP SCHEMA IF EXISTS "`+schema+`" CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), schema
}

// schemaSafe keeps a test name's letters and digits, lower-cased and
// short, so that a schema left behind by a killed run says whose it was.
func schemaSafe(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
		if b.Len() >= 40 {
			break
		}
	}
	return b.String()
}
