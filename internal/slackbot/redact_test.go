package slackbot

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

func TestResponseURLsNeverShowInErrors(t *testing.T) {
	const secret = "https://hooks.slack.com/commands/T0FAKE/1234567890/AbCdEfGhIjKlMnOpQrStUvWx"
	parsed, _ := url.Parse(secret)
	for _, tc := range []struct {
		name   string
		err    error
		keep   string // what the redacted text must still say
		status int    // a StatusCodeError that must still be found, 0 for none
	}{
		{"a refused connection", fmt.Errorf("failed to post webhook: %w",
			&url.Error{Op: "Post", URL: secret, Err: errors.New("dial tcp 10.0.0.1:443: connect: connection refused")}), "connection refused", 0},
		{"a cause quoting the path", &url.Error{Op: "Post", URL: secret, Err: fmt.Errorf("stopped after 10 redirects to %s", parsed.Path)},
			"stopped after 10 redirects", 0},
		{"a malformed URL", &url.Error{Op: "parse", URL: secret + "\x7f", Err: errors.New("invalid control character in URL")},
			"invalid control character", 0},
		{"Slack's 404 for a used URL", slack.StatusCodeError{Code: http.StatusNotFound, Status: "404 Not Found"}, "404", http.StatusNotFound},
		{"any error quoting the URL", errors.New("bad answer from " + secret), "bad answer from <redacted>", 0},
	} {
		got := redactResponseURL(tc.err, secret)
		if strings.Contains(got.Error(), "hooks.slack.com/commands") || strings.Contains(got.Error(), parsed.Path) {
			t.Errorf("%s: %q shows the response_url", tc.name, got)
		}
		if !strings.Contains(got.Error(), tc.keep) || !strings.Contains(got.Error(), "response_url <redacted>") {
			t.Errorf("%s: %q, want it to say %q", tc.name, got, tc.keep)
		}
		for e := got; e != nil; e = errors.Unwrap(e) {
			if strings.Contains(e.Error(), parsed.Path) {
				t.Errorf("%s: the wrapped %q shows the response_url", tc.name, e)
			}
		}
		var sc slack.StatusCodeError
		if found := errors.As(got, &sc); found != (tc.status != 0) || sc.Code != tc.status {
			t.Errorf("%s: StatusCodeError found %v (%d), want %d", tc.name, found, sc.Code, tc.status)
		}
	}
	if redactResponseURL(nil, secret) != nil {
		t.Error("nil must stay nil")
	}
}

// An upload URL in a transport error from an upload, the chart's or the
// export's, is taken out; the cause stays for classification.
func TestAnUploadURLIsTakenOutOfTransportErrors(t *testing.T) {
	secret := "https://files.slack.com/upload/v1/ABC123secret"
	cause := errors.New("connection reset by peer")
	err := fmt.Errorf("UploadToURL: %w", &url.Error{Op: "Post", URL: secret, Err: cause})
	got := redactUpload(err)
	if strings.Contains(got.Error(), "ABC123secret") || !strings.Contains(got.Error(), "Post <redacted>: connection reset by peer") {
		t.Errorf("redacted = %q", got)
	}
	if !errors.Is(got, cause) {
		t.Error("the cause is lost")
	}
	if plain := errors.New("invalid_auth"); redactUpload(plain) != plain {
		t.Error("an error without a URL was rewritten")
	}
	// slack-go refuses to send the token to an upload URL on a host it
	// does not trust (Slack behind a proxy), quoting the URL whole.
	refused := fmt.Errorf("UploadToURL: %w", fmt.Errorf("refusing to send the token to %q: not an https Slack URL or the API URL", secret))
	if got := redactUpload(refused).Error(); strings.Contains(got, "ABC123secret") || !strings.Contains(got, "refusing to send the token to \"<redacted>\"") {
		t.Errorf("redacted refusal = %q", got)
	}
	upper := errors.New(`refusing to send the token to "HTTPS://files.slack.com/upload/v1/ABC123secret"`)
	if got := redactUpload(upper).Error(); strings.Contains(got, "ABC123secret") {
		t.Errorf("redacted refusal of an upper-case scheme = %q", got)
	}
}
