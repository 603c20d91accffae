// Package sqlite is Coachlog's store on an embedded SQLite file
// (modernc.org/sqlite, pure Go) or, given a postgres:// URL, on PostgreSQL
// (pgx): one Store, one set of SQL, with what differs in postgres.go. It
// is the only package that speaks SQL.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/coachlog/coachlog/internal/coaching"
)

// Options tune how the database is opened.
type Options struct {
	// ReadOnly opens an existing database for reading: a missing file is an
	// error rather than a new empty database, and nothing is migrated.
	ReadOnly bool
	// AnySchema, with ReadOnly, opens a Coachlog database of any schema
	// version, older or newer than this build's: for a backup, which copies
	// the file as it is and reads no table. (A backup is most wanted just
	// before an upgrade migrates the database.)
	AnySchema bool
	// BusyTimeout bounds how long a statement waits for another writer.
	// The bot keeps it under Slack's 3 s ack deadline; default 2 s.
	// SQLite only, as are Durable and the WAL: PostgreSQL's writers wait on
	// row locks within StatementTimeout, and every commit is durable.
	BusyTimeout time.Duration
	// Durable makes every commit wait for an fsync (synchronous=FULL), which
	// survives power loss at the cost of a slower commit. The default,
	// NORMAL in WAL mode, already survives a process crash.
	Durable bool
	// Now is the clock for timestamps; default time.Now.
	Now func() time.Time
	// Logger takes the warnings of an open (a database file others could
	// read, made owner-only; nil: slog.Default()) and hears a migration
	// begin and end (versions, how long it took; nil: nothing is said).
	Logger *slog.Logger

	// MaxConns bounds the PostgreSQL connection pool; default 10.
	MaxConns int
	// StatementTimeout bounds each PostgreSQL statement (the server's
	// statement_timeout); default 30 s.
	StatementTimeout time.Duration

	immutable bool // a read-only open of a file no writer has open: see readOnlyFallback
}

// Store is the store on SQLite or PostgreSQL. On SQLite, writes go through
// a single connection so that writers queue in Go instead of sleeping in
// SQLite's busy handler; reads use a pool and, in WAL mode, never wait for
// writers. On PostgreSQL each write runs in a transaction of its own
// (postgres.go).
type Store struct {
	reader
	w, r   *sql.DB
	wq, rq cachedDB // prepared statements on the writer and the readers
	path   string
	now    func() time.Time
	// immutable: opened read-only as a file nothing writes
	// (readOnlyFallback), as a backup of it must read it too.
	immutable bool
	fsync     func(*os.File) error                // flushes a backup; nil: File.Sync
	link      func(oldname, newname string) error // names a backup; nil: os.Link
	integrity atomic.Pointer[integrityVerdict]    // the last CheckIntegrity's, nil before one

	ck *sql.DB // one connection for checkpoints, off the writer's and the readers'
	// dbf is the database file, for the checkpoints to flush what they
	// copied into it (checkpoint). It stays open until the connections
	// have closed: closing any descriptor of a file drops every POSIX lock
	// the process holds on it, SQLite's too.
	dbf *os.File
	// PostgreSQL (postgres.go): w and r are one pool, and each write runs
	// in a transaction of its own rather than through the writer queue.
	pg       bool
	url      string     // as given: it may hold a password, so never logged
	created  *NewTables // CreatedTables
	inflight inflight   // the writes running now, for WriteWait
	// preparing is set while statements a write met unprepared are being
	// prepared after it, off its caller (prepareLater); prepared ends then.
	preparing atomic.Bool
	prepared  sync.WaitGroup

	stopCheckpoints chan struct{}
	checkpointsDone chan struct{}
	resets          atomic.Int64
	resetsDone      atomic.Int64
	longestReset    atomic.Int64  // ns
	restarts        walRestarts   // the log's own count of its restarts
	commits         atomic.Int64  // batches the writer committed: a tick without one writes nothing
	committedWrites atomic.Int64  // the writes those batches carried (Batching)
	restartFrames   int64         // walRestartAt in the log's frames
	resetAsk        chan resetReq // a reset of the log, for the writer to run between batches

	writes     chan *writeReq
	stopWriter chan struct{}
	writerDone chan struct{}
	busySince  atomic.Int64 // when the oldest write of the running batch was submitted (unix ns); 0 when idle
	wh         writeHealth  // how writes have gone lately, and whether the file is still there (writehealth.go)
}

