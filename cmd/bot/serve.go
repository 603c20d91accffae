package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/assist"
	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/digest"
	"github.com/coachlog/coachlog/internal/envvar"
	"github.com/coachlog/coachlog/internal/leader"
	"github.com/coachlog/coachlog/internal/llm"
	"github.com/coachlog/coachlog/internal/metrics"
	"github.com/coachlog/coachlog/internal/ops"
	"github.com/coachlog/coachlog/internal/outbox"
	"github.com/coachlog/coachlog/internal/schedule"
	"github.com/coachlog/coachlog/internal/slackbot"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// Shutdown budget, from the signal: Docker (and Kubernetes) kill the
// process 10 s after SIGTERM, and a kill mid-send leaves a message Slack
// may have taken unmarked. Handlers already acknowledged get up to a
// third of it to finish; the outbox then starts sends until sendReserve
// before the end, which leaves a send started last that long to be
// answered (chat.postMessage took 4 s on a slow day); at the end serve
// returns whatever is still under way. What is left pending stays in the
// outbox for the next start (or the replica then holding the sender role).
const (
	stopBudget  = 7500 * time.Millisecond
	sendReserve = 3 * time.Second
)

// budgetOr is e's shutdown budget: stopBudget unless a test set another.
func (e env) budgetOr() time.Duration {
	if e.stopBudget > 0 {
		return e.stopBudget
	}
	return stopBudget
}

type notifyFunc func()

func (f notifyFunc) Notify() { f() }

// app is the wired product: the store, the domain, Slack and delivery.
type app struct {
	cfg     config
	log     *slog.Logger
	store   *sqlite.Store
	svc     *coaching.Service
	stats   *metrics.Engine
	llm     llm.Assistant
	digests *digest.Builder
	bot     *slackbot.Bot
	worker  *outbox.Worker
	elector *leader.Elector // who among the replicas runs the worker
	schema  *schemaWatch    // read on the elector's period: a newer replica's migration
	// started is closed once the start's own work beside Socket Mode's
	// connection is done (serve): memory is given back after it.
	started chan struct{}
}

// slackTransport is Go's default transport keeping enough idle
// connections for the outbox's replies, which go outbox.RepliesAtOnce at a
// time: with the default two, every burst of clicks reopened the rest,
// a TLS handshake each. It opens no more than it keeps: a connection past
// those would be closed after its one call, and with the bot behind its
// envelopes (the machine busy) a burst opened 1,400 at once to Slack,
// each with its buffers and two goroutines, most of the memory the bot
// then held. A call past them waits for one to be free, within its
// client's timeout.
func slackTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = outbox.RepliesAtOnce
	t.MaxConnsPerHost = outbox.RepliesAtOnce
	return t
}

