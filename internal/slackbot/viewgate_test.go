package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// A views.open whose envelope arrived more than a trigger's 3 s before,
// on the bot's clock, is not sent: Slack would refuse it
// expired_trigger_id, and under load thousands of such calls held the
// bot's memory and the connections the forms still alive needed. One
// younger than that is sent, and opens. Both wait for a slot when
// viewsOpenAtOnce are in flight, no longer than the trigger lives.
func TestViewsOpenIsNotSentForATriggerCertainlyExpired(t *testing.T) {
	for _, tt := range []struct {
		name    string
		age     time.Duration // since the envelope arrived, on the bot's clock
		busy    bool          // every slot taken, none freed
		freeOne bool          // every slot taken, one freed while waiting
		sent    bool
	}{
		{name: "fresh", age: 0, sent: true},
		{name: "2.9 s old", age: 2900 * time.Millisecond, sent: true},
		{name: "3.1 s old", age: 3100 * time.Millisecond},
		{name: "a minute old", age: time.Minute},
		{name: "slots busy, trigger dies while waiting", age: triggerLife - time.Millisecond, busy: true},
		{name: "slots busy, one frees", age: time.Second, busy: true, freeOne: true, sent: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
			fake := fakeslack.New(fakeslack.WithClock(clock.Now))
			if err := fake.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { fake.Close() })
			bot := New(Config{AppToken: fake.AppToken(), BotToken: fake.BotToken(), APIURL: fake.APIURL()})
			bot.now = clock.Now
			ctx := withArrival(context.Background(), clock.Now())
			trigger := fake.IssueTrigger("U1") // issued as the envelope arrived: younger than Slack's
			clock.Advance(tt.age)
			if tt.busy {
				for range viewsOpenAtOnce {
					bot.opens <- struct{}{}
				}
			}
			if tt.freeOne {
				go func() { <-bot.opens }()
			}
			v := reasonModal(cbComment, "", "UMGR", modalMeta{SessionID: 1, RepID: "U1", Version: 1}, false)
			var err error
			if tt.busy && !tt.freeOne {
				// Younger than a trigger's life, it waits for a slot; the
				// bot's clock then moves past the trigger's end.
				done := make(chan error, 1)
				go func() { _, err := bot.openView(ctx, trigger, v); done <- err }()
				clock.Advance(time.Second)
				err = <-done
			} else {
				_, err = bot.openView(ctx, trigger, v)
			}
			calls := len(fake.CallsTo("views.open"))
			if tt.sent {
				if err != nil || calls != 1 {
					t.Fatalf("views.open: %v, %d calls; want the form opened with one call", err, calls)
				}
				return
			}
			if !errors.Is(err, errTriggerDead) {
				t.Errorf("views.open answered %v, want errTriggerDead", err)
			}
			if calls != 0 {
				t.Errorf("%d views.open calls made, want none", calls)
			}
		})
	}
}

