package main

import (
	"bufio"
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The demo tells the product's story in one command: the Slack scenes,
// then the digest leaders read, with each manager's habit brought out by
// a finding, the correlation with results, the chart written to the file
// it names, a manager's own numbers and the nudges. It tells the same
// story whenever it is run: the demo's organisation lives in New York, and
// its weeks must not move under Max when New York and UTC are on different
// days (a Sunday evening there is Monday in UTC), nor at a week's first
// hour, nor across a change of clocks or a year of 53 ISO weeks.
func TestDemo(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation(demoZone)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		at   time.Time
	}{
		{"midweek", time.Date(2026, 11, 25, 11, 0, 0, 0, ny)},
		{"Sunday evening in New York, Monday in UTC", time.Date(2026, 11, 29, 20, 30, 0, 0, ny)},
		{"Monday just after midnight in New York", time.Date(2026, 11, 30, 0, 15, 0, 0, ny)},
		{"the evening clocks went forward", time.Date(2026, 3, 8, 21, 0, 0, 0, ny)},
		{"the Monday after a 53-week year", time.Date(2027, 1, 4, 0, 30, 0, 0, ny)},
		{"a Monday morning, when reps' reminders go out", time.Date(2026, 11, 30, 9, 15, 0, 0, ny)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			testDemoAt(t, tc.at)
		})
	}
}

// A chart path that cannot be written is refused before the demo builds
// anything: it failed at the very end, after the whole transcript. So is
// a file already there, which the chart wrote over.
func TestDemoChecksTheChartPathFirst(t *testing.T) {
	t.Parallel()
	// A place no one can write a file in, root included (CI runs as root,
	// who writes in any directory whatever its mode): a regular file
	// standing where the chart's directory should be.
	notADir := filepath.Join(t.TempDir(), "reports")
	if err := os.WriteFile(notADir, []byte("a file"), 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/nonexistent/x.png":                "the directory /nonexistent does not exist",
		t.TempDir():                         "is a directory",
		filepath.Join(notADir, "chart.png"): notADir + " is not a directory",
		notADir:                             notADir + " already exists; give the path of a file that does not exist yet",
	} {
		out, err := cliAt(t, time.Date(2026, 11, 25, 16, 0, 0, 0, time.UTC), nil, "demo", "--chart", path)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(out, "Coaching digest") {
			t.Errorf("demo --chart %s: %v; want an error saying %q before anything is shown\n%.500s", path, err, want, out)
		}
	}
	if raw, err := os.ReadFile(notADir); err != nil || string(raw) != "a file" {
		t.Errorf("the file at --chart holds %.40q now (%v)", raw, err)
	}
}

func testDemoAt(t *testing.T, at time.Time) {
	chart := filepath.Join(t.TempDir(), "chart.png")
	var out syncBuffer
	e := env{getenv: func(string) string { return "" }, stdout: &out, stderr: &out, now: clockFrom(at)}
	// The demo builds a whole organisation: under -race on a busy machine
	// that took over ctxT's 10 s once. The test is about what it shows.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := runEnv(ctx, []string{"demo", "--chart", chart}, e); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	text := out.String()
	// A newcomer's first command prints no errors: the seeded history's
	// reminders once failed for good, an ERROR line each.
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, "level=ERROR") || strings.Contains(line, "level=WARN") {
			t.Errorf("the demo logged: %s", line)
		}
	}
	for _, want := range []string{
		"1. Max logs a ride-along", "4. Max looks back",
		"5. Monday morning, the weekly digest", "Coaching digest · ", "Dan (Director East)", "Lena (Director West)",
		"Top performers got 94% of coaching minutes", // Max: only his top performer
		"Took the lead on 6 of 6 ride-alongs",        // Nina
		"Cadence is slipping",                        // Owen
		"Coaching and results: ρ 0.",                 // the correlation shows
		"is written to " + chart,
		"6. Max asks for his own numbers", "Max: /coach stats", "Your coaching this week", // the command's own answer
		"Bea (0.0 h)", // his own view names his reps
		// Each of his figures on a line of its own, as a cell of Slack's grid.
		"\n    | Sessions: ", "\n    | Time by tier (minutes · reps): top ", "\n    | Overdue: ",
		"7. Three weeks on",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the demo does not show %q:\n%s", want, text)
		}
	}
	// Ria cannot see Sam's DM, so the demo shows what she can do: ask for
	// his coaching, and read none of it.
	if i, j := strings.Index(text, "3. Someone else can't read Sam's coaching"), strings.Index(text, "4. Max looks back"); i < 0 || j < i {
		t.Errorf("the demo does not show Ria asking for Sam's coaching before Max looks back:\n%s", text)
	} else if scene := text[i:j]; !strings.Contains(scene, "Ria: /coach history @Sam") || strings.Contains(scene, "great discovery") {
		t.Errorf("Ria's scene:\n%s\nwant her /coach history @Sam answered without Sam's notes", scene)
	}
	digestPart := text[strings.Index(text, "5. Monday morning"):strings.Index(text, "6. Max asks")]
	for _, rep := range []string{"Sam", "Bea", "Ria", "Tom", "Leo"} {
		if strings.Contains(digestPart, rep) {
			t.Errorf("the leaders' digest names the rep %s", rep)
		}
	}
	if strings.Count(digestPart, "Vera (VP Sales)\n") > 0 {
		t.Error("Vera's section repeats the headline: her tree is the whole organisation")
	}
	raw, err := os.ReadFile(chart)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(raw)); err != nil {
		t.Errorf("the chart is not a PNG: %v", err)
	}
}

