package fakeslack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"time"
)

// Ack is a client's acknowledgement of an envelope.
type Ack struct {
	EnvelopeID string
	// Conn is the socket the ack came on.
	Conn ConnID
	// Payload is the ack's payload as sent, nil when the ack carried none.
	Payload json.RawMessage
	// SentAt is when the fake last wrote the envelope before this ack
	// arrived; zero for acks of envelopes the fake never sent.
	SentAt     time.Time
	ReceivedAt time.Time
	// Problem is set when Slack could not use the ack's payload (see
	// Problem): "invalid_errors" for errors not keyed by the view's input
	// block_ids, Slack's code for an invalid view or message in it,
	// "push_limit_reached" for a push onto a stack of three views,
	// "ack_too_late" for a slash command or interaction acked after
	// Slack's 3 s deadline (Slack ignores it), or "ack_too_large" for a
	// frame of maxAckBytes or more (Slack drops it: see LostAcks).
	Problem string
}

// ConnID numbers a socket by the order sockets connected, from 1 (as in
// DeliveredOn).
type ConnID int

func (c ConnID) String() string { return "socket " + strconv.Itoa(int(c)) }

// Latency is how long the client took to ack.
func (a Ack) Latency() time.Duration { return a.ReceivedAt.Sub(a.SentAt) }

// envelope is a sent envelope, kept for Resend and AwaitAck.
type envelope struct {
	wire     wireEnvelope
	sends    []time.Time
	kind     string // the payload's "type" for interactive envelopes
	viewID   string // the submitted view, for view_submission
	respURL  string // the response_url id, for slash_commands
	triggers []string
	conns    []int // the socket each send went to, by conn id
	retried  int   // timeout retries the fake made itself
	firstAck int   // 1 + the index in st.acks of its first ack; 0: none yet
	// retryDue is when the fake retries it unless an ack comes first (see
	// armRetry); it is in st.unacked meanwhile.
	retryDue time.Time
	loseAcks bool // see LoseAcks
}

// wireEnvelope is the envelope as it travels, fields in Slack's order.
type wireEnvelope struct {
	EnvelopeID             string          `json:"envelope_id"`
	Payload                json.RawMessage `json:"payload"`
	Type                   string          `json:"type"`
	AcceptsResponsePayload bool            `json:"accepts_response_payload"`
	RetryAttempt           *int            `json:"retry_attempt,omitempty"`
	RetryReason            *string         `json:"retry_reason,omitempty"`
}

// EnvelopeOption adjusts an envelope or the payload a builder makes.
type EnvelopeOption func(*envelopeConfig)

type envelopeConfig struct {
	retryAttempt  *int
	retryReason   string
	loseAcks      bool
	accepts       *bool
	enterpriseStr bool
	channelID     string
	channelName   string
	buttonValue   *string
	option        *string // see PickOption
	message       map[string]any
	messageState  map[string]map[string]any // see MessageState
	view          map[string]any            // see ViewFields
	forged        map[string]map[string]any // see Forged
	envelopeID    string                    // see WithEnvelopeID
}

