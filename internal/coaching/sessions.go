package coaching

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// LogRequest asks to log a new session.
type LogRequest struct {
	ManagerID   string
	Draft       Draft
	Source      Source
	Key         string    // makes the log happen once: a modal's view id, a command's trigger id
	ResponseURL string    // where to send the manager's receipt, if anywhere
	ResponseAt  time.Time // when Slack issued ResponseURL
	CommandID   int64     // the accepted command this logs, marked done with the session
	// Redelivery says Slack sent this submission before (a retry): it
	// may be stored already.
	Redelivery bool
}

// LogSession validates and stores a new session, queueing each rep's DM in
// the same transaction. A key seen before returns the session it produced
// (a double submit of one form, validated again first: the same form
// passes again). A command (req.CommandID) answered already otherwise, by
// another replica, is left as it was answered: an error coded EAnswered.
func (s *Service) LogSession(ctx context.Context, req LogRequest) (Session, error) {
	// A retry or a replayed command finds its session before validation,
	// which could refuse it now (a rep deactivated since). A first
	// delivery saves the read: the transaction finds a duplicate anyway.
	if req.Redelivery || req.CommandID != 0 {
		// The command is read before its key: one commit marks it done
		// and stores the session it logged, so a command found answered
		// here finds that session next. Read the other way round, a
		// replica logging it between the two reads looked like a refusal.
		answered := false
		if req.CommandID != 0 {
			var err error
			if answered, err = s.store.CommandAnswered(ctx, req.CommandID); err != nil {
				return Session{}, fmt.Errorf("check command %d: %w", req.CommandID, err)
			}
		}
		if id, seen, err := s.store.SubmissionSession(ctx, req.Key); err != nil || seen {
			if err == nil && req.CommandID != 0 {
				_, err = s.CommandDone(ctx, req.CommandID)
			}
			return s.sessionOrErr(ctx, id, err)
		}
		// A command another replica answered otherwise (refused it, opened
		// the form) is not validated again, which may read Slack: it is done.
		if answered {
			return Session{}, errAnswered(req.CommandID)
		}
	}
	if !req.Source.Known() {
		if req.Source != "" {
			s.log.WarnContext(ctx, "session's source is none Coachlog writes; stored as none", "manager_id", req.ManagerID)
		}
		req.Source = ""
	}
	d := normalise(req.Draft)
	stored, err := s.validate(ctx, d, kept{}, req.ManagerID)
	if err != nil {
		return Session{}, err
	}
	now := s.now()
	sess := Session{
		ManagerID: req.ManagerID, Kind: d.Kind, OccurredOn: d.OccurredOn, DurationMin: d.DurationMin,
		Role: d.Role, Skills: d.Skills, Notes: d.Notes, Visibility: d.Visibility, Source: req.Source,
		FollowUpOn: d.FollowUpOn, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	for _, id := range d.RepIDs {
		sess.Reps = append(sess.Reps, SessionRep{RepID: id, Status: StatusPending})
	}
	dup := false
	err = s.store.Update(ctx, func(tx Tx) error {
		// The command is marked done first: on PostgreSQL a replica acting
		// on it at the same time waits here for this one to commit, and
		// then finds it done. Whoever marks it answers it; the other does
		// nothing more (the answer it would give could differ: a refusal,
		// a form, a session under another key) and returns the session the
		// first one logged under the command's key, if any.
		marked := true
		if req.CommandID != 0 {
			var err error
			if marked, err = tx.MarkCommandDone(ctx, req.CommandID, now); err != nil {
				return err
			}
		}
		id, seen, err := tx.SubmissionSession(ctx, req.Key)
		if err != nil || seen {
			sess.ID, dup = id, seen
			return err
		}
		if !marked {
			return errAnswered(req.CommandID)
		}
		kept, err := s.authorizeKept(ctx, tx, req.ManagerID, d)
		if err != nil {
			return err
		}
		if err := ensurePeople(ctx, tx, stored, append([]string{req.ManagerID}, d.RepIDs...)...); err != nil {
			return err
		}
		if err := tx.InsertSession(ctx, &sess); err != nil {
			return err
		}
		if err := s.closeKept(ctx, tx, req.ManagerID, kept, d.RepIDs, sess.ID); err != nil {
			return err
		}
		sess.Commitments = newCommitments(sess, d.Commitments)
		if err := tx.InsertCommitments(ctx, sess.Commitments); err != nil {
			return err
		}
		if err := tx.MarkSubmission(ctx, req.Key, sess.ID, now); err != nil {
			return err
		}
		if err := tx.Audit(ctx, AuditEntry{At: now, ActorID: req.ManagerID, Action: "log", SessionID: sess.ID, Detail: auditDetail(sess)}); err != nil {
			return err
		}
		msgs := make([]Message, 0, len(sess.Reps)+1)
		for _, r := range sess.Reps {
			msgs = append(msgs, repDM(OpPost, sess.ID, r.RepID))
		}
		if req.ResponseURL != "" {
			msgs = append(msgs, Message{Kind: MsgCaptureReply, Op: OpRespond, SessionID: sess.ID, To: req.ManagerID,
				ResponseURL: req.ResponseURL, ResponseAt: req.ResponseAt})
		}
		return tx.Enqueue(ctx, msgs...)
	})
	if err != nil {
		return Session{}, fmt.Errorf("log session of %s: %w", req.ManagerID, err)
	}
	if dup { // the same submission committed while this one was validated
		return s.sessionOrErr(ctx, sess.ID, nil)
	}
	s.log.InfoContext(ctx, "session logged", "session_id", sess.ID, "manager_id", req.ManagerID,
		"reps", len(sess.Reps), "kind", string(sess.Kind), "source", string(req.Source))
	return sess, nil
}

func (s *Service) sessionOrErr(ctx context.Context, id int64, err error) (Session, error) {
	if err != nil {
		return Session{}, fmt.Errorf("check submission: %w", err)
	}
	return s.store.Session(ctx, id)
}

// EditRequest asks to change a session.
type EditRequest struct {
	ActorID   string
	SessionID int64
	Version   int // the version the form was opened on
	// SavedAt is when the session was last saved as the form saw it
	// (Session.UpdatedAt); zero when unknown. A save of the notes alone
	// keeps the version (the rep's buttons stay good), so two forms open
	// on one version would otherwise let the later save quietly undo the
	// earlier one's notes.
	SavedAt time.Time
	Draft   Draft
	Key     string
	// ResponseURL, when set, is the receipt's: it is replaced there with
	// the session as saved (ResponseAt is when Slack issued it).
	ResponseURL string
	ResponseAt  time.Time
	// Thread, when set, is the manager's not-accurate DM the form was
	// opened from (its channel and ts): a reply in its thread says what
	// the edit changed, queued with the edit so that a crash after the
	// commit cannot lose it, and paced with the channel's other posts.
	// It is taken only where the bot posted a not-accurate notice of the
	// session (editSaved).
	Thread Posted
	// Redelivery says Slack sent this submission before (a retry): it
	// may be saved already.
	Redelivery bool
}

// EditSession applies the manager's changes. A change of substance (reps,
// kind, date, duration, role) puts every rep back to pending, clears their
// rating and bumps the version, so buttons on older DMs are refused; each
// rep's DM is updated in place. Changing the rep withdraws the old rep's DM.
// A rep who disputed the session is asked again after any edit, even one
// of the notes alone or a save with nothing changed: the manager has
// looked at it, and the rep must not stay stuck on "not accurate".
func (s *Service) EditSession(ctx context.Context, req EditRequest) (Session, error) {
	e, err := s.Edit(ctx, req)
	return e.Session, err
}

// Edited is an edit saved: the session as it is now and what the edit
// changed, for the manager's word that it is saved. Changes is empty for
// a save that changed nothing. Again is a retry of a form saved before:
// what that save changed is not known, and the manager was told then.
type Edited struct {
	Session Session
	Changes ChangeSet
	Again   bool
}

// Edit is EditSession, saying what the edit changed.
func (s *Service) Edit(ctx context.Context, req EditRequest) (Edited, error) {
	// As in LogSession: a retry finds its edit before validation, which
	// could refuse it now; a first delivery saves the read, and the
	// transaction finds a duplicate anyway.
	if req.Redelivery {
		if id, seen, err := s.store.SubmissionSession(ctx, req.Key); err != nil || seen {
			sess, err := s.sessionOrErr(ctx, id, err)
			return Edited{Session: sess, Again: true}, err
		}
	}
	d := normalise(req.Draft)
	// The session as stored, read before validation: what the edit
	// keeps is not judged against today again (kept).
	was, err := s.editable(ctx, s.store, req.ActorID, req.SessionID)
	if err != nil {
		return Edited{}, fmt.Errorf("edit session %d: %w", req.SessionID, err)
	}
	stored, err := s.validate(ctx, d, keptOf(was), req.ActorID)
	if err != nil {
		return Edited{}, err
	}
	var out Session
	var changes ChangeSet
	dup := false
	err = s.store.Update(ctx, func(tx Tx) error {
		// The same form saved meanwhile (a retry racing its first
		// delivery) gets the session back, not "changed since you opened
		// the form" from the version its own save bumped.
		id, seen, err := tx.SubmissionSession(ctx, req.Key)
		if err != nil || seen {
			out.ID, dup = id, seen
			return err
		}
		if err := lockEditOrder(ctx, tx, req.SessionID, req.ActorID, d.KeptCommitments); err != nil {
			return err
		}
		old, err := s.editable(ctx, tx, req.ActorID, req.SessionID)
		if err != nil {
			return err
		}
		// What was validated as kept (the read above) is what the form's
		// version saw: a date moved since raised the version.
		if old.Version != req.Version || (!req.SavedAt.IsZero() && !old.UpdatedAt.Equal(req.SavedAt)) {
			return Errorf(EStale, "This session changed since you opened the form. Close it and edit again.")
		}
		kept, err := s.authorizeKept(ctx, tx, old.ManagerID, d)
		if err != nil {
			return err
		}
		// A tick passed over changes nothing, and the receipt must not
		// say the commitments changed for it.
		authorised := d
		authorised.KeptCommitments = kept.ids
		changes = Changes(old, authorised)
		out, err = s.applyEdit(ctx, tx, old, d, kept, changes, req.ActorID, stored)
		if err != nil {
			return err
		}
		// The receipt, and the reply under a not-accurate DM, say what
		// changed, not "Logged" as if new.
		payload, err := json.Marshal(Receipt{Edited: true, Changes: changes.Describe()})
		if err != nil {
			return fmt.Errorf("receipt payload: %w", err)
		}
		if req.ResponseURL != "" {
			if err := tx.Enqueue(ctx, Message{Kind: MsgCaptureReply, Op: OpRespond, SessionID: old.ID, To: req.ActorID,
				ResponseURL: req.ResponseURL, ResponseAt: req.ResponseAt, Replace: true, Payload: payload}); err != nil {
				return err
			}
		}
		if req.Thread.TS != "" {
			// Whether the thread is the bot's own is read when the reply
			// goes (EditSavedRoute), not here: see there why.
			if err := tx.Enqueue(ctx, Message{Kind: MsgEditSaved, Op: OpPost, SessionID: old.ID,
				To: req.Thread.Channel, ThreadTS: req.Thread.TS, Payload: payload}); err != nil {
				return err
			}
		}
		return tx.MarkSubmission(ctx, req.Key, old.ID, s.now())
	})
	if err != nil {
		return Edited{}, fmt.Errorf("edit session %d: %w", req.SessionID, err)
	}
	if dup {
		sess, err := s.sessionOrErr(ctx, out.ID, nil)
		return Edited{Session: sess, Again: true}, err
	}
	return Edited{Session: out, Changes: changes}, nil
}

// EditSavedRoute is where m, the word that an edit of sess from a
// not-accurate DM was saved, goes: a reply in the thread its form named
// (m.To, m.ThreadTS). That thread is the form's to say, carried in the
// view's private_metadata, so it is taken only where the bot itself
// posted a not-accurate notice of sess, which went to the manager who
// logged it (who alone may edit it): anywhere else a reply would tell the
// session, rep and change in whatever channel or DM the thread named.
// Such a thread, which only a crafted submission carries, gets the word
// in the manager's own DM instead, threaded under nothing.
//
// It is read as the reply goes, not when the edit is saved: the notice is
// recorded where Slack put it only once Slack's answer is back, and Slack
// shows it to the manager before that. A manager who saved an edit
// meanwhile (a slow answer, a busy database holding the record back) had
// the reply taken for a crafted thread's. The outbox sends the reply
// after the notice (its post, then its record, come first in the same
// lane), so by then the notice's place is known.
func (s *Service) EditSavedRoute(ctx context.Context, sess Session, m Message) (Message, error) {
	if m.ThreadTS == "" {
		return m, nil // queued for the manager's DM already, by a coachlog that decided when the edit was saved
	}
	ok, err := s.store.PostedUnder(ctx, DisputeKey(sess.ID, ""), Posted{Channel: m.To, TS: m.ThreadTS})
	if err != nil {
		return Message{}, fmt.Errorf("read where session %d's not-accurate notices went: %w", sess.ID, err)
	}
	if !ok {
		s.log.WarnContext(ctx, "edit saved: its form named a thread that is no not-accurate notice of the session; told in the manager's DM",
			"session_id", sess.ID, "manager_id", sess.ManagerID) // not the thread: a crafted payload's words
		m.To, m.ThreadTS = sess.ManagerID, ""
	}
	return m, nil
}

// lockEditOrder locks, on PostgreSQL, the session being edited and the
// sessions of the commitments its form ticks that someone else logged (a
// leader's, below them: authorizeKept locks each to check it is still
// shared) in one order, by id. Locked as met, the edited session first,
// two leaders each editing a session while ticking a commitment of the
// other's could wait for each other for good, until PostgreSQL's deadlock
// check aborts one (a second of the ack's budget, then a retry). The
// commitments are read unlocked here; authorizeKept reads them again
// under the locks. SQLite's one writer needs none of it.
func lockEditOrder(ctx context.Context, tx Tx, sessionID int64, actorID string, kept []int64) error {
	ids := []int64{sessionID}
	for _, id := range kept {
		c, err := tx.Commitment(ctx, id)
		if ErrorCode(err) == ENotFound {
			continue
		}
		if err != nil {
			return err
		}
		if c.ManagerID != actorID {
			ids = append(ids, c.SessionID)
		}
	}
	if len(ids) == 1 {
		return nil // the edited session alone: editable locks it
	}
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		if _, err := tx.Session(ctx, id); err != nil && ErrorCode(err) != ENotFound {
			return err
		}
	}
	return nil
}

