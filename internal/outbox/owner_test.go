package outbox_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/outbox"
)

// A worker starting up gives back the leases a process gone from its host
// left (a kill -9 between claiming a message and sending it), so that
// message goes out at once instead of when the lease runs out. Leases of a
// process still running, or of another host, are left to run out.
func TestAStartingWorkerTakesOverTheLeasesOfAProcessGone(t *testing.T) {
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	running := exec.Command("sleep", "60")
	if err := running.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = running.Process.Kill(); _ = running.Wait() })
	host, _ := os.Hostname()

	w, st, s, clk := setup(t)
	owners := map[string]string{
		"k-gone":    fmt.Sprintf("w%d-1a@%s", gone.Process.Pid, host),
		"k-running": fmt.Sprintf("w%d-2b@%s", running.Process.Pid, host),
		"k-remote":  fmt.Sprintf("w%d-3c@%s", gone.Process.Pid, "another-"+host),
		"k-unknown": "someone-else",
	}
	for key, owner := range owners {
		enqueue(t, st, post(key, "U1"))
		if items, err := st.ClaimOutbox(context.Background(), owner, clk.Now(), time.Hour, 1, []string{key}); err != nil || len(items) != 1 {
			t.Fatalf("claim %s: %v %v", key, items, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for !slices.Contains(sentKeys(s), "k-gone") {
		select {
		case <-deadline:
			t.Fatal("the message leased by a process gone was not delivered")
		case <-tick.C:
		}
	}
	cancel()
	<-done
	if got := sentKeys(s); len(got) != 1 {
		t.Fatalf("delivered %v, want only the one a process gone had leased", got)
	}
}

func sentKeys(s *sender) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, m := range s.sent {
		out = append(out, m.Key)
	}
	return out
}

// A worker stopped as it starts (a start that fails on Socket Mode, say)
// cannot read the leases: that is the shutdown, not worth a warning next
// to the error that stopped the start.
func TestAWorkerStoppedAsItStartsDoesNotWarnAboutTheLeases(t *testing.T) {
	_, st, s, clk := setup(t)
	var logs syncBuf
	w := outbox.NewWorker(st, s, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now),
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := w.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if got := logs.String(); got != "" {
		t.Errorf("a worker stopped as it started warned:\n%s", got)
	}
}

// syncBuf is a bytes.Buffer safe for a logger's concurrent writes.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
