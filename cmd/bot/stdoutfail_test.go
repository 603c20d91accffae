package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A command whose stdout cannot take what it prints failed silently:
// SIGPIPE is ignored (see main), so `coachlog metrics | head -0`, or a
// cron job's output on a full disk, ended with status 0 having printed
// nothing, and a script read that as success. Every command that prints
// on stdout, run as coachlog itself, now exits 141 when its reader has
// gone, quietly, as a process SIGPIPE killed did (export and demo did so
// already), and 1 with the error on stderr when stdout is full (/dev/full:
// ENOSPC).
func TestACommandWhoseOutputCannotBeWrittenFails(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full here")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	fake := startFake(t)
	addUTCUsers(fake, "U0MA", "U0RA")
	fake.AddChannel("C0LEADS", true)
	vars := map[string]string{"COACHLOG_DB": db, "SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL(),
		"COACHLOG_DIGEST_CHANNEL": "C0LEADS"}
	roster := filepath.Join(dir, "team.csv")
	perf := filepath.Join(dir, "perf.csv")
	for path, text := range map[string]string{
		roster: "slack_id,email,name,role,manager,tier,timezone\nU0MA,,Mia,manager,,,UTC\nU0RA,,Ada,rep,U0MA,,\n",
		perf:   "rep,month,attainment\nU0RA,2026-10,85\n",
	} {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// The commands run as a process on the real clock: the roster is
	// imported on it too.
	if out, err := cliAt(t, time.Now(), vars, "roster", "import", roster); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	n := 0
	for _, tc := range []struct {
		name string
		args func(t *testing.T) []string
	}{
		{"help", func(*testing.T) []string { return []string{"help"} }},
		{"help export", func(*testing.T) []string { return []string{"help", "export"} }},
		{"export -h", func(*testing.T) []string { return []string{"export", "-h"} }},
		{"serve --help", func(*testing.T) []string { return []string{"serve", "--help"} }},
		{"version", func(*testing.T) []string { return []string{"version"} }},
		{"roster import", func(*testing.T) []string { return []string{"roster", "import", roster} }},
		{"performance import", func(*testing.T) []string { return []string{"performance", "import", perf} }},
		{"metrics", func(*testing.T) []string { return []string{"metrics"} }},
		{"metrics --format csv", func(*testing.T) []string { return []string{"metrics", "--format", "csv"} }},
		{"export", func(*testing.T) []string { return []string{"export"} }},
		{"export --format json", func(*testing.T) []string { return []string{"export", "--format", "json"} }},
		{"nudge --dry-run", func(*testing.T) []string { return []string{"nudge", "--dry-run"} }},
		{"nudge", func(*testing.T) []string { return []string{"nudge"} }},
		{"digest --dry-run", func(*testing.T) []string {
			n++
			return []string{"digest", "--dry-run", "--chart", filepath.Join(dir, fmt.Sprintf("chart%d.png", n))}
		}},
		{"digest", func(*testing.T) []string { return []string{"digest"} }},
		{"backup", func(*testing.T) []string {
			n++
			return []string{"backup", filepath.Join(dir, fmt.Sprintf("backup%d.db", n))}
		}},
		{"copy", func(t *testing.T) []string {
			pg, _ := sqlitetest.PostgresNoSchema(t) // skips without COACHLOG_TEST_POSTGRES
			return []string{"copy", "--from", db, "--to", pg}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The command works, and prints, when stdout takes it.
			if code, out, stderr := runMain(t, vars, nil, tc.args(t)); code != 0 || out == "" {
				t.Fatalf("with stdout a file: status %d, printed %q; stderr:\n%s", code, out, stderr)
			}
			full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer full.Close()
			code, _, stderr := runMain(t, vars, full, tc.args(t))
			if wantErr := regexp.MustCompile(`(?m)^coachlog: .*standard output.*no space left on device`); code != 1 || !wantErr.MatchString(stderr) {
				t.Errorf("with stdout on /dev/full: status %d, stderr:\n%s\nwant status 1 and an error saying standard output is full", code, stderr)
			}
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			pr.Close() // the reader has gone before the first line
			code, _, stderr = runMain(t, vars, pw, tc.args(t))
			pw.Close()
			if code != exitOutputClosed || regexp.MustCompile(`(?m)^coachlog: |broken pipe`).MatchString(stderr) {
				t.Errorf("with stdout a pipe whose reader has gone: status %d, stderr:\n%s\nwant status %d and no error: the reader chose to stop",
					code, stderr, exitOutputClosed)
			}
		})
	}
}

// runMain runs coachlog itself (main, its signals) with args and vars,
// stdout on the file given, or captured when nil, and returns its exit
// status, what it printed on stdout (when captured) and on stderr.
func runMain(t *testing.T, vars map[string]string, stdout *os.File, args []string) (code int, out, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "COACHLOG_TEST_MAIN=1")
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var outBuf, errBuf bytes.Buffer
	cmd.Dir, cmd.Stderr = t.TempDir(), &errBuf
	if stdout != nil {
		cmd.Stdout = stdout
	} else {
		cmd.Stdout = &outBuf
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("coachlog %s did not end\nstderr:\n%s", strings.Join(args, " "), errBuf.String())
	}
	return cmd.ProcessState.ExitCode(), outBuf.String(), errBuf.String()
}

// The demo on a full stdout ends at its first scene, as with its reader
// gone (TestDemoWithItsOutputClosedEarlyCleansUp), its folder removed,
// and says that standard output is full: "write /dev/stdout: no space
// left on device" said so only to a reader of Go's file names.
func TestTheDemoOnAFullOutputSaysSoAndCleansUp(t *testing.T) {
	t.Parallel()
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full here")
	}
	defer full.Close()
	tmp := t.TempDir()
	code, _, stderr := runMain(t, map[string]string{"TMPDIR": tmp}, full, []string{"demo"})
	if want := regexp.MustCompile(`(?m)^coachlog: cannot write to standard output: .*no space left on device$`); code != 1 || !want.MatchString(stderr) {
		t.Errorf("status %d, stderr:\n%s\nwant status 1 and an error saying standard output is full", code, stderr)
	}
	if left, err := filepath.Glob(filepath.Join(tmp, "coachlog-demo-*")); err != nil || len(left) != 0 {
		t.Errorf("the demo left %q behind (%v)", left, err)
	}
}