// editable loads a session its manager may change.
func (s *Service) editable(ctx context.Context, tx Reader, actorID string, id int64) (Session, error) {
	sess, err := tx.Session(ctx, id)
	if ErrorCode(err) == ENotFound {
		return Session{}, notYours("change")
	}
	if err != nil {
		return Session{}, err
	}
	if sess.ManagerID != actorID {
		return Session{}, notYours("change")
	}
	if sess.Undone() {
		return Session{}, Errorf(EInvalid, "This session was undone.")
	}
	return sess, nil
}

// notYours refuses to verb ("change", "undo") a session someone else
// logged, and one that does not exist, in the same words, naming nobody:
// an Edit or Undo carrying a crafted id would otherwise tell who logged
// which session, and which ids are sessions at all. Slack shows the
// buttons only to the manager who logged the session, so the manager
// never reads this but for a slip of the bot's own.
func notYours(verb string) error {
	return Errorf(EForbidden, "You can only %s sessions you logged.", verb)
}

// applyEdit writes d over old, changes being Changes(old, d), which Edit
// has already worked out for its messages, and kept the commitments its
// form ticked kept, authorised already (authorizeKept).
func (s *Service) applyEdit(ctx context.Context, tx Tx, old Session, d Draft, kept ticked, changes ChangeSet, actorID string, stored map[string]Person) (Session, error) {
	now := s.now()
	sess := old
	sess.Kind, sess.OccurredOn, sess.DurationMin, sess.Role = d.Kind, d.OccurredOn, d.DurationMin, d.Role
	sess.Skills, sess.Notes, sess.Visibility, sess.FollowUpOn = d.Skills, d.Notes, d.Visibility, d.FollowUpOn
	sess.UpdatedAt = now
	substance := changes.Substance()
	reasked := disputedStaying(old, d.RepIDs)
	if substance || len(reasked) > 0 {
		sess.Version++ // buttons on every older DM are refused
	}
	authorised := d
	authorised.KeptCommitments = kept.ids
	unanswered, err := s.unansweredWords(ctx, tx, old, authorised, changes)
	if err != nil {
		return Session{}, err
	}
	sess.Reps = editReps(old.Reps, d.RepIDs, substance, changes.Summary(), changes.describeButReaders(), changes.Readers(), unanswered)
	// Read before this edit joins the audit trail, which would have it
	// answer the very notices it is looked up for.
	var answered []Message
	for _, r := range old.Reps {
		if !r.Removed && !slices.Contains(d.RepIDs, r.RepID) {
			m, err := s.disputeAnswered(ctx, tx, old, r, DisputeRemoved)
			if err != nil {
				return Session{}, err
			}
			answered = append(answered, m...)
		}
	}
	if err := ensurePeople(ctx, tx, stored, d.RepIDs...); err != nil {
		return Session{}, err
	}
	if err := tx.UpdateSession(ctx, sess); err != nil {
		return Session{}, err
	}
	if err := s.editCommitments(ctx, tx, &sess, old, d, kept); err != nil {
		return Session{}, err
	}
	if changes.Empty() && len(reasked) == 0 {
		return sess, nil
	}
	if err := tx.Audit(ctx, AuditEntry{At: now, ActorID: actorID, Action: "edit", SessionID: sess.ID,
		Detail: map[string]any{"changes": changes.Fields(), "reasked": reasked, "before": auditDetail(old), "after": auditDetail(sess),
			"kept": keptIDs(kept)}}); err != nil {
		return Session{}, err
	}
	var msgs []Message
	renamed := old.Kind != sess.Kind || old.OccurredOn != sess.OccurredOn
	for _, r := range sess.Reps {
		was, existed := old.Rep(r.RepID)
		switch {
		case !existed:
			msgs = append(msgs, repDM(OpPost, sess.ID, r.RepID))
		case r.Removed && !was.Removed, !r.Removed:
			msgs = append(msgs, repDM(OpUpdate, sess.ID, r.RepID))
		}
		// A reminder says which session it is (kind and date) and where
		// the rep stands: it follows a change of either, and nothing else.
		if existed && !(was.Removed && r.Removed) && (renamed || was.Status != r.Status || was.Removed != r.Removed) {
			follow, err := reminderFollows(ctx, tx, sess.ID, r)
			if err != nil {
				return Session{}, err
			}
			msgs = append(msgs, follow...)
		}
	}
	return sess, tx.Enqueue(ctx, append(msgs, answered...)...)
}

