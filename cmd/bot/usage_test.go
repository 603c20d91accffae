package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

// Every command's -h and --help is its usage as `coachlog help` and the
// README write it, on stdout with exit 0: the command's line with what it
// takes, what it does, and its flags with two dashes and their defaults.
// The flag package's own ("Usage of coachlog metrics:" above "-week
// string") wrote flags with one dash and named nothing the command takes.
func TestEveryCommandsHelpIsItsUsage(t *testing.T) {
	// Not parallel: t.Chdir moves the whole process (and t.Chdir refuses a parallel test).
	oneDash := regexp.MustCompile(`(?m)^\s+-[a-z]`)
	for _, c := range commands {
		if c.name == "help" {
			continue
		}
		for _, h := range []string{"-h", "--help"} {
			args := append(strings.Fields(c.name), h)
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				t.Chdir(t.TempDir())
				var out, errOut bytes.Buffer
				err := run(context.Background(), args, func(string) string { return "" }, &out, &errOut)
				if exitCode(err) != 0 || errOut.Len() > 0 {
					t.Fatalf("err %v (exit %d), stderr %q; want the usage on stdout, exit 0", err, exitCode(err), errOut.String())
				}
				help := out.String()
				lines := strings.Split(help, "\n")
				if want := "usage: " + c.synopsisLine(); lines[0] != want {
					t.Errorf("the first line is %q, want %q", lines[0], want)
				}
				if len(lines) < 2 || lines[1] != sentence(c.what) {
					t.Errorf("the second line is not what `coachlog help` says the command does (%q):\n%s", c.what, help)
				}
				if !strings.Contains(helpText(), "  "+strings.TrimPrefix(c.synopsisLine(), "coachlog ")+"\n") &&
					!strings.Contains(helpText(), "  "+strings.TrimPrefix(c.synopsisLine(), "coachlog ")+" ") {
					t.Errorf("`coachlog help` does not list %q", c.synopsisLine())
				}
				for _, flag := range regexp.MustCompile(`--[a-z-]+`).FindAllString(c.args, -1) {
					if !strings.Contains(help, "\n  "+flag+" ") {
						t.Errorf("the synopsis names %s and the flags do not:\n%s", flag, help)
					}
				}
				if oneDash.MatchString(help) || strings.Contains(help, " string") {
					t.Errorf("a flag is written the flag package's way:\n%s", help)
				}
			})
		}
	}
}

// A flag's default is said beside it, and a flag that takes a value names it.
func TestHelpSaysTheDefaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"metrics", "--help"}, "--format json|csv  the output, json|csv (default json)\n"},
		{[]string{"export", "-h"}, "--format csv|json  the output, csv|json (default csv)\n"},
		{[]string{"digest", "-h"}, "--week YYYY-Www  the ISO week YYYY-Www (default: the last full week in COACHLOG_TIMEZONE)\n"},
		{[]string{"demo", "-h"}, "--keep        keep the scratch database"},
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), tc.args, func(string) string { return "" }, &out, &errOut)
		if exitCode(err) != 0 || !strings.Contains(out.String(), "\n  "+tc.want) {
			t.Errorf("%v: err %v, printed:\n%s\nwant a line %q", tc.args, err, out.String(), tc.want)
		}
	}
}

// The roster's help says what the file holds, as the performance file's
// names its columns: it said only "import people and reporting lines",
// and an admin with an HR export learnt the columns from the refusal.
func TestRosterHelpNamesTheColumns(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help", "roster"}, {"roster", "import", "--help"}} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, func(string) string { return "" }, &out, &errOut)
		for _, want := range []string{"slack_id, email, name, role, manager, tier, timezone, and optionally cadence_days and since",
			"an email and no slack_id needs SLACK_BOT_TOKEN"} {
			if exitCode(err) != 0 || !strings.Contains(out.String(), want) {
				t.Errorf("%v: err %v, printed:\n%s\nwant %q", args, err, out.String(), want)
			}
		}
	}
}

// A flag mistake is no help asked for: the usage goes to stderr, nothing
// to stdout, and the exit status is 2; the flag is named as typed.
func TestAnUnknownFlagPrintsTheUsageOnStderr(t *testing.T) {
	// Not parallel: t.Chdir moves the whole process (and t.Chdir refuses a parallel test).
	for _, c := range commands {
		if c.name == "help" {
			continue
		}
		args := append(strings.Fields(c.name), "--bogus")
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Chdir(t.TempDir())
			var out, errOut bytes.Buffer
			err := run(context.Background(), args, func(string) string { return "" }, &out, &errOut)
			if exitCode(err) != 2 || err.Error() != "flag provided but not defined: --bogus" {
				t.Fatalf("err %v (exit %d); want a usage error naming --bogus, exit 2", err, exitCode(err))
			}
			if out.Len() > 0 || !strings.HasPrefix(errOut.String(), "usage: "+c.synopsisLine()+"\n") {
				t.Errorf("stdout %q, stderr:\n%s\nwant the usage on stderr alone", out.String(), errOut.String())
			}
		})
	}
}

// The flag package's other mistakes name the flag as typed too, with
// one dash or two (the flag package takes both, and named every flag
// with one: a --bogus read as if flags took one dash, and once two were
// put on every flag, a -bogus typed came back as --bogus); a value the
// user typed is left as typed, and one given apart that looks like a
// flag is no flag.
func TestFlagMistakesNameTheFlagAsTyped(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"metrics", "--bogus"}, "flag provided but not defined: --bogus"},
		{[]string{"metrics", "-bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"metrics", "-bogus=1"}, "flag provided but not defined: -bogus"},
		{[]string{"metrics", "--format", "csv", "-x"}, "flag provided but not defined: -x"},
		{[]string{"metrics", "-format=csv", "--x"}, "flag provided but not defined: --x"},
		{[]string{"metrics", "--week", "-x", "-y"}, "flag provided but not defined: -y"}, // -x is --week's value
		{[]string{"metrics", "-week"}, "flag needs an argument: -week"},
		{[]string{"metrics", "--week"}, "flag needs an argument: --week"},
		{[]string{"digest", "-dry-run", "--dry-run=maybe"}, `invalid boolean value "maybe" for --dry-run: parse error`},
		{[]string{"digest", "--dry-run", "-dry-run=a for -b"}, `invalid boolean value "a for -b" for -dry-run: parse error`},
		{[]string{"metrics", "---x"}, "bad flag syntax: ---x"},
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), tc.args, func(string) string { return "" }, &out, &errOut)
		if exitCode(err) != 2 || err.Error() != tc.want {
			t.Errorf("%v: err %v (exit %d), want %q", tc.args, err, exitCode(err), tc.want)
		}
	}
}
