package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/digest"
	"github.com/coachlog/coachlog/internal/outbox"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// digestDeliverTimeout bounds how long `coachlog digest` waits for its
// messages: a large organisation's replies go out at about one a second
// in the channel.
const digestDeliverTimeout = 15 * time.Minute

// digestCmd builds the weekly digest and posts it through the outbox, as
// the schedule does and under the same job-ledger claim (a week already
// posted posts nothing new), delivering its own messages before it exits:
// non-zero if any failed. --dry-run prints the text and writes the chart
// to a file, and neither posts nor writes to the database.
func digestCmd(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "digest")
	weekS := fs.String("week", "", "the ISO week `YYYY-Www` (default: the last full week in COACHLOG_TIMEZONE)")
	channel := fs.String("channel", "", "the channel `ID` to post to (default: COACHLOG_DIGEST_CHANNEL)")
	dry := fs.Bool("dry-run", false, "print the digest as text and write its chart to a file; post nothing")
	chartPath := fs.String("chart", "", "with --dry-run, the `FILE` to write the chart to (default: ./coachlog-digest-YYYY-Www.png)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArguments(fs, "only flags"); err != nil {
		return err
	}
	if p := channelIDProblem(*channel, "--channel "); p != "" {
		return usageError("--channel " + p)
	}
	if *chartPath != "" && !*dry {
		return usageError("--chart goes with --dry-run: a posted digest uploads its chart to Slack")
	}
	if *dry {
		if err := checkChartPath(*chartPath); err != nil {
			return err
		}
	}
	cfg, err := loadConfig(e.getenv, needs{botToken: !*dry})
	if err != nil {
		return err
	}
	today := coaching.DateOf(e.now(), cfg.TZ)
	week := coaching.WeekOf(today.AddDays(-7)) // the last full week
	if *weekS != "" {
		if week, err = coaching.ParseWeek(*weekS); err != nil {
			return usageError("--week: " + err.Error())
		}
	}
	switch {
	case week.Monday().After(today):
		return usageError(fmt.Sprintf("--week %s has not started yet (today is %s)", week, today))
	case !*dry && !week.Sunday().Before(today):
		return usageError(fmt.Sprintf("the week %s has not ended yet: its digest is posted once it has (--dry-run shows it so far)", week))
	}
	to := *channel
	if to == "" {
		to = cfg.DigestChannel
	}
	if to == "" && !*dry {
		return usageError("no channel to post to: set COACHLOG_DIGEST_CHANNEL or give --channel")
	}
	if *dry {
		st, svc, err := dryRunService(ctx, e, cfg)
		if err != nil {
			return err
		}
		defer st.Close()
		return digestDryRun(ctx, e, digest.NewBuilder(newMetrics(st, cfg, e), nil, nil), st, svc, week, *chartPath)
	}
	a, err := wireJobRun(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.store.Close()
	setting := "COACHLOG_DIGEST_CHANNEL"
	if *channel != "" {
		setting = "--channel"
	}
	if err := checkDigestChannel(ctx, a.bot.API(), a.log, setting, to); err != nil {
		return err
	}
	run, err := a.svc.RunDigest(ctx, a.digests, week, to, a.svc.Now(), a.jobOptions())
	switch {
	case err != nil:
		return err
	case run.AlreadyRan:
		return digestRanBefore(ctx, e, a, week, to)
	case run.BeforeTeams:
		fmt.Fprintln(e.stdout, beforeTeamsText(week)+".")
		return nil
	case !run.Queued:
		fmt.Fprintln(e.stdout, noTeamYet("no digest for "+week.String())+".")
		return nil
	}
	return deliverDigest(ctx, e, a, week, run.Keys, func() string { return " to " + to + ": " + describePosts(run.Digest.Posts) })
}