var _ coaching.Store = (*Store)(nil)

// ErrNoDatabase is returned when a read-only open finds no database file,
// or a PostgreSQL database without Coachlog's tables.
var ErrNoDatabase = errors.New("database does not exist")

// Open opens (and unless read-only, creates and migrates) the database at
// path, or the PostgreSQL database when path is a postgres:// URL.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if IsPostgres(path) {
		return openPostgres(ctx, path, opts)
	}
	if IsMiscasedPostgres(path) { // not a file to create
		return nil, fmt.Errorf("open %s: %w", Redact(path), ErrMiscasedScheme)
	}
	s, err := openFile(ctx, path, opts)
	if err != nil {
		return nil, openError(path, opts.ReadOnly, err)
	}
	return s, nil
}

// notAFile refuses a SQLite path that names a directory (COACHLOG_DB=/tmp,
// the file's name forgotten), where SQLite says only "unable to open
// database file" (a command that writes) or "disk I/O error" (one that
// reads); nil for any other path, and for a PostgreSQL URL.
func notAFile(path string) error {
	if IsPostgres(path) {
		return nil
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("open %s: names a directory, not a database file: name a file in it, such as %s",
			path, filepath.Join(path, "coachlog.db"))
	}
	return nil
}

// openFile opens the SQLite database at path, as Open.
func openFile(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.BusyTimeout == 0 {
		opts.BusyTimeout = 2 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := notAFile(path); err != nil {
		return nil, err
	} else if _, err := os.Stat(path); opts.ReadOnly && errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open %s: %w", path, ErrNoDatabase)
	}
	if !opts.ReadOnly {
		if err := createPrivate(path); err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		log := opts.Logger
		if log == nil {
			log = slog.Default()
		}
		tightenMode(path, log)
	}
	s := &Store{path: path, now: opts.Now}
	err := s.openReaders(opts)
	if err != nil {
		return nil, err
	}
	if opts.ReadOnly {
		know := SchemaVersion()
		if opts.AnySchema {
			know = anySchema
		}
		err = checkSchema(ctx, s.r, true, know)
		if err != nil && s.readOnlyFallback(err) {
			s.r.Close()
			opts.immutable = true
			if err := s.openReaders(opts); err != nil {
				return nil, err
			}
			s.immutable = true
			err = checkSchema(ctx, s.r, true, know)
		}
		if err != nil {
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
	s.wq = cachedDB{c: newStmtCache(s.w)}
	if err := migrate(ctx, s.w, s.now(), opts.Logger); err != nil {
		s.Close()
		return nil, err
	}
	if err := probeWrite(ctx, s, opts.BusyTimeout); err != nil {
		s.Close()
		return nil, err
	}
	// The checkpoint connection never waits for a lock (busy timeout 0):
	// see resetWAL.
	if s.ck, err = sql.Open("sqlite", dsn(path, Options{}, false)); err != nil {
		s.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s.ck.SetMaxOpenConns(1)
	var pageSize int64
	if err := s.ck.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil {
		s.Close()
		return nil, fmt.Errorf("open %s: read the page size: %w", path, err)
	}
	s.restartFrames = walRestartAt / (pageSize + walFrameHeader)
	s.restarts.look(path) // the base: restarts are counted from this start
	if s.dbf, err = os.Open(path); err != nil {
		s.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s.writes, s.stopWriter, s.writerDone = make(chan *writeReq, maxBatch), make(chan struct{}), make(chan struct{})
	s.resetAsk = make(chan resetReq, 1)
	go s.writer()
	s.stopCheckpoints, s.checkpointsDone = make(chan struct{}), make(chan struct{})
	go s.checkpoints(checkpointEvery)
	return s, nil
}

// WAL bounds. While anything is written, the log is copied back into the
// database every tick by a PASSIVE checkpoint, which never blocks anyone;
// but while readers keep reading, the log never starts over by itself and
// only grows. Once it holds walRestartAt of frames, a RESTART checkpoint
// copies what the last PASSIVE left and makes the next write start the log
// from its beginning. So the file stays near walRestartAt;
// journal_size_limit caps what any reset leaves on disk, and a tick with
// no write gives the space back with a TRUNCATE, when it holds up no one.
const (
	walRestartAt    = 16 << 20
	walSizeLimit    = 64 << 20
	checkpointEvery = 250 * time.Millisecond
	walFrameHeader  = 24 // bytes before each page in the log
	resetRetry      = 250 * time.Microsecond
	resetPatience   = 20 * time.Millisecond
	// Past walInsistAt of frames, resets have failed tick after tick: on
	// a machine so loaded that readers are descheduled mid-read, one that
	// began before the copy stays on the log longer than resetPatience
	// almost every time (measured: 2 resets of 86 in 28 s at a load of 7
	// on 2 cores, and the log at 130 MB). There a reset waits up to
	// resetInsist for them: writes wait that long, a tenth of Slack's ack
	// deadline, once, rather than the log growing without bound.
	walInsistAt = 3 * walRestartAt
	resetInsist = 250 * time.Millisecond
)

// checkpoints copies the write-ahead log into the database from its own
// connection in the background. The writer's automatic checkpoint is off:
// left on, every thousandth page a commit would do the copying and an
// fsync on the ack path, and its ack would be late.
func (s *Store) checkpoints(every time.Duration) {
	defer close(s.checkpointsDone)
	t := time.NewTicker(every)
	defer t.Stop()
	last := s.commits.Load()
	for {
		select {
		case <-s.stopCheckpoints:
			return
		case <-t.C:
			commits := s.commits.Load()
			s.checkpoint(commits != last)
			last = commits
		}
	}
}

// checkpoint is one tick of checkpoints: the log copied and, past its
// bound, started over while writes go on (wrote: something was committed
// since the last tick); the file emptied once they have stopped.
func (s *Store) checkpoint(wrote bool) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	switch {
	case wrote:
		s.restarts.look(s.path) // restarts happen at writes: the ones since the last tick's
		frames := s.passiveCheckpoint(ctx)
		// A PASSIVE checkpoint that writes are racing does not flush the
		// pages it copied, and the RESTART did it for all of them, the
		// whole log's worth, 9-14 ms of fsync while writes waited. Flushed
		// here, off the writer's path, that leaves the RESTART a few pages.
		_ = s.dbf.Sync() // best effort: a checkpoint flushes whatever this left
		if frames >= s.restartFrames {
			patience := resetPatience
			if frames >= s.restartFrames*(walInsistAt/walRestartAt) {
				patience = resetInsist
			}
			s.askReset(ctx, "RESTART", patience)
		}
	case s.WALSize() > walRestartAt:
		s.askReset(ctx, "TRUNCATE", resetPatience)
	}
}

// resetReq asks the writer for a reset of the log; done is closed once it
// ran.
type resetReq struct {
	mode     string
	patience time.Duration // how long it may wait for readers on the log
	done     chan struct{}
}

// reset runs r on the writer's goroutine and tells its asker.
func (s *Store) reset(r resetReq) {
	s.resetWAL(r.mode, r.patience)
	close(r.done)
}

// askReset has the writer run a reset of the log between two batches, and
// waits for it.
func (s *Store) askReset(ctx context.Context, mode string, patience time.Duration) {
	r := resetReq{mode: mode, patience: patience, done: make(chan struct{})}
	select {
	case s.resetAsk <- r:
	case <-ctx.Done():
		return
	case <-s.writerDone:
		return
	}
	select {
	case <-r.done:
	case <-ctx.Done():
	case <-s.writerDone:
	}
}

// passiveCheckpoint copies what it can of the log into the database
// without blocking anyone (best effort, the next tick tries again) and
// returns how many frames the log holds since it last started over.
func (s *Store) passiveCheckpoint(ctx context.Context) int64 {
	var busy, frames, copied int64
	if err := s.ck.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
		return 0
	}
	return frames
}

// resetWAL copies the rest of the log into the database and starts it
// over (mode RESTART, or TRUNCATE, which also empties the file), and
// records how it went for Checkpoints. The writer runs it between two
// batches (askReset): writes wait meanwhile, and resume the moment it is
// done.
//
// Run from the checkpoint goroutine, it competed with the writer for the
// write lock, and the writes waiting for it slept in SQLite's busy handler
// (1, 2, 5, 10... ms between looks), as it did in turn while readers were
// still on the log. With the flush it then did (see checkpoint), that held
// acks 18 ms, up to 80 ms, once a second on a year's database at 200
// submissions a second: half the runs missed PRODUCT.md's 5 ms p99. Here
// it takes the free lock at once and never sleeps in the busy handler
// (the connection's busy timeout is 0); while a reader that began before
// the log was copied whole is still on it, it looks again every
// resetRetry for up to patience (resetPatience, or resetInsist once the
// log is far past its bound; readers beginning after it read the database
// file, not the log, and are no obstacle), then leaves it to the next
// tick.
func (s *Store) resetWAL(mode string, patience time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	var busy, frames, copied int
	var err error
	for {
		err = s.ck.QueryRowContext(ctx, `PRAGMA wal_checkpoint(`+mode+`)`).Scan(&busy, &frames, &copied)
		if err != nil || busy == 0 || time.Since(start) >= patience {
			break
		}
		time.Sleep(resetRetry)
	}
	took := time.Since(start)
	s.resets.Add(1)
	if err == nil && busy == 0 {
		s.resetsDone.Add(1)
	}
	if took > time.Duration(s.longestReset.Load()) {
		s.longestReset.Store(int64(took))
	}
}

// WALSize is the write-ahead log's size on disk, 0 when there is none.
func (s *Store) WALSize() int64 {
	fi, err := os.Stat(s.path + "-wal")
	if err != nil {
		return 0
	}
	return fi.Size()
}

// CheckpointStats says what the checkpoints that start the log over
// (RESTART under writes, TRUNCATE once they stop) did, and how often the
// log did start over.
type CheckpointStats struct {
	// Tried counts those checkpoints; Done, those that found no reader
	// left on the log. One that met a reader has still copied what it
	// could, and SQLite usually starts the log over at a later write.
	Tried, Done int64
	// Restarts counts the log's restarts, read from its header: whichever
	// checkpoint allowed them, done or not, or a PASSIVE one that caught
	// up with the writes. Counted on the checkpoint ticks that follow
	// writes, so up to one tick (checkpointEvery) late.
	Restarts int64
	// Longest is the longest one took: new writes waited that long.
	Longest time.Duration
}

// Checkpoints reports the checkpoints that started the log over so far.
func (s *Store) Checkpoints() CheckpointStats {
	return CheckpointStats{Tried: s.resets.Load(), Done: s.resetsDone.Load(), Restarts: s.restarts.count(), Longest: time.Duration(s.longestReset.Load())}
}

// openReaders opens the store's pool of reader connections to s.path
// with opts, and the statement cache over it.
func (s *Store) openReaders(opts Options) error {
	r, err := sql.Open("sqlite", dsn(s.path, opts, false))
	if err != nil {
		return fmt.Errorf("open %s: %w", s.path, err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	s.r = r
	s.rq = cachedDB{c: newStmtCache(r)}
	s.reader = reader{q: s.rq}
	return nil
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
		q.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", walSizeLimit))
		// Take the write lock at BEGIN: a deferred transaction that reads
		// first and then writes can fail with SQLITE_BUSY without waiting.
		q.Set("_txlock", "immediate")
	} else if opts.ReadOnly {
		q.Add("_pragma", "query_only(1)")
	}
	if opts.immutable { // see readOnlyFallback
		q.Set("mode", "ro")
		q.Set("immutable", "1")
	} else {
		// Never create the file: createPrivate does, its owner's alone.
		// SQLite's default would make a file deleted under the running
		// bot again, empty and readable by anyone, at the next connection
		// the pool opens, and the next start would take it for the
		// database. A file the process may not write opens read-only, as
		// SQLite's default does.
		q.Set("mode", "rw")
	}
	return fileURI(path) + "?" + q.Encode()
}

// createPrivate creates the database file, when it is not there yet,
// readable by its owner alone: it holds every note and dispute reason,
// and SQLite would create it for anyone to read under the usual umask.
// Its -wal and -shm take the database file's mode. An existing file's
// is tightened by tightenMode.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return creationError(path, err)
	}
	return f.Close()
}

// creationError says why the file at path could not be created, naming
// the directory when that is what is missing or may not be written.
func creationError(path string, err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		if errors.Is(pe.Err, fs.ErrNotExist) {
			return missingDir{filepath.Dir(path), pe.Err}
		}
		if errors.Is(pe.Err, fs.ErrPermission) {
			return deniedDir{filepath.Dir(path), pe.Err}
		}
		return pe.Err // the callers name the path
	}
	return err
}

