package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/typo"
)

// command is one command of the command line as `coachlog help` lists it
// and its own -h begins: one table, so that the two, and the synopsis a
// usage error quotes, cannot say different things.
type command struct {
	name string // as typed: "roster import"
	args string // what follows the name: "[--fractions] FILE.csv"
	what string // what it does, in the words of `coachlog help`
	note string // said last by its -h only
}

// commands is every command, in the order `coachlog help` lists them.
var commands = []command{
	{name: "serve", what: "run the bot (the default)",
		note: "Settings come from the environment (SLACK_APP_TOKEN, SLACK_BOT_TOKEN, COACHLOG_DB...; see the README's Settings)."},
	{name: "roster import", args: "[--confirm-deactivations] FILE.csv", what: "import people and reporting lines (the whole roster)",
		note: "The file's columns: slack_id, email, name, role, manager, tier, timezone, and optionally cadence_days and since, in any order " +
			"(see the README's The roster). A row that gives an email and no slack_id needs SLACK_BOT_TOKEN, to look its Slack id up."},
	{name: "roster export", what: "write the roster as it is now to stdout, a file roster import takes back (to edit the roster Coachlog has)",
		note: "Names are written for every line; an email or time zone Slack gave is left empty, as an import keeps it (see the README's The roster)."},
	{name: "performance import", args: "[--fractions] FILE.csv",
		what: "import monthly attainment (rep,month,attainment); a month re-imported is replaced"},
	{name: "metrics", args: "[--week YYYY-Www | --from DATE --to DATE] [--format json|csv]",
		what: "print every metric per manager and per leader's tree (default: the last full week in COACHLOG_TIMEZONE)"},
	{name: "export", args: "[--from DATE] [--to DATE] [--format csv|json] [--with-notes]",
		what: "write sessions to stdout, one row per session and rep"},
	{name: "nudge", args: "[--dry-run]",
		what: "evaluate nudges now, queue them and wait for their delivery (at most once a day per manager); " +
			"each is checked again as it is sent, and may be withheld"},
	{name: "digest", args: "[--week YYYY-Www] [--channel ID] [--dry-run [--chart FILE]]",
		what: "build the weekly digest and post it (default: the last full week in COACHLOG_TIMEZONE), once a week; " +
			"--dry-run prints it and writes its chart to a file"},
	{name: "backup", args: "FILE",
		what: "write a consistent copy of the database while the bot runs (on PostgreSQL: prints the pg_dump command to use)"},
	{name: "copy", args: "--from FILE.db --to postgres://...",
		what: "move a whole SQLite database into an empty PostgreSQL one (stop the bot first)"},
	{name: "demo", args: "[--keep] [--chart FILE]",
		what: "show the product on a demo organisation, no Slack needed (in New York time, whatever COACHLOG_TIMEZONE says)"},
	{name: "version", what: "print the version and the commit this coachlog was built from, and its time (as the start line logs them)"},
	{name: "healthcheck", what: "ask the running bot's /healthz on COACHLOG_HTTP_ADDR: exit 0 when it answers 200, " +
		"1 saying what is wrong (for a container's HEALTHCHECK)",
		note: "It reads COACHLOG_HTTP_ADDR alone, set as for the bot (an address with no host, 0.0.0.0 or [::] is asked on 127.0.0.1 or [::1]), " +
			"needs no token and no database, and gives up after 3s."},
	{name: "help", args: "[COMMAND]", what: "this text, or what `coachlog COMMAND --help` prints"},
}

// commandNamed is the command of that name in commands. A name missing
// from the table is a mistake in this program, caught by its tests.
func commandNamed(name string) command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	panic("coachlog: no command " + name + " in the commands table")
}

// bareLine is synopsisLine without the optional flags, the line to start
// from: "coachlog roster import FILE.csv".
func (c command) bareLine() string {
	args := c.args
	for {
		i := strings.Index(args, "[--")
		if i < 0 {
			break
		}
		j := strings.Index(args[i:], "]")
		if j < 0 {
			break
		}
		args = args[:i] + args[i+j+1:]
	}
	return strings.Join(strings.Fields("coachlog "+c.name+" "+args), " ")
}

// synopsisLine is the command as typed, with what it takes:
// "coachlog roster import FILE.csv".
func (c command) synopsisLine() string {
	return strings.TrimSpace("coachlog " + c.name + " " + c.args)
}

