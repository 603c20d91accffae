package outbox_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"
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