// keptIDs lists the commitments of earlier sessions an edit ticked off
// as kept, for its audit entry: a change of the commitments that no text
// before and after shows (unanswered.go). [] rather than null for none,
// as an entry written before the trail kept them has no such key.
func keptIDs(kept ticked) []int64 {
	if kept.ids == nil {
		return []int64{}
	}
	return kept.ids
}

// disputedStaying lists the reps who disputed the session and stay on it.
func disputedStaying(s Session, repIDs []string) []string {
	var out []string
	for _, r := range s.Reps {
		if !r.Removed && r.Status == StatusDisputed && slices.Contains(repIDs, r.RepID) {
			out = append(out, r.RepID)
		}
	}
	return out
}

// editReps works out each rep's record after an edit: reps taken off are
// marked removed (their DM is withdrawn), new ones start pending, on a
// change of substance everyone is asked again, and a rep who disputed is
// asked again whatever changed. summary describes the changes of substance;
// all, every other change but who reads the notes, for a rep who disputed;
// readers, who reads the notes now when the edit changed that, which every
// rep staying on the session is told, asked again or not (see
// changenote.go); unanswered, in place of summary and readers for a rep
// still pending from an earlier asking (or told since their answer who
// reads the notes), what changed since they answered (unansweredWords).
// A rep asked again counts one more asking (Ask), which gets its own
// reminder, even when nothing they answered differs any more (changed,
// then changed back): the manager did change it meanwhile, and asking
// again is the safe side.
func editReps(old []SessionRep, repIDs []string, substance bool, summary, all, readers string, unanswered map[string]told) []SessionRep {
	said := func(words, readers string) string {
		switch {
		case words != "":
			return words
		case readers != "":
			return lookedAgain // the readers' part says what changed
		}
		return lookedAgain + ", nothing changed"
	}
	var out []SessionRep
	for _, r := range old {
		if !slices.Contains(repIDs, r.RepID) {
			r.Removed = true
			out = append(out, r)
			continue
		}
		switch {
		case r.Status == StatusDisputed && !r.Removed:
			r = SessionRep{RepID: r.RepID, Status: StatusPending, Comment: r.Comment, ChangeNote: withCleared(joinNote(said(all, readers), readers), r), Ask: r.Ask + 1}
		case r.Removed || substance:
			w, ok := unanswered[r.RepID]
			if !ok {
				w = told{changed: summary, readers: readers}
			}
			r = SessionRep{RepID: r.RepID, Status: StatusPending, Comment: r.Comment, ChangeNote: withCleared(joinNote(said(w.changed, w.readers), w.readers), r), Ask: r.Ask + 1}
		case readers != "":
			// Not asked again, whatever their answer: the DM says who
			// reads the notes now, and the buttons stay live.
			r.ChangeNote = withReaders(r, readers)
		}
		out = append(out, r)
	}
	for _, id := range repIDs {
		if !slices.ContainsFunc(out, func(r SessionRep) bool { return r.RepID == id }) {
			out = append(out, SessionRep{RepID: id, Status: StatusPending})
		}
	}
	return out
}

