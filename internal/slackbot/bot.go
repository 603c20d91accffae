// Package slackbot is Coachlog's Slack edge: Socket Mode in, Web API out,
// Block Kit views. It acknowledges every envelope inside Slack's deadline,
// turns payloads into domain calls and renders the domain's messages. It is
// the only package that imports slack-go.
package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/export"
	"github.com/coachlog/coachlog/internal/failrun"
	"github.com/coachlog/coachlog/internal/panics"
)

// Notifier is told when the outbox has something new to deliver.
type Notifier interface{ Notify() }

// Metrics observes the bot; the default records nothing.
type Metrics interface {
	Envelope(typ string)
	Acked(typ string, d time.Duration)
	// Connecting: a socket is being asked for (apps.connections.open),
	// the first included, whether or not Slack greets it.
	Connecting()
	// Reconnected: Slack greeted (hello) a socket that replaced a lost one.
	Reconnected()
	Panicked()
}

type noMetrics struct{}

func (noMetrics) Envelope(string)             {}
func (noMetrics) Acked(string, time.Duration) {}
func (noMetrics) Connecting()                 {}
func (noMetrics) Reconnected()                {}
func (noMetrics) Panicked()                   {}

// Config wires a Bot.
type Config struct {
	AppToken string // xapp-
	BotToken string // xoxb-
	APIURL   string // with a trailing slash
	Service  *coaching.Service
	Outbox   Notifier
	Logger   *slog.Logger
	Metrics  Metrics
	// AckTimeout bounds the database work done before an ack; past it the
	// user is asked to try again. Well inside Slack's 3 s.
	AckTimeout time.Duration
	// HTTPClient is used for the Web API and response URLs.
	HTTPClient *http.Client
	// PingInterval is how long without a ping from Slack before the
	// connection is taken as dead (slack-go's default, 30 s, when zero).
	PingInterval time.Duration
	// Admins may run admin commands, beside people with the roster's admin
	// role (COACHLOG_ADMINS).
	Admins []string
	// Prose reads with an LLM the quick captures the rule parser could not
	// read; nil: never (the form opens with the rule parser's reading).
	Prose ProseReader
	// ProseTimeout bounds one prose reading (DefaultProseTimeout when zero).
	ProseTimeout time.Duration
	// Prep writes /coach prep briefs; nil: the command says it is not set up.
	Prep Briefer
	// Figures computes the numbers of /coach stats, team and report and of
	// the App Home (internal/metrics); nil leaves them out.
	Figures Figures
	// Export streams the sessions /coach export sends an admin; nil
	// leaves it out.
	Export export.Source
	// OnHello runs in a goroutine of its own each time Slack greets a new
	// socket; nil: nothing does.
	OnHello func()
	// Claims refuse an envelope or event another replica handled already;
	// nil: only this process's memory does (one replica).
	Claims Claimer
	// Home knows the app's workspace, which tells the company's people
	// from others in a user_change; nil: one asking auth.test when needed.
	Home *Home
	// TokenGone is told when Slack says, by an event, that the bot token
	// is gone (the app uninstalled, its token revoked): err is an
	// *outbox.Error of class Fatal (StopCode reads the event). nil: the
	// event is only logged.
	TokenGone func(err error)
	// Pacer is the outbox's pacer when this process delivers the outbox:
	// the posts the bot makes outside it (postNow) take their slots from
	// it, and keep Slack's per-channel pace together with the outbox's.
	// nil: they go at once, a 429 waited out.
	Pacer Pacer
	// DigestChannel is where the weekly digest goes (COACHLOG_DIGEST_CHANNEL),
	// which a leader's /coach help names; "": no digest is posted.
	DigestChannel string
	// NotesToLLM says notes may be sent to the LLM (a key and
	// COACHLOG_LLM_NOTES=on): the rep's DM and help then say so, as the
	// people who read the notes are what the DM's label promises.
	NotesToLLM bool
}

// Claimer records, in storage every replica shares, that an envelope or
// event is being handled; fresh is false when some replica claimed key
// before. Slack may deliver an envelope again on another replica's socket.
// A claim older than stale is taken over and reported fresh, its claimer
// being done with it or gone (see Bot.envelopeStale); 0 takes over none.
type Claimer interface {
	Claim(ctx context.Context, key string, stale time.Duration) (fresh bool, err error)
}

