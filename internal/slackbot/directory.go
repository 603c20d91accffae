package slackbot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
	"github.com/coachlog/coachlog/internal/roster"
)

// Directory reads people from Slack: one profile (users.info) for people
// first named in a session, or the whole workspace (paged users.list) for a
// roster import.
type Directory struct {
	api  *slack.Client
	home *Home // who is of the app's organisation
	// sleep waits out a 429's Retry-After, or returns ctx's error first.
	// Tests move a fake Slack's clock instead of waiting for the real one.
	sleep func(ctx context.Context, d time.Duration) error
	now   func() time.Time
	pacer ReadPacer // nil: users.info unpaced, held only by its own 429s

	mu       sync.Mutex
	heldTill time.Time // no users.info call before: a 429's Retry-After
}

// ReadPacer books users.info's slots under its tier: the outbox's pacer,
// which a process shares among everything that calls Slack.
type ReadPacer interface {
	// BookMethodBy takes the earliest slot method's limit and holds
	// allow, not before notBefore, if it is no later than latest.
	BookMethodBy(method string, notBefore, latest time.Time) (time.Time, bool)
	// Hold stops calls of method for d, as a 429's Retry-After asks.
	Hold(method string, d time.Duration)
}

var _ ReadPacer = (*outbox.Pacer)(nil)

const usersInfo = "users.info"

// readAnswerTime is what a users.info call is left to be answered in:
// a slot later than that before the caller's deadline is not taken, as
// the answer would come too late to be read and the call spend the tier
// for nothing.
const readAnswerTime = 200 * time.Millisecond

// readWait bounds the wait for a users.info slot when the caller set no
// deadline (a refresh off the ack path): such a read is a nicety (a
// profile read early so that a submission need not), not worth queuing
// behind a burst for.
const readWait = time.Second

// nowSlack is how late a slot may be and still be "now" for a read that
// does not wait (UserInfoNow): the pacer reads the clock after the
// Directory did, and a running clock has moved on between the two reads,
// so a slot free at once is a little later than the Directory's now.
const nowSlack = time.Millisecond

// clockStep is the longest a wait for a slot sleeps before looking at the
// clock again: slots are times on the injected clock, which a test moves.
const clockStep = 50 * time.Millisecond

var (
	_ coaching.Directory    = (*Directory)(nil)
	_ coaching.NowDirectory = (*Directory)(nil)
	_ roster.Directory      = (*Directory)(nil)
)

// NewDirectory returns a Directory using the bot token, telling the
// company's people from others by home (nil: a Home of its own, asking
// auth.test when first needed).
func NewDirectory(botToken, apiURL string, hc *http.Client, home *Home) *Directory {
	if hc == nil {
		hc = http.DefaultClient
	}
	if home == nil {
		home = NewHome(botToken, apiURL, hc, Workspace{})
	}
	return &Directory{api: slack.New(botToken, slack.OptionAPIURL(apiURL), slack.OptionHTTPClient(hc)), home: home, sleep: sleepCtx,
		now: time.Now}
}

// WithPacer has d book each users.info call with p, on the clock now, and
// tell p of a 429, so that a burst of reads (a launch morning's first
// captures) is spread within Slack's tier rather than refused. It is
// wiring, called before d is used; it returns d.
func (d *Directory) WithPacer(p ReadPacer, now func() time.Time) *Directory {
	d.pacer, d.now = p, now
	return d
}

// UserInfo reads one member's profile. Slack's user_not_found comes back as
// a domain ENotFound, so the domain can tell "no such member" from "Slack
// did not answer". A profile can't be judged without the app's workspace:
// when auth.test can't say, the read fails as Slack failing would.
//
// Slack's rate limit comes back as a *coaching.RateLimited saying when to
// ask again, and is kept: a 429 holds users.info for its Retry-After, and
// until then every read fails so at once, without a call (each call would
// only be refused, and counted against the tier). With a pacer, a read
// waits for its slot when that comes within the caller's deadline (ctx's,
// less the answer's time; readWait without one), and is not made
// otherwise.
func (d *Directory) UserInfo(ctx context.Context, id string) (coaching.Person, error) {
	return d.userInfo(ctx, id, true)
}

// UserInfoNow is UserInfo made only if users.info's tier has room at
// once: no wait for a slot (coaching.NowDirectory). A profile Coachlog can
// vouch for without it (a roster entry, one read before) is read on the
// ack path only when that costs no wait.
func (d *Directory) UserInfoNow(ctx context.Context, id string) (coaching.Person, error) {
	return d.userInfo(ctx, id, false)
}

func (d *Directory) userInfo(ctx context.Context, id string, wait bool) (coaching.Person, error) {
	ws, err := d.home.Workspace(ctx)
	if err != nil {
		return coaching.Person{}, fmt.Errorf("users.info %s: %w", id, err)
	}
	if err := d.paceRead(ctx, wait); err != nil {
		return coaching.Person{}, fmt.Errorf("users.info %s: %w", id, err)
	}
	u, err := d.api.GetUserInfoContext(ctx, id)
	if rl, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		return coaching.Person{}, fmt.Errorf("users.info %s: %w", id, &coaching.RateLimited{Until: d.hold(rl.RetryAfter), Err: err})
	}
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok && se.Err == "user_not_found" {
		return coaching.Person{}, fmt.Errorf("users.info %s: %w", id, coaching.Errorf(coaching.ENotFound, "%s is not a member of this workspace.", id))
	}
	if err != nil {
		return coaching.Person{}, fmt.Errorf("users.info %s: %w", id, err)
	}
	p := personOf(slackUserOf(*u), ws)
	p.ProfileAt = unixTime(u.Updated).time()
	return p, nil
}