func newEnvelopeConfig(opts []EnvelopeOption) envelopeConfig {
	var c envelopeConfig
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithRetry marks a delivery as Slack's retry number attempt for reason
// (for example "timeout"), as Slack does when an events_api envelope is not
// acked in 3 seconds (see eventRetryDelays).
func WithRetry(attempt int, reason string) EnvelopeOption {
	return func(c *envelopeConfig) { c.retryAttempt, c.retryReason = &attempt, reason }
}

// LoseAcks makes every ack of the envelope get lost on its way to Slack,
// as when the socket it was written to dies before Slack reads it: the app
// has answered and acted, yet Slack, never told, retries an events_api
// envelope on its schedule (eventRetryDelays) and gives a command or an
// interaction up. LostAcks lists the lost acks, so a test can tell the
// app answered; Acks, AwaitAck and OnAck never see them.
func LoseAcks() EnvelopeOption {
	return func(c *envelopeConfig) { c.loseAcks = true }
}

// WithAcceptsResponsePayload overrides accepts_response_payload, which the
// fake otherwise sets as Slack does: true for slash_commands and
// view_submission, false for everything else.
func WithAcceptsResponsePayload(b bool) EnvelopeOption {
	return func(c *envelopeConfig) { c.accepts = &b }
}

// EnterpriseInstallAsString makes a builder send is_enterprise_install as
// the string "false", as Slack sometimes does for org-ready apps. Slash
// commands always send it so (see SlashCommand); this is for the
// interactive payloads, which otherwise carry a boolean.
func EnterpriseInstallAsString() EnvelopeOption {
	return func(c *envelopeConfig) { c.enterpriseStr = true }
}

// InChannel sets the channel a slash command or shortcut is used in; the
// default is the user's DM with the bot.
func InChannel(id, name string) EnvelopeOption {
	return func(c *envelopeConfig) { c.channelID, c.channelName = id, name }
}

// MessageFields sets fields of the message object a message shortcut
// carries, over the plain user message MessageShortcut builds; a nil value
// removes the field. Use Slack's shapes: "thread_ts" and "parent_user_id"
// for a reply in a thread, "files" for a message with attachments, "blocks"
// for one an app posted, "bot_id" and "subtype" for a bot's.
func MessageFields(fields map[string]any) EnvelopeOption {
	return func(c *envelopeConfig) {
		if c.message == nil {
			c.message = map[string]any{}
		}
		for k, v := range fields {
			c.message[k] = v
		}
	}
}

// ViewFields sets fields of the view object a SubmitView payload carries,
// over the view as the fake holds it; a nil value removes the field. It
// changes only what the app is sent, never the view itself: the ack is
// judged against the view as it is (its input blocks for errors). It is
// for a payload the app cannot read, say "blocks" that are not a list.
func ViewFields(fields map[string]any) EnvelopeOption {
	return func(c *envelopeConfig) {
		if c.view == nil {
			c.view = map[string]any{}
		}
		for k, v := range fields {
			c.view[k] = v
		}
	}
}

// Forged makes SubmitView send values (block_id -> action_id -> a
// TextValue, OptionValue...) in the submission's state as given, over what
// the user typed and picked, without the checks SubmitView makes: an
// option the form does not offer, text past an input's max_length, a
// number out of its bounds, a value of another element's shape, an id no
// user picker offers, a required input left empty (only in the blocks
// Forged gives values for). Slack's client never sends such a submission;
// it is for a test of the app's own checks against a crafted payload. The
// view keeps what the user typed, as a crafted payload changes nothing in
// Slack's view. Forged(nil) crafts nothing.
func Forged(values map[string]map[string]any) EnvelopeOption {
	return func(c *envelopeConfig) { c.forged = values }
}

// ButtonValue makes ClickButton and ClickResponseButton pick, among buttons
// sharing an action_id, the one with this value.
func ButtonValue(v string) EnvelopeOption {
	return func(c *envelopeConfig) { c.buttonValue = &v }
}

// PickOption makes ClickButton, ClickResponseButton and ClickStale choose,
// in the menu with their action_id (a static_select or overflow, say),
// the option with this value, instead of pressing a button: the
// block_actions Slack sends when an item of a menu is chosen, the option
// in the action's selected_option and, for a select, in the state.
func PickOption(v string) EnvelopeOption {
	return func(c *envelopeConfig) { c.option = &v }
}

// WithEnvelopeID sends the envelope under id, a fresh id the test chose
// (Slack's are UUIDs, never reused), so that a test can set up what the
// app's database would hold about the envelope before it arrives: a claim
// of it by a replica that died, say. An id sent before is refused; Resend
// is how an envelope comes again.
func WithEnvelopeID(id string) EnvelopeOption {
	return func(c *envelopeConfig) { c.envelopeID = id }
}

// Send delivers an envelope of type typ ("events_api", "slash_commands",
// "interactive") carrying payload (any JSON-marshalable value) to one of the
// connected clients, round-robin as Slack spreads envelopes over an app's
// sockets, waiting for one to connect if none is. It returns the
// envelope_id. An events_api envelope not acked in time comes again, on
// Slack's schedule (see eventRetryDelays).
func (s *Server) Send(ctx context.Context, typ string, payload any, opts ...EnvelopeOption) (string, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("marshal %s payload: %w", typ, err)
	}
	return s.sendEnvelope(ctx, typ, raw, &envelope{}, newEnvelopeConfig(opts))
}

func (s *Server) sendEnvelope(ctx context.Context, typ string, payload []byte, env *envelope, cfg envelopeConfig) (string, error) {
	var head struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(payload, &head) // payloads without a type are fine
	env.kind = head.Type
	id := newUUID()
	if cfg.envelopeID != "" {
		id = cfg.envelopeID
		s.mu.Lock()
		_, sent := s.st.envelopes[id]
		s.mu.Unlock()
		if sent {
			return "", fmt.Errorf("send %s envelope: envelope id %s was sent before (Resend sends it again)", typ, id)
		}
	}
	env.loseAcks = cfg.loseAcks
	env.wire = wireEnvelope{
		EnvelopeID: id,
		Payload:    payload,
		Type:       typ,
		AcceptsResponsePayload: typ == "slash_commands" ||
			(typ == "interactive" && head.Type == "view_submission"),
	}
	if typ == "events_api" {
		// Slack always sends these two on events_api envelopes.
		zero, empty := 0, ""
		env.wire.RetryAttempt, env.wire.RetryReason = &zero, &empty
	}
	applyWireOptions(&env.wire, cfg)
	s.mu.Lock()
	s.st.envelopes[env.wire.EnvelopeID] = env
	s.mu.Unlock()
	if err := s.deliver(ctx, env); err != nil {
		return env.wire.EnvelopeID, err
	}
	return env.wire.EnvelopeID, nil
}