// Bot serves Slack over Socket Mode.
type Bot struct {
	api  *slack.Client
	sm   *socketmode.Client
	gate *reconnectGate // paces reopening sockets Slack closes at once
	// apiURL and botToken serve the calls made without slack-go (webapi.go).
	apiURL   string
	botToken string
	svc      *coaching.Service
	outbox   Notifier
	log      *slog.Logger
	metrics  Metrics
	http     *http.Client
	ackTO    time.Duration
	admins   []string
	digestTo string // Config.DigestChannel
	notesAI  bool   // Config.NotesToLLM
	prose    ProseReader
	proseTO  time.Duration
	briefer  Briefer
	figures  Figures
	export   export.Source
	onHello  func()
	home     *Home
	pacer    Pacer                                            // nil: posts outside the outbox go unpaced
	sleep    func(ctx context.Context, d time.Duration) error // waits for a slot or a Retry-After; tests move a clock instead
	channels channelGuard                                     // conversations.info's answers on digest channels; see channelcheck.go
	opens    chan struct{}                                    // views.open calls in flight; see viewsOpenSlot

	tokenGone func(err error) // see Config.TokenGone
	seen      *seenSet
	claims    Claimer
	ackFn     func(id string, payload any) error // the socket's ack; replaced in benchmarks
	ackWait   time.Duration                      // defaultAckWait; shorter in tests
	openReads time.Duration                      // openedReadBudget: the profile reads after an ack; shorter in tests
	inflight  sync.WaitGroup
	now       func() time.Time // the service's clock, which /healthz reads too
	connected atomic.Int64     // unix ms of the last hello; 0 when down
	downSince atomic.Int64     // unix ms the connection was lost (or the bot started)
	hellos    atomic.Int64
	// claimFails and captureFails log a database incident once, and its
	// end: with the database away, every envelope and every capture
	// failed alike, a line each.
	claimFails, captureFails failrun.Incident
	// connCode is the last error code Slack gave the socket, for /healthz.
	connCode atomic.Pointer[string]
	// limitSaid: a 429 from apps.connections.open was logged since
	// Slack's last hello. Only the event loop (onEvent) reads or sets it.
	limitSaid bool
}

// New returns a Bot for cfg.
func New(cfg Config) *Bot {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = noMetrics{}
	}
	if cfg.AckTimeout == 0 {
		cfg.AckTimeout = 2 * time.Second
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if cfg.Prose == nil {
		cfg.Prose = noProse{}
	}
	if cfg.ProseTimeout <= 0 {
		cfg.ProseTimeout = DefaultProseTimeout
	}
	api := slack.New(cfg.BotToken, slack.OptionAppLevelToken(cfg.AppToken), slack.OptionAPIURL(cfg.APIURL),
		slack.OptionHTTPClient(cfg.HTTPClient))
	opts := []socketmode.Option{socketmode.OptionLog(discardLogger{})}
	if cfg.PingInterval > 0 {
		opts = append(opts, socketmode.OptionPingInterval(cfg.PingInterval))
	}
	// The socket's client opens sockets through the reconnect gate.
	gate := newReconnectGate(cfg.Logger)
	socketAPI := slack.New(cfg.BotToken, slack.OptionAppLevelToken(cfg.AppToken), slack.OptionAPIURL(cfg.APIURL),
		slack.OptionHTTPClient(gatedClient(gate, cfg.HTTPClient)))
	if cfg.Home == nil {
		cfg.Home = NewHome(cfg.BotToken, cfg.APIURL, cfg.HTTPClient, Workspace{})
	}
	b := &Bot{
		api: api, gate: gate, apiURL: cfg.APIURL, botToken: cfg.BotToken, svc: cfg.Service, outbox: cfg.Outbox, log: cfg.Logger,
		metrics: cfg.Metrics, http: cfg.HTTPClient, ackTO: cfg.AckTimeout, seen: newSeenSet(4096), admins: cfg.Admins,
		digestTo: cfg.DigestChannel, notesAI: cfg.NotesToLLM, prose: cfg.Prose, proseTO: cfg.ProseTimeout, briefer: cfg.Prep,
		figures: cfg.Figures, export: cfg.Export, claims: cfg.Claims, onHello: cfg.OnHello, home: cfg.Home,
		pacer: cfg.Pacer, sleep: sleepCtx, tokenGone: cfg.TokenGone, opens: make(chan struct{}, viewsOpenAtOnce),
	}
	// The socket's connections tell the bot why Slack closes them.
	if d := tapDialer(b.disconnected); d != nil {
		opts = append(opts, socketmode.OptionDialer(d))
	}
	b.sm = socketmode.New(socketAPI, opts...)
	b.ackFn, b.ackWait, b.openReads = b.socketAck, defaultAckWait, openedReadBudget
	// The connection's times are read against the service's clock (the
	// health check's), not the wall clock: a check comparing the two
	// would misjudge how long Slack has been gone.
	b.now = time.Now
	if cfg.Service != nil {
		b.now = cfg.Service.Now
	}
	b.downSince.Store(b.now().UnixMilli())
	return b
}