// noTeamYet is what the commands say when no active manager has an
// active rep (the store's NudgeManagers is empty), followed by what that
// means for the command (what): the digest posts none, and metrics
// measures no team. One sentence, so that the two agree.
func noTeamYet(what string) string {
	return "No manager has a team yet: " + what
}

// beforeTeamsText is what the command says of a week that ended before
// the roster named any team (coaching.DigestRun.BeforeTeams), dry run or not.
func beforeTeamsText(week coaching.Week) string {
	return fmt.Sprintf("%s ended before the roster named any team, and nobody logged coaching in it: no digest for it", week)
}

// digestRanBefore answers a run for a week already claimed: posted, still
// on its way, or refused by Slack. A week is posted once: what of it
// reached a channel is not posted again, to that channel or another. But
// what Slack refused for good (a channel the bot was not in, until an
// admin invited it; a mistyped channel id) is sent again now, to the
// channel configured or asked for now (to), so that the leaders get the
// week after all: sent where it failed, a wrong channel was a week lost;
// and what an earlier run queued and left undelivered (stopped by a token
// Slack refused, by Ctrl-C or by its deadline) is delivered now, as that
// run would have: an operator posting digests from cron may run no bot
// to deliver it. A bot running meanwhile delivers it instead, the command
// waiting (deliverAsSender), and claims keep any message from going twice.
func digestRanBefore(ctx context.Context, e env, a *app, week coaching.Week, to string) error {
	key := coaching.DigestKey(week, 0)
	anew, err := repostGoneHeadline(ctx, e, a, week, key)
	if err != nil {
		return err
	}
	retry, err := a.store.RequeueFailed(ctx, key, to)
	if err != nil {
		return fmt.Errorf("look for the digest of %s that failed: %w", week, err)
	}
	pending, err := a.store.MessagesUnder(ctx, key, "pending")
	if err != nil {
		return fmt.Errorf("look for the digest of %s still queued: %w", week, err)
	}
	if len(pending) == 0 {
		where := ""
		if p, ok, err := a.store.PostedMessage(ctx, key); err == nil && ok {
			where = ", to " + p.Channel
			if p.Channel != to {
				where += " (a week is posted once: not again to " + to + ")"
			}
		}
		fmt.Fprintf(e.stdout, "The digest of %s was posted before%s (the job ledger says so): nothing new posted.\n", week, where)
		return nil
	}
	requeued := map[string]bool{}
	for _, m := range retry {
		requeued[m.Key] = true
	}
	for _, k := range anew {
		requeued[k] = true
	}
	var again, left []sqlite.QueuedMessage
	for _, m := range pending {
		if requeued[m.Key] {
			again = append(again, m)
		} else {
			left = append(left, m)
		}
	}
	if len(retry) > 0 {
		fmt.Fprintf(e.stdout, "Slack refused %s of the digest of %s before: sending %s again, to %s (%s).\n",
			messages(len(retry)), week, itThem(len(retry)), channelsOf(again), failedWhere(retry, len(retry) == 1))
	}
	if len(left) > 0 {
		fmt.Fprintf(e.stdout, "%s of the digest of %s %s queued before and not delivered yet: delivering %s now, to %s.\n",
			messages(len(left)), week, wasWere(len(left)), itThem(len(left)), channelsOf(left))
	}
	keys, err := digestKeys(ctx, a, key, pending)
	if err != nil {
		return err
	}
	return deliverDigest(ctx, e, a, week, keys, func() string {
		if len(anew) > 0 && len(left) == 0 && len(retry) == 0 {
			return " to " + channelsOf(pending) + ": its headline again and, in a fresh thread, its " + replies(len(pending)-1)
		}
		if len(left) == 0 {
			return " to " + channelsOf(pending) + ": the " + messages(len(retry)) + " Slack had refused"
		}
		return " to " + channelsOf(pending) + ": the " + messages(len(pending)) + " left from before"
	})
}

