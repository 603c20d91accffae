package fakeslack

import (
	"context"
	"log/slog"
	"time"
)

// Slack's retries of an events_api envelope nobody acknowledged.
//
// Slack documents, for the Events API
// (https://docs.slack.dev/apis/events-api/, "Retries"; formerly
// https://api.slack.com/apis/connections/events-api), that a failed
// delivery is retried three times: almost immediately, then after one
// minute, then after five minutes, each retry numbered (x-slack-retry-num
// 1 to 3 over HTTP) and given a reason. In Socket Mode
// (https://api.slack.com/apis/connections/socket-implement) an envelope
// not acknowledged within 3 seconds has failed, and the retry comes as the
// same events_api envelope with "retry_attempt" counting 1 to 3 and
// "retry_reason": "timeout"; the first delivery carries 0 and "" (see
// testdata's pysdk_envelope_events_api_*.json, and Slack's own SDKs' mock
// Socket Mode servers: python-slack-sdk's tests and node-slack-sdk's
// socket-mode tests send "retry_reason": "timeout").
//
// The fake counts each delay from the moment the delivery before it failed
// (its ack deadline passed), on its own clock (WithClock): a test moves
// the clock five minutes rather than waiting, and the late retry that
// comes after newer events were handled is exercised.
var eventRetryDelays = [...]time.Duration{0, time.Minute, 5 * time.Minute}

// maxEventRetries is how often Slack retries an unacked events_api envelope.
const maxEventRetries = len(eventRetryDelays)

// retryPoll bounds how long the fake goes without looking at its clock
// while a retry is pending. The clock is a function a test moves without
// telling anyone, so the fake looks again at least this often; a retry
// then comes at most this long (of real time) after the clock passed it.
const retryPoll = 50 * time.Millisecond

// armRetry schedules the next retry of an events_api envelope just sent,
// if it is not acknowledged in time and Slack has retries left for it. A
// test's Resend re-arms it: the deadline runs from the latest send.
func (s *Server) armRetry(env *envelope) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if env.wire.Type != "events_api" || env.firstAck > 0 || env.retried >= maxEventRetries || len(env.sends) == 0 {
		return
	}
	env.retryDue = env.sends[len(env.sends)-1].Add(slackAckDeadline + eventRetryDelays[env.retried])
	s.st.unacked[env.wire.EnvelopeID] = env
	s.notifyLocked() // the retry loop's next wake-up may be sooner now
}

// retryLoop sends each retry when it falls due on the fake's clock, until
// the server closes.
func (s *Server) retryLoop() {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		now := s.now()
		var wait time.Duration = -1 // nothing pending: wait for news only
		for id, env := range s.st.unacked {
			switch {
			case env.firstAck > 0:
				delete(s.st.unacked, id)
			case !now.Before(env.retryDue):
				delete(s.st.unacked, id)
				s.retryLocked(env)
			case wait < 0 || env.retryDue.Sub(now) < wait:
				wait = env.retryDue.Sub(now)
			}
		}
		if wait >= 0 {
			wait = min(wait, retryPoll)
		}
		ch := s.changed
		s.mu.Unlock()

		var t *time.Timer
		var tick <-chan time.Time
		if wait >= 0 {
			t = time.NewTimer(wait)
			tick = t.C
		}
		select {
		case <-ch:
		case <-tick:
		case <-s.done:
		}
		if t != nil {
			t.Stop()
		}
		select {
		case <-s.done:
			return
		default:
		}
	}
}

// retryLocked marks env as Slack's next retry and delivers it in a
// goroutine of its own, so one retry waiting for a socket holds up no
// other. Callers hold s.mu.
func (s *Server) retryLocked(env *envelope) {
	if s.closing {
		return
	}
	env.retried++
	attempt, reason := env.retried, "timeout"
	env.wire.RetryAttempt, env.wire.RetryReason = &attempt, &reason
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.deliver(ctx, env); err != nil {
			s.log.Warn("retry of an unacked envelope failed", slog.String("envelope_id", env.wire.EnvelopeID),
				slog.String("error", err.Error()))
		}
	}()
}