// missingDir is a file that cannot be created because a directory on its
// path is not there: "no such file or directory" alone, under a path the
// admin was asked to give as one that does not exist yet (a backup's, a
// new database's), read as if the file itself had to be there.
type missingDir struct {
	dir string
	err error
}

func (e missingDir) Error() string { return "the directory " + e.dir + " does not exist" }
func (e missingDir) Unwrap() error { return e.err }

// deniedDir is a file that cannot be created because this process may
// not write the directory it goes in (a volume another user owns, a
// container's uid that is not the host's): "permission denied" alone,
// under the file's path, said neither which directory nor for whom.
type deniedDir struct {
	dir string
	err error
}

func (e deniedDir) Error() string {
	return fmt.Sprintf("the directory %s may not be written (%v): %s must be able to create files in it: check its owner and mode",
		e.dir, e.err, whoAmI())
}
func (e deniedDir) Unwrap() error { return e.err }

// tightenMode makes the database file, and its -wal and -shm, owner-only
// when group or others have any permission on them: an older Coachlog's
// `roster import` and `demo` created the file -rw-r--r--, and it holds
// every note. Each change is one warning naming the file and its old mode;
// a file this process may not chmod (another user's) is a warning saying
// how to fix it, and the open goes on, as the file was readable before.
func tightenMode(path string, log *slog.Logger) {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 == 0 {
			continue // not there (SQLite makes it with the database's mode), or private already
		}
		// The owner's bits stay: a file made read-only on purpose (0444)
		// becomes 0400, not writable.
		old, mode := fi.Mode().Perm(), fi.Mode().Perm()&0o700
		if err := os.Chmod(p, mode); err != nil {
			log.Warn("the database file is readable by others and could not be made owner-only: run chmod go-rwx on it as its owner (or root)",
				"path", p, "mode", fmt.Sprintf("%#o", old), "err", err)
			continue
		}
		log.Warn("the database file was readable by others: made it owner-only", "path", p,
			"old_mode", fmt.Sprintf("%#o", old), "mode", fmt.Sprintf("%#o", mode))
	}
}

