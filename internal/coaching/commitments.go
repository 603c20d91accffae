package coaching

import (
	"context"
	"fmt"
)

// Who sees and closes a rep's open commitments (PRODUCT.md, "commitments
// carry over"): a manager, those from sessions they logged, to read and to
// close, as kept in the log form or as kept or not kept from /coach
// history; a leader, also those from shared sessions logged by
// managers below them in the current reporting tree, to read only. Nobody
// else, whatever sessions they log with that rep.

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
	// them, the MaxOpenCommitments oldest, read only.
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
	if out.Below, err = s.sharedBelow(ctx, viewerID, repID); err != nil {
		return OpenList{}, err
	}
	return out, nil
}

// sharedBelow lists the oldest open commitments of a rep from shared
// sessions logged by managers below viewerID, when they are a leader.
func (s *Service) sharedBelow(ctx context.Context, viewerID, repID string) ([]Commitment, error) {
	viewer, err := s.store.Person(ctx, viewerID)
	if ErrorCode(err) == ENotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !viewer.Holds(PersonLeader) {
		return nil, nil
	}
	shared, err := s.store.OpenCommitments(ctx, repID, CommitmentFilter{SharedOnly: true}, maxSharedScan)
	if err != nil {
		return nil, fmt.Errorf("read shared commitments of %s: %w", repID, err)
	}
	var out []Commitment
	below := map[string]bool{}
	for _, c := range shared {
		if c.ManagerID == viewerID {
			continue // the viewer's own
		}
		ok, seen := below[c.ManagerID]
		if !seen {
			if ok, err = s.leads(ctx, viewerID, c.ManagerID); err != nil {
				return nil, err
			}
			below[c.ManagerID] = ok
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

// ClosableCommitments lists the oldest open commitments of a rep that
// managerID may tick off as kept: those from sessions they logged, but for
// session except (the one being edited; 0: none), MaxOpenCommitments at
// most.
func (s *Service) ClosableCommitments(ctx context.Context, managerID, repID string, except int64) ([]Commitment, error) {
	out, err := s.store.OpenCommitments(ctx, repID, CommitmentFilter{ManagerID: managerID, ExceptSession: except}, MaxOpenCommitments)
	if err != nil {
		return nil, fmt.Errorf("read open commitments of %s: %w", repID, err)
	}
	return out, nil
}

// leads reports whether leaderID is above managerID in the current
// reporting tree, at any depth: every step an active member of the roster.
// The leader role is checked by the caller.
func (s *Service) leads(ctx context.Context, leaderID, managerID string) (bool, error) {
	id := managerID
	for range maxTreeDepth {
		p, err := s.store.Person(ctx, id)
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

// closeKept ticks off the commitments a form marks kept. Each must come from
// a session managerID logged: an id from anyone else's session is refused
// and nothing is written, so a forged form can't skew another manager's
// numbers. Ids gone or closed since the form opened, or of reps no longer
// on the session, are passed over.
func (s *Service) closeKept(ctx context.Context, tx Tx, managerID string, d Draft, bySession int64) error {
	for _, id := range d.KeptCommitments {
		c, err := tx.Commitment(ctx, id)
		if ErrorCode(err) == ENotFound {
			continue
		}
		if err != nil {
			return err
		}
		if c.ManagerID != managerID {
			return Errorf(EForbidden, "You can tick off only commitments from sessions you logged.")
		}
	}
	_, err := tx.CloseCommitments(ctx, managerID, d.KeptCommitments, d.RepIDs, CommitmentKept, bySession, s.now())
	return err
}

// CloseCommitment marks one open commitment kept or not kept outside any
// session: from /coach history, where a manager closes one the rep did
// not keep (the log form only ticks those kept), or one past the form's
// ten. The form's rules hold: only the manager who logged its session,
// only while that session counts and the rep is on it, only while open.
// It is recorded with no closing session, so undoing a later session
// never reopens it, and with an audit line, as nothing else records who
// closed it. It returns the commitment as closed. A close that finds it
// closed already, or no longer counting, is refused with EStale and
// changes nothing: a click on a list shown before.
func (s *Service) CloseCommitment(ctx context.Context, managerID string, id int64, status CommitmentStatus) (Commitment, error) {
	if status != CommitmentKept && status != CommitmentNotKept {
		return Commitment{}, Errorf(EInvalid, "A commitment closes as kept or not kept, not %q.", status)
	}
	var out Commitment
	err := s.store.Update(ctx, func(tx Tx) error {
		c, err := managersCommitment(ctx, tx, managerID, id, "close")
		if err != nil {
			return err
		}
		now := s.now()
		n, err := tx.CloseCommitments(ctx, managerID, []int64{id}, []string{c.RepID}, status, 0, now)
		if err != nil {
			return err
		}
		if n == 0 {
			// The UPDATE checks that it is open and counts (its session
			// not undone, its rep still on it: live), as it stands when
			// the UPDATE runs, after any write it waited on (PostgreSQL):
			// read what became of it, and say so. A close by another the
			// same way is not this manager's (its session, if a form
			// ticked it, would reopen it on an undo).
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
		return tx.Audit(ctx, AuditEntry{At: now, ActorID: managerID, Action: "close_commitment", SessionID: c.SessionID,
			Detail: map[string]any{"commitment_id": id, "rep": c.RepID, "status": status}})
	})
	if err != nil {
		return Commitment{}, fmt.Errorf("close commitment %d as %s: %w", id, status, err)
	}
	return out, nil
}

// ReopenCommitment undoes CloseCommitment: a manager who picked Kept or
// Not kept by mistake in /coach history takes it back, and the commitment
// is open again, in the list and the log form. Only a close made there is
// undone here (one ticked in a session's form is that session's, undone
// with it or changed by editing it), by the manager who logged the
// session, while it still stands as status. It returns the commitment
// reopened; a click on an Undo shown before, the commitment changed
// since, is refused with EStale and changes nothing.
func (s *Service) ReopenCommitment(ctx context.Context, managerID string, id int64, status CommitmentStatus) (Commitment, error) {
	var out Commitment
	err := s.store.Update(ctx, func(tx Tx) error {
		c, err := managersCommitment(ctx, tx, managerID, id, "reopen")
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
		return tx.Audit(ctx, AuditEntry{At: s.now(), ActorID: managerID, Action: "reopen_commitment", SessionID: c.SessionID,
			Detail: map[string]any{"commitment_id": id, "rep": c.RepID, "was": status}})
	})
	if err != nil {
		return Commitment{}, fmt.Errorf("reopen commitment %d: %w", id, err)
	}
	return out, nil
}

// managersCommitment reads commitment id for managerID to verb (close,
// reopen): refused unless it comes from a session they logged, and stale
// when an edit deleted it since it was listed.
func managersCommitment(ctx context.Context, tx Tx, managerID string, id int64, verb string) (Commitment, error) {
	c, err := tx.Commitment(ctx, id)
	if ErrorCode(err) == ENotFound {
		return Commitment{}, gone()
	}
	if err != nil {
		return Commitment{}, err
	}
	if c.ManagerID != managerID {
		return Commitment{}, Errorf(EForbidden, "You can %s only commitments from sessions you logged.", verb)
	}
	return c, nil
}

// gone refuses a click on a commitment an edit of its session deleted
// since it was listed.
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
