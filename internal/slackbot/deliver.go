package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
)

var _ outbox.Sender = (*Bot)(nil)

// Send delivers one queued message, rendered from the state current now.
func (b *Bot) Send(ctx context.Context, m coaching.Message, prior *coaching.Posted) (*coaching.Posted, error) {
	switch m.Kind {
	case coaching.MsgHome, coaching.MsgHomeRefresh: // a refresh carries no notice
		var h coaching.HomeRequest
		if len(m.Payload) > 0 {
			if err := json.Unmarshal(m.Payload, &h); err != nil {
				b.log.Warn("unreadable home notice left out", "user_id", m.To, "err", err)
			}
		}
		v, err := b.homeView(ctx, m.To, h.Notice)
		if err != nil {
			return nil, fmt.Errorf("render home of %s: %w", m.To, err)
		}
		return nil, classify("views.publish", b.publishView(ctx, m.To, v))
	case coaching.MsgNudge:
		var n coaching.Nudge
		if err := json.Unmarshal(m.Payload, &n); err != nil {
			return nil, &outbox.Error{Class: outbox.Permanent, Err: fmt.Errorf("read nudge: %w", err)}
		}
		cur, ok, err := b.svc.NudgeAsSent(ctx, n)
		switch {
		case err != nil:
			// The nudge as queued is still this morning's truth, minutes
			// old: better than none.
			b.log.Warn("nudge sent as queued: could not read the team again", "manager_id", n.ManagerID, "err", err)
		case !ok:
			b.log.Info("nudge withheld: nothing left to act on since it was queued", "manager_id", n.ManagerID, "day", n.Day.String())
			return nil, nil
		default:
			n = cur
		}
		return b.post(ctx, m.To, "", nudgeMessage(n))
	case coaching.MsgDigest:
		return b.sendDigest(ctx, m, prior)
	case coaching.MsgDigestChart:
		return b.uploadChart(ctx, m, prior)
	case coaching.MsgReply:
		var r coaching.Reply
		if err := json.Unmarshal(m.Payload, &r); err != nil {
			return nil, &outbox.Error{Class: outbox.Permanent, Err: fmt.Errorf("read reply: %w", err)}
		}
		return b.deliverAs(ctx, m, prior, answerMessage(r.Text))
	}
	if !m.Kind.Known() {
		// Queued by a newer coachlog on this database (a rolling
		// upgrade), before this replica saw the newer schema and stepped
		// down: read as one of ours it failed for good ("render
		// home_refresh: Session 0 does not exist", seen with a schema-19
		// sender). Tried again after the backoff, it is the newer
		// sender's by then; a kind nobody knows fails once the attempts
		// run out.
		return nil, &outbox.Error{Class: outbox.Retry, Err: fmt.Errorf("unknown message kind %q: queued by a newer coachlog?", m.Kind)}
	}
	s, err := b.svc.Session(ctx, m.SessionID)
	switch {
	case coaching.ErrorCode(err) == coaching.ENotFound:
		return nil, &outbox.Error{Class: outbox.Permanent, Err: fmt.Errorf("render %s: %w", m.Kind, err)}
	case err != nil:
		// A read that gave up (a locked table, a statement timeout) or
		// a connection lost is no verdict on the message: it is sent
		// again after the backoff, as a send Slack failed would be.
		return nil, fmt.Errorf("render %s: %w", m.Kind, err)
	}
	if m.Kind == coaching.MsgRepDM || m.Kind == coaching.MsgRepReminder {
		// A rep taken off is shown the session as they last saw it, not
		// what the manager made of it since (coaching.AsTakenOff).
		if s, err = b.svc.AsTakenOff(ctx, s, m.RepID); err != nil {
			return nil, fmt.Errorf("render %s: %w", m.Kind, err)
		}
	}
	var msg message
	switch m.Kind {
	case coaching.MsgRepDM:
		if m.Op == coaching.OpPost {
			// The rep's first sight of the session: anything that changed
			// while it waited (a Monday backlog) is no news to them.
			if r, ok := s.Rep(m.RepID); !ok || r.Removed || s.Undone() {
				// "Withdrew this session" would be news of nothing. Should
				// the rep be added back, the edit's update posts it.
				b.log.Debug("rep DM withheld: withdrawn before it went", "session_id", s.ID, "rep_id", m.RepID)
				return nil, nil
			}
			s = withoutChangeNote(s, m.RepID)
		}
		msg = repDM(s, m.RepID, b.svc.Skills(), b.notesAI)
	case coaching.MsgDisputeNotice:
		if m.Op == coaching.OpUpdate {
			// What became of the dispute was decided when the update was
			// queued; the session is shown as it is now. (An update of a
			// notice that was withheld comes here as its post, and is
			// withheld again below: the dispute no longer stands.)
			var a coaching.DisputeAnswered
			if err := json.Unmarshal(m.Payload, &a); err != nil {
				return nil, &outbox.Error{Class: outbox.Permanent, Err: fmt.Errorf("read dispute answered: %w", err)}
			}
			msg = disputeAnsweredNotice(s, m.RepID, a)
			break
		}
		// Rendered when sent: an edit may have answered the dispute since
		// (the rep is asked again, the reason is gone), and a second "not
		// accurate" then has its own notice. Telling the manager of a
		// dispute that no longer stands, or twice of one that does, would
		// only mislead.
		if !s.DisputeStands(m) {
			b.log.Debug("dispute notice withheld: answered since it was queued", "session_id", s.ID, "rep_id", m.RepID)
			return nil, nil
		}
		msg = disputeNotice(s, m.RepID)
	case coaching.MsgCaptureReply:
		msg = receipt(s)
		var r coaching.Receipt
		if len(m.Payload) > 0 && json.Unmarshal(m.Payload, &r) == nil && r.Edited {
			msg = editedReceipt(s, r.Changes)
		}
	case coaching.MsgEditSaved:
		// The thread's DM keeps the rep's reason as it was; the reply
		// says what the edit changed and the session as it is now.
		var r coaching.Receipt
		if err := json.Unmarshal(m.Payload, &r); err != nil {
			return nil, &outbox.Error{Class: outbox.Permanent, Err: fmt.Errorf("read edit receipt: %w", err)}
		}
		msg = editSavedMessage(s, r.Changes)
		to, err := b.svc.EditSavedRoute(ctx, s, m)
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", m.Kind, err) // a read that failed: sent again after the backoff
		}
		if to.To != m.To {
			// Sent to the manager's DM, not where the outbox addressed
			// it (a crafted form's channel): told where it landed
			// (Pacer.Landed), the outbox would pace that channel as the
			// manager's DM from then on. A message with no key has
			// nothing else to record.
			_, err := b.post(ctx, to.To, to.ThreadTS, msg)
			return nil, err
		}
		m = to
	case coaching.MsgRepReminder:
		if m.Op == coaching.OpPost {
			if !reminderStands(s, m, prior) {
				return nil, nil // answered (or withdrawn, or asked again) since: nothing to remind
			}
			goes, later, err := b.svc.ReminderGoes(ctx, s, m)
			switch {
			case err != nil:
				return nil, fmt.Errorf("render %s: %w", m.Kind, err) // a read that failed: sent again after the backoff
			case !later.IsZero():
				// Past the rep's working day (queued near 18:00, or behind
				// Slack's pace): it goes at the start of their next.
				return nil, &outbox.Error{Class: outbox.Later, Until: later, Err: errOutsideWorkingDay}
			case !goes:
				b.log.Info("reminder withheld: the rep was deactivated or left the roster since it was queued",
					"session_id", s.ID, "rep_id", m.RepID)
				return nil, nil
			}
			return b.post(ctx, prior.Channel, prior.TS, reminderMessage(s, m.RepID, b.clockOf(ctx, m.RepID)))
		}
		msg = reminderMessage(s, m.RepID, b.clockOf(ctx, m.RepID))
	default:
		return nil, &outbox.Error{Class: outbox.Permanent, Err: fmt.Errorf("unknown message kind %q", m.Kind)}
	}
	return b.deliverAs(ctx, m, prior, msg)
}