// repostGoneHeadline posts again, in a fresh thread, a week's digest whose
// headline is gone from its channel: deleted there after it was posted,
// its replies failed for good with Slack's thread_not_found (the sender
// posts a headline found gone again once on its own; deleted again, it
// leaves it to an admin). Sent again as they were, they would only meet
// it again: the headline is queued again, with every reply of its thread
// that can be (sqlite.Store.RepostThread), and it says so. It returns the
// keys queued again; none when no reply failed so.
func repostGoneHeadline(ctx context.Context, e env, a *app, week coaching.Week, key string) ([]string, error) {
	failed, err := a.store.MessagesUnder(ctx, key, "failed")
	if err != nil {
		return nil, fmt.Errorf("look for the digest of %s that failed: %w", week, err)
	}
	gone := slices.ContainsFunc(failed, func(m sqlite.QueuedMessage) bool { return outbox.SlackCode(m.Reason) == "thread_not_found" })
	if !gone {
		return nil, nil
	}
	p, ok, err := a.store.PostedMessage(ctx, key)
	if err != nil || !ok {
		// No headline posted: it is queued or failed itself, and goes
		// (RequeueFailed) before the replies, which follow it.
		return nil, err
	}
	// An admin's word: however many times it was posted again before.
	res, err := a.store.RepostThread(ctx, key, p.TS, math.MaxInt, 0, "")
	if err != nil {
		return nil, fmt.Errorf("post the headline of the digest of %s again: %w", week, err)
	}
	if !res.Reposted {
		return nil, fmt.Errorf("the headline of the digest of %s was deleted in its channel (Slack answered thread_not_found to its replies), "+
			"and its text is no longer kept (queued by an older Coachlog) to post it again: its replies cannot be sent", week)
	}
	pending, err := a.store.MessagesUnder(ctx, key, "pending")
	if err != nil {
		return nil, fmt.Errorf("look for the digest of %s still queued: %w", week, err)
	}
	keys := make([]string, len(pending))
	for i, m := range pending {
		keys[i] = m.Key
	}
	lost := ""
	if res.Lost > 0 {
		lost = fmt.Sprintf(" (%s that had gone under the deleted one more than a day before %s no longer kept, and not sent again)",
			messages(res.Lost), map[bool]string{true: "is", false: "are"}[res.Lost == 1])
	}
	fmt.Fprintf(e.stdout, "The headline of the digest of %s was deleted in %s (Slack answered thread_not_found to its replies): "+
		"posting it again there, with its %s in a fresh thread%s.\n", week, p.Channel, replies(res.Replies), lost)
	return keys, nil
}

// digestKeys are the keys a run again delivers: those queued now
// (pending), and the week's messages posted already, whose headline the
// sender may find deleted while the run delivers and post again, with
// them (outbox.Worker's threadGone): a run that waited only for the
// pending ones would not send those.
func digestKeys(ctx context.Context, a *app, key string, pending []sqlite.QueuedMessage) ([]string, error) {
	sent, err := a.store.MessagesUnder(ctx, key, "sent")
	if err != nil {
		return nil, fmt.Errorf("look for the digest messages posted: %w", err)
	}
	var keys []string
	for _, m := range slices.Concat(pending, sent) {
		if !slices.Contains(keys, m.Key) {
			keys = append(keys, m.Key)
		}
	}
	return keys, nil
}

// channelsOf names the channels ms go to, in the order first named.
func channelsOf(ms []sqlite.QueuedMessage) string {
	var chs []string
	for _, m := range ms {
		if !slices.Contains(chs, m.To) {
			chs = append(chs, m.To)
		}
	}
	return strings.Join(chs, " and ")
}

