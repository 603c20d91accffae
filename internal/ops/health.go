package ops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Checks are what /healthz asks.
type Checks struct {
	// Connection reports whether the Socket Mode connection is up, and
	// since when it has been up or down.
	Connection func() (up bool, since time.Time)
	// Writable checks the database accepts a write.
	Writable func(ctx context.Context) error
	// OldestPending returns the creation time of the oldest undelivered
	// message, zero when none.
	OldestPending func(ctx context.Context) (time.Time, error)
	// Stopped returns why delivery stopped (a revoked token), if it did.
	Stopped func() error
	Now     func() time.Time
}

// Limits of health.
const (
	connectGrace = 60 * time.Second // down this long (since start or a drop) is unhealthy
	stuckAfter   = 15 * time.Minute // an undelivered message this old means the outbox is stuck
)

// Health runs the checks and returns the reasons the bot is unhealthy, none
// when it is healthy.
func (c Checks) Health(ctx context.Context) []string {
	now := c.Now()
	var bad []string
	if c.Connection != nil {
		if up, since := c.Connection(); !up && now.Sub(since) > connectGrace {
			bad = append(bad, fmt.Sprintf("socket mode: not connected to Slack for %s", now.Sub(since).Round(time.Second)))
		}
	}
	if c.Writable != nil {
		if err := c.Writable(ctx); err != nil {
			bad = append(bad, "database: not writable: "+err.Error())
		}
	}
	if c.OldestPending != nil {
		oldest, err := c.OldestPending(ctx)
		switch {
		case err != nil:
			bad = append(bad, "outbox: unreadable: "+err.Error())
		case !oldest.IsZero() && now.Sub(oldest) > stuckAfter:
			bad = append(bad, fmt.Sprintf("outbox: stuck, oldest undelivered message is %s old", now.Sub(oldest).Round(time.Second)))
		}
	}
	if c.Stopped != nil {
		if err := c.Stopped(); err != nil {
			bad = append(bad, "slack token: delivery stopped: "+err.Error())
		}
	}
	return bad
}

// Handler serves /healthz (200 ok, or 503 with the reasons) and /metrics.
func Handler(c Checks, m *Metrics) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		bad := c.Health(ctx)
		w.Header().Set("Content-Type", "application/json")
		status := map[string]any{"ok": len(bad) == 0}
		if len(bad) > 0 {
			status["problems"] = bad
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(status)
	})
	if m != nil {
		mux.Handle("/metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	}
	return mux
}

// Serve listens on addr until ctx ends and returns the address it bound.
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger) (net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("COACHLOG_HTTP_ADDR: listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	log.Info("health and metrics listening", "addr", ln.Addr().String())
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("health listener stopped", "err", err)
		}
	}()
	return ln.Addr(), nil
}
