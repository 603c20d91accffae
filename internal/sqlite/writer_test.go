package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// While another process holds the write lock, a write on the ack path gives
// up at its own deadline (to answer "try again" inside Slack's 3 s), and a
// background write with no deadline waits and then succeeds.
func TestWritesKeepTheirOwnDeadlinesBehindAnotherProcessesLock(t *testing.T) {
	path := migratedDB(t)
	st := open(t, path, sqlite.Options{BusyTimeout: 5 * time.Second})
	svc := coaching.NewService(coaching.Config{Store: st})
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	background := make(chan error, 1)
	go func() {
		_, err := logOne(context.Background(), svc, "UM1", "UR1", "background")
		background <- err
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = logOne(ctx, svc, "UM2", "UR2", "ack-path")
	if coaching.ErrorCode(err) != coaching.EBusy {
		t.Fatalf("write behind a held lock: err = %v, want busy", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("a write with a 300 ms deadline took %v", took)
	}
	if _, err := conn.ExecContext(context.Background(), `COMMIT`); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	select {
	case err := <-background:
		if err != nil {
			t.Fatalf("background write: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("background write never finished")
	}
}

// A health probe reads on a reader connection, never queueing on the one
// writer connection the acks need, and learns from memory how long the
// oldest write has waited.
func TestHealthChecksNeverWaitForTheWriter(t *testing.T) {
	st := open(t, migratedDB(t), sqlite.Options{})
	if d := st.WriteWait(); d != 0 {
		t.Fatalf("WriteWait of an idle writer = %v", d)
	}
	running, hold, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- st.Update(context.Background(), func(coaching.Tx) error { close(running); <-hold; return nil })
	}()
	<-running // the writer connection is busy with a slow write
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if err := st.CheckRead(ctx); err != nil {
		t.Fatalf("CheckRead while the writer is busy: %v", err)
	}
	if _, err := st.OldestPending(ctx); err != nil {
		t.Fatalf("OldestPending while the writer is busy: %v", err)
	}
	if d := st.WriteWait(); d <= 0 {
		t.Fatalf("WriteWait while a write runs = %v, want it counted", d)
	}
	close(hold)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for st.WriteWait() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("WriteWait after the write = %v, want 0", st.WriteWait())
		}
		runtime.Gosched()
	}
}

// Writes that queue together share one commit, each in its own savepoint:
// one that fails or panics leaves nothing behind and the others commit. A
// write alone in its batch runs without a savepoint, and failing, leaves
// nothing behind either.
func TestAFailedWriteLeavesNothingAndSparesTheOthers(t *testing.T) {
	ctx := context.Background()
	st := open(t, migratedDB(t), sqlite.Options{})
	boom := errors.New("boom")
	add := func(id string, then func() error) func(coaching.Tx) error {
		return func(tx coaching.Tx) error {
			if err := tx.EnsurePerson(ctx, id); err != nil {
				return err
			}
			return then()
		}
	}
	stored := func(id string) bool {
		var n int
		if err := st.QueryRow(ctx, `SELECT count(*) FROM people WHERE id = '`+id+`'`, &n); err != nil {
			t.Fatal(err)
		}
		return n == 1
	}

	if err := st.Update(ctx, add("U_ALONE", func() error { return boom })); !errors.Is(err, boom) {
		t.Fatalf("a failed write alone returned %v, want its own error", err)
	}
	if stored("U_ALONE") {
		t.Error("a failed write alone left its row")
	}

	// U_A holds the writer until B, C and D are queued behind it: they run
	// as one batch.
	release, running := make(chan struct{}), make(chan struct{})
	errs := make(map[string]error)
	var mu sync.Mutex
	var wg sync.WaitGroup
	write := func(id string, fn func(coaching.Tx) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := st.Update(ctx, fn)
			mu.Lock()
			errs[id] = err
			mu.Unlock()
		}()
	}
	write("U_A", add("U_A", func() error { close(running); <-release; return nil }))
	<-running
	before := st.Batching()
	write("U_B", add("U_B", func() error { return boom }))
	write("U_C", add("U_C", func() error { return nil }))
	write("U_D", add("U_D", func() error { panic("render bug in Sam's notes") }))
	for deadline := time.Now().Add(10 * time.Second); st.QueuedWrites() < 3; {
		if time.Now().After(deadline) {
			t.Fatal("the three writes never queued")
		}
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	// A's commit and the batch's carry two writes: A and C, the two
	// that did not fail.
	if got := st.Batching(); got.Commits-before.Commits != 2 || got.Writes-before.Writes != 2 {
		t.Errorf("%d commits carrying %d writes for A and the batch behind it, want 2 carrying 2 (A and C)",
			got.Commits-before.Commits, got.Writes-before.Writes)
	}
	if errs["U_A"] != nil || errs["U_C"] != nil || !errors.Is(errs["U_B"], boom) || errs["U_D"] == nil {
		t.Errorf("errors %v: want A and C nil, B its own, D the panic", errs)
	}
	if err := errs["U_D"]; err != nil && strings.Contains(err.Error(), "notes") {
		t.Errorf("the panic's error %q carries its value's text, which its callers log", err)
	}
	for id, want := range map[string]bool{"U_A": true, "U_B": false, "U_C": true, "U_D": false} {
		if stored(id) != want {
			t.Errorf("%s stored: %v, want %v", id, !want, want)
		}
	}
}

// A write batched with one whose deadline is near commits whatever that
// deadline does: the batch's transaction began with the nearest deadline
// as its context, and database/sql rolled it back when it passed, taking
// the write with no deadline (a roster import, a nudge run) down with the
// ack it shared a commit with.
func TestAWriteOutlivesItsBatchNeighboursDeadline(t *testing.T) {
	ctx := context.Background()
	st := open(t, migratedDB(t), sqlite.Options{})
	release, running := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() { // holds the writer until the two below are queued together
		first <- st.Update(ctx, func(tx coaching.Tx) error { close(running); <-release; return nil })
	}()
	<-running
	urgent, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	long, near := make(chan error, 1), make(chan error, 1)
	go func() {
		long <- st.Update(ctx, func(tx coaching.Tx) error {
			if err := tx.EnsurePerson(ctx, "U_LONG"); err != nil {
				return err
			}
			<-urgent.Done() // still running when its neighbour's deadline passes
			return nil
		})
	}()
	for deadline := time.Now().Add(10 * time.Second); st.QueuedWrites() < 1; {
		if time.Now().After(deadline) {
			t.Fatal("the long write never queued")
		}
		runtime.Gosched()
	}
	go func() {
		near <- st.Update(urgent, func(tx coaching.Tx) error { return tx.EnsurePerson(ctx, "U_NEAR") })
	}()
	for deadline := time.Now().Add(10 * time.Second); st.QueuedWrites() < 2; {
		if time.Now().After(deadline) {
			t.Fatal("the urgent write never queued")
		}
		runtime.Gosched()
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-long; err != nil {
		t.Fatalf("the write with no deadline failed with its neighbour's: %v", err)
	}
	if err := <-near; coaching.ErrorCode(err) != coaching.EBusy {
		t.Fatalf("the write whose deadline passed before its turn: %v, want busy", err)
	}
	var n int
	if err := st.QueryRow(ctx, `SELECT count(*) FROM people WHERE id = 'U_LONG'`, &n); err != nil || n != 1 {
		t.Fatalf("U_LONG stored %d times, %v", n, err)
	}
}

// Writers that keep a write each in flight, as the handlers of a busy
// socket do, share commits even where the process has one core: there the
// handlers cannot queue while the writer runs, and the first write of each
// round, waking the writer at once, went alone in its commit, the others
// in the next; the writer now lets the ready ones queue first.
func TestWritersInFlightShareCommitsOnOneCore(t *testing.T) {
	ctx := context.Background()
	st := open(t, migratedDB(t), sqlite.Options{})
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	const writers, rounds = 32, 20
	before := st.Batching()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				id := fmt.Sprintf("U%02d_%02d", w, r)
				if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.EnsurePerson(ctx, id) }); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	// Each round's writes in one commit would be rounds commits; a write
	// alone, then the rest, twice that.
	after := st.Batching()
	got := after.Commits - before.Commits
	t.Logf("%d commits for %d writes", got, writers*rounds)
	if w := after.Writes - before.Writes; w != writers*rounds {
		t.Errorf("the commits carried %d writes, want the %d made", w, writers*rounds)
	}
	if got > rounds*3/2 {
		t.Errorf("%d commits for %d rounds of %d writers in flight: the writers did not share them", got, rounds, writers)
	}
}
