// Package leader elects, among the replicas sharing one database, the one
// that holds a role (the outbox's sender), as a lease row in the database:
// the holder renews it well before it runs out; a holder that dies stops
// renewing and another replica takes the role once the lease has run out.
//
// The holder believes it holds the role only until Margin before the lease
// it last wrote runs out, so that it stops acting before any other replica
// can take over, even when its renewals fail (the database is unreachable)
// or the clocks of the hosts differ by less than Margin.
package leader

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coachlog/coachlog/internal/failrun"
)

// Store keeps the lease rows. TakeRole must decide in one statement: it
// succeeds when holder holds the role already or the lease has run out by
// now, and then sets it to run out at now+ttl.
type Store interface {
	TakeRole(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error)
	// TakeRoleFrom takes the role from holder from, whatever its lease,
	// if from still holds it.
	TakeRoleFrom(ctx context.Context, name, holder, from string, now time.Time, ttl time.Duration) (bool, error)
	ReleaseRole(ctx context.Context, name, holder string) error
	// RoleHolder says who holds the role and until when ("" when nobody
	// ever took it).
	RoleHolder(ctx context.Context, name string) (string, time.Time, error)
}

// Defaults for Config's zero values.
const (
	DefaultTTL = 15 * time.Second
)

// Config sets up an Elector.
type Config struct {
	Store  Store
	Role   string        // the row's name, e.g. "sender"
	Holder string        // this replica's name; HolderName() when empty
	TTL    time.Duration // how long a lease lasts (DefaultTTL when zero)
	// Renew is how often the holder renews, and a contender tries (TTL/3
	// when zero).
	Renew time.Duration
	// Margin is how long before its lease runs out the holder stops
	// believing it holds the role (TTL/5 when zero).
	Margin time.Duration
	Now    func() time.Time
	Logger *slog.Logger
	// Check, when set, is called by Run before each attempt to take or
	// renew the role, so on the lease's own period: an error from it ends
	// Run as the end of ctx does (the role stopped and given back). serve
	// reads the database's schema version there, and a replica finds that
	// a newer one migrated the database within a Renew, with no loop of
	// its own. Check must return soon: it delays the renewal.
	Check func(ctx context.Context) error
}

// Elector takes and keeps one role for this replica.
type Elector struct {
	cfg Config

	mu    sync.Mutex
	until time.Time        // the holder believes it holds the role before this; zero: not held
	fails failrun.Incident // Run's failed ticks, logged once an incident
}

// New returns an Elector for cfg.
func New(cfg Config) *Elector {
	if cfg.Holder == "" {
		cfg.Holder = HolderName()
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.Renew <= 0 {
		cfg.Renew = cfg.TTL / 3
	}
	if cfg.Margin <= 0 {
		cfg.Margin = cfg.TTL / 5
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Elector{cfg: cfg}
}

// processTag tells this process from a former one that had its pid (in a
// container, every process is pid 1). It is set once and never changes.
var processTag = fmt.Sprintf("%08x", rand.Uint32())

// HolderName names a contender on the lease rows: its host, its pid, this
// process's tag and a random part, so that a reused pid is another holder
// and two contenders in one process (a command beside serve, in tests)
// are told apart but never taken for dead.
func HolderName() string { return HolderNameOn("") }

// HolderNameOn is HolderName with host naming the machine ("": its host
// name), for tests that play several hosts on one.
func HolderNameOn(host string) string {
	if host == "" {
		h, err := os.Hostname()
		if err != nil {
			h = "unknown"
		}
		host = h
	}
	return fmt.Sprintf("%s/%d/%s-%x", host, os.Getpid(), processTag, rand.Uint32())
}

// Holder is this replica's name on the lease.
func (e *Elector) Holder() string { return e.cfg.Holder }

// Held reports whether this replica holds the role now.
func (e *Elector) Held() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cfg.Now().Before(e.until)
}

// Tick takes or renews the role once and reports whether this replica holds
// it. A failed attempt leaves what was held until it runs out.
//
// The attempt has until the held lease runs out (less Margin) to answer,
// and TTL-Margin when nothing is held (a lease taken later would be gone
// as it was written): on a database that hangs (a lock held, a network
// stall) an attempt with no end held Run past the lease's end, and the
// holder went on sending while another replica could take the role.
func (e *Elector) Tick(ctx context.Context) (bool, error) {
	now := e.cfg.Now()
	ctx, cancel := context.WithTimeout(ctx, e.attemptFor(now))
	defer cancel()
	ok, err := e.cfg.Store.TakeRole(ctx, e.cfg.Role, e.cfg.Holder, now, e.cfg.TTL)
	if err == nil && !ok {
		ok, err = e.takeFromDead(ctx, now)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err != nil {
		return e.cfg.Now().Before(e.until), fmt.Errorf("take the %s role: %w", e.cfg.Role, err)
	}
	if ok {
		e.until = now.Add(e.cfg.TTL - e.cfg.Margin)
	} else {
		e.until = time.Time{}
	}
	return ok, nil
}

// attemptFor is how long an attempt at now may take: until the held lease
// runs out, less Margin; TTL-Margin when nothing is held.
func (e *Elector) attemptFor(now time.Time) time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	if left := e.until.Sub(now); left > 0 {
		return left
	}
	return e.cfg.TTL - e.cfg.Margin
}

// takeFromDead takes the role at once from a holder that was a process of
// this host and is gone (kill -9, a crash): a restart on one host need not
// wait out the lease. Holders on other hosts are waited out.
func (e *Elector) takeFromDead(ctx context.Context, now time.Time) (bool, error) {
	holder, _, err := e.cfg.Store.RoleHolder(ctx, e.cfg.Role)
	if err != nil || !deadHolder(holder, e.cfg.Holder) {
		return false, err
	}
	ok, err := e.cfg.Store.TakeRoleFrom(ctx, e.cfg.Role, e.cfg.Holder, holder, now, e.cfg.TTL)
	if ok {
		e.cfg.Logger.Info("took a role from a process of this host that is gone", "role", e.cfg.Role, "from", holder)
	}
	return ok, err
}

// deadHolder reports whether holder names a process of self's host that no
// longer runs. One with this process's pid but another process's tag is a
// former process.
func deadHolder(holder, self string) bool {
	if holder == "" || holder == self {
		return false
	}
	host, pid, ok := parseHolder(holder)
	selfHost, _, selfOK := parseHolder(self)
	if !ok || !selfOK || host != selfHost {
		return false
	}
	if pid == os.Getpid() {
		_, tag, _ := cutLast(holder, "/")
		return !strings.HasPrefix(tag, processTag+"-")
	}
	return !processAlive(pid)
}

// parseHolder reads host/pid/random, as HolderName writes it.
func parseHolder(h string) (host string, pid int, ok bool) {
	rest, _, found := cutLast(h, "/")
	if !found {
		return "", 0, false
	}
	host, pidText, found := cutLast(rest, "/")
	pid, err := strconv.Atoi(pidText)
	if !found || err != nil || pid <= 0 || host == "" {
		return "", 0, false
	}
	return host, pid, true
}

func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}