// withCleared is note, the change note of a rep asked again, with what
// became of their rating: asked again, a rep's rating is cleared, and
// "Please confirm again" alone left a rep who had rated wondering where
// their rating went. The change note shows only in that rep's own DM, so
// the rating stays theirs. A rep asked again before rating anew keeps the
// words of the edit that cleared it, which they may not have read yet.
func withCleared(note string, r SessionRep) string {
	cleared := ""
	switch {
	case r.Rating > 0:
		cleared = fmt.Sprintf("%s%d was cleared, you can rate again after confirming", ratingClearedPrefix, r.Rating)
	case r.Status == StatusPending:
		_, _, cleared = noteParts(r.ChangeNote)
	}
	return joinNote(note, cleared)
}

// ratingClearedPrefix starts what withCleared adds to a change note: the
// rest of a note is Coachlog's own words (ChangeSet), never these.
const ratingClearedPrefix = "your rating of "

// editCommitments keeps commitments whose text is unchanged, adds new lines
// and drops open ones no longer listed; those already kept or not kept stay,
// as they are part of the record.
func (s *Service) editCommitments(ctx context.Context, tx Tx, sess *Session, old Session, d Draft, kept ticked) error {
	var drop []int64
	var keep []Commitment
	for _, c := range old.Commitments {
		listed := slices.Contains(d.Commitments, c.Text) && slices.Contains(d.RepIDs, c.RepID)
		if listed || c.Status != CommitmentOpen {
			keep = append(keep, c)
			continue
		}
		drop = append(drop, c.ID)
	}
	var add []Commitment
	for _, c := range newCommitments(*sess, d.Commitments) {
		if !slices.ContainsFunc(keep, func(k Commitment) bool { return k.Text == c.Text && k.RepID == c.RepID }) {
			add = append(add, c)
		}
	}
	if err := tx.DeleteCommitments(ctx, drop); err != nil {
		return err
	}
	if err := tx.InsertCommitments(ctx, add); err != nil {
		return err
	}
	if old.FollowUpOn != d.FollowUpOn {
		// The follow-up is the session's: its open commitments, shown with
		// it when carried over and in the prep brief, move with it.
		if err := tx.FollowUpCommitments(ctx, sess.ID, d.FollowUpOn); err != nil {
			return err
		}
	}
	if err := s.closeKept(ctx, tx, sess.ManagerID, kept, d.RepIDs, sess.ID); err != nil {
		return err
	}
	// The commitments as stored, read again after the writes rather than
	// worked out from old: a close from /coach history may commit between
	// this edit's read and its delete (on PostgreSQL the delete waits on
	// the row, then passes over it, closed), and the commitment then stays
	// on the record though old listed it as open and dropped.
	stored, err := tx.SessionCommitments(ctx, sess.ID)
	if err != nil {
		return err
	}
	sess.Commitments = stored
	return nil
}