func applyWireOptions(w *wireEnvelope, cfg envelopeConfig) {
	if cfg.accepts != nil {
		w.AcceptsResponsePayload = *cfg.accepts
	}
	if cfg.retryAttempt != nil {
		reason := cfg.retryReason
		w.RetryAttempt, w.RetryReason = cfg.retryAttempt, &reason
	}
}

// deliver writes env to a client, waiting for one; a socket that fails the
// write is dropped and the next one tried, as Slack redelivers.
func (s *Server) deliver(ctx context.Context, env *envelope) error {
	s.mu.Lock()
	raw, err := json.Marshal(env.wire)
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("marshal envelope: %w", err)
	}
	for {
		var c *wsConn
		what := fmt.Sprintf("deliver %s envelope %s", env.wire.Type, env.wire.EnvelopeID)
		avoid := 0
		s.mu.Lock()
		if n := len(env.conns); n > 0 {
			avoid = env.conns[n-1]
		}
		s.mu.Unlock()
		if err := s.waitFor(ctx, what, func() bool { c = s.pickConnLocked(avoid); return c != nil }); err != nil {
			return err
		}
		// Record the send (and start trigger clocks) before writing, so an
		// ack can never be seen before its envelope's send time.
		s.mu.Lock()
		now := s.now()
		env.sends = append(env.sends, now)
		env.conns = append(env.conns, c.id)
		// A trigger's 3 seconds run from the user's action, which the first
		// send stands for: a redelivery (Resend) carries the same
		// trigger_id, as old as the action, so it must not get 3 more.
		if len(env.sends) == 1 {
			for _, id := range env.triggers {
				if t := s.st.triggers[id]; t != nil && !t.used {
					t.issued = now
				}
			}
		}
		s.notifyLocked() // a send is news to waitFor (DeliveredOn's state)
		s.mu.Unlock()
		err := s.writeText(c, raw)
		if err == nil {
			s.armRetry(env)
			return nil
		}
		s.mu.Lock()
		env.sends = env.sends[:len(env.sends)-1]
		env.conns = env.conns[:len(env.conns)-1]
		c.draining = true
		s.mu.Unlock()
		s.log.Warn("envelope write failed; trying the next socket",
			slog.String("envelope_id", env.wire.EnvelopeID), slog.String("error", err.Error()))
		c.ws.Close()
	}
}

// slackAckDeadline is how long Slack waits for the ack of an envelope it
// sent: a later ack is ignored.
const slackAckDeadline = 3 * time.Second

// DeliveredOn lists the sockets (by the order they connected, from 1) an
// envelope was written to, one per delivery.
func (s *Server) DeliveredOn(envelopeID string) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if env := s.st.envelopes[envelopeID]; env != nil {
		return append([]int(nil), env.conns...)
	}
	return nil
}

// SendRaw writes b as one text frame to the newest client, as is, to test
// how the client copes with malformed frames.
func (s *Server) SendRaw(ctx context.Context, b []byte) error {
	for {
		var c *wsConn
		if err := s.waitFor(ctx, "send raw frame", func() bool { c = s.pickConnLocked(0); return c != nil }); err != nil {
			return err
		}
		if err := s.writeText(c, b); err != nil {
			s.mu.Lock()
			c.draining = true
			s.mu.Unlock()
			c.ws.Close()
			continue
		}
		return nil
	}
}

// Resend delivers a sent envelope again, with the same envelope_id, as Slack
// does when it redelivers, on another socket than the last when there is one. Options (WithRetry) change the retry fields.
func (s *Server) Resend(ctx context.Context, envelopeID string, opts ...EnvelopeOption) error {
	s.mu.Lock()
	env := s.st.envelopes[envelopeID]
	if env != nil {
		applyWireOptions(&env.wire, newEnvelopeConfig(opts))
	}
	s.mu.Unlock()
	if env == nil {
		return fmt.Errorf("resend envelope %s: never sent", envelopeID)
	}
	return s.deliver(ctx, env)
}

