package slackbot

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/outbox"
)

// WatchToken returns a transport that tells refused, once per answer, of
// every Web API call at apiURL that Slack answers refusing the bot token
// (token_revoked, invalid_auth, account_inactive..., the codes the outbox
// stops on): a form's views.open, a profile's users.info, the workspace's
// auth.test, a channel's conversations.info, an upload. The outbox learns
// of a refused token from its own sends only, and /healthz stayed green
// after a form had met one until some message was sent, hours later on a
// quiet day. err is an *outbox.Error of class Fatal naming the method,
// with Slack's answer within (SlackErrorCode reads it).
//
// Slack answers these with a small JSON body at 200
// ({"ok":false,"error":"token_revoked"}): the transport keeps the first
// watchPeek bytes of each answer its caller reads, and looks at them once
// the answer is read or closed, if it was no longer. It reads nothing the
// caller does not, but a few bytes of a short answer closed unread.
// apps.connections.open, the one call made with the app-level token, is
// not watched: SLACK_APP_TOKEN's refusal stops Socket Mode, and says so.
func WatchToken(next http.RoundTripper, apiURL string, refused func(err error)) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &tokenWatch{next: next, apiURL: apiURL, refused: refused}
}

// mayRefuseToken reports whether an answer could be Slack refusing the
// bot token: one with an "error" key whose code is the outbox's Fatal
// class (every such code is a token's or an account's). A cheap look, so
// that answers that went well are not decoded twice.
func mayRefuseToken(head []byte) bool {
	return bytes.Contains(head, []byte(`"error"`))
}

// watchPeek bounds the answer kept to look for a refused token: Slack's
// error answers are a few dozen bytes, with its warnings and metadata a
// few hundred.
const watchPeek = 2048

type tokenWatch struct {
	next    http.RoundTripper
	apiURL  string
	refused func(err error)
}

func (t *tokenWatch) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK || resp.Body == nil {
		return resp, err
	}
	u := req.URL.Scheme + "://" + req.URL.Host + req.URL.Path
	method, ok := strings.CutPrefix(u, t.apiURL)
	if !ok || method == "" || method == "apps.connections.open" {
		return resp, err
	}
	resp.Body = &peekBody{rc: resp.Body, done: func(head []byte) {
		// Every answer that went well (a DM's chat.postMessage, one a
		// submission) would otherwise be decoded a second time (#8):
		// only one naming a token code is.
		if !mayRefuseToken(head) {
			return
		}
		var ans slack.SlackResponse
		if json.Unmarshal(head, &ans) != nil || ans.Ok || slackErrorClass(ans.Error) != outbox.Fatal {
			return
		}
		t.refused(&outbox.Error{Class: outbox.Fatal, Method: method, Err: ans.Err()})
	}}
	return resp, err
}

// peekBody keeps the first watchPeek bytes read of a body, and hands
// them to done once, at its end, when the whole body was that short.
type peekBody struct {
	rc   io.ReadCloser
	head bytes.Buffer
	over bool // longer than watchPeek: not an answer done looks at
	once sync.Once
	done func(head []byte)
}

func (p *peekBody) Read(b []byte) (int, error) {
	n, err := p.rc.Read(b)
	if !p.over {
		if p.head.Len()+n > watchPeek {
			p.over = true
			p.head = bytes.Buffer{}
		} else {
			p.head.Write(b[:n])
		}
	}
	if err == io.EOF {
		p.finish()
	}
	return n, err
}

// Close looks at an answer its reader stopped short of the end of (a JSON
// decoder stops at the value's end): what is left of a short one is read,
// up to watchPeek in all.
func (p *peekBody) Close() error {
	if !p.over {
		rest, err := io.ReadAll(io.LimitReader(p.rc, int64(watchPeek-p.head.Len()+1)))
		if p.head.Len()+len(rest) > watchPeek {
			p.over = true
		} else if err == nil {
			p.head.Write(rest)
			p.finish()
		}
	}
	return p.rc.Close()
}

func (p *peekBody) finish() {
	if p.over {
		return
	}
	p.once.Do(func() { p.done(p.head.Bytes()) })
}
