package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// While another process holds the write lock, a write on the ack path gives
// up at its own deadline (to answer "try again" inside Slack's 3 s), and a
// background write with no deadline waits and then succeeds.
func TestWritesKeepTheirOwnDeadlinesBehindAnotherProcessesLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
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
	st := open(t, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
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
