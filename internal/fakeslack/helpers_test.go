package fakeslack

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// startFake starts a fake that closes when the test ends.
func startFake(t *testing.T, opts ...Option) *Server {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	s := New(append([]Option{WithLogger(logger)}, opts...)...)
	if err := s.Start(); err != nil {
		t.Fatalf("start fake: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close fake: %v", err)
		}
	})
	return s
}

// deadline is the context every wait in a test uses.
func deadline(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// apiClient is slack-go's Web API client pointed at the fake.
func apiClient(s *Server) *slack.Client {
	return slack.New(s.BotToken(), slack.OptionAppLevelToken(s.AppToken()), slack.OptionAPIURL(s.APIURL()))
}

// connect runs the real slack-go Socket Mode client against the fake until
// the test ends.
func connect(t *testing.T, s *Server, opts ...socketmode.Option) *socketmode.Client {
	t.Helper()
	sm := socketmode.New(apiClient(s), opts...)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = sm.RunContext(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })
	return sm
}

// nextEvent reads the client's events until one of type typ arrives.
func nextEvent(ctx context.Context, t *testing.T, sm *socketmode.Client, typ socketmode.EventType) socketmode.Event {
	t.Helper()
	for {
		select {
		case evt := <-sm.Events:
			if evt.Type == typ {
				return evt
			}
		case <-ctx.Done():
			t.Fatalf("waiting for %s event: %v", typ, ctx.Err())
		}
	}
}

// shape is a JSON object's keys, each with its value's JSON kind: "string",
// "number", "bool", "null", "object" or "array".
type shape map[string]string

// with is sh plus the keys given as key, kind pairs: fields the fake sends
// that a fixture happens to lack.
func (sh shape) with(pairs ...string) shape {
	out := maps.Clone(sh)
	for i := 0; i+1 < len(pairs); i += 2 {
		out[pairs[i]] = pairs[i+1]
	}
	return out
}

// without is sh less keys: fields a fixture has that the object tested
// must not.
func (sh shape) without(keys ...string) shape {
	out := maps.Clone(sh)
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

// kindOf is the JSON kind of a raw value.
func kindOf(raw json.RawMessage) string {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 {
		return "missing"
	}
	switch b[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

// readFixture is a testdata fixture's bytes.
func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

// fixtureKeys returns the shape of a testdata fixture's top-level object,
// descending into path (a list of object keys) first.
func fixtureKeys(t *testing.T, name string, path ...string) shape {
	t.Helper()
	return keysAt(t, readFixture(t, name), path...)
}

// keysAt returns the shape of the JSON object at path inside b.
func keysAt(t *testing.T, b []byte, path ...string) shape {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("decode object: %v", err)
	}
	for _, p := range path {
		var inner map[string]json.RawMessage
		if err := json.Unmarshal(m[p], &inner); err != nil {
			t.Fatalf("decode %s: %v", p, err)
		}
		m = inner
	}
	sh := make(shape, len(m))
	for k, v := range m {
		sh[k] = kindOf(v)
	}
	return sh
}

// twoForms are the fields Slack is known to send in two JSON kinds, so a
// fixture showing one does not make the other a difference.
// is_enterprise_install arrives as false in some payloads and as the
// string "false" in others, slash commands over Socket Mode among them
// (slack-go issue #1265, https://github.com/slack-go/slack/issues/1265,
// fixed by PR #1266 reading both; SLACK-NOTES.md).
// A view's close and submit buttons are null when the view has none
// (bolt-js types a submitted view's close and submit as
// "PlainTextElementOutput | null", src/types/view/index.ts; views.publish's
// example response shows both null:
// https://docs.slack.dev/reference/methods/views.publish).
var twoForms = map[string][]string{
	"is_enterprise_install": {"bool", "string"},
	"close":                 {"object", "null"},
	"submit":                {"object", "null"},
}

// sameKeys fails the test unless got and want hold the same keys and each
// key's value is of the kind the fixture shows. A null in the fixture says
// nothing of the kind Slack sends when there is a value, so any kind
// matches it; a field of twoForms may take either of its forms.
func sameKeys(t testing.TB, what string, got, want shape) {
	t.Helper()
	gk, wk := slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))
	if !slices.Equal(gk, wk) {
		t.Errorf("%s keys:\n got %v\nwant %v", what, gk, wk)
	}
	for _, k := range wk {
		g, ok := got[k]
		w := want[k]
		if !ok || w == "null" || g == w {
			continue
		}
		if forms := twoForms[k]; slices.Contains(forms, g) && slices.Contains(forms, w) {
			continue
		}
		t.Errorf("%s: %s is a %s, the fixture has a %s", what, k, g, w)
	}
}