// clockOf is the time zone of id's clock as Coachlog reads it (the
// roster's, else Slack's, else the organisation's): a reminder says on it
// which day its session was logged. Someone not known is on the
// organisation's.
func (b *Bot) clockOf(ctx context.Context, id string) *time.Location {
	return b.svc.LocationOf(b.person(ctx, id))
}

// errOutsideWorkingDay is why a rep's reminder is put back (outbox.Later).
var errOutsideWorkingDay = errors.New("reminder outside the rep's working day")

// reminderStands says whether a reminder about to be posted still has a
// reason to go (coaching's Session.ReminderStands) and a thread to go in:
// prior is nil for an update of a reminder that was withheld, which the
// outbox sends as its post; a reminder nobody saw stays unsent, whatever
// the rep's state now.
func reminderStands(s coaching.Session, m coaching.Message, prior *coaching.Posted) bool {
	return prior != nil && s.ReminderStands(m)
}

// withoutChangeNote is s with no "Updated: …" note for repID, whose first
// DM it is about to be: they never saw the version it was changed from.
func withoutChangeNote(s coaching.Session, repID string) coaching.Session {
	s.Reps = slices.Clone(s.Reps)
	for i := range s.Reps {
		if s.Reps[i].RepID == repID {
			s.Reps[i].ChangeNote = ""
		}
	}
	return s
}