// wire opens the database and connects the parts, as serve and the
// commands that post need them. llmMetrics may be nil (no /metrics). ws
// is the app's workspace when auth.test said it at start (zero: asked
// when first needed).
func wire(ctx context.Context, e env, cfg config, ws slackbot.Workspace, metrics slackbot.Metrics, llmMetrics llm.Metrics) (*app, error) {
	log := newLogger(cfg, e.stderr)
	// Any Web API call Slack answers refusing the bot token stops the
	// outbox, as a send refused so does, and so turns /healthz red: a
	// manager's form (views.open), a profile read. The worker is made
	// below, once the bot it sends through is.
	var worker atomic.Pointer[outbox.Worker]
	tokenGone := func(err error) {
		if w := worker.Load(); w != nil {
			w.Stop(err)
		}
	}
	hc := &http.Client{Timeout: 15 * time.Second, Transport: slackbot.WatchToken(slackTransport(), cfg.APIURL, tokenGone)}
	store, err := openDB(ctx, cfg.DB, cfg.storeOptions(sqlite.Options{Now: e.now, Logger: log}))
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: log, store: store, started: make(chan struct{}), schema: newSchemaWatch(store.DatabaseVersion, store.KnownVersion(), cfg.SenderLease, log)}
	home := slackbot.NewHome(cfg.BotToken, cfg.APIURL, hc, ws)
	// One pacer for the outbox, the bot's few posts outside it (an
	// export's message): Slack counts both in the same DM, and the
	// profile reads (users.info), so that a burst of first captures is
	// spread within the tier. A replica that never holds the sender role
	// paces only its own; a 429 is waited out.
	pacer := outbox.NewPacer(outbox.SlackLimits(), e.now)
	dir := slackbot.NewDirectory(cfg.BotToken, cfg.APIURL, hc, home).WithPacer(pacer, e.now)
	a.svc = coaching.NewService(coaching.Config{Store: store, Directory: dir,
		DefaultTZ: cfg.TZ, Skills: cfg.Skills, Logger: log, Now: e.now})
	a.stats = newMetrics(store, cfg, e)
	a.llm = llm.New(cfg.LLM, llm.Options{Logger: log, Metrics: llmMetrics, Now: e.now})
	a.digests = digest.NewBuilder(a.stats, a.narrator(), log)
	a.bot = slackbot.New(slackbot.Config{AppToken: cfg.AppToken, BotToken: cfg.BotToken, APIURL: cfg.APIURL, Service: a.svc,
		Outbox: notifyFunc(func() { a.worker.Notify() }), Logger: log, HTTPClient: hc, Metrics: metrics, Admins: cfg.Admins,
		Prose: a.llm.Prose, ProseTimeout: proseTimeout(cfg.LLM),
		Prep: &assist.Prep{Service: a.svc, Trends: store, People: store, Writer: a.llm.Prep, DefaultCadence: cfg.CadenceDays,
			ProseBudget: proseTimeout(cfg.LLM), Log: log},
		Figures: a.stats, Export: store, Claims: envelopeClaims{st: store, now: a.svc.Now},
		OnHello: onceStarted(a.started, a.giveBack), Home: home, Pacer: pacer, TokenGone: tokenGone,
		DigestChannel: cfg.DigestChannel, NotesToLLM: cfg.LLM.Enabled() && cfg.LLM.Notes})

	a.worker = outbox.NewWorker(store, a.bot, outbox.Options{Logger: log, Now: e.now, Pacer: pacer})
	worker.Store(a.worker)
	a.elector = a.newElector()
	return a, nil
}

// proseTimeout bounds one prose reading, or a prep brief's summary: a
// whole request and a quick retry after a fast failure (a 500), while the
// form waits marked as filling in or the manager for their brief.
func proseTimeout(c llm.Config) time.Duration {
	t := c.Timeout
	if t <= 0 {
		t = llm.DefaultTimeout
	}
	return t + 3*time.Second
}

// logLLM says at start what the LLM help will do, never the key.
func (a *app) logLLM() {
	c := a.cfg.LLM
	if !c.Enabled() {
		a.log.Info("llm help off: no OPENAI_API_KEY, no request is ever made")
		if c.Notes {
			// Set on purpose, it promised a narrative and prep summaries:
			// "llm help off" alone did not say the setting did nothing.
			a.log.Warn("COACHLOG_LLM_NOTES=on does nothing without OPENAI_API_KEY: no digest narrative, no prep summary; set the key, or unset COACHLOG_LLM_NOTES")
		}
		return
	}
	attrs := []any{"base_url", envvar.ShownURL(or(c.BaseURL, "https://api.openai.com/v1")), "model", c.Model}
	if v := c.AzureAPIVersion(); v != "" {
		// Said, as OPENAI_API_VERSION (or an Azure host) changes every
		// request's path: OPENAI_MODEL names the deployment.
		attrs = append(attrs, "api", "azure_deployments", "api_version", v)
	}
	a.log.Info("llm help on", append(attrs, "notes", c.Notes, "timeout", c.Timeout.String(), "digest_narrative", a.llm.Narrative.Enabled())...)
}

// newMetrics is the metrics engine on store, with the organisation's
// cadence and zone.
func newMetrics(store metrics.Store, cfg config, e env) *metrics.Engine {
	return metrics.New(metrics.Config{Store: store, DefaultCadence: cfg.CadenceDays, Location: cfg.TZ, Now: e.now})
}

// narrator writes the digest's narrative per leader only when the LLM's
// narrative is on (a key and COACHLOG_LLM_NOTES=on): otherwise nothing of
// the digest goes near the LLM.
func (a *app) narrator() digest.Narrator {
	if !a.llm.Narrative.Enabled() {
		return nil
	}
	n := &assist.Narrator{Store: a.store, Writer: a.llm.Narrative, Skills: a.cfg.Skills, Log: a.log}
	return n.Narrate
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
	week := coaching.DigestWeek(at, j.a.cfg.TZ)
	run, err := j.a.svc.RunDigest(ctx, j.a.digests, week, j.a.cfg.DigestChannel, j.a.svc.Now(), j.a.jobOptions())
	if run.Queued {
		// The week's one Info line: a digest that leaders missed is then
		// traced to whether it was queued at all; the outbox says the rest.
		// Never its text (it names managers and their figures).
		j.a.log.InfoContext(ctx, "weekly digest queued", "week", week.String(), "channel", j.a.cfg.DigestChannel, "messages", len(run.Keys))
		j.a.worker.Notify()
	}
	return err
}