// failedWhere says where and why messages failed, as "they failed in
// C0TYPO: channel_not_found": Slack's codes, of the messages that have one
// (a reply under a headline that failed has none of its own).
func failedWhere(ms []sqlite.QueuedMessage, one bool) string {
	var codes []string
	for _, m := range ms {
		if c := outbox.SlackCode(m.Reason); c != "" && !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	s := "they failed in "
	if one {
		s = "it failed in "
	}
	s += channelsOf(ms)
	if len(codes) > 0 {
		s += ": " + strings.Join(codes, ", ")
	}
	return s
}

// deliverDigest sends the week's queued messages under keys and says how
// it went: posted (where and what, as posted says), or which failed, where
// and why, with what to do about Slack's answer.
func deliverDigest(ctx context.Context, e env, a *app, week coaching.Week, keys []string, posted func() string) error {
	dctx, cancel := context.WithTimeout(ctx, digestDeliverTimeout)
	defer cancel()
	failed, err := a.deliverAsSender(dctx, keys)
	if err != nil {
		return stoppedDelivering(ctx, a, "deliver the digest of "+week.String(), err, digestDeliverTimeout, keys, func(n int) string {
			return fmt.Sprintf("%s %s queued; the bot, or the next run, sends %s", messages(n), stayStays(n), itThem(n))
		})
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d messages of the digest of %s failed to deliver (%s)%s; "+
			"once mended, run this again to send what failed (to COACHLOG_DIGEST_CHANNEL, or the channel --channel gives)",
			len(failed), len(keys), week, strings.Join(failed, ", "), digestFailureHints(ctx, a, week))
	}
	fmt.Fprintf(e.stdout, "Posted the digest of %s%s.\n", week, posted())
	return nil
}

// digestFailureHints says where the week's messages failed and what to do
// about each of Slack's answers (outbox.ChannelHint): one piece of advice
// for all, "invite the bot", sent an admin whose channel id was mistyped
// to invite the bot into a channel it could not find.
func digestFailureHints(ctx context.Context, a *app, week coaching.Week) string {
	failed, err := a.store.MessagesUnder(ctx, coaching.DigestKey(week, 0), "failed")
	if err != nil || len(failed) == 0 {
		return ": the log and the outbox say why"
	}
	var hints []string
	for _, m := range failed {
		if c := outbox.SlackCode(m.Reason); c != "" && !slices.Contains(hints, outbox.ChannelHint(c)) {
			hints = append(hints, outbox.ChannelHint(c))
		}
	}
	s := " in " + channelsOf(failed)
	if len(hints) == 0 {
		return s + ": the log and the outbox say why"
	}
	return s + ": " + strings.Join(hints, "; ")
}

// digestDryRun prints the digest as leaders would read it and writes its
// chart to a file it names. It reads only.
func digestDryRun(ctx context.Context, e env, b *digest.Builder, st dryRunStore, svc *coaching.Service, week coaching.Week, chartPath string) error {
	// As the real command: with no team, or for a week that ended before
	// the roster named any, no digest (rather than one it would never
	// post), in its words and with its exit status.
	if managers, err := st.NudgeManagers(ctx); err != nil || len(managers) == 0 {
		if err == nil {
			fmt.Fprintln(e.stdout, noTeamYet("no digest for "+week.String())+". Dry run: nothing posted.")
		}
		return err
	}
	switch before, err := svc.WeekBeforeTeams(ctx, week); {
	case err != nil:
		return fmt.Errorf("the digest of %s: %w", week, err)
	case before:
		fmt.Fprintf(e.stdout, "%s. Dry run: nothing posted.\n", beforeTeamsText(week))
		return nil
	}
	d, err := b.Build(ctx, week, e.now())
	if err != nil {
		return err
	}
	fmt.Fprint(e.stdout, d.Text())
	fmt.Fprintln(e.stdout)
	if d.Chart != nil {
		named := chartPath != ""
		if !named {
			chartPath = d.Chart.Name
		}
		if err := writeChart(chartPath, d.Chart.PNG, named); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Chart written to %s.\n", chartPath)
	}
	ran, err := st.JobRan(ctx, coaching.DigestJob, week.String())
	if err != nil {
		return err
	}
	if ran {
		fmt.Fprintf(e.stdout, "Dry run: nothing posted. (The digest of %s was posted before.)\n", week)
	} else {
		fmt.Fprintf(e.stdout, "Dry run: nothing posted, nothing written to the database.\n")
	}
	return nil
}