// UndoSession takes a session out of metrics and exports. It stays in the
// audit trail, and each rep's DM is marked withdrawn.
func (s *Service) UndoSession(ctx context.Context, actorID string, id int64) (Session, error) {
	var out Session
	err := s.store.Update(ctx, func(tx Tx) error {
		sess, err := tx.Session(ctx, id)
		if ErrorCode(err) == ENotFound {
			return notYours("undo")
		}
		if err != nil {
			return err
		}
		if sess.ManagerID != actorID {
			return notYours("undo")
		}
		out = sess
		if sess.Undone() {
			return nil // a second click on Undo changes nothing
		}
		// Read before the undo joins the audit trail, which would have it
		// answer the very notices it is looked up for.
		var answered []Message
		for _, r := range sess.Reps {
			m, err := s.disputeAnswered(ctx, tx, sess, r, DisputeUndone)
			if err != nil {
				return err
			}
			answered = append(answered, m...)
		}
		now := s.now()
		out.DeletedAt, out.UpdatedAt = now, now
		out.Version++
		if err := tx.UpdateSession(ctx, out); err != nil {
			return err
		}
		if err := tx.ReopenCommitments(ctx, id); err != nil {
			return err
		}
		if err := tx.Audit(ctx, AuditEntry{At: now, ActorID: actorID, Action: "undo", SessionID: id, Detail: auditDetail(sess)}); err != nil {
			return err
		}
		var msgs []Message
		for _, r := range out.Reps {
			if !r.Removed {
				follow, err := reminderFollows(ctx, tx, id, r)
				if err != nil {
					return err
				}
				msgs = append(append(msgs, repDM(OpUpdate, id, r.RepID)), follow...)
			}
		}
		return tx.Enqueue(ctx, append(msgs, answered...)...)
	})
	if err != nil {
		return Session{}, fmt.Errorf("undo session %d: %w", id, err)
	}
	return out, nil
}

