package fakeslack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
)

// Ack is a client's acknowledgement of an envelope.
type Ack struct {
	EnvelopeID string
	// Payload is the ack's payload as sent, nil when the ack carried none.
	Payload json.RawMessage
	// SentAt is when the fake last wrote the envelope before this ack
	// arrived; zero for acks of envelopes the fake never sent.
	SentAt     time.Time
	ReceivedAt time.Time
}

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
	accepts       *bool
	enterpriseStr bool
	channelID     string
	channelName   string
	buttonValue   *string
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
// acked in 3 seconds.
func WithRetry(attempt int, reason string) EnvelopeOption {
	return func(c *envelopeConfig) { c.retryAttempt, c.retryReason = &attempt, reason }
}

// WithAcceptsResponsePayload overrides accepts_response_payload, which the
// fake otherwise sets as Slack does: true for slash_commands and
// view_submission, false for everything else.
func WithAcceptsResponsePayload(b bool) EnvelopeOption {
	return func(c *envelopeConfig) { c.accepts = &b }
}

// EnterpriseInstallAsString makes a builder send is_enterprise_install as
// the string "false", as Slack sometimes does for org-ready apps.
func EnterpriseInstallAsString() EnvelopeOption {
	return func(c *envelopeConfig) { c.enterpriseStr = true }
}

// InChannel sets the channel a slash command or shortcut is used in; the
// default is the user's DM with the bot.
func InChannel(id, name string) EnvelopeOption {
	return func(c *envelopeConfig) { c.channelID, c.channelName = id, name }
}

// ButtonValue makes ClickButton and ClickResponseButton pick, among buttons
// sharing an action_id, the one with this value.
func ButtonValue(v string) EnvelopeOption {
	return func(c *envelopeConfig) { c.buttonValue = &v }
}

// Send delivers an envelope of type typ ("events_api", "slash_commands",
// "interactive") carrying payload (any JSON-marshalable value) to the newest
// connected client, waiting for one to connect if none is. It returns the
// envelope_id.
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
	env.wire = wireEnvelope{
		EnvelopeID: newUUID(),
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
	raw, err := json.Marshal(env.wire)
	if err != nil {
		return fmt.Errorf("marshal envelope: %w", err)
	}
	for {
		var c *wsConn
		what := fmt.Sprintf("deliver %s envelope %s", env.wire.Type, env.wire.EnvelopeID)
		if err := s.waitFor(ctx, what, func() bool { c = s.pickConnLocked(); return c != nil }); err != nil {
			return err
		}
		// Record the send (and start trigger clocks) before writing, so an
		// ack can never be seen before its envelope's send time.
		s.mu.Lock()
		now := s.now()
		env.sends = append(env.sends, now)
		for _, id := range env.triggers {
			if t := s.st.triggers[id]; t != nil && !t.used {
				t.issued = now
			}
		}
		s.mu.Unlock()
		err := s.writeText(c, raw)
		if err == nil {
			return nil
		}
		s.mu.Lock()
		env.sends = env.sends[:len(env.sends)-1]
		c.draining = true
		s.mu.Unlock()
		s.log.Warn("envelope write failed; trying the next socket",
			slog.String("envelope_id", env.wire.EnvelopeID), slog.String("error", err.Error()))
		c.ws.Close()
	}
}

// SendRaw writes b as one text frame to the newest client, as is, to test
// how the client copes with malformed frames.
func (s *Server) SendRaw(ctx context.Context, b []byte) error {
	for {
		var c *wsConn
		if err := s.waitFor(ctx, "send raw frame", func() bool { c = s.pickConnLocked(); return c != nil }); err != nil {
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
// does when it redelivers. Options (WithRetry) change the retry fields.
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
	_, known := s.st.envelopes[envelopeID]
	s.mu.Unlock()
	if !known {
		return Ack{}, fmt.Errorf("await ack of %s: envelope never sent", envelopeID)
	}
	var got Ack
	err := s.waitFor(ctx, "await ack of "+envelopeID, func() bool {
		for _, a := range s.st.acks {
			if a.EnvelopeID == envelopeID {
				got = a
				return true
			}
		}
		return false
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

// handleAck records a frame from the client.
func (s *Server) handleAck(data []byte) {
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
	a := Ack{EnvelopeID: in.EnvelopeID, Payload: in.Payload, ReceivedAt: s.now()}
	env := s.st.envelopes[in.EnvelopeID]
	if env == nil {
		s.log.Warn("ack for an unknown envelope", slog.String("envelope_id", in.EnvelopeID))
	} else {
		for _, t := range env.sends {
			if !t.After(a.ReceivedAt) {
				a.SentAt = t
			}
		}
		first := true
		for _, prev := range s.st.acks {
			if prev.EnvelopeID == in.EnvelopeID {
				first = false
			}
		}
		switch {
		case !first:
		case env.kind == "view_submission":
			s.applySubmissionAckLocked(env.viewID, in.Payload)
		case env.wire.Type == "slash_commands" && in.Payload != nil:
			s.applyCommandAckLocked(env.respURL, in.Payload)
		}
	}
	s.st.acks = append(s.st.acks, a)
	s.notifyLocked()
}
