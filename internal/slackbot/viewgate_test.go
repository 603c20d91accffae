package slackbot

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
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
				go func() { _, err := bot.openView(ctx, trigger, time.Time{}, v); done <- err }()
				clock.Advance(time.Second)
				err = <-done
			} else {
				_, err = bot.openView(ctx, trigger, time.Time{}, v)
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
