package slackbot

import (
	"context"
	"fmt"

	"github.com/coachlog/coachlog/internal/coaching"
)

// A rep answers in one place (the App Home, their DM on another device)
// and then clicks on a copy of their DM that does not show that answer
// yet: the DM's chat.update waits behind Slack's Tier 3, or the other
// device has not redrawn it. The domain changes nothing for an answer
// given already and queues nothing, so the click went unanswered. This
// file answers it: the DM is shown as it is now, through the click's
// response_url (as after a click on a version the manager has edited
// since), and the rep is told, in a message of its own, that they had
// answered so already.

// repClick is a rep's button that writes an answer: apply stores it;
// given reports whether the rep's record holds that answer already.
type repClick struct {
	apply func(context.Context, coaching.RepAction) error
	given func(coaching.SessionRep) bool
}

// answeredAlready reads the session a click on the rep's DM answers and
// reports whether the rep's record holds that answer already, with the
// session as read. It refuses what the write would (someone else, an
// older version, a withdrawn session) in the same words. Only a click on
// the DM itself (with a response_url to replace it) is read first: a
// click in the App Home is answered by homeAnswered, which reads the
// session after the write and says where it stands whatever the click
// changed. A rep's answer given elsewhere between this read and the
// write is the only one answered, as before, by silence.
func (b *Bot) answeredAlready(ctx context.Context, ra coaching.RepAction, given func(coaching.SessionRep) bool) (coaching.Session, bool, error) {
	if ra.ResponseURL == "" {
		return coaching.Session{}, false, nil
	}
	s, r, err := b.repRecord(ctx, ra)
	if err != nil {
		return coaching.Session{}, false, err
	}
	return s, given(r), nil
}

// repRecord reads the session ra answers and the rep's record on it,
// refused as RepView refuses (someone else, an older version, withdrawn).
func (b *Bot) repRecord(ctx context.Context, ra coaching.RepAction) (coaching.Session, coaching.SessionRep, error) {
	s, err := b.svc.RepView(ctx, ra)
	if err != nil {
		return coaching.Session{}, coaching.SessionRep{}, err
	}
	r, _ := s.Rep(ra.RepID) // RepView found it
	return s, r, nil
}

// tellAnswered tells a rep whose click asked for an answer they had given
// already that nothing changed (text): in the App Home, at the top of the
// tab, republished; on their DM, in a new message beside it, the DM
// itself replaced through the click's response_url (ra.ResponseURL) with
// the session as it is now.
func (b *Bot) tellAnswered(ctx context.Context, in interaction, ra coaching.RepAction, text string) {
	if inHome(in) {
		b.republishHome(ctx, in.User.ID, text)
		return
	}
	b.queueCurrentDM(ctx, ra)
	b.respond(ctx, in.ResponseURL, textMessage(text), false)
}

// answeredText says that the rep's click (actionID) asked for what their
// answer on s is already, so nothing changed, naming the session as
// their DM does: the new message may sit far below that DM.
func answeredText(actionID string, s coaching.Session, repID string) string {
	r, _ := s.Rep(repID)
	line := receivedLine(s, repID)
	switch {
	case actionID == actDispute:
		return fmt.Sprintf(":x: You marked this session not accurate already, so nothing changed: %s. %s has been told why and can fix it.",
			line, mention(s.ManagerID))
	case actionID != actConfirm:
		return fmt.Sprintf(":star: You rated this session %d/5 already, so nothing changed: %s.", r.Rating, line)
	case r.Rating > 0:
		return fmt.Sprintf(":white_check_mark: You confirmed this session already and rated it %d/5, so nothing changed: %s.", r.Rating, line)
	}
	return ":white_check_mark: You confirmed this session already, so nothing changed: " + line + "."
}

// disputedAlreadyText is what a reason form submitted on a session its rep
// has marked not accurate since the form opened (in the App Home, on
// another device) says under its input: the domain keeps the first
// reason, and the second, sent nowhere, must not close the form as if it
// had been.
func disputedAlreadyText(s coaching.Session) string {
	return "You marked this session not accurate already, and " + mention(s.ManagerID) +
		" was told why then; this reason was not sent. Close this form to see the session as it is now."
}

// disputedSince reads whether the rep has marked the session of their
// reason form not accurate since the form opened, with the session as
// read. A read that fails says no: the answer itself then meets the
// same error and refuses in its words.
func (b *Bot) disputedSince(ctx context.Context, ra coaching.RepAction) (coaching.Session, bool) {
	s, r, err := b.repRecord(ctx, ra)
	return s, err == nil && r.Status == coaching.StatusDisputed
}

// showAnswered shows the session behind a rep's form refused for an answer
// given already, as it is now: the Home tab it was opened from,
// republished, or the DM, replaced through the response_url of the click
// that opened it.
func (b *Bot) showAnswered(ctx context.Context, in interaction, ra coaching.RepAction, meta modalMeta) {
	if meta.FromHome {
		b.republishHome(ctx, in.User.ID, "")
		return
	}
	b.queueCurrentDM(ctx, ra)
}
