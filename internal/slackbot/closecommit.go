package slackbot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/textcut"
)

// closeCommitment serves the menu beside a manager's open commitment in
// /coach history: the close commits before the ack, as every click that
// writes does, and the history is then shown again in place of the one
// clicked, with the commitment closed and the next one, if any, moved up.
// A click on a list shown before (closed since, its session undone) is
// answered the same way, saying so; a click on someone else's commitment
// is refused and changes nothing.
func (b *Bot) closeCommitment(ctx context.Context, a *acker, in interaction, act action) {
	status, id, repID, ok := parseCloseValue(act.SelectedOption.Value)
	if !ok {
		b.malformed(a, fmt.Errorf("close a commitment with %q", act.SelectedOption.Value))
		return
	}
	var c coaching.Commitment
	err := b.writeThenAck(ctx, a, func(ctx context.Context) (err error) {
		c, err = b.svc.CloseCommitment(ctx, in.User.ID, id, status)
		return err
	})
	var notice string
	switch {
	case err == nil:
		notice = closedNotice(c)
	case coaching.ErrorCode(err) == coaching.EStale:
		notice = ":information_source: " + escKeepMentions(coaching.ErrorMessage(err))
	default:
		b.clickError(ctx, in, "close commitment", err)
		return
	}
	h, herr := b.historyOf(ctx, in.User.ID, repID)
	if herr != nil {
		b.logAnswerError("history", herr, "user_id", in.User.ID)
		b.respond(ctx, in.ResponseURL, textMessage(notice), false)
		return
	}
	h.notice = notice
	b.respond(ctx, in.ResponseURL, historyMessage(h), true)
}

// parseCloseValue reads a close menu's option value (closeMenu):
// "kept:<id>:<rep>" or "not_kept:<id>:<rep>". The rep says which history
// to show again; the domain checks the commitment whatever it says.
func parseCloseValue(v string) (status coaching.CommitmentStatus, id int64, repID string, ok bool) {
	parts := strings.Split(v, ":")
	if len(parts) != 3 {
		return "", 0, "", false
	}
	id, err := strconv.ParseInt(parts[1], 10, 64)
	status, repID = coaching.CommitmentStatus(parts[0]), parts[2]
	if err != nil || id <= 0 || !userIDRE.MatchString(repID) || (status != coaching.CommitmentKept && status != coaching.CommitmentNotKept) {
		return "", 0, "", false
	}
	return status, id, repID, true
}

// closedNotice says which commitment was just closed, and how.
func closedNotice(c coaching.Commitment) string {
	text := esc(textcut.Cut(c.Text, commitmentRunes))
	if c.Status == coaching.CommitmentNotKept {
		return fmt.Sprintf(":heavy_multiplication_x: Marked *not kept*: %s (from %s). It counts as made and not kept.", text, c.CreatedOn.Human())
	}
	return fmt.Sprintf(":white_check_mark: Marked *kept*: %s (from %s).", text, c.CreatedOn.Human())
}
