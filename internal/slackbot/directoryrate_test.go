package slackbot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/outbox"
)

// startRateFake starts a fake Slack at users.info's default tier (100 a
// minute, burst 20) on clock, with n members U0P00...
func startRateFake(t *testing.T, clock *fakeClock, n int) *fakeslack.Server {
	t.Helper()
	fake := fakeslack.New(fakeslack.WithClock(clock.Now))
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	for i := range n {
		fake.AddUser(fakeslack.User{ID: fmt.Sprintf("U0P%02d", i), Name: "p"})
	}
	return fake
}

// ratelimited counts the calls to method the fake answered 429.
func ratelimited(fake *fakeslack.Server, method string) int {
	n := 0
	for _, c := range fake.CallsTo(method) {
		if c.Status == 429 {
			n++
		}
	}
	return n
}

// A users.info 429 holds the method for its Retry-After: the reads that
// follow fail at once as rate limited, saying until when, and none reaches
// Slack until then; after it, reads go again.
func TestUsersInfoIsHeldForItsRetryAfter(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	fake := startRateFake(t, clock, 30)
	dir := NewDirectory(fake.BotToken(), fake.APIURL(), nil, nil)
	dir.now = clock.Now
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var until time.Time
	for i := range 21 { // the tier's burst, then one past it
		_, err := dir.UserInfo(ctx, fmt.Sprintf("U0P%02d", i))
		if i < 20 && err != nil {
			t.Fatalf("read %d within the burst: %v", i, err)
		}
		if i == 20 {
			u, ok := coaching.RateLimitedUntil(err)
			if !ok || !u.After(clock.Now()) {
				t.Fatalf("read past the burst: %v, want rate limited until later", err)
			}
			until = u
		}
	}
	calls := len(fake.CallsTo("users.info"))
	for i := 21; i < 30; i++ {
		if _, err := dir.UserInfo(ctx, fmt.Sprintf("U0P%02d", i)); !isRateLimited(err) {
			t.Errorf("read %d while held: %v, want rate limited", i, err)
		}
	}
	if now := len(fake.CallsTo("users.info")); now != calls {
		t.Errorf("%d users.info calls while held, want none", now-calls)
	}
	clock.Advance(until.Sub(clock.Now()))
	if _, err := dir.UserInfo(ctx, "U0P29"); err != nil {
		t.Errorf("read after the hold: %v", err)
	}
	if n := ratelimited(fake, "users.info"); n != 1 {
		t.Errorf("%d users.info calls answered 429, want the one", n)
	}
}

func isRateLimited(err error) bool {
	_, ok := coaching.RateLimitedUntil(err)
	return ok
}

// With the outbox's pacer, reads past the tier's burst wait for their slot
// when it comes within the caller's deadline, so that none is refused; a
// read whose slot is further away than that is not made, and says rate
// limited at once, without taking the slot from the reads after it.
func TestUsersInfoBooksItsSlotWithinTheDeadline(t *testing.T) {
	clock, fake, dir, waited := pacedDirectory(t, 40)
	read := func(id string, budget time.Duration) error {
		ctx, cancel := context.WithTimeout(context.Background(), budget)
		defer cancel()
		_, err := dir.UserInfo(ctx, id)
		return err
	}
	burst := outbox.SlackLimits().Method[usersInfo].Burst
	for i := range burst {
		if err := read(fmt.Sprintf("U0P%02d", i), 5*time.Second); err != nil {
			t.Fatalf("read %d within the burst: %v", i, err)
		}
	}
	if *waited != 0 {
		t.Errorf("the burst waited %v, want none", *waited)
	}
	// The next slot is 650 ms away: too far for a half-second budget.
	err := read(fmt.Sprintf("U0P%02d", burst), 500*time.Millisecond)
	if u, ok := coaching.RateLimitedUntil(err); !ok || u.Sub(clock.Now()) != 650*time.Millisecond {
		t.Fatalf("read with its slot past the deadline: %v, want rate limited for 650ms", err)
	}
	if calls := len(fake.CallsTo("users.info")); calls != burst {
		t.Errorf("%d users.info calls, want the burst's %d: the read past its deadline was made", calls, burst)
	}
	for i := burst; i < 40; i++ {
		if err := read(fmt.Sprintf("U0P%02d", i), 5*time.Second); err != nil {
			t.Errorf("read %d, within a 5 s budget: %v", i, err)
		}
	}
	if n := ratelimited(fake, "users.info"); n != 0 {
		t.Errorf("%d users.info calls answered 429, want none: the pacer keeps the tier", n)
	}
	// The first paced read had the slot the refused one did not take.
	if want := time.Duration(40-burst) * 650 * time.Millisecond; *waited != want {
		t.Errorf("%d reads past the burst waited %v in all, want %v", 40-burst, *waited, want)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Error("a read not made for the tier reads as a deadline")
	}
	// A read waiting for its slot when Slack answers another read 429
	// (say another replica's burst emptied the tier) is held too.
	dir.sleep = func(ctx context.Context, d time.Duration) error {
		dir.hold(2 * time.Second)
		clock.Advance(d)
		return ctx.Err()
	}
	calls := len(fake.CallsTo("users.info"))
	if err := read("U0P00", 5*time.Second); !isRateLimited(err) {
		t.Errorf("a read whose slot came during a hold: %v, want rate limited", err)
	}
	if n := len(fake.CallsTo("users.info")); n != calls {
		t.Errorf("%d users.info calls during a hold, want none", n-calls)
	}
}

