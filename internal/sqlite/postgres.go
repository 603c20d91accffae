package sqlite

// PostgreSQL: the same Store, Go code and SQL as on SQLite, opened on a
// PostgreSQL database instead. What differs lives here: opening a pool,
// rewriting the shared `?` placeholders to `$n` once for every statement at
// the driver's door, running the PostgreSQL migrations, and running each
// write in a transaction of its own that locks what it reads before it
// writes (see updatePG), since other processes (replicas, commands) write
// the same rows at once and SQLite's single-writer queue no longer orders
// them.

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/shquote"
	"github.com/coachlog/coachlog/migrations"
)

// IsPostgres reports whether spec (COACHLOG_DB) names a PostgreSQL
// database rather than a SQLite file. The schemes are matched as pgx
// matches them (pgconn.ParseConfig, case-sensitive prefixes): a spec pgx
// would not read as a URL is no PostgreSQL URL here either, so that what
// is taken for one also opens. IsMiscasedPostgres tells the rest apart.
func IsPostgres(spec string) bool {
	return strings.HasPrefix(spec, "postgres://") || strings.HasPrefix(spec, "postgresql://")
}

// IsMiscasedPostgres reports whether spec is meant as a PostgreSQL URL but
// writes its scheme in another case ("POSTGRES://…"). URL schemes ignore
// case, but pgx does not: it would read such a spec as a keyword=value
// string and fail with an unclear error, and taken as a file name it
// would create a SQLite database named after the URL (its password
// included). So it is refused, naming the schemes pgx accepts.
func IsMiscasedPostgres(spec string) bool {
	return hasPostgresScheme(spec) && !IsPostgres(spec)
}

// ErrMiscasedScheme is the refusal of a spec IsMiscasedPostgres reports.
var ErrMiscasedScheme = errors.New("a PostgreSQL URL must begin with postgres:// or postgresql://, in lower case")

