package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/export"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/outbox"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// oneSession is an export source holding one session.
type oneSession struct{}

func (oneSession) ExportRows(_ context.Context, _, _ coaching.Date, fn func(coaching.ExportRow) error) error {
	return fn(coaching.ExportRow{ID: 1, ManagerID: "U0ADA", RepID: "U0SAM", DurationMin: 30, RepCount: 1})
}

// refusedPosts counts the chat.postMessage calls the fake answered 429.
func refusedPosts(fake *fakeslack.Server) int {
	n := 0
	for _, c := range fake.CallsTo("chat.postMessage") {
		if c.Status == http.StatusTooManyRequests {
			n++
		}
	}
	return n
}

// An admin asks for an export the moment the outbox has sent a burst of
// DMs to them (the three Slack takes in a channel at once): the export's
// message goes to the same DM, outside the outbox. It waits for its slot
// in the outbox's pace when the process has the outbox's pacer, and waits
// out the 429 when it has none (a replica that does not deliver the
// outbox); either way the export is sent. It used to go at once, draw a
// 429, and fail whole.
func TestAnExportRightAfterABurstOfDMsIsSent(t *testing.T) {
	const admin = "U0ADA"
	for _, tc := range []struct {
		name      string
		shared    bool            // the bot takes its slot from the outbox's pacer
		stuck     bool            // the clock stands still while the bot waits: Slack keeps refusing
		wantWaits []time.Duration // what the bot waited, in order
		wantErr   bool
		want429s  int
	}{
		{name: "the outbox's pacer shared", shared: true, wantWaits: []time.Duration{1100 * time.Millisecond}},
		{name: "a replica without it", wantWaits: []time.Duration{time.Second}, want429s: 1},
		{name: "refused past the retries", stuck: true, wantWaits: []time.Duration{time.Second, time.Second}, wantErr: true, want429s: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			clock := &fakeClock{now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
			fake := fakeslack.New(fakeslack.WithClock(clock.Now))
			if err := fake.Start(); err != nil {
				t.Fatal(err)
			}
			defer fake.Close()
			fake.AddUser(fakeslack.User{ID: admin, Name: "ada"})
			st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{Now: clock.Now})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()

			pacer := outbox.NewPacer(outbox.SlackLimits(), clock.Now)
			cfg := Config{BotToken: fake.BotToken(), APIURL: fake.APIURL(), Export: oneSession{},
				Service: coaching.NewService(coaching.Config{Store: st, Now: clock.Now})}
			if tc.shared {
				cfg.Pacer = pacer
			}
			bot := New(cfg)
			var waits []time.Duration
			bot.sleep = func(ctx context.Context, d time.Duration) error {
				if waits = append(waits, d); len(waits) > 5 {
					return fmt.Errorf("still waiting after %v", waits)
				}
				if !tc.stuck {
					clock.Advance(d)
				}
				return ctx.Err()
			}
			worker := outbox.NewWorker(st, bot, outbox.Options{Now: clock.Now, Pacer: pacer,
				Sleep: func(ctx context.Context, d time.Duration) error {
					return fmt.Errorf("the burst should not wait, asked %v", d)
				}})

			var burst []coaching.Message
			for i := range 3 {
				text, _ := json.Marshal(coaching.Reply{Text: fmt.Sprintf("reply %d", i)})
				burst = append(burst, coaching.Message{Kind: coaching.MsgReply, Op: coaching.OpPost, To: admin, Payload: text})
			}
			if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.Enqueue(ctx, burst...) }); err != nil {
				t.Fatal(err)
			}
			if err := worker.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			if sent := len(fake.CallsTo("chat.postMessage")); sent != 3 {
				t.Fatalf("the outbox sent %d DMs, want its burst of 3", sent)
			}

			rows, err := bot.sendExport(ctx, admin, export.Options{Format: "csv"})
			switch {
			case tc.wantErr:
				if _, limited := errors.AsType[*slack.RateLimitedError](err); !limited {
					t.Errorf("export = %d rows, %v; want it to fail rate limited", rows, err)
				}
			case err != nil || rows != 1:
				t.Errorf("export = %d rows, %v; want 1 row sent", rows, err)
			case len(fake.CallsTo("files.completeUploadExternal")) != 1:
				t.Errorf("the export's file was not uploaded")
			}
			if !slices.Equal(waits, tc.wantWaits) {
				t.Errorf("the export's post waited %v, want %v", waits, tc.wantWaits)
			}
			if n := refusedPosts(fake); n != tc.want429s {
				t.Errorf("Slack answered %d posts 429, want %d", n, tc.want429s)
			}
		})
	}
}

