package coaching

import (
	"context"
	"slices"
)

// Who is a manager. PRODUCT.md makes a manager's reps "their direct
// reports in the roster", and the README's team surfaces need "reps who
// report to you in the roster"; neither makes the manager role itself give
// a team. So a manager, to Coachlog, is someone with a team, and this is
// the one rule for it: the nudge, /coach team, /coach stats and the App
// Home's team part are for exactly those people, whatever their roles (a
// leader or a selling team lead with reps has a team; the manager role
// with nobody reporting gives none). The figures then describe that team.

// InTeam reports whether rep is on manager's team in the roster as it is
// now: both active members of it, rep reporting to manager and holding the
// rep role.
func InTeam(manager, rep Person) bool {
	return manager.Manages(rep) && rep.HasRole(PersonRep)
}

// IsManager reports whether p is a manager to Coachlog: someone among
// reports (their direct reports, active or not) is on their team.
func IsManager(p Person, reports []Person) bool {
	return slices.ContainsFunc(reports, func(r Person) bool { return InTeam(p, r) })
}

// IsManager reports whether p is a manager now (the package's IsManager),
// reading their direct reports.
func (s *Service) IsManager(ctx context.Context, p Person) (bool, error) {
	if p.ID == "" {
		return false, nil
	}
	reports, err := s.store.DirectReports(ctx, p.ID)
	if err != nil {
		return false, err
	}
	return IsManager(p, reports), nil
}

// LeadsManagers reports whether anyone reports to p in the roster as it is
// now, rep or not: a leader over managers, who may have no reps of their
// own.
func (s *Service) LeadsManagers(ctx context.Context, p Person) (bool, error) {
	if p.ID == "" {
		return false, nil
	}
	reports, err := s.store.DirectReports(ctx, p.ID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(reports, func(r Person) bool { return p.Manages(r) && !InTeam(p, r) }), nil
}

// Below reports whether id is below leaderID in the current roster, at any
// depth, leaderID holding the leader role: whose coaching that leader reads
// (LeaderHistory).
func (s *Service) Below(ctx context.Context, leaderID, id string) (bool, error) {
	leader, err := s.store.Person(ctx, leaderID)
	if ErrorCode(err) == ENotFound {
		return false, nil
	}
	if err != nil || !leader.Holds(PersonLeader) {
		return false, err
	}
	return leads(ctx, s.store, leaderID, id)
}
