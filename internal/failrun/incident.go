package failrun

import (
	"fmt"
	"sync"
	"time"
)

// Quiet ends an incident nothing said was over: a failure this long after
// the one before starts a new incident, logged at once. Some reads and
// writes work only when someone asks for them (a quick capture): without
// it, an incident a day after the last, with none of them in between,
// would go unlogged.
const Quiet = 10 * time.Minute

// Incident counts the failures of one thing from the first until it
// works again, for a caller that logs an incident, not each failure: the
// first failure at once, at its level, the ones after it only counted,
// and one line when it works again (Recovered). While the database is
// away for 20 s, an envelope claimed every second is then two lines, not
// twenty. Unlike Runs, it says nothing while the incident lasts: its
// callers fail at the pace of what users do or of a short retry, and the
// health probe already reminds once a minute. Its zero value is ready;
// it locks, for callers that run concurrently.
type Incident struct {
	mu       sync.Mutex
	failures int
	since    time.Time // the incident's first failure
	last     time.Time // its latest
}

// Fail records a failure at now, and reports whether it is the first of
// an incident: the one to log.
func (i *Incident) Fail(now time.Time) (first bool) {
	i.mu.Lock()
	defer i.mu.Unlock()
	first = i.failures == 0 || now.Sub(i.last) >= Quiet
	if first {
		i.failures, i.since = 0, now
	}
	i.failures++
	i.last = now
	return first
}

// OK records that it worked at now, and reports the incident it ends:
// how many failures it had, and how long from the first to now; ended is
// false when there was none.
func (i *Incident) OK(now time.Time) (failures int, lasted time.Duration, ended bool) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.failures == 0 {
		return 0, 0, false
	}
	failures, lasted = i.failures, now.Sub(i.since).Round(time.Second)
	i.failures = 0
	return failures, lasted, true
}

// Recovered is the line that ends an incident of what: "claiming
// envelopes: recovered after 22 failures over 20s".
func Recovered(what string, failures int, lasted time.Duration) string {
	noun := "failures"
	if failures == 1 {
		noun = "failure"
	}
	return fmt.Sprintf("%s: recovered after %d %s over %s", what, failures, noun, lasted)
}
