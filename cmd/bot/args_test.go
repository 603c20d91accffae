package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/sqlite"
)

// A word where a flag belongs is a mistake said at once, not ignored:
// `coachlog demo keep` (the dashes forgotten) must not run the demo and
// then delete the database the admin asked to keep.
func TestStrayArgumentsAreRefused(t *testing.T) {
	// Not parallel: t.Chdir moves the whole process (and t.Chdir refuses a parallel test).
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"demo", "keep"}, `demo takes no arguments, only flags (--keep, --chart FILE): "keep"`},
		{[]string{"demo", "--keep", "chart.png"}, `"chart.png"`},
		{[]string{"serve", "extra"}, `serve takes no arguments: "extra"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Chdir(t.TempDir()) // where a demo that ran would write its chart
			var out, errOut bytes.Buffer
			err := run(context.Background(), tc.args, func(string) string { return "" }, &out, &errOut)
			if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v (exit %d); want a usage error (exit 2) saying %s", err, exitCode(err), tc.want)
			}
			if out.Len() > 0 {
				t.Errorf("the demo ran anyway:\n%s", out.String())
			}
			if files, _ := os.ReadDir("."); len(files) > 0 {
				t.Errorf("the demo wrote %s", files[0].Name())
			}
		})
	}
}

// `coachlog roster -h` shows the import's usage, as `coachlog export -h`
// shows export's: it is a request for help (exit 0), not a mistake.
func TestSubcommandHelpIsHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"roster", "-h"}, {"performance", "--help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), args, func(string) string { return "" }, &out, &errOut)
			if exitCode(err) != 0 || !strings.Contains(out.String(), "usage: coachlog "+args[0]+" import") {
				t.Fatalf("err %v (exit %d), stdout:\n%s\nwant the import's usage, exit 0", err, exitCode(err), out.String())
			}
		})
	}
}

// A command's -h names what it takes, not only its flags: "Usage of
// coachlog roster import:" with nothing under it left a new admin to
// guess the file.
func TestHelpNamesTheArguments(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"roster", "import", "-h"}, "usage: coachlog roster import [--confirm-deactivations] FILE.csv\n"},
		{[]string{"performance", "import", "-h"}, "usage: coachlog performance import [--fractions] FILE.csv\n"},
		{[]string{"backup", "-h"}, "usage: coachlog backup FILE\n"},
		{[]string{"serve", "-h"}, "usage: coachlog serve\nRun the bot (the default).\n\nIt takes no flags.\nSettings come from the environment"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), tc.args, func(string) string { return "" }, &out, &errOut)
			if exitCode(err) != 0 || !strings.HasPrefix(out.String(), tc.want) {
				t.Fatalf("err %v (exit %d), stdout:\n%s\nwant it to begin %q, exit 0", err, exitCode(err), out.String(), tc.want)
			}
		})
	}
}

// The flag package stops at the first word that is no flag: a flag typed
// after the file is a usage error that says flags go first, and how. Two
// files given to a command that takes one are named: the usage line alone
// did not say which part was wrong, and a second roster file would
// deactivate everyone the first named. Nothing runs either way.
func TestAFlagAfterTheFileSaysFlagsGoFirst(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"performance", "import", "fr.csv", "--fractions"}, "flags go before the file: coachlog performance import --fractions fr.csv"},
		{[]string{"roster", "import", "team.csv", "-h"}, "flags go before the file: coachlog roster import -h team.csv"},
		{[]string{"backup", "copy.db", "--now"}, "flags go before the file: coachlog backup --now copy.db"},
		{[]string{"roster", "import", "a.csv", "b.csv"}, "coachlog roster import takes one file, and 2 were given (a.csv, b.csv); a roster file is the whole roster"},
		{[]string{"performance", "import", "oct.csv", "nov.csv", "dec.csv"}, "coachlog performance import takes one file, and 3 were given (oct.csv, nov.csv, dec.csv) (usage:"},
		{[]string{"backup", "a.db", "b.db"}, "coachlog backup takes one file, and 2 were given (a.db, b.db) (usage:"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			dir := t.TempDir()
			var out, errOut bytes.Buffer
			getenv := func(k string) string { return map[string]string{"COACHLOG_DB": dir + "/c.db"}[k] }
			err := run(context.Background(), tc.args, getenv, &out, &errOut)
			if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v (exit %d); want a usage error (exit 2) saying %s", err, exitCode(err), tc.want)
			}
			if files, _ := os.ReadDir(dir); len(files) > 0 {
				t.Errorf("the command ran anyway: it wrote %s", files[0].Name())
			}
		})
	}
}

// An empty FILE, as a script's unset variable gives (`coachlog backup
// "$BACKUP"`), is a usage error saying so: backup wrote its copy to
// ".partial" in the working directory and then failed with "rename
// .partial : no such file or directory", and an import said "open : no
// such file or directory". Nothing is written.
func TestAnEmptyFileIsAUsageError(t *testing.T) {
	dir := t.TempDir()
	db := dir + "/c.db"
	getenv := func(k string) string { return map[string]string{"COACHLOG_DB": db}[k] }
	// A database for backup to copy, from a file kept elsewhere.
	team := t.TempDir() + "/team.csv"
	if err := os.WriteFile(team, []byte("slack_id,email,name,role,manager,tier,timezone\nU0VERA,,Vera,leader,,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"roster", "import", team}, getenv, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, args := range [][]string{{"backup", ""}, {"roster", "import", ""}, {"performance", "import", ""}, {"performance", "import", "--fractions", ""}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			err := run(context.Background(), args, getenv, &out, &errOut)
			if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "the file's name is empty") {
				t.Fatalf("err %v (exit %d); want a usage error (exit 2) saying the file's name is empty", err, exitCode(err))
			}
			if files, _ := os.ReadDir(dir); len(files) != 1 || files[0].Name() != "c.db" {
				t.Errorf("files in the directory: %v, want only the database", files)
			}
		})
	}
}