// fileURI is path as an SQLite URI filename, before its query. SQLite
// decodes %HH escapes in it and ends the name at a ? or a #, so a path
// holding one of those characters (/backups/coachlog#2.db) would open, and
// create, another file than the one named: each is escaped.
func fileURI(path string) string {
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
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
	s.prepared.Wait() // a statement prepared after close would be lost, or panic
	if s.ck != nil {
		errs = append(errs, s.ck.Close())
	}
	if s.w != nil && !s.pg { // on PostgreSQL w is r
		s.wq.c.close()
		errs = append(errs, s.w.Close())
	}
	if s.r != nil {
		s.rq.c.close()
		errs = append(errs, s.r.Close())
	}
	if s.dbf != nil { // last: see dbf
		errs = append(errs, s.dbf.Close())
	}
	s.restarts.close() // after SQLite's: a descriptor of the log, as dbf is of the file
	return errors.Join(errs...)
}

// CheckRead checks the database answers a query, on a reader connection:
// a health check must never queue on the single writer connection the
// acks need. Whether writes get through is WriteWait's to say.
func (s *Store) CheckRead(ctx context.Context) error {
	var n int
	if err := s.rq.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		return fmt.Errorf("read the database: %w", err)
	}
	return nil
}

// busy turns a lock timeout or deadline into a domain error people can act
// on. An error marked already is left as it is: a read inside a write
// marks it (gaveUp), and so does the write it fails.
func busy(err error) error {
	if err == nil || coaching.ErrorCode(err) == coaching.EBusy {
		return err
	}
	msg := err.Error()
	if errors.Is(err, context.DeadlineExceeded) || strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked") || pgBusy(err) {
		return busyError{&coaching.Error{Code: coaching.EBusy, Message: coaching.BusyMessage}, err}
	}
	return err
}

