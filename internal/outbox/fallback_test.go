package outbox_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
)

var gone = &outbox.Error{Class: outbox.Gone, Method: "response_url", Err: errors.New("404 used_url")}

func dmResponse(key, to string, issued time.Time) coaching.Message {
	return coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpRespond, Key: key, To: to, RepID: to,
		ResponseURL: "https://hooks.slack.test/r/1", ResponseAt: issued, Replace: true}
}

func receiptResponse(to string, issued time.Time) coaching.Message {
	return coaching.Message{Kind: coaching.MsgCaptureReply, Op: coaching.OpRespond, To: to, SessionID: 7,
		ResponseURL: "https://hooks.slack.test/r/2", ResponseAt: issued}
}

// A response whose response_url Slack no longer takes is delivered by its
// fallback route in the same delivery: the rep's DM by chat.update of the
// posted DM, the manager's receipt as a DM to them. Expired ones (counted
// from when Slack issued the URL, not when the row was queued) are not
// even tried; refused ones (404) are tried once.
func TestAResponseSlackNoLongerTakesGoesByItsFallback(t *testing.T) {
	issuedAt := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) // the clock's start
	for _, tt := range []struct {
		name     string
		script   []error // the DM's post succeeds first
		issued   time.Duration
		response coaching.Message
		want     coaching.Op
		wantTo   string
		prior    bool
		attempts int
	}{
		{"a DM update, refused", []error{nil, gone}, 0, dmResponse("k1", "U1", time.Time{}), coaching.OpUpdate, "U1", true, 3},
		{"a DM update, expired", nil, -31 * time.Minute, dmResponse("k1", "U1", time.Time{}), coaching.OpUpdate, "U1", true, 2},
		{"a receipt, refused", []error{nil, gone}, 0, receiptResponse("UMGR", time.Time{}), coaching.OpPost, "UMGR", false, 3},
		{"a receipt, expired", nil, -31 * time.Minute, receiptResponse("UMGR", time.Time{}), coaching.OpPost, "UMGR", false, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w, st, s, clk := setup(t, tt.script...)
			m := tt.response
			m.ResponseAt = issuedAt.Add(tt.issued)
			enqueue(t, st, post("k1", "U1"), m)
			drainFor(t, w, clk, time.Second)
			if s.attempt != tt.attempts || len(s.sent) != 2 {
				t.Fatalf("%d attempts, sent %+v; want %d attempts, the post and the fallback", s.attempt, s.sent, tt.attempts)
			}
			got := s.sent[1]
			if got.Op != tt.want || got.To != tt.wantTo || got.ResponseURL != "" || got.Kind != tt.response.Kind {
				t.Fatalf("delivered %+v, want %s to %s without the response_url", got, tt.want, tt.wantTo)
			}
			if p := s.priors[1]; tt.prior && (p == nil || p.Channel != "DU1" || p.TS != "1.0") {
				t.Fatalf("the update got prior %+v, want the DM's channel and ts", p)
			}
			stats, err := st.OutboxStats(context.Background(), time.Time{})
			if err != nil || stats.Pending != 0 || stats.Failed != 0 {
				t.Fatalf("outbox %+v, %v; want everything delivered", stats, err)
			}
		})
	}
}

// A row rerouted to its fallback keeps that route: if the fallback must be
// retried, the dead response_url is not tried again.
func TestARerouteSurvivesARetry(t *testing.T) {
	e5 := &outbox.Error{Class: outbox.Retry, Err: errors.New("500")}
	w, st, s, clk := setup(t, gone, e5)
	enqueue(t, st, receiptResponse("UMGR", time.Time{}))
	drainFor(t, w, clk, time.Minute)
	if s.attempt != 3 || len(s.sent) != 1 || s.sent[0].Op != coaching.OpPost {
		t.Fatalf("%d attempts, sent %+v; want the response once, the fallback post twice", s.attempt, s.sent)
	}
}

// A message with no fallback whose response_url is gone fails, visibly.
func TestAResponseWithoutAFallbackFails(t *testing.T) {
	w, st, s, clk := setup(t, gone)
	enqueue(t, st, coaching.Message{Kind: coaching.MsgCaptureReply, Op: coaching.OpRespond, ResponseURL: "https://hooks.slack.test/r/3"})
	drainFor(t, w, clk, time.Second)
	stats, err := st.OutboxStats(context.Background(), time.Time{})
	if err != nil || stats.Failed != 1 || len(s.sent) != 0 {
		t.Fatalf("outbox %+v, sent %+v, %v; want it failed", stats, s.sent, err)
	}
}

// Pending updates of one DM coalesce whether they go by chat.update or
// through a click's response_url: the last one queued is sent.
func TestARespondAndAnUpdateOfOneDMCoalesce(t *testing.T) {
	for _, tt := range []struct {
		name string
		msgs []coaching.Message
		want coaching.Op
	}{
		{"update then respond", []coaching.Message{{Kind: coaching.MsgRepDM, Op: coaching.OpUpdate, Key: "k1", To: "U1"}, dmResponse("k1", "U1", time.Time{})}, coaching.OpRespond},
		{"respond then update", []coaching.Message{dmResponse("k1", "U1", time.Time{}), {Kind: coaching.MsgRepDM, Op: coaching.OpUpdate, Key: "k1", To: "U1"}}, coaching.OpUpdate},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w, st, s, clk := setup(t)
			enqueue(t, st, post("k1", "U1"))
			drainFor(t, w, clk, time.Second)
			for i := range tt.msgs {
				tt.msgs[i].ResponseAt = clk.Now()
			}
			enqueue(t, st, tt.msgs...)
			drainFor(t, w, clk, time.Second)
			if len(s.sent) != 2 || s.sent[1].Op != tt.want {
				t.Fatalf("sent %+v, want the post and one %s", s.sent, tt.want)
			}
		})
	}
}
