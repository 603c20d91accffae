package coaching

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// Who sees and closes a rep's open commitments (PRODUCT.md, "commitments
// carry over"): a manager, those from sessions they logged; a leader, also
// those from sessions shared with leaders that managers below them in the
// current reporting tree logged. Each reads them and closes them, as kept
// in the log form or as kept or not kept from /coach history, and takes
// back a close made there. The session's manager keeps closing theirs
// whoever else may. Nobody else, whatever sessions they log with that
// rep: a private session's commitments never reach a leader.

// maxSharedScan bounds how many of a rep's open commitments from shared
// sessions are read to find those below a leader.
const maxSharedScan = 500

// maxTreeDepth bounds the walk up a reporting line, so that a cycle left in
// the data can't loop.
const maxTreeDepth = 64

// OpenList is a rep's open commitments as one viewer may read them.
type OpenList struct {
	// Own: from sessions the viewer logged, the MaxOpenCommitments
	// oldest, theirs to close; More: how many more of theirs are open.
	Own  []Commitment
	More int
	// Below: for a leader, from shared sessions logged by managers below
	// them, the MaxOpenCommitments oldest, theirs to close too (their
	// manager's as well).
	Below []Commitment
}

// OpenCommitments lists the oldest open commitments of a rep that viewerID
// may read: from sessions the viewer logged and, for a leader, from shared
// sessions logged by managers below them. Each part is the oldest
// session's first.
func (s *Service) OpenCommitments(ctx context.Context, viewerID, repID string) (OpenList, error) {
	var out OpenList
	var err error
	if out.Own, err = s.ClosableCommitments(ctx, viewerID, repID, 0); err != nil {
		return OpenList{}, err
	}
	if len(out.Own) == MaxOpenCommitments {
		n, err := s.store.CountOpenCommitments(ctx, repID, CommitmentFilter{ManagerID: viewerID})
		if err != nil {
			return OpenList{}, fmt.Errorf("count open commitments of %s: %w", repID, err)
		}
		out.More = max(n-len(out.Own), 0)
	}
	t, err := newTree(ctx, s.store, viewerID)
	if err != nil {
		return OpenList{}, err
	}
	if out.Below, err = s.sharedBelow(ctx, t, repID); err != nil {
		return OpenList{}, err
	}
	return out, nil
}

// sharedBelow lists the oldest open commitments of a rep from shared
// sessions logged by managers below t's viewer, when they are a leader
// and the rep is below them too. A rep who has left the leader's tree
// gets no leader's section in /coach history (LeaderHistory), so none of
// its commitments either, here or in the log form: a manager still below
// may have logged them, but the rep is no longer the leader's to follow
// (README, "Using it": "for a rep below you in the current roster").
func (s *Service) sharedBelow(ctx context.Context, t *tree, repID string) ([]Commitment, error) {
	if !t.leader {
		return nil, nil
	}
	if ok, err := t.leads(ctx, repID); err != nil || !ok {
		return nil, err
	}
	shared, err := s.store.OpenCommitments(ctx, repID, CommitmentFilter{SharedOnly: true}, maxSharedScan)
	if err != nil {
		return nil, fmt.Errorf("read shared commitments of %s: %w", repID, err)
	}
	var out []Commitment
	for _, c := range shared {
		if c.ManagerID == t.viewerID {
			continue // the viewer's own
		}
		ok, err := t.leads(ctx, c.ManagerID)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, c)
		}
		if len(out) == MaxOpenCommitments {
			break // the store lists them oldest first
		}
	}
	return out, nil
}

// tree answers, for one viewer, whether managers are below them in the
// current reporting tree, reading the viewer, and each person met on a
// walk up it, once: a form for a team meeting asks it about every rep's
// commitments, all by views.open's deadline, and the reps mostly share
// their managers and the line above them.
type tree struct {
	r        personReader
	viewerID string
	leader   bool
	people   map[string]Person
	missing  map[string]bool // people read and not found
	below    map[string]bool
}

// personReader is the one read a walk up the tree needs.
type personReader interface {
	Person(ctx context.Context, id string) (Person, error)
}

