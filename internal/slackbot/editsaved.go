package slackbot

import (
	"context"
	"fmt"

	"github.com/coachlog/coachlog/internal/coaching"
)

// historyValue is the value of the Edit and Undo of session id in a
// history of repID ("" for all reps): "<id>:h", or "<id>:h:<rep>", so that
// the list shown again after the click is the same one.
func historyValue(id int64, repID string) string {
	if repID == "" {
		return fmt.Sprintf("%d:%s", id, fromHistory)
	}
	return fmt.Sprintf("%d:%s:%s", id, fromHistory, repID)
}

// editSaved tells the manager an edit opened from their history
// (meta.Back) was saved: the history is shown again in place, what
// changed at its top. The edit is saved whatever becomes of this: a
// response_url expired, or used up (five posts), is passed over. (Under
// the not-accurate DM, whose reason stays as it was, the reply in its
// thread saying what changed is the domain's: queued with the edit,
// coaching.MsgEditSaved.) A retry of a form saved before is not
// answered: its first delivery was, and "nothing changed" would now be
// untrue.
func (b *Bot) editSaved(ctx context.Context, managerID string, meta modalMeta, e coaching.Edited) {
	if e.Again || meta.Back != fromHistory || meta.ResponseURL == "" {
		return
	}
	if at := meta.responseAt(); !at.IsZero() && b.svc.Now().Sub(at) >= coaching.ResponseURLLife {
		b.log.Debug("edit saved: the history's response_url has expired", "session_id", meta.SessionID)
		return
	}
	h, err := b.historyOf(ctx, managerID, meta.RepID)
	if err != nil {
		b.log.Debug("edit saved: history not shown again", "user_id", managerID, "err", err)
		return
	}
	h.top = savedNotice(e.Changes.Describe())
	b.respondQuiet(ctx, meta.ResponseURL, historyMessage(h))
}
