// Package fakeslack is Coachlog's own fake Slack: a real HTTP server and a
// real Socket Mode WebSocket on 127.0.0.1, so the unmodified slack-go Socket
// Mode client and Web API client can be driven end to end, in tests and in
// the `coachlog demo` command, without a Slack workspace.
//
// The fake keeps the state the bot changes (messages, views, home tabs, files),
// records every call, sends envelopes shaped like the real payloads kept in
// testdata/ (its tests compare them key by key), and can inject the faults
// real Slack produces (429s, 5xx, error codes, dropped sockets, disconnect
// messages, silent pings, latency). Where a caller pages (users.list) it
// also keeps Slack's own rules unasked: short pages, cursor checks, and
// the method's rate tier (see WithRateLimit). Every method the bot calls
// is held to its tier too (see WithMethodRateLimit), and chat.postMessage
// to its per-channel rule (see WithChannelRateLimit).
//
// It does not import the testing package, so the demo binary can use it.
package fakeslack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Defaults used unless an Option says otherwise. They are fixed so tests and
// the demo can refer to them.
const (
	DefaultBotToken   = "xoxb-test"
	DefaultAppToken   = "xapp-test"
	DefaultTeamID     = "T0FAKE"
	DefaultTeamDomain = "coachlog-demo"
	DefaultAppID      = "A0FAKE"
	DefaultBotUserID  = "U0BOT"
	DefaultBotID      = "B0BOT"
	// VerificationToken is the legacy token Slack still puts in payloads.
	VerificationToken = "fake-verification-token"
)

// ErrClosed is returned by waits and sends once the server is closed.
var ErrClosed = errors.New("fakeslack: server closed")

// Server is a fake Slack workspace. Create it with New, then Start it.
// All methods are safe for concurrent use.
type Server struct {
	log          *slog.Logger
	now          func() time.Time
	botToken     string
	appToken     string
	pingInterval time.Duration
	teamID       string
	teamDomain   string
	enterpriseID string // the workspace's Enterprise Grid organisation; empty: none
	appID        string
	botUserID    string
	botID        string
	scopes       []string // the bot token's granted scopes
	// scopesChanged: SetScopes changed them while the fake ran.
	scopesChanged bool
	rateLimits    map[string]rateLimit
	// methodLimits are workspace-wide allowances by method (Slack's
	// tiers); see WithMethodRateLimit.
	methodLimits map[string]gcraLimit
	// channelLimits are per-channel allowances by method; see WithChannelRateLimit.
	channelLimits map[string]gcraLimit

	ln      net.Listener
	srv     *http.Server
	baseURL string
	done    chan struct{}
	wg      sync.WaitGroup

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every state change
	started bool
	closing bool
	st      state
}

// Option configures a Server.
type Option func(*Server)

// WithLogger sends the fake's own diagnostics to l (never tokens).
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

// WithTokens sets the bot token (xoxb-) and app-level token (xapp-) the fake accepts.
func WithTokens(bot, app string) Option {
	return func(s *Server) { s.botToken, s.appToken = bot, app }
}

// WithPingInterval sets how often the fake sends WebSocket PINGs. slack-go
// reconnects when none arrives within its own interval (30s by default).
func WithPingInterval(d time.Duration) Option { return func(s *Server) { s.pingInterval = d } }

// WithClock replaces time.Now, so tests can expire trigger_ids and
// response_urls, and bring Slack's retries of unacked events, without
// sleeping. Every time the fake records or waits for comes from it.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithTeam sets the workspace id and domain used in payloads and permalinks.
func WithTeam(id, domain string) Option {
	return func(s *Server) { s.teamID, s.teamDomain = id, domain }
}

// WithEnterprise puts the workspace in an Enterprise Grid organisation:
// auth.test names it, and the user objects of its people carry it in
// enterprise_user.
func WithEnterprise(id string) Option { return func(s *Server) { s.enterpriseID = id } }