// Connection reports whether Slack's socket is up, and since when it has
// been up or down, on the service's clock.
func (b *Bot) Connection() (bool, time.Time) {
	if ms := b.connected.Load(); ms > 0 {
		return true, time.UnixMilli(ms)
	}
	return false, time.UnixMilli(b.downSince.Load())
}

// ConnectionError is the last error code Slack gave the socket: what
// apps.connections.open answered (fatal_error, invalid_auth), or why
// Slack closed a socket (link_disabled, too_many_websockets); "" when
// it gave none. /healthz names it beside how long the socket is down.
func (b *Bot) ConnectionError() string {
	if c := b.connCode.Load(); c != nil {
		return *c
	}
	return ""
}

func (b *Bot) setConnectionError(code string) {
	if code != "" {
		b.connCode.Store(&code)
	}
}

// markDown records that the connection went away.
func (b *Bot) markDown() {
	if b.connected.Swap(0) != 0 {
		b.downSince.Store(b.now().UnixMilli())
	}
}

// discardLogger silences slack-go's own logger: it would print payloads.
type discardLogger struct{}

func (discardLogger) Output(int, string) error { return nil }

// API returns the Web API client.
func (b *Bot) API() *slack.Client { return b.api }

// Run serves until ctx ends, then waits for in-flight handlers (bounded by
// drain). It returns an error when Slack refuses the tokens for good.
// Commands acknowledged before this start but not acted on (a crash came
// between) are acted on first.
func (b *Bot) Run(ctx context.Context, drain time.Duration) error {
	start := b.svc.Now()
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- b.sm.RunContext(runCtx) }()

	// Handlers run on a context that outlives ctx by the drain period, so
	// that work already acknowledged can finish during a shutdown.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	b.inflight.Add(1)
	go func() {
		defer b.inflight.Done()
		b.replayCommands(work, start)
	}()
	for {
		select {
		case <-ctx.Done():
			b.markDown()
			b.wait(drain)
			return nil
		case err := <-errc:
			b.markDown()
			// Either way the handlers under way finish first: the caller
			// closes the store once Run returns.
			b.wait(drain)
			if ctx.Err() != nil || errors.Is(err, context.Canceled) {
				return nil
			}
			return fmt.Errorf("slack socket mode: %w", err)
		case evt := <-b.sm.Events:
			b.onEvent(work, evt)
		}
	}
}

func (b *Bot) wait(d time.Duration) {
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		b.log.Warn("shutdown: in-flight handlers did not finish in time", "drain", d.String())
	}
}