// History lists a manager's recent sessions, or those with one rep.
func (s *Service) History(ctx context.Context, managerID, repID string, limit int) ([]Session, error) {
	return s.store.ManagerSessions(ctx, managerID, repID, limit)
}

// Session returns a session by id.
func (s *Service) Session(ctx context.Context, id int64) (Session, error) {
	return s.store.Session(ctx, id)
}

// SessionForManager returns a session its manager may edit.
func (s *Service) SessionForManager(ctx context.Context, actorID string, id int64) (Session, error) {
	return s.editable(ctx, s.store, actorID, id)
}

func repDM(op Op, sessionID int64, repID string) Message {
	return Message{Kind: MsgRepDM, Op: op, Key: RepDMKey(sessionID, repID), To: repID, SessionID: sessionID, RepID: repID}
}

func newCommitments(sess Session, lines []string) []Commitment {
	var out []Commitment
	for _, r := range sess.Reps {
		if r.Removed {
			continue
		}
		for _, text := range lines {
			out = append(out, Commitment{SessionID: sess.ID, RepID: r.RepID, Text: text, Status: CommitmentOpen,
				FollowUpOn: sess.FollowUpOn, CreatedOn: sess.OccurredOn})
		}
	}
	return out
}

// normalise fills defaults and tidies what people typed.
func normalise(d Draft) Draft {
	if d.Visibility == "" {
		d.Visibility = VisibilityPrivate
	}
	if d.Kind != KindRideAlong {
		d.Role = ""
	}
	d.Notes = cleanText(d.Notes)
	d.RepIDs = dedupe(d.RepIDs)
	d.Skills = dedupe(d.Skills)
	commitments := make([]string, 0, len(d.Commitments))
	for _, c := range d.Commitments {
		commitments = append(commitments, cleanText(c))
	}
	d.Commitments = dedupe(commitments)
	return d
}

