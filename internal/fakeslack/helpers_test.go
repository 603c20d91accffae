package fakeslack

import (
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

// fixtureKeys returns the top-level keys of a testdata fixture, descending
// into path (a list of object keys) first.
func fixtureKeys(t *testing.T, name string, path ...string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return keysAt(t, b, path...)
}

// keysAt returns the sorted keys of the JSON object at path inside b.
func keysAt(t *testing.T, b []byte, path ...string) []string {
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
	return slices.Sorted(maps.Keys(m))
}

// sameKeys fails the test unless got and want hold the same keys.
func sameKeys(t *testing.T, what string, got, want []string) {
	t.Helper()
	got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("%s keys:\n got %v\nwant %v", what, got, want)
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
	resp, err := http.Post(click.ResponseURL, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return fake, ch, ts, resp.StatusCode
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
