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

// An events_api envelope nobody acks comes again three times, on Slack's
// schedule and the fake's clock: as soon as its 3 s run out, then a
// minute after the retry's own 3 s, then five minutes after the next, and
// never earlier; retry_attempt counts, retry_reason says "timeout", and
// each retry goes to another socket than the delivery before.
func TestUnackedEventIsRetriedOnSlacksSchedule(t *testing.T) {
	fake, sms, clock, ctx := twoSockets(t)
	id, err := fake.Event(ctx, map[string]any{"type": "app_mention", "user": "U0ALICE", "text": "hi", "channel": "C0GENERAL"})
	if err != nil {
		t.Fatal(err)
	}
	type delivery struct {
		attempt int
		reason  string
	}
	got := []delivery{}
	req, _ := nextDelivery(ctx, t, sms, id)
	got = append(got, delivery{req.RetryAttempt, req.RetryReason})
	for _, wait := range []time.Duration{3 * time.Second, 3*time.Second + time.Minute, 3*time.Second + 5*time.Minute} {
		clock.Advance(wait - time.Millisecond)
		noRetry(t, fake, id, len(got))
		clock.Advance(time.Millisecond)
		req, _ := nextDelivery(ctx, t, sms, id)
		got = append(got, delivery{req.RetryAttempt, req.RetryReason})
	}
	clock.Advance(24 * time.Hour)
	noRetry(t, fake, id, len(got))
	if want := []delivery{{0, ""}, {1, "timeout"}, {2, "timeout"}, {3, "timeout"}}; !slices.Equal(got, want) {
		t.Fatalf("retry_attempt and retry_reason of each delivery = %v, want %v", got, want)
	}
	on := fake.DeliveredOn(id)
	for i := 1; i < len(on); i++ {
		if on[i] == on[i-1] {
			t.Fatalf("delivered on sockets %v: a retry went to the same socket", on)
		}
	}
}

// An events_api envelope acked in time is not sent again, however long
// the clock runs on.
func TestAckedEventIsNotRetried(t *testing.T) {
	fake, sms, clock, ctx := twoSockets(t)
	acked, err := fake.Event(ctx, map[string]any{"type": "app_mention", "user": "U0ALICE", "text": "hi", "channel": "C0GENERAL"})
	if err != nil {
		t.Fatal(err)
	}
	req, sm := nextDelivery(ctx, t, sms, acked)
	if err := sm.Ack(req); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.AwaitAck(ctx, acked); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	noRetry(t, fake, acked, 1)
}

// An ack lost on its way (LoseAcks) is no ack to Slack: the event comes
// again when its 3 s run out, and the lost ack is listed as lost.
func TestAnEventWhoseAckIsLostIsRetried(t *testing.T) {
	fake, sms, clock, ctx := twoSockets(t)
	id, err := fake.Event(ctx, map[string]any{"type": "app_mention", "user": "U0ALICE", "text": "hi", "channel": "C0GENERAL"}, LoseAcks())
	if err != nil {
		t.Fatal(err)
	}
	req, sm := nextDelivery(ctx, t, sms, id)
	if err := sm.Ack(req); err != nil {
		t.Fatal(err)
	}
	if err := fake.waitFor(ctx, "the lost ack", func() bool { return len(fake.st.lostAcks) == 1 }); err != nil {
		t.Fatal(err)
	}
	if lost, acks := fake.LostAcks(), fake.Acks(); lost[0].EnvelopeID != id || len(acks) != 0 {
		t.Fatalf("lost acks %+v and acks %+v, want the one ack, lost", lost, acks)
	}
	clock.Advance(3 * time.Second)
	if again, _ := nextDelivery(ctx, t, sms, id); again.RetryAttempt != 1 {
		t.Fatalf("after a lost ack the event came with retry_attempt %d, want 1", again.RetryAttempt)
	}
}

// nextDelivery waits for envelope id to reach any of the sockets, and
// says which.
func nextDelivery(ctx context.Context, t *testing.T, sms []*socketmode.Client, id string) (socketmode.Request, *socketmode.Client) {
	t.Helper()
	for {
		for _, sm := range sms {
			select {
			case evt := <-sm.Events:
				if evt.Type == socketmode.EventTypeEventsAPI && evt.Request != nil && evt.Request.EnvelopeID == id {
					return *evt.Request, sm
				}
			case <-time.After(10 * time.Millisecond):
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("envelope %s never came: %v", id, ctx.Err())
		}
	}
}

// noRetry checks that envelope id is still at n deliveries a few of the
// fake's looks at its clock later (retryPoll): a retry due by the clock
// would have been sent by then.
func noRetry(t *testing.T, fake *Server, id string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*retryPoll)
	defer cancel()
	err := fake.waitFor(ctx, "a retry", func() bool { return len(fake.st.envelopes[id].conns) > n })
	if err == nil {
		t.Fatalf("envelope %s delivered on %v, want %d deliveries by now", id, fake.DeliveredOn(id), n)
	}
}

// Slack lets one app hold ten sockets; the eleventh is told
// too_many_websockets and closed, without a hello.
func TestEleventhSocketIsRefused(t *testing.T) {
	// Eleven sockets opened at once are past Tier 1's burst of
	// apps.connections.open: an app's replicas would open them over
	// minutes. This test is about the count of sockets, not their pace.
	fake := startFake(t, WithMethodRateLimit("apps.connections.open", time.Minute, MaxConnections+1))
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
	// Four sockets asked for in a row, one past Tier 1's burst of
	// apps.connections.open (a client would pace them): this test is
	// about what each socket is told, not the pace.
	fake := startFake(t, WithMethodRateLimit("apps.connections.open", time.Minute, 4))
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

// twoSockets starts a fake on a clock the test moves, with two sockets
// connected to it.
func twoSockets(t *testing.T) (*Server, []*socketmode.Client, *manualClock, context.Context) {
	t.Helper()
	clock := newManualClock()
	fake := startFake(t, WithClock(clock.Now))
	ctx := deadline(t)
	sms := []*socketmode.Client{connect(t, fake), connect(t, fake)}
	if err := fake.WaitActive(ctx, 2); err != nil {
		t.Fatal(err)
	}
	return fake, sms, clock, ctx
}