func serve(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "serve")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArguments(fs, ""); err != nil {
		return err
	}
	cfg, err := loadConfig(e.getenv, needs{appToken: true, botToken: true})
	if err != nil {
		return err
	}
	startLog := newLogger(cfg, e.stderr) // the start's checks, before wire makes the app's
	// A replica stepping down (schemaWatch) stops as a signal stops it.
	ctx, stepDown := context.WithCancel(ctx)
	defer stepDown()
	ctx, stop, release := watchStop(ctx, e, startLog)
	defer release()
	warnStraySettings(startLog, e.environ)
	// A COACHLOG_DB the start cannot open (a directory, a file or a
	// directory it may not write, a parent directory not there, a schema
	// newer than this build) is said at once, with the error the open
	// gives, as roster import checks it: after auth.test it came behind a
	// warning about the token, 10 s on when Slack did not answer. The
	// check creates, migrates and writes nothing: a token Slack refuses
	// still leaves no database behind.
	if err := sqlite.CheckWritable(ctx, cfg.DB, cfg.storeOptions(sqlite.Options{Now: e.now, Logger: startLog})); err != nil {
		return dbError(cfg.DB, err)
	}
	ws, err := checkBotToken(ctx, cfg, startLog)
	if err != nil {
		return err
	}
	if err := checkDigestChannel(ctx, digestChannelAPI(cfg), startLog, "COACHLOG_DIGEST_CHANNEL", cfg.DigestChannel); err != nil {
		return err
	}
	metrics := ops.NewMetrics()
	llmMetrics := ops.NewLLMMetrics(metrics.Registry)
	missing := noDatabaseFile(cfg.DB)
	a, err := wire(ctx, e, cfg, ws, metrics, llmMetrics)
	if err != nil {
		return err
	}
	defer a.store.Close()
	if missing {
		// On a first start, as it should be; on any other, the database
		// was moved or deleted, and this start has quietly begun a new one.
		a.log.Warn("no database file at COACHLOG_DB: created a new, empty one; if Coachlog ran here before, "+
			"its database was moved or deleted: stop Coachlog and restore it", "db", cfg.DB)
	}
	if nt := a.store.CreatedTables(); nt != nil {
		// PostgreSQL's missing file: a database name or search_path
		// mistyped in COACHLOG_DB names an empty place (a schema not
		// there is created), and the start began there without a word.
		// Where, never the URL as given: it may hold the password.
		a.log.Warn("no Coachlog tables in the PostgreSQL database and schema COACHLOG_DB names: created new, empty ones; "+
			"if Coachlog ran here before, COACHLOG_DB names another database or schema than it did (a mistyped name or search_path?) "+
			"or its tables were dropped: stop Coachlog and correct COACHLOG_DB, or restore them", "database", nt.Database, "schema", nt.Schema)
	}
	llmMetrics.WatchBreaker(a.llm.Client.BreakerOpen)
	a.logLLM()
	if cfg.DigestChannel == "" {
		a.log.Info("weekly digest off: no COACHLOG_DIGEST_CHANNEL")
	}
	if ws.EnterpriseID != "" {
		// On Enterprise Grid: people judged of another organisation while
		// the workspace, migrated into it, knew none (a start before, or
		// grid_migration_finished missed) are judged again.
		if n, err := a.svc.RejudgeOutsiders(ctx, ws.TeamID); err != nil {
			a.log.Warn("could not judge again who is of another organisation", "err", err)
		} else if n > 0 {
			a.log.Info("people of the workspace taken for another organisation's are the company's again", "people", n)
		}
	}
	// The file's structure is checked once, beside the start: a page of
	// garbage opened and served wrong figures without a word. quick_check
	// reads every page (0.28 s for 96 MB), too long to hold a start or a
	// restart's Socket Mode for; /healthz says what it finds.
	integrityDone := make(chan struct{})
	go func() {
		defer close(integrityDone)
		if err := a.store.CheckIntegrity(ctx); errors.Is(err, sqlite.ErrDamaged) {
			a.log.Error("the database file is damaged: restore it from a backup (README, Backup and restore)", "err", err)
		} else if err != nil && ctx.Err() == nil {
			a.log.Warn("could not check the database file's structure", "err", err)
		}
	}()
	defer func() { <-integrityDone }() // before the store closes (deferred above)

	// The outbox is delivered by whichever replica holds the sender role;
	// it outlives ctx so that the drain below still holds it.
	senderCtx, stopSender := context.WithCancel(context.WithoutCancel(ctx))
	senderDone := make(chan struct{})
	go func() { defer close(senderDone); a.runSender(senderCtx) }()
	// On a start that fails below (a bad schedule, a port taken), the
	// sender gives its role back before the store closes; a closed store
	// would leave the lease held until it runs out. A shutdown out of
	// budget (abandoned) does not wait for it: the process is ending.
	abandoned := false
	defer func() {
		if !abandoned {
			stopSender()
			<-senderDone
		}
	}()
	// Another replica migrated the database past this build: the elector
	// has stopped the worker already; the scheduler's jobs stop with ctx,
	// and the shutdown below sends nothing more.
	go func() {
		select {
		case <-a.schema.newer:
			stopSender()
			stepDown()
		case <-ctx.Done():
		}
	}()

	digestSpec := ""
	if cfg.DigestChannel != "" {
		digestSpec = cfg.DigestSchedule
	}
	sched, err := schedule.New(jobs{a}, schedule.Config{DigestSpec: digestSpec, Loc: cfg.TZ, Now: e.now, Logger: a.log})
	if err != nil {
		return &configError{Name: "COACHLOG_DIGEST_SCHEDULE", Problem: err.Error()}
	}
	if digestSpec != "" {
		on := []any{"channel", cfg.DigestChannel, "schedule", cfg.DigestSchedule, "timezone", cfg.TZ.String()}
		if next, ok := sched.NextDigest(a.svc.Now()); ok {
			on = append(on, "next_run", next.Format(time.RFC3339))
		}
		a.log.Info("weekly digest on", on...)
	}
	if cfg.HTTPAddr != "" {
		if err := a.listen(ctx, metrics, sched); err != nil {
			return err
		}
	}
	firstPass := sched.Start(ctx)
	if e.firstPass != nil {
		e.firstPass(firstPass)
	}
	idle := time.NewTicker(idleEvery)
	defer idle.Stop()
	go returnMemoryWhenIdle(ctx, idle.C, func() int64 {
		s := a.worker.Stats()
		return metrics.Received() + s.Sent + s.Retried + s.Failed + s.RateLimited
	}, a.giveBack)

	// The digest's schedule is checked against the managers' zones beside
	// the start, not before it: advice, for which a database slow to
	// answer (a lock held by a migration or another replica) must not
	// hold back /healthz and Socket Mode. Its read is still bounded, and
	// waited for below before the store closes.
	checked := make(chan struct{})
	go func() {
		defer close(checked)
		if digestSpec == "" {
			return
		}
		checkCtx, cancel := context.WithTimeout(ctx, earlyDigestCheck)
		defer cancel()
		a.warnEarlyDigest(checkCtx, sched)
	}()

	// What the start runs beside the connection maps in code and fills
	// the heap and SQLite's caches; memory is given back once it is done
	// (onceStarted), not at a hello that may come before it.
	go closeWhenDone(a.started, integrityDone, firstPass, checked)

	serving := []any{"store", storeKind(cfg.DB), "db", loggableDB(cfg.DB)}
	if v, err := a.store.DatabaseVersion(ctx); err == nil {
		serving = append(serving, "schema", v)
	}
	serving = append(serving, "api_url", envvar.ShownURL(cfg.APIURL), "replica", a.elector.Holder(), "sender_lease", cfg.SenderLease.String())
	a.log.Info("coachlog serving", append(serving, thisBuild().attrs()...)...)
	budget := e.budgetOr()
	runErr := a.bot.Run(ctx, budget/3)
	if runErr != nil {
		runErr = fmt.Errorf("%s: %w", socketErrVar(runErr), runErr)
	}
	deadline := stop.at().Add(budget)
	sched.Stop()

	// The sender delivers what the last handlers queued, within the
	// budget, then stops and gives the role back; another replica's
	// sender delivers what this one queued. One stepping down for a
	// newer schema sends nothing more: the newer replica delivers it.
	steppedDown, stepped := a.schema.steppedDown()
	held := a.elector.Held() && !stepped
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		if held {
			drainCtx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline.Add(-sendReserve))
			defer cancel()
			if err := a.worker.Drain(drainCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
				a.log.Warn("outbox not fully delivered at shutdown; it resumes at next start", "err", err)
			}
		}
		stopSender()
		<-senderDone
	}()
	out := time.NewTimer(time.Until(deadline))
	defer out.Stop()
	select {
	case <-finished:
	case <-out.C:
		abandoned = true
	}
	if held {
		a.warnPending(abandoned, budget)
	}
	<-checked
	a.log.Info("coachlog stopped")
	if stepped {
		return steppedDown
	}
	return runErr
}

