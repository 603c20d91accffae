package outbox

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

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
