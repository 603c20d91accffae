package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
)

// TestMain lets a benchmark run this binary as a real `coachlog serve`
// child process, so its memory can be measured apart from the test's.
func TestMain(m *testing.M) {
	// COACHLOG_TEST_MAIN runs this binary as coachlog itself, main and its
	// signals, with the arguments given it (startMain).
	if os.Getenv("COACHLOG_TEST_MAIN") != "" {
		main()
		os.Exit(0)
	}
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

// A flag mistake is said once (main prints the error; the flag package
// used to print it first) below the command's flags on stderr, with exit
// 2; a help asked for prints the flags on stdout and exits 0, as
// `coachlog -h` does.
func TestFlagMistakesAreSaidOnceAndHelpIsNoFailure(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"metrics", "--bogus"}, 2},
		{[]string{"export", "-h"}, 0},
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), c.args, func(string) string { return "" }, &out, &errOut)
		if err == nil || exitCode(err) != c.code {
			t.Errorf("%v: err %v, exit %d; want exit %d", c.args, err, exitCode(err), c.code)
		}
		printed := out.String() + errOut.String()
		if strings.Contains(printed, "not defined") || !strings.Contains(printed, "--format") {
			t.Errorf("%v printed:\n%s\nwant the flags (with --format) and no error line of its own", c.args, printed)
		}
	}
}
