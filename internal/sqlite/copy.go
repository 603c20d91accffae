package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// TableCount is one table's rows, as copied.
type TableCount struct {
	Table string
	Rows  int64
}

// ErrTargetNotEmpty is returned when `coachlog copy` finds data in the
// PostgreSQL database it was to fill.
var ErrTargetNotEmpty = errors.New("the target database is not empty")

// CopyToPostgres moves the whole SQLite database at from into the
// PostgreSQL database at to, which must hold no Coachlog data: it is
// migrated first, then every table is copied in one transaction (all or
// nothing), with the tables locked against writers meanwhile. Before the
// commit, each table's rows are counted on both sides and must match, and
// the id sequences are moved past the copied ids, so that the next session
// or message gets a new id. The source is read in one snapshot: a bot
// still running on it is not disturbed, though what it writes later is
// not copied: `coachlog copy` refuses while one runs (LiveLeases), and
// calls beforeCommit (when not nil) once the tables are filled, so that a
// bot started during the copy leaves nothing kept. The leases (roles) are
// not copied: they belong to the processes on the file, and a new
// database starts with none, which the first replica then takes.
func CopyToPostgres(ctx context.Context, from, to string, opts Options, beforeCommit func(context.Context) error) ([]TableCount, error) {
	if IsPostgres(from) || !IsPostgres(to) {
		return nil, errors.New("copy goes from a SQLite file to a postgres:// URL")
	}
	src, err := Open(ctx, from, Options{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("copy from %s: %w", from, err)
	}
	defer src.Close()
	dst, err := Open(ctx, to, opts)
	if err != nil {
		return nil, fmt.Errorf("copy to %s: %w", Redact(to), err)
	}
	defer dst.Close()

	read, err := src.r.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("copy: read %s: %w", from, err)
	}
	defer read.Rollback() //nolint:errcheck // read-only
	tables, err := sqliteTables(ctx, read)
	if err != nil {
		return nil, fmt.Errorf("copy: read %s: %w", from, err)
	}
	conn, err := dst.r.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("copy to %s: %w", Redact(to), err)
	}
	defer conn.Close()
	var out []TableCount
	err = conn.Raw(func(dc any) error {
		qc, ok := dc.(qmarkConn)
		if !ok {
			return fmt.Errorf("unexpected connection %T", dc)
		}
		out, err = copyTables(ctx, read, qc.Conn.Conn(), tables, beforeCommit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("copy to %s: %w", Redact(to), err)
	}
	return out, nil
}

// MigrateSource brings the SQLite file a copy reads up to this build's
// schema, when an older Coachlog left it behind; it reports the versions
// it migrated from and to, or migrated false when the file needed nothing
// (or cannot be opened: CopyToPostgres says why). Copy reads the current
// schema only, and the source is stopped for a copy anyway, so migrating
// it here spares starting the live bot on it to do so.
func MigrateSource(ctx context.Context, from string, opts Options) (have, know int, migrated bool, err error) {
	if IsPostgres(from) { // only a SQLite file is migrated here: no connection just to learn that
		return 0, 0, false, nil
	}
	st, err := Open(ctx, from, Options{ReadOnly: true})
	if err == nil {
		st.Close()
		return 0, 0, false, nil
	}
	var old ErrSchemaOld
	if !errors.As(err, &old) {
		return 0, 0, false, nil
	}
	// The file exists and holds a Coachlog schema: opening it to write
	// migrates it, and creates nothing.
	st, err = Open(ctx, from, Options{Now: opts.Now, Logger: opts.Logger})
	if err != nil {
		return old.Have, old.Know, false, fmt.Errorf("migrate %s from schema version %d: %w", from, old.Have, err)
	}
	if err := st.Close(); err != nil {
		return old.Have, old.Know, false, fmt.Errorf("migrate %s: %w", from, err)
	}
	return old.Have, old.Know, true, nil
}

// Lease is one role's lease as a database file holds it (see
// internal/leader).
type Lease struct {
	Role, Holder string
	Expires      time.Time
}

// LiveLeases returns the leases in the SQLite file at path that have not
// run out by now, by the rule TakeRole applies (one runs out at
// expires_at; a clean shutdown sets it to 0): a live one means a bot
// (`coachlog serve`, or a command delivering) runs on the file. The file
// is read as it is, of any schema version, and never created or
// migrated; a missing file, or one from before leases (no roles table),
// has none.
func LiveLeases(ctx context.Context, path string, now time.Time) ([]Lease, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil // the copy's own open says so
	}
	// mode=rw (never rwc: nothing is created) with query_only, as the
	// store's read-only open: a connection opened mode=ro may not take
	// the write lock, so closing it, the last on the file, could not fold
	// the log back and left an empty -wal and a -shm beside a file that
	// had none. Not immutable either: a bot running on the file keeps its
	// latest lease in its -wal, which this must read, as it does through
	// the -shm.
	db, err := sql.Open("sqlite", fileURI(path)+"?mode=rw&_pragma=query_only(1)")
	if err != nil {
		return nil, fmt.Errorf("read the leases in %s: %w", path, err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'roles'`).Scan(&n); err != nil {
		return nil, fmt.Errorf("read the leases in %s: %w", path, err)
	}
	if n == 0 {
		return nil, nil
	}
	rows, err := db.QueryContext(ctx, `SELECT name, holder, expires_at FROM roles WHERE expires_at > ? ORDER BY name`, ms(now))
	if err != nil {
		return nil, fmt.Errorf("read the leases in %s: %w", path, err)
	}
	defer rows.Close()
	var out []Lease
	for rows.Next() {
		var l Lease
		var until int64
		if err := rows.Scan(&l.Role, &l.Holder, &until); err != nil {
			return nil, fmt.Errorf("read the leases in %s: %w", path, err)
		}
		l.Expires = fromMS(until)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the leases in %s: %w", path, err)
	}
	return out, nil
}

// sqliteTables lists the tables to copy, people and then sessions first
// (most others refer to them), then the rest by name.
func sqliteTables(ctx context.Context, read *sql.Tx) ([]string, error) {
	// roles holds the leases of the bots on the file: a lease copied
	// would be a live bot's (refused) or a stopped one's, which the new
	// database's first replica would wait out or take over for nothing.
	rows, err := read.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name NOT IN ('schema_migrations', 'roles') ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		tables = append(tables, name)
	}
	rank := func(t string) int {
		switch t {
		case "people":
			return 0
		case "sessions":
			return 1
		}
		return 2
	}
	slices.SortStableFunc(tables, func(a, b string) int { return cmp.Compare(rank(a), rank(b)) })
	return tables, rows.Err()
}

func copyTables(ctx context.Context, read *sql.Tx, pg *pgx.Conn, tables []string, beforeCommit func(context.Context) error) ([]TableCount, error) {
	tx, err := pg.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	// A large copy runs longer than the statement timeout meant for the bot.
	if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
		return nil, err
	}
	idents := quoteAll(tables)
	// No bot or second copy writes while this one fills the tables.
	if _, err := tx.Exec(ctx, `LOCK TABLE `+strings.Join(idents, ", ")+` IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return nil, fmt.Errorf("lock the tables (does every table of the SQLite file exist here?): %w", err)
	}
	for i, t := range tables {
		var n int64
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+idents[i]).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, fmt.Errorf("%w: table %s has %d rows; coachlog copy only fills an empty database (create a new one, or drop this one's tables)", ErrTargetNotEmpty, t, n)
		}
	}
	var out []TableCount
	for i, t := range tables {
		cols, types, err := copyColumns(ctx, read, tx, t)
		if err != nil {
			return nil, err
		}
		rows, err := read.QueryContext(ctx, `SELECT `+strings.Join(quoteAll(cols), ", ")+` FROM `+idents[i])
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", t, err)
		}
		src := &rowSource{rows: rows, types: types, vals: make([]any, len(cols))}
		n, err := tx.CopyFrom(ctx, pgx.Identifier{t}, cols, src)
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("copy %s: %w", t, err)
		}
		var want, have int64
		if err := read.QueryRowContext(ctx, `SELECT count(*) FROM `+idents[i]).Scan(&want); err != nil {
			return nil, fmt.Errorf("count %s: %w", t, err)
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+idents[i]).Scan(&have); err != nil {
			return nil, fmt.Errorf("count %s: %w", t, err)
		}
		if want != have || n != have {
			return nil, fmt.Errorf("copy %s: %d rows in SQLite, %d copied, %d in PostgreSQL; nothing was kept", t, want, n, have)
		}
		if err := moveSequences(ctx, tx, t); err != nil {
			return nil, err
		}
		out = append(out, TableCount{Table: t, Rows: have})
	}
	if beforeCommit != nil {
		if err := beforeCommit(ctx); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return out, nil
}

