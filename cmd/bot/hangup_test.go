package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/sqlite"
)

// startMain starts this test binary as coachlog itself (main, with the
// signals it watches: see TestMain) serving against fake on db, run by
// wrap when given (nohup), and waits for its socket and its sender role.
// Its output goes to out, or to the child's logs when out is nil.
func startMain(t *testing.T, db string, out *os.File, wrap ...string) *child {
	t.Helper()
	fake := newCrashFake(t)
	c := &child{t: t, fake: fake, db: db, logs: &syncBuffer{}, done: make(chan struct{})}
	args := append(append([]string{}, wrap...), os.Args[0], "serve")
	c.cmd = exec.Command(args[0], args[1:]...)
	c.cmd.Env = append(os.Environ(), "COACHLOG_TEST_MAIN=1", "SLACK_APP_TOKEN="+fake.AppToken(), "SLACK_BOT_TOKEN="+fake.BotToken(),
		"SLACK_API_URL="+fake.APIURL(), "COACHLOG_DB="+db, "COACHLOG_LOG_LEVEL=debug")
	c.cmd.Stdout, c.cmd.Stderr = c.logs, c.logs
	if out != nil {
		c.cmd.Stdout, c.cmd.Stderr = out, out
	}
	c.launch(t, 1)
	eventually(t, "the sender role", func() bool { return len(liveLeases(t, db)) == 1 })
	return c
}

// liveLeases are the leases on the file at db that have not run out.
func liveLeases(t testing.TB, db string) []sqlite.Lease {
	t.Helper()
	leases, err := sqlite.LiveLeases(context.Background(), db, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return leases
}

// stoppedCleanly checks that the child, sent sig, exited 0 after the
// graceful stop's lines, and gave its sender role back.
func (c *child) stoppedCleanly(sig syscall.Signal, name string) {
	c.t.Helper()
	select {
	case <-c.done:
	case <-time.After(20 * time.Second):
		c.t.Fatalf("serve did not stop on %v\n%s", sig, c.logs)
	}
	logs := c.logs.String()
	if !c.cmd.ProcessState.Success() {
		c.t.Fatalf("serve ended with %v on %v, want a clean exit 0\n%s", c.cmd.ProcessState, sig, logs)
	}
	for _, want := range []string{"level=INFO msg=stopping signal=" + name, `msg="coachlog stopped"`} {
		if !strings.Contains(logs, want) {
			c.t.Errorf("no %s in the logs\n%s", want, logs)
		}
	}
	if leases := liveLeases(c.t, c.db); len(leases) != 0 {
		c.t.Errorf("the sender role was not given back: %+v", leases)
	}
}

// A bot run in the foreground of an SSH session that dropped got SIGHUP
// and died of it at once: its lease held the next start off until it ran
// out, and a send under way was posted again. SIGHUP now stops it as
// SIGTERM does. Under nohup, started to outlive the session, it goes on
// serving, and stops at SIGTERM.
func TestHangupStopsServeAsTermDoesUnlessIgnored(t *testing.T) {
	t.Parallel()
	t.Run("in the foreground", func(t *testing.T) {
		c := startMain(t, filepath.Join(t.TempDir(), "c.db"), nil)
		_ = c.cmd.Process.Signal(syscall.SIGHUP)
		c.stoppedCleanly(syscall.SIGHUP, "hangup")
	})
	// Its log piped to a tee the hangup ended first: the stop's first
	// line raised SIGPIPE and killed it mid-stop. The log lost, the stop
	// still gives the role back.
	t.Run("its log pipe gone", func(t *testing.T) {
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		drained := make(chan struct{})
		go func() { _, _ = io.Copy(io.Discard, pr); close(drained) }()
		c := startMain(t, filepath.Join(t.TempDir(), "c.db"), pw)
		pw.Close()
		pr.Close() // the reader gone
		<-drained
		_ = c.cmd.Process.Signal(syscall.SIGHUP)
		select {
		case <-c.done:
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not stop on SIGHUP")
		}
		if !c.cmd.ProcessState.Success() {
			t.Errorf("serve ended with %v, want a clean exit 0", c.cmd.ProcessState)
		}
		if leases := liveLeases(t, c.db); len(leases) != 0 {
			t.Errorf("the sender role was not given back: %+v", leases)
		}
	})
	t.Run("under nohup", func(t *testing.T) {
		if _, err := exec.LookPath("nohup"); err != nil {
			t.Skip("no nohup here")
		}
		c := startMain(t, filepath.Join(t.TempDir(), "c.db"), nil, "nohup")
		_ = c.cmd.Process.Signal(syscall.SIGHUP)
		select {
		case <-c.done:
			t.Fatalf("serve under nohup ended on SIGHUP: %v\n%s", c.cmd.ProcessState, c.logs)
		case <-time.After(time.Second):
		}
		if strings.Contains(c.logs.String(), "msg=stopping") {
			t.Fatalf("serve under nohup began to stop on SIGHUP\n%s", c.logs)
		}
		_ = c.cmd.Process.Signal(syscall.SIGTERM)
		c.stoppedCleanly(syscall.SIGTERM, "terminated")
	})
}