// hasPostgresScheme reports whether spec begins with a PostgreSQL URL
// scheme in any case: what must be redacted as a URL, and never read as
// a path or a keyword=value string.
func hasPostgresScheme(spec string) bool {
	s := strings.ToLower(spec)
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// IsKeywordString reports whether spec is a libpq keyword=value
// connection string ("host=db dbname=coachlog"), the form libpq and psql
// accept besides URLs. Taken as a file name, it would have the bot create
// a SQLite database named after it (its password included) and run on
// that, so the configuration refuses it and asks for a URL instead.
func IsKeywordString(spec string) bool {
	if hasPostgresScheme(spec) {
		return false
	}
	for _, f := range strings.Fields(spec) {
		key, _, ok := strings.Cut(f, "=")
		if ok && slices.Contains(libpqKeywords, strings.ToLower(key)) {
			return true
		}
	}
	return false
}

// libpqKeywords are the connection parameters someone moving from psql
// would write; one is enough to tell a connection string from a path.
var libpqKeywords = []string{"host", "hostaddr", "port", "dbname", "user", "password", "passfile", "sslmode",
	"sslrootcert", "connect_timeout", "application_name", "options", "service", "target_session_attrs"}

// Redact returns spec fit for logs and messages: a URL without its
// secrets (the password after the user name, and the password and
// sslpassword parameters, which pgx and libpq accept in the query too); a
// path as it is. A URL whose parts cannot be told apart for certain (an
// unescaped '@', '/', '?' or '#' in a password moves the password into the
// host, path or query; see ExtraAt) is not shown, and neither is a
// keyword=value connection string naming a password.
func Redact(spec string) string {
	if !hasPostgresScheme(spec) { // a miscased URL may hold a password too
		if IsKeywordString(spec) && strings.Contains(strings.ToLower(spec), "password") {
			return "(a connection string, not shown: it holds a password)"
		}
		return spec
	}
	u, ok := redactURL(spec)
	if !ok {
		scheme, _, _ := strings.Cut(spec, "://")
		return scheme + "://(URL not shown: it cannot be read for certain, and may hold a password)"
	}
	return u.String()
}

// redactURL is Redact for a URL, parsed; false if it cannot be read for
// certain.
func redactURL(spec string) (*url.URL, bool) {
	if ExtraAt(spec) {
		return nil, false
	}
	u, err := url.Parse(spec)
	if err != nil {
		return nil, false
	}
	// An '@' the parse left outside the user info means the user info was
	// split somewhere else, maybe inside the password.
	if u.User == nil && strings.Contains(spec, "@") {
		return nil, false
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	u.RawQuery = withoutSecrets(u.RawQuery)
	u.Fragment, u.RawFragment = "", "" // pgx reads no fragment; a '#' in a password starts one
	return u, true
}

// ExtraAt reports whether a PostgreSQL URL holds an '@' beyond the one
// ending its user info, as a password with an unescaped '@' does. Go's
// url.Parse ends the user info at the last '@' of the authority, pgx (as
// libpq) at the first: pgx then takes the rest of the password for part of
// the host name, and its "lookup …: no such host" would print it. Such a
// URL is refused before connecting (ErrExtraAt) and never shown.
func ExtraAt(spec string) bool {
	if !hasPostgresScheme(spec) {
		return false
	}
	_, rest, _ := strings.Cut(spec, "://")
	// Go's authority: up to the first '/', '?' or '#'.
	if i := strings.IndexAny(rest, "/?#"); i >= 0 && strings.Count(rest[:i], "@") > 1 ||
		i < 0 && strings.Count(rest, "@") > 1 {
		return true
	}
	// pgx's: the user info ends at the first '@' before any '/', and the
	// hosts that follow end at a '/' or '?'.
	if i := strings.IndexAny(rest, "@/"); i >= 0 && rest[i] == '@' {
		hosts := rest[i+1:]
		if j := strings.IndexAny(hosts, "/?"); j >= 0 {
			hosts = hosts[:j]
		}
		return strings.Contains(hosts, "@")
	}
	return false
}

// ErrExtraAt is the refusal of a URL ExtraAt reports.
var ErrExtraAt = errors.New("the URL holds more than one '@' before its host, so where the password ends cannot be told (the driver's error would print part of it): write an '@' in a password as %40")

// secretParams are the connection parameters that carry a secret, as pgx
// reads them from a URL's query (pgconn's redactURLPassword masks the same).
var secretParams = []string{"password", "sslpassword"}

// withoutSecrets is a raw URL query without its secret parameters, the
// others as they were written (their order and escaping kept).
func withoutSecrets(raw string) string {
	if raw == "" {
		return ""
	}
	var keep []string
	for _, pair := range strings.Split(raw, "&") {
		rawKey, _, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil || slices.Contains(secretParams, strings.ToLower(key)) {
			continue
		}
		keep = append(keep, pair)
	}
	return strings.Join(keep, "&")
}

// PostgresSchemaVersion is the newest PostgreSQL schema this build knows.
func PostgresSchemaVersion() int { return newestVersion(migrationsPostgres()) }

func migrationsPostgres() (fs.FS, string) { return migrations.PostgresFS, "postgres" }

const (
	defaultPGMaxConns         = 10
	defaultPGStatementTimeout = 30 * time.Second
)

func openPostgres(ctx context.Context, spec string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = defaultPGMaxConns
	}
	if opts.StatementTimeout <= 0 {
		opts.StatementTimeout = defaultPGStatementTimeout
	}
	name := Redact(spec)
	if ExtraAt(spec) {
		return nil, fmt.Errorf("open %s: %w", name, ErrExtraAt)
	}
	cfg, err := pgx.ParseConfig(spec)
	if err != nil {
		// pgx's message quotes the URL; say only which one, redacted, and
		// what pgx found wrong with it.
		return nil, fmt.Errorf("open %s: not a valid PostgreSQL URL%s", name, parseProblem(spec, err))
	}
	cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(opts.StatementTimeout.Milliseconds(), 10)
	cfg.RuntimeParams["application_name"] = "coachlog"
	if opts.ReadOnly {
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
	}
	db := sql.OpenDB(qmarkConnector{stdlib.GetConnector(*cfg)})
	db.SetMaxOpenConns(opts.MaxConns)
	db.SetMaxIdleConns(opts.MaxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w%s", name, oneLine(err), connectHint(err, cfg))
	}
	s := &Store{path: name, url: spec, now: opts.Now, pg: true, r: db}
	s.rq = cachedDB{c: newStmtCache(db), tries: opts.MaxConns + 1}
	s.reader = reader{q: s.rq}
	if opts.ReadOnly {
		if err := checkSchema(ctx, db, true, PostgresSchemaVersion()); err != nil {
			defer s.Close()
			// On a server, an empty database (or search_path) is what a
			// missing file is on SQLite: nothing created it yet.
			// But a schema the role has no USAGE on hides tables that
			// are there: say so, as start-up does, not "create it".
			if errors.Is(err, errNoSchema) {
				err = ErrNoDatabase
				if sp, perr := readSearchPath(ctx, db); perr != nil {
					err = perr
				} else if sp.unusable() {
					err = unusableSchema{sp: sp}
				}
			}
			// USAGE granted, the tables (another role's: the bot's)
			// are still closed to a reporting role without SELECT:
			// "permission denied for table schema_migrations" named
			// no GRANT.
			if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok && pgErr.Code == "42501" {
				var schema, role string
				if db.QueryRowContext(ctx, `SELECT current_schema(), current_user`).Scan(&schema, &role) == nil {
					err = fmt.Errorf("this role may not read Coachlog's tables in schema %s: run `GRANT SELECT ON ALL TABLES IN SCHEMA %s TO %s` as their owner (%w)",
						schema, pgx.Identifier{schema}.Sanitize(), pgx.Identifier{role}.Sanitize(), err)
				}
			}
			return nil, fmt.Errorf("open %s: %w", name, err)
		}
		return s, nil
	}
	s.w, s.wq = db, s.rq
	if err := ensureSchema(ctx, db); err != nil {
		s.Close()
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	if s.created, err = migratePG(ctx, db, s.now(), opts.Logger); err != nil {
		s.Close()
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	return s, nil
}

// NewTables is where an open created Coachlog's tables on PostgreSQL.
type NewTables struct {
	Database string // current_database()
	Schema   string // current_schema(): the first of search_path that exists
}

// CreatedTables says where this open created Coachlog's tables, in a
// PostgreSQL database and schema that held none: a first start, or a
// COACHLOG_DB whose database name or search_path, mistyped, names an
// empty place (an unknown schema is created: ensureSchema), which is what
// a missing file is on SQLite. Nil when the tables were there, or another
// process starting at once created them (it says so, once), and on
// SQLite, where serve asks whether the file was there before it opened
// it.
func (s *Store) CreatedTables() *NewTables { return s.created }

// connectHint is what to do when the server refused the connection for
// the URL's database, user or password, "" for any other failure: the
// server's words alone ("database "coachlog" does not exist") left the
// operator to find that Coachlog creates its tables, never the database
// or the role.
func connectHint(err error, cfg *pgx.ConnConfig) string {
	pgErr, ok := errors.AsType[*pgconn.PgError](err)
	if !ok {
		return ""
	}
	db, user := pgx.Identifier{cfg.Database}.Sanitize(), pgx.Identifier{cfg.User}.Sanitize()
	switch {
	case pgErr.Code == "3D000": // invalid_catalog_name
		return fmt.Sprintf(": create it first (Coachlog creates its tables, not the database), as a superuser: CREATE DATABASE %s OWNER %s", db, user)
	case pgErr.Code == "28000" && strings.HasPrefix(pgErr.Message, "role "): // the role does not exist
		return fmt.Sprintf(": check the user name in the URL, or create the role as a superuser: CREATE ROLE %s LOGIN PASSWORD '…'", user)
	case pgErr.Code == "28000": // no pg_hba.conf entry
		return ": the server's pg_hba.conf lets no such connection in (this user, database and address): ask its administrator"
	case pgErr.Code == "28P01": // invalid_password
		return ": check the password (in the URL, PGPASSWORD or ~/.pgpass; an '@' in it written %40)"
	}
	return ""
}

// oneLine is err said on one line. pgx's connect error puts each attempt
// on a line of its own (each address a host name gives, and sslmode=prefer's
// two tries of each, with TLS and without), so a server that was down or a
// role that did not exist stopped the start with three lines, two of them
// the same, where a bad setting is one line naming the variable. The lines
// are joined, each said once.
func oneLine(err error) error {
	msg := err.Error()
	if !strings.Contains(msg, "\n") {
		return err
	}
	var parts []string
	seen := make(map[string]bool)
	for _, l := range strings.Split(msg, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || seen[l] {
			continue
		}
		seen[l] = true
		parts = append(parts, l)
	}
	if len(parts) == 0 {
		return err
	}
	return wrapped{parts[0] + " " + strings.Join(parts[1:], "; "), err}
}

// ensureSchema creates the schema search_path names first when no schema
// of search_path exists yet (a URL with search_path=coachlog on a new
// database): PostgreSQL would otherwise have nowhere to create the tables
// and refuse with "no schema has been selected to create in" (3F000). A
// name that is not a plain identifier ("$user", a quoted name), or a role
// that may not create schemas, gets a one-line error saying what to run.
func ensureSchema(ctx context.Context, db *sql.DB) error {
	sp, err := readSearchPath(ctx, db)
	switch {
	case err != nil:
		return err
	case sp.current:
		return nil
	case sp.schema == "":
		return fmt.Errorf("no schema of search_path (%s) exists, and Coachlog creates only a plain name (letters, digits, _): create it with CREATE SCHEMA, or change search_path", sp.path)
	case sp.unusable():
		// Creating it would not help.
		return unusableSchema{sp: sp, write: true}
	}
	_, err = db.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS `+sp.quoted())
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		return nil
	// Another process starting at once created it between the check and
	// the create: IF NOT EXISTS is not atomic.
	case errors.As(err, &pgErr) && (pgErr.Code == "42P06" || pgErr.Code == "23505"):
		return nil
	case errors.As(err, &pgErr) && pgErr.Code == "42501":
		return fmt.Errorf("schema %s (search_path) does not exist and this role may not create it: run `CREATE SCHEMA %s AUTHORIZATION %s` as the database's owner", sp.schema, sp.quoted(), pgx.Identifier{sp.role}.Sanitize())
	default:
		return fmt.Errorf("create schema %s (search_path): %w", sp.schema, err)
	}
}

// searchPath is where a connection's tables are found: whether it has a
// current schema (the first of search_path that exists and the role may
// use) and, when not, the first schema search_path names and whether it
// exists.
type searchPath struct {
	current bool
	path    string // search_path as set
	role    string // current_user
	// schema is the first name of search_path, folded to lower case as
	// PostgreSQL folds an unquoted name; "" when it is not a plain
	// identifier ("$user", a quoted name). Read only when !current.
	schema string
	exists bool // schema is in pg_namespace
}

// unusable says the first schema of search_path exists but the role has
// no USAGE on it: current_schema() is NULL then, as when none exists.
func (sp searchPath) unusable() bool { return !sp.current && sp.schema != "" && sp.exists }

func (sp searchPath) quoted() string { return pgx.Identifier{sp.schema}.Sanitize() }

// unusableSchema is a schema of search_path that exists but the role may
// not use. Its GRANT is a writer's (USAGE, CREATE: it creates its tables)
// or a reader's (USAGE alone), as the open that met it.
type unusableSchema struct {
	sp    searchPath
	write bool
}

func (e unusableSchema) Error() string {
	if e.write {
		return e.sp.grantError("USAGE, CREATE", " (a read-only role: USAGE, and SELECT on the tables once they exist)").Error()
	}
	return e.sp.grantError("USAGE", "").Error()
}

// grantError says the schema exists but the role may not use it, and the
// GRANT of privs its owner runs, then tail.
func (sp searchPath) grantError(privs, tail string) error {
	return fmt.Errorf("schema %s (search_path) exists but this role may not use it: run `GRANT %s ON SCHEMA %s TO %s` as its owner%s",
		sp.schema, privs, sp.quoted(), pgx.Identifier{sp.role}.Sanitize(), tail)
}

// readSearchPath reads the connection's searchPath.
func readSearchPath(ctx context.Context, db *sql.DB) (searchPath, error) {
	var sp searchPath
	var current sql.NullString
	if err := db.QueryRowContext(ctx, `SELECT current_schema(), current_user`).Scan(&current, &sp.role); err != nil {
		return sp, fmt.Errorf("read the current schema: %w", err)
	}
	if sp.current = current.Valid; sp.current {
		return sp, nil
	}
	if err := db.QueryRowContext(ctx, `SHOW search_path`).Scan(&sp.path); err != nil {
		return sp, fmt.Errorf("read search_path: %w", err)
	}
	first, _, _ := strings.Cut(sp.path, ",")
	if first = strings.TrimSpace(first); !plainIdentifier(first) {
		return sp, nil
	}
	sp.schema = strings.ToLower(first)
	// A schema there and usable was created since current_schema() was
	// read, by another process starting at once (ensureSchema): the next
	// statement finds it current. Taken for one the role may not use, it
	// failed that start with a GRANT to run.
	if err := db.QueryRowContext(ctx, `SELECT count(*) > 0, coalesce(bool_or(has_schema_privilege(oid, 'USAGE')), false)
		FROM pg_namespace WHERE nspname = ?`, sp.schema).Scan(&sp.exists, &sp.current); err != nil {
		return sp, fmt.Errorf("look for schema %s (search_path): %w", sp.schema, err)
	}
	return sp, nil
}

// plainIdentifier reports whether s is an unquoted SQL name: letters,
// digits, _ and $, not starting with a digit or $.
func plainIdentifier(s string) bool {
	for i, r := range s {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
		case i > 0 && (r == '$' || r >= '0' && r <= '9'):
		default:
			return false
		}
	}
	return s != ""
}

// parseProblem is what pgx found wrong in spec (": invalid port", ":
// failed to configure TLS (sslmode is invalid)"), without the URL its
// message quotes; empty when that cannot be told apart from the URL, or
// when it might show a password (a problem holding the text of a password
// the URL gives). Of a URL Redact cannot read for certain, it says how to
// write a password, not pgx's problem, which might quote part of it.
func parseProblem(spec string, err error) string {
	var pe *pgconn.ParseConfigError
	if _, ok := redactURL(spec); !ok {
		return ": its parts cannot be told apart; write '@', '/', '?', '#' and '%' in a password percent-escaped (%40, %2F, %3F, %23, %25)"
	}
	if !errors.As(err, &pe) {
		return ""
	}
	u, uerr := url.Parse(spec)
	if uerr != nil {
		return ""
	}
	msg := pe.Error()
	// "cannot parse `URL`: problem"; pgx's problems quote no backtick.
	i := strings.LastIndex(msg, "`: ")
	if !strings.HasPrefix(msg, "cannot parse `") || i < 0 {
		return ""
	}
	problem := msg[i+3:]
	var secrets []string
	if u.User != nil {
		if pw, set := u.User.Password(); set {
			secrets = append(secrets, pw)
		}
	}
	for k, vs := range u.Query() {
		if slices.Contains(secretParams, strings.ToLower(k)) {
			secrets = append(secrets, vs...)
		}
	}
	for _, sec := range secrets {
		if sec != "" && strings.Contains(problem, sec) {
			return ""
		}
	}
	return ": " + problem
}

// IsPostgres reports whether the store is on PostgreSQL.
func (s *Store) IsPostgres() bool { return s.pg }

// migrateLockKey names the advisory lock migrations take, with the schema
// they run in, so that two processes starting at once apply each migration
// once while tests in schemas of their own never wait for each other.
const migrateLockKey = 0x636c6d // "clm"

// migratePG applies the PostgreSQL migrations the database lacks, each in a
// transaction of its own that first takes the migration lock and then
// reads the version: a second process starting at once waits, then finds
// the migration applied. It says where it created the tables when it
// found none (CreatedTables).
func migratePG(ctx context.Context, db *sql.DB, now time.Time, log *slog.Logger) (*NewTables, error) {
	all, err := loadMigrationsFrom(migrationsPostgres())
	if err != nil {
		return nil, err
	}
	know := 0
	if len(all) > 0 {
		know = all[len(all)-1].version
	}
	// Read outside the lock, only to say what is to come: a new database
	// has no schema_migrations yet (version 0), and applyPG reads it again
	// under the lock.
	have, err := schemaVersionOf(ctx, db)
	if err != nil {
		have = 0
	}
	// applyPG refuses a newer schema under the lock, but no migration
	// recorded here is applied again (announced): on a database with all
	// of them, it is this read that refuses one a newer build migrated.
	if have > know {
		return nil, ErrSchemaTooNew{Have: have, Know: know}
	}
	var created *NewTables
	err = announced(ctx, log, db, have, all, func(m migration) error {
		here, err := applyPG(ctx, db, m, now, know)
		created = cmp.Or(created, here)
		return err
	})
	return created, err
}

// applyPG applies m, unless the database has it already. When it found
// no migration recorded, under the lock, so that of processes starting
// at once only the one creating the tables says so, it names where it
// created them.
func applyPG(ctx context.Context, db *sql.DB, m migration, now time.Time, know int) (*NewTables, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("migration %s: begin: %w", m.name, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	// A migration building an index on a large table may take longer than
	// the statement timeout meant for the bot's own statements.
	if _, err := tx.ExecContext(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
		return nil, fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))`, migrateLockKey); err != nil {
		return nil, fmt.Errorf("migration %s: lock: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, pgSchemaMigrations); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w%s", err, createRemedy(ctx, db, err))
	}
	var have sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&have); err != nil {
		return nil, fmt.Errorf("migration %s: %w", m.name, err)
	}
	if int(have.Int64) > know {
		return nil, ErrSchemaTooNew{Have: int(have.Int64), Know: know}
	}
	var created *NewTables
	if !have.Valid {
		created = &NewTables{}
		if err := tx.QueryRowContext(ctx, `SELECT current_database(), current_schema()`).Scan(&created.Database, &created.Schema); err != nil {
			return nil, fmt.Errorf("migration %s: read where it creates the tables: %w", m.name, err)
		}
	}
	if err := applyIn(ctx, tx, m, now); err != nil {
		return nil, err
	}
	return created, nil
}

// pgSchemaMigrations is the table that records PostgreSQL's applied
// migrations, as applyPG creates it.
const pgSchemaMigrations = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`

// PostgresMigrationScript is the SQL that takes an empty schema (the
// current one) to this build's PostgreSQL schema, as a first open leaves
// it: schema_migrations, then each migration, in order, and its record,
// applied at appliedAt. It is one script, with no transaction of its own
// and no migration lock, for a caller that runs it in a transaction on a
// schema nobody else uses (sqlitetest.PostgresMigrated): the store's own
// open migrates with applyPG.
func PostgresMigrationScript(appliedAt time.Time) (string, error) {
	ms, err := loadMigrationsFrom(migrationsPostgres())
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(pgSchemaMigrations + ";\n")
	for _, m := range ms {
		// A migration's last statement may lack its semicolon, and its
		// last line may be a comment: each ends on a line of its own.
		fmt.Fprintf(&b, "%s\n;\nINSERT INTO schema_migrations (version, name, applied_at) VALUES (%d, '%s', %d);\n",
			m.sql, m.version, strings.ReplaceAll(m.name, "'", "''"), appliedAt.UnixMilli())
	}
	return b.String(), nil
}

// createRemedy is what to run when the role may not create tables in its
// schema (42501): PostgreSQL 15 no longer lets every role create in
// public, so a URL without search_path fails there at the first start.
// Empty for any other error, or when the schema cannot be read.
func createRemedy(ctx context.Context, db *sql.DB, err error) string {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
		return ""
	}
	var schema, role string
	if db.QueryRowContext(ctx, `SELECT current_schema(), current_user`).Scan(&schema, &role) != nil {
		return ""
	}
	remedy := fmt.Sprintf(": run `GRANT CREATE ON SCHEMA %s TO %s` as its owner", pgx.Identifier{schema}.Sanitize(), pgx.Identifier{role}.Sanitize())
	if schema == "public" {
		remedy += ", or give Coachlog a schema of its own with search_path=coachlog in the URL (created at start if the role may create schemas)"
	}
	return remedy
}

// maxPGAttempts bounds the retries of a write that PostgreSQL aborted for
// a deadlock (or a serialization failure); each retry waits a little
// longer, with jitter, so that the writers that collided do not collide
// again in step. The caller's deadline, an ack's, ends the retries sooner.
const maxPGAttempts = 20

// updatePG runs fn in a READ COMMITTED transaction of its own. The writes
// read, then write (a submission key, a session's version, a rep's month
// of minutes), so what they read is locked first, and each later statement
// then sees what the lock's previous holder committed:
//
//   - a submission key, by an advisory lock on it (tx.SubmissionSession):
//     the same envelope at two replicas logs one session;
//   - a session's row, FOR UPDATE (tx.Session): an edit, a rep's click and
//     an undo never lose each other;
//   - each (rep, month) cell of minutes, in a fixed order (lockCells),
//     before its sum is taken again;
//   - a roster or performance import, by an advisory lock (lockImport).
//
// Everything else is one statement (an upsert, ON CONFLICT DO NOTHING, an
// UPDATE … WHERE) or an insert, correct as it stands. SERIALIZABLE would
// need none of this, but it was measured aborting more writes than it
// committed: concurrent sessions insert into the same index pages. A
// deadlock (40P01) or serialization failure (40001) runs fn again from the
// start, so fn must set, not accumulate, what it reports outside.
//
// So does a connection lost before COMMIT was sent (lostBeforeCommit): a
// backend terminated (a failover, pg_terminate_backend, a pgbouncer
// restart), or a socket a firewall cut while idle in the pool. PostgreSQL
// rolls back what a lost session had not committed, so nothing of the
// first try stays, and database/sql hands the next try another
// connection (the dead one is discarded: see connLost). A COMMIT that
// loses its connection is run again only once the server says it rolled
// back (commitFailed).
func (s *Store) updatePG(ctx context.Context, fn func(coaching.Tx) error) error {
	if s.w == nil {
		return errors.New("store is read-only")
	}
	defer s.inflight.add(time.Now())()
	var err error
	for attempt := 0; attempt < maxPGAttempts; attempt++ {
		if attempt > 0 {
			wait := time.Duration(1<<min(attempt, 6)) * time.Millisecond
			wait = wait/2 + rand.N(wait)
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return busy(ctx.Err())
			case <-t.C:
			}
		}
		err = s.pgTx(ctx, fn)
		if !retryable(err) && !lostBeforeCommit(err) {
			break
		}
	}
	s.prepareLater()
	return busy(err)
}

// prepareLater prepares the statements a write met unprepared, in the
// background, one pass at a time. PREPARE on PostgreSQL takes the locks
// of the tables it names: done before returning, it held a write that
// had committed behind a table another session locked (a migration,
// LOCK TABLE), up to the statement timeout, far past an ack's deadline.
func (s *Store) prepareLater() {
	if !s.wq.c.hasWanted() || !s.preparing.CompareAndSwap(false, true) {
		return
	}
	s.prepared.Add(1)
	go func() {
		defer s.prepared.Done()
		defer s.preparing.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), prepareLaterFor)
		defer cancel()
		s.wq.c.prepareWanted(ctx)
	}()
}