// checkChartPath checks, before anything is built or printed, that the
// chart can be written where asked (path; "" is a file named after the
// week in the working directory): a directory that is missing or not
// writable failed only at the end, after the whole digest or demo had
// been printed. A file already at path is refused, as `coachlog backup`
// refuses one: --chart report.png wrote over whatever report.png was.
// It creates nothing that stays.
func checkChartPath(path string) error {
	if path == "" {
		return checkChartDir(".", "the chart's default place, the working directory")
	}
	what := "--chart " + path
	info, err := os.Stat(path)
	switch {
	case err == nil && info.IsDir():
		return usageError(what + " is a directory: give a file name, such as " + filepath.Join(path, "chart.png"))
	case err == nil:
		return chartExists(path)
	}
	return checkChartDir(filepath.Dir(path), what)
}

// chartExists is the refusal of a --chart file that is there already,
// in the words of `coachlog backup`'s.
func chartExists(path string) error {
	return usageError("--chart " + path + " already exists; give the path of a file that does not exist yet (the chart never overwrites one)")
}

// writeChart writes a chart's PNG to path. A file the operator named
// (--chart) is created, never written over, one put there since
// checkChartPath included; the default file, named after the week in the
// working directory, is written again, as it always was.
func writeChart(path string, png []byte, named bool) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if named {
		flags = os.O_WRONLY | os.O_CREATE | os.O_EXCL
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if named && errors.Is(err, fs.ErrExist) {
		return chartExists(path)
	}
	if err != nil {
		return fmt.Errorf("write the chart: %w", err)
	}
	_, err = f.Write(png)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if named {
			os.Remove(path) // made here: a part of a chart is no chart
		}
		return fmt.Errorf("write the chart: %w", err)
	}
	return nil
}

// checkChartDir checks that a new file can be created in dir.
func checkChartDir(dir, what string) error {
	switch info, err := os.Stat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		return usageError(fmt.Sprintf("%s: the directory %s does not exist", what, dir))
	case err != nil:
		return usageError(fmt.Sprintf("%s: %v", what, err))
	case !info.IsDir():
		return usageError(fmt.Sprintf("%s: %s is not a directory", what, dir))
	}
	probe, err := os.CreateTemp(dir, ".coachlog-chart-*")
	if err != nil {
		return usageError(fmt.Sprintf("%s: cannot write the chart in %s: %v", what, dir, err))
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// dryRunStore is what a dry run reads besides the metrics.
type dryRunStore interface {
	JobRan(ctx context.Context, job, period string) (bool, error)
	NudgeManagers(ctx context.Context) ([]coaching.Person, error)
}

// describePosts says what a posted digest was made of.
func describePosts(ps []coaching.DigestPost) string {
	var msgs, charts int
	for _, p := range ps {
		if p.Kind == coaching.MsgDigestChart {
			charts++
		} else {
			msgs++
		}
	}
	s := messages(msgs)
	if msgs > 1 {
		s += fmt.Sprintf(" (a headline and %d in its thread)", msgs-1)
	}
	if charts > 0 {
		s += " and the chart"
	}
	return s
}

// messages, itThem and wasWere count a digest's messages in English: "1
// message … was … it", "2 messages … were … them".
func messages(n int) string {
	if n == 1 {
		return "1 message"
	}
	return fmt.Sprintf("%d messages", n)
}

func replies(n int) string {
	if n == 1 {
		return "1 reply"
	}
	return fmt.Sprintf("%d replies", n)
}

func itThem(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

func stayStays(n int) string {
	if n == 1 {
		return "stays"
	}
	return "stay"
}

func wasWere(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}