// AwaitAck waits for the first ack of envelopeID.
func (s *Server) AwaitAck(ctx context.Context, envelopeID string) (Ack, error) {
	s.mu.Lock()
	env := s.st.envelopes[envelopeID]
	s.mu.Unlock()
	if env == nil {
		return Ack{}, fmt.Errorf("await ack of %s: envelope never sent", envelopeID)
	}
	var got Ack
	err := s.waitFor(ctx, "await ack of "+envelopeID, func() bool {
		if env.firstAck == 0 {
			return false
		}
		got = s.st.acks[env.firstAck-1]
		return true
	})
	return got, err
}

// Acks returns every ack received, in order, including acks of envelopes
// the fake never sent (which it tolerates, as Slack does).
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ack(nil), s.st.acks...)
}

// LostAcks returns the acks lost on their way to Slack (LoseAcks) and
// those Slack dropped for their size (maxAckBytes), in order.
func (s *Server) LostAcks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ack(nil), s.st.lostAcks...)
}

// maxAckBytes is the size from which Slack drops a frame the app sends on
// its socket: an ack of 20 KB or more "on the wire" is "silently dropped
// by Slack — the WebSocket write succeeds but Slack ignores the payload",
// as slack-go v0.35 found against Slack and Slack's own Node SDK
// (socketmode.maxResponseSize, github.com/slack-go/slack
// socketmode/socketmode.go; SLACK-NOTES.md, Deadlines and retries).
// slack-go refuses to send such an ack, so a bot on it never reaches the
// fake with one: its envelope simply goes unacknowledged, and the test
// sees that. The fake drops one all the same, for a client that sends it.
const maxAckBytes = 20 * 1024

// handleAck records a frame from the client.
func (s *Server) handleAck(conn int, data []byte) {
	var in struct {
		EnvelopeID string          `json:"envelope_id"`
		Payload    json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(data, &in); err != nil || in.EnvelopeID == "" {
		s.log.Warn("ignoring a frame that is not an ack", slog.Int("bytes", len(data)))
		return
	}
	if p := bytes.TrimSpace(in.Payload); len(p) == 0 || bytes.Equal(p, []byte("null")) {
		in.Payload = nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := Ack{EnvelopeID: in.EnvelopeID, Conn: ConnID(conn), Payload: in.Payload, ReceivedAt: s.now()}
	env := s.st.envelopes[in.EnvelopeID]
	if env == nil {
		s.log.Warn("ack for an unknown envelope", slog.String("envelope_id", in.EnvelopeID))
	} else {
		for _, t := range env.sends {
			if !t.After(a.ReceivedAt) {
				a.SentAt = t
			}
		}
		if len(data) >= maxAckBytes {
			// Slack drops the frame: to it the envelope was never
			// acknowledged (an event comes again, a command or an
			// interaction fails for the user), so it is kept with the
			// lost acks, and is a problem of the app's.
			a.Problem = "ack_too_large"
			s.recordProblemLocked("ack", a.Problem, []string{fmt.Sprintf("%s envelope %s acknowledged in a frame of %d bytes: Socket Mode drops one of %d or more",
				env.wire.Type, env.wire.EnvelopeID, len(data), maxAckBytes)})
			s.st.lostAcks = append(s.st.lostAcks, a)
			s.notifyLocked()
			return
		}
		if env.loseAcks {
			s.st.lostAcks = append(s.st.lostAcks, a)
			s.notifyLocked()
			return
		}
		first := env.firstAck == 0
		if first {
			env.firstAck = len(s.st.acks) + 1
		}
		switch {
		case !first:
		case env.wire.Type != "events_api" && a.Latency() > slackAckDeadline:
			// Slack has already shown the user its timeout error (a
			// failed command, a modal that stays open with "We had some
			// trouble connecting"); the ack and its payload are ignored.
			// Events are retried instead (retryLoop).
			a.Problem = "ack_too_late"
			s.recordProblemLocked("ack", a.Problem, []string{fmt.Sprintf("%s envelope %s acknowledged after Slack's %s deadline",
				env.wire.Type, env.wire.EnvelopeID, slackAckDeadline)})
		case env.kind == "view_submission":
			a.Problem = s.applySubmissionAckLocked(env.viewID, in.Payload)
		case env.wire.Type == "slash_commands" && in.Payload != nil:
			a.Problem = s.applyCommandAckLocked(env.respURL, in.Payload)
		}
	}
	s.st.acks = append(s.st.acks, a)
	if s.st.ackHook != nil {
		s.st.ackHook(a)
	}
	s.notifyLocked()
}

// OnAck makes fn see each ack the moment it arrives, before anything else
// happens, which is where a test kills the process that sent it. fn runs
// with the fake's state locked: it must not call the Server. nil removes it.
func (s *Server) OnAck(fn func(Ack)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.ackHook = fn
}
