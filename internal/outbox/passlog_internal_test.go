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

	"github.com/coachlog/coachlog/internal/coaching"
)

// A pass the database was too busy for is a Warn at first (routine under
// a burst: it lost nothing and the next second's pass takes it); any other
// failure is an Error at once, and so is a busy one still failing a minute
// on. A statement timeout under load was an Error line, which an operator
// pages on.
func TestABusyPassIsAWarnUntilItLasts(t *testing.T) {
	busy := fmt.Errorf("claim outbox: %w", coaching.Errorf(coaching.EBusy, "%s", coaching.BusyMessage))
	for _, tt := range []struct {
		name        string
		err         error
		first, more string
	}{
		{"the database busy", busy, "level=WARN", "level=ERROR"},
		{"anything else", errors.New("claim outbox: disk I/O error"), "level=ERROR", "level=ERROR"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
			var logs bytes.Buffer
			p := newPassLog("outbox pass", slog.New(slog.NewTextHandler(&logs, nil)), func() time.Time { return now })
			p.fail(context.Background(), tt.err)
			if line := logs.String(); !strings.Contains(line, tt.first) || !strings.Contains(line, "outbox pass failed") {
				t.Errorf("first failure logged %q, want %s", line, tt.first)
			}
			logs.Reset()
			now = now.Add(passLogEvery)
			p.fail(context.Background(), tt.err)
			if line := logs.String(); !strings.Contains(line, tt.more) || !strings.Contains(line, "still failing") {
				t.Errorf("a minute on, logged %q, want %s", line, tt.more)
			}
		})
	}
}
