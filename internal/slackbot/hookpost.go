package slackbot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/slack-go/slack"
)

// slack-go's PostWebhookCustomHTTPContext looks only at the HTTP status
// and throws Slack's answer away. Slack refuses a response_url post with a
// 4xx and the code as the whole body (400 no_text, 400 invalid_blocks: see
// gitlab.com/gitlab-org/gitlab/-/issues/332611 and
// slackapi/java-slack-sdk#1017), and takes one with 200 and the body "ok"
// (johnagan/serverless-slack#6, pyslackers/slack-sansio#42). Clients that
// have run against Slack for years also read a 200's body as JSON and
// check its ok field: Sentry's Slack client ("If Slack gives us back a 200
// we still want to check the 'ok' param",
// getsentry/sentry src/sentry/integrations/slack/client.py), whose
// response_url posts fail on {"ok":false,"error":"Expired url"}. A refusal
// in that shape, counted as delivered, would leave the person with nothing
// and the outbox with no reason to retry or fall back; postHook reads it.

// hookAnswerLimit bounds how much of an answer is read: Slack's are a code
// or a small JSON object.
const hookAnswerLimit = 4 << 10

// hookRefusal is Slack refusing a response_url post with a 2xx whose body
// is JSON with "ok": false, or a non-2xx answer (err, slack-go's reading of
// the status) whose body names a code. Code is Slack's error, in its
// vocabulary's shape, "" when it gave none; the body is never kept beyond
// it (a refusal may quote the message).
type hookRefusal struct {
	Status int
	Code   string
	err    error // the status's error for a non-2xx; nil for a 2xx
}

func (e *hookRefusal) Error() string {
	code := e.Code
	if code == "" {
		code = "no error code"
	}
	if e.err != nil {
		return fmt.Sprintf("%v (%s)", e.err, code)
	}
	return fmt.Sprintf("slack refused it with HTTP %d ok:false (%s)", e.Status, code)
}

func (e *hookRefusal) Unwrap() error { return e.err }

// refusedOK is the refusal in err given with a 2xx status and "ok": false,
// if that is what err is: its code then decides what happens, as a
// non-2xx status does otherwise.
func refusedOK(err error) (*hookRefusal, bool) {
	r, ok := errors.AsType[*hookRefusal](err)
	return r, ok && r.err == nil
}

// postHook posts msg to a response_url as slack-go's
// PostWebhookCustomHTTPContext does (the same JSON, Content-Type and
// client), and reads Slack's answer: a non-200 status is slack-go's error
// (StatusCodeError, *RateLimitedError), with the code Slack put in the
// body when there is one; a 2xx whose body is JSON with "ok": false is a
// *hookRefusal. "ok", {"ok":true}, an empty or unreadable body are taken
// as Slack taking the post.
func (b *Bot) postHook(ctx context.Context, url string, msg *slack.WebhookMessage) error {
	raw, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("marshal failed: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("failed new request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.http.Do(req)
	if err != nil {
		return fmt.Errorf("failed to post webhook: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, hookAnswerLimit))
	// Drained (within reason) so that the connection serves the next post.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	ok, code := readHookAnswer(body)
	if err := statusError(resp); err != nil {
		if code == "" {
			return err
		}
		return &hookRefusal{Status: resp.StatusCode, Code: code, err: err}
	}
	if ok != nil && !*ok {
		return &hookRefusal{Status: resp.StatusCode, Code: code}
	}
	return nil
}

// readHookAnswer reads Slack's answer to a response_url post: its "ok"
// field (nil when the body is not a JSON object holding one) and its error
// code, from the JSON's "error" field or a plain-text body that is a code.
// A JSON object cut at the read limit still gives what came before the cut.
func readHookAnswer(body []byte) (ok *bool, code string) {
	trimmed := bytes.TrimSpace(body)
	if !bytes.HasPrefix(trimmed, []byte("{")) {
		return nil, errorCode(string(trimmed))
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if _, err := dec.Token(); err != nil {
		return nil, ""
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			break
		}
		switch key, _ := t.(string); key {
		case "ok":
			var v bool
			if dec.Decode(&v) != nil {
				return ok, code
			}
			ok = &v
		case "error":
			var s string
			if dec.Decode(&s) != nil {
				return ok, code
			}
			code = errorCode(s)
		default:
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return ok, code
			}
		}
	}
	return ok, code
}

// errorCode is s as a Slack error code (invalid_blocks, expired_url), ""
// when s is not one: a code may be logged and stored where the body, which
// could quote the message, may not. Sentry's "Expired url" reads as
// expired_url.
func errorCode(s string) string {
	s = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), " ", "_")
	if s == "" || len(s) > 64 {
		return ""
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return ""
		}
	}
	return s
}

// transientCode reports a code Slack gives for a refusal that may pass if
// the post is sent again, as a 429 or a 5xx may: Slack's own trouble, or a
// rate limit given without a Retry-After.
func transientCode(code string) bool {
	switch code {
	case "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout":
		return true
	}
	return false
}

// goneCode reports a code saying Slack no longer takes the response_url,
// as it answers 404 once it has expired or been used five times.
func goneCode(code string) bool {
	return code == "expired_url" || code == "used_url"
}
