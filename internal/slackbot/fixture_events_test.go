package slackbot

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// countingNotifier counts the outbox wake-ups.
type countingNotifier struct {
	mu sync.Mutex
	n  int
}

func (c *countingNotifier) Notify() { c.mu.Lock(); c.n++; c.mu.Unlock() }

func (c *countingNotifier) count() int { c.mu.Lock(); defer c.mu.Unlock(); return c.n }

// eventFixture is the event_callback of a real payload in
// ../fakeslack/testdata, from its Socket Mode envelope or as sent over
// HTTP, with edit applied to its inner event.
func eventFixture(t *testing.T, name string, edit map[string]any) json.RawMessage {
	t.Helper()
	cb, err := fakeslack.Fixture(name)
	if err != nil {
		t.Fatal(err)
	}
	if len(edit) == 0 {
		return cb
	}
	var whole map[string]json.RawMessage
	var ev map[string]any
	if err := json.Unmarshal(cb, &whole); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(whole["event"], &ev); err != nil {
		t.Fatal(err)
	}
	for k, v := range edit {
		ev[k] = v
	}
	if whole["event"], err = json.Marshal(ev); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(whole)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The bot's own reading of events (eventCallback, innerEvent) on real
// payloads: an org install's app_home_opened (user W…, team null in its
// authorization) publishes the Home of the user who opened it, and only
// for the Home tab; a channel message, an event the manifest does not
// subscribe to (bot_events: app_home_opened, user_change), is acked and
// skipped without a warning.
func TestRealEventPayloadsAreReadByTheBot(t *testing.T) {
	for _, tt := range []struct {
		name, fixture string
		edit          map[string]any
		home          string // the user whose Home is queued; "" for none
	}{
		{"app_home_opened on the Messages tab, as sent", "boltpy_event_callback_app_home_opened_org.json", nil, ""},
		{"app_home_opened on the Home tab", "boltpy_event_callback_app_home_opened_org.json", map[string]any{"tab": "home"}, "W111"},
		{"a channel message the bot does not subscribe to", "pysdk_envelope_events_api_message.json", nil, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			var logs bytes.Buffer
			notifier := &countingNotifier{}
			b := New(Config{AppToken: "xapp-1", BotToken: "xoxb-1", APIURL: "http://127.0.0.1:1/api/",
				Service: coaching.NewService(coaching.Config{Store: st}), Outbox: notifier,
				Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
			var acked []string
			var mu sync.Mutex
			b.ackFn = func(id string, payload any) error {
				mu.Lock()
				defer mu.Unlock()
				if payload != nil {
					t.Errorf("event acked with a payload: %v", payload)
				}
				acked = append(acked, id)
				return nil
			}

			b.handle(ctx, envelope{Type: "events_api", EnvelopeID: "env-1", Payload: eventFixture(t, tt.fixture, tt.edit)})
			b.inflight.Wait()

			if len(acked) != 1 || acked[0] != "env-1" {
				t.Errorf("acks = %v, want env-1 once", acked)
			}
			if logs.Len() > 0 {
				t.Errorf("warnings logged for a real payload:\n%s", logs.String())
			}
			status, err := st.OutboxStatus(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			var homes []string
			for k := range status {
				if strings.HasPrefix(k, "home:") {
					homes = append(homes, k)
				}
			}
			switch {
			case tt.home == "" && (len(status) != 0 || notifier.count() != 0):
				t.Errorf("queued %v (%d wake-ups), want nothing", status, notifier.count())
			case tt.home != "" && (len(homes) != 1 || status["home:"+tt.home] != "pending" || notifier.count() != 1):
				t.Errorf("queued %v (%d wake-ups), want a Home publish for %s", status, notifier.count(), tt.home)
			}
		})
	}
}