// onEvent runs on the socket's event loop: it must never block, so every
// envelope is handed to its own goroutine.
func (b *Bot) onEvent(ctx context.Context, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		b.markDown() // a new connection is being opened: the old one is gone
		b.metrics.Connecting()
		b.log.Debug("connecting to Slack")
	case socketmode.EventTypeConnected:
		b.log.Debug("socket open; waiting for Slack's hello")
	case socketmode.EventTypeHello:
		// A reconnection is a socket Slack greets, not one opened: Slack
		// refusing sockets (link_disabled, too_many_websockets) opens
		// many, each closed before its hello.
		if b.hellos.Add(1) > 1 {
			b.metrics.Reconnected()
		}
		b.gate.hello()
		b.limitSaid = false
		b.connected.Store(b.now().UnixMilli())
		b.log.Info("connected to Slack")
		if b.onHello != nil {
			go b.onHello()
		}
	case socketmode.EventTypeConnectionError:
		b.markDown()
		e, _ := evt.Data.(*slack.ConnectionErrorEvent)
		if e != nil {
			// rateLimited sets a 429's code itself ("ratelimited", which
			// slack-go does not read from Slack's body): set once.
			if b.rateLimited(e) {
				return
			}
			b.setConnectionError(SlackErrorCode(e.ErrorObj))
		}
		b.log.Warn("Slack connection failed; retrying", "err", connErr(evt.Data))
	case socketmode.EventTypeInvalidAuth:
		// slack-go sends this for a 404 from apps.connections.open, and
		// stops: nothing answers Slack's Web API at the API URL.
		b.log.Error("apps.connections.open answered 404 Not Found; check SLACK_API_URL")
	case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI:
		if evt.Request != nil {
			env := envelope{Type: evt.Request.Type, EnvelopeID: evt.Request.EnvelopeID,
				Payload: evt.Request.Payload, RetryAttempt: evt.Request.RetryAttempt}
			// slack-go has already read the payload: the envelope is served
			// from its reading (decoded.go), and the interaction's type
			// saves scanning the payload once more on the event loop.
			switch evt.Data.(type) {
			case slack.InteractionCallback, slack.SlashCommand:
				env.decoded = evt.Data
			}
			b.handle(ctx, env)
		}
	case socketmode.EventTypeErrorBadMessage:
		b.onBadMessage(ctx, evt.Data)
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		b.log.Warn("Socket Mode transport error", append([]any{"event", string(evt.Type)}, transportErr(evt.Data)...)...)
	default:
		b.log.Debug("ignored Socket Mode event", "event", string(evt.Type))
	}
}

// transportErr says what went wrong on the socket: the cause, and for
// an ack that could not be written, which envelope Slack will not see
// acknowledged. A frame's text is never logged: it can hold notes.
func transportErr(data any) []any {
	var err error
	var attrs []any
	switch e := data.(type) {
	case *slack.IncomingEventError:
		err = e.ErrorObj
	case *socketmode.ErrorWriteFailed:
		err = e.Cause
		if e.Response != nil {
			attrs = append(attrs, "envelope_id", e.Response.EnvelopeID)
		}
	}
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return append(attrs, "err", fmt.Sprintf("frame is not JSON (at byte %d)", se.Offset))
	}
	if err != nil {
		attrs = append(attrs, "err", err.Error())
	}
	return attrs
}

// rateLimited logs a 429 from apps.connections.open and reports whether
// e was one. slack-go waits its Retry-After (or its own backoff, when
// longer: the event's Backoff) and asks again, as long as Slack answers
// 429: with the app's replicas together asking more than Tier 1 allows
// (about once a minute), each try was a warning. The first is said, with
// the wait and what to check; the others, until Slack greets a socket,
// are Debug. Slack's body says ratelimited, which slack-go does not read.
func (b *Bot) rateLimited(e *slack.ConnectionErrorEvent) bool {
	rl, ok := errors.AsType[*slack.RateLimitedError](e.ErrorObj)
	if !ok {
		return false
	}
	b.setConnectionError("ratelimited")
	attrs := []any{"retry_after", rl.RetryAfter.String(), "wait", e.Backoff.String()}
	if b.limitSaid {
		b.log.Debug("apps.connections.open rate-limited again; waiting", attrs...)
		return true
	}
	b.limitSaid = true
	b.log.Warn("Slack is rate-limiting apps.connections.open; reconnecting once its Retry-After has passed",
		append(attrs, "hint", "Slack allows about one new connection a minute per app, its replicas together: "+
			"replicas restarting in a loop, or another process using SLACK_APP_TOKEN, spend it")...)
	return true
}

func connErr(data any) string {
	if e, ok := data.(*slack.ConnectionErrorEvent); ok && e.ErrorObj != nil {
		return e.ErrorObj.Error()
	}
	return "unknown"
}