// The DM saying a form did not open (a global shortcut's: no message to
// answer, no Home) is posted outside the outbox too: a 429 is waited out
// and the DM sent, not lost with a warning.
func TestTheDMThatAFormDidNotOpenWaitsOutA429(t *testing.T) {
	clock, fake := startSamFake(t)
	bot := New(Config{BotToken: fake.BotToken(), APIURL: fake.APIURL()})
	waits := recordWaits(bot, clock)
	fake.FailNext("chat.postMessage", 1, fakeslack.Fault{Status: http.StatusTooManyRequests, RetryAfter: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	in := interaction{Type: "shortcut", User: user{ID: "U0SAM"}}
	bot.formNotOpened(ctx, in, "nothing was logged", "Try again")

	posts := fake.CallsTo("chat.postMessage")
	var answers []int
	for _, c := range posts {
		answers = append(answers, c.Status)
	}
	if !slices.Equal(answers, []int{http.StatusTooManyRequests, http.StatusOK}) || posts[1].Param("channel") != "U0SAM" {
		t.Errorf("posts answered %v; want a 429, then the DM to U0SAM sent", answers)
	}
	if !slices.Equal(*waits, []time.Duration{2 * time.Second}) {
		t.Errorf("waited %v, want Retry-After's 2s", *waits)
	}
}

// holdRecorder is the outbox's pacer, recording the holds it is asked for.
type holdRecorder struct {
	*outbox.Pacer
	holds []time.Duration
}

func (h *holdRecorder) Hold(method string, d time.Duration) {
	h.holds = append(h.holds, d)
	h.Pacer.Hold(method, d)
}

// A 429 to a post outside the outbox holds chat.postMessage in the
// pacer the process shares with the outbox, as the outbox's own 429s do:
// the outbox's posts wait with it instead of running into the limit
// Slack just named. The post waits the hold out once, through the pacer.
func TestA429OutsideTheOutboxHoldsItsPacer(t *testing.T) {
	clock, fake := startSamFake(t)
	pacer := &holdRecorder{Pacer: outbox.NewPacer(outbox.SlackLimits(), clock.Now)}
	// The service only tells the bot the time, the pacer's.
	bot := New(Config{BotToken: fake.BotToken(), APIURL: fake.APIURL(), Pacer: pacer,
		Service: coaching.NewService(coaching.Config{Now: clock.Now})})
	waits := recordWaits(bot, clock)
	fake.FailNext("chat.postMessage", 1, fakeslack.Fault{Status: http.StatusTooManyRequests, RetryAfter: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := bot.postNow(ctx, "U0SAM", "", textMessage("hello")); err != nil {
		t.Fatalf("post after a 429: %v", err)
	}
	if !slices.Equal(pacer.holds, []time.Duration{2 * time.Second}) {
		t.Errorf("the pacer was held %v, want Retry-After's 2s once", pacer.holds)
	}
	if !slices.Equal(*waits, []time.Duration{2 * time.Second}) {
		t.Errorf("waited %v, want the hold's 2s once", *waits)
	}
}

// startSamFake starts a fake Slack on a clock of its own, with U0SAM.
func startSamFake(t *testing.T) (*fakeClock, *fakeslack.Server) {
	t.Helper()
	clock := &fakeClock{now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	fake := fakeslack.New(fakeslack.WithClock(clock.Now))
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	fake.AddUser(fakeslack.User{ID: "U0SAM", Name: "sam"})
	return clock, fake
}

// recordWaits has bot's waits move clock on instead, and records them.
func recordWaits(bot *Bot, clock *fakeClock) *[]time.Duration {
	waits := new([]time.Duration)
	bot.sleep = func(ctx context.Context, d time.Duration) error {
		*waits = append(*waits, d)
		clock.Advance(d)
		return ctx.Err()
	}
	return waits
}