// prepareLaterFor bounds a pass of prepareLater: what it could not
// prepare runs unprepared, and is wanted again the next time it runs.
const prepareLaterFor = 10 * time.Second

func (s *Store) pgTx(ctx context.Context, fn func(coaching.Tx) error) error {
	sqlTx, err := s.w.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer sqlTx.Rollback() //nolint:errcheck // a no-op after Commit
	q := cachedTx{tx: sqlTx, c: s.wq.c}
	t := &tx{reader: reader{q: q}, q: q, tx: sqlTx, clock: s.now, pg: true}
	if err := runGuarded(fn, t); err != nil {
		return err
	}
	// The transaction's id and its backend's, kept for a COMMIT whose
	// answer is lost: no transaction id when fn wrote nothing. One round
	// trip more per write; a lost connection here is lost before COMMIT,
	// and run again.
	var x xact
	if err := q.QueryRowContext(ctx, xactQuery).Scan(&x.id, &x.pid); err != nil {
		return fmt.Errorf("read the transaction's id: %w", err)
	}
	if err := sqlTx.Commit(); err != nil {
		return s.commitFailed(ctx, x, err)
	}
	return nil
}

// xact names a write's transaction on the server: its id (xid8, as text)
// and the backend running it.
type xact struct {
	id  sql.NullString
	pid int64
}

