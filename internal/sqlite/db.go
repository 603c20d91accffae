// Package sqlite is Coachlog's store on an embedded SQLite file
// (modernc.org/sqlite, pure Go). It is the only package that speaks SQL.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/coachlog/coachlog/internal/coaching"
)

// Options tune how the database is opened.
type Options struct {
	// ReadOnly opens an existing database for reading: a missing file is an
	// error rather than a new empty database, and nothing is migrated.
	ReadOnly bool
	// BusyTimeout bounds how long a statement waits for another writer.
	// The bot keeps it under Slack's 3 s ack deadline; default 2 s.
	BusyTimeout time.Duration
	// Durable makes every commit wait for an fsync (synchronous=FULL), which
	// survives power loss at the cost of a slower commit. The default,
	// NORMAL in WAL mode, already survives a process crash.
	Durable bool
	// Now is the clock for timestamps; default time.Now.
	Now func() time.Time
}

// Store is the SQLite-backed store. Writes go through a single connection so
// that writers queue in Go instead of sleeping in SQLite's busy handler;
// reads use a pool and, in WAL mode, never wait for writers.
type Store struct {
	reader
	w, r   *sql.DB
	wq, rq cachedDB // prepared statements on the writer and the readers
	path   string
	now    func() time.Time

	stopCheckpoints chan struct{}
	checkpointsDone chan struct{}

	writes     chan *writeReq
	stopWriter chan struct{}
	writerDone chan struct{}
}

var _ coaching.Store = (*Store)(nil)

// ErrNoDatabase is returned when a read-only open finds no database file.
var ErrNoDatabase = errors.New("database does not exist")

// Open opens (and unless read-only, creates and migrates) the database at path.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.BusyTimeout == 0 {
		opts.BusyTimeout = 2 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ReadOnly {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("open %s: %w", path, ErrNoDatabase)
		}
	}
	s := &Store{path: path, now: opts.Now}
	var err error
	if s.r, err = sql.Open("sqlite", dsn(path, opts, false)); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s.r.SetMaxOpenConns(4)
	s.r.SetMaxIdleConns(4)
	s.rq = cachedDB{newStmtCache(s.r)}
	s.reader = reader{q: s.rq}
	if opts.ReadOnly {
		if err := checkSchema(ctx, s.r, true); err != nil {
			s.r.Close()
			return nil, err
		}
		return s, nil
	}
	if s.w, err = sql.Open("sqlite", dsn(path, opts, true)); err != nil {
		s.r.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetConnMaxIdleTime(0)
	s.wq = cachedDB{newStmtCache(s.w)}
	if err := migrate(ctx, s.w, s.now()); err != nil {
		s.Close()
		return nil, err
	}
	s.stopCheckpoints, s.checkpointsDone = make(chan struct{}), make(chan struct{})
	go s.checkpoints(time.Second)
	s.writes, s.stopWriter, s.writerDone = make(chan *writeReq, maxBatch), make(chan struct{}), make(chan struct{})
	go s.writer()
	return s, nil
}

// checkpoints copies the write-ahead log into the database from a reader
// connection in the background. The writer's automatic checkpoint is off:
// left on, every thousandth page a commit would do the copying and an
// fsync on the ack path, and its ack would be late.
func (s *Store) checkpoints(every time.Duration) {
	defer close(s.checkpointsDone)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stopCheckpoints:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), every)
			_, _ = s.r.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`) // best effort; the next tick retries
			cancel()
		}
	}
}

// dsn puts every pragma in the connection string, so each pooled connection
// gets them, not only the first.
func dsn(path string, opts Options, write bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", opts.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	// Savepoints (one per write in a group commit) journal to a temp file;
	// in memory that costs no system calls.
	q.Add("_pragma", "temp_store(2)")
	if opts.Durable {
		q.Add("_pragma", "synchronous(FULL)")
	} else {
		q.Add("_pragma", "synchronous(NORMAL)")
	}
	if write {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "wal_autocheckpoint(0)") // see Store.checkpoints
		// Take the write lock at BEGIN: a deferred transaction that reads
		// first and then writes can fail with SQLITE_BUSY without waiting.
		q.Set("_txlock", "immediate")
	} else if opts.ReadOnly {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + strings.ReplaceAll(path, "?", "%3F") + "?" + q.Encode()
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Close closes the database cleanly: in WAL mode the last connection to
// close checkpoints the log into the main file.
func (s *Store) Close() error {
	var errs []error
	if s.stopWriter != nil {
		close(s.stopWriter)
		<-s.writerDone
		s.stopWriter = nil
	}
	if s.stopCheckpoints != nil {
		close(s.stopCheckpoints)
		<-s.checkpointsDone
		s.stopCheckpoints = nil
	}
	if s.w != nil {
		s.wq.c.close()
		errs = append(errs, s.w.Close())
	}
	if s.r != nil {
		s.rq.c.close()
		errs = append(errs, s.r.Close())
	}
	return errors.Join(errs...)
}

// Ping checks the database answers and, for a writable store, can write.
func (s *Store) Ping(ctx context.Context) error {
	if s.w == nil {
		return s.r.PingContext(ctx)
	}
	_, err := s.w.ExecContext(ctx, `UPDATE schema_migrations SET version = version WHERE 0`)
	return err
}

// busy turns a lock timeout or deadline into a domain error people can act on.
func busy(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if errors.Is(err, context.DeadlineExceeded) || strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked") {
		return fmt.Errorf("%w: %w", &coaching.Error{Code: coaching.EBusy, Message: "Coachlog is busy right now; please try again in a moment."}, err)
	}
	return err
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.UnixMilli(n).UTC()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func parseDate(s string) coaching.Date {
	d, _ := coaching.ParseDate(s) // written by this package; "" reads as zero
	return d
}

// Pragmas reports the journal mode and foreign-key setting of a pooled read
// connection, so tests can check every connection got the DSN's pragmas.
func (s *Store) Pragmas(ctx context.Context) (journalMode string, foreignKeys int, err error) {
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return "", 0, err
	}
	defer conn.Close()
	if err := conn.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&journalMode); err != nil {
		return "", 0, err
	}
	err = conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&foreignKeys)
	return journalMode, foreignKeys, err
}

// Exec runs a statement on the writer; for maintenance and tests.
func (s *Store) Exec(ctx context.Context, query string, args ...any) error {
	if s.w == nil {
		return errors.New("store is read-only")
	}
	_, err := s.w.ExecContext(ctx, query, args...)
	return err
}

// Backup writes a consistent copy of the database to dest while others keep
// reading and writing it (VACUUM INTO reads one snapshot), then checks the
// copy. dest must not exist; the copy appears there only when complete.
func (s *Store) Backup(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backup: %s already exists", dest)
	}
	tmp := dest + ".partial"
	os.Remove(tmp)
	db, err := sql.Open("sqlite", dsn(s.path, Options{BusyTimeout: 10 * time.Second}, false))
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	check, err := sql.Open("sqlite", "file:"+tmp+"?_pragma=query_only(1)")
	if err != nil {
		return fmt.Errorf("backup: check: %w", err)
	}
	defer check.Close()
	var verdict string
	if err := check.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&verdict); err != nil || verdict != "ok" {
		os.Remove(tmp)
		return fmt.Errorf("backup: the copy failed its check (%s): %v", verdict, err)
	}
	check.Close()
	if err := os.Rename(tmp, dest); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}
