package outbox

import (
	"testing"
	"time"
)

// Sends failing the same way are warned of once per retryLogEvery, with how
// many failed alike since; another way of failing has a warning of its own.
func TestRetriesFailingAlikeAreWarnedOfOnceInAWhile(t *testing.T) {
	var r retryLog
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
		{"chat.postMessage internal_error", retryLogEvery - time.Millisecond, false, 0},
		{"chat.postMessage internal_error", retryLogEvery, true, 3},
		{"chat.postMessage internal_error", retryLogEvery + time.Second, false, 0},
	}
	for i, s := range steps {
		warn, similar := r.warn(s.kind, t0.Add(s.at))
		if warn != s.warn || similar != s.similar {
			t.Fatalf("step %d (%s at +%v): warn %v, %d alike; want %v, %d", i, s.kind, s.at, warn, similar, s.warn, s.similar)
		}
	}
}
