package slackbot

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// onEventCallback serves events: App Home opens and profile changes.
func (b *Bot) onEventCallback(ctx context.Context, cb eventCallback) {
	var ev innerEvent
	if err := json.Unmarshal(cb.Event, &ev); err != nil {
		b.log.Warn("skipped malformed event", "err", err)
		return
	}
	switch ev.Type {
	case "tokens_revoked", "app_uninstalled":
		b.onTokenGone(cb, ev.Type)
	case "app_home_opened":
		var userID string
		// app_home_opened fires for the Messages tab too; only Home is ours.
		if json.Unmarshal(ev.User, &userID) != nil || userID == "" || ev.Tab != "home" {
			return
		}
		// Recorded, for the replica that gets a rep's answer to refresh
		// this Home only while it may be looked at (coaching.HomeWatched).
		if err := b.svc.HomeOpened(ctx, userID); err != nil {
			b.log.Error("queue home publish failed", "user_id", userID, "err", err)
			return
		}
		b.outbox.Notify()
	case "user_change":
		// Slack sends the whole user; one without its profile would store
		// an empty zone and status and a "not deactivated", fresh for a
		// week, over what Slack last said.
		var u slackUser
		var whole struct {
			Profile json.RawMessage `json:"profile"`
			Updated unixTime        `json:"updated"`
		}
		err := json.Unmarshal(ev.User, &u)
		if err == nil {
			err = json.Unmarshal(ev.User, &whole)
		}
		if err != nil || u.ID == "" || len(whole.Profile) == 0 || string(whole.Profile) == "null" {
			b.log.Warn("skipped malformed user_change: not a whole user", "err", err)
			return
		}
		// Slack retries an event it thinks undelivered, and a retry may
		// come after a newer event: the profile is dated, so the store
		// keeps the newest. The event's time sets it apart from another
		// event even when the user's `updated` does not change.
		// Whether they are of another organisation is judged against the
		// app's workspace; unknown (Slack unreachable at start and now),
		// the event is dropped rather than stored as one of the company's
		// people: the next read of the profile stores it.
		// Within openedReadBudget, as the other reads after an ack: an
		// auth.test Slack sits on held each event's goroutine for the
		// transport's 15 s, and a burst of profile changes as many.
		wctx, cancel := context.WithTimeout(ctx, b.openReads)
		ws, err := b.home.Workspace(wctx)
		cancel()
		if err != nil {
			b.log.Warn("skipped user_change: the app's workspace is not known yet", "user_id", u.ID, "err", err)
			return
		}
		p := personOf(u, ws)
		p.ProfileAt = max(cb.EventTime, whole.Updated).time()
		if err := b.svc.ProfileChanged(ctx, p); err != nil {
			b.log.Error("profile update failed", "user_id", u.ID, "err", err)
		}
	case "grid_migration_finished":
		b.gridMigrated(ctx, ev.EnterpriseID)
	default:
		b.log.Debug("ignored event", "event_type", ev.Type)
	}
}

// EventsServed are the events the bot serves, which the app's manifest
// subscribes to (bot_events): Slack sends no other.
var EventsServed = append([]string{"app_home_opened", "user_change", "grid_migration_finished"}, LifecycleEvents...)

// gridMigrated learns, from auth.test, the Enterprise Grid organisation
// the workspace was migrated into (grid_migration_finished names it, but
// the app's view of its workspace is auth.test's), so that colleagues of
// the organisation's other workspaces are the company's people; and has
// the people judged of another organisation meanwhile judged again.
// Slack asks apps to hold off its API during a migration, so it has ended
// when this comes.
func (b *Bot) gridMigrated(ctx context.Context, enterpriseID string) {
	ws, err := b.home.Refresh(ctx)
	if err != nil {
		b.log.Error("the workspace was migrated into an Enterprise Grid organisation, and auth.test could not say which; "+
			"restart Coachlog so that it learns it", "enterprise_id", enterpriseID, "err", err)
		return
	}
	b.log.Info("the workspace was migrated into an Enterprise Grid organisation", "team_id", ws.TeamID,
		"enterprise_id", ws.EnterpriseID)
	n, err := b.svc.RejudgeOutsiders(ctx, ws.TeamID)
	if err != nil {
		b.log.Error("could not judge again who is of another organisation", "err", err)
		return
	}
	if n > 0 {
		b.log.Info("people of the workspace taken for another organisation's are the company's again", "people", n)
	}
}

// personOf reads what Coachlog keeps of a Slack profile, seen from the
// app's workspace ws.
func personOf(u slackUser, ws Workspace) coaching.Person {
	p := coaching.Person{ID: u.ID, Name: u.displayName(), Email: u.Profile.Email, SlackTZ: u.TZ,
		IsBot: u.IsBot || u.ID == slackbotID, Deleted: u.Deleted, External: ws.outside(u), TeamID: u.TeamID,
		Status: coaching.SlackStatus{Text: u.Profile.StatusText, Emoji: u.Profile.StatusEmoji}}
	if u.Profile.StatusExpiration > 0 {
		p.Status.Expires = time.Unix(u.Profile.StatusExpiration, 0).UTC()
	}
	return p
}

// unixTime is a Unix time in seconds as Slack writes it (event_time, a
// user's updated): a number, or sometimes a string of one. Anything else
// reads as unknown (zero) rather than making the event unreadable.
type unixTime int64

func (t *unixTime) UnmarshalJSON(b []byte) error {
	n, err := strconv.ParseInt(strings.Trim(string(b), `"`), 10, 64)
	if err != nil || n < 0 {
		n = 0
	}
	*t = unixTime(n)
	return nil
}

// time is t as a time, zero when unknown.
func (t unixTime) time() time.Time {
	if t <= 0 {
		return time.Time{}
	}
	return time.Unix(int64(t), 0).UTC()
}