// busyError is a write or read that gave up waiting: the domain error
// people are told, with the database's own error for the logs. Its text
// joins the two without the message's full stop ("moment.: load …").
type busyError struct {
	domain *coaching.Error
	cause  error
}

func (e busyError) Error() string {
	return strings.TrimSuffix(e.domain.Message, ".") + ": " + e.cause.Error()
}

func (e busyError) Unwrap() []error { return []error{e.domain, e.cause} }

// gaveUp marks *err busy when the read it ends gave up waiting: the
// caller's deadline passed (a form's, the ack's), or the database stopped
// waiting for a lock first (PostgreSQL's statement or lock timeout,
// SQLite's busy timeout). Deferred by every read the domain and the
// surfaces make (the Reader's, the metrics'), it has the person who asked
// told to try again in a moment, as a write that gave up does, and the
// edge log it as busy, not as a failure; any other error (a closed
// database, bad SQL, a missing row) is left as it is. It sits on the read
// methods rather than on their queries: an error also comes out of
// sql.Row's Scan and sql.Rows' Next, neither of which a query helper sees.
func gaveUp(err *error) { *err = busy(*err) }

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
	if s == "" {
		return coaching.Date{} // unset
	}
	d, _ := coaching.ParseDate(s) // written by this package
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
	_, err := s.w.ExecContext(ctx, query, withoutNUL(args)...)
	return err
}

