package slackbot

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
)

// A response_url is a bearer secret: for 30 minutes anyone holding it can
// post as the app to the person who acted. Go's *url.Error prints the
// whole URL ("Post \"https://hooks.slack.com/…\": EOF"), and such errors
// reach logs and the outbox's last_error. Every error about a post to a
// response_url goes through redactResponseURL first.

// redactedError is an error with a response_url taken out of its text.
type redactedError struct {
	msg   string
	cause error // what classification may look at; nil when it would show the URL
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.cause }

// redactResponseURL rewrites err, from posting to responseURL, as
// "post to response_url <redacted>: <cause>", keeping what went wrong (the
// transport's cause, or Slack's status) and dropping the URL.
func redactResponseURL(err error, responseURL string) error {
	if err == nil {
		return nil
	}
	if ue, ok := errors.AsType[*url.Error](err); ok {
		cause, clean := scrubURL(ue.Err.Error(), responseURL)
		e := &redactedError{msg: "post to response_url <redacted>: " + cause}
		if clean {
			e.cause = ue.Err // a timeout or a refused connection: the outbox retries
		}
		return e
	}
	msg, clean := scrubURL(err.Error(), responseURL)
	e := &redactedError{msg: "post to response_url <redacted>: " + msg}
	if clean {
		e.cause = err // Slack's status (404 used_url...) decides what the outbox does
	}
	return e
}

// scrubURL removes the URL, and its path and query on their own, from s;
// clean says s held none of them.
func scrubURL(s, raw string) (string, bool) {
	parts := []string{raw}
	if u, err := url.Parse(raw); err == nil {
		for _, p := range []string{u.String(), u.EscapedPath(), u.Path, u.RawQuery} {
			if len(p) > 1 {
				parts = append(parts, p)
			}
		}
	}
	out := s
	for _, p := range parts {
		if p != "" {
			out = strings.ReplaceAll(out, p, "<redacted>")
		}
	}
	return out, out == s
}

// An upload URL (files.getUploadURLExternal) is a secret too: whoever
// holds it can put a file in. redactUpload takes it out of an upload's
// error: a transport error's (*url.Error), keeping the cause for
// classification, and any other's text, such as slack-go's refusal to
// send the token to an upload URL on a host it does not trust ("refusing
// to send the token to \"https://…\""), which quotes it whole.
func redactUpload(err error) error {
	if err == nil {
		return nil
	}
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return &redactedError{msg: ue.Op + " <redacted>: " + ue.Err.Error(), cause: ue.Err}
	}
	msg := anyURL.ReplaceAllString(err.Error(), "<redacted>")
	if msg == err.Error() {
		return err
	}
	return &redactedError{msg: msg}
}

// anyURL matches an http(s) URL in an error's text, up to a space or a quote.
var anyURL = regexp.MustCompile(`(?i)https?://[^\s"']+`)