// New returns a Server that is not listening yet.
func New(opts ...Option) *Server {
	s := &Server{
		log:           slog.New(slog.DiscardHandler),
		now:           time.Now,
		botToken:      DefaultBotToken,
		appToken:      DefaultAppToken,
		pingInterval:  5 * time.Second,
		teamID:        DefaultTeamID,
		teamDomain:    DefaultTeamDomain,
		appID:         DefaultAppID,
		botUserID:     DefaultBotUserID,
		botID:         DefaultBotID,
		scopes:        DefaultScopes,
		rateLimits:    defaultRateLimits(),
		methodLimits:  defaultMethodRateLimits(),
		channelLimits: defaultChannelRateLimits(),
		done:          make(chan struct{}),
		changed:       make(chan struct{}),
	}
	for _, o := range opts {
		o(s)
	}
	s.st = newState()
	s.addDefaultUsers()
	return s
}

// Start listens on 127.0.0.1 on a free port and serves until Close.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen for fake slack: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.tracked(s.handleAPI))
	mux.HandleFunc("/ws", s.tracked(s.handleWS))
	mux.HandleFunc("/response/", s.tracked(s.handleResponseURL))
	mux.HandleFunc("/upload/", s.tracked(s.handleUpload))

	s.mu.Lock()
	if s.started || s.closing {
		s.mu.Unlock()
		ln.Close()
		return errors.New("fakeslack: Start called twice or after Close")
	}
	s.started = true
	s.ln = ln
	s.baseURL = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	s.wg.Add(2) // Serve and retryLoop
	s.mu.Unlock()
	go s.retryLoop()

	go func() {
		defer s.wg.Done()
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("fake slack stopped serving", slog.String("error", err.Error()))
		}
	}()
	s.log.Info("fake slack listening", slog.String("url", s.baseURL))
	return nil
}

// Close stops the server, closes every socket and waits for every goroutine
// the fake started.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return nil
	}
	s.closing = true
	conns := append([]*wsConn(nil), s.st.conns...)
	for _, c := range conns {
		if c.grace != nil {
			c.grace.Stop()
		}
	}
	srv := s.srv
	s.mu.Unlock()

	close(s.done)
	var err error
	if srv != nil {
		err = srv.Close()
	}
	for _, c := range conns {
		c.ws.Close()
	}
	s.wg.Wait()
	if err != nil {
		return fmt.Errorf("close fake slack http server: %w", err)
	}
	return nil
}

// URL is the server's base URL, http://127.0.0.1:PORT.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// APIURL is the Web API base URL with its trailing slash, as
// slack.OptionAPIURL needs: http://127.0.0.1:PORT/api/.
func (s *Server) APIURL() string { return s.URL() + "/api/" }

// BotToken is the bot token the fake accepts.
func (s *Server) BotToken() string { return s.botToken }

// AppToken is the app-level token apps.connections.open accepts.
func (s *Server) AppToken() string { return s.appToken }

// TeamID is the fake workspace's id.
func (s *Server) TeamID() string { return s.teamID }

// AppID is the fake app's id (api_app_id in payloads).
func (s *Server) AppID() string { return s.appID }

// BotUserID is the bot user's id, the author of everything the bot posts.
func (s *Server) BotUserID() string { return s.botUserID }

// tracked counts a handler in the WaitGroup so Close waits for it, and
// refuses new requests once Close has begun (Add after Wait would race).
func (s *Server) tracked(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.goTrack() {
			http.Error(w, "fake slack is closing", http.StatusServiceUnavailable)
			return
		}
		defer s.wg.Done()
		h(w, r)
	}
}

// goTrack adds one to the WaitGroup unless the server is closing.
func (s *Server) goTrack() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.wg.Add(1)
	return true
}

// notifyLocked wakes every waiter; callers hold s.mu.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor blocks until check (called with s.mu held) reports true, ctx ends
// or the server closes. Waiting is driven by state changes, never by sleeps.
func (s *Server) waitFor(ctx context.Context, what string, check func() bool) error {
	for {
		s.mu.Lock()
		if check() {
			s.mu.Unlock()
			return nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", what, ctx.Err())
		case <-s.done:
			return fmt.Errorf("%s: %w", what, ErrClosed)
		}
	}
}

// sleep waits d unless ctx ends or the server closes first.
func (s *Server) sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	case <-s.done:
	}
}
