package outbox_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
)

func publish(to, payload string) coaching.Message {
	m := coaching.Message{Kind: coaching.MsgHome, Op: coaching.OpPublish, Key: "home:" + to, To: to}
	if payload != "" {
		m.Payload = []byte(payload)
	}
	return m
}

// Publishes of one person's Home coalesce into one, and a notice one of
// them carries is not lost to a later plain publish: the last notice wins.
func TestAHomeNoticeSurvivesCoalescing(t *testing.T) {
	for _, tt := range []struct {
		name string
		msgs []coaching.Message
		want string
	}{
		{"a notice, then a plain publish", []coaching.Message{publish("U1", `{"notice":"a"}`), publish("U1", "")}, `{"notice":"a"}`},
		{"two notices", []coaching.Message{publish("U1", `{"notice":"a"}`), publish("U1", `{"notice":"b"}`), publish("U1", "")}, `{"notice":"b"}`},
		{"no notice", []coaching.Message{publish("U1", ""), publish("U1", "")}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w, st, s, clk := setup(t)
			enqueue(t, st, tt.msgs...)
			drainFor(t, w, clk, time.Second)
			if len(s.sent) != 1 || string(s.sent[0].Payload) != tt.want {
				t.Fatalf("sent %+v, want one publish carrying %q", s.sent, tt.want)
			}
		})
	}
}

// Coalescing holds when the pacer lets only one update and one publish go
// at a time: claiming one claims its later versions too, so one chat.update
// and one views.publish carry the last of each.
func TestUpdatesCoalesceUnderTightLimits(t *testing.T) {
	w, st, s, clk := setup(t)
	tight := outbox.Limits{Method: map[string]outbox.Limit{
		"chat.update": {Every: 2 * time.Second, Burst: 1}, "views.publish": {Every: 2 * time.Second, Burst: 1}}}
	w = outbox.NewWorker(st, s, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(tight, clk.Now)})
	enqueue(t, st, post("k", "U1"))
	drainFor(t, w, clk, time.Second)
	update := coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpUpdate, Key: "k", To: "U1"}
	enqueue(t, st, update, update, update, publish("U2", `{"notice":"a"}`), publish("U2", ""), publish("U2", ""))
	drainFor(t, w, clk, 10*time.Second)
	var updates, publishes []coaching.Message
	for _, m := range s.sent {
		switch m.Op {
		case coaching.OpUpdate:
			updates = append(updates, m)
		case coaching.OpPublish:
			publishes = append(publishes, m)
		}
	}
	if len(updates) != 1 || len(publishes) != 1 || string(publishes[0].Payload) != `{"notice":"a"}` {
		t.Fatalf("sent %d updates and %d publishes (%+v), want one of each, the publish carrying the notice", len(updates), len(publishes), publishes)
	}
	if stats, err := st.OutboxStats(context.Background(), time.Time{}); err != nil || stats.Pending != 0 {
		t.Fatalf("stats %+v, %v: the superseded ones must be closed", stats, err)
	}
}

// A Home opened by its owner and refreshed for a rep's answer, claimed
// together, is published once, in the place of the opening: ahead of the
// claim's deferred messages, not behind another person's Home.
func TestAnOpenedHomeKeepsItsPlaceOverARefresh(t *testing.T) {
	w, st, s, clk := setup(t)
	refresh := coaching.Message{Kind: coaching.MsgHomeRefresh, Op: coaching.OpPublish, Key: "home:U1", To: "U1"}
	enqueue(t, st, publish("U1", ""), refresh, publish("U2", ""))
	drainFor(t, w, clk, time.Second)
	var got []string
	for _, m := range s.sent {
		got = append(got, m.To+" "+string(m.Kind))
	}
	if want := []string{"U1 home", "U2 home"}; !slices.Equal(got, want) {
		t.Fatalf("published %v, want %v", got, want)
	}
}
