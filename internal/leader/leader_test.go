package leader_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/leader"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// clock is a test's clock, moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// openStore opens a real SQLite database, the one both contenders share.
func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "coachlog.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// failing is a store whose every call fails, as an unreachable database.
type failing struct{}

func (failing) TakeRole(context.Context, string, string, time.Time, time.Duration) (bool, error) {
	return false, errors.New("connection refused")
}
func (failing) ReleaseRole(context.Context, string, string) error {
	return errors.New("connection refused")
}

// switchable fails while down is set, else passes through.
type switchable struct {
	leader.Store
	down bool
}

func (s *switchable) TakeRole(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	if s.down {
		return failing{}.TakeRole(ctx, name, holder, now, ttl)
	}
	return s.Store.TakeRole(ctx, name, holder, now, ttl)
}

// Two replicas, a and b, contend for the role on one database and one
// clock: each step moves the clock, lets one of them tick (or give the role
// back) and says who must hold the role then.
func TestTakeRenewExpireTakeover(t *testing.T) {
	const ttl = 10 * time.Second // margin 2 s: a holder believes it holds for 8 s
	type step struct {
		name    string
		advance time.Duration
		who     string // "a" or "b" ticks; "a-release" gives the role back
		wantA   bool   // a's view after the step
		wantB   bool
		wantOK  bool // the ticker's result
	}
	for _, tt := range []struct {
		name  string
		steps []step
	}{
		{"take, then renew keeps it", []step{
			{"a takes a free role", 0, "a", true, false, true},
			{"b cannot while a's lease runs", time.Second, "b", true, false, false},
			{"a renews before the end", 5 * time.Second, "a", true, false, true},
			{"b still cannot, past a's first lease", 6 * time.Second, "b", true, false, false},
		}},
		{"a holder that stops renewing stops believing before its lease runs out", []step{
			{"a takes", 0, "a", true, false, true},
			{"8 s on, a no longer acts though the row is still a's", 8 * time.Second, "b", false, false, false},
			{"at 10 s the lease has run out: b takes over", 2 * time.Second, "b", false, true, true},
			{"a comes back and finds it taken", time.Second, "a", false, true, false},
		}},
		{"release hands over at once", []step{
			{"a takes", 0, "a", true, false, true},
			{"a gives it back", time.Second, "a-release", false, false, true},
			{"b takes at once", 0, "b", false, true, true},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
			mk := func(name string) *leader.Elector {
				return leader.New(leader.Config{Store: st, Role: "sender", Holder: name, TTL: ttl, Now: clk.now})
			}
			a, b := mk("a"), mk("b")
			ctx := context.Background()
			for _, s := range tt.steps {
				clk.add(s.advance)
				var ok bool
				var err error
				switch s.who {
				case "a":
					ok, err = a.Tick(ctx)
				case "b":
					ok, err = b.Tick(ctx)
				case "a-release":
					runCtx, cancel := context.WithCancel(ctx)
					cancel()
					a.Run(runCtx, func(bool) {})
					ok = true
				}
				if err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				if ok != s.wantOK || a.Held() != s.wantA || b.Held() != s.wantB {
					t.Fatalf("%s: tick %v, a holds %v, b holds %v; want %v, %v, %v", s.name, ok, a.Held(), b.Held(), s.wantOK, s.wantA, s.wantB)
				}
				if a.Held() && b.Held() {
					t.Fatalf("%s: both hold the role", s.name)
				}
			}
		})
	}
}

// A holder whose renewals fail (the database is gone) keeps acting only
// until its margin, and says why.
func TestFailedRenewalKeepsTheRoleOnlyUntilTheMargin(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	st := &switchable{Store: openStore(t)}
	e := leader.New(leader.Config{Store: st, Role: "sender", Holder: "a", TTL: 10 * time.Second, Now: clk.now})
	ctx := context.Background()
	if ok, err := e.Tick(ctx); !ok || err != nil {
		t.Fatalf("first take: %v %v", ok, err)
	}
	st.down = true
	clk.add(5 * time.Second)
	if ok, err := e.Tick(ctx); !ok || err == nil {
		t.Fatalf("a failed renewal inside the lease: held %v, err %v; want held and an error", ok, err)
	}
	clk.add(3 * time.Second)
	if e.Held() {
		t.Fatal("still held 8 s after the last renewal of a 10 s lease")
	}
}

