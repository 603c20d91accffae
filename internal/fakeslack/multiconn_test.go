package fakeslack

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// readOneFrame dials url with a plain WebSocket and returns its first
// text frame, decoded.
func readOneFrame(ctx context.Context, t *testing.T, url string) map[string]any {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if err := ws.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := ws.ReadJSON(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Envelopes are spread over every open socket of the app, and a resend goes
// to another socket than the first delivery.
func TestEnvelopesSpreadOverSockets(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	connect(t, fake)
	connect(t, fake)
	if err := fake.WaitActive(ctx, 2); err != nil {
		t.Fatal(err)
	}
	got := map[int]int{}
	var first string
	for i := range 6 {
		in, err := fake.SlashCommand(ctx, "U0ALICE", "/coach", "hi")
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = in.EnvelopeID
		}
		on := fake.DeliveredOn(in.EnvelopeID)
		if len(on) != 1 {
			t.Fatalf("delivered on %v, want one socket", on)
		}
		got[on[0]]++
	}
	if len(got) != 2 || got[1] != 3 || got[2] != 3 {
		t.Fatalf("envelopes per socket = %v, want 3 on each of 2", got)
	}
	if err := fake.Resend(ctx, first); err != nil {
		t.Fatal(err)
	}
	if on := fake.DeliveredOn(first); len(on) != 2 || on[0] == on[1] {
		t.Fatalf("resend went to socket %v, want another one", on)
	}
}

// An events_api envelope nobody acks comes again up to three times, with
// retry_attempt counting and retry_reason "timeout", on another socket each
// time.
func TestUnackedEventIsRetriedOnAnotherSocket(t *testing.T) {
	fake, sms, ctx := twoSockets(t, 50*time.Millisecond)
	id, err := fake.Event(ctx, map[string]any{"type": "app_mention", "user": "U0ALICE", "text": "hi", "channel": "C0GENERAL"})
	if err != nil {
		t.Fatal(err)
	}
	var attempts []int
	for len(attempts) < 4 {
		for _, sm := range sms {
			select {
			case evt := <-sm.Events:
				if evt.Type == socketmode.EventTypeEventsAPI && evt.Request.EnvelopeID == id {
					attempts = append(attempts, evt.Request.RetryAttempt)
				}
			case <-time.After(10 * time.Millisecond):
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("retries seen %v, want 4 deliveries", attempts)
		}
	}
	if !slices.Equal(attempts, []int{0, 1, 2, 3}) {
		t.Fatalf("retry_attempt of each delivery = %v, want 0 1 2 3", attempts)
	}
	on := fake.DeliveredOn(id)
	for i := 1; i < len(on); i++ {
		if on[i] == on[i-1] {
			t.Fatalf("delivered on sockets %v: a retry went to the same socket", on)
		}
	}
}

// An events_api envelope acked in time is not sent again. The deadline is
// a second here: at 50 ms, a test goroutine descheduled on a busy machine
// acked late, and the fake rightly retried.
func TestAckedEventIsNotRetried(t *testing.T) {
	const retryAfter = time.Second
	fake, sms, ctx := twoSockets(t, retryAfter)
	acked, err := fake.Event(ctx, map[string]any{"type": "app_mention", "user": "U0ALICE", "text": "hi", "channel": "C0GENERAL"})
	if err != nil {
		t.Fatal(err)
	}
	var evt socketmode.Event
	for evt.Request == nil || evt.Request.EnvelopeID != acked {
		for _, sm := range sms {
			select {
			case evt = <-sm.Events:
				if evt.Request != nil && evt.Request.EnvelopeID == acked {
					if err := sm.Ack(*evt.Request); err != nil {
						t.Fatal(err)
					}
				}
			case <-time.After(10 * time.Millisecond):
			}
		}
		if ctx.Err() != nil {
			t.Fatal("the second event never came")
		}
	}
	ack, err := fake.AwaitAck(ctx, acked)
	if err != nil {
		t.Fatal(err)
	}
	if late := ack.ReceivedAt.Sub(ack.SentAt); late >= retryAfter {
		t.Fatalf("acked %s after it was sent, past the %s the fake waits: nothing to learn", late, retryAfter)
	}
	// Wait past the retry deadline, by the fake's own state: a retry
	// would be a second entry in DeliveredOn.
	later, cancel := context.WithTimeout(ctx, retryAfter+500*time.Millisecond)
	defer cancel()
	err = fake.waitFor(later, "a retry", func() bool { return len(fake.st.envelopes[acked].conns) > 1 })
	if err == nil {
		t.Fatalf("an acked event was retried: %v", fake.DeliveredOn(acked))
	}
}

// Slack lets one app hold ten sockets; the eleventh is told
// too_many_websockets and closed, without a hello.
func TestEleventhSocketIsRefused(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	for range MaxConnections {
		connect(t, fake)
	}
	if err := fake.WaitActive(ctx, MaxConnections); err != nil {
		t.Fatal(err)
	}
	api := slack.New(fake.BotToken(), slack.OptionAppLevelToken(fake.AppToken()), slack.OptionAPIURL(fake.APIURL()))
	_, url, err := api.StartSocketModeContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	msg := readOneFrame(ctx, t, url)
	if msg["type"] != "disconnect" || msg["reason"] != "too_many_websockets" {
		t.Fatalf("the 11th socket got %v, want disconnect too_many_websockets", msg)
	}
	if n := fake.RefusedConnections(); n != 1 {
		t.Fatalf("%d refused, want 1", n)
	}
	if n := fake.ActiveConnections(); n != MaxConnections {
		t.Fatalf("%d open, want %d", n, MaxConnections)
	}
}

// With Socket Mode turned off in the app's settings, an open socket is
// told link_disabled and closed, and so is every new one, without a
// hello, until it is turned back on.
func TestLinkDisabledTellsEverySocketAndRefusesNewOnes(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	api := slack.New(fake.BotToken(), slack.OptionAppLevelToken(fake.AppToken()), slack.OptionAPIURL(fake.APIURL()))
	_, url, err := api.StartSocketModeContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ws, _, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	var hello map[string]any
	if err := ws.ReadJSON(&hello); err != nil || hello["type"] != "hello" {
		t.Fatalf("first frame %v, %v; want hello", hello, err)
	}

	fake.SetLinkDisabled(true)
	var bye map[string]any
	if err := ws.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := ws.ReadJSON(&bye); err != nil || bye["type"] != "disconnect" || bye["reason"] != "link_disabled" {
		t.Fatalf("open socket got %v, %v; want disconnect link_disabled", bye, err)
	}
	if _, _, err := ws.ReadMessage(); err == nil {
		t.Fatal("the socket told link_disabled stayed open")
	}
	for range 2 {
		_, url, err := api.StartSocketModeContext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if msg := readOneFrame(ctx, t, url); msg["type"] != "disconnect" || msg["reason"] != "link_disabled" {
			t.Fatalf("a new socket got %v, want disconnect link_disabled", msg)
		}
	}
	if n := fake.RefusedConnections(); n != 2 {
		t.Fatalf("%d refused, want 2", n)
	}

	fake.SetLinkDisabled(false)
	_, url, err = api.StartSocketModeContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if msg := readOneFrame(ctx, t, url); msg["type"] != "hello" {
		t.Fatalf("after turning Socket Mode back on a socket got %v, want hello", msg)
	}
}

// twoSockets starts a fake that retries unacked events after retryAfter,
// with two sockets connected to it.
func twoSockets(t *testing.T, retryAfter time.Duration) (*Server, []*socketmode.Client, context.Context) {
	t.Helper()
	fake := New(WithEventRetryAfter(retryAfter))
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	ctx := deadline(t)
	sms := []*socketmode.Client{connect(t, fake), connect(t, fake)}
	if err := fake.WaitActive(ctx, 2); err != nil {
		t.Fatal(err)
	}
	return fake, sms, ctx
}
