package coaching

import (
	"context"
	"fmt"
)

// PrepSessions is how many of a manager's latest sessions with a rep a prep
// brief shows.
const PrepSessions = 5

// Prep is what a manager's brief before their next session with one of
// their reps is built from (/coach prep): their own latest sessions with the
// rep, with the rep's answers (status, comment, dispute reason), and the
// rep's open commitments from those sessions. Other managers' sessions and
// notes are not in it: a manager reads only what they logged.
type Prep struct {
	Rep         Person
	Sessions    []Session    // the manager's own with the rep, latest first
	Commitments []Commitment // the rep's open ones from the manager's sessions, the MaxOpenCommitments oldest
	// MoreCommitments is how many more of those are open than Commitments lists.
	MoreCommitments int
	CadenceDays     int // the manager's own cadence; 0: the default
}

// Prep gathers a prep brief's content for managerID about repID. Only the
// rep's manager in the current roster may ask (both active members of it,
// the rep holding the rep role and reporting to them); anyone else is
// refused with EForbidden, whether or not the rep exists.
func (s *Service) Prep(ctx context.Context, managerID, repID string) (Prep, error) {
	forbidden := Errorf(EForbidden, "You can prepare only for reps who report to you in the roster.")
	m, err := s.store.Person(ctx, managerID)
	if ErrorCode(err) == ENotFound {
		return Prep{}, forbidden
	}
	if err != nil {
		return Prep{}, err
	}
	rep, err := s.store.Person(ctx, repID)
	if ErrorCode(err) == ENotFound {
		return Prep{}, forbidden
	}
	if err != nil {
		return Prep{}, err
	}
	if !m.Manages(rep) || !rep.Holds(PersonRep) {
		return Prep{}, forbidden
	}
	p := Prep{Rep: rep, CadenceDays: m.CadenceDays}
	if p.Sessions, err = s.store.ManagerSessions(ctx, managerID, repID, PrepSessions); err != nil {
		return Prep{}, fmt.Errorf("read sessions of %s with %s: %w", managerID, repID, err)
	}
	if p.Commitments, err = s.ClosableCommitments(ctx, managerID, repID, 0); err != nil {
		return Prep{}, err
	}
	if len(p.Commitments) == MaxOpenCommitments {
		// Counted as OpenCommitments counts them, so that the brief can
		// say there are more: the list alone never holds more than ten.
		n, err := s.store.CountOpenCommitments(ctx, repID, CommitmentFilter{ManagerID: managerID})
		if err != nil {
			return Prep{}, fmt.Errorf("count open commitments of %s: %w", repID, err)
		}
		p.MoreCommitments = max(n-len(p.Commitments), 0)
	}
	return p, nil
}