// newTree reads viewerID through r.
func newTree(ctx context.Context, r personReader, viewerID string) (*tree, error) {
	t := &tree{r: r, viewerID: viewerID, people: map[string]Person{}, missing: map[string]bool{}, below: map[string]bool{}}
	viewer, err := t.Person(ctx, viewerID)
	if err != nil && ErrorCode(err) != ENotFound {
		return nil, fmt.Errorf("read viewer %s: %w", viewerID, err)
	}
	t.leader = err == nil && viewer.Holds(PersonLeader)
	return t, nil
}

// Person reads id once, found or not; a failed read is tried again.
func (t *tree) Person(ctx context.Context, id string) (Person, error) {
	if p, ok := t.people[id]; ok {
		return p, nil
	}
	if t.missing[id] {
		return Person{}, Errorf(ENotFound, "Person %s does not exist.", id)
	}
	p, err := t.r.Person(ctx, id)
	switch {
	case ErrorCode(err) == ENotFound:
		t.missing[id] = true
		return Person{}, err
	case err != nil:
		return Person{}, err
	}
	t.people[id] = p
	return p, nil
}

// leads reports whether the viewer, a leader, is above managerID.
func (t *tree) leads(ctx context.Context, managerID string) (bool, error) {
	if ok, seen := t.below[managerID]; seen {
		return ok, nil
	}
	ok, err := leads(ctx, t, t.viewerID, managerID)
	if err != nil {
		return false, err
	}
	t.below[managerID] = ok
	return ok, nil
}

// CommitmentForm is what one log form offers its viewer to tick off as
// kept, read rep by rep (Rep) with the viewer and the tree read once for
// the whole form. It serves one form's reads, one after another.
type CommitmentForm struct {
	s      *Service
	t      *tree
	except int64
}

// CommitmentForm starts reading what the log form of viewerID offers to
// tick off, but for session except (the one being edited; 0: none).
func (s *Service) CommitmentForm(ctx context.Context, viewerID string, except int64) (*CommitmentForm, error) {
	t, err := newTree(ctx, s.store, viewerID)
	if err != nil {
		return nil, err
	}
	return &CommitmentForm{s: s, t: t, except: except}, nil
}

// Rep lists the open commitments of repID that the form offers: those
// from sessions the viewer logged and, for a leader, those from shared
// sessions logged by managers below them, each of those with its
// manager's name (ManagerName); the MaxOpenCommitments oldest in all, as
// the form's checkboxes take no more (Block Kit: ten options).
func (f *CommitmentForm) Rep(ctx context.Context, repID string) ([]Commitment, error) {
	own, err := f.s.ClosableCommitments(ctx, f.t.viewerID, repID, f.except)
	if err != nil {
		return nil, err
	}
	below, err := f.s.sharedBelow(ctx, f.t, repID)
	if err != nil {
		return nil, err
	}
	if len(below) == 0 {
		return own, nil
	}
	for i, c := range below {
		// Read on the walk that found them below: no read of its own.
		p, err := f.t.Person(ctx, c.ManagerID)
		if err != nil && ErrorCode(err) != ENotFound {
			return nil, err
		}
		below[i].ManagerName = cmp.Or(p.DisplayName(), c.ManagerID)
	}
	// Each part is oldest first, as the store orders them: by the
	// session's date, then as made.
	out := append(own, below...)
	slices.SortStableFunc(out, func(a, b Commitment) int {
		return cmp.Or(a.CreatedOn.Compare(b.CreatedOn), cmp.Compare(a.ID, b.ID))
	})
	return out[:min(len(out), MaxOpenCommitments)], nil
}

// ClosableCommitments lists the oldest open commitments of a rep from
// sessions managerID logged, but for session except (the one being
// edited; 0: none), MaxOpenCommitments at most: what a manager closes as
// theirs, and what their prep brief lists.
func (s *Service) ClosableCommitments(ctx context.Context, managerID, repID string, except int64) ([]Commitment, error) {
	out, err := s.store.OpenCommitments(ctx, repID, CommitmentFilter{ManagerID: managerID, ExceptSession: except}, MaxOpenCommitments)
	if err != nil {
		return nil, fmt.Errorf("read open commitments of %s: %w", repID, err)
	}
	return out, nil
}

