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
// answered so already. The write itself tells (coaching.RepAnswer's
// Unchanged), from the session as its transaction read it: no read
// before it on the Confirm's path, and no answer given elsewhere between
// such a read and the write is left answered by silence.

// repClick is a rep's button that writes an answer.
type repClick func(context.Context, coaching.RepAction) (coaching.RepAnswer, error)

// answeredOnDM reports whether a rep's click asked for the answer their
// record held already (res, from its write), on their DM itself: only
// there is the click's response_url (ra.ResponseURL) the DM to replace. A
// click in the App Home is answered by homeAnswered, which reads the
// session after the write and says where it stands whatever the click
// changed.
func answeredOnDM(ra coaching.RepAction, res coaching.RepAnswer) bool {
	return res.Unchanged && ra.ResponseURL != ""
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
