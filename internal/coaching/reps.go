package coaching

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"
)

// MaxReasonLen bounds a dispute reason or a comment.
const MaxReasonLen = 1000

// RepAction is a rep's answer to their DM.
type RepAction struct {
	ActorID   string // who clicked
	SessionID int64
	RepID     string // whose DM it is
	Version   int    // the session version the DM showed
	// ResponseURL is the response_url of the rep's click on their DM, when
	// the answer came from it: the DM is then updated through it, at once
	// and outside chat.update's rate limit. ResponseAt is when Slack issued
	// it. Without one the DM is updated with chat.update.
	ResponseURL string
	ResponseAt  time.Time
	// Unrated says the rating came from a surface that offers one only
	// for a session not rated yet (the rep's App Home): a rating given
	// since, elsewhere, stands, and this one is refused (ERated) rather
	// than overwrite it from a stale view. The DM, which shows the rating
	// given, changes it freely.
	Unrated bool
	// Unanswered says Not accurate came from a surface that offers it
	// only while the rep has not answered (their DM, their App Home, the
	// reason form opened from either): a Confirm given since, elsewhere,
	// stands, and this one is refused rather than overwrite it, and the
	// rating with it, from a copy drawn before it.
	Unanswered bool
}

// dmUpdate is the update of the rep's DM that their answer causes.
func (a RepAction) dmUpdate(sessionID int64) Message {
	m := repDM(OpUpdate, sessionID, a.RepID)
	if a.ResponseURL != "" {
		m.Op, m.ResponseURL, m.ResponseAt, m.Replace = OpRespond, a.ResponseURL, a.ResponseAt, true
	}
	return m
}

// RepAnswer is what a rep's answer (Confirm, a rating, Not accurate) came
// to: the session as its write left it, and whether the rep's record held
// that answer already, so that nothing was written or queued (Unchanged).
// Both come from the write's own transaction, which reads the session
// under the write lock (SQLite's one writer, PostgreSQL's row lock): an
// answer the rep gave elsewhere a moment before (the App Home, another
// device) is seen as given, never slipped in between a read and the write.
type RepAnswer struct {
	Session Session
	// Unchanged says the rep had given this answer already; Session is
	// then the session as the transaction read it.
	Unchanged bool
}

// Confirm records that the rep agrees the session happened as logged.
// Confirmed already, it changes nothing and says so (Unchanged).
func (s *Service) Confirm(ctx context.Context, a RepAction) (RepAnswer, error) {
	return s.repUpdate(ctx, a, "confirm", nil, func(r *SessionRep) (bool, error) {
		switch r.Status {
		case StatusConfirmed:
			return false, nil
		case StatusDisputed:
			return false, Errorf(EInvalid, "You marked this session not accurate; it can be confirmed again once it is edited.")
		}
		r.Status = StatusConfirmed
		return true, nil
	})
}

// Dispute records that the rep says the session is not accurate, and tells
// the manager why. Marked so already, it keeps the first reason, changes
// nothing and says so (Unchanged). Confirmed, it is refused when it came
// from a surface that offers it only before an answer (a.Unanswered), as
// Confirm is after Not accurate: the rep's DM and Home offer no Not
// accurate once they confirmed, and only a copy drawn before the Confirm
// (another device, a tab or form left open) still does; taken from it, the
// rating they gave went without a word and the manager was told to fix a
// session the rep had confirmed. An edit that changes what happened asks
// them again.
func (s *Service) Dispute(ctx context.Context, a RepAction, reason string) (RepAnswer, error) {
	reason = cleanText(reason)
	if reason == "" {
		return RepAnswer{}, &ValidationError{Fields: FieldErrors{"reason": "Say what was not accurate, so it can be fixed."}}
	}
	if utf8.RuneCountInString(reason) > MaxReasonLen {
		return RepAnswer{}, &ValidationError{Fields: FieldErrors{"reason": "Keep it within " + Count(MaxReasonLen) + " characters."}}
	}
	notice := func(sess Session) []Message {
		return []Message{{Kind: MsgDisputeNotice, Op: OpPost, Key: DisputeNoticeKey(sess.ID, a.RepID, sess.Version),
			To: sess.ManagerID, SessionID: sess.ID, RepID: a.RepID}}
	}
	return s.repUpdate(ctx, a, "dispute", notice, func(r *SessionRep) (bool, error) {
		switch {
		case r.Status == StatusDisputed:
			return false, nil
		case r.Status == StatusConfirmed && a.Unanswered:
			return false, Errorf(EInvalid, "You confirmed this session already, so it was not marked not accurate; if it is changed, you will be asked again.")
		}
		r.Status, r.DisputeReason, r.Rating = StatusDisputed, reason, 0
		return true, nil
	})
}

