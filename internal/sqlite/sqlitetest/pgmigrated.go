package sqlitetest

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/sqlite"
)

// PostgresMigrated is PostgresDB with this build's PostgreSQL migrations
// already applied in the schema, as a first open leaves it: the tables,
// and schema_migrations recording each migration. An open of it migrates
// nothing and finds the tables there (CreatedTables is nil). It skips the
// test when no server is set.
//
// A test whose point is not the database's creation starts on one. A
// fresh schema's 27 migrations, each a transaction of its own with the
// migration lock, were most of what the PostgreSQL half of a short test
// cost (about 0.3 s of the server's CPU a schema on CI's server); here
// the schema, its tables and their records are one statement and one
// commit. A test of what a start says or does on an empty database, of a
// migration or of an old schema must use PostgresDB or PostgresNoSchema.
//
// Each test gets a schema of its own, dropped when it ends, rather than a
// copy of a template kept on the server: PostgreSQL has no cheaper copy of
// a schema than running its DDL again, and a database made from a
// template (CREATE DATABASE … TEMPLATE) cost more of the server's CPU
// than the migrations it saves (it writes the template's 8 MB to the WAL)
// and its DROP DATABASE waits for a checkpoint. Nothing is kept on the
// server between runs, so nothing goes stale when a migration is added:
// the script (sqlite.PostgresMigrationScript) is made from the migrations
// this test binary embeds.
func PostgresMigrated(tb testing.TB) string {
	tb.Helper()
	db, schema := PostgresNoSchema(tb)
	script, err := sqlite.PostgresMigrationScript(time.Now())
	if err != nil {
		tb.Fatalf("the PostgreSQL migrations: %v", err)
	}
	admin, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		tb.Fatalf("%s: %v", PostgresEnv, err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// One simple-protocol query (no arguments): one round trip, and one
	// transaction that either leaves the whole schema or none of it.
	quoted := `"` + schema + `"`
	if _, err := admin.ExecContext(ctx, "BEGIN;\nCREATE SCHEMA "+quoted+";\nSET LOCAL search_path = "+quoted+";\n"+script+"COMMIT;"); err != nil {
		tb.Fatalf("create the migrated schema for the test: %v", err)
	}
	return db
}
