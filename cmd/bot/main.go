// Command coachlog is the Coachlog Slack bot and its command line: serve the
// bot, import the roster and attainment, print metrics, export sessions,
// try a demo.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // time zones work on machines and images without zoneinfo

	"github.com/coachlog/coachlog/internal/sqlite"
)

func main() {
	// Watched by the command (watchStop), not signal.NotifyContext, which
	// swallows every signal after the first.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, stopSignals(signal.Ignored)...)
	// A reader gone from stdout or stderr (`coachlog demo | head`, a log
	// pipe's tee that died with the SSH session) killed the process with
	// SIGPIPE at its next write: a demo left its scratch database in
	// /tmp, a serve stopping on SIGHUP lost its graceful stop. Ignored,
	// the write fails with EPIPE instead; the command ends as it ends on
	// any error, its deferred clean-ups run, and finish says nothing.
	signal.Ignore(syscall.SIGPIPE)
	e := env{getenv: os.Getenv, environ: os.Environ, stdout: closedOutput{os.Stdout}, stderr: os.Stderr, now: time.Now,
		signals: sigs, exit: os.Exit}
	if err := runEnv(context.Background(), os.Args[1:], e); err != nil {
		os.Exit(finish(err, os.Stderr))
	}
}

// stopSignals are the signals that stop a command gracefully (watchStop):
// SIGTERM (Docker, Kubernetes, systemd), SIGINT (Ctrl-C) and SIGHUP, which
// a terminal sends as it closes. A bot run in the foreground of an SSH
// session that dropped died of SIGHUP at once, without giving its sender
// role back (the next start waited out the lease) and with a send under
// way posted again at the next start; it now stops as at SIGTERM. A
// SIGHUP the process was started ignoring (ignored: signal.Ignored), as
// under nohup, is left ignored: watching it would undo that (see
// signal.Notify), and a bot started with nohup to outlive its session
// would stop with it.
func stopSignals(ignored func(os.Signal) bool) []os.Signal {
	sigs := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if !ignored(syscall.SIGHUP) {
		sigs = append(sigs, syscall.SIGHUP)
	}
	return sigs
}

// finish says a command's err on stderr and returns the exit status: not
// a help asked for, nor an error the command logged already (a replica
// stepping down for a newer schema), which a second line would repeat,
// nor its output closed early (outputClosed), which the reader chose.
func finish(err error, stderr io.Writer) int {
	_, closed := errors.AsType[outputClosed](err)
	if !errors.Is(err, flag.ErrHelp) && !alreadyLogged(err) && !closed {
		fmt.Fprintln(stderr, "coachlog:", err)
	}
	return exitCode(err)
}

// closedOutput is stdout, whose writes say outputClosed when the reader
// has gone (EPIPE, SIGPIPE being ignored: see main).
type closedOutput struct{ w io.Writer }

func (c closedOutput) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if errors.Is(err, syscall.EPIPE) {
		err = outputClosed{err}
	}
	return n, err
}

// outputClosed is a write to stdout after its reader went (`coachlog
// demo | head` once head has its lines): no failure of the command's, so
// finish says nothing, and the exit status is 141, as a process killed by
// SIGPIPE shows it to a shell, so that a script's pipefail reads it as it
// did before SIGPIPE was ignored.
type outputClosed struct{ err error }

func (o outputClosed) Error() string { return "standard output closed: " + o.err.Error() }
func (o outputClosed) Unwrap() error { return o.err }

// exitOutputClosed is 128 + SIGPIPE, the status a shell shows for a
// process SIGPIPE killed.
const exitOutputClosed = 141