// Backup writes a consistent copy of the database to dest while others keep
// reading and writing it (VACUUM INTO reads one snapshot), then checks the
// copy. dest must not exist, and a file that appears there while the copy
// is made is never written over; the copy appears there only when
// complete, and on disk: the copy is flushed before it takes dest's name
// (whether VACUUM INTO flushes it follows the synchronous setting, not a
// promise), and its directory after, which makes the name itself survive
// a power cut. A backup that fails leaves nothing behind, SQLite's journal
// of the copy neither (it was left on a full disk).
func (s *Store) Backup(ctx context.Context, dest string) (err error) {
	if s.pg {
		return BackupRefusal(s.url, dest)
	}
	// A backup never writes over anything: say what is there and what is
	// wanted. "/tmp already exists" read as if a file were in the way.
	// This look is for the message only; placeBackup is what refuses.
	if fi, err := os.Stat(dest); err == nil && fi.IsDir() {
		return fmt.Errorf("backup: %s is a directory; give the path of a file that does not exist yet, such as %s",
			dest, filepath.Join(dest, "coachlog-"+s.now().Format(time.DateOnly)+".db"))
	} else if err == nil {
		return backupTaken(dest)
	}
	// The copy is written under a name no other backup has (created
	// exclusively, owner-only as createPrivate makes files): with one
	// dest.partial for all, two backups to one file at once (two cron
	// jobs, an operator beside cron) removed each other's copy. Only this
	// backup's partial copy is ever removed, so one left by a backup that
	// was killed stays, and stands in no later one's way; so does a
	// dest.partial an older Coachlog left, which may be its backup being
	// written now. Either can be deleted by hand (README, Backup and
	// restore). VACUUM INTO fills the empty file, keeping its mode.
	f, err := os.CreateTemp(filepath.Dir(dest), filepath.Base(dest)+".partial-*")
	if err != nil {
		// "no such file or directory" alone did not say which (a
		// directory not there, one not writable).
		return fmt.Errorf("backup to %s: %w", dest, creationError(dest, err))
	}
	tmp, placed := f.Name(), false
	defer func() {
		if !placed {
			os.Remove(tmp)
			os.Remove(tmp + "-journal")
		}
	}()
	if err := f.Close(); err != nil {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	db, err := sql.Open("sqlite", dsn(s.path, Options{BusyTimeout: 10 * time.Second, immutable: s.immutable}, false))
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	// As a URI, escaped as the database's own name is: SQLite reads a
	// name that starts with file: as one, so `coachlog backup file:b.db`
	// wrote to b.db.partial, and the empty file made above became the
	// backup.
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, fileURI(tmp)); err != nil {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	if err := checkCopy(ctx, tmp); err != nil {
		return err
	}
	if err := s.syncPath(tmp); err != nil {
		return fmt.Errorf("backup to %s: flush the copy: %w", dest, err)
	}
	if err := s.placeBackup(tmp, dest); err != nil {
		return err
	}
	placed = true
	// Linked, the copy has two names: this one goes. Renamed, it is gone.
	if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup to %s: the copy is there, but its second name %s could not be removed (delete it by hand: it holds every note): %w", dest, tmp, err)
	}
	if err := s.syncPath(filepath.Dir(dest)); err != nil {
		return fmt.Errorf("backup to %s: the copy is there, but its directory could not be flushed, so a power cut may lose it: %w", dest, err)
	}
	return nil
}

