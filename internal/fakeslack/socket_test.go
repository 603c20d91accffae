package fakeslack

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

func TestHelloThenSlashCommandAck(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)

	hello := nextEvent(ctx, t, sm, socketmode.EventTypeHello)
	if hello.Request.NumConnections != 1 || hello.Request.ConnectionInfo.AppID != fake.AppID() {
		t.Errorf("hello = %+v", hello.Request)
	}
	if err := fake.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}

	in, err := fake.SlashCommand(ctx, "U0ALICE", "/coach", "log 45m with bob")
	if err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeSlashCommand)
	cmd := evt.Data.(slack.SlashCommand)
	if cmd.Command != "/coach" || cmd.Text != "log 45m with bob" || cmd.UserID != "U0ALICE" ||
		cmd.TriggerID != in.TriggerID || cmd.ResponseURL != in.ResponseURL || cmd.ChannelID != "D0ALICE" {
		t.Errorf("slash command = %+v, interaction %+v", cmd, in)
	}
	if !evt.Request.AcceptsResponsePayload || evt.Request.EnvelopeID != in.EnvelopeID {
		t.Errorf("envelope = %+v", evt.Request)
	}
	sameKeys(t, "slash command payload", keysAt(t, evt.Request.Payload),
		fixtureKeys(t, "pysdk_envelope_slash_commands.json", "payload").with("is_enterprise_install", "string"))
	sameKeys(t, "slash command envelope", keysAt(t, envelopeJSON(t, fake, in.EnvelopeID)),
		fixtureKeys(t, "pysdk_envelope_slash_commands.json"))
	if err := sm.Ack(*evt.Request, map[string]string{"text": "Logged."}); err != nil {
		t.Fatal(err)
	}
	ack, err := fake.AwaitAck(ctx, in.EnvelopeID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ack.Payload), `"Logged."`) || ack.SentAt.IsZero() || ack.Latency() < 0 || ack.Latency() > 3*time.Second {
		t.Errorf("ack = %+v", ack)
	}
	// Slack shows a slash command's ack payload to the user, ephemerally.
	if eph := fake.Ephemerals("D0ALICE"); len(eph) != 1 || eph[0].Text != "Logged." || eph[0].ResponseURL != in.ResponseURL {
		t.Errorf("ephemerals after ack = %+v", eph)
	}
}

