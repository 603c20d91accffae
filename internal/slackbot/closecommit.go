package slackbot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/coachlog/coachlog/internal/coaching"
)

// closeCommitment serves the menu beside an open commitment in /coach
// history, a manager's own or, for a leader, one from a shared session
// below them: the close commits before the ack, as every click that
// writes does, and the history is then shown again in place of the one
// clicked, with the commitment closed and the next one, if any, moved up.
// A click on a list shown before (closed since, its session undone) is
// answered the same way, saying so; a click on a commitment the clicker
// may not close (the domain decides, whatever the value says) is refused
// and changes nothing, and so, in the same words and the same private
// answer, is one on an id no commitment has (an edit of its session
// deleted it, or the value was crafted): a crafted value tells nothing of
// which ids exist.
func (b *Bot) closeCommitment(ctx context.Context, a *acker, in interaction, act action) {
	value := act.SelectedOption.Value
	b.commitmentClick(ctx, a, in, commitmentChange{
		verb:  "close",
		value: value,
		write: b.svc.CloseCommitment,
		done:  func(c coaching.Commitment) (string, string) { return closedNotice(c), value },
		// Busy, or failed: the list comes back in place with the word,
		// as after a close, so that its menu shows no choice again. Left
		// as clicked, it would show the one picked, and picking it once
		// more, as "try again" asks, sends Slack nothing.
		failInPlace: true,
	})
}

// reopenCommitment serves the Undo under a commitment just closed from
// /coach history: the commitment is open again, committed before the ack,
// and the history shown again in place, the commitment back in its list.
// Its value is the picked option's (closeMenu).
func (b *Bot) reopenCommitment(ctx context.Context, a *acker, in interaction, act action) {
	b.commitmentClick(ctx, a, in, commitmentChange{
		verb:  "reopen",
		value: act.Value,
		write: b.svc.ReopenCommitment,
		done: func(c coaching.Commitment) (string, string) {
			return ":leftwards_arrow_with_hook: Reopened: " + noticeText(c) + ".", ""
		},
	})
}

// commitmentChange is one of the history's clicks on a commitment: a
// close from its menu, or the Undo of one.
type commitmentChange struct {
	verb  string // "close", "reopen": the log's and the refusal's words
	value string // the close menu's option value (parseCloseValue)
	write func(ctx context.Context, managerID string, id int64, status coaching.CommitmentStatus) (coaching.Commitment, error)
	// done is the notice over the history once written, and the value of
	// the Undo it offers ("" for none).
	done func(coaching.Commitment) (notice, undo string)
	// failInPlace answers a busy or failed write with the history again,
	// the word at its top; else the click's error answers it as any
	// refusal (clickError). A refusal as someone else's is always that.
	failInPlace bool
}

// commitmentClick writes ch before the ack and shows the history again
// with what became of it: done's notice, or, for a list shown before and
// changed since (EStale), the domain's word.
func (b *Bot) commitmentClick(ctx context.Context, a *acker, in interaction, ch commitmentChange) {
	status, id, repID, ok := parseCloseValue(ch.value)
	if !ok {
		b.malformed(a, fmt.Errorf("%s a commitment with %q", ch.verb, ch.value))
		return
	}
	var c coaching.Commitment
	err := b.writeThenAck(ctx, a, func(ctx context.Context) (err error) {
		c, err = ch.write(ctx, in.User.ID, id, status)
		return err
	})
	what := ch.verb + " commitment"
	var notice, undo string
	switch {
	case err == nil:
		notice, undo = ch.done(c)
	case coaching.ErrorCode(err) == coaching.EStale:
		notice = ":information_source: " + escKeepMentions(coaching.ErrorMessage(err))
	case ch.failInPlace && coaching.ErrorCode(err) != coaching.EForbidden:
		b.logAnswerError(what, err, "user_id", in.User.ID)
		notice = ":warning: " + escKeepMentions(coaching.ErrorMessage(err))
	default:
		b.clickError(ctx, in, what, err)
		return
	}
	b.showHistoryAgain(ctx, in, repID, notice, undo)
}

// showHistoryAgain replaces the history clicked in with the manager's
// history of repID as it is now, headed by notice, with an Undo of the
// close just made when undo (its value) is not empty.
func (b *Bot) showHistoryAgain(ctx context.Context, in interaction, repID, notice, undo string) {
	h, err := b.historyOf(ctx, in.User.ID, repID)
	if err != nil {
		// The list clicked in gives way to the word alone: its menus,
		// left showing a choice, would not send the same one again.
		b.logAnswerError("history", err, "user_id", in.User.ID)
		b.respond(ctx, in.ResponseURL, textMessage(notice+" `/coach history "+mention(repID)+"` shows the list again."), true)
		return
	}
	h.notice, h.undo = notice, undo
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
	if c.Status == coaching.CommitmentNotKept {
		return ":heavy_multiplication_x: Marked *not kept*: " + noticeText(c) + ". It counts as made and not kept."
	}
	return ":white_check_mark: Marked *kept*: " + noticeText(c) + "."
}

// noticeText names a commitment in a notice as a list shows it, escaped.
func noticeText(c coaching.Commitment) string { return esc(commitmentText(c)) }
