package slackbot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/digest"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/outbox"
)

// lockedBuffer is a log that a test reads while the bot writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// digestBot is a Bot sending to a fake Slack with the leaders' channel
// C0LEADS (the bot in it), both on a clock the test moves, logging to the
// returned buffer.
func digestBot(t *testing.T, opts ...fakeslack.Option) (*Bot, *fakeslack.Server, *fakeClock, *lockedBuffer) {
	t.Helper()
	clock := &fakeClock{now: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)} // directory_test.go
	fake := fakeslack.New(append(opts, fakeslack.WithClock(clock.Now))...)
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	fake.AddChannel("C0LEADS", true)
	logs := &lockedBuffer{}
	b := New(Config{BotToken: fake.BotToken(), APIURL: fake.APIURL(), Logger: slog.New(slog.NewTextHandler(logs, nil))})
	b.now = clock.Now
	return b, fake, clock, logs
}

// digestPost is the digest's headline (thread "") or a reply in its
// thread, to channel.
func digestPost(t *testing.T, channel, thread string) coaching.Message {
	t.Helper()
	p, err := json.Marshal(digest.Message{Text: "Coaching digest", Blocks: []digest.Block{{Type: digest.Section, Text: "Max: 3 sessions"}}})
	if err != nil {
		t.Fatal(err)
	}
	m := coaching.Message{Kind: coaching.MsgDigest, Op: coaching.OpPost, To: channel, Key: "digest:2026-W47:0", Payload: p}
	if thread != "" {
		m.ThreadKey = "digest:2026-W47:0"
	}
	return m
}

// A digest channel shared with another organisation since the bot started
// gets no digest: the headline, a reply and the chart fail for good,
// saying why, and nothing is posted or uploaded.
func TestADigestChannelSharedWithAnotherOrganisationGetsNothing(t *testing.T) {
	b, fake, _, _ := digestBot(t)
	fake.ShareChannelExternally("C0LEADS", "T0PARTNER")
	ctx := context.Background()
	chart, _ := json.Marshal(digest.Chart{Name: "c.png", Title: "c", Alt: "c", PNG: []byte("png")})
	for _, m := range []coaching.Message{
		digestPost(t, "C0LEADS", ""),
		digestPost(t, "C0LEADS", "reply"),
		{Kind: coaching.MsgDigestChart, Op: coaching.OpPost, To: "C0LEADS", ThreadKey: "digest:2026-W47:0", Payload: chart},
	} {
		_, err := b.Send(ctx, m, &coaching.Posted{Channel: "C0LEADS", TS: "1.0"})
		oe, ok := errors.AsType[*outbox.Error](err)
		if !ok || oe.Class != outbox.Permanent || !strings.Contains(err.Error(), "shared with another organisation") ||
			!strings.Contains(err.Error(), "COACHLOG_DIGEST_CHANNEL") {
			t.Errorf("%s: send = %v, want a permanent failure naming the sharing and COACHLOG_DIGEST_CHANNEL", m.Kind, err)
		}
	}
	if n := len(fake.CallsTo("chat.postMessage")) + len(fake.CallsTo("files.getUploadURLExternal")); n != 0 {
		t.Fatalf("%d posts or uploads to a shared channel", n)
	}
}

// A channel of the company's own gets its digest; Slack is asked once for
// the headline and its replies within 10 minutes, and again after, when
// a channel shared meanwhile gets nothing more.
func TestTheDigestChannelIsAskedAboutOnceIn10Minutes(t *testing.T) {
	b, fake, clock, _ := digestBot(t)
	ctx := context.Background()
	head, err := b.Send(ctx, digestPost(t, "C0LEADS", ""), nil)
	if err != nil || head == nil {
		t.Fatalf("headline: %v", err)
	}
	for range 3 {
		clock.Advance(2 * time.Second) // chat.postMessage's pace in a channel
		if _, err := b.Send(ctx, digestPost(t, "C0LEADS", "reply"), head); err != nil {
			t.Fatalf("reply: %v", err)
		}
	}
	if n := len(fake.CallsTo("conversations.info")); n != 1 {
		t.Errorf("conversations.info called %d times for a headline and 3 replies, want 1", n)
	}
	fake.ShareChannelExternally("C0LEADS")
	clock.Advance(channelCacheFor)
	if _, err := b.Send(ctx, digestPost(t, "C0LEADS", "reply"), head); err == nil {
		t.Fatal("a reply to a channel shared 10 minutes later was posted")
	}
	if n := len(fake.Messages("C0LEADS")); n != 4 {
		t.Errorf("%d messages in the channel, want the headline and 3 replies", n)
	}
}

// When Slack cannot say what the channel is (an install without
// channels:read, a 5xx), the digest goes as before; a missing scope is
// logged once, not at every lookup.
func TestADigestChannelSlackCannotDescribeStillGetsTheDigest(t *testing.T) {
	for _, tt := range []struct {
		name  string
		opts  []fakeslack.Option
		fault *fakeslack.Fault
		warns int
	}{
		{"no channels:read", []fakeslack.Option{fakeslack.WithScopes("chat:write", "files:write")}, nil, 1},
		{"a 503", nil, &fakeslack.Fault{Status: 503}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, fake, clock, logs := digestBot(t, tt.opts...)
			if tt.fault != nil {
				fake.FailNext("conversations.info", 1, *tt.fault)
			}
			for range 2 {
				if _, err := b.Send(context.Background(), digestPost(t, "C0LEADS", ""), nil); err != nil {
					t.Fatalf("send: %v", err)
				}
				clock.Advance(channelCacheFor)
			}
			if n := strings.Count(logs.String(), "digest channel not checked"); n != tt.warns {
				t.Errorf("%d warnings, want %d:\n%s", n, tt.warns, logs)
			}
			if n := len(fake.Messages("C0LEADS")); n != 2 {
				t.Errorf("%d messages posted, want 2", n)
			}
		})
	}
}
