package sqlitetest

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/migrations"
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
// the script is made from the migrations this test binary embeds.
func PostgresMigrated(tb testing.TB) string {
	tb.Helper()
	db, schema := PostgresNoSchema(tb)
	script, err := pgMigrationScript()
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
	if _, err := admin.ExecContext(ctx, "BEGIN;\nCREATE SCHEMA "+quoted+";\nSET LOCAL search_path = "+quoted+";\n"+
		strings.ReplaceAll(script, appliedAtMark, strconv.FormatInt(time.Now().UnixMilli(), 10))+"COMMIT;"); err != nil {
		tb.Fatalf("create the migrated schema for the test: %v", err)
	}
	return db
}

// appliedAtMark stands in the script for the time the migrations are
// recorded as applied, put in when a schema is made.
const appliedAtMark = "/*applied_at*/0"

// pgMigrationScript is the SQL that migrates an empty schema (the current
// one) to this build's PostgreSQL schema: schema_migrations as the store
// creates it (applyPG), then each migration, in order, and its record, as
// the store's open applies and records them.
// TestPostgresMigratedIsWhatAFirstOpenLeaves holds it to what an open
// leaves.
var pgMigrationScript = sync.OnceValues(func() (string, error) {
	const dir = "postgres"
	entries, err := fs.ReadDir(migrations.PostgresFS, dir)
	if err != nil {
		return "", err
	}
	type migration struct {
		version int
		name    string
	}
	var all []migration
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return "", fmt.Errorf("migration %s: name must start with a number and an underscore", e.Name())
		}
		all = append(all, migration{v, e.Name()})
	}
	slices.SortFunc(all, func(a, b migration) int { return a.version - b.version })
	var b strings.Builder
	b.WriteString("CREATE TABLE schema_migrations (\n\tversion BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL);\n")
	for _, m := range all {
		body, err := fs.ReadFile(migrations.PostgresFS, path.Join(dir, m.name))
		if err != nil {
			return "", err
		}
		// A migration's last statement may lack its semicolon, and its
		// last line may be a comment: each ends on a line of its own.
		fmt.Fprintf(&b, "%s\n;\nINSERT INTO schema_migrations (version, name, applied_at) VALUES (%d, '%s', %s);\n",
			body, m.version, strings.ReplaceAll(m.name, "'", "''"), appliedAtMark)
	}
	return b.String(), nil
})
