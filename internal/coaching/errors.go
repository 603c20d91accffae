package coaching

import (
	"errors"
	"fmt"
	"time"
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

// ErrStoreGone is in the chain of a write refused because the store's
// database is no longer where the next start will look for it (its file
// deleted or replaced under the running bot): no retry can mend it, and
// what would be written is lost either way.
var ErrStoreGone = errors.New("the database is gone from where Coachlog opened it")

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

// RateLimited says Slack asked Coachlog to slow down: a read (users.info)
// was refused with a 429, or not made because the method is held by an
// earlier 429's Retry-After or has no slot under its tier within the
// caller's budget. Nothing is wrong with what was asked; it can be asked
// again from Until on (zero: not known). A Directory returns it, wrapping
// Slack's own error if any; a save that could not check the people it
// names for it returns it wrapping what the person is told meanwhile (a
// field error, or a "try again"), so a caller that can wait (a quick
// capture, acknowledged already) waits and tries again, and one that
// can't (a form's submission) shows that message and loses nothing.
type RateLimited struct {
	Until time.Time
	Err   error // what it wraps; nil: a read not made
}

func (e *RateLimited) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return "Slack asked to slow down: no call before " + e.Until.UTC().Format(time.RFC3339Nano)
}

func (e *RateLimited) Unwrap() error { return e.Err }

// RateLimitedUntil reports whether err is Slack asking to slow down, and
// from when to ask again.
func RateLimitedUntil(err error) (time.Time, bool) {
	if rl, ok := errors.AsType[*RateLimited](err); ok {
		return rl.Until, true
	}
	return time.Time{}, false
}