// warnPending says, at the end of a shutdown, how many messages are still
// to be sent: they stay in the outbox, and the next start sends them. A
// send Slack was still answering when the budget ran out is among them.
func (a *app) warnPending(outOfTime bool, budget time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	st, err := a.store.OutboxStats(ctx, a.svc.Now()) // only Pending is read: no failures counted
	switch {
	case err != nil:
		a.log.Warn("could not count the messages left to send at shutdown", "err", err)
	case st.Pending > 0:
		attrs := []any{"pending", st.Pending}
		if outOfTime {
			attrs = append(attrs, "budget_ms", budget.Milliseconds(), "send_in_flight", true)
		}
		a.log.Warn("stopping with messages still to send: they are sent at the next start", attrs...)
	}
}

// noDatabaseFile reports whether db names an SQLite file that is not
// there, which opening it creates empty. It asks before the open, which
// is not its to say (and may be changing beside it).
func noDatabaseFile(db string) bool {
	if sqlite.IsPostgres(db) || sqlite.IsMiscasedPostgres(db) {
		return false
	}
	_, err := os.Stat(db)
	return errors.Is(err, fs.ErrNotExist)
}

// earlyDigestCheck bounds warnEarlyDigest's read of the managers at
// start: advice, not worth a long wait on a lock, and a serve stopping
// soon after its start waits for it before closing the store.
const earlyDigestCheck = 2 * time.Second

