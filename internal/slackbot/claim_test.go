package slackbot

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"
)

// refusingClaims records how old a claim each key may take over, and
// refuses every claim, as when another replica holds them all.
type refusingClaims struct {
	mu    sync.Mutex
	stale map[string]time.Duration
}

func (c *refusingClaims) Claim(_ context.Context, key string, stale time.Duration) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stale[key] = stale
	return false, nil
}

// A claim is taken over only where its claimer had to ack within the ack
// budget: a click, a shortcut or a slash command, once its claim is twice
// the ack timeout old. An event is acked first and claimed after, its
// handler bound by no budget, and Slack retries it for minutes: its claim
// is never taken over.
func TestOnlyClaimsBoundByTheAckBudgetAreTakenOver(t *testing.T) {
	claims := &refusingClaims{stale: map[string]time.Duration{}}
	b := New(Config{AppToken: "xapp-x", BotToken: "xoxb-x", APIURL: "http://127.0.0.1:1/",
		AckTimeout: 1500 * time.Millisecond, Claims: claims})
	var mu sync.Mutex
	acked := map[string]bool{}
	b.ackFn = func(id string, _ any) error {
		mu.Lock()
		acked[id] = true
		mu.Unlock()
		return nil
	}
	for _, env := range []envelope{
		{Type: "interactive", EnvelopeID: "click", Payload: json.RawMessage(`{"type":"block_actions"}`)},
		{Type: "interactive", EnvelopeID: "shortcut", Payload: json.RawMessage(`{"type":"shortcut"}`)},
		{Type: "slash_commands", EnvelopeID: "slash", Payload: json.RawMessage(`{"command":"/coach"}`)},
		{Type: "events_api", EnvelopeID: "event", Payload: json.RawMessage(`{"type":"event_callback","event_id":"Ev1"}`)},
	} {
		b.handle(context.Background(), env)
	}
	b.inflight.Wait()
	want := map[string]time.Duration{"env:click": 3 * time.Second, "env:shortcut": 3 * time.Second,
		"env:slash": 3 * time.Second, "event:Ev1": 0}
	for key, stale := range want {
		if got, ok := claims.stale[key]; !ok || got != stale {
			t.Errorf("%s: claimed %v, taking over a claim older than %s; want one older than %s (0: none)", key, ok, got, stale)
		}
	}
	if len(claims.stale) != len(want) {
		t.Errorf("claims = %v, want %v", claims.stale, want)
	}
	for _, id := range []string{"click", "shortcut", "slash", "event"} {
		if !acked[id] {
			t.Errorf("envelope %s refused by its claim was not acknowledged", id)
		}
	}
}