// Rate records how useful a confirmed session was, 1 to 5. A rating may
// be changed, except from a surface that offered it as the first
// (a.Unrated): there the rating found is kept, checked in the same
// transaction, so that a click on a view left open since cannot undo one
// given meanwhile. The same rating again changes nothing and is no error:
// it says so (Unchanged).
func (s *Service) Rate(ctx context.Context, a RepAction, rating int) (RepAnswer, error) {
	if rating < 1 || rating > 5 {
		return RepAnswer{}, Errorf(EInvalid, "A rating is 1 to 5.")
	}
	return s.repUpdate(ctx, a, "rate", nil, func(r *SessionRep) (bool, error) {
		if r.Status != StatusConfirmed {
			return false, Errorf(EInvalid, "Confirm the session before rating it.")
		}
		if a.Unrated && r.Rating != 0 && r.Rating != rating {
			return false, Errorf(ERated, "You had rated this session %d/5 already; that rating stands. The rating buttons in your DM with Coachlog change it.", r.Rating)
		}
		changed := r.Rating != rating
		r.Rating = rating
		return changed, nil
	})
}

// Comment records the rep's optional comment on a session.
func (s *Service) Comment(ctx context.Context, a RepAction, comment string) (Session, error) {
	comment = cleanText(comment)
	if utf8.RuneCountInString(comment) > MaxReasonLen {
		return Session{}, &ValidationError{Fields: FieldErrors{"comment": "Keep it within " + Count(MaxReasonLen) + " characters."}}
	}
	res, err := s.repUpdate(ctx, a, "comment", nil, func(r *SessionRep) (bool, error) {
		// A comment goes with a confirmed session, where the DM shows it.
		// A form opened then and submitted after the rep marked the
		// session not accurate (from another device) would store a
		// comment nobody ever sees.
		if r.Status != StatusConfirmed {
			return false, Errorf(EInvalid, "Your comment goes with a confirmed session; this one is not confirmed now, so it was not saved.")
		}
		changed := r.Comment != comment
		r.Comment = comment
		return changed, nil
	})
	return res.Session, err
}

// RepView returns a session as the rep whose DM it is may see it, before
// a form opens on it (Not accurate, a comment): anyone else is refused, and
// so is a click on a version the manager has changed since (EStale), as
// Confirm and a rating are, at the click rather than after the rep has
// typed a reason the submission would then refuse.
func (s *Service) RepView(ctx context.Context, a RepAction) (Session, error) {
	sess, err := repSession(ctx, s.store, a)
	if err != nil {
		return Session{}, err
	}
	_, err = repOf(sess, a, true)
	return sess, err
}

// repSession reads the session a rep's button names. An id no session
// has is refused as one the clicker is not on (repOf of a session with
// no reps: "Only <@rep> can answer…" or "You are not on this session."),
// in the same words: a crafted button value tells nothing of which
// session ids exist.
func repSession(ctx context.Context, r interface {
	Session(context.Context, int64) (Session, error)
}, a RepAction) (Session, error) {
	sess, err := r.Session(ctx, a.SessionID)
	if ErrorCode(err) == ENotFound {
		if _, err := repOf(Session{ID: a.SessionID}, a, false); err != nil {
			return Session{}, err
		}
		return Session{}, Errorf(EForbidden, "You are not on this session.") // not reached: no reps
	}
	return sess, err
}

// ShowCurrentDM queues the rep's DM, as the session is now, through the
// response_url of their click that was refused for showing an older
// version (EStale). The edit that made it older updates the DM with
// chat.update, paced at Slack's Tier 3 behind every other DM update; the
// click's own response_url replaces it at once, so that "use the updated
// message" has a message to point at. Anything else (no response_url,
// someone other than the rep, a rep not on the session) queues nothing.
func (s *Service) ShowCurrentDM(ctx context.Context, a RepAction) error {
	if a.ResponseURL == "" || a.ActorID != a.RepID {
		return nil
	}
	return s.store.Update(ctx, func(tx Tx) error {
		sess, err := tx.Session(ctx, a.SessionID)
		if err != nil {
			return err
		}
		if _, ok := sess.Rep(a.RepID); !ok {
			return nil
		}
		return tx.Enqueue(ctx, a.dmUpdate(sess.ID))
	})
}