// deliverAs sends msg the way m goes: a post (in m's ThreadTS when set),
// an update of prior, or a response through m's response_url.
func (b *Bot) deliverAs(ctx context.Context, m coaching.Message, prior *coaching.Posted, msg message) (*coaching.Posted, error) {
	switch m.Op {
	case coaching.OpPost:
		return b.post(ctx, m.To, m.ThreadTS, msg)
	case coaching.OpUpdate:
		_, err := b.updateMessage(ctx, prior.Channel, prior.TS, msg)
		return nil, classify("chat.update", err)
	case coaching.OpRespond:
		if !b.slackHook(m.ResponseURL) {
			return nil, &outbox.Error{Class: outbox.Permanent, Err: errNotSlackHook}
		}
		wm := &slack.WebhookMessage{Text: msg.Text, Blocks: &slack.Blocks{BlockSet: msg.Blocks}, ReplaceOriginal: m.Replace}
		if m.Kind != coaching.MsgRepDM { // a rep's DM is replaced as the message it is, not as an ephemeral one
			wm.ResponseType = slack.ResponseTypeEphemeral
		}
		return nil, classifyResponse(redactResponseURL(b.postHook(ctx, m.ResponseURL, wm), m.ResponseURL))
	}
	return nil, &outbox.Error{Class: outbox.Permanent, Err: fmt.Errorf("unknown op %q", m.Op)}
}

// post sends a new message; a user id as the channel posts in the bot's DM
// with them, with no conversations.open round trip. threadTS makes it a
// reply in that thread.
func (b *Bot) post(ctx context.Context, channel, threadTS string, msg message) (*coaching.Posted, error) {
	ans, err := b.postMessage(ctx, channel, threadTS, msg)
	if err != nil {
		return nil, classify("chat.postMessage", err)
	}
	return &coaching.Posted{Channel: ans.Channel, TS: ans.TS}, nil
}