// Every command's store keeps to COACHLOG_DURABLE, an import's commit
// too: only serve's did.
func TestEveryStoreKeepsToDurable(t *testing.T) {
	t.Parallel()
	for _, durable := range []bool{true, false} {
		if got := (config{Durable: durable}).storeOptions(sqlite.Options{}).Durable; got != durable {
			t.Errorf("COACHLOG_DURABLE %v: store opened with Durable %v", durable, got)
		}
	}
}

// `coachlog` alone, with no token at all, is most likely a first try:
// the error about the missing token points to the commands and to the
// demo, which needs no Slack. With a token set, or serve asked for by
// name, it is a misconfigured deployment: the one line alone.
func TestABareRunWithNoTokensPointsToHelpAndTheDemo(t *testing.T) {
	// Not parallel: t.Chdir moves the whole process (and t.Chdir refuses a parallel test).
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		pointer bool
	}{
		{"bare, no tokens", nil, nil, true},
		{"serve, no tokens", []string{"serve"}, nil, false},
		{"bare, a bot token", nil, map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			var out, errOut bytes.Buffer
			err := run(context.Background(), tc.args, func(k string) string { return tc.env[k] }, &out, &errOut)
			if err == nil || !strings.HasPrefix(err.Error(), "SLACK_APP_TOKEN: missing") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err %v; want one line naming SLACK_APP_TOKEN", err)
			}
			pointer := strings.Contains(err.Error(), "`coachlog help` lists the commands") &&
				strings.Contains(err.Error(), "`coachlog demo` tries Coachlog without Slack")
			if pointer != tc.pointer {
				t.Errorf("err %v; pointer to help and the demo: %v, want %v", err, pointer, tc.pointer)
			}
		})
	}
}

// A subcommand that is not one is named as such, with the one there is;
// none given, the command says it needs one.
func TestAnUnknownSubcommandIsNamed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"roster", "list"}, `unknown roster subcommand "list"; the ones there are: coachlog roster import FILE.csv, or coachlog roster export`},
		{[]string{"performance", "list"}, `unknown performance subcommand "list"; the one there is: coachlog performance import FILE.csv`},
		{[]string{"roster"}, "roster needs a subcommand: coachlog roster import FILE.csv, or coachlog roster export"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), tc.args, func(string) string { return "" }, &out, &errOut)
			if err == nil || exitCode(err) != 2 || err.Error() != tc.want {
				t.Fatalf("err %v (exit %d); want a usage error (exit 2): %s", err, exitCode(err), tc.want)
			}
		})
	}
}