// repUpdate runs a rep's change under the rules every rep button shares:
// only that rep, only on the live version, never on a withdrawn session.
// change reports whether anything changed; nothing is written otherwise,
// and the answer says so (Unchanged), decided on the session as this
// transaction read it.
func (s *Service) repUpdate(ctx context.Context, a RepAction, action string, extra func(Session) []Message,
	change func(*SessionRep) (bool, error)) (RepAnswer, error) {
	var res RepAnswer
	err := s.store.Update(ctx, func(tx Tx) error {
		res = RepAnswer{} // set, not kept, across a run again (Store.Update)
		sess, err := repSession(ctx, tx, a)
		if err != nil {
			return err
		}
		i, err := repOf(sess, a, true)
		if err != nil {
			return err
		}
		out := sess
		before := sess.Reps[i] // out shares sess's reps: read before the change
		was := before.Status
		changed, err := change(&out.Reps[i])
		if err != nil {
			return err
		}
		if !changed {
			res = RepAnswer{Session: out, Unchanged: true}
			return nil
		}
		now := s.now()
		out.Reps[i].ChangeNote = ""
		res = RepAnswer{Session: out}
		// Read before this answer joins the audit trail, which would
		// have it answer the very notice it is looked up for.
		answered, err := s.answerAnswers(ctx, tx, sess, before, out.Reps[i].Status)
		if err != nil {
			return err
		}
		if err := tx.UpdateSession(ctx, out); err != nil {
			return err
		}
		detail := map[string]any{"rep_id": a.RepID, "status": out.Reps[i].Status, "rating": out.Reps[i].Rating}
		if out.Reps[i].Status == StatusDisputed {
			// Kept for the manager's notice, updated once the dispute is
			// answered: an edit clears it from the rep's record first.
			detail["reason"] = out.Reps[i].DisputeReason
		}
		if err := tx.Audit(ctx, AuditEntry{At: now, ActorID: a.ActorID, Action: action, SessionID: sess.ID, Detail: detail}); err != nil {
			return err
		}
		msgs := append([]Message{a.dmUpdate(sess.ID)}, answered...)
		if out.Reps[i].Status != was { // an answer, not a rating or a comment
			follow, err := reminderFollows(ctx, tx, sess.ID, out.Reps[i])
			if err != nil {
				return err
			}
			// The manager's Home lists the session with its reps'
			// answers. Not after a rating: the tab's mean moving the
			// moment one rep rates would give that rating away, and a
			// comment changes nothing it shows.
			refresh, err := homeRefresh(ctx, tx, sess.ManagerID, now)
			if err != nil {
				return err
			}
			msgs = append(append(msgs, follow...), refresh...)
		}
		if extra != nil {
			msgs = append(msgs, extra(out)...)
		}
		return tx.Enqueue(ctx, msgs...)
	})
	if err != nil {
		return RepAnswer{}, fmt.Errorf("%s session %d for %s: %w", action, a.SessionID, a.RepID, err)
	}
	return res, nil
}

// answerAnswers is the update of the rep's not-accurate notice that their
// answer, now, causes: a Confirm, or a new Not accurate, of a session
// edited since their last one (disputeAnswered). before is their record
// before the answer.
func (s *Service) answerAnswers(ctx context.Context, tx Tx, sess Session, before SessionRep, now Status) ([]Message, error) {
	if now == before.Status {
		return nil, nil // a rating or a comment
	}
	switch now {
	case StatusConfirmed:
		return s.disputeAnswered(ctx, tx, sess, before, DisputeConfirmed)
	case StatusDisputed:
		return s.disputeAnswered(ctx, tx, sess, before, DisputeAgain)
	}
	return nil, nil
}

// repOf finds the rep's record, enforcing who may act and on what.
func repOf(sess Session, a RepAction, live bool) (int, error) {
	if a.ActorID != a.RepID {
		return 0, Errorf(EForbidden, "Only <@%s> can answer for this session.", a.RepID)
	}
	i := -1
	for j, r := range sess.Reps {
		if r.RepID == a.RepID {
			i = j
		}
	}
	if i < 0 {
		return 0, Errorf(EForbidden, "You are not on this session.")
	}
	// Taken off before it was undone (an undone session is edited no
	// more), a rep is told what they know: the undo is news of a session
	// no longer theirs (AsTakenOff).
	if sess.Reps[i].Removed {
		return 0, Errorf(EInvalid, "<@%s> took you off this session.", sess.ManagerID)
	}
	if sess.Undone() {
		return 0, Errorf(EInvalid, "This session was withdrawn by <@%s>.", sess.ManagerID)
	}
	if live && a.Version != sess.Version {
		return 0, Errorf(EStale, "This session was changed after that message; use the updated message.")
	}
	return i, nil
}
