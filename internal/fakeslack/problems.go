package fakeslack

import (
	"log/slog"
	"strings"
	"time"
)

// Problem is something the app did that real Slack refuses, or answers
// with a generic error the user sees: malformed blocks or views, a method
// its scopes do not allow, a view_submission ack Slack cannot use. Faults
// injected with FailNext are never problems. End-to-end tests assert there
// are none, so a defect that only real Slack would show fails the suite.
type Problem struct {
	Time time.Time
	// Where is the Web API method, MethodResponseURL, or "ack" for an
	// envelope's acknowledgement.
	Where string
	// Code is Slack's error code (invalid_blocks, missing_scope...), or for
	// an ack the fake's name for what Slack rejects (invalid_errors).
	Code string
	// Messages are Slack's details, "[ERROR] ... [json-pointer:...]".
	Messages []string
}

func (p Problem) String() string {
	s := p.Where + ": " + p.Code
	if len(p.Messages) > 0 {
		s += " (" + strings.Join(p.Messages, "; ") + ")"
	}
	return s
}

// appFaults are the answers that mean the request itself was wrong: Slack
// gives them whatever the workspace's state, so the app must never cause
// them.
var appFaults = map[string]bool{
	"invalid_blocks": true, "invalid_blocks_format": true, "msg_blocks_too_long": true, "msg_too_long": true,
	"invalid_arguments": true, "missing_scope": true, "invalid_json": true, "invalid_form_data": true,
	"missing_argument": true, "alt_txt_too_large": true, "channels_limit_exceeded": true,
	// a thread_ts that is not a ts at all
	"invalid_thread_ts": true,
	// users.list asked for everything at once on a directory too big for it
	"limit_required": true,
	// completing a file never uploaded, or completed before
	"file_not_found": true,
	// a view over 250kb (maxViewBytes)
	"view_too_large": true,
}

// recordProblemLocked keeps a problem; callers hold s.mu.
func (s *Server) recordProblemLocked(where, code string, messages []string) {
	s.st.problems = append(s.st.problems, Problem{Time: s.now(), Where: where, Code: code, Messages: messages})
	s.log.Warn("real Slack would refuse this", slog.String("where", where), slog.String("error", code))
}

// Problems returns every problem seen so far, in order.
func (s *Server) Problems() []Problem {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Problem(nil), s.st.problems...)
}