// env is what a command gets from the outside world.
type env struct {
	getenv func(string) string
	// environ lists the environment as os.Environ does, for serve to name
	// the settings it does not know; nil, it names none.
	environ func() []string
	stdout  io.Writer
	stderr  io.Writer
	now     func() time.Time // the clock; tests move it
	// firstPass, when set, is given a channel that serve's scheduler
	// closes once its pass at start has finished. Only tests set it: the
	// pass runs beside the socket's connection, and a test that acts as
	// soon as the bot connects would race it.
	firstPass func(<-chan struct{})
	// signals are the process's stopSignals (watchStop); nil in
	// tests, where the context alone stops a command. exit ends the
	// process on a second one.
	signals <-chan os.Signal
	exit    func(int)
	// stopBudget bounds serve's shutdown; 0 is stopBudget. Tests shorten it.
	stopBudget time.Duration
	// healthTimeout bounds healthcheck's request; 0 is healthTimeout.
	// Tests shorten it.
	healthTimeout time.Duration
}

// run is main without the process: testable end to end.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return runEnv(ctx, args, env{getenv: getenv, stdout: stdout, stderr: stderr, now: time.Now})
}

// runEnv runs a command in e. A write to stdout that failed fails the
// command (stdoutWatch).
func runEnv(ctx context.Context, args []string, e env) error {
	out := &stdoutWatch{w: e.stdout}
	e.stdout = out
	return out.failed(runLine(ctx, args, e))
}

// stdoutWatch is a command's stdout, which keeps the first write that
// failed. Most commands print with fmt.Fprintf and go on, so that, SIGPIPE
// being ignored (see main), one whose reader had gone (`coachlog metrics
// | head -0`) or whose stdout was full (a cron job's log on a full disk)
// ended with status 0 having printed nothing, which a script took for
// success. Each write after a failed one fails alike, unwritten.
type stdoutWatch struct {
	w     io.Writer
	mu    sync.Mutex
	first error
}

func (s *stdoutWatch) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.first != nil {
		return 0, s.first
	}
	n, err := s.w.Write(p)
	if err != nil {
		// A reader gone is said by its status alone (outputClosed); any
		// other failure names standard output, which "write
		// /dev/stdout: no space left on device" says only to a reader of
		// Go's file names.
		if _, closed := errors.AsType[outputClosed](err); !closed {
			err = wrapped{"cannot write to standard output: " + err.Error(), err}
		}
		s.first = err
	}
	return n, err
}

// failed is err, the command's, or the write to stdout that failed when
// the command ended well, or with the help it was asked for: what it
// printed was lost. A command's own error is said first: it may be that
// write's, as it returned it, or what went wrong besides.
func (s *stdoutWatch) failed(err error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.first != nil && (err == nil || errors.Is(err, flag.ErrHelp)) {
		return s.first
	}
	return err
}

// runLine runs the command line args names in e.
func runLine(ctx context.Context, args []string, e env) error {
	cmd, rest := "serve", args
	if len(args) > 0 {
		cmd, rest = args[0], args[1:]
	}
	if cmd == "serve" && len(args) == 0 && strings.TrimSpace(e.getenv("SLACK_APP_TOKEN")) == "" && strings.TrimSpace(e.getenv("SLACK_BOT_TOKEN")) == "" {
		// `coachlog` alone with no token at all is most likely a first
		// try: the missing token alone did not say where to go next.
		err := serve(ctx, e, rest)
		if err != nil {
			err = wrapped{err.Error() + ". New here? `coachlog help` lists the commands; `coachlog demo` tries Coachlog without Slack", err}
		}
		return err
	}
	if cmd == "serve" {
		return serve(ctx, e, rest)
	}
	ctx, _, release := watchStop(ctx, e, nil)
	defer release()
	return timedOut(runCommand(ctx, cmd, rest, e))
}