// digestLookahead is how many weeks of the digest's schedule
// warnEarlyDigest reads: a year, so that a schedule early only while
// daylight saving shifts the managers' clocks against the organisation's
// is found too.
const digestLookahead = 53

// warnEarlyDigest warns, once at start, when the digest runs before the
// week it reports has ended on some manager's clock: the default Monday
// 08:00 in UTC is Sunday 21:00 in Pago Pago, and a session logged there
// that evening is dated in a week already claimed, which no digest then
// counts. One read of the managers (their zones); a schedule found early
// only some weeks of the year is named with its first such run to come.
func (a *app) warnEarlyDigest(ctx context.Context, sched *schedule.Scheduler) {
	zones, err := a.svc.ManagerZones(ctx)
	if err != nil {
		a.log.Warn("could not check the digest's schedule against the managers' time zones", "err", err)
		return
	}
	loc := a.cfg.TZ
	now := a.svc.Now()
	monday := coaching.WeekOf(coaching.DateOf(now, loc)).Monday()
	for range digestLookahead {
		// The week just ended is claimed by the first run on or after its
		// Monday's midnight (cron's schedules are in minutes).
		at, ok := sched.NextDigest(monday.Time(loc).Add(-time.Second))
		if !ok {
			break
		}
		if at.Before(now) { // this week's, already run or missed: name one to come
			monday = monday.AddDays(7)
			continue
		}
		if z := coaching.DigestEarlyIn(at, loc, zones); z != nil {
			a.log.Warn("the weekly digest runs before the week it reports has ended for some managers: "+
				"what they log late on Sunday is dated in a week already posted, and no digest counts it; "+
				"schedule the digest after the end of Sunday in their time zone",
				"setting", "COACHLOG_DIGEST_SCHEDULE", "schedule", a.cfg.DigestSchedule, "timezone", loc.String(),
				"manager_zone", z.String(), "runs_there", at.In(z).Format("Mon 2 Jan 15:04"))
			return
		}
		monday = monday.AddDays(7)
	}
	// It runs beside the start: this says it is done, found nothing.
	a.log.Debug("the digest's schedule checked against the managers' time zones: none is early", "zones", len(zones))
}