// helpText is `coachlog help`: every command, what it takes and does.
func helpText() string {
	const col, width = 28, 106 // where the words begin; where they wrap
	var b strings.Builder
	b.WriteString("usage: coachlog [command]\n\nCommands:\n")
	for _, c := range commands {
		head := "  " + strings.TrimPrefix(c.synopsisLine(), "coachlog ")
		if len(head) > col-2 {
			b.WriteString(head + "\n")
			head = ""
		}
		for i, line := range wrap(c.what, width-col) {
			if i == 0 {
				fmt.Fprintf(&b, "%-*s%s\n", col, head, line)
			} else {
				fmt.Fprintf(&b, "%*s%s\n", col, "", line)
			}
		}
	}
	b.WriteString("\n`coachlog help COMMAND` (or `coachlog COMMAND --help`) shows a command's flags. Settings come from the environment; see the README.\n")
	return b.String()
}

// helpCmd is `coachlog help [COMMAND]`: the list of commands, or what
// `coachlog COMMAND --help` prints (the same call, so the two cannot
// differ), `help roster` as `roster --help`. A command there is not is a
// usage error naming it, with the list, as `coachlog bogus` is.
func helpCmd(ctx context.Context, e env, rest []string) error {
	if len(rest) == 0 || (len(rest) == 1 && (rest[0] == "help" || isHelp(rest[0]))) {
		fmt.Fprint(e.stdout, helpText())
		return nil
	}
	name := strings.Join(rest, " ")
	for _, c := range commands {
		words := strings.Fields(c.name)
		if c.name != name && words[0] != name {
			continue
		}
		if words[0] == "serve" {
			return serve(ctx, e, []string{"--help"})
		}
		return runCommand(ctx, words[0], append(words[1:], "--help"), e)
	}
	return usageError(fmt.Sprintf("help: unknown command %q%s\n\n%s", name, didYouMean(name, "help "), helpText()))
}

// didYouMean is "; did you mean `coachlog PREFIXCOMMAND`?" for a word
// typed where a command goes, when one command is meant beyond doubt, and
// "" otherwise: the list of commands alone left `coachlog expot` or
// `coachlog --version` (a flag many tools take) to be matched by eye. The
// word is read without its leading dashes, so --version is `coachlog
// version`; a word one edit from a command (two, from a long one: a
// letter dropped, doubled or swapped) is that command, unless another is
// as near; a second word is named with each command it ends
// (`coachlog import` is roster's or performance's).
func didYouMean(word, prefix string) string {
	w := strings.ToLower(strings.TrimLeft(word, "-"))
	if w == "" {
		return ""
	}
	var best []string
	bestDist := 3
	var ends []string
	for _, c := range commands {
		words := strings.Fields(c.name)
		if len(words) > 1 && w == words[len(words)-1] {
			ends = append(ends, "`coachlog "+prefix+c.name+"`")
		}
		if slices.Contains(best, words[0]) {
			continue // roster import's "roster" was weighed
		}
		d := typo.Distance(w, words[0])
		switch {
		case d > typo.Tolerance(w):
		case d < bestDist:
			best, bestDist = []string{words[0]}, d
		case d == bestDist:
			best = append(best, words[0])
		}
	}
	switch {
	case len(ends) > 0:
		return "; did you mean " + strings.Join(ends, " or ") + "?"
	case len(best) == 1:
		return "; did you mean `coachlog " + prefix + best[0] + "`?"
	}
	return "" // none near, or two as near: no guess
}

// wrap breaks s into lines of at most width bytes, at spaces.
func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}

// flagSet is a command's flags and what its -h says of it.
type flagSet struct {
	*flag.FlagSet
	cmd            command
	stdout, stderr io.Writer
}

// newFlags returns the flag set of the command of that name in commands.
// The flag package prints nothing itself: parseFlags prints the usage,
// on stdout when asked for (-h, --help), on stderr after a mistake.
func newFlags(e env, name string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, cmd: commandNamed(name), stdout: e.stdout, stderr: e.stderr}
}