// copyColumns returns the SQLite table's columns and the PostgreSQL type
// of each, refusing a column PostgreSQL lacks.
func copyColumns(ctx context.Context, read *sql.Tx, tx pgx.Tx, table string) ([]string, []string, error) {
	rows, err := read.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return nil, nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, nil, err
		}
		cols = append(cols, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	pgTypes := map[string]string{}
	prow, err := tx.Query(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1`, table)
	if err != nil {
		return nil, nil, err
	}
	for prow.Next() {
		var c, ty string
		if err := prow.Scan(&c, &ty); err != nil {
			prow.Close()
			return nil, nil, err
		}
		pgTypes[c] = ty
	}
	prow.Close()
	if err := prow.Err(); err != nil {
		return nil, nil, err
	}
	types := make([]string, len(cols))
	for i, c := range cols {
		ty, ok := pgTypes[c]
		if !ok {
			return nil, nil, fmt.Errorf("column %s.%s of the SQLite file is missing in PostgreSQL: are both on the same coachlog version?", table, c)
		}
		types[i] = ty
	}
	return cols, types, nil
}

// moveSequences sets each identity column's sequence past the ids copied.
func moveSequences(ctx context.Context, tx pgx.Tx, table string) error {
	rows, err := tx.Query(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 AND is_identity = 'YES'`, table)
	if err != nil {
		return err
	}
	cols, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, c := range cols {
		q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(%s), 0) + 1, false) FROM %s`,
			pgx.Identifier{c}.Sanitize(), pgx.Identifier{table}.Sanitize())
		if _, err := tx.Exec(ctx, q, pgx.Identifier{table}.Sanitize(), c); err != nil {
			return fmt.Errorf("move the id sequence of %s: %w", table, err)
		}
	}
	return nil
}

// rowSource feeds SQLite rows to PostgreSQL's COPY, each value converted
// to the column's PostgreSQL type: SQLite keeps a REAL column's whole
// numbers as integers, and text may come as bytes.
type rowSource struct {
	rows  *sql.Rows
	types []string
	vals  []any
	err   error
}

func (r *rowSource) Next() bool { return r.err == nil && r.rows.Next() }

func (r *rowSource) Values() ([]any, error) {
	ptrs := make([]any, len(r.vals))
	for i := range r.vals {
		ptrs[i] = &r.vals[i]
	}
	if err := r.rows.Scan(ptrs...); err != nil {
		r.err = err
		return nil, err
	}
	out := make([]any, len(r.vals))
	for i, v := range r.vals {
		c, err := convert(v, r.types[i])
		if err != nil {
			r.err = err
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

func (r *rowSource) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.rows.Err()
}

func convert(v any, pgType string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch pgType {
	case "bigint", "integer", "smallint":
		switch x := v.(type) {
		case int64:
			return x, nil
		case float64:
			if x == math.Trunc(x) {
				return int64(x), nil
			}
		}
	case "double precision", "real", "numeric":
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		}
	case "text", "character varying":
		// A file written before the store dropped NULs may hold some:
		// PostgreSQL refuses them, and the store drops them since.
		switch x := v.(type) {
		case string:
			return dropNUL(x), nil
		case []byte:
			return dropNUL(string(x)), nil
		case int64, float64:
			return fmt.Sprint(x), nil
		case time.Time:
			return x.Format(time.RFC3339Nano), nil
		}
	}
	return nil, fmt.Errorf("a %T value does not fit a %s column", v, pgType) // the value may be note text: not quoted
}

// quoteAll quotes each name as a PostgreSQL identifier.
func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = pgx.Identifier{n}.Sanitize()
	}
	return out
}
