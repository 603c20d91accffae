package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func openAt(t *testing.T, path string, clk *fakeClock) *Store {
	t.Helper()
	st, err := Open(context.Background(), path, Options{Now: clk.Now, BusyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// raw is a write of one statement as the writer runs it.
func raw(query string) func(coaching.Tx) error {
	return func(t coaching.Tx) error {
		_, err := t.(*tx).q.ExecContext(context.Background(), query)
		return err
	}
}

// Writes failing for the database (a full disk, a read-only file) show as
// one run of trouble from the first failure until a write commits, with
// the last failure's reason, and are counted by reason; a write that
// fails for its own sake changes nothing.
func TestWritesFailingShowUntilOneCommits(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name         string
		break_, mend string // pragmas on the writer's connection
		want         WriteFailure
		failed       int64 // writes counted failed
	}{
		// max_page_count holds the file at its size: a write needing a
		// new page gets SQLITE_FULL, as on a full disk.
		{"disk full", `PRAGMA max_page_count = 1`, `PRAGMA max_page_count = 1000000`, WriteDiskFull, 3},
		// Read-only refuses BEGIN IMMEDIATE: the write that would fail
		// for its own sake fails for the database first.
		{"read-only", `PRAGMA query_only = 1`, `PRAGMA query_only = 0`, WriteReadOnly, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := &fakeClock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
			st := openAt(t, filepath.Join(t.TempDir(), "c.db"), clk)
			if err := st.Update(ctx, raw(`CREATE TABLE big (b BLOB)`)); err != nil {
				t.Fatal(err)
			}
			if err := st.Exec(ctx, tc.break_); err != nil {
				t.Fatal(err)
			}
			start := clk.Now()
			for range 3 {
				if err := st.Update(ctx, raw(`INSERT INTO big VALUES (zeroblob(1000000))`)); writeFailure(err) != tc.want {
					t.Fatalf("a write: %v, want it failed %s", err, tc.want)
				}
				clk.Advance(5 * time.Second)
			}
			if err := st.Update(ctx, func(coaching.Tx) error { return errors.New("its own") }); err == nil {
				t.Fatal("a failing write did not fail")
			}
			if since, why := st.WriteTrouble(); !since.Equal(start) || why != tc.want {
				t.Fatalf("WriteTrouble = %v %q, want %v %q: failing since the first", since, why, start, tc.want)
			}
			if n := st.FailedWrites(); n[tc.want] != tc.failed || len(n) != len(WriteFailures) {
				t.Errorf("FailedWrites = %v, want %d %s and every reason there", n, tc.failed, tc.want)
			}
			if err := st.Exec(ctx, tc.mend); err != nil {
				t.Fatal(err)
			}
			if err := st.Update(ctx, raw(`INSERT INTO big VALUES (1)`)); err != nil {
				t.Fatal(err)
			}
			if since, why := st.WriteTrouble(); !since.IsZero() || why != "" {
				t.Errorf("WriteTrouble after a commit = %v %q, want none", since, why)
			}
		})
	}
}

// Another connection holding the write lock (BEGIN IMMEDIATE, as another
// process would): each write gives up at its own deadline and the next
// batch waits afresh, so no one write waits long (WriteWait), but the
// trouble runs from the first until a write commits.
func TestWritesBehindAnotherLockShowAsOneRunOfTrouble(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	clk := &fakeClock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
	st := openAt(t, path, clk)
	other, err := sql.Open("sqlite", fileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	start := clk.Now()
	for range 3 {
		wctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		err := st.Update(wctx, func(t coaching.Tx) error { return t.EnsurePerson(ctx, "U1") })
		cancel()
		if coaching.ErrorCode(err) != coaching.EBusy {
			t.Fatalf("a write behind the lock: %v, want busy", err)
		}
		clk.Advance(5 * time.Second)
	}
	// A lone statement on the writer's connection (a lease) fails alike.
	if _, err := st.TakeRole(ctx, "sender", "a", clk.Now(), time.Minute); writeFailure(err) != WriteBusy {
		t.Fatalf("a lease behind the lock: %v, want busy", err)
	}
	if since, why := st.WriteTrouble(); !since.Equal(start) || why != WriteBusy {
		t.Fatalf("WriteTrouble = %v %q, want %v busy", since, why, start)
	}
	if n := st.FailedWrites()[WriteBusy]; n != 4 {
		t.Errorf("%d busy writes counted, want 4", n)
	}
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		t.Fatal(err)
	}
	// A statement that changes nothing writes nothing: on a full disk it
	// would commit all the same, and it proves nothing.
	if err := st.ReleaseRole(ctx, "sender", "nobody"); err != nil {
		t.Fatal(err)
	}
	if since, _ := st.WriteTrouble(); !since.Equal(start) {
		t.Errorf("WriteTrouble after a statement that changed nothing = %v, want %v still", since, start)
	}
	if _, err := st.TakeRole(ctx, "sender", "a", clk.Now(), time.Minute); err != nil {
		t.Fatal(err)
	}
	if since, _ := st.WriteTrouble(); !since.IsZero() {
		t.Errorf("WriteTrouble after a lease committed = %v, want none", since)
	}
}

// The database file deleted, moved away or replaced while the store has
// it open: SQLite writes on to the file it opened, which no start will
// open again. CheckFile says so, and the writer refuses writes once it
// has looked (at most once a second) rather than have them acked and lost.
func TestAFileDeletedOrReplacedIsFoundAndNotWrittenTo(t *testing.T) {
	ctx := context.Background()
	write := func(st *Store) error {
		return st.Update(ctx, func(t coaching.Tx) error { return t.EnsurePerson(ctx, "U1") })
	}
	for _, tc := range []struct {
		name string
		do   func(path string) error
	}{
		{"deleted", func(path string) error {
			return errors.Join(os.Remove(path), os.Remove(path+"-wal"), os.Remove(path+"-shm"))
		}},
		{"moved away", func(path string) error { return os.Rename(path, path+".old") }},
		{"replaced by a copy", func(path string) error {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return errors.Join(os.WriteFile(path+".new", b, 0o600), os.Rename(path+".new", path))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.db")
			clk := &fakeClock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
			st := openAt(t, path, clk)
			if err := write(st); err != nil {
				t.Fatal(err)
			}
			if err := st.CheckFile(); err != nil {
				t.Fatalf("CheckFile of the file in place: %v", err)
			}
			if err := tc.do(path); err != nil {
				t.Fatal(err)
			}
			if err := write(st); err != nil {
				t.Fatalf("a write within a second of the last look: %v (it is not looked at again)", err)
			}
			clk.Advance(fileLookEvery)
			err := write(st)
			if !errors.Is(err, coaching.ErrStoreGone) || !strings.Contains(err.Error(), path+" was deleted or replaced while Coachlog ran") {
				t.Fatalf("a write into the %s file: %v, want it refused saying so", tc.name, err)
			}
			if err := st.CheckFile(); err == nil {
				t.Error("CheckFile of the file " + tc.name + ": nil")
			}
			if since, why := st.WriteTrouble(); since.IsZero() || why != WriteReplaced {
				t.Errorf("WriteTrouble = %v %q, want replaced", since, why)
			}
			if n := st.FailedWrites()[WriteReplaced]; n != 1 {
				t.Errorf("%d refused writes counted, want 1", n)
			}
		})
	}
}

// A file moved away and back is the file the store has open: writes go
// on once it is back.
func TestAFileMovedBackIsWrittenToAgain(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	clk := &fakeClock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
	st := openAt(t, path, clk)
	if err := os.Rename(path, path+".old"); err != nil {
		t.Fatal(err)
	}
	if err := st.CheckFile(); err == nil {
		t.Fatal("CheckFile of a file moved away: nil")
	}
	if err := st.Update(ctx, func(t coaching.Tx) error { return t.EnsurePerson(ctx, "U1") }); !errors.Is(err, coaching.ErrStoreGone) {
		t.Fatalf("a write while the file is away: %v, want it refused (the probe looked)", err)
	}
	if err := os.Rename(path+".old", path); err != nil {
		t.Fatal(err)
	}
	clk.Advance(fileLookEvery)
	if err := st.Update(ctx, func(t coaching.Tx) error { return t.EnsurePerson(ctx, "U1") }); err != nil {
		t.Fatalf("a write once the file is back: %v", err)
	}
	if err := st.CheckFile(); err != nil {
		t.Errorf("CheckFile once the file is back: %v", err)
	}
}