// onBadMessage reads a frame slack-go could not decode. Its own reading is
// strict; ours is lenient, so a payload with one odd field is still served.
func (b *Bot) onBadMessage(ctx context.Context, data any) {
	bad, ok := data.(*socketmode.ErrorBadMessage)
	if !ok {
		return
	}
	var env envelope
	if err := json.Unmarshal(bad.Message, &env); err != nil || env.EnvelopeID == "" {
		b.log.Warn("skipped unreadable Socket Mode frame", "bytes", len(bad.Message), "cause", errText(bad.Cause))
		return
	}
	b.handle(ctx, env)
}

// handle acknowledges and serves one envelope in its own goroutine. A panic
// is logged and the envelope still answered, so the user is not left with
// Slack's timeout error and the bot keeps serving.
func (b *Bot) handle(ctx context.Context, env envelope) {
	received := time.Now()
	b.metrics.Envelope(env.Type)
	// A view submission is not deduplicated here: its write is idempotent in
	// the database and a redelivery needs the same answer as the first.
	// The type comes from slack-go's reading, not a scan of the payload.
	dedupe := env.Type != "interactive" || !env.isViewSubmission()
	if dedupe && b.seen.add(env.EnvelopeID) {
		b.log.Debug("duplicate envelope acknowledged again", "envelope_id", env.EnvelopeID)
		// Off the socket's loop: an ack waits for slack-go's writer,
		// whose queue fills while a socket is being replaced.
		b.inflight.Add(1)
		go func() {
			defer b.inflight.Done()
			b.ackNow(env.EnvelopeID, nil)
		}()
		return
	}
	a := &acker{bot: b, id: env.EnvelopeID, typ: env.Type, received: received, redelivered: env.RetryAttempt > 0}
	// Its trigger's age is judged on the bot's clock (see withArrival).
	ctx = withArrival(ctx, b.now())
	// The goroutine keeps the envelope's type, not the envelope: what
	// slack-go decoded (a form's blocks, its state) is let go once the
	// handler has its slim reading, not held while it waits on the
	// database. Under a burst with the database slow, each submission in
	// flight held 53 KB that way, 32 KB without (burst_test.go).
	typ := env.Type
	b.inflight.Add(1)
	go func() {
		defer b.inflight.Done()
		defer func() {
			if p := recover(); p != nil {
				b.logPanic("handler panicked", p, "envelope_type", typ)
				a.fallback()
			}
		}()
		// An event is acknowledged first and claimed by its event id after
		// (serve); anything else is claimed here, off the socket's loop,
		// before its work, so a copy that reached another replica is refused,
		// unless that replica's claim is old enough to be taken over.
		if dedupe && env.Type != "events_api" && !b.claim(ctx, a, "env:"+env.EnvelopeID, b.envelopeStale()) {
			b.log.Debug("envelope handled by another replica; acknowledged again", "envelope_id", env.EnvelopeID)
			a.ack(nil)
			return
		}
		b.serve(ctx, env, a)
	}()
}

// logPanic counts a recovered panic p and logs msg with attrs, what it
// was, and the stack. A panic's value can carry any text (a note, a
// response_url, a token in an error), and log lines carry neither: only a
// runtime error's text, which the runtime wrote (an index out of range),
// or else the value's type is logged, as the outbox logs its own panics.
func (b *Bot) logPanic(msg string, p any, attrs ...any) {
	b.metrics.Panicked()
	b.log.Error(msg, append(attrs, "panic", panics.Text(p), "stack", string(debug.Stack()))...)
}

// claim reports whether this replica should handle key: it is new to the
// shared claims, or its claim is older than stale (0: never). When they
// cannot be reached in time the envelope is handled: a rare duplicate is
// better than an envelope lost, and the writes behind most envelopes are
// idempotent by their own keys.
func (b *Bot) claim(ctx context.Context, a *acker, key string, stale time.Duration) bool {
	if b.claims == nil {
		return true
	}
	// Half the ack budget at most: the handler's own write needs the rest.
	ctx, cancel := context.WithDeadline(ctx, a.received.Add(b.ackTO/2))
	defer cancel()
	fresh, err := b.claims.Claim(ctx, key, stale)
	if err != nil {
		if b.claimFails.Fail(b.now()) {
			b.log.Warn("could not claim an envelope in the database; handling it", "key", key, "err", err)
		}
		return true
	}
	if n, lasted, ended := b.claimFails.OK(b.now()); ended {
		b.log.Info(failrun.Recovered("claiming envelopes in the database", n, lasted), "failures", n, "failing_for", lasted)
	}
	return fresh
}