// The demo runs in its own zone (demoZone), whatever COACHLOG_TIMEZONE
// says: a setting it does not use is said at its start, in one line, and
// one serve would refuse is refused, in serve's words. It dropped both in
// silence. (A chart path that cannot be written stops each run right
// after the check, before the demo builds anything.)
func TestDemoSaysItDoesNotUseTheTimezoneSetting(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 25, 16, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		tz, says string
		refused  bool
	}{
		{"Europe/Paris", "The demo runs in its own time zone, America/New_York, and does not use COACHLOG_TIMEZONE=Europe/Paris.\n", false},
		{"UTC", "does not use COACHLOG_TIMEZONE=UTC", false},
		{"America/New_York", "", false},
		{"", "", false},
		{"EST", "", true},
		{"Mars/Olympus_Mons", "", true},
	} {
		t.Run(tc.tz, func(t *testing.T) {
			vars := map[string]string{"COACHLOG_TIMEZONE": tc.tz}
			out, err := cliAt(t, at, vars, "demo", "--chart", "/nonexistent/x.png")
			if tc.refused {
				_, serves := loadConfig(func(k string) string { return vars[k] }, needs{})
				if serves == nil || err == nil || err.Error() != serves.Error() || exitCode(err) != exitCode(serves) {
					t.Fatalf("demo: %v; want serve's refusal: %v", err, serves)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "/nonexistent") {
				t.Fatalf("demo: %v; want the chart path refused", err)
			}
			if tc.says == "" && out != "" || !strings.Contains(out, tc.says) || strings.Count(out, "\n") > 1 {
				t.Errorf("the demo said %q at start; want %q", out, tc.says)
			}
		})
	}
}

// `coachlog demo | head`: head read its lines and left, the demo's next
// write raised SIGPIPE, and the process died with its scratch database
// left in /tmp/coachlog-demo-*. Its output closed, the demo ends quietly
// (no error line; status 141, as SIGPIPE's), its folder removed, or with
// --keep kept and named on stderr, where it can still be read.
func TestDemoWithItsOutputClosedEarlyCleansUp(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		kept bool
	}{
		{"without --keep", []string{"demo"}, false},
		{"with --keep", []string{"demo", "--keep"}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr syncBuffer
			cmd := exec.Command(os.Args[0], tt.args...)
			cmd.Env = append(os.Environ(), "COACHLOG_TEST_MAIN=1", "TMPDIR="+tmp)
			cmd.Dir, cmd.Stdout, cmd.Stderr = t.TempDir(), pw, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			pw.Close()
			// head: the first scene's lines, then gone.
			lines := bufio.NewScanner(pr)
			for i := 0; i < 5 && lines.Scan(); i++ {
			}
			pr.Close()
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatalf("the demo did not end with its output closed\n%s", stderr.String())
			}
			if code := cmd.ProcessState.ExitCode(); code != exitOutputClosed {
				t.Errorf("the demo ended with %v, want exit status %d", cmd.ProcessState, exitOutputClosed)
			}
			if strings.Contains(stderr.String(), "coachlog:") || strings.Contains(stderr.String(), "broken pipe") {
				t.Errorf("the demo said on stderr:\n%s\nwant no error: the reader chose to stop", stderr.String())
			}
			left, err := filepath.Glob(filepath.Join(tmp, "coachlog-demo-*"))
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.kept && (len(left) != 1 || !strings.Contains(stderr.String(), "The demo database is kept at "+filepath.Join(left[0], "coachlog.db"))):
				t.Errorf("with --keep: folders %q, stderr:\n%s\nwant one, named on stderr", left, stderr.String())
			case !tt.kept && len(left) != 0:
				t.Errorf("the demo left %q behind", left)
			}
		})
	}
}
