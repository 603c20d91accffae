package slackbot

import (
	"context"
	"fmt"
	"slices"

	"github.com/coachlog/coachlog/internal/coaching"
)

// homeAnswered republishes a rep's App Home after they answered a session
// from it (Confirm, a rating, or a Not accurate form opened there): the tab has no
// response_url, so the notice at its top says what became of the answer,
// and the session leaves the list of those waiting. Their DM was queued
// for chat.update with the answer itself.
func (b *Bot) homeAnswered(ctx context.Context, ra coaching.RepAction) {
	notice := ""
	if s, listed, ok := b.answeredSession(ctx, ra.RepID, ra.SessionID); ok {
		notice = answeredNotice(s, ra.RepID, listed)
	}
	b.republishHome(ctx, ra.ActorID, notice)
}

// answeredSession reads session id, just answered by repID, as stored, and
// whether their Home lists it to rate (listedToRate). One read of the rep's
// latest sessions, the ones the tab lists, answers both for a session among
// them, as one just answered most often is; only one older than those, or
// any with that list unreadable, is read on its own, and is not listed.
// Unreadable, ok is false: the answer is stored, and the tab still
// refreshes, without a word.
func (b *Bot) answeredSession(ctx context.Context, repID string, id int64) (s coaching.Session, listed, ok bool) {
	received, err := b.svc.RepSessions(ctx, repID, homeReceived)
	if err != nil {
		b.log.Warn("read the rep's sessions for the Home notice failed", "user_id", repID, "err", err)
	} else if i := slices.IndexFunc(received, func(s coaching.Session) bool { return s.ID == id }); i >= 0 {
		return received[i], listedToRate(received, repID, id), true
	}
	if s, err = b.svc.Session(ctx, id); err != nil {
		b.log.Warn("read the answered session for the Home notice failed", "session_id", id, "err", err)
		return coaching.Session{}, false, false
	}
	return s, false, true
}

// listedToRate reports whether a rep's Home lists session id among those
// to rate, as homeView reads it from received, their latest homeReceived:
// the newest homeToRate confirmed and not rated. A session confirmed with
// newer ones still to rate is past them, and "rate it here" would point
// at nothing.
func listedToRate(received []coaching.Session, repID string, id int64) bool {
	_, toRate := unanswered(received, repID)
	toRate, _ = latest(toRate, homeToRate)
	return slices.ContainsFunc(toRate, func(s coaching.Session) bool { return s.ID == id })
}

// answeredNotice says where a rep's answer on s stands now. It reads the
// session as stored, not the click, so that a second Confirm from a Home
// tab left open (answered already) reads as true as the first. listed says
// whether the tab lists s with its rating buttons: only then may it offer
// to rate it "here".
func answeredNotice(s coaching.Session, repID string, listed bool) string {
	r, _ := s.Rep(repID)
	line := receivedLine(s, repID)
	switch {
	case r.Status == coaching.StatusConfirmed && r.Rating > 0:
		return fmt.Sprintf(":star: Rated %d/5: %s. %s sees only the average of three or more ratings, never one alone; your DM with Coachlog shows your rating and can change it.",
			r.Rating, line, mention(s.ManagerID))
	case r.Status == coaching.StatusConfirmed && listed:
		return ":white_check_mark: Confirmed: " + line + ". You can rate how useful it was here or in your DM with Coachlog."
	case r.Status == coaching.StatusConfirmed:
		return ":white_check_mark: Confirmed: " + line + ". You can rate how useful it was in your DM with Coachlog."
	case r.Status == coaching.StatusDisputed:
		return ":x: Marked not accurate: " + line + ". " + mention(s.ManagerID) + " has been told and can fix it."
	}
	return ""
}

// receivedLine is a session as the rep it was logged with reads it, as
// their DM puts it: who logged what with them, when and how long.
func receivedLine(s coaching.Session, repID string) string {
	return receivedLineNaming(s, repID, mentions)
}

// receivedLineNaming is receivedLine with the other reps named by name
// (repHeadNaming).
func receivedLineNaming(s coaching.Session, repID string, name func([]string) string) string {
	return fmt.Sprintf("%s · %s · %d min%s", repHeadNaming(s, repID, name), s.OccurredOn.Human(), s.DurationMin, roleSuffix(s))
}

// homeRefusal is what the top of someone's Home tab says when an action
// there was refused. A rep's answer on a session edited since the tab
// showed it is refused as the DM's would be, but "use the updated message"
// would point at a message they may not have: the tab, republished with
// the refusal, shows the session as it is now.
//
// A rating from a tab that offered it before the rep rated the session in
// their DM is refused too (ERated): the domain's words say which rating
// stands, and the tab, republished, no longer offers one.
func homeRefusal(err error) string {
	switch coaching.ErrorCode(err) {
	case coaching.EStale:
		return ":arrows_counterclockwise: This session was changed after your Home tab showed it; it is shown below as it is now, to answer again."
	case coaching.ERated:
		return ":arrows_counterclockwise: " + coaching.ErrorMessage(err)
	}
	return ":no_entry_sign: " + coaching.ErrorMessage(err)
}

// formRefusal is what a rep's reason or comment form says when the answer
// was refused: the domain's words, except that a form opened from the Home
// tab on a session edited since points at the tab, not at a DM.
func formRefusal(err error, fromHome bool) string {
	if fromHome && coaching.ErrorCode(err) == coaching.EStale {
		return "This session was changed after your Home tab showed it. Close this form: the tab shows it as it is now, to answer again."
	}
	return coaching.ErrorMessage(err)
}