// cleanText trims what someone typed and drops NUL characters. The store
// drops NULs from all text (PostgreSQL refuses them); they go here first
// too so that the trim sees past them: " \x00note" is "note", and a
// note of spaces and NULs is empty, as validation and the store agree.
func cleanText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\x00", ""))
}

func dedupe(xs []string) []string {
	var out []string
	for _, x := range xs {
		if x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// auditDetail is what the audit trail keeps of a session. Note text and
// the commitments' (what people typed) stay in the database, never in
// logs: no code logs an audit entry's detail (Tx.Audit's and
// SessionAudit's errors name the session, unansweredWords,
// disputeAnswered and AsTakenOff log json's errors, which name a field
// and a type, and coachlog copy's name a column). The commitments are their texts as the session holds them
// (commitmentTexts, what Changes compares), [] rather than null for none:
// an entry written before the trail kept them has no such key, and
// unanswered.go tells the two apart.
func auditDetail(s Session) map[string]any {
	commitments := commitmentTexts(s)
	if commitments == nil {
		commitments = []string{}
	}
	return map[string]any{
		"reps": s.ActiveRepIDs(), "kind": s.Kind, "occurred_on": s.OccurredOn.String(), "duration_min": s.DurationMin,
		"role": s.Role, "skills": s.Skills, "notes": s.Notes, "visibility": s.Visibility, "version": s.Version,
		"commitments": commitments, "follow_up_on": s.FollowUpOn.String(),
	}
}

// RepSessions lists the sessions a rep is on, newest first.
func (s *Service) RepSessions(ctx context.Context, repID string, limit int) ([]Session, error) {
	return s.store.RepSessions(ctx, repID, limit)
}

// HomeRequest is what a queued App Home publish carries: a notice for the
// top of the tab, saying what became of something the person did there
// (the Home tab has no response_url to answer on).
type HomeRequest struct {
	Notice string `json:"notice,omitempty"`
}

// RequestHome queues a publish of someone's App Home tab, with a notice at
// its top unless notice is empty.
func (s *Service) RequestHome(ctx context.Context, userID, notice string) error {
	m := Message{Kind: MsgHome, Op: OpPublish, Key: "home:" + userID, To: userID}
	if notice != "" {
		payload, err := json.Marshal(HomeRequest{Notice: notice})
		if err != nil {
			return fmt.Errorf("encode home notice: %w", err)
		}
		m.Payload = payload
	}
	return s.store.Update(ctx, func(tx Tx) error { return tx.Enqueue(ctx, m) })
}

// HomeOpened queues a publish of someone's App Home tab, which they just
// opened, and records when they did (HomeWatched), in one transaction.
func (s *Service) HomeOpened(ctx context.Context, userID string) error {
	at := s.now()
	return s.store.Update(ctx, func(tx Tx) error {
		if err := tx.HomeOpened(ctx, userID, at); err != nil {
			return err
		}
		return tx.Enqueue(ctx, Message{Kind: MsgHome, Op: OpPublish, Key: "home:" + userID, To: userID})
	})
}

// HomeWatched is how long after someone opened their App Home tab it
// counts as watched: a rep's answer then refreshes their manager's tab
// (homeRefresh). Slack sends app_home_opened at each opening, not while
// the tab stays open, so a manager who keeps it open longer sees the
// answers the next time they open it, as before.
const HomeWatched = 10 * time.Minute

// homeRefresh is the publish of managerID's App Home after a rep's
// answer, when they opened it within HomeWatched of now: none for a
// manager not looking, whose tab is rendered fresh at their next opening
// anyway. It is of a deferred kind, so it takes only the room reps' own
// Home publishes leave in views.publish's pace; several for one manager
// are sent as one (the outbox coalesces publishes of a Home).
func homeRefresh(ctx context.Context, tx Tx, managerID string, now time.Time) ([]Message, error) {
	watched, err := tx.HomeOpenedSince(ctx, managerID, now.Add(-HomeWatched))
	if err != nil || !watched {
		return nil, err
	}
	return []Message{{Kind: MsgHomeRefresh, Op: OpPublish, Key: "home:" + managerID, To: managerID}}, nil
}

// RejudgeOutsiders has the people stored as of another organisation
// judged again now that the app's workspace, teamID, is known to be in an
// Enterprise Grid organisation (Store.RejudgeOutsiders): those of teamID
// are the company's, the others are read again from Slack when next
// named. It returns how many were made the company's.
func (s *Service) RejudgeOutsiders(ctx context.Context, teamID string) (int64, error) {
	return s.store.RejudgeOutsiders(ctx, teamID)
}

// ProfileChanged records a profile Slack reported changed (user_change), so
// time zones and names stay fresh without a look-up per use. p.ProfileAt
// is when Slack made the event: a late retry of an older event, delivered
// after a newer one, changes nothing. Without it (Slack always sends
// one), the profile counts as of its arrival.
func (s *Service) ProfileChanged(ctx context.Context, p Person) error {
	applied, err := s.storeProfile(ctx, p, time.Time{})
	if err != nil {
		return err
	}
	if !applied {
		s.log.DebugContext(ctx, "skipped a user_change older than the profile stored", "user_id", p.ID,
			"profile_at", p.ProfileAt)
	}
	return nil
}