// Many contenders ticking at once on one database: at every moment at most
// one believes it holds the role, and one does.
func TestContendersNeverBothHold(t *testing.T) {
	st := openStore(t)
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	var es []*leader.Elector
	for _, n := range []string{"a", "b", "c", "d"} {
		es = append(es, leader.New(leader.Config{Store: st, Role: "sender", Holder: n, TTL: 10 * time.Second, Now: clk.now}))
	}
	ctx := context.Background()
	for round := range 40 {
		var wg sync.WaitGroup
		for _, e := range es {
			wg.Go(func() {
				if _, err := e.Tick(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		holders := 0
		for _, e := range es {
			if e.Held() {
				holders++
			}
		}
		if holders != 1 {
			t.Fatalf("round %d: %d hold the role, want exactly 1", round, holders)
		}
		clk.add(3 * time.Second) // every lease a holder renews stays; none runs out
	}
}

// A holder that was a process of this host and is gone is replaced at
// once, without waiting out its lease; one of another host, or alive, or
// unreadable, is waited out.
func TestDeadHolderOfThisHostIsReplacedAtOnce(t *testing.T) {
	host, err := os.Hostname()
	if err != nil {
		t.Skip("no host name")
	}
	done := exec.Command("true")
	if err := done.Run(); err != nil {
		t.Skip("cannot run true:", err)
	}
	deadPID := done.Process.Pid
	for _, tt := range []struct {
		name   string
		holder string
		want   bool
	}{
		{"dead, this host", fmt.Sprintf("%s/%d/abc", host, deadPID), true},
		{"dead pid, another host", fmt.Sprintf("elsewhere/%d/abc", deadPID), false},
		{"alive, this host", fmt.Sprintf("%s/%d/abc", host, os.Getppid()), false},
		{"unreadable", "someone", false},
		{"this process, another contender", leader.HolderName(), false},
		{"a former process with this pid", fmt.Sprintf("%s/%d/00000000-1", host, os.Getpid()), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
			ctx := context.Background()
			if ok, err := st.TakeRole(ctx, "sender", tt.holder, clk.now(), time.Minute); !ok || err != nil {
				t.Fatal(ok, err)
			}
			e := leader.New(leader.Config{Store: st, Role: "sender", TTL: time.Minute, Now: clk.now})
			ok, err := e.Tick(ctx)
			if err != nil || ok != tt.want {
				t.Fatalf("took the role from %s: %v (%v), want %v", tt.holder, ok, err, tt.want)
			}
		})
	}
}

// Run tells its caller when the role is gained, and when the database
// stops answering, that it is lost by the time the lease it holds would
// run out, without waiting for a renewal that cannot come; stopping, it
// gives the role back.
func TestRunStopsActingWhenRenewalsFail(t *testing.T) {
	st := &lockedSwitch{s: &switchable{Store: openStore(t)}}
	const ttl = 300 * time.Millisecond
	e := leader.New(leader.Config{Store: st, Role: "sender", Holder: "a", TTL: ttl, Renew: time.Hour})
	changes := make(chan bool, 4)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.Run(ctx, func(h bool) { changes <- h }) }()
	next := func(within time.Duration) (bool, time.Duration) {
		t.Helper()
		start := time.Now()
		select {
		case h := <-changes:
			return h, time.Since(start)
		case <-time.After(within):
			t.Fatalf("no role change within %s", within)
			return false, 0
		}
	}
	if h, _ := next(5 * time.Second); !h {
		t.Fatal("first change lost the role, want gained")
	}
	st.setDown()
	// Renew is an hour: only the wake at the lease's end can notice.
	if h, took := next(5 * time.Second); h || took > ttl+time.Second {
		t.Fatalf("after the database went away: held %v, noticed after %s; want lost within the %s lease", h, took, ttl)
	}
	cancel()
	<-done
}

// lockedSwitch is switchable, safe while Run's goroutine calls it.
type lockedSwitch struct {
	mu sync.Mutex
	s  *switchable
}

func (l *lockedSwitch) setDown() { l.mu.Lock(); defer l.mu.Unlock(); l.s.down = true }
func (l *lockedSwitch) TakeRole(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.s.TakeRole(ctx, name, holder, now, ttl)
}
func (l *lockedSwitch) TakeRoleFrom(ctx context.Context, name, holder, from string, now time.Time, ttl time.Duration) (bool, error) {
	return l.s.Store.TakeRoleFrom(ctx, name, holder, from, now, ttl)
}
func (l *lockedSwitch) ReleaseRole(ctx context.Context, name, holder string) error {
	return l.s.Store.ReleaseRole(ctx, name, holder)
}
func (l *lockedSwitch) RoleHolder(ctx context.Context, name string) (string, time.Time, error) {
	return l.s.Store.RoleHolder(ctx, name)
}

// flaky fails its first fail calls to TakeRole, then passes through.
type flaky struct {
	leader.Store
	mu    sync.Mutex
	fail  int
	calls int
}

func (f *flaky) TakeRole(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	f.mu.Lock()
	f.calls++
	down := f.calls <= f.fail
	f.mu.Unlock()
	if down {
		return failing{}.TakeRole(ctx, name, holder, now, ttl)
	}
	return f.Store.TakeRole(ctx, name, holder, now, ttl)
}

// During a database outage Run warned at every tick (every 5 s, for as
// long as it lasted). It warns at the first failure, counts the others,
// and says once it works again how many failed and over how long.
func TestRunLogsAnOutageOnceAndItsEnd(t *testing.T) {
	var logs lockedLog
	clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	st := &flaky{Store: openStore(t), fail: 6}
	e := leader.New(leader.Config{Store: st, Role: "sender", Holder: "a", Renew: time.Millisecond,
		Now: func() time.Time { clk.add(time.Second); return clk.now() }, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.Run(ctx, func(bool) {}) }()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "recovered after 6 failures") && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	cancel()
	<-done
	out := logs.String()
	if n := strings.Count(out, "could not renew or take a role"); n != 1 {
		t.Errorf("%d lines warn of a failed tick, want 1:\n%s", n, out)
	}
	if !strings.Contains(out, "renewing or taking the sender role: recovered after 6 failures over ") {
		t.Errorf("no line says the ticks recovered:\n%s", out)
	}
}

// lockedLog is a log a test reads while Run writes it.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A Check that fails ends Run as a cancelled context would: the holder
// stops acting, gives the role back so another replica takes it at once,
// and Run returns, with ctx still live. Checks that pass change nothing.
func TestRunEndsWhenCheckFails(t *testing.T) {
	st := openStore(t)
	var mu sync.Mutex
	checks := 0
	e := leader.New(leader.Config{Store: st, Role: "sender", Holder: "a", Renew: time.Millisecond,
		Check: func(context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			checks++
			if checks == 5 {
				return errors.New("the database is newer")
			}
			return nil
		}})
	var changes []bool
	done := make(chan struct{})
	go func() { defer close(done); e.Run(context.Background(), func(h bool) { changes = append(changes, h) }) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run went on after its Check failed")
	}
	if fmt.Sprint(changes) != "[true false]" {
		t.Errorf("role changes %v, want gained then lost", changes)
	}
	if checks != 5 {
		t.Errorf("Check called %d times, want 5 (Run stops at the failing one)", checks)
	}
	if e.Held() {
		t.Error("still believes it holds the role")
	}
	b := leader.New(leader.Config{Store: st, Role: "sender", Holder: "b"})
	if ok, err := b.Tick(context.Background()); err != nil || !ok {
		t.Errorf("another replica's take after the stop: %v, %v; want the role given back at once", ok, err)
	}
}

// hanging is a store whose TakeRole, once hang is set, answers only when
// its context ends, as a database that holds a lock or a stalled
// connection to PostgreSQL. It records the last lease it wrote, and how
// long a hanging call was given.
type hanging struct {
	leader.Store
	mu       sync.Mutex
	hang     bool
	leaseEnd time.Time     // now+ttl of the last lease written
	given    time.Duration // the hanging call's time left, as it began; -1: no deadline
}

func (h *hanging) setHang() { h.mu.Lock(); defer h.mu.Unlock(); h.hang = true }

func (h *hanging) lease() (time.Time, time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.leaseEnd, h.given
}

func (h *hanging) TakeRole(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	h.mu.Lock()
	if h.hang {
		h.given = -1
		if d, ok := ctx.Deadline(); ok {
			h.given = time.Until(d)
		}
		h.mu.Unlock()
		<-ctx.Done()
		return false, ctx.Err()
	}
	h.mu.Unlock()
	ok, err := h.Store.TakeRole(ctx, name, holder, now, ttl)
	if ok && err == nil {
		h.mu.Lock()
		h.leaseEnd = now.Add(ttl)
		h.mu.Unlock()
	}
	return ok, err
}

// A take or renewal that hangs is given only the time left on the held
// lease less the margin (TTL-Margin when none is held): with no end of its
// own, a holder on a hanging database acted as the sender past its lease,
// while another replica could take the role.
func TestTickOnAHangingDatabaseEndsBeforeTheLease(t *testing.T) {
	const ttl = 300 * time.Millisecond // margin 60 ms
	for _, tt := range []struct {
		name    string
		holding bool
		elapsed time.Duration // since the lease was taken
		want    time.Duration // the most the attempt may be given
	}{
		{"renewing", true, 100 * time.Millisecond, 140 * time.Millisecond},
		{"taking", false, 0, 240 * time.Millisecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
			st := &hanging{Store: openStore(t)}
			e := leader.New(leader.Config{Store: st, Role: "sender", Holder: "a", TTL: ttl, Now: clk.now})
			if tt.holding {
				if ok, err := e.Tick(context.Background()); !ok || err != nil {
					t.Fatalf("first tick = %v, %v; want the role", ok, err)
				}
			}
			clk.add(tt.elapsed)
			st.setHang()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := e.Tick(ctx)
			if _, given := st.lease(); given < 0 || given > tt.want || err == nil {
				t.Fatalf("the hanging attempt was given %s (-1: no end) and returned %v; want at most %s, and an error", given, err, tt.want)
			}
		})
	}
}

// Run on a database that hangs steps the holder down by the end of the
// lease it holds: it is not held in a renewal that never answers. The
// clock runs from a fixed day at the real clock's pace (Run's timers and
// the attempt's deadline are real); the margin, 200 ms, is the slack
// for a loaded machine.
func TestRunStepsDownWhenARenewalHangs(t *testing.T) {
	st := &hanging{Store: openStore(t)}
	base, start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), time.Now()
	now := func() time.Time { return base.Add(time.Since(start)) }
	e := leader.New(leader.Config{Store: st, Role: "sender", Holder: "a", TTL: time.Second, Renew: 20 * time.Millisecond, Now: now})
	type change struct {
		held bool
		at   time.Time
	}
	changes := make(chan change, 4)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done })
	go func() { defer close(done); e.Run(ctx, func(h bool) { changes <- change{h, now()} }) }()
	next := func() change {
		t.Helper()
		select {
		case c := <-changes:
			return c
		case <-time.After(5 * time.Second):
			t.Fatal("no role change within 5s")
			return change{}
		}
	}
	if c := next(); !c.held {
		t.Fatal("first change lost the role, want gained")
	}
	st.setHang()
	c := next()
	leaseEnd, _ := st.lease()
	if c.held || c.at.After(leaseEnd) {
		t.Fatalf("after renewals began to hang: held %v at %s; want lost by the lease's end, %s", c.held, c.at.Format(time.StampMilli), leaseEnd.Format(time.StampMilli))
	}
}
