package coaching

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// Who sees and closes a rep's open commitments (PRODUCT.md, "commitments
// carry over"): a manager, those from sessions they logged, to read and to
// tick off as kept; a leader, also those from shared sessions logged by
// managers below them in the current reporting tree, to read only. Nobody
// else, whatever sessions they log with that rep.

// maxSharedScan bounds how many of a rep's open commitments from shared
// sessions are read to find those below a leader.
const maxSharedScan = 500

// maxTreeDepth bounds the walk up a reporting line, so that a cycle left in
// the data can't loop.
const maxTreeDepth = 64

// OpenCommitments lists the oldest open commitments of a rep that viewerID
// may read: from sessions the viewer logged and, for a leader, from shared
// sessions logged by managers below them.
func (s *Service) OpenCommitments(ctx context.Context, viewerID, repID string) ([]Commitment, error) {
	out, err := s.store.OpenCommitments(ctx, repID, CommitmentFilter{ManagerID: viewerID}, MaxOpenCommitments)
	if err != nil {
		return nil, fmt.Errorf("read open commitments of %s: %w", repID, err)
	}
	viewer, err := s.store.Person(ctx, viewerID)
	if ErrorCode(err) == ENotFound {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	if !viewer.Holds(PersonLeader) {
		return out, nil
	}
	shared, err := s.store.OpenCommitments(ctx, repID, CommitmentFilter{SharedOnly: true}, maxSharedScan)
	if err != nil {
		return nil, fmt.Errorf("read shared commitments of %s: %w", repID, err)
	}
	below := map[string]bool{}
	for _, c := range shared {
		if c.ManagerID == viewerID {
			continue // already listed as the viewer's own
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
	}
	// The oldest session first, as the store lists each part: a shared
	// session backdated below the leader is older than their own of last
	// week, whatever the ids.
	slices.SortFunc(out, func(a, b Commitment) int {
		return cmp.Or(a.CreatedOn.Compare(b.CreatedOn), cmp.Compare(a.ID, b.ID))
	})
	return out[:min(len(out), MaxOpenCommitments)], nil
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
	return tx.CloseCommitments(ctx, managerID, d.KeptCommitments, d.RepIDs, CommitmentKept, bySession, s.now())
}