const xactQuery = `SELECT pg_current_xact_id_if_assigned()::text, pg_backend_pid()`

// commitFailed is what a write whose COMMIT failed with err returns. A
// lost connection cannot say whether the server committed: it may have
// written the commit record and been cut off before it answered, or
// never read COMMIT at all. Whether pgx sent COMMIT cannot be told either
// (pgx v5.12 reports a socket that ended while it awaited the answer as
// "conn closed", which says SafeToRetry as a connection closed before
// use does). So the server is asked, on another connection, what became
// of the transaction (xactStatus): committed, the write succeeded, and is
// not run again (a second session, a commitment ticked twice); rolled
// back, it is lost as one before COMMIT is (lostBeforeCommit), and run
// again. A write that wrote nothing (no transaction id) has nothing to
// lose. Only when the server cannot tell in time is the caller told
// ErrCommitUncertain.
func (s *Store) commitFailed(ctx context.Context, x xact, err error) error {
	if !connLost(err) {
		return fmt.Errorf("commit: %w", err)
	}
	if !x.id.Valid {
		return nil
	}
	switch s.xactStatus(ctx, x) {
	case "committed":
		return nil
	case "aborted":
		return fmt.Errorf("commit lost, and the transaction found rolled back: %w", err)
	default:
		return commitUncertain{err}
	}
}

