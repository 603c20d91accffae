package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coachlog/coachlog/migrations"
)

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) { return loadMigrationsFrom(migrations.FS, ".") }

// loadMigrationsFrom reads the numbered migrations in dir of fsys; each
// dialect has its own set, numbered alike.
func loadMigrationsFrom(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and an underscore", name)
		}
		body, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	return out, nil
}

// SchemaVersion is the newest schema this build knows.
func SchemaVersion() int { return newestVersion(migrations.FS, ".") }

// newestVersion is the highest number among the migrations in dir of
// fsys; 0 when there are none or they cannot be read.
func newestVersion(fsys fs.FS, dir string) int {
	ms, err := loadMigrationsFrom(fsys, dir)
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// migrate applies the migrations the database lacks, each in its own
// transaction. The version is re-read inside the transaction so that two
// processes starting at once apply each migration once.
func migrate(ctx context.Context, db *sql.DB, now time.Time, log *slog.Logger) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	if err := checkSchema(ctx, db, false, SchemaVersion()); err != nil {
		return err
	}
	all, err := loadMigrations()
	if err != nil {
		return err
	}
	have, err := schemaVersionOf(ctx, db)
	if err != nil {
		return err
	}
	return announced(ctx, log, db, have, all, func(m migration) error { return apply(ctx, db, m, now) })
}

// announced applies every migration of all through applyOne, saying at
// Info, when the database lacks any, that it migrates (before: a migration
// of a large database takes seconds, which must not pass as a silent
// start) and then from which version to which it migrated, and how long
// it took. have is the version read before; the one migrated to is read
// again after, as another process may have applied some meanwhile.
func announced(ctx context.Context, log *slog.Logger, db querier, have int, all []migration, applyOne func(migration) error) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	know := 0
	if len(all) > 0 {
		know = all[len(all)-1].version
	}
	start := time.Now() // how long it took, on the monotonic clock whatever the injected one says
	if have < know {
		log.InfoContext(ctx, fmt.Sprintf("migrating database from schema %d to %d", have, know), "from_schema", have, "to_schema", know)
	}
	// Each missing migration is checked again in its own transaction; one
	// recorded already is not looked at again (a record is never taken
	// back), so that a start on a migrated database, every CLI command's
	// included, does not run a transaction per migration to learn that.
	applied := appliedVersions(ctx, db)
	for _, m := range all {
		if applied[m.version] {
			continue
		}
		if err := applyOne(m); err != nil {
			return err
		}
	}
	if have >= know {
		return nil
	}
	to, err := schemaVersionOf(ctx, db)
	if err != nil {
		return err
	}
	log.InfoContext(ctx, "database migrated", "from_schema", have, "to_schema", to, "took_ms", time.Since(start).Milliseconds())
	return nil
}

// appliedVersions is the migrations db has recorded, read once. On a
// database with no record yet, or a read that fails, it is empty: every
// migration is then checked in its own transaction, as before.
func appliedVersions(ctx context.Context, db querier) map[int]bool {
	rows, err := db.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil
	}
	defer rows.Close()
	have := map[int]bool{}
	for rows.Next() {
		var v int
		if rows.Scan(&v) != nil {
			return nil
		}
		have[v] = true
	}
	if rows.Err() != nil {
		return nil
	}
	return have
}

func apply(ctx context.Context, db *sql.DB, m migration, now time.Time) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: begin: %w", m.name, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	return applyIn(ctx, tx, m, now)
}

// applyIn applies m in tx, unless the database has it already, records it
// and commits.
func applyIn(ctx context.Context, tx *sql.Tx, m migration, now time.Time) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, now.UnixMilli()); err != nil {
		return fmt.Errorf("migration %s: record: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: commit: %w", m.name, err)
	}
	return nil
}

// ErrSchemaOld means a reader found a database an older Coachlog
// migrated: readers do not migrate.
type ErrSchemaOld struct{ Have, Know int }

func (e ErrSchemaOld) Error() string {
	return fmt.Sprintf("database schema version %d is older than this coachlog's (%d): run `coachlog serve` once to migrate it", e.Have, e.Know)
}

// ErrSchemaTooNew means the database was migrated by a newer Coachlog.
type ErrSchemaTooNew struct{ Have, Know int }

func (e ErrSchemaTooNew) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this coachlog knows (%d): run a newer coachlog", e.Have, e.Know)
}

// errNoSchema is a database without Coachlog's tables: a file of
// something else, or a PostgreSQL database or schema nothing migrated.
var errNoSchema = errors.New("not a coachlog database (no schema_migrations table)")

// DatabaseVersion is the schema version the database was migrated to.
func (s *Store) DatabaseVersion(ctx context.Context) (int, error) { return schemaVersionOf(ctx, s.r) }

// KnownVersion is the newest schema this build knows for s's engine
// (SchemaVersion or PostgresSchemaVersion), which DatabaseVersion is
// compared with.
func (s *Store) KnownVersion() int {
	if s.pg {
		return PostgresSchemaVersion()
	}
	return SchemaVersion()
}

// schemaVersionOf reads the newest migration db records: 0 when it has
// none. Without a schema_migrations table the error says so in the
// driver's words, which checkSchema reads.
func schemaVersionOf(ctx context.Context, db querier) (int, error) {
	var have sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&have); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(have.Int64), nil
}

// anySchema, as the version checkSchema knows, accepts every version.
const anySchema = -1

// checkSchema refuses a database migrated by a newer build and, for readers,
// which must not migrate, one that has no schema or an older one. With
// know anySchema it refuses only a database that has no schema.
func checkSchema(ctx context.Context, db *sql.DB, readOnly bool, know int) error {
	have, err := schemaVersionOf(ctx, db)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") || strings.Contains(err.Error(), "SQLSTATE 42P01") {
			return errNoSchema
		}
		return err
	}
	if know == anySchema {
		return nil
	}
	if have > know {
		return ErrSchemaTooNew{Have: have, Know: know}
	}
	if readOnly && have < know {
		return ErrSchemaOld{Have: have, Know: know}
	}
	return nil
}
