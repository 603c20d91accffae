package outbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/outbox"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// A retry's wait is logged in milliseconds under a key that says so: a
// time.Duration as a slog value printed raw nanoseconds in JSON
// ("retry_in":4489675704), which nobody reads as 4.5 s.
func TestARetrysWaitIsLoggedInMilliseconds(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
	st, err := sqlite.Open(context.Background(), migratedDB(t), sqlite.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var logs bytes.Buffer
	s := &sender{script: []error{&outbox.Error{Class: outbox.Retry, Err: errors.New("500")}}}
	w := outbox.NewWorker(st, s, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now),
		Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	enqueue(t, st, post("k1", "U1"))
	drainFor(t, w, clk, time.Minute)
	var line map[string]any
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "will retry") {
			if err := json.Unmarshal([]byte(l), &line); err != nil {
				t.Fatal(err)
			}
		}
	}
	if line == nil {
		t.Fatalf("no retry logged:\n%s", logs.String())
	}
	ms, ok := line["retry_in_ms"].(float64)
	if _, raw := line["retry_in"]; raw || !ok || ms < 1 || ms > 60_000 {
		t.Errorf("retry logged %v; want retry_in_ms, a few seconds in milliseconds", line)
	}
}
