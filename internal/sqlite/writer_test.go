package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
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
