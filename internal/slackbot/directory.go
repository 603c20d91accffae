package slackbot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
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
}

var (
	_ coaching.Directory = (*Directory)(nil)
	_ roster.Directory   = (*Directory)(nil)
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
	return &Directory{api: slack.New(botToken, slack.OptionAPIURL(apiURL), slack.OptionHTTPClient(hc)), home: home, sleep: sleepCtx}
}

// UserInfo reads one member's profile. Slack's user_not_found comes back as
// a domain ENotFound, so the domain can tell "no such member" from "Slack
// did not answer". A profile can't be judged without the app's workspace:
// when auth.test can't say, the read fails as Slack failing would.
func (d *Directory) UserInfo(ctx context.Context, id string) (coaching.Person, error) {
	ws, err := d.home.Workspace(ctx)
	if err != nil {
		return coaching.Person{}, fmt.Errorf("users.info %s: %w", id, err)
	}
	u, err := d.api.GetUserInfoContext(ctx, id)
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