// listen starts /healthz and /metrics.
func (a *app) listen(ctx context.Context, m *ops.Metrics, sched *schedule.Scheduler) error {
	failures := func(ctx context.Context) ([]ops.Failures, error) {
		kf, err := a.store.RecentFailures(ctx, coaching.ScheduledKinds, a.svc.Now().Add(-ops.FailureWindow))
		out := make([]ops.Failures, 0, len(kf))
		for _, k := range kf {
			out = append(out, ops.Failures{Kind: string(k.Kind), Failed: k.Failed, Failing: k.Failing})
		}
		return out, err
	}
	var kinds []string
	for _, k := range coaching.ScheduledKinds {
		kinds = append(kinds, string(k))
	}
	m.Watch(ops.Sources{
		Outbox: func(ctx context.Context) (int, int, error) {
			st, err := a.store.OutboxStats(ctx, a.svc.Now().Add(-ops.FailureWindow))
			return st.Pending, st.Failed, err
		},
		Delivery: func() ops.Delivery {
			s := a.worker.Stats()
			return ops.Delivery{Sent: s.Sent, Retried: s.Retried, Failed: s.Failed, RateLimited: s.RateLimited, Panics: s.Panics}
		},
		Jobs:         sched.Runs,
		Failures:     failures,
		FailureKinds: kinds,
		SenderRole:   a.elector.Held,
		Store:        storeKind(a.cfg.DB),
		Log:          a.log,
		Now:          a.svc.Now,
		WAL: func() ops.WAL {
			ck := a.store.Checkpoints()
			return ops.WAL{Bytes: a.store.WALSize(), Tried: ck.Tried, Done: ck.Done, Restarts: ck.Restarts, LongestReset: ck.Longest}
		},
		Commits: func() ops.Commits {
			b := a.store.Batching()
			return ops.Commits{Commits: b.Commits, Writes: b.Writes}
		},
		FailedWrites: func() map[string]int64 {
			n := map[string]int64{}
			for why, failed := range a.store.FailedWrites() {
				n[string(why)] = failed
			}
			return n
		},
	})
	checks := ops.Checks{
		Connection:      a.bot.Connection,
		ConnectionError: a.bot.ConnectionError,
		Readable:        a.store.CheckRead,
		WriteWait:       a.store.WriteWait,
		WritesFailing: func() (time.Time, string) {
			since, why := a.store.WriteTrouble()
			switch why {
			case "":
				return since, ""
			case sqlite.WriteReplaced:
				return time.Time{}, "" // DatabaseFile says it, and what to do
			}
			return since, why.Plain()
		},
		Damaged: a.store.Integrity,
		DatabaseFile: func() string {
			if err := a.store.CheckFile(); err != nil {
				return err.Error()
			}
			return ""
		},
		OldestPending: a.store.OldestPending,
		SendError:     func() string { return slackbot.SlackErrorCode(a.worker.LastFailure()) },
		Stopped: func() (bool, string) {
			err := a.worker.Stopped()
			return err != nil, slackbot.StopCode(err)
		},
		Held: func() []ops.SlackHold {
			var hs []ops.SlackHold
			for _, h := range a.worker.Holds() {
				hs = append(hs, ops.SlackHold{Method: h.Method, Code: slackbot.SlackErrorCode(h.Err), Needed: slackbot.NeededScope(h.Err)})
			}
			return hs
		},
		Failures:       a.dailyFailures,
		DigestFailures: a.failingDigests,
		Store:          storeKind(a.cfg.DB),
		SenderRole:     a.elector.Held,
		Now:            a.svc.Now,
		Log:            a.log,
	}
	if a.llm.Client != nil {
		checks.LLMPaused = a.llm.Client.Paused
	}
	h := ops.Handler(checks, m)
	if a.cfg.Pprof {
		h = ops.Profiling(h)
		a.log.Info("profiling on", "path", "/debug/pprof/")
	}
	_, err := ops.Serve(ctx, a.cfg.HTTPAddr, h, a.log)
	return err
}

// socketErrVar names the setting behind the error that stopped Socket
// Mode: a 404 from apps.connections.open (which slack-go takes as final)
// means nothing answers Slack's Web API at SLACK_API_URL; anything else
// is Slack refusing the app token.
func socketErrVar(err error) string {
	if notFound(err) {
		return "SLACK_API_URL"
	}
	return "SLACK_APP_TOKEN"
}

