package coaching

import (
	"errors"
	"fmt"
)

// Error codes a caller can act on.
const (
	ENotFound  = "not_found"
	EForbidden = "forbidden"
	EStale     = "stale"
	EInvalid   = "invalid"
	EBusy      = "busy"
	// EAnswered: a command was acted on already (by another replica, or
	// an earlier pass) and has its answer: nothing more is done.
	EAnswered = "answered"
	// ERated: a rating offered as the first (RepAction.Unrated) found
	// one given meanwhile, which stands.
	ERated = "rated"
)

// BusyMessage is what people are told, wherever they are, when Coachlog
// gave up waiting for its database (an EBusy error's message): one line
// for a write, a read and a form that could not open alike.
const BusyMessage = "Coachlog is busy right now; please try again in a moment."

// Error is a domain error: a machine code and a message fit for users.
// Anything that is not an *Error is shown as an internal error and logged.
// The message is plain text; the one markup it may hold is a user mention
// by id (<@U123>), which the Slack edge shows as a name.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns a domain error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of a domain error in err's chain, or "".
func ErrorCode(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return ""
}

// ErrorMessage returns the user-facing message of err: the domain message,
// or a generic one for anything else.
func ErrorMessage(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return "Something went wrong on our side; it has been logged. Please try again."
}