func TestDroppedConnectionReconnectsAndGetsNextEnvelope(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	if err := fake.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}

	fake.DropConnection()
	// Sent while the client is away: it must wait for the next socket.
	id, err := fake.Event(ctx, map[string]any{"type": "app_mention", "user": "U0ALICE", "text": "<@U0BOT> hi", "channel": "C0GENERAL"})
	if err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeEventsAPI)
	if evt.Request.EnvelopeID != id {
		t.Fatalf("got envelope %s, want %s", evt.Request.EnvelopeID, id)
	}
	if _, ok := evt.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.AppMentionEvent); !ok {
		t.Errorf("inner event = %T", evt.Data.(slackevents.EventsAPIEvent).InnerEvent.Data)
	}
	if fake.Connections() < 2 {
		t.Errorf("connections = %d, want a reconnection", fake.Connections())
	}
	env := envelopeJSON(t, fake, id)
	sameKeys(t, "events_api envelope", keysAt(t, env), fixtureKeys(t, "pysdk_envelope_events_api_app_mention.json"))
	sameKeys(t, "events_api payload", keysAt(t, env, "payload"), fixtureKeys(t, "pysdk_envelope_events_api_app_mention.json", "payload"))
	var wire struct {
		Payload struct {
			Authorizations []json.RawMessage `json:"authorizations"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(env, &wire); err != nil || len(wire.Payload.Authorizations) != 1 {
		t.Fatalf("authorizations: %v %s", err, env)
	}
	sameKeys(t, "authorization", keysAt(t, wire.Payload.Authorizations[0]),
		shape{"enterprise_id": "null", "is_bot": "bool", "is_enterprise_install": "bool", "team_id": "string", "user_id": "string"})
}

func TestDisconnectMessageMakesClientReconnect(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	if err := fake.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := fake.SendDisconnect("refresh_requested"); err != nil {
		t.Fatal(err)
	}
	if err := fake.WaitConnected(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.Event(ctx, map[string]any{"type": "app_home_opened", "user": "U0ALICE", "tab": "home"}); err != nil {
		t.Fatal(err)
	}
	nextEvent(ctx, t, sm, socketmode.EventTypeEventsAPI)
}

func TestEnvelopeWaitsForFirstClient(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sent := make(chan error, 1)
	go func() {
		_, err := fake.GlobalShortcut(ctx, "U0ALICE", "log_session")
		sent <- err
	}()
	sm := connect(t, fake)
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	if cb := evt.Data.(slack.InteractionCallback); cb.CallbackID != "log_session" || cb.Type != slack.InteractionTypeShortcut {
		t.Errorf("callback = %+v", cb)
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	sameKeys(t, "shortcut payload", keysAt(t, evt.Request.Payload),
		fixtureKeys(t, "pysdk_envelope_interactive_shortcut.json", "payload"))
}

func TestResendRawFramesAndUnknownAcks(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)

	if err := fake.SendRaw(ctx, []byte(`{"envelope_id": broken`)); err != nil {
		t.Fatal(err)
	}
	id, err := fake.Event(ctx, map[string]any{"type": "message", "user": "U0ALICE", "text": "hi", "channel": "D0ALICE", "channel_type": "im"})
	if err != nil {
		t.Fatal(err)
	}
	first := nextEvent(ctx, t, sm, socketmode.EventTypeEventsAPI)
	if first.Request.EnvelopeID != id || first.Request.RetryAttempt != 0 {
		t.Fatalf("first delivery = %+v", first.Request)
	}
	if err := fake.Resend(ctx, id, WithRetry(1, "timeout")); err != nil {
		t.Fatal(err)
	}
	again := nextEvent(ctx, t, sm, socketmode.EventTypeEventsAPI)
	if again.Request.EnvelopeID != id || again.Request.RetryAttempt != 1 || again.Request.RetryReason != "timeout" {
		t.Errorf("redelivery = %+v", again.Request)
	}

	if err := sm.Ack(socketmode.Request{EnvelopeID: "not-ours"}); err != nil {
		t.Fatal(err)
	}
	if err := sm.Ack(*again.Request); err != nil {
		t.Fatal(err)
	}
	ack, err := fake.AwaitAck(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if ack.Payload != nil {
		t.Errorf("empty ack payload = %s", ack.Payload)
	}
	if acks := fake.Acks(); len(acks) != 2 || acks[0].EnvelopeID != "not-ours" {
		t.Errorf("acks = %+v", acks)
	}
	if _, err := fake.AwaitAck(ctx, "not-ours"); err == nil {
		t.Error("AwaitAck of an envelope never sent succeeded")
	}
}

func TestPausedPingsMakeClientReconnect(t *testing.T) {
	fake := startFake(t, WithPingInterval(20*time.Millisecond))
	ctx := deadline(t)
	connect(t, fake, socketmode.OptionPingInterval(300*time.Millisecond))
	if err := fake.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	fake.SetPingsPaused(true)
	if err := fake.WaitConnected(ctx, 2); err != nil {
		t.Fatal(err)
	}
	fake.SetPingsPaused(false)
}

func TestControlMessagesMatchFixtures(t *testing.T) {
	fake := New()
	fake.mu.Lock()
	hello := fake.controlMessageLocked("hello", "")
	bye := fake.controlMessageLocked("disconnect", "too_many_websockets")
	fake.mu.Unlock()
	sameKeys(t, "hello", keysAt(t, hello), fixtureKeys(t, "pysdk_hello.json"))
	sameKeys(t, "hello debug_info", keysAt(t, hello, "debug_info"), fixtureKeys(t, "pysdk_hello.json", "debug_info"))
	sameKeys(t, "disconnect", keysAt(t, bye), fixtureKeys(t, "pysdk_disconnect_too_many_websockets.json"))
}

// envelopeJSON is an envelope exactly as the fake sent it.
func envelopeJSON(t *testing.T, s *Server, id string) []byte {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	env := s.st.envelopes[id]
	if env == nil {
		t.Fatalf("no envelope %s", id)
	}
	b, err := json.Marshal(env.wire)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Slack waits 3 s for an ack: by then the user has seen its timeout error,
// and a later ack is ignored, payload and all.
func TestALateAckIsIgnored(t *testing.T) {
	clock := newManualClock()
	fake := startFake(t, WithClock(clock.Now))
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)

	in, err := fake.SlashCommand(ctx, "U0ALICE", "/coach", "help")
	if err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeSlashCommand)
	clock.Advance(3*time.Second + time.Millisecond)
	if err := sm.Ack(*evt.Request, map[string]string{"text": "Too late."}); err != nil {
		t.Fatal(err)
	}
	ack, err := fake.AwaitAck(ctx, in.EnvelopeID)
	if err != nil || ack.Problem != "ack_too_late" {
		t.Fatalf("late command ack = %+v, %v", ack, err)
	}
	if eph := fake.Ephemerals("D0ALICE"); len(eph) != 0 {
		t.Errorf("a late ack's text was shown: %+v", eph)
	}

	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), sessionModal("Log"))
	if err != nil {
		t.Fatal(err)
	}
	sub, err := fake.SubmitView(ctx, "U0ALICE", opened.View.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	evt = nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	clock.Advance(3*time.Second + time.Millisecond)
	_ = sm.Ack(*evt.Request)
	if ack, err := fake.AwaitAck(ctx, sub.EnvelopeID); err != nil || ack.Problem != "ack_too_late" {
		t.Fatalf("late submission ack = %+v, %v", ack, err)
	}
	if open := fake.OpenModals("U0ALICE"); len(open) != 1 || open[0] != opened.View.ID {
		t.Errorf("a late ack closed the modal: open %v", open)
	}
	if p := fake.Problems(); len(p) != 2 || p[0].Code != "ack_too_late" || p[1].Code != "ack_too_late" {
		t.Errorf("problems = %v", p)
	}

	// Within the deadline, to the millisecond, the ack counts.
	sub, err = fake.SubmitView(ctx, "U0ALICE", opened.View.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	evt = nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	clock.Advance(3 * time.Second)
	_ = sm.Ack(*evt.Request)
	if ack, err := fake.AwaitAck(ctx, sub.EnvelopeID); err != nil || ack.Problem != "" {
		t.Fatalf("ack at the deadline = %+v, %v", ack, err)
	}
	if open := fake.OpenModals("U0ALICE"); len(open) != 0 {
		t.Errorf("an ack in time left the modal open: %v", open)
	}
}

// A socket cut in the middle of a frame: slack-go's client reads a frame
// that never ends, gives up on the socket and opens another.
func TestConnectionDroppedMidFrameReconnects(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	if err := fake.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	fake.DropConnectionMidFrame()
	if err := fake.WaitConnected(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.Event(ctx, map[string]any{"type": "app_home_opened", "user": "U0ALICE", "tab": "home"}); err != nil {
		t.Fatal(err)
	}
	nextEvent(ctx, t, sm, socketmode.EventTypeEventsAPI)
}

// An envelope sent under an id the test chose arrives under it; that id
// cannot be sent again as a new envelope, as Slack never reuses one.
func TestAnEnvelopeUnderAChosenID(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	ev := map[string]any{"type": "message", "user": "U0ALICE", "text": "hi", "channel": "D0ALICE", "channel_type": "im"}
	id, err := fake.Event(ctx, ev, WithEnvelopeID("chosen-1"))
	if err != nil || id != "chosen-1" {
		t.Fatalf("Event = %q, %v; want chosen-1", id, err)
	}
	if got := nextEvent(ctx, t, sm, socketmode.EventTypeEventsAPI); got.Request.EnvelopeID != "chosen-1" {
		t.Errorf("delivered as %q, want chosen-1", got.Request.EnvelopeID)
	}
	if _, err := fake.Event(ctx, ev, WithEnvelopeID("chosen-1")); err == nil {
		t.Error("a second envelope under an id sent before was sent")
	}
}

// An ack of 20 KB or more is dropped, as Slack drops it (maxAckBytes):
// the envelope stays unacknowledged, its text is never shown, and it is a
// problem. One a byte under the limit, sent next, counts.
func TestAnAckOf20KBOrMoreIsDropped(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	_, url, err := apiClient(fake).StartSocketModeContext(ctx)
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
	in, err := fake.SlashCommand(ctx, "U0ALICE", "/coach", "help")
	if err != nil {
		t.Fatal(err)
	}
	// frame is an ack of the command whose JSON weighs exactly size bytes.
	// Its text is short (a message's text has its own limit): a field
	// Slack does not read pads it.
	frame := func(size int) []byte {
		empty := fmt.Sprintf(`{"envelope_id":%q,"payload":{"text":"Hi.","pad":""}}`, in.EnvelopeID)
		return []byte(fmt.Sprintf(`{"envelope_id":%q,"payload":{"text":"Hi.","pad":%q}}`, in.EnvelopeID, strings.Repeat("x", size-len(empty))))
	}
	for _, c := range []struct {
		size     int
		problems int
		acked    bool
	}{
		{maxAckBytes, 1, false},
		{maxAckBytes - 1, 1, true},
	} {
		if err := ws.WriteMessage(websocket.TextMessage, frame(c.size)); err != nil {
			t.Fatal(err)
		}
		want := func() bool { return len(fake.Problems()) == c.problems && (len(fake.Acks()) == 1) == c.acked }
		for !want() && ctx.Err() == nil {
			time.Sleep(time.Millisecond) // the fake's own goroutine reads the frame
		}
		if !want() {
			t.Fatalf("after an ack of %d bytes: problems %v, acks %d; want %d problems, acked %v",
				c.size, fake.Problems(), len(fake.Acks()), c.problems, c.acked)
		}
	}
	if p := fake.Problems()[0]; p.Where != "ack" || p.Code != "ack_too_large" {
		t.Errorf("problem = %v, want ack: ack_too_large", p)
	}
	if lost := fake.LostAcks(); len(lost) != 1 || lost[0].Problem != "ack_too_large" {
		t.Errorf("lost acks = %+v, want the large one", lost)
	}
	if eph := fake.Ephemerals("D0ALICE"); len(eph) != 1 {
		t.Errorf("%d ephemeral answers: want only the small ack's text shown", len(eph))
	}
}

// A slash command's ack whose text is past 4,000 characters is refused
// as a chat.* post would be (maxMessageTextRunes), and shows nothing.
func TestACommandAckPast4000CharactersIsTooLong(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	in, err := fake.SlashCommand(ctx, "U0ALICE", "/coach", "help")
	if err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeSlashCommand)
	if err := sm.Ack(*evt.Request, map[string]string{"text": strings.Repeat("é", maxMessageTextRunes+1)}); err != nil {
		t.Fatal(err)
	}
	if ack, err := fake.AwaitAck(ctx, in.EnvelopeID); err != nil || ack.Problem != "msg_too_long" {
		t.Fatalf("ack = %+v, %v; want the problem msg_too_long", ack, err)
	}
	if eph := fake.Ephemerals("D0ALICE"); len(eph) != 0 {
		t.Errorf("a refused ack's text was shown: %d messages", len(eph))
	}
}
