package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
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

func serve(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "serve")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e.getenv, needs{appToken: true, botToken: true})
	if err != nil {
		return err
	}
	log := newLogger(cfg, e.stderr)
	hc := &http.Client{Timeout: 15 * time.Second}
	if err := checkBotToken(ctx, cfg, hc); err != nil {
		return err
	}
	store, err := sqlite.Open(ctx, cfg.DB, sqlite.Options{Durable: cfg.Durable})
	if err != nil {
		return err
	}
	defer store.Close()

	svc := coaching.NewService(coaching.Config{Store: store, Directory: slackbot.NewDirectory(cfg.BotToken, cfg.APIURL, hc),
		DefaultTZ: cfg.TZ, Skills: cfg.Skills, Logger: log})
	var worker *outbox.Worker
	bot := slackbot.New(slackbot.Config{AppToken: cfg.AppToken, BotToken: cfg.BotToken, APIURL: cfg.APIURL, Service: svc,
		Outbox: notifyFunc(func() { worker.Notify() }), Logger: log, HTTPClient: hc})
	worker = outbox.NewWorker(store, bot, outbox.Options{Logger: log})

	workerCtx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWorker()
	workerDone := make(chan error, 1)
	go func() { workerDone <- worker.Run(workerCtx) }()

	log.Info("coachlog serving", "db", cfg.DB, "api_url", cfg.APIURL)
	runErr := bot.Run(ctx, drainHandlers)
	if runErr != nil {
		runErr = fmt.Errorf("SLACK_APP_TOKEN: %w", runErr)
	}

	// Deliver what the last handlers queued, within the budget, then stop.
	drainCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainOutbox)
	defer cancel()
	if err := worker.Drain(drainCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		log.Warn("outbox not fully delivered at shutdown; it resumes at next start", "err", err)
	}
	stopWorker()
	<-workerDone
	log.Info("coachlog stopped")
	return runErr
}

// checkBotToken asks Slack whether the bot token works, so a revoked or
// mistyped token stops the start with one clear line. When Slack can't be
// reached the bot starts anyway: Socket Mode keeps retrying.
func checkBotToken(ctx context.Context, cfg config, hc *http.Client) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	api := slack.New(cfg.BotToken, slack.OptionAPIURL(cfg.APIURL), slack.OptionHTTPClient(hc))
	_, err := api.AuthTestContext(ctx)
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		return &configError{"SLACK_BOT_TOKEN", "Slack refused it: " + se.Err}
	}
	return nil
}