// paceRead waits for a users.info call's turn: none while a 429 holds the
// method; with a pacer, the slot it books, if that comes in time (now,
// unless wait).
func (d *Directory) paceRead(ctx context.Context, wait bool) error {
	now := d.now()
	if err := d.held(now); err != nil {
		return err
	}
	if d.pacer == nil {
		return nil
	}
	// ctx's deadline is on the real clock; the slots are on d.now's.
	budget := readWait
	if dl, ok := ctx.Deadline(); ok {
		budget = time.Until(dl) - readAnswerTime
	}
	if !wait {
		budget = min(budget, nowSlack)
	}
	at, ok := d.pacer.BookMethodBy(usersInfo, now, now.Add(budget))
	switch {
	case !ok && !at.After(now): // a slot now, but no time left to use it
		return fmt.Errorf("no time left for a call: %w", context.DeadlineExceeded)
	case !ok:
		return &coaching.RateLimited{Until: at}
	}
	if err := sleepUntil(ctx, d.now, d.sleep, at); err != nil {
		return fmt.Errorf("waiting for a slot under the tier: %w", err)
	}
	// A 429 answered to another read while this one waited holds it too:
	// its slot was booked before Slack said to stop.
	return d.held(d.now())
}

// sleepUntil waits until at on the clock now, sleeping at most clockStep
// at a time, or returns ctx's error first: a test moves the clock, not
// the sleep, so the clock is looked at again after each step.
func sleepUntil(ctx context.Context, now func() time.Time, sleep func(context.Context, time.Duration) error, at time.Time) error {
	for {
		wait := at.Sub(now())
		if wait <= 0 {
			return nil
		}
		if err := sleep(ctx, min(wait, clockStep)); err != nil {
			return err
		}
	}
}

// held returns a *coaching.RateLimited while a 429 holds users.info.
func (d *Directory) held(now time.Time) error {
	d.mu.Lock()
	until := d.heldTill
	d.mu.Unlock()
	if until.After(now) {
		return &coaching.RateLimited{Until: until}
	}
	return nil
}

// hold stops users.info calls for retryAfter, as Slack's 429 asks, in
// this Directory and in the pacer, and returns when the hold ends.
func (d *Directory) hold(retryAfter time.Duration) time.Time {
	until := d.now().Add(retryAfter)
	d.mu.Lock()
	if until.After(d.heldTill) {
		d.heldTill = until
	}
	d.mu.Unlock()
	if d.pacer != nil {
		d.pacer.Hold(usersInfo, retryAfter)
	}
	return until
}

// membersPageLimit is the most members asked of one users.list page, the
// maximum Slack documents. users.list is Tier 2 (about 20 calls a minute),
// so on a large workspace the calls, not the page size, take the time:
// 100,000 members are 100 calls at best, five minutes of allowance.
const membersPageLimit = 1000

// Members lists every member of the workspace, deactivated ones and bots
// included, in one paged pass over users.list. Slack may answer a page
// shorter than asked before the end; only an empty next_cursor ends it.
// Each 429 is waited out (Retry-After) and the same page asked again, for
// as long as ctx allows. The pass is slack-go's GetUsersContext but for
// the wait, which that sleeps on the real clock with no way in for a test.
func (d *Directory) Members(ctx context.Context) ([]roster.Member, error) {
	ws, err := d.home.Workspace(ctx)
	if err != nil {
		return nil, fmt.Errorf("users.list: %w", err)
	}
	var users []slack.User
	page := d.api.GetUsersPaginated(slack.GetUsersOptionLimit(membersPageLimit))
	for {
		next, err := page.Next(ctx)
		if rl, ok := errors.AsType[*slack.RateLimitedError](err); ok {
			if err := d.sleep(ctx, rl.RetryAfter); err != nil {
				return nil, fmt.Errorf("users.list: waiting out a rate limit after %d members: %w", len(users), err)
			}
			continue
		}
		if page.Done(err) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("users.list: %w", err)
		}
		users, page = append(users, next.Users...), next
	}
	out := make([]roster.Member, 0, len(users))
	for _, u := range users {
		p := personOf(slackUserOf(u), ws)
		out = append(out, roster.Member{ID: p.ID, Email: p.Email, Name: p.Name, TZ: p.SlackTZ, IsBot: p.IsBot, Deleted: p.Deleted,
			External: p.External, ProfileAt: unixTime(u.Updated).time()})
	}
	return out, nil
}

func slackUserOf(u slack.User) slackUser {
	su := slackUser{ID: u.ID, Name: u.Name, RealName: u.RealName, TZ: u.TZ, IsBot: u.IsBot, Deleted: u.Deleted,
		TeamID: u.TeamID, IsStranger: u.IsStranger}
	su.Enterprise.EnterpriseID = u.Enterprise.EnterpriseID
	su.Profile.Email, su.Profile.RealName, su.Profile.DisplayName = u.Profile.Email, u.Profile.RealName, u.Profile.DisplayName
	su.Profile.StatusText, su.Profile.StatusEmoji, su.Profile.StatusExpiration = u.Profile.StatusText, u.Profile.StatusEmoji, int64(u.Profile.StatusExpiration)
	return su
}