// At most viewsOpenAtOnce views.open calls are in flight: past them a
// call waits for one to end, or gives up with its context.
func TestViewsOpenCallsInFlightAreBounded(t *testing.T) {
	bot := New(Config{APIURL: "http://127.0.0.1:1/"})
	var releases []func()
	for range viewsOpenAtOnce {
		release, err := bot.viewsOpenSlot(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, release)
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := bot.viewsOpenSlot(gone); !errors.Is(err, context.Canceled) {
		t.Fatalf("with %d in flight the next got %v, want to wait (until its context ends)", viewsOpenAtOnce, err)
	}
	releases[0]()
	if _, err := bot.viewsOpenSlot(context.Background()); err != nil {
		t.Fatalf("a freed slot was not taken: %v", err)
	}
}

// The form a command opens (a capture the domain refused, one replayed)
// judged a 429's Retry-After as if its trigger's age were not known,
// waiting out a second and no more, while the gate read the arrival in
// its context. One arrival, on the bot's clock, now bounds both: a
// Retry-After the trigger outlives is waited out and the form opens; one
// it does not is not waited for, and the manager is answered at once.
func TestAFormForACommandWaitsOutARetryAfterByItsTriggersAge(t *testing.T) {
	for _, tt := range []struct {
		name       string
		age        time.Duration // of the trigger when views.open is refused 429
		retryAfter int           // seconds
		opens      bool
		dead       bool // not sent: the trigger expired first
	}{
		{name: "2 s Retry-After, fresh trigger", retryAfter: 2, opens: true},
		{name: "1 s Retry-After, trigger 2 s old", age: 2 * time.Second, retryAfter: 1},
		{name: "trigger 4 s old", age: 4 * time.Second, retryAfter: 1, dead: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			clock := &fakeClock{now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
			fake := fakeslack.New(fakeslack.WithClock(clock.Now))
			if err := fake.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { fake.Close() })
			fake.AddUser(fakeslack.User{ID: "U0MAX", Name: "max", RealName: "Max"})
			st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{Now: clock.Now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			svc := coaching.NewService(coaching.Config{Store: st, Now: clock.Now})
			logs := &lockedBuffer{}
			b := New(Config{AppToken: fake.AppToken(), BotToken: fake.BotToken(), APIURL: fake.APIURL(), Service: svc, Outbox: nopNotifier{}, Logger: slog.New(slog.NewTextHandler(logs, nil))})

			arrived := clock.Now()
			cmd := slashCommand{Command: "/coach", Text: "<@U0MAX|max> 1:1 30m", UserID: "U0MAX", TriggerID: fake.IssueTrigger("U0MAX"),
				ResponseURL: fake.IssueResponseURL("U0MAX", "U0MAX")}
			payload, err := json.Marshal(cmd)
			if err != nil {
				t.Fatal(err)
			}
			c, _, err := svc.Accept(ctx, coaching.Command{Key: "cmd:" + cmd.TriggerID, UserID: cmd.UserID, Payload: payload, ReceivedAt: arrived})
			if err != nil {
				t.Fatal(err)
			}
			clock.Advance(tt.age)
			fake.FailNext("views.open", 1, fakeslack.Fault{Status: http.StatusTooManyRequests, RetryAfter: tt.retryAfter})
			done := make(chan struct{})
			go func() {
				defer close(done)
				b.formOrAnswer(withArrival(ctx, arrived), c, cmd, coaching.Draft{}, "Not logged yet: fix it here.", "Not logged.")
			}()
			if tt.opens {
				// Once the bot waits out the Retry-After (a clock moved
				// sooner would make the 429 look late), on its clock and
				// the fake's.
				for !strings.Contains(logs.String(), "trying again after Retry-After") {
					select {
					case <-done:
						t.Fatalf("the 429 was not waited out:\n%s", logs)
					case <-ctx.Done():
						t.Fatal(ctx.Err())
					case <-time.After(5 * time.Millisecond):
					}
				}
				clock.Advance(time.Duration(tt.retryAfter) * time.Second)
			}
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("still waiting out the %d s Retry-After 10 s on, the bot's clock not moved", tt.retryAfter)
			}
			calls := fake.CallsTo("views.open")
			stats, err := st.OutboxStats(ctx, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if tt.opens {
				if len(calls) != 2 || calls[1].Error != "" || len(fake.OpenModals("U0MAX")) != 1 || stats.Pending != 0 {
					t.Errorf("%d views.open calls, %d answers queued; want the form opened on the second call and no answer",
						len(calls), stats.Pending)
				}
				return
			}
			if tt.dead {
				// Expected under load, by the thousand: not an Error line each.
				if len(calls) != 0 || stats.Pending != 1 || strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "level=WARN") {
					t.Errorf("%d views.open calls, %d answers queued, logs:\n%s\nwant none sent, the manager answered, a warning and no error", len(calls), stats.Pending, logs)
				}
				return
			}
			if len(calls) != 1 || stats.Pending != 1 {
				t.Errorf("%d views.open calls, %d answers queued; want none tried again and the manager answered", len(calls), stats.Pending)
			}
		})
	}
}