// lostCommitWait bounds how long xactStatus waits, besides the caller's
// deadline, for a transaction to end.
const lostCommitWait = 10 * time.Second

// xactStatus asks the server what became of the transaction x whose
// COMMIT lost its connection: "committed", "aborted", or "" when it cannot
// be told (the server out of reach, the deadline passed). A transaction
// still in progress is one whose backend is still running: finishing a
// COMMIT it read, or waiting for the next statement of a client it does
// not know is gone (a connection cut in the network, not by the server,
// ends only once TCP keepalive or a timeout notices, hours perhaps,
// holding its locks: the submission key's, that a redelivery waits on).
// Its backend is ended, found by its pid and the transaction it runs, so
// that it is never another session's (the same id on another server, a
// standby promoted since, is not enough): a COMMIT it was running
// completes or not, and either way the answer is final once the backend
// has gone.
func (s *Store) xactStatus(ctx context.Context, x xact) string {
	ctx, cancel := context.WithTimeout(ctx, lostCommitWait)
	defer cancel()
	ended := false
	for try := 0; ; try++ {
		var status sql.NullString
		if err := s.rq.QueryRowContext(ctx, `SELECT pg_xact_status(?::xid8)`, x.id.String).Scan(&status); err != nil {
			return ""
		}
		if status.String != "in progress" {
			return status.String // "" for NULL: too old to tell, never so soon
		}
		if !ended {
			// Refused (a role that may not end it), it is waited for.
			_, err := s.w.ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
				WHERE pid = ? AND backend_xid = ?::xid8::xid`, x.pid, x.id.String)
			ended = err == nil || !connLost(err)
		}
		wait := time.NewTimer(time.Duration(1<<min(try, 6)) * time.Millisecond)
		select {
		case <-ctx.Done():
			wait.Stop()
			return ""
		case <-wait.C:
		}
	}
}

// ErrCommitUncertain is a write whose connection was lost at COMMIT
// and whose fate the server could not tell in time (commitFailed): out
// of reach, or the caller's deadline passed. It may or may not be stored.
// Run again with the same submission key (a redelivered envelope), a log
// finds its session rather than making another; anything else is for the
// caller to check before repeating.
var ErrCommitUncertain = errors.New("the database connection was lost during COMMIT, and the database could not say in time whether it committed: the write may or may not be stored")

// commitUncertain is a COMMIT that lost its connection: errors.Is says
// ErrCommitUncertain, and the driver's error stays for the logs.
type commitUncertain struct{ cause error }

func (e commitUncertain) Error() string {
	return ErrCommitUncertain.Error() + ": " + e.cause.Error()
}

func (e commitUncertain) Unwrap() []error { return []error{ErrCommitUncertain, e.cause} }

// lostBeforeCommit reports a write that failed because its connection
// was lost before COMMIT was sent (at BEGIN or inside fn), or at a COMMIT
// the server says it rolled back (commitFailed). PostgreSQL has not
// committed it, so running it again from the start on another
// connection is safe.
func lostBeforeCommit(err error) bool {
	return connLost(err) && !errors.Is(err, ErrCommitUncertain)
}

// connLost reports an error that says the connection to PostgreSQL is
// gone, not that the statement was wrong or gave up:
//
//   - the server ended the session: 57P01 admin_shutdown (a failover,
//     pg_terminate_backend, a smart or fast shutdown), 57P02
//     crash_shutdown, 57P03 cannot_connect_now (starting up or in
//     recovery), and class 08, connection_exception;
//   - the driver found it gone: driver.ErrBadConn, or pgx's SafeToRetry
//     (nothing was sent: a dial that failed, a connection pgx had
//     closed already);
//   - the socket ended under a read or write: io.EOF,
//     io.ErrUnexpectedEOF, a reset or a closed connection (a net.Error).
//
// A timeout is not connection loss: the caller's deadline (an ack's) or
// a network timeout; pgx wraps both in its timeout error, which says
// SafeToRetry too when nothing was sent. Neither is retried: the
// deadline ends retries, and busy tells the person to try again.
//
// pgx marks the connection closed on any of these (pgconn closes on a
// read or write error and on the server's FATAL). database/sql then drops
// it the next time the pool would hand it out: pgx's stdlib connection
// answers ResetSession with driver.ErrBadConn once closed, and
// database/sql closes it and takes another (pgx v5.12's stdlib.Conn
// implements no driver.Validator, so the drop happens at the next take,
// not at release). A connection the server ended while it sat idle is
// not known closed until used (pgx pings only one idle for over a
// second), which is why the first statement on it fails, and why the
// write or read that met it is run again.
func connLost(err error) bool {
	if err == nil || pgconn.Timeout(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if pe, ok := errors.AsType[*pgconn.PgError](err); ok {
		return pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || strings.HasPrefix(pe.Code, "08")
	}
	if errors.Is(err, driver.ErrBadConn) || pgconn.SafeToRetry(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return true
	}
	ne, ok := errors.AsType[net.Error](err)
	return ok && !ne.Timeout()
}

// inflight tracks when each write now running began, so that WriteWait
// can say how long the oldest has waited (for /healthz) without a query:
// on PostgreSQL writes run side by side, not queued behind one writer.
type inflight struct {
	mu   sync.Mutex
	next uint64
	at   map[uint64]time.Time
}

// add records a write begun at t and returns what ends it.
func (f *inflight) add(t time.Time) (done func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.at == nil {
		f.at = map[uint64]time.Time{}
	}
	f.next++
	id := f.next
	f.at[id] = t
	return func() {
		f.mu.Lock()
		delete(f.at, id)
		f.mu.Unlock()
	}
}

// oldest is how long the longest-running write has run at now; zero when
// none runs. There are at most a pool's worth, so a scan is cheap.
func (f *inflight) oldest(now time.Time) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	var d time.Duration
	for _, t := range f.at {
		d = max(d, now.Sub(t))
	}
	return d
}

// retryable reports a transaction PostgreSQL aborted only because of
// others running at once: run again, it can succeed.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// pgBusy reports a PostgreSQL statement that gave up waiting: the
// statement timeout, a lock timeout, or serialization retries exhausted.
func pgBusy(err error) bool { return retryable(err) || pgTimedOut(err) }

// pgTimedOut reports a statement cancelled by the statement timeout
// (57014) or a lock timeout (55P03).
func pgTimedOut(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "57014" || pe.Code == "55P03")
}

// StatementTimedOut reports an error of a PostgreSQL statement cancelled
// by the statement timeout (COACHLOG_PG_STATEMENT_TIMEOUT), or by a lock
// timeout, and the database's own error without the busy message: what a
// command run by hand says, where "try again in a moment" alone does not
// tell the operator which setting, or what holds the table.
func StatementTimedOut(err error) (string, bool) {
	if !pgTimedOut(err) {
		return "", false
	}
	if b, ok := errors.AsType[busyError](err); ok {
		return b.cause.Error(), true
	}
	return err.Error(), true
}

// LockTimedOut reports an error of a PostgreSQL statement cancelled by a
// lock timeout (55P03) rather than the statement timeout: the server's
// lock_timeout, which Coachlog never sets (a role's or database's
// default, PGOPTIONS, the URL), so a message naming
// COACHLOG_PG_STATEMENT_TIMEOUT would send the operator to the wrong
// setting.
func LockTimedOut(err error) bool {
	pe, ok := errors.AsType[*pgconn.PgError](err)
	return ok && pe.Code == "55P03"
}

// lockKeys name the advisory locks this store takes (with a second key):
// the migrations, a submission key, an import, a job. Advisory locks are the
// database's, not a schema's, so each second key hashes the store's schema
// too: two installations (or two tests) in schemas of one database would
// otherwise wait on each other for equal key text.
const (
	lockSubmission = 0x636c73 // "cls"
	lockImport     = 0x636c69 // "cli"
	lockJob        = 0x636c6a // "clj"
)

// advisoryLock takes, until the transaction ends, the advisory lock of
// class (a lockKey) and name in this store's schema; PostgreSQL only.
func (t *tx) advisoryLock(ctx context.Context, class int, name string) error {
	_, err := t.q.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?, hashtext(current_schema() || ':' || ?))`, class, name)
	return err
}

// SubmissionSession, in a write on PostgreSQL, first takes the key's
// advisory lock: a second delivery of the same submission waits for the
// first to commit and then reads its session, rather than logging another.
func (t *tx) SubmissionSession(ctx context.Context, key string) (int64, bool, error) {
	if t.pg && key != "" {
		if err := t.advisoryLock(ctx, lockSubmission, key); err != nil {
			return 0, false, fmt.Errorf("lock submission %s: %w", key, err)
		}
	}
	return t.reader.SubmissionSession(ctx, key)
}

// Session, in a write on PostgreSQL, first locks the session's row: the
// write that reads it to change it (an edit, a rep's click, an undo) reads
// it as the last writer left it, and the next waits for this one.
func (t *tx) Session(ctx context.Context, id int64) (coaching.Session, error) {
	if t.pg {
		if _, err := t.q.ExecContext(ctx, `SELECT id FROM sessions WHERE id = ? FOR UPDATE`, id); err != nil {
			return coaching.Session{}, fmt.Errorf("lock session %d: %w", id, err)
		}
	}
	return t.reader.Session(ctx, id)
}

// JobRanSince, in a write on PostgreSQL, first takes the job's advisory
// lock: two runs that read the ledger and then claim a period of the same
// job (a manager's nudge for two local days, their zone changed between
// the reads) claim one after the other, the second seeing the first's row.
func (t *tx) JobRanSince(ctx context.Context, job string, since time.Time, except string) (bool, error) {
	if t.pg {
		if err := t.advisoryLock(ctx, lockJob, job); err != nil {
			return false, fmt.Errorf("lock job %s: %w", job, err)
		}
	}
	return t.reader.JobRanSince(ctx, job, since, except)
}

// lockCells, on PostgreSQL, locks each (rep, month) cell of minutes before
// its sum is taken again, creating it if need be, in one order for every
// writer so that two never wait for each other: the sum then counts every
// session a writer before committed. SQLite has one writer.
func (t *tx) lockCells(ctx context.Context, cells []repMonth) error {
	if !t.pg || len(cells) == 0 {
		return nil
	}
	sorted := slices.Clone(cells)
	slices.SortFunc(sorted, func(a, b repMonth) int {
		return cmp.Or(cmp.Compare(a.month.String(), b.month.String()), cmp.Compare(a.rep, b.rep))
	})
	for _, c := range sorted {
		if _, err := t.q.ExecContext(ctx, `INSERT INTO rep_months (month, rep_id) VALUES (?, ?)
			ON CONFLICT (month, rep_id) DO UPDATE SET minutes = rep_months.minutes`, c.month.String(), c.rep); err != nil {
			return fmt.Errorf("lock the coaching minutes of %s in %s: %w", c.rep, c.month, err)
		}
	}
	return nil
}

// lockImport, on PostgreSQL, makes imports of one kind (roster,
// performance) run one at a time: each reads what is stored before it
// writes, as it does on SQLite's single writer.
func (t *tx) lockImport(ctx context.Context, kind string) error {
	if !t.pg {
		return nil
	}
	if err := t.advisoryLock(ctx, lockImport, kind); err != nil {
		return fmt.Errorf("wait for another %s import: %w", kind, err)
	}
	return nil
}

// skipLocked ends a claim's row selection: on PostgreSQL it locks the rows
// and skips those another claimer holds; SQLite has one writer and no row
// locks.
func (s *Store) skipLocked() string {
	if s.pg {
		return ` FOR UPDATE SKIP LOCKED`
	}
	return ``
}

// beginRead begins a read transaction (readTx) on a reader. A BEGIN that
// meets a lost connection is begun again on another, as a read on the
// pool is (cachedDB): pgx sends BEGIN when asked, so a connection the
// server ended while idle fails there, before anything was read.
func (s *Store) beginRead(ctx context.Context) (*sql.Tx, error) {
	tries := max(s.rq.tries, 1)
	for try := 1; ; try++ {
		tx, err := s.r.BeginTx(ctx, s.readTx())
		if err == nil || try >= tries || ctx.Err() != nil || !connLost(err) {
			return tx, err
		}
	}
}

// readTx is how reads that span several queries begin: on PostgreSQL a
// read-only REPEATABLE READ transaction, one snapshot for all of them, as
// a SQLite read transaction is.
func (s *Store) readTx() *sql.TxOptions {
	if s.pg {
		return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return nil
}

// BackupRefusal is backup's answer on PostgreSQL: the database's own tool
// does it, consistently and while Coachlog runs. The command shown carries
// no password (pg_dump reads PGPASSWORD or ~/.pgpass) and no parameters
// only Coachlog understands.
func BackupRefusal(spec, dest string) error {
	u, ok := redactURL(spec)
	if !ok {
		return errors.New("backup: on PostgreSQL use pg_dump")
	}
	q := u.Query()
	schema := q.Get("search_path")
	for k := range q {
		// pgx sends any parameter it does not know to the server as a
		// setting (lock_timeout=5s, which README names), where libpq
		// refuses the whole URL ("invalid URI query parameter"), so the
		// command shown would fail: it keeps only what libpq reads.
		// application_name would name the dump after the bot.
		if !libpqParams[k] || k == "application_name" {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	// umask 077: pg_dump creates the file -rw-r--r-- otherwise, and a
	// backup is to be readable by its owner alone, as coachlog backup's are.
	cmd := "umask 077 && pg_dump --format=custom --file=" + shquote.Quote(dest)
	// Coachlog's tables are in the first schema of search_path (the one
	// ensureSchema creates); --schema takes one name, not a list.
	first, _, _ := strings.Cut(schema, ",")
	if first = strings.TrimSpace(first); first != "" {
		cmd += " --schema=" + shquote.Quote(first)
	}
	cmd += " " + shquote.Quote(u.String())
	return fmt.Errorf("backup: this database is PostgreSQL; coachlog backup copies SQLite files only. Back it up with pg_dump (it reads the password from PGPASSWORD or ~/.pgpass), e.g.:\n  %s\nand restore with pg_restore", cmd)
}

// libpqParams are the connection parameters libpq (pg_dump's client)
// reads in a URL's query, from PostgreSQL 13 to 17
// (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-PARAMKEYWORDS).
var libpqParams = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "dbname": true, "user": true,
	"passfile": true, "channel_binding": true, "connect_timeout": true,
	"client_encoding": true, "options": true, "application_name": true,
	"fallback_application_name": true, "keepalives": true, "keepalives_idle": true,
	"keepalives_interval": true, "keepalives_count": true, "tcp_user_timeout": true,
	"replication": true, "gssencmode": true, "sslmode": true, "requiressl": true,
	"sslnegotiation": true, "sslcompression": true, "sslcert": true, "sslkey": true,
	"sslcertmode": true, "sslrootcert": true, "sslcrl": true, "sslcrldir": true,
	"sslsni": true, "requirepeer": true, "require_auth": true,
	"ssl_min_protocol_version": true, "ssl_max_protocol_version": true,
	"krbsrvname": true, "gsslib": true, "gssdelegation": true, "service": true,
	"target_session_attrs": true, "load_balance_hosts": true,
}

// qmarkConnector hands out pgx connections that take the store's SQL as
// written, with `?` placeholders. Rewriting at the driver's door covers
// every path a statement takes (the statement cache's prepares,
// transactions' unprepared statements, the metrics' variable-length IN
// lists, migrations) with one rule, so no statement is written twice.
type qmarkConnector struct{ driver.Connector }

func (c qmarkConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	pc, ok := conn.(*stdlib.Conn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("pgx returned a %T connection", conn)
	}
	return qmarkConn{pc}, nil
}

// qmarkConn is a pgx connection whose statements are rebound first; all
// else is pgx's.
type qmarkConn struct{ *stdlib.Conn }

func (c qmarkConn) Prepare(query string) (driver.Stmt, error) {
	return c.Conn.Prepare(rebind(query))
}

func (c qmarkConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, rebind(query))
}

// A statement run without arguments has no placeholders to rewrite: it is
// sent as written, so a migration may use PostgreSQL's own `?` operators.
func (c qmarkConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if len(args) > 0 {
		query = rebind(query)
	}
	return c.Conn.ExecContext(ctx, query, args)
}

func (c qmarkConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) > 0 {
		query = rebind(query)
	}
	return c.Conn.QueryContext(ctx, query, args)
}

// rebind rewrites `?` placeholders as `$1, $2, …`, leaving string
// literals, quoted identifiers and comments alone.
func rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(q) && q[j] != c {
				j++
			}
			b.WriteString(q[i:min(j+1, len(q))])
			i = j
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				j = len(q) - i
			}
			b.WriteString(q[i : i+j])
			i += j - 1
		case c == '/' && i+1 < len(q) && q[i+1] == '*':
			j := strings.Index(q[i+2:], "*/")
			if j < 0 {
				j = len(q) - i - 2
			} else {
				j += 2
			}
			b.WriteString(q[i : i+2+j])
			i += 1 + j
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