// manualClock is a clock tests move by hand.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func newManualClock() *manualClock { return &manualClock{now: time.Unix(1700000000, 0)} }

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// buttonsBlock is an actions block with one button per action id/value pair.
func buttonsBlock(blockID string, pairs ...[2]string) slack.Block {
	var els []slack.BlockElement
	for _, p := range pairs {
		els = append(els, slack.NewButtonBlockElement(p[0], p[1],
			slack.NewTextBlockObject(slack.PlainTextType, "Button "+p[1], false, false)))
	}
	return slack.NewActionBlock(blockID, els...)
}

// respondToAClick posts a message with a button in C0TEAM, clicks it as
// U0ALICE, acks the click and posts body to its response_url: the fake,
// the message clicked and the status the post got.
func respondToAClick(t *testing.T, body string) (fake *Server, ch, ts string, status int) {
	t.Helper()
	fake, ch, ts, url := clickForAResponseURL(t)
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return fake, ch, ts, resp.StatusCode
}

// clickForAResponseURL has Alice click a button on a message posted in
// C0TEAM, and returns the response_url the click gave.
func clickForAResponseURL(t *testing.T) (fake *Server, ch, ts, url string) {
	t.Helper()
	fake = startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	ch, ts, err := apiClient(fake).PostMessageContext(ctx, "C0TEAM", slack.MsgOptionText("v1", false),
		slack.MsgOptionBlocks(buttonsBlock("pick", [2]string{"pick", "a"})))
	if err != nil {
		t.Fatal(err)
	}
	click, err := fake.ClickButton(ctx, "U0ALICE", ch, ts, "pick")
	if err != nil {
		t.Fatal(err)
	}
	_ = sm.Ack(*nextEvent(ctx, t, sm, socketmode.EventTypeInteractive).Request)
	return fake, ch, ts, click.ResponseURL
}

// pick is one row of a table of values typed into a view's pickers, and
// whether Slack's client lets a person make it.
type pick struct {
	name   string
	values map[string]map[string]any
	ok     bool
}

// typePicks types each pick into Alice's view: a pick Slack offers must be
// taken; one it does not must be refused with an error containing refusal
// and, when submitToo, a submission of it must not be sent either.
func typePicks(ctx context.Context, t *testing.T, fake *Server, viewID, refusal string, submitToo bool, picks []pick) {
	t.Helper()
	for _, tt := range picks {
		err := fake.TypeInView("U0ALICE", viewID, tt.values)
		if tt.ok && err != nil {
			t.Errorf("%s: %v, want it taken", tt.name, err)
		}
		if tt.ok {
			continue
		}
		if err == nil || !strings.Contains(err.Error(), refusal) {
			t.Errorf("%s: %v, want a refusal", tt.name, err)
		}
		if !submitToo {
			continue
		}
		if _, err := fake.SubmitView(ctx, "U0ALICE", viewID, tt.values); err == nil {
			t.Errorf("a submission picking %s was sent", tt.name)
		}
	}
}

// clickWithPick posts Alice a message with the select el (in block id,
// el's action_id too) and a "go" button, and clicks the button with state
// as the select's value: a pick Slack's client never offers, so no click
// may be sent.
func clickWithPick(ctx context.Context, t *testing.T, fake *Server, id string, el slack.BlockElement, state any, what string) {
	t.Helper()
	_, ts, err := apiClient(fake).PostMessageContext(ctx, "U0ALICE", slack.MsgOptionBlocks(
		slack.NewActionBlock(id, el), buttonsBlock("go", [2]string{"go", "1"})))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fake.ClickButton(ctx, "U0ALICE", "U0ALICE", ts, "go", MessageState(map[string]map[string]any{id: {id: state}})); err == nil {
		t.Error(what)
	}
}