// envelopeStale is how old the claim of an envelope other than an event
// must be for a redelivery to take it over: twice the ack timeout. Such
// an envelope is claimed before its work, and what it must write is
// committed or given up before its ack, within the ack's budget
// (acker.budget, counted from its arrival, which the claim follows); what
// runs after the ack writes nothing of its own, or under a key (a capture
// acted on from the inbox, a Home tab queued to publish). So a claim that
// old belongs to a replica that has acked, given up, or died. Without a
// takeover, a replica that claimed a click and died, or lost its socket,
// before its write left Slack's redelivery to be acked empty and dropped
// wherever it landed, with no error shown. Twice, not once: one
// replica's clock stamps the claim and another's judges it.
//
// What remains, by design:
//   - A redelivery before the cutoff is refused still, as before: a click
//     whose claimer died is lost if Slack sends it again that soon.
//   - An envelope whose write committed but whose ack was lost (the
//     socket dropped) is served again if Slack sends it again after the
//     cutoff. Its writes do not double: a second Confirm, or the same
//     rating again, changes nothing (coaching.Service.Confirm, Rate); a
//     second Undo finds the session withdrawn; a second close or reopen
//     of a commitment is refused as stale, changing nothing; Snooze,
//     /coach away and cadence set the same values (the last two add a
//     second audit line); a capture is accepted once, by its trigger id
//     (acceptCapture). The person may be answered twice (a receipt or a
//     history again, a "closed already" notice), read-only commands
//     answer again, and a button or shortcut that opens a form opens it
//     again or, its trigger used or expired, says the form did not open.
func (b *Bot) envelopeStale() time.Duration { return 2 * b.ackTO }

func (b *Bot) serve(ctx context.Context, env envelope, a *acker) {
	switch env.Type {
	case "slash_commands":
		var cmd slashCommand
		if c, ok := env.decoded.(slack.SlashCommand); ok {
			cmd = slashOf(&c)
		} else if err := json.Unmarshal(env.Payload, &cmd); err != nil {
			b.malformed(a, err)
			return
		}
		if !userIDRE.MatchString(cmd.UserID) {
			b.malformed(a, errNoUser)
			return
		}
		b.onSlash(ctx, a, cmd)
	case "interactive":
		in, err := env.interaction()
		if err != nil {
			if isViewSubmission(env.Payload) {
				b.unreadableSubmission(a, env.Payload, err)
				return
			}
			b.malformed(a, err)
			return
		}
		if !userIDRE.MatchString(in.User.ID) {
			if in.Type == string(slack.InteractionTypeViewSubmission) {
				b.unreadableSubmission(a, env.Payload, errNoUser)
				return
			}
			b.malformed(a, errNoUser)
			return
		}
		b.onInteraction(ctx, a, in)
	case "events_api":
		a.ack(nil)
		var cb eventCallback
		if err := json.Unmarshal(env.Payload, &cb); err != nil {
			b.malformed(a, err)
			return
		}
		if cb.Type == "app_rate_limited" {
			b.eventsLimited(cb)
			return
		}
		key := "event:" + cb.EventID
		if cb.EventID == "" {
			key = "env:" + env.EnvelopeID
		}
		// An event's claim is never taken over: it is made after the ack,
		// its handler is bound by no ack budget, and Slack retries an
		// event for minutes, so an old claim says nothing of its claimer.
		if (cb.EventID != "" && b.seen.add(key)) || !b.claim(ctx, a, key, 0) {
			// A retry of an event already handled, here, by another
			// replica or before a restart.
			b.log.Debug("event handled already; skipped", "event_id", cb.EventID, "retry_attempt", env.RetryAttempt)
			return
		}
		b.onEventCallback(ctx, cb)
	default:
		a.ack(nil)
		b.log.Warn("skipped unknown envelope type", "envelope_type", env.Type)
	}
}