// classify says what the outbox should do about a Slack error.
func classify(method string, err error) error {
	if err == nil {
		return nil
	}
	e := &outbox.Error{Class: outbox.Retry, Method: method, Err: err}
	if rl, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		e.Class, e.RetryAfter = outbox.RateLimited, rl.RetryAfter
		return e
	}
	if sc, ok := errors.AsType[slack.StatusCodeError](err); ok {
		if transientStatus(sc.Code) {
			return e // 429 without Retry-After, or a server error: back off
		}
		e.Class = outbox.Permanent // 404 used_url, 410 expired and the like
		return e
	}
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		e.Class = slackErrorClass(se.Err)
		if se.Needed != "" {
			// Slack's scope names, kept in the log and the outbox's row
			// (https://docs.slack.dev/reference/methods/chat.postMessage:
			// missing_scope comes with needed and provided).
			e.Err = fmt.Errorf("%w (needed: %s)", err, se.Needed)
		}
	}
	return e // network errors and anything unknown: retry with backoff
}

// classifyResponse says what the outbox should do about a failed post to a
// response_url. Slack answers 404 (expired_url, used_url) or 410 once it no
// longer takes the URL: the message then goes by its fallback route. A
// refusal given with a 2xx and "ok": false goes the way the same code
// given with a status would: expired_url or used_url as a 404, a
// transient code as a 5xx, any other as a 400.
func classifyResponse(err error) error {
	if responseGone(err) {
		return &outbox.Error{Class: outbox.Gone, Method: "response_url", Err: err}
	}
	if r, ok := refusedOK(err); ok {
		class := outbox.Permanent // invalid_blocks, no_text and the like would come again
		if transientCode(r.Code) {
			class = outbox.Retry
		}
		return &outbox.Error{Class: class, Method: "response_url", Err: err}
	}
	return classify("response_url", err)
}

// responseGone reports whether Slack no longer takes a response_url: 404
// (expired_url, used_url) or 410, or a 2xx refusal with expired_url or
// used_url.
func responseGone(err error) bool {
	if r, ok := refusedOK(err); ok {
		return goneCode(r.Code)
	}
	sc, ok := errors.AsType[slack.StatusCodeError](err)
	return ok && (sc.Code == http.StatusNotFound || sc.Code == http.StatusGone)
}

func slackErrorClass(code string) outbox.Class {
	switch code {
	case "token_revoked", "invalid_auth", "account_inactive", "not_authed", "token_expired",
		"not_allowed_token_type": // SLACK_BOT_TOKEN is not a bot token: every call would fail
		return outbox.Fatal
	case "ratelimited", "rate_limited": // chat.postMessage documents both spellings
		return outbox.RateLimited
	case "internal_error", "fatal_error", "service_unavailable", "request_timeout":
		return outbox.Retry
	case "org_login_required", "team_added_to_org":
		// The workspace migrating to an Enterprise organization ("will not
		// be available until migration is complete", "intermittently
		// unavailable until the transition is complete":
		// https://docs.slack.dev/reference/methods/chat.postMessage,
		// Errors): hours, past any count of retries. Nothing is wrong
		// with the message.
		return outbox.Held
	case "missing_scope":
		// The install lacks a scope ("The token used is not granted the
		// specific scope permissions required"): every message of the
		// method fails alike until a reinstall grants it, with the same
		// token. no_permission stays permanent: it is the bot left out of
		// one conversation ("Make sure your app is a member of the
		// conversation"), not the install.
		return outbox.Held
	case "thread_not_found":
		// A reply whose thread_ts names a message gone from the channel:
		// deleted since it was posted. chat.postMessage's errors list does
		// not name it (https://docs.slack.dev/reference/methods/chat.postMessage);
		// conversations.replies documents it as "Value for thread_ts was
		// missing or invalid", and a Slack engineer gives it as the answer
		// to a reply whose parent was deleted
		// (github.com/slackapi/bolt-js/issues/2307). Sent again as is, it
		// would come again; the outbox posts a digest's headline anew.
		return outbox.ThreadGone
	}
	// channel_not_found, user_not_found, invalid_blocks, msg_too_long and
	// every other answer Slack gives to the request itself would come again.
	return outbox.Permanent
}
