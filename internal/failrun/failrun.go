// Package failrun says which failures of a run to log, so that something
// failing every second writes a line a minute rather than 3,600 an hour:
// the first of a run at once, then at most one every Every, each with how
// many went unlogged since, and the end of the run once (Runs); or, for
// an incident, its first failure and its end only (Incident). The callers
// (the outbox's sends and passes, the ops probes and scrapes, the bot's
// envelope claims and quick captures, the leader election) write their
// own lines; it only counts, and imports nothing of Coachlog's.
package failrun

import (
	"sync"
	"time"
)

// MaxKeys bounds the keys Runs remembers. A key may be an error's text,
// and some texts never repeat (a network error names the connection's
// local port): kept for ever, they grew the map by one entry a failure
// for as long as the bot ran.
const MaxKeys = 1024

// Runs counts failures in a row by key: each key's run is its own, so a
// new way of failing is logged at once. Its zero value, with Every set,
// is ready; it locks, for callers that run concurrently.
type Runs struct {
	Every time.Duration

	mu   sync.Mutex
	runs map[string]*Run
}

// Run is one key's failures in a row.
type Run struct {
	Failures int       // in a row, the latest included
	Unlogged int       // failures since the last logged one; 0 on a logged one
	Since    time.Time // when the first of them failed
	logged   time.Time // when one was last logged
}

// Fail records a failure of key at now, and reports it with whether to
// log it: the first of a run, or one Every or more after the last logged.
func (r *Runs) Fail(key string, now time.Time) (Run, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.runs == nil {
		r.runs = map[string]*Run{}
	}
	run := r.runs[key]
	if run == nil {
		run = &Run{Since: now}
		if len(r.runs) >= MaxKeys {
			r.forget(now)
		}
		// Full of runs logged within Every, a new key is still logged,
		// at each failure, and not remembered.
		if len(r.runs) < MaxKeys {
			r.runs[key] = run
		}
	} else if now.Sub(run.logged) < r.Every {
		run.Failures++
		run.Unlogged++
		return *run, false
	}
	run.Failures++
	out := *run
	run.logged, run.Unlogged = now, 0
	return out, true
}

// OK ends key's run, and reports it and whether there was one.
func (r *Runs) OK(key string) (Run, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	run, ok := r.runs[key]
	if !ok {
		return Run{}, false
	}
	delete(r.runs, key)
	return *run, true
}

// forget drops the runs last logged Every or more ago: their next
// failure is logged at once anyway. Their counts are lost, numbers in a
// log line, not failures.
func (r *Runs) forget(now time.Time) {
	for key, run := range r.runs {
		if now.Sub(run.logged) >= r.Every {
			delete(r.runs, key)
		}
	}
}