// eventsLimited says that Slack is limiting the events it delivers from
// the workspace: app_rate_limited, which every app gets without a
// subscription, with no inner event (https://docs.slack.dev/reference/events/app_rate_limited/).
// Until the limit lifts, Slack drops events: App Home opens and profile
// changes the bot never hears of.
func (b *Bot) eventsLimited(cb eventCallback) {
	attrs := []any{"team_id", cb.TeamID}
	if t := cb.MinuteRateLimited.time(); !t.IsZero() {
		attrs = append(attrs, "since", t.Format(time.RFC3339))
	}
	b.log.Warn("Slack is limiting the events it sends Coachlog (app_rate_limited): App Home opens and profile changes "+
		"are dropped until the limit lifts; Slack limits an app that gets more than 30,000 events an hour from a "+
		"workspace, or fails to answer many", attrs...)
}

// errNoUser is a command or an interaction that names nobody as its
// author: Slack always does, and everything the bot writes is someone's.
var errNoUser = errors.New("no user id, or not a Slack user id")

func (b *Bot) malformed(a *acker, err error) {
	a.ack(nil)
	b.log.Warn("skipped malformed payload", "envelope_type", a.typ, "err", err)
}

// interaction is an interactive envelope's payload in the edge's slim
// type, from slack-go's reading when there is one. A function of its own
// so that slack-go's reading, whose address interactionOf takes, is dead
// once it returns rather than live for the rest of serve's frame.
func (env envelope) interaction() (interaction, error) {
	if cb, ok := env.decoded.(slack.InteractionCallback); ok {
		return interactionOf(&cb), nil
	}
	return readInteraction(env.Payload)
}

// isViewSubmission says whether an interactive envelope is a view
// submission, by slack-go's reading when there is one.
func (env envelope) isViewSubmission() bool {
	if cb, ok := env.decoded.(slack.InteractionCallback); ok {
		return cb.Type == slack.InteractionTypeViewSubmission
	}
	return isViewSubmission(env.Payload)
}

func isViewSubmission(payload json.RawMessage) bool {
	var p struct {
		Type string `json:"type"`
	}
	return json.Unmarshal(payload, &p) == nil && p.Type == "view_submission"
}

// acker answers one envelope exactly once.
type acker struct {
	bot         *Bot
	id, typ     string
	received    time.Time
	redelivered bool // Slack's retry of an envelope it sent before
	once        sync.Once
	// onPanic is the answer given if the handler dies before answering.
	onPanic any
}

// ack answers the envelope once. A nil view response (no input block to
// show an error on) is an empty ack: as any, a typed nil is not nil and
// would reach Slack as "null".
func (a *acker) ack(payload any) {
	if r, ok := payload.(*slack.ViewSubmissionResponse); ok && r == nil {
		payload = nil
	}
	a.once.Do(func() {
		a.bot.ackNow(a.id, payload)
		a.bot.metrics.Acked(a.typ, time.Since(a.received))
	})
}

func (a *acker) fallback() { a.ack(a.onPanic) }

// budget bounds the database work done before the ack by the ack deadline,
// counted from when the envelope arrived, so that the envelope's claim
// (see claim) and the handler's own write share it.
func (a *acker) budget(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithDeadline(ctx, a.received.Add(a.bot.ackTO))
}

// formReadsBy is when the reads before a form's views.open must be done:
// formReadBudget after the envelope arrived, however many reads there are
// and whatever the envelope's claim took first.
func (a *acker) formReadsBy() time.Time { return a.received.Add(formReadBudget) }

func (b *Bot) ackNow(id string, payload any) {
	if id == "" {
		return
	}
	if err := b.ackFn(id, payload); err != nil {
		b.log.Error("ack failed", "envelope_id", id, "err", err)
	}
}

// defaultAckWait bounds how long an ack waits for slack-go's socket writer (its
// queue fills while a socket is being replaced): past Slack's 3 s the
// envelope has been sent again, or dropped, whatever the ack says, and a
// goroutine waiting on it for ever would only hold its handler's memory.
const defaultAckWait = 3 * time.Second

func (b *Bot) socketAck(id string, payload any) error {
	ctx, cancel := context.WithTimeout(context.Background(), b.ackWait)
	defer cancel()
	return b.sm.AckCtx(ctx, id, payload)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
