package main

import (
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// With Slack slow to answer (chat.postMessage taking longer than the
// whole budget), serve still exits within its shutdown budget of the
// signal, says at once that it stops and why, and at the end how many
// messages are left; those stay in the outbox and go at the next start.
// It took 14 s with a 4 s chat.postMessage, past Docker's 10 s.
func TestShutdownWithASlowSlackKeepsToItsBudget(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.quickLog(rep, 1)
	const budget = 1500 * time.Millisecond
	sigs := make(chan os.Signal, 2)
	b.stop()
	b.tune = func(e *env) {
		e.signals, e.exit, e.stopBudget = sigs, func(int) { t.Error("exited on one signal") }, budget
	}
	b.start()
	eventually(t, "the sender role", func() bool { return strings.Count(b.logs.String(), `msg="role changed" role=sender held=true`) == 2 })
	b.fake.SetLatency("chat.postMessage", 3*budget)
	posts := b.fake.Started("chat.postMessage")
	if _, err := b.fake.SlashCommand(ctxT(t), mgr, "/coach", "<@"+rep+"> 1:1 30m"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the DM's send under way", func() bool { return b.fake.Started("chat.postMessage") > posts })
	start := time.Now()
	sigs <- syscall.SIGTERM
	select {
	case err := <-b.done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(10 * budget):
		t.Fatalf("serve did not stop within %v\n%s", 10*budget, b.logs)
	}
	if took := time.Since(start); took > budget+time.Second {
		t.Errorf("serve took %v to stop, over its budget of %v", took, budget)
	}
	b.cancel = nil // stopped
	logs := b.logs.String()
	if !strings.Contains(logs, `level=INFO msg=stopping signal=terminated`) {
		t.Errorf("no line saying serve stops on SIGTERM:\n%s", logs)
	}
	if !regexp.MustCompile(`level=WARN msg="stopping with messages still to send: they are sent at the next start" pending=[1-9]`).MatchString(logs) {
		t.Errorf("no warning of the messages left:\n%s", logs)
	}

	b.tune = nil
	b.fake.SetLatency("chat.postMessage", 0)
	b.start()
	b.dm(rep, 2) // the session's DM, left pending, goes at the next start
}

// A second signal while the shutdown runs exits at once, status 1, with
// one line saying so: it was swallowed.
func TestASecondSignalExitsAtOnce(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	sigs := make(chan os.Signal, 2)
	exits := make(chan int, 1)
	b.stop()
	b.tune = func(e *env) { e.signals, e.exit = sigs, func(code int) { exits <- code } }
	b.start()
	sigs <- syscall.SIGTERM
	sigs <- syscall.SIGINT
	select {
	case code := <-exits:
		if code != 1 {
			t.Errorf("exit status %d, want 1", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("a second signal did not exit\n%s", b.logs)
	}
	if lines := grepLines(b.logs.String(), "second signal"); strings.Count(lines, "\n") != 0 || !strings.Contains(lines, "level=ERROR") ||
		!strings.Contains(lines, "exiting at once") || !strings.Contains(lines, "signal=interrupt") {
		t.Errorf("said %q; want one line saying it exits at once on the second signal", lines)
	}
}
