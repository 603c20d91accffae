package slackbot

import (
	"encoding/json"
	"errors"

	"github.com/coachlog/coachlog/internal/outbox"
)

// LifecycleEvents are the events Slack sends about the app's install
// itself, which the bot serves and the manifest subscribes to (Slack
// sends them only then; they need no scope).
var LifecycleEvents = []string{"tokens_revoked", "app_uninstalled"}

// RevokedEvent is Slack's word, by an event, that the bot token is gone:
// the app uninstalled (app_uninstalled) or its bot token revoked
// (tokens_revoked).
type RevokedEvent struct{ Event string }

func (e RevokedEvent) Error() string {
	if e.Event == "app_uninstalled" {
		return "Slack says the app was uninstalled (app_uninstalled)"
	}
	return "Slack says the bot token was revoked (" + e.Event + ")"
}

// StopCode says what stopped delivery, in err: Slack's error code
// (token_revoked), or the event that said the token was gone
// (app_uninstalled, tokens_revoked); "" when neither.
func StopCode(err error) string {
	if re, ok := errors.AsType[RevokedEvent](err); ok {
		return re.Event
	}
	return SlackErrorCode(err)
}

// onTokenGone serves tokens_revoked
// (https://docs.slack.dev/reference/events/tokens_revoked: tokens lists,
// by kind, the user ids whose tokens went, "bot" for bot users) and
// app_uninstalled (https://api.slack.com/events/app_uninstalled: the type
// alone; tokens_revoked comes too, in no set order). Every call with the
// bot token would be refused from now on: delivery stops now, as at a
// refused call, and /healthz says what to do, rather than when the next
// message or form finds out. User tokens alone revoked (Coachlog holds
// none) change nothing.
func (b *Bot) onTokenGone(ev eventCallback, typ string) {
	if typ == "tokens_revoked" {
		var e struct {
			Tokens struct {
				Bot []string `json:"bot"`
			} `json:"tokens"`
		}
		if err := json.Unmarshal(ev.Event, &e); err != nil {
			b.log.Warn("skipped malformed tokens_revoked", "err", err)
			return
		}
		if len(e.Tokens.Bot) == 0 {
			b.log.Info("tokens_revoked for user tokens only: Coachlog holds none; the bot token is not among them")
			return
		}
	}
	err := &outbox.Error{Class: outbox.Fatal, Method: typ, Err: RevokedEvent{Event: typ}}
	b.log.Error(err.Err.Error()+": delivery stopped; reinstall the app and restart Coachlog with the new SLACK_BOT_TOKEN", "event", typ)
	if b.tokenGone != nil {
		b.tokenGone(err)
	}
}
