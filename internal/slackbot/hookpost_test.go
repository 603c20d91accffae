package slackbot

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
)

// hookServer is a response_url that answers every post with status and
// body, counting the posts.
func hookServer(t *testing.T, status int, body string) (*Bot, string, *atomic.Int32, *bytes.Buffer) {
	t.Helper()
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		if strings.HasPrefix(body, "{") {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	logs := &bytes.Buffer{}
	b := &Bot{apiURL: srv.URL + "/api/", http: srv.Client(), log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	return b, srv.URL + "/response/T1/123/abc", &posts, logs
}

// A note's text, which a refusal might quote back: never in an error.
const quotedNote = "Sam rushed the pricing conversation"

// A refusal Slack gives with HTTP 200 and {"ok":false,"error":...} is a
// refusal all the same: the outbox treats it as it treats the same code
// given with a status (a review found it counted as delivered: the person
// got nothing, and nothing retried or fell back). 200 with "ok",
// {"ok":true}, or a body that says nothing, is delivered.
func TestAResponseURLRefusalWithStatus200IsARefusal(t *testing.T) {
	detail := `,"response_metadata":{"messages":["[ERROR] ` + quotedNote + ` [json-pointer:/blocks/0/text]"]}`
	for _, tt := range []struct {
		name   string
		status int
		body   string
		want   outbox.Class // -1: delivered
		code   string       // what the error must say
	}{
		{"400 invalid_blocks", http.StatusBadRequest, "invalid_blocks", outbox.Permanent, "invalid_blocks"},
		{"200 ok:false invalid_blocks", http.StatusOK, `{"ok":false,"error":"invalid_blocks"` + detail + `}`, outbox.Permanent, "invalid_blocks"},
		{"200 ok:false no_text", http.StatusOK, `{"ok":false,"error":"no_text"}`, outbox.Permanent, "no_text"},
		{"200 ok:false with no code", http.StatusOK, `{"ok":false}`, outbox.Permanent, "no error code"},
		{"404 expired_url", http.StatusNotFound, "expired_url", outbox.Gone, "expired_url"},
		{"200 ok:false expired_url", http.StatusOK, `{"ok":false,"error":"expired_url"}`, outbox.Gone, "expired_url"},
		{"200 ok:false used_url", http.StatusOK, `{"error":"used_url","ok":false}`, outbox.Gone, "used_url"},
		{"200 ok:false Expired url, Sentry's spelling", http.StatusOK, `{"ok":false,"error":"Expired url"}`, outbox.Gone, "expired_url"},
		{"500", http.StatusInternalServerError, "", outbox.Retry, "500"},
		{"200 ok:false internal_error", http.StatusOK, `{"ok":false,"error":"internal_error"}`, outbox.Retry, "internal_error"},
		{"200 ok:false ratelimited", http.StatusOK, `{"ok":false,"error":"ratelimited"}`, outbox.Retry, "ratelimited"},
		{"200 ok", http.StatusOK, "ok", -1, ""},
		{`200 {"ok":true}`, http.StatusOK, `{"ok":true}`, -1, ""},
		{"200 empty", http.StatusOK, "", -1, ""},
		{"200 unreadable", http.StatusOK, "<html>fine</html>", -1, ""},
		{"200 plain text, not JSON", http.StatusOK, "invalid_blocks", -1, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, url, posts, _ := hookServer(t, tt.status, tt.body)
			m := coaching.Message{Kind: coaching.MsgCaptureReply, Op: coaching.OpRespond, ResponseURL: url}
			_, err := b.deliverAs(context.Background(), m, nil, message{Text: "Logged: " + quotedNote})
			if posts.Load() != 1 {
				t.Fatalf("%d posts, want 1", posts.Load())
			}
			if tt.want == -1 {
				if err != nil {
					t.Fatalf("deliverAs = %v, want delivered", err)
				}
				return
			}
			oe, ok := errors.AsType[*outbox.Error](err)
			if !ok || oe.Class != tt.want || oe.Method != "response_url" {
				t.Fatalf("deliverAs = %#v, want class %d for response_url", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.code) {
				t.Errorf("error %q does not say %q", err, tt.code)
			}
			if strings.Contains(err.Error(), quotedNote) || strings.Contains(err.Error(), "/response/") {
				t.Errorf("error %q shows the answer's text or the URL", err)
			}
		})
	}
}

// The ephemeral answers sent at once (respond) log a 200 refusal as a
// failure with Slack's code, and try a transient one again; a courtesy
// answer (respondQuiet) passes over a URL Slack says is expired as it does
// a 404.
func TestAnImmediateResponseRefusedWithStatus200IsLoggedAsFailed(t *testing.T) {
	for _, tt := range []struct {
		name    string
		body    string
		quiet   bool
		posts   int32
		level   string
		message string
	}{
		{"invalid_blocks", `{"ok":false,"error":"invalid_blocks","response_metadata":{"messages":["` + quotedNote + `"]}}`, false, 1, "WARN", "response_url post failed"},
		{"internal_error, tried again", `{"ok":false,"error":"internal_error"}`, false, 2, "WARN", "response_url post failed"},
		{"expired_url, a courtesy", `{"ok":false,"error":"expired_url"}`, true, 1, "DEBUG", "response_url no longer taken"},
		{"expired_url, an answer", `{"ok":false,"error":"expired_url"}`, false, 1, "WARN", "response_url post failed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, url, posts, logs := hookServer(t, http.StatusOK, tt.body)
			if tt.quiet {
				b.respondQuiet(context.Background(), url, message{Text: "Done"})
			} else {
				b.respond(context.Background(), url, message{Text: quotedNote}, false)
			}
			if posts.Load() != tt.posts {
				t.Errorf("%d posts, want %d", posts.Load(), tt.posts)
			}
			got := logs.String()
			if !strings.Contains(got, "level="+tt.level) || !strings.Contains(got, tt.message) {
				t.Errorf("log = %q, want %s %q", got, tt.level, tt.message)
			}
			code, _, _ := strings.Cut(tt.name, ",")
			if !strings.Contains(got, code) {
				t.Errorf("log = %q, want Slack's code %s", got, code)
			}
			if strings.Contains(got, quotedNote) {
				t.Errorf("log = %q shows the message or Slack's answer beyond its code", got)
			}
		})
	}
}

// The post is the one slack-go's PostWebhookCustomHTTPContext sends,
// byte for byte: the same JSON, Content-Type and method.
func TestAResponseURLPostIsTheOneSlackGoSends(t *testing.T) {
	type req struct {
		method, contentType string
		body                []byte
	}
	var mu sync.Mutex
	var got []req
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, req{r.Method, r.Header.Get("Content-Type"), body})
		mu.Unlock()
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()
	b := &Bot{apiURL: srv.URL + "/api/", http: srv.Client()}
	msg := &slack.WebhookMessage{Text: "Logged <@U1>", ReplaceOriginal: true, ResponseType: slack.ResponseTypeEphemeral,
		Blocks: &slack.Blocks{BlockSet: textMessage("Logged & done").Blocks}}
	if err := slack.PostWebhookCustomHTTPContext(context.Background(), srv.URL+"/r", srv.Client(), msg); err != nil {
		t.Fatal(err)
	}
	if err := b.postHook(context.Background(), srv.URL+"/r", msg); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].method != got[1].method || got[0].contentType != got[1].contentType || !bytes.Equal(got[0].body, got[1].body) {
		t.Fatalf("slack-go sent %+v, postHook %+v", got[0], got[1])
	}
}
