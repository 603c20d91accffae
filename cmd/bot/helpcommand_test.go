package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// `coachlog help COMMAND` prints exactly what `coachlog COMMAND --help`
// prints, on stdout with exit 0, for every command (`help roster` as
// `roster --help` does); before, it printed the list of commands.
func TestHelpCommandIsTheCommandsOwnHelp(t *testing.T) {
	// Not parallel: t.Chdir moves the whole process (and t.Chdir refuses a parallel test).
	runArgs := func(t *testing.T, args ...string) (stdout, stderr string, code int) {
		t.Helper()
		t.Chdir(t.TempDir())
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, func(string) string { return "" }, &out, &errOut)
		if err == nil {
			return out.String(), errOut.String(), 0
		}
		return out.String(), errOut.String(), exitCode(err)
	}
	var asked [][]string
	for _, c := range commands {
		asked = append(asked, strings.Fields(c.name))
	}
	asked = append(asked, []string{"roster"}, []string{"performance"})
	for _, words := range asked {
		t.Run(strings.Join(words, " "), func(t *testing.T) {
			want, _, wantCode := runArgs(t, append(append([]string{}, words...), "--help")...)
			got, errOut, code := runArgs(t, append([]string{"help"}, words...)...)
			if got != want || code != wantCode || code != 0 || errOut != "" {
				t.Errorf("coachlog help %s: exit %d, stderr %q, stdout:\n%s\nwant exit 0, nothing on stderr and what --help prints:\n%s",
					strings.Join(words, " "), code, errOut, got, want)
			}
		})
	}
}

// `coachlog help` of a command there is not is a usage error (exit 2)
// naming the word and listing the commands, as `coachlog bogus` is;
// nothing goes to stdout.
func TestHelpOfAnUnknownCommandNamesItAndTheCommands(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help", "bogus"}, {"help", "roster", "list"}, {"help", "copy", "--from"}} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, func(string) string { return "" }, &out, &errOut)
		name := strings.Join(args[1:], " ")
		if exitCode(err) != 2 || out.Len() != 0 || err == nil {
			t.Fatalf("%v: err %v (exit %d), stdout %q; want a usage error, exit 2, nothing on stdout", args, err, exitCode(err), out.String())
		}
		msg := err.Error()
		if !strings.Contains(msg, `unknown command "`+name+`"`) || !strings.Contains(msg, helpText()) {
			t.Errorf("%v: %q; want it to name %q and list the commands", args, msg, name)
		}
	}
}

// A command mistyped, or asked for as the flag other tools take
// (--version), is named with the one meant, above the list, still a usage
// error: the list alone left it to be found by eye. A word near no command,
// or as near two, gets no guess.
func TestAnUnknownCommandSaysTheOneMeant(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string // "" : no guess
	}{
		{[]string{"--version"}, "; did you mean `coachlog version`?"},
		{[]string{"-version"}, "; did you mean `coachlog version`?"},
		{[]string{"versoin"}, "; did you mean `coachlog version`?"},
		{[]string{"expot", "--format", "json"}, "; did you mean `coachlog export`?"},
		{[]string{"Metrics"}, "; did you mean `coachlog metrics`?"},
		{[]string{"bakcup", "/tmp/b.db"}, "; did you mean `coachlog backup`?"},
		{[]string{"import", "team.csv"}, "; did you mean `coachlog roster import` or `coachlog performance import`?"},
		{[]string{"help", "expot"}, "; did you mean `coachlog help export`?"},
		{[]string{"bogus"}, ""},
		{[]string{"--verbose"}, ""},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), tt.args, func(string) string { return "" }, &out, &errOut)
			if exitCode(err) != 2 || out.Len() != 0 {
				t.Fatalf("err %v (exit %d), stdout %q; want a usage error, exit 2", err, exitCode(err), out.String())
			}
			msg := err.Error()
			first, _, _ := strings.Cut(msg, "\n")
			if tt.want == "" && strings.Contains(first, "did you mean") || !strings.HasSuffix(first, tt.want) || !strings.Contains(msg, helpText()) {
				t.Errorf("said %q above the list; want it to end %q, then the commands", first, tt.want)
			}
		})
	}
}
