package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// stopWatch turns the process's signals into the command's context: the
// first (SIGTERM, SIGINT, SIGHUP: stopSignals) stops the command
// gracefully, and is said at once so that an operator sees the shutdown
// begin; a second exits at once, status 1, where it used to be swallowed
// while the shutdown ran. Without
// signals (tests, run), the caller's context alone stops the command.
type stopWatch struct {
	mu   sync.Mutex
	when time.Time // when the stop came; zero before
}

// watchStop watches e.signals for ctx's command. log, when not nil, hears
// the stop begin and the second signal; a command without a logger says
// the second on stderr. release ends the watch.
func watchStop(ctx context.Context, e env, log *slog.Logger) (_ context.Context, _ *stopWatch, release func()) {
	w := &stopWatch{}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	var once sync.Once
	release = func() { once.Do(func() { close(done); cancel() }) }
	go func() {
		var sig os.Signal
		select {
		case sig = <-e.signals: // nil: never
		case <-ctx.Done():
		case <-done:
			return
		}
		select {
		case <-done: // released, which cancels ctx too: not a stop
			return
		default:
		}
		w.stopped()
		if log != nil {
			if sig != nil {
				log.Info("stopping", "signal", sig.String())
			} else {
				log.Info("stopping")
			}
		}
		cancel()
		select {
		case sig = <-e.signals:
		case <-done:
			return
		}
		const msg = "second signal: exiting at once, without finishing the shutdown; messages not yet sent stay queued for the next start"
		if log != nil {
			log.Error(msg, "signal", sig.String())
		} else {
			fmt.Fprintf(e.stderr, "coachlog: %s (%s)\n", msg, sig)
		}
		e.exit(1)
	}()
	return ctx, w, release
}

func (w *stopWatch) stopped() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.when.IsZero() {
		w.when = time.Now()
	}
}

// at is when the stop came: now, if it has not (serve ending for
// another reason, a socket refused), which starts the budget then.
func (w *stopWatch) at() time.Time {
	w.stopped()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.when
}
