package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/ops"
	"github.com/coachlog/coachlog/internal/outbox"
	"github.com/coachlog/coachlog/internal/schedule"
	"github.com/coachlog/coachlog/internal/slackbot"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// Shutdown budget: handlers already acknowledged get drainHandlers to
// finish, then the outbox gets drainOutbox to deliver what they queued.
const (
	drainHandlers = 10 * time.Second
	drainOutbox   = 5 * time.Second
)

type notifyFunc func()

func (f notifyFunc) Notify() { f() }

// app is the wired product: the store, the domain, Slack and delivery.
type app struct {
	cfg    config
	log    *slog.Logger
	store  *sqlite.Store
	svc    *coaching.Service
	bot    *slackbot.Bot
	worker *outbox.Worker
}

// wire opens the database and connects the parts, as serve and the
// commands that post need them.
func wire(ctx context.Context, e env, cfg config, metrics slackbot.Metrics) (*app, error) {
	log := newLogger(cfg, e.stderr)
	hc := &http.Client{Timeout: 15 * time.Second}
	store, err := sqlite.Open(ctx, cfg.DB, sqlite.Options{Durable: cfg.Durable, Now: e.now})
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: log, store: store}
	a.svc = coaching.NewService(coaching.Config{Store: store, Directory: slackbot.NewDirectory(cfg.BotToken, cfg.APIURL, hc),
		DefaultTZ: cfg.TZ, Skills: cfg.Skills, Logger: log, Now: e.now})
	a.bot = slackbot.New(slackbot.Config{AppToken: cfg.AppToken, BotToken: cfg.BotToken, APIURL: cfg.APIURL, Service: a.svc,
		Outbox: notifyFunc(func() { a.worker.Notify() }), Logger: log, HTTPClient: hc, Metrics: metrics, Admins: cfg.Admins})
	a.worker = outbox.NewWorker(store, a.bot, outbox.Options{Logger: log, Now: e.now})
	return a, nil
}

func (a *app) jobOptions() coaching.JobOptions {
	return coaching.JobOptions{NudgeHour: a.cfg.NudgeHour, DefaultCadence: a.cfg.CadenceDays}
}

// jobs are the scheduled jobs as the scheduler calls them.
type jobs struct{ a *app }

func (j jobs) Nudges(ctx context.Context, now time.Time) error {
	run, err := j.a.svc.RunNudges(ctx, now, j.a.jobOptions())
	if len(run.Nudges) > 0 {
		j.a.worker.Notify()
	}
	return err
}

func (j jobs) Reminders(ctx context.Context, now time.Time) error {
	n, err := j.a.svc.RunReminders(ctx, now, j.a.jobOptions())
	if n > 0 {
		j.a.worker.Notify()
	}
	return err
}

func (j jobs) Digest(ctx context.Context, at time.Time) error {
	_, queued, err := j.a.svc.RunDigest(ctx, coaching.DigestWeek(at, j.a.cfg.TZ), j.a.cfg.DigestChannel, j.a.svc.Now(), j.a.jobOptions())
	if queued {
		j.a.worker.Notify()
	}
	return err
}

func serve(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "serve")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e.getenv, needs{appToken: true, botToken: true})
	if err != nil {
		return err
	}
	if err := checkBotToken(ctx, cfg); err != nil {
		return err
	}
	metrics := ops.NewMetrics()
	a, err := wire(ctx, e, cfg, metrics)
	if err != nil {
		return err
	}
	defer a.store.Close()

	workerCtx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWorker()
	workerDone := make(chan error, 1)
	go func() { workerDone <- a.worker.Run(workerCtx) }()

	digestSpec := ""
	if cfg.DigestChannel != "" {
		digestSpec = cfg.DigestSchedule
	}
	sched, err := schedule.New(jobs{a}, schedule.Config{DigestSpec: digestSpec, Loc: cfg.TZ, Now: e.now, Logger: a.log})
	if err != nil {
		return &configError{"COACHLOG_DIGEST_SCHEDULE", err.Error()}
	}
	if cfg.HTTPAddr != "" {
		if err := a.listen(ctx, metrics, sched); err != nil {
			return err
		}
	}
	sched.Start(ctx)

	a.log.Info("coachlog serving", "db", cfg.DB, "api_url", cfg.APIURL)
	runErr := a.bot.Run(ctx, drainHandlers)
	if runErr != nil {
		runErr = fmt.Errorf("SLACK_APP_TOKEN: %w", runErr)
	}
	sched.Stop()

	// Deliver what the last handlers queued, within the budget, then stop.
	drainCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainOutbox)
	defer cancel()
	if err := a.worker.Drain(drainCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		a.log.Warn("outbox not fully delivered at shutdown; it resumes at next start", "err", err)
	}
	stopWorker()
	<-workerDone
	a.log.Info("coachlog stopped")
	return runErr
}

// listen starts /healthz and /metrics.
func (a *app) listen(ctx context.Context, m *ops.Metrics, sched *schedule.Scheduler) error {
	m.Watch(ops.Sources{
		Outbox: func(ctx context.Context) (int, int, error) {
			st, err := a.store.OutboxStats(ctx)
			return st.Pending, st.Failed, err
		},
		Delivery: func() (int64, int64, int64, int64) {
			s := a.worker.Stats()
			return s.Sent, s.Retried, s.Failed, s.RateLimited
		},
		Jobs: sched.Runs,
	})
	checks := ops.Checks{
		Connection: a.bot.Connection,
		Writable:   a.store.Ping,
		OldestPending: func(ctx context.Context) (time.Time, error) {
			st, err := a.store.OutboxStats(ctx)
			return st.OldestPending, err
		},
		Stopped: a.worker.Stopped,
		Now:     a.svc.Now,
	}
	_, err := ops.Serve(ctx, a.cfg.HTTPAddr, ops.Handler(checks, m), a.log)
	return err
}

// checkBotToken asks Slack whether the bot token works, so a revoked or
// mistyped token stops the start with one clear line. When Slack can't be
// reached the bot starts anyway: Socket Mode keeps retrying.
func checkBotToken(ctx context.Context, cfg config) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	api := slack.New(cfg.BotToken, slack.OptionAPIURL(cfg.APIURL), slack.OptionHTTPClient(&http.Client{Timeout: 10 * time.Second}))
	_, err := api.AuthTestContext(ctx)
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		return &configError{"SLACK_BOT_TOKEN", "Slack refused it: " + se.Err}
	}
	return nil
}