// UserInfoNow reads only when users.info's tier has room at once: past
// the burst it answers rate limited, with the next slot, without waiting
// for it, calling Slack, or booking the slot that a read that may wait
// then takes.
func TestUsersInfoNowDoesNotWaitForItsSlot(t *testing.T) {
	clock, fake, dir, waited := pacedDirectory(t, 22)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	burst := outbox.SlackLimits().Method[usersInfo].Burst
	for i := range burst {
		if _, err := dir.UserInfoNow(ctx, fmt.Sprintf("U0P%02d", i)); err != nil {
			t.Fatalf("read %d within the burst: %v", i, err)
		}
	}
	_, err := dir.UserInfoNow(ctx, fmt.Sprintf("U0P%02d", burst))
	if u, ok := coaching.RateLimitedUntil(err); !ok || u.Sub(clock.Now()) != 650*time.Millisecond {
		t.Fatalf("a read now past the burst: %v, want rate limited for 650ms", err)
	}
	if *waited != 0 || len(fake.CallsTo("users.info")) != burst {
		t.Errorf("waited %v and made %d calls, want no wait and the burst's %d", *waited, len(fake.CallsTo("users.info")), burst)
	}
	if _, err := dir.UserInfo(ctx, fmt.Sprintf("U0P%02d", burst+1)); err != nil || *waited != 650*time.Millisecond {
		t.Errorf("a read that may wait, next: %v after %v, want it made after 650ms", err, *waited)
	}
}

// pacedDirectory is a Directory on a fake Slack at users.info's default
// tier, with n members U0P00..., booking its reads with the outbox's
// pacer on clock; waited adds up what its reads waited, the clock moved
// on by as much.
func pacedDirectory(t *testing.T, n int) (*fakeClock, *fakeslack.Server, *Directory, *time.Duration) {
	t.Helper()
	clock := &fakeClock{now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	fake := startRateFake(t, clock, n)
	pacer := outbox.NewPacer(outbox.SlackLimits(), clock.Now)
	dir := NewDirectory(fake.BotToken(), fake.APIURL(), nil, nil).WithPacer(pacer, clock.Now)
	waited := new(time.Duration)
	dir.sleep = func(ctx context.Context, d time.Duration) error {
		*waited += d
		clock.Advance(d)
		return ctx.Err()
	}
	return clock, fake, dir, waited
}

// UserInfoNow on a clock that runs, as the real one does between the
// Directory's read of it and the pacer's: a slot free now is taken, not
// refused as a wait. Each read refused so, with the burst unspent, made
// every profile Coachlog could vouch for (a roster entry, one read
// before) go unread on the ack path, whatever Slack's room.
func TestUsersInfoNowReadsOnARunningClock(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	running := func() time.Time { clock.Advance(time.Microsecond); return clock.Now() }
	fake := startRateFake(t, clock, 3)
	pacer := outbox.NewPacer(outbox.SlackLimits(), running)
	dir := NewDirectory(fake.BotToken(), fake.APIURL(), nil, nil).WithPacer(pacer, running)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i := range 3 {
		if _, err := dir.UserInfoNow(ctx, fmt.Sprintf("U0P%02d", i)); err != nil {
			t.Fatalf("read %d, Slack's burst unspent: %v", i, err)
		}
	}
}

// lateFirst is a transport whose first users.info call reaches Slack
// late by the clock: a cold connection's DNS, TCP and TLS handshakes,
// which the reads after it, on a connection kept alive, do not pay.
type lateFirst struct {
	clock *fakeClock
	late  time.Duration
	once  sync.Once
}

func (l *lateFirst) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/users.info") {
		l.once.Do(func() { l.clock.Advance(l.late) })
	}
	return http.DefaultTransport.RoundTrip(r)
}

// Slack counts a read when it arrives, not when its slot was booked. A
// burst's first read can arrive a cold connection's handshakes later than
// its slot while the read just past the burst, on a warm connection,
// arrives on time: at the tier's full burst and 50 ms a read under its
// rate, that read arrived within Slack's 600 ms of the first and was
// refused (a 429 that holds every read, and the captures waiting for
// them). The reads are all made, and none refused, for any such lateness
// up to the tier's interval.
func TestUsersInfoPastABurstThatArrivedLateIsNotRefused(t *testing.T) {
	for _, late := range []time.Duration{0, 60 * time.Millisecond, 300 * time.Millisecond, 600 * time.Millisecond} {
		t.Run(late.String(), func(t *testing.T) {
			clock := &fakeClock{now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
			fake := startRateFake(t, clock, 30)
			pacer := outbox.NewPacer(outbox.SlackLimits(), clock.Now)
			hc := &http.Client{Transport: &lateFirst{clock: clock, late: late}}
			dir := NewDirectory(fake.BotToken(), fake.APIURL(), hc, nil).WithPacer(pacer, clock.Now)
			dir.sleep = func(ctx context.Context, d time.Duration) error {
				clock.Advance(d)
				return ctx.Err()
			}
			for i := range 30 {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				_, err := dir.UserInfo(ctx, fmt.Sprintf("U0P%02d", i))
				cancel()
				if err != nil {
					t.Errorf("read %d: %v", i, err)
				}
			}
			if n := ratelimited(fake, "users.info"); n != 0 {
				t.Errorf("%d users.info calls answered 429, want none", n)
			}
		})
	}
}