// HeldFor is how much longer this replica may act as the holder without
// renewing; zero when it does not hold the role.
func (e *Elector) HeldFor() time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return max(e.until.Sub(e.cfg.Now()), 0)
}

// logTick logs a database incident once, not at every tick: during a
// PostgreSQL outage the warning came every Renew (5 s) for as long as it
// lasted. Its first failure is logged, the others counted, and the tick
// that works again says how many failed and over how long.
func (e *Elector) logTick(ctx context.Context, err error) {
	switch {
	case err == nil:
		if n, lasted, ended := e.fails.OK(e.cfg.Now()); ended {
			e.cfg.Logger.Info(failrun.Recovered("renewing or taking the "+e.cfg.Role+" role", n, lasted),
				"role", e.cfg.Role, "failures", n, "failing_for", lasted)
		}
	case ctx.Err() != nil: // stopping, not failing
	case e.fails.Fail(e.cfg.Now()):
		e.cfg.Logger.Warn("could not renew or take a role; retrying", "role", e.cfg.Role, "err", err)
	}
}

// Run takes and renews the role until ctx ends or Check fails, calling
// onChange from its own goroutine each time this replica gains or loses
// it; then, holding it, calls onChange(false) and gives it back (release
// has its own short deadline, as ctx is over). It wakes every Renew, and
// at the moment the held lease would run out, so a holder whose renewals
// fail stops in time.
func (e *Elector) Run(ctx context.Context, onChange func(held bool)) {
	held := false
	set := func(h bool) {
		if h != held {
			held = h
			e.cfg.Logger.Info("role changed", "role", e.cfg.Role, "held", h, "holder", e.cfg.Holder)
			onChange(h)
		}
	}
	for {
		if e.cfg.Check != nil && e.cfg.Check(ctx) != nil {
			break
		}
		h, err := e.Tick(ctx)
		e.logTick(ctx, err)
		if ctx.Err() != nil {
			break
		}
		set(h)
		wait := e.cfg.Renew
		if left := e.HeldFor(); held && left < wait {
			wait = max(left, time.Millisecond)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
		if ctx.Err() != nil {
			break
		}
		set(e.Held())
	}
	// Tick may have taken the role as ctx ended: give it back either way;
	// a release of a role held by another changes nothing.
	set(false)
	e.Release()
}

// Release gives the role back now, if this replica holds it, so that
// another takes it at once; a command that held it to deliver calls it
// when done.
func (e *Elector) Release() {
	e.mu.Lock()
	e.until = time.Time{}
	e.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := e.cfg.Store.ReleaseRole(ctx, e.cfg.Role, e.cfg.Holder); err != nil {
		e.cfg.Logger.Warn("could not give a role back; it runs out on its own", "role", e.cfg.Role, "err", err)
	}
}