func notFound(err error) bool {
	sc, ok := errors.AsType[slack.StatusCodeError](err)
	return ok && sc.Code == http.StatusNotFound
}

// checkBotToken asks Slack whether the bot token works, so a revoked or
// mistyped token stops the start with one clear line, as does an API URL
// where nothing answers (404). The answer names the app's workspace,
// which tells the company's people from others (Slack Connect). When
// Slack can't be reached the bot starts anyway: Socket Mode keeps
// retrying, and the workspace is asked for when first needed; the warning
// says the token went unchecked, and why, so that an operator whose
// egress is blocked learns it from the first line rather than the last.
func checkBotToken(ctx context.Context, cfg config, log *slog.Logger) (slackbot.Workspace, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	r, err := startAPI(cfg, 10*time.Second).AuthTestContext(ctx)
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		if se.Err == "unknown_method" {
			// Slack answers so for a path it has no method at
			// (…/api/nope/auth.test): auth.test is everywhere Slack's
			// Web API is, so the URL is wrong, whatever the token.
			return slackbot.Workspace{}, &configError{Name: "SLACK_API_URL", Problem: "Slack has no auth.test there (unknown_method): the URL should end in /api/, as https://slack.com/api/ does"}
		}
		return slackbot.Workspace{}, &configError{Name: "SLACK_BOT_TOKEN", Problem: "Slack refused it: " + se.Err}
	}
	if answer := notSlackAnswer(err); answer != "" {
		return slackbot.Workspace{}, &configError{Name: "SLACK_API_URL", Problem: "no Slack Web API there: auth.test answered " + answer}
	}
	if err != nil {
		// The token travels in the request, never in the error; the URL,
		// which *url.Error prints, may hold a proxy's credentials.
		cause := err
		if ue, ok := errors.AsType[*url.Error](err); ok {
			cause = ue.Err
		}
		why := "Slack could not be reached"
		_, status := errors.AsType[slack.StatusCodeError](err)
		_, limited := errors.AsType[*slack.RateLimitedError](err)
		if status || limited {
			why = "Slack answered with an error" // a 5xx or a 429: Slack's, and passing
		}
		log.Warn("SLACK_BOT_TOKEN not checked: "+why+" (auth.test); going on, and Slack is asked again when needed",
			"api_url", envvar.ShownURL(cfg.APIURL), "err", cause.Error())
		return slackbot.Workspace{}, nil
	}
	return slackbot.WorkspaceOf(r), nil
}

// notSlackAnswer says what answered auth.test when it cannot have been
// Slack's Web API, "" otherwise: Slack answers every call with JSON, and
// with a 4xx status only for 429 (rate limits); a 404 is a mistyped
// proxy path, a 403 or 401 a proxy refusing, an HTML page at 200 a URL
// pointed at a website. Those never mend by retrying, and an operator
// told "Slack could not be reached" would look for a network fault. A
// 5xx or a 429 may be Slack's own and passing: the start goes on.
func notSlackAnswer(err error) string {
	if sc, ok := errors.AsType[slack.StatusCodeError](err); ok {
		if sc.Code >= 400 && sc.Code < 500 && sc.Code != http.StatusTooManyRequests && sc.Code != http.StatusRequestTimeout {
			return sc.Status
		}
		return ""
	}
	if _, ok := errors.AsType[*json.SyntaxError](err); ok {
		return "with something other than Slack's JSON (a web page?)"
	}
	if _, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return "with JSON that is not Slack's"
	}
	return ""
}

// giveBack gives the memory the bot holds but is not using back to the
// system: the heap's free memory (debug.FreeOSMemory, a collection first)
// and the executable's pages that start-up, or the last burst of work,
// mapped (releaseExecutable). Once connected and started, and each quiet
// minute.
func (a *app) giveBack() {
	debug.FreeOSMemory()
	a.releaseExecutable()
}

// releaseExecutable unmaps the executable's pages that start-up, or the
// last burst of work, mapped (releaseExecutablePages). What runs next maps
// back what it uses, from the page cache.
func (a *app) releaseExecutable() {
	n, err := releaseExecutablePages()
	if err != nil {
		a.log.Debug("executable pages not released", "err", err)
		return
	}
	a.log.Debug("executable pages released", "bytes", n)
}