// leads reports whether leaderID is above managerID in the current
// reporting tree, at any depth: every step an active member of the roster.
// The leader role is checked by the caller. r is a write's transaction
// when the answer decides a write, so that it reads the roster as the
// write sees it.
func leads(ctx context.Context, r personReader, leaderID, managerID string) (bool, error) {
	id := managerID
	for range maxTreeDepth {
		p, err := r.Person(ctx, id)
		if ErrorCode(err) == ENotFound {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if !p.Active || !p.InRoster || p.ManagerID == "" {
			return false, nil
		}
		if p.ManagerID == leaderID {
			return true, nil
		}
		id = p.ManagerID
	}
	return false, nil
}

// ticked is a form's commitments ticked kept, once authorised
// (authorizeKept): the ids the submitter may close, and among them those
// from sessions someone else logged, which a leader ticks below them.
type ticked struct {
	ids    []int64
	others []Commitment
}

// authorizeKept checks the commitments a form marks kept before anything
// is written. Each must come from a session managerID logged or, for a
// leader, from a shared session a manager below them logged (mayChange),
// as this write reads the roster and the session. Any other is passed
// over: left open, nothing written for it, and the session still logged,
// as ids gone since the form opened are (and closeKept passes over those
// closed or no longer counting since).
//
// Passed over rather than refused: a leader's form offered a commitment
// below them, and by the submission its session was made private, or its
// manager moved out of the leader's tree. Refusing the whole form then
// lost the leader's session for a change they could not see. A forged id,
// one the submitter was never offered, can't be told apart from such a
// one here: the submission carries only ids, and nothing records what a
// form offered nor how the roster and the session stood when it opened
// (the form's own blocks, in the same payload as the ticks, would witness
// no more than the ticks do). So both are passed over alike, which is
// safe for both: a commitment the submitter may not close is never
// written, nor is its text or its session's ever shown for it, so a
// forged form still can't skew another manager's numbers, nor close a
// private session's. Only a refusal (EForbidden) is passed over; a
// failed read fails the write.
//
// It runs first in the write: on PostgreSQL a leader's check locks the
// sessions of the ticks below them, and every write locks a session's row
// before the cells of minutes and the commitments (tx.go, putReps), so it
// must come before the session's own writes.
func (s *Service) authorizeKept(ctx context.Context, tx Tx, managerID string, d Draft) (ticked, error) {
	var out ticked
	var others []Commitment
	for _, id := range d.KeptCommitments {
		c, err := tx.Commitment(ctx, id)
		if ErrorCode(err) == ENotFound {
			continue
		}
		if err != nil {
			return ticked{}, err
		}
		if c.ManagerID != managerID {
			others = append(others, c)
			continue
		}
		out.ids = append(out.ids, id)
	}
	// Their sessions are locked in one order, whatever the form's: two
	// leaders ticking the same ones may wait for each other, never for
	// good. An edit locked its own session with these first, in the same
	// order (lockEditOrder).
	slices.SortFunc(others, func(a, b Commitment) int {
		return cmp.Or(cmp.Compare(a.SessionID, b.SessionID), cmp.Compare(a.ID, b.ID))
	})
	for _, c := range others {
		err := s.mayChange(ctx, tx, managerID, c, "tick off")
		if ErrorCode(err) == EForbidden {
			// No text: the commitment may be a private session's.
			s.log.InfoContext(ctx, "tick passed over: not closable by the submitter", "manager_id", managerID,
				"commitment_id", c.ID, "session_id", c.SessionID)
			continue
		}
		if err != nil {
			return ticked{}, err
		}
		out.ids = append(out.ids, c.ID)
		out.others = append(out.others, c)
	}
	return out, nil
}

// closeKept ticks off the commitments a form marked kept, as authorised
// (authorizeKept), in session bySession. Ids closed since the form opened,
// of reps no longer on their session or not on this one, or of a session
// undone since, are passed over. A leader's tick of a commitment below
// them is audited, as nothing else says who closed another manager's
// commitment; the session's manager's own ticks are the session's.
func (s *Service) closeKept(ctx context.Context, tx Tx, managerID string, k ticked, repIDs []string, bySession int64) error {
	own := slices.DeleteFunc(slices.Clone(k.ids), func(id int64) bool {
		return slices.ContainsFunc(k.others, func(c Commitment) bool { return c.ID == id })
	})
	now := s.now()
	if _, err := tx.CloseCommitments(ctx, managerID, own, repIDs, CommitmentKept, bySession, now); err != nil {
		return err
	}
	for _, c := range k.others {
		// The store closes it as its session's manager's, and only while
		// it is theirs, open and live.
		n, err := tx.CloseCommitments(ctx, c.ManagerID, []int64{c.ID}, repIDs, CommitmentKept, bySession, now)
		if err != nil {
			return err
		}
		if n == 0 {
			continue
		}
		if err := tx.Audit(ctx, AuditEntry{At: now, ActorID: managerID, Action: "close_commitment", SessionID: c.SessionID,
			Detail: map[string]any{"commitment_id": c.ID, "rep": c.RepID, "status": CommitmentKept, "manager": c.ManagerID,
				"in_session": bySession}}); err != nil {
			return err
		}
	}
	return nil
}

// CloseCommitment marks one open commitment kept or not kept outside any
// session: from /coach history, where a manager closes one the rep did
// not keep (the log form only ticks those kept), or one past the form's
// ten. actorID is the manager who logged its session or a leader above
// them, for a shared one (mayChange), as the roster and the session stand
// when this write runs, whatever the click says; only while that session
// counts and the rep is on it, only while open. It is recorded with no
// closing session, so undoing a later session never reopens it, and with
// an audit line naming actorID, as nothing else records who closed it. It
// returns the commitment as closed. A close that finds it closed already,
// or no longer counting, is refused with EStale and changes nothing: a
// click on a list shown before.
func (s *Service) CloseCommitment(ctx context.Context, actorID string, id int64, status CommitmentStatus) (Commitment, error) {
	if status != CommitmentKept && status != CommitmentNotKept {
		return Commitment{}, Errorf(EInvalid, "A commitment closes as kept or not kept, not %q.", status)
	}
	var out Commitment
	err := s.store.Update(ctx, func(tx Tx) error {
		c, err := s.changeable(ctx, tx, actorID, id, "close")
		if err != nil {
			return err
		}
		now := s.now()
		// Closed as its session's manager's: the store checks again that
		// it is theirs, open and live.
		n, err := tx.CloseCommitments(ctx, c.ManagerID, []int64{id}, []string{c.RepID}, status, 0, now)
		if err != nil {
			return err
		}
		if n == 0 {
			// The UPDATE checks that it is open and counts (its session
			// not undone, its rep still on it: live), as it stands when
			// the UPDATE runs, after any write it waited on (PostgreSQL):
			// read what became of it, and say so. A close by another the
			// same way is not this one's (its session, if a form ticked
			// it, would reopen it on an undo).
			cur, err := tx.Commitment(ctx, id)
			switch {
			case ErrorCode(err) == ENotFound:
				return gone()
			case err != nil:
				return err
			case cur.Status == CommitmentOpen:
				return notCounting(c.RepID)
			default:
				return closedAlready(cur.Status)
			}
		}
		c.Status = status
		out = c
		return tx.Audit(ctx, AuditEntry{At: now, ActorID: actorID, Action: "close_commitment", SessionID: c.SessionID,
			Detail: map[string]any{"commitment_id": id, "rep": c.RepID, "status": status, "manager": c.ManagerID}})
	})
	if err != nil {
		return Commitment{}, fmt.Errorf("close commitment %d as %s: %w", id, status, err)
	}
	return out, nil
}

// ReopenCommitment undoes CloseCommitment: a manager or leader who picked
// Kept or Not kept by mistake in /coach history takes it back, and the
// commitment is open again, in the lists and the log forms. Only a close
// made there is undone here (one ticked in a session's form is that
// session's, undone with it or changed by editing it), by whoever may
// close it now (mayChange), while it still stands as status. It returns
// the commitment reopened; a click on an Undo shown before, the
// commitment changed since, is refused with EStale and changes nothing.
func (s *Service) ReopenCommitment(ctx context.Context, actorID string, id int64, status CommitmentStatus) (Commitment, error) {
	var out Commitment
	err := s.store.Update(ctx, func(tx Tx) error {
		c, err := s.changeable(ctx, tx, actorID, id, "reopen")
		if err != nil {
			return err
		}
		ok, err := tx.ReopenClosed(ctx, id, status)
		if err != nil {
			return err
		}
		if !ok {
			return Errorf(EStale, "That commitment changed since: it is open, closed otherwise, or its session was undone. Nothing was changed.")
		}
		c.Status = CommitmentOpen
		out = c
		return tx.Audit(ctx, AuditEntry{At: s.now(), ActorID: actorID, Action: "reopen_commitment", SessionID: c.SessionID,
			Detail: map[string]any{"commitment_id": id, "rep": c.RepID, "was": status, "manager": c.ManagerID}})
	})
	if err != nil {
		return Commitment{}, fmt.Errorf("reopen commitment %d: %w", id, err)
	}
	return out, nil
}

// changeable reads commitment id for actorID to verb (close, reopen):
// refused unless they may (mayChange). An id no commitment has (an edit
// deleted it since it was listed, or the click was crafted) is refused in
// the same words as someone else's commitment, checked as one from a
// private session nobody is above: a crafted id tells neither which ids
// exist nor whose they are.
func (s *Service) changeable(ctx context.Context, tx Tx, actorID string, id int64, verb string) (Commitment, error) {
	c, err := tx.Commitment(ctx, id)
	if ErrorCode(err) == ENotFound {
		err := s.mayChange(ctx, tx, actorID, Commitment{ID: id, Visibility: VisibilityPrivate}, verb)
		if err == nil { // an empty actor id, the placeholder's manager
			err = Errorf(EForbidden, "%s", notYourCommitment(verb, false))
		}
		return Commitment{}, err
	}
	if err != nil {
		return Commitment{}, err
	}
	if err := s.mayChange(ctx, tx, actorID, c, verb); err != nil {
		return Commitment{}, err
	}
	return c, nil
}

// mayChange refuses actorID closing or reopening c (verb: "close",
// "reopen", "tick off") unless it comes from a session they logged or,
// for a leader, from a session shared with leaders that a manager below
// them logged: the leader holding the role, above the session's manager
// in the roster, and the session shared, as this write reads them. The
// session is read through tx, which on PostgreSQL locks its row, as an
// edit and an undo of it do: an edit making it private either waits for
// this write or is seen by it. A private session's commitment is refused
// whoever asks but its manager, with no word of what it says. Whether the
// session still counts (not undone, the rep on it) is the store's check,
// in the same statement as the change.
func (s *Service) mayChange(ctx context.Context, tx Tx, actorID string, c Commitment, verb string) error {
	if c.ManagerID == actorID {
		return nil
	}
	actor, err := tx.Person(ctx, actorID)
	if err != nil && ErrorCode(err) != ENotFound {
		return err
	}
	if !actor.Holds(PersonLeader) { // a placeholder of ENotFound holds nothing
		return Errorf(EForbidden, "%s", notYourCommitment(verb, false))
	}
	forbidden := Errorf(EForbidden, "%s", notYourCommitment(verb, true))
	if c.Visibility != VisibilityShared {
		return forbidden
	}
	above, err := leads(ctx, tx, actorID, c.ManagerID)
	if err != nil {
		return err
	}
	if !above {
		return forbidden
	}
	sess, err := tx.Session(ctx, c.SessionID)
	if err != nil {
		return err
	}
	if sess.Visibility != VisibilityShared || sess.ManagerID != c.ManagerID {
		return forbidden // made private since it was read
	}
	return nil
}

// notYourCommitment is the refusal to verb ("close", "reopen") a
// commitment someone may not change, in words that fit a commitment an
// edit of its session deleted too: the two are refused alike (changeable),
// so the words depend on who asks (leader or not), never on the id.
func notYourCommitment(verb string, leader bool) string {
	whose := "sessions you logged"
	if leader {
		whose += ", or from sessions the managers below you shared with leaders"
	}
	return "You can " + verb + " only commitments from " + whose + ", while they are there (an edit of a session may have removed one). Nothing was changed."
}

// gone refuses a close whose commitment an edit of its session deleted
// between the check and the write (a write it waited on, PostgreSQL).
// The check (changeable) has found it the clicker's, so this names no
// one else's.
func gone() error {
	return Errorf(EStale, "That commitment is no longer there: its session was edited since. Nothing was changed.")
}

// closedAlready refuses to close a commitment closed since it was listed.
func closedAlready(st CommitmentStatus) error {
	words := "kept"
	if st == CommitmentNotKept {
		words = "not kept"
	}
	return Errorf(EStale, "That commitment was marked %s already. Nothing was changed.", words)
}

// notCounting refuses to close a commitment whose session was undone, or
// whose rep was taken off it, since it was listed.
func notCounting(repID string) error {
	return Errorf(EStale, "That commitment no longer counts: its session was undone, or <@%s> taken off it. Nothing was changed.", repID)
}
