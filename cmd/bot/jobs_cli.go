package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// nudgeDeliverTimeout bounds how long `coachlog nudge` delivers.
const nudgeDeliverTimeout = 15 * time.Minute

// dryRunService is what a job's dry run (`coachlog nudge --dry-run`,
// `coachlog digest --dry-run`) runs on: the database opened read-only, an
// existing one (a mistyped path must not become a new empty one that says
// nobody is overdue), so that the run claims and queues nothing. The
// caller closes the store.
func dryRunService(ctx context.Context, e env, cfg config) (*sqlite.Store, *coaching.Service, error) {
	st, err := openReadOnly(ctx, cfg.DB, cfg.storeOptions(sqlite.Options{}))
	if err != nil {
		return nil, nil, err
	}
	return st, coaching.NewService(coaching.Config{Store: st, DefaultTZ: cfg.TZ, Skills: cfg.Skills, Now: e.now}), nil
}

// wireJobRun is what a job run from the command line runs on: the wired
// bot, once the database is known to exist (as for a dry run) and Slack
// has taken the token, both before the job's day or week is claimed: a
// token Slack refuses would leave its messages queued and undelivered.
// The caller closes a.store.
func wireJobRun(ctx context.Context, e env, cfg config) (*app, error) {
	st, err := openReadOnly(ctx, cfg.DB, cfg.storeOptions(sqlite.Options{}))
	if err != nil {
		return nil, err
	}
	st.Close()
	ws, err := checkBotToken(ctx, cfg, newLogger(cfg, e.stderr))
	if err != nil {
		return nil, err
	}
	return wire(ctx, e, cfg, ws, nil, nil)
}

// nudgeCmd evaluates nudges now, ignoring the hour and weekday window but
// still at most once a day per manager, queues them through the outbox and
// delivers them before it exits: non-zero if any failed. The sender checks
// each again as it sends it, so what it prints is what it queued.
// --dry-run prints who would get what and changes nothing.
func nudgeCmd(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "nudge")
	dry := fs.Bool("dry-run", false, "print who would be nudged and why; send nothing")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// "coachlog nudge dry-run" must not send real nudges (and claim the
	// day's, so that the scheduled ones are skipped).
	if err := noArguments(fs, "only flags (--dry-run)"); err != nil {
		return err
	}
	cfg, err := loadConfig(e.getenv, needs{botToken: !*dry})
	if err != nil {
		return err
	}
	o := coaching.JobOptions{NudgeHour: cfg.NudgeHour, DefaultCadence: cfg.CadenceDays, IgnoreWindow: true, DryRun: *dry}
	if *dry {
		st, svc, err := dryRunService(ctx, e, cfg)
		if err != nil {
			return err
		}
		defer st.Close()
		run, err := svc.RunNudges(ctx, e.now(), o)
		if err != nil {
			return err
		}
		printNudges(e, run, "would nudge", "with something to act on")
		return nil
	}
	a, err := wireJobRun(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.store.Close()
	run, err := a.svc.RunNudges(ctx, e.now(), o)
	if err != nil {
		return err
	}
	// What it prints is what it queued, printed as it is queued: delivery
	// may take minutes. The sender evaluates each nudge again as it sends
	// it (Service.NudgeAsSent), and may leave reps out or withhold it.
	printNudges(e, run, "queued a nudge to", "nudges queued")
	if len(run.Nudges) == 0 {
		return nil
	}
	fmt.Fprintln(e.stdout, "Each nudge is checked again as it is sent: a rep coached since is left out, and a nudge with nobody left, or to a manager who has snoozed or gone away since, is not sent.")
	var keys []string
	for _, n := range run.Nudges {
		keys = append(keys, coaching.NudgeJob(n.ManagerID)+":"+n.Day.String())
	}
	// Slack takes a few hundred posts a minute from an app across the
	// workspace (the outbox paces them at 300): 2,000 managers' nudges
	// need about 7 minutes. What is left when this runs out stays queued
	// for the bot's own worker: the day is claimed, so a later run of
	// this command does not send it.
	dctx, cancel := context.WithTimeout(ctx, nudgeDeliverTimeout)
	defer cancel()
	failed, err := a.deliverAsSender(dctx, keys)
	if err != nil {
		return stoppedDelivering(ctx, a, "deliver nudges", err, nudgeDeliverTimeout, keys, nudgesLeft)
	}
	if err := printNudgesDelivered(ctx, e, a, keys); err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("%s of %s nudges failed to deliver: %s", coaching.Count(len(failed)), coaching.Count(len(keys)), strings.Join(failed, ", "))
	}
	return nil
}

// nudgesLeft says how many nudges a stopped delivery left queued.
func nudgesLeft(n int) string {
	if n == 1 {
		return "1 nudge stays queued; the bot sends it when it runs"
	}
	return coaching.Count(n) + " nudges stay queued; the bot sends them when it runs"
}

// printNudgesDelivered closes a run that delivered its nudges (keys): how
// many reached Slack, how many the sender withheld, checking them again,
// and how many failed.
func printNudgesDelivered(ctx context.Context, e env, a *app, keys []string) error {
	status, err := a.store.OutboxStatus(ctx, keys)
	if err != nil {
		return fmt.Errorf("read how the nudges went: %w", err)
	}
	posted, err := a.store.PostedKeys(ctx, keys)
	if err != nil {
		return fmt.Errorf("read how the nudges went: %w", err)
	}
	var sent, withheld, failed int
	for _, k := range keys {
		switch {
		case status[k] == "failed":
			failed++
		case status[k] == "sent" && posted[k]:
			sent++
		case status[k] == "sent":
			withheld++
		}
	}
	fmt.Fprintln(e.stdout, deliveredLine(sent, len(keys), withheld, failed))
	return nil
}

