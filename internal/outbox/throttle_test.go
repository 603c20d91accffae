package outbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// Sends failing the same way are warned of once per retryLogEvery, with how
// many failed alike since; another way of failing has a warning of its own.
func TestRetriesFailingAlikeAreWarnedOfOnceInAWhile(t *testing.T) {
	r := throttle{every: retryLogEvery}
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
		warn, similar := r.allow(s.kind, t0.Add(s.at))
		if warn != s.warn || similar != s.similar {
			t.Fatalf("step %d (%s at +%v): warn %v, %d alike; want %v, %d", i, s.kind, s.at, warn, similar, s.warn, s.similar)
		}
	}
}

// A pass that fails again after one worked starts a new run: its first
// failure is logged at once, even within a minute of the last line of the
// run before.
func TestAPassFailingAgainAfterItWorkedIsLoggedAtOnce(t *testing.T) {
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	var logs bytes.Buffer
	p := newPassLog("outbox pass", slog.New(slog.NewTextHandler(&logs, nil)), func() time.Time { return at })
	ctx, down := context.Background(), errors.New("database is locked")
	for _, step := range []struct {
		after time.Duration
		ok    bool
		want  string // the line logged, "" for none
	}{
		{0, false, `msg="outbox pass failed`},
		{20 * time.Second, false, ""},
		{10 * time.Second, true, `msg="outbox pass works again" failed_passes=2 failing_for=30s`},
		{10 * time.Second, false, `msg="outbox pass failed`},
		{10 * time.Second, false, ""},
		{time.Minute, false, `msg="outbox pass still failing" failed_passes=3 failing_for=1m10s`},
	} {
		at = at.Add(step.after)
		logs.Reset()
		if step.ok {
			p.ok(ctx)
		} else {
			p.fail(ctx, down)
		}
		if got := logs.String(); step.want == "" && got != "" || !strings.Contains(got, step.want) {
			t.Fatalf("at %s: logged %q, want %q", at.Format(time.TimeOnly), got, step.want)
		}
	}
}

// Kinds that never repeat (an error naming a connection's local port) are
// not remembered for ever: past throttleKinds the stale ones are dropped,
// while a kind logged within `every` stays throttled.
func TestAThrottleForgetsStaleKinds(t *testing.T) {
	r := throttle{every: retryLogEvery}
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	at := t0
	for i := range 10 * throttleKinds {
		at = t0.Add(time.Duration(i) * time.Second)
		if warn, _ := r.allow(fmt.Sprintf("chat.postMessage read tcp 10.0.0.1:%d: connection reset", i), at); !warn {
			t.Fatalf("kind %d, never seen before, was not logged", i)
		}
		if warn, _ := r.allow("chat.postMessage internal_error", at); warn != (i%10 == 0) {
			t.Fatalf("at +%ds the repeating kind's warning = %v; want one every %v", i, warn, retryLogEvery)
		}
	}
	if len(r.last) > throttleKinds || len(r.suppressed) > throttleKinds {
		t.Errorf("the throttle remembers %d kinds (%d counts); want at most %d", len(r.last), len(r.suppressed), throttleKinds)
	}
	// Full of fresh kinds, a new one is still logged, and not remembered.
	full := throttle{every: retryLogEvery}
	for i := range throttleKinds + 5 {
		if warn, _ := full.allow(fmt.Sprint("kind ", i), t0); !warn {
			t.Fatalf("kind %d, never seen before, was not logged", i)
		}
	}
	if len(full.last) != throttleKinds {
		t.Errorf("the throttle remembers %d kinds; want %d", len(full.last), throttleKinds)
	}
}

// Network errors that differ only in their numbers (ports, addresses) are
// one kind of failure: warned of once in a while, not once a send.
func TestFailuresDifferingInNumbersAreOneKind(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		same bool
	}{
		{"read tcp 10.0.0.1:52114->34.1.2.3:443: read: connection reset by peer",
			"read tcp 10.0.0.1:52190->34.1.2.4:443: read: connection reset by peer", true},
		{"slack server error: 503 Service Unavailable", "slack server error: 502 Bad Gateway", false},
		{"internal_error", "channel_not_found", false},
	} {
		if same := failureKind(errors.New(tt.a)) == failureKind(errors.New(tt.b)); same != tt.same {
			t.Errorf("%q and %q of one kind = %v; want %v", tt.a, tt.b, same, tt.same)
		}
	}
}
