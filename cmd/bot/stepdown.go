package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// schemaReadTimeout bounds the schema version's read, and a tenth of the
// sender lease if less: the read runs in the lease's loop, just before the
// renewal (leader.Config.Check), and one hanging on a database gone away
// must not hold the renewal back past the lease's margin. A read that
// times out is a failed read.
const schemaReadTimeout = time.Second

// schemaWatch notices, while serve runs, that another replica migrated the
// database past the newest schema this build knows. At start an older
// coachlog refuses such a database (sqlite.ErrSchemaTooNew), but a replica
// already running went on: as the sender it failed for good the message
// kinds it did not know (an App Home refresh: "render home_refresh:
// Session 0 does not exist"), and it went on writing to tables it did not
// know. Every replica reads the version on the sender lease's period (one
// `SELECT max(version)` every third of COACHLOG_SENDER_LEASE, whether it
// holds the role or not; never on an envelope's path) and, finding it
// newer, steps down: serve stops as at SIGTERM, sending nothing more, and
// exits 1 so that an orchestrator starts it again, where it refuses the
// database until it is replaced by the newer build.
type schemaWatch struct {
	read    func(context.Context) (int, error)
	know    int           // the newest schema this build knows
	timeout time.Duration // of one read
	log     *slog.Logger

	once  sync.Once
	newer chan struct{}    // closed once the database is found newer
	found newerSchemaError // set before newer is closed
}

// newSchemaWatch watches, with read, for a schema newer than know; lease
// is the sender lease on whose period it reads.
func newSchemaWatch(read func(context.Context) (int, error), know int, lease time.Duration, log *slog.Logger) *schemaWatch {
	timeout := schemaReadTimeout
	if lease > 0 {
		timeout = min(timeout, lease/10)
	}
	return &schemaWatch{read: read, know: know, timeout: timeout, log: log, newer: make(chan struct{})}
}

// check reads the database's schema version, and returns a newerSchemaError (said
// once, at Error) when it is newer than this build's. A read that fails
// returns nil: a database down or slow is the lease's and /healthz's to
// report, not a reason to stop a replica that may serve again once it is
// back.
func (w *schemaWatch) check(ctx context.Context) error {
	rctx, cancel := context.WithTimeout(ctx, w.timeout)
	defer cancel()
	have, err := w.read(rctx)
	if err != nil || have <= w.know {
		if err != nil && ctx.Err() == nil {
			w.log.Debug("could not read the database's schema version; read again at the next lease renewal", "err", err)
		}
		return nil
	}
	w.once.Do(func() {
		w.found = newerSchemaError{have: have, know: w.know}
		w.log.Error(w.found.Error(), "db_schema", have, "known_schema", w.know)
		close(w.newer)
	})
	return w.found
}

// steppedDown is the step-down found, if one was.
func (w *schemaWatch) steppedDown() (newerSchemaError, bool) {
	select {
	case <-w.newer:
		return w.found, true
	default:
		return newerSchemaError{}, false
	}
}

// newerSchemaError is serve's error when it stopped for a database migrated past
// it. It is logged at Error when found; main exits 1 without printing it
// again (alreadyLogged).
type newerSchemaError struct{ have, know int }

func (s newerSchemaError) Error() string {
	return fmt.Sprintf("database schema %d is newer than this coachlog's (%d): another replica upgraded it; "+
		"stopping so that the newer build serves (replace this replica with the newer build)", s.have, s.know)
}

// alreadyLogged reports whether err was logged, at Error, by the command
// that returned it: main exits 1 without a second line.
func alreadyLogged(err error) bool {
	_, ok := errors.AsType[newerSchemaError](err)
	return ok
}