// deliveredLine says how many of queued nudges reached Slack (sent), how
// many the sender withheld and how many failed.
func deliveredLine(sent, queued, withheld, failed int) string {
	line := fmt.Sprintf("Nudges delivered: %s of %s queued", coaching.Count(sent), coaching.Count(queued))
	if withheld > 0 {
		line += "; not sent, with nothing left to act on or the manager snoozed or away by then: " + coaching.Count(withheld)
	}
	if failed > 0 {
		line += fmt.Sprintf("; failed: %s (the log says why)", coaching.Count(failed))
	}
	return line + "."
}

// deliveryStopped is the error of a command whose delivery stopped before
// it delivered everything it queued.
type deliveryStopped struct {
	msg string
	err error
}

func (d *deliveryStopped) Error() string { return d.msg }
func (d *deliveryStopped) Unwrap() error { return d.err }

// stoppedDelivering is what a command that posts says when its delivery of
// keys stopped with err (Ctrl-C, its limit of time, a token Slack refused):
// what it left stays queued in the outbox, and left(n) says how much and
// who sends it. "context canceled" alone read as if it were lost.
func stoppedDelivering(ctx context.Context, a *app, what string, err error, limit time.Duration, keys []string, left func(n int) string) error {
	why := err.Error()
	switch {
	case errors.Is(err, context.Canceled):
		why = "interrupted"
	case errors.Is(err, context.DeadlineExceeded):
		why = fmt.Sprintf("still delivering after %.0f minutes", limit.Minutes())
	}
	// ctx may be the one that ended: the count is read on its own.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	status, serr := a.store.OutboxStatus(rctx, keys)
	if serr != nil {
		return &deliveryStopped{msg: fmt.Sprintf("%s: %s, stopped before delivering everything: what is left stays queued (how much could not be read: %v)", what, why, serr), err: err}
	}
	n := 0
	for _, k := range keys {
		if status[k] == "pending" {
			n++
		}
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, err)
	}
	return &deliveryStopped{msg: fmt.Sprintf("%s: %s, stopped before delivering everything: %s", what, why, left(n)), err: err}
}

// printNudges prints a line per nudge of run, "verb Max (U…) for day: …",
// then how many managers were due and how many nudges, counted as what.
func printNudges(e env, run coaching.NudgeRun, verb, counted string) {
	for _, n := range run.Nudges {
		var reps []string
		for i, o := range n.Overdue {
			if i == coaching.MaxNudgeReps {
				reps = append(reps, "and "+coaching.Count(len(n.Overdue)-i)+" more")
				break
			}
			reps = append(reps, fmt.Sprintf("%s (%s)", o.Name, o.Waited("the"))) // as the nudge says it
		}
		fmt.Fprintf(e.stdout, "%s %s (%s) for %s: %s", verb, n.ManagerName, n.ManagerID, n.Day, n.Why())
		if len(reps) > 0 {
			fmt.Fprintf(e.stdout, " Overdue: %s.", strings.Join(reps, ", "))
		}
		fmt.Fprintln(e.stdout)
	}
	fmt.Fprintf(e.stdout, "Managers due: %s; %s: %s.\n", coaching.Count(run.Evaluated), counted, coaching.Count(len(run.Nudges)))
	// Why the others are not due: without it, a run after the day's
	// nudges reads "Managers due: 0" as if nobody had anything to act on.
	if run.Claimed > 0 {
		fmt.Fprintf(e.stdout, "Managers not due, their nudge for today already claimed (sent, or found with nothing to act on: one a day): %s.\n", coaching.Count(run.Claimed))
	}
	if run.Recent > 0 {
		fmt.Fprintf(e.stdout, "Managers not due, nudged less than %d hours ago (for another day on their clock): %s.\n", int(coaching.NudgeApart.Hours()), coaching.Count(run.Recent))
	}
	if run.Held > 0 {
		fmt.Fprintf(e.stdout, "Managers not due, away, snoozed or deactivated in Slack: %s.\n", coaching.Count(run.Held))
	}
}

// backupCmd writes a consistent copy of the database, safe while the bot
// runs. It takes a database of any schema version: the copy is the file
// as it is, and the backup most wanted is of the version before an
// upgrade, before the new build migrates it. A newer one is copied too: a
// copy harms nothing, and only a build that new could restore it anyway.
func backupCmd(ctx context.Context, e env, args []string) error {
	dest, cfg, err := fileCommand(e, newFlags(e, "backup"), args)
	if err != nil {
		return err
	}
	if sqlite.IsPostgres(cfg.DB) {
		return sqlite.BackupRefusal(cfg.DB, dest)
	}
	st, err := openReadOnly(ctx, cfg.DB, cfg.storeOptions(sqlite.Options{AnySchema: true}))
	if err != nil {
		return err
	}
	defer st.Close()
	have, err := st.DatabaseVersion(ctx)
	if err != nil {
		return err
	}
	if err := st.Backup(ctx, dest); err != nil {
		return err
	}
	note := ""
	switch know := sqlite.SchemaVersion(); {
	case have < know:
		note = fmt.Sprintf(" (schema version %d, older than this coachlog's %d, which migrates the database at its next start; the copy stays as it is, for the coachlog that wrote it)", have, know)
	case have > know:
		note = fmt.Sprintf(" (schema version %d, newer than this coachlog's %d: only a coachlog that new restores it)", have, know)
	}
	fmt.Fprintf(e.stdout, "Backed up %s to %s%s.\n", cfg.DB, dest, note)
	return nil
}