// printUsage writes the command's synopsis, what it does, and its flags
// as the README and `coachlog help` write them, with two dashes:
// "usage: coachlog metrics [--week YYYY-Www ...]" where the flag package's
// own said "Usage of coachlog metrics:" above "-week string".
func (fs *flagSet) printUsage(w io.Writer) {
	fmt.Fprintf(w, "usage: %s\n", fs.cmd.synopsisLine())
	fmt.Fprintln(w, sentence(fs.cmd.what))
	type row struct{ head, usage string }
	var rows []row
	widest := 0
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		head := "--" + f.Name
		if !isBoolFlag(f) {
			head += " " + arg
		}
		if f.DefValue != "" && f.DefValue != "false" {
			usage += " (default " + f.DefValue + ")"
		}
		rows = append(rows, row{head, usage})
		widest = max(widest, len(head))
	})
	if len(rows) == 0 {
		fmt.Fprintln(w, "\nIt takes no flags.")
	} else {
		fmt.Fprintln(w, "\nFlags:")
		for _, r := range rows {
			fmt.Fprintf(w, "  %-*s  %s\n", widest, r.head, r.usage)
		}
	}
	if fs.cmd.note != "" {
		fmt.Fprintln(w, fs.cmd.note)
	}
}

// sentence begins s with a capital and ends it with a full stop: a line
// of `coachlog help` said on its own.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// parseFlags parses args. A help asked for prints the usage on stdout
// and returns flag.ErrHelp (exit 0); a mistake prints it on stderr and
// returns a usage error (exit 2), said once, by main ("coachlog: flag
// provided but not defined: --bogus").
func parseFlags(fs *flagSet, args []string) error {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		fs.printUsage(fs.stdout)
		return err
	}
	fs.printUsage(fs.stderr)
	return usageError(withDashes(err.Error(), dashesTyped(fs.FlagSet, args)))
}

// dashesTyped is how the flag a parse of args failed on was typed, "-"
// or "--" (the flag package takes both, and names it with one dash in its
// errors whichever was typed). The parse stopped just past that flag (and
// its value, when given apart), leaving fs.Args(): the words before are
// walked as the flag package walks them, a value given apart skipped, so
// that `--week -x` reads -x as --week's value. "--" when no flag was
// read (a bad flag syntax, which its message quotes whole).
func dashesTyped(fs *flag.FlagSet, args []string) string {
	dashes := "--"
	for i, stop := 0, len(args)-len(fs.Args()); i < stop; i++ {
		a := args[i]
		if len(a) < 2 || a[0] != '-' || a == "--" {
			break
		}
		n := 1
		if a[1] == '-' {
			n = 2
		}
		dashes = a[:n]
		name, _, inline := strings.Cut(a[n:], "=")
		if f := fs.Lookup(name); f != nil && !inline && !isBoolFlag(f) {
			i++ // its value
		}
	}
	return dashes
}

// withDashes writes the flag in the flag package's errors with the
// dashes the operator typed it with: "not defined: -bogus" for a --bogus
// typed read as if flags took one dash, and the flag package's one dash
// put on every flag echoed a -x typed as --x.
func withDashes(msg, dashes string) string {
	for _, p := range []string{"flag provided but not defined: -", "flag needs an argument: -"} {
		if strings.HasPrefix(msg, p) {
			return p[:len(p)-1] + dashes + msg[len(p):]
		}
	}
	// "invalid value %q for flag -%s: %v": the value, before, is the
	// user's, and may hold the words too.
	for _, p := range []string{" for flag -", " for -"} {
		if i := strings.LastIndex(msg, p); i >= 0 {
			return msg[:i+len(p)-1] + dashes + msg[i+len(p):]
		}
	}
	return msg
}

// isBoolFlag reports whether f takes no value (--dry-run), as the flag
// package tells.
func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// isHelp reports whether arg asks for help, as the flag package reads it.
func isHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--h", "--help":
		return true
	}
	return false
}

// noArguments refuses a word left after fs's flags, naming the command
// (fs's name) and, when hint is not empty, what it takes instead. The flag
// package stops at the first word: "demo keep" would otherwise run the
// demo and drop the flag meant, "export out.csv --with-notes" the flags
// after the word.
func noArguments(fs *flagSet, hint string) error {
	if fs.NArg() == 0 {
		return nil
	}
	msg := fs.Name() + " takes no arguments"
	if hint != "" {
		msg += ", " + hint
	}
	return usageError(fmt.Sprintf("%s: %q", msg, fs.Arg(0)))
}
