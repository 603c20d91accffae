package sqlite

import (
	"context"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// Under sustained writes with readers always reading, the write-ahead log
// stays under its 64 MB bound (without the checkpoints that start it over
// it grows by the whole volume written), and the checkpoints that keep it
// there never stall a write anywhere near Slack's 3 s ack deadline; once
// the writes stop, the file is given back.
func TestTheWALStaysBoundedUnderLoadWithoutStallingWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 128 MB")
	}
	if raceEnabled {
		// Measured: with the detector on, the spinning readers slow each
		// write to 0.2 s and the test to five minutes, and the latencies
		// say nothing. The checkpoint loop shares no memory but atomics.
		t.Skip("a load test: its figures mean nothing under the race detector")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Exec(ctx, `CREATE TABLE scratch (id INTEGER PRIMARY KEY, v BLOB NOT NULL)`); err != nil {
		t.Fatal(err)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var maxWAL, reads atomic.Int64
	wg.Add(1)
	go func() { // the log's size, sampled far more often than it is checkpointed
		defer wg.Done()
		for {
			if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > maxWAL.Load() {
				maxWAL.Store(fi.Size())
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	for range 3 { // readers that always hold a snapshot, as the bot's do under load
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				var n int64
				if err := s.rq.QueryRowContext(ctx, `SELECT coalesce(sum(length(v)), 0) FROM (SELECT v FROM scratch ORDER BY id DESC LIMIT 20)`).Scan(&n); err != nil {
					t.Error(err)
					return
				}
				reads.Add(1)
			}
		}()
	}

	const rowSize, total = 32 << 10, 128 << 20 // through the log: twice its bound (without the checkpoints that start it over it reached 163 MB)
	var lat []time.Duration
	salt := walSalt(t, path)
	start := time.Now()
	for written := 0; written < total; written += rowSize {
		t0 := time.Now()
		err := s.Update(ctx, func(ctx2 coaching.Tx) error {
			_, err := ctx2.(*tx).q.ExecContext(ctx, `INSERT INTO scratch (v) VALUES (randomblob(?))`, rowSize)
			return err
		})
		lat = append(lat, time.Since(t0))
		if err != nil {
			t.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	restarts := walSalt(t, path) - salt
	s.restarts.look(path) // the last writes' restarts, which the next tick would count

	slices.Sort(lat)
	p50, p99, worst := lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
	ck := s.Checkpoints()
	t.Logf("%d writes of %d KB in %v (%.0f MB/s) beside %d reads; WAL peak %.1f MB, started over %d times (%d counted since open); write p50 %v, p99 %v, max %v; checkpoints starting it over %d tried, %d did, the longest took %v",
		len(lat), rowSize>>10, elapsed.Round(time.Millisecond), float64(total)/(1<<20)/elapsed.Seconds(), reads.Load(),
		float64(maxWAL.Load())/(1<<20), restarts, ck.Restarts, p50, p99, worst, ck.Tried, ck.Done, ck.Longest)
	if ck.Restarts < int64(restarts) { // counted since open, a little before the test's own first look
		t.Errorf("the store counted %d restarts of the log, its header %d", ck.Restarts, restarts)
	}
	if maxWAL.Load() > walSizeLimit {
		t.Errorf("the WAL reached %.1f MB, want at most %d MB", float64(maxWAL.Load())/(1<<20), walSizeLimit>>20)
	}
	// The log's own count of restarts, not the checkpoints' Done: a
	// RESTART that copied the whole log but found a reader still on it
	// counts as not done, and SQLite's writer starts the log over at its
	// next write once that reader has let go. On a loaded machine, where
	// readers are descheduled mid-read, many restarts happen so (measured
	// at a load of 10-19: 3-6 restarts a run against 1-3 done), and a run
	// whose every restart happened so ("67 tried, 0 did") failed here, the
	// resets working. The count is what bounds the log: with the resets
	// made PASSIVE checkpoints, all 45 "did" and the log reached 94 MB.
	if ck.Tried == 0 || restarts == 0 {
		t.Errorf("checkpoints starting the log over: %d tried, the log started over %d times: the bound was not exercised", ck.Tried, restarts)
	}
	// The worst single write gets 2 s, not 1: one sample of thousands, on a
	// machine running other packages' tests beside it, was once over a
	// second. Both are clear of the ack's 3 s.
	if p99 > 300*time.Millisecond || worst > 2*time.Second {
		t.Errorf("write p99 %v, max %v: checkpoints stall writes towards the 3 s ack deadline", p99, worst)
	}
	// The writes have stopped: the next tick with no commit gives the file
	// back (run here rather than waited for on the ticker).
	s.checkpoint(false)
	if n := s.WALSize(); n > walRestartAt {
		t.Errorf("the WAL is %.1f MB after a checkpoint with no write since, want it emptied", float64(n)/(1<<20))
	}
}

// walSalt is the first salt of the write-ahead log's header at path's
// log: SQLite adds one to it each time the log starts over, whichever
// connection starts it (https://sqlite.org/fileformat2.html#walformat).
func walSalt(t *testing.T, path string) uint32 {
	t.Helper()
	f, err := os.Open(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var h [32]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		t.Fatalf("read the header of %s-wal: %v", path, err)
	}
	return binary.BigEndian.Uint32(h[16:20])
}

// A RESTART that copied the whole log but met a reader still on it counts
// as not done, yet SQLite's writer starts the log over at its next write
// once that reader has let go: the restarts counted are the log's own, as
// its header says, not the checkpoints' verdicts. So is the restart after
// a TRUNCATE, whose empty file has no header until that write.
func TestTheLogsRestartsAreCountedFromItsHeader(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The test runs the ticks itself: a tick's PASSIVE checkpoint between
	// two steps would let the reader below read the database file rather
	// than the log, and the RESTART would be done.
	close(s.stopCheckpoints)
	<-s.checkpointsDone
	s.stopCheckpoints = nil
	write := func() {
		t.Helper()
		if err := s.Exec(ctx, `INSERT INTO scratch (v) VALUES (randomblob(100))`); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Exec(ctx, `CREATE TABLE scratch (id INTEGER PRIMARY KEY, v BLOB NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	write()
	salt := walSalt(t, path)

	rtx, err := s.r.BeginTx(ctx, nil) // a reader on the whole log
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := rtx.QueryRowContext(ctx, `SELECT count(*) FROM scratch`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	s.resetWAL("RESTART", 0)
	if err := rtx.Rollback(); err != nil {
		t.Fatal(err)
	}
	write() // the writer starts the log over
	s.checkpoint(true)
	if ck := s.Checkpoints(); ck.Tried != 1 || ck.Done != 0 || ck.Restarts != 1 {
		t.Errorf("after a RESTART that met a reader and a write: %d tried, %d done, %d restarts counted; want 1, 0, 1 (the log's header moved by %d)",
			ck.Tried, ck.Done, ck.Restarts, walSalt(t, path)-salt)
	}

	s.resetWAL("TRUNCATE", 0)
	s.checkpoint(true) // a look at an empty log counts nothing
	write()
	s.checkpoint(true)
	if ck, moved := s.Checkpoints(), walSalt(t, path)-salt; ck.Tried != 2 || ck.Done != 1 || ck.Restarts != 2 || moved != 2 {
		t.Errorf("after a TRUNCATE and a write: %d tried, %d done, %d restarts counted, the log's header moved by %d; want 2, 1, 2, 2",
			ck.Tried, ck.Done, ck.Restarts, moved)
	}
}

// A look counts how far the header's salt moved since the last one read;
// a log with no header counts nothing, and one whose salt did not follow
// from the last (a log made anew, its salt drawn at random) is only the
// new base.
func TestALookAtTheLogCountsItsSaltsSteps(t *testing.T) {
	const none = -1
	for _, tt := range []struct {
		name  string
		salts []int64 // the header's at each look; none: no header
		want  int64
	}{
		{"no log yet, then one", []int64{none, 7, 7}, 0},
		{"steps", []int64{7, 8, 8, 11}, 4},
		{"emptied between", []int64{7, none, 9}, 2},
		{"wraps", []int64{0xffffffff, 1}, 2},
		{"made anew", []int64{7, 8, 0x9000_0000, 0x9000_0001}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.db")
			var w walRestarts
			for _, salt := range tt.salts {
				h := []byte{}
				if salt != none {
					h = make([]byte, 32)
					binary.BigEndian.PutUint32(h[0:4], 0x377f0682)
					binary.BigEndian.PutUint32(h[16:20], uint32(salt))
				}
				if err := os.WriteFile(path+"-wal", h, 0o600); err != nil {
					t.Fatal(err)
				}
				w.look(path)
			}
			if got := w.count(); got != tt.want {
				t.Errorf("counted %d restarts, want %d", got, tt.want)
			}
		})
	}
}