// placeBackup gives the copy at tmp the name dest, never over a file that
// is there: Backup looked before it made the copy, and a file may have
// appeared since (another backup's, an operator's), which a rename would
// replace. A hard link is made only where nothing is, in one step; tmp
// stays a second name of the copy, for Backup to remove.
func (s *Store) placeBackup(tmp, dest string) error {
	link := s.link
	if link == nil {
		link = os.Link
	}
	err := link(tmp, dest)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrExist):
		return backupTaken(dest)
	case !errors.Is(err, fs.ErrPermission) && !errors.Is(err, errors.ErrUnsupported):
		return fmt.Errorf("backup to %s: name the copy: %w", dest, err)
	}
	// A file system without hard links (FAT and exFAT answer EPERM, some
	// network shares ENOTSUP) is still one a backup may go to: rename
	// after looking once more. Only a file made in the instant between
	// the look and the rename is written over, where the link left none.
	if _, err := os.Lstat(dest); err == nil {
		return backupTaken(dest)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup to %s: look for a file there: %w", dest, err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		return fmt.Errorf("backup to %s: name the copy: %w", dest, err)
	}
	return nil
}

// backupTaken refuses a backup to a path where something is.
func backupTaken(dest string) error {
	return fmt.Errorf("backup: %s already exists; give the path of a file that does not exist yet (a backup never overwrites one)", dest)
}

// checkCopy checks the copy a backup wrote at path.
func checkCopy(ctx context.Context, path string) error {
	// Read only (mode=ro): a copy that is not there fails the check
	// rather than being created empty, which would pass it.
	check, err := sql.Open("sqlite", fileURI(path)+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return fmt.Errorf("backup: check: %w", err)
	}
	defer check.Close()
	var verdict string
	if err := check.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&verdict); err != nil || verdict != "ok" {
		return fmt.Errorf("backup: the copy failed its check (%s): %v", verdict, err)
	}
	return check.Close()
}

// syncPath flushes the file or directory at path to disk (s.fsync, which
// tests replace, or File.Sync).
func (s *Store) syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if s.fsync != nil {
		return s.fsync(f)
	}
	return f.Sync()
}
