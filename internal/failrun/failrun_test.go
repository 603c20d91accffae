package failrun

import (
	"fmt"
	"testing"
	"time"
)

// every is the outbox's: sends failing alike are warned of once in 10 s.
const every = 10 * time.Second

// Failures of one key are logged once per Every, with how many failed
// alike since; another key has a line of its own.
func TestFailuresAlikeAreLoggedOnceInAWhile(t *testing.T) {
	r := Runs{Every: every}
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	steps := []struct {
		kind    string
		at      time.Duration
		warn    bool
		similar int
	}{
		{"chat.postMessage internal_error", 0, true, 0},
		{"chat.postMessage internal_error", time.Second, false, 0},
		{"chat.postMessage internal_error", 2 * time.Second, false, 0},
		{"chat.update internal_error", 2 * time.Second, true, 0},
		{"chat.postMessage internal_error", every - time.Millisecond, false, 0},
		{"chat.postMessage internal_error", every, true, 3},
		{"chat.postMessage internal_error", every + time.Second, false, 0},
	}
	for i, s := range steps {
		run, warn := r.Fail(s.kind, t0.Add(s.at))
		similar := 0
		if warn {
			similar = run.Unlogged
		}
		if warn != s.warn || similar != s.similar {
			t.Fatalf("step %d (%s at +%v): warn %v, %d alike; want %v, %d", i, s.kind, s.at, warn, similar, s.warn, s.similar)
		}
	}
}

// Keys that never repeat (an error naming a connection's local port) are
// not remembered for ever: past MaxKeys the stale ones are dropped, while
// a key logged within Every stays thinned.
func TestRunsForgetStaleKeys(t *testing.T) {
	r := Runs{Every: every}
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	at := t0
	for i := range 10 * MaxKeys {
		at = t0.Add(time.Duration(i) * time.Second)
		if _, warn := r.Fail(fmt.Sprintf("chat.postMessage read tcp 10.0.0.1:%d: connection reset", i), at); !warn {
			t.Fatalf("key %d, never seen before, was not logged", i)
		}
		if _, warn := r.Fail("chat.postMessage internal_error", at); warn != (i%10 == 0) {
			t.Fatalf("at +%ds the repeating key's line = %v; want one every %v", i, warn, every)
		}
	}
	if len(r.runs) > MaxKeys {
		t.Errorf("the runs remember %d keys; want at most %d", len(r.runs), MaxKeys)
	}
	// Full of fresh keys, a new one is still logged, and not remembered.
	full := Runs{Every: every}
	for i := range MaxKeys + 5 {
		if _, warn := full.Fail(fmt.Sprint("kind ", i), t0); !warn {
			t.Fatalf("key %d, never seen before, was not logged", i)
		}
	}
	if len(full.runs) != MaxKeys {
		t.Errorf("the runs remember %d keys; want %d", len(full.runs), MaxKeys)
	}
}

// A key that works again ends its run: its next failure is a first, logged
// at once, within Every of the run before's last line; OK of a key with no
// run reports none.
func TestOKEndsARun(t *testing.T) {
	r := Runs{Every: time.Minute}
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	r.Fail("db", t0)
	r.Fail("db", t0.Add(20*time.Second))
	run, ended := r.OK("db")
	if !ended || run.Failures != 2 || !run.Since.Equal(t0) {
		t.Fatalf("OK = %+v, %v; want 2 failures since %v", run, ended, t0)
	}
	if run, warn := r.Fail("db", t0.Add(30*time.Second)); !warn || run.Failures != 1 {
		t.Fatalf("a failure after OK: logged %v, %d in a row; want a first, logged", warn, run.Failures)
	}
	if _, ended := r.OK("other"); ended {
		t.Fatal("OK of a key that never failed reports a run")
	}
}
