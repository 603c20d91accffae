package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"testing"
)

// TestMain lets a benchmark run this binary as a real `coachlog serve`
// child process, so its memory can be measured apart from the test's.
func TestMain(m *testing.M) {
	if os.Getenv("COACHLOG_SERVE_CHILD") != "" {
		holderHost = os.Getenv("COACHLOG_TEST_HOST")
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
		err := run(ctx, []string{"serve"}, os.Getenv, os.Stdout, os.Stderr)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "coachlog:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
