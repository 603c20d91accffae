package slackbot

import (
	"context"
	"testing"
	"time"
)

// An ack waits for slack-go's socket writer at most ackWait: with no
// socket to write to (one being replaced) and its queue of 20 full, the
// ack gives up instead of holding its goroutine for ever.
func TestAnAckWaitsForTheSocketAtMostItsDeadline(t *testing.T) {
	b := New(Config{AppToken: "xapp-1", BotToken: "xoxb-1", APIURL: "http://127.0.0.1:1/api/"})
	b.ackWait = 50 * time.Millisecond
	done := make(chan error, 1)
	go func() {
		var err error
		for i := 0; i < 21 && err == nil; i++ {
			err = b.socketAck("env-"+string(rune('a'+i)), nil)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("21 acks with no socket to write them all went through")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("an ack with no socket to write to waited past its deadline")
	}
}

// A duplicate envelope is acknowledged again off the socket's event loop:
// an ack stuck behind a socket being replaced does not stop the loop that
// reads every other envelope.
func TestADuplicateIsAcknowledgedOffTheEventLoop(t *testing.T) {
	b := New(Config{AppToken: "xapp-1", BotToken: "xoxb-1", APIURL: "http://127.0.0.1:1/api/"})
	release := make(chan struct{})
	acked := make(chan string, 1)
	b.ackFn = func(id string, _ any) error {
		<-release
		acked <- id
		return nil
	}
	b.seen.add("env-1")
	returned := make(chan struct{})
	go func() {
		b.handle(context.Background(), envelope{Type: "slash_commands", EnvelopeID: "env-1"})
		close(returned)
	}()
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		t.Fatal("the event loop waited for a duplicate's ack")
	}
	close(release)
	if id := <-acked; id != "env-1" {
		t.Fatalf("acked %q, want env-1", id)
	}
	b.inflight.Wait()
}