// timedOut says, for a command run by hand, what a statement PostgreSQL
// cancelled for taking too long means: "try again in a moment", what a
// person in Slack is told, names neither the setting nor the usual cause.
// A lock timeout is the server's lock_timeout, not Coachlog's setting.
func timedOut(err error) error {
	detail, ok := sqlite.StatementTimedOut(err)
	if !ok {
		return err
	}
	if sqlite.LockTimedOut(err) {
		return wrapped{detail + "; a statement waited longer than PostgreSQL's lock_timeout (not a Coachlog setting: the database's, the role's or the URL's) " +
			"for a lock another session holds on the table (a migration, a LOCK TABLE, a long transaction: see pg_locks): " +
			"try again once it is released, or run the command with lock_timeout raised or unset", err}
	}
	return wrapped{detail + "; a statement ran longer than COACHLOG_PG_STATEMENT_TIMEOUT (30s unless set), " +
		"most often waiting for a lock another session holds on the table (a migration, a LOCK TABLE, a long transaction: see pg_locks): " +
		"try again once it is released, or run the command with COACHLOG_PG_STATEMENT_TIMEOUT set higher (e.g. 5m)", err}
}

// runCommand runs a command other than serve.
func runCommand(ctx context.Context, cmd string, rest []string, e env) error {
	switch cmd {
	case "export":
		return exportCmd(ctx, e, rest)
	case "roster":
		return subcommandCmd(ctx, e, "roster", rest, subcommand{"import", rosterImport}, subcommand{"export", rosterExport})
	case "performance":
		return subcommandCmd(ctx, e, "performance", rest, subcommand{"import", performanceImport})
	case "metrics":
		return metricsCmd(ctx, e, rest)
	case "demo":
		return demo(ctx, e, rest)
	case "nudge":
		return nudgeCmd(ctx, e, rest)
	case "digest":
		return digestCmd(ctx, e, rest)
	case "backup":
		return backupCmd(ctx, e, rest)
	case "copy":
		return copyCmd(ctx, e, rest)
	case "version":
		return versionCmd(ctx, e, rest)
	case "healthcheck":
		return healthcheckCmd(ctx, e, rest)
	case "help", "-h", "--help":
		return helpCmd(ctx, e, rest)
	}
	return usageError(fmt.Sprintf("unknown command %q%s\n\n%s", cmd, didYouMean(cmd, ""), helpText()))
}

// usageErr is a mistake in the command line: exit code 2.
type usageErr struct{ msg string }

func (e usageErr) Error() string { return e.msg }

func usageError(msg string) error { return usageErr{msg} }

// exitCode is 2 for a mistake in the command line, 0 for a help asked
// for (`coachlog export -h`, like `coachlog -h`), 141 for its output closed
// early (outputClosed), 1 for anything else.
func exitCode(err error) int {
	_, closed := errors.AsType[outputClosed](err)
	switch _, usage := errors.AsType[usageErr](err); {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case usage:
		return 2
	case closed:
		return exitOutputClosed
	}
	return 1
}

// subcommand is one of a command's subcommands: `roster import`.
type subcommand struct {
	name string // "import"
	run  func(context.Context, env, []string) error
}

// subcommandCmd runs `coachlog NAME SUB …` with SUB's run; `coachlog NAME
// -h` prints the first subcommand's usage (exit 0), and anything else
// names the subcommands there are.
func subcommandCmd(ctx context.Context, e env, name string, rest []string, subs ...subcommand) error {
	if len(rest) > 0 && isHelp(rest[0]) {
		return subs[0].run(ctx, e, rest[:1])
	}
	lines := make([]string, len(subs))
	for i, sub := range subs {
		lines[i] = commandNamed(name + " " + sub.name).bareLine()
		if len(rest) > 0 && rest[0] == sub.name {
			return sub.run(ctx, e, rest[1:])
		}
	}
	there := strings.Join(lines, ", or ")
	if len(rest) == 0 {
		return usageError(name + " needs a subcommand: " + there)
	}
	which := "the one there is"
	if len(subs) > 1 {
		which = "the ones there are"
	}
	return usageError(fmt.Sprintf("unknown %s subcommand %q; %s: %s", name, rest[0], which, there))
}

// newLogger builds the structured logger the settings ask for.
func newLogger(c config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
