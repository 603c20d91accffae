package coaching

import (
	"context"
	"fmt"
)

// Who may read what on the read-only surfaces (`/coach report`, a leader's
// `/coach history @rep`, the rep's own view), decided here so that every
// surface applies the same rule (PRODUCT.md, "Authorisation": reports
// follow the reporting tree; notes are seen by the manager and the rep,
// and by the leaders above them when shared).

// maxRepScan bounds how many of a rep's latest sessions are read to find
// those a leader may see.
const maxRepScan = 200

// ReportScope says whose part of the tree askerID may have a report on,
// as the id of its root: targetID when given, else the asker's own tree;
// "" is the whole organisation, for an admin who leads no tree. A leader
// may ask about themselves and anyone below them in the current roster,
// at any depth; an admin (admin) about anyone Coachlog knows. Anyone else
// is refused with what they may use instead.
func (s *Service) ReportScope(ctx context.Context, askerID, targetID string, admin bool) (string, error) {
	asker, err := s.store.Person(ctx, askerID)
	if err != nil && ErrorCode(err) != ENotFound {
		return "", err
	}
	leader := err == nil && asker.Holds(PersonLeader)
	if !leader && !admin {
		manager, err := s.IsManager(ctx, asker)
		if err != nil {
			return "", err
		}
		return "", &Error{Code: EForbidden, Message: "`/coach report` is for leaders and admins, as the roster names them. " +
			Alternatives(asker, manager)}
	}
	switch {
	case targetID == "" && leader:
		return askerID, nil
	case targetID == "":
		return "", nil
	}
	if admin || targetID == askerID {
		if _, err := s.store.Person(ctx, targetID); err != nil {
			return "", err
		}
		return targetID, nil
	}
	// Someone unknown is refused as anyone outside the tree is, so that
	// a refusal tells nothing of who Coachlog knows.
	below, err := leads(ctx, s.store, askerID, targetID)
	if err != nil {
		return "", err
	}
	if !below {
		return "", Errorf(EForbidden, "<@%s> is not below you in the roster: you can ask for a report on yourself and on the managers and leaders below you.", targetID)
	}
	return targetID, nil
}

// Alternatives says, for someone refused a surface that is not theirs,
// what Coachlog has for them: a manager (manager: IsManager holds, they
// have a team) their own numbers, a rep their App Home and DMs (both take
// their answers), anyone of the company the way to log coaching; someone
// of another company (Slack Connect) that they can't log any.
func Alternatives(p Person, manager bool) string {
	switch {
	case p.External:
		return MsgOutsider
	case manager:
		return "For your own team: `/coach stats` (your numbers) and `/coach team` (your reps and who is overdue)."
	case p.Holds(PersonRep):
		return "The coaching you received is in your App Home (open Coachlog, then Home), where you answer each session waiting for you: Confirm or Not accurate. " +
			"Each session is in your DMs with Coachlog too, where you can answer it and say how useful it was."
	}
	return "Anyone can log coaching with `/coach`; `/coach help` lists the rest."
}

// RepOnly reports whether p holds the rep role and no role that logs
// coaching or reads a team's figures (manager, leader): someone the
// managers' surfaces (`/coach stats`, `/coach team`) are not for, who is
// told where their own coaching is rather than how to get a team.
func RepOnly(p Person) bool {
	return p.Holds(PersonRep) && !p.Holds(PersonManager) && !p.Holds(PersonLeader)
}

// MsgOutsider refuses someone of another organisation (Slack Connect)
// what only the company's people do: logging coaching. Every surface
// says it in these words, at the form's submission, the one-line
// capture, and before a form would open.
const MsgOutsider = "You are outside this company (Slack Connect): Coachlog logs coaching by its own people only."

// RefuseOutsider refuses p when Slack said they belong to another
// organisation (Person.External, as stored from their profile): their
// sessions would DM the company's reps and count in its figures.
func RefuseOutsider(p Person) error {
	if p.External {
		return Errorf(EForbidden, MsgOutsider)
	}
	return nil
}

// LeaderHistory lists, newest first, the sessions with repID that a leader
// above the rep may read: those logged by managers below leaderID in the
// current roster (at any depth), as LeaderView shows them. below is false,
// and the list empty, when leaderID is not a leader above that rep: they
// then see only the sessions they logged themselves (History).
func (s *Service) LeaderHistory(ctx context.Context, leaderID, repID string, limit int) (sessions []Session, below bool, err error) {
	leader, err := s.store.Person(ctx, leaderID)
	if ErrorCode(err) == ENotFound {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if !leader.Holds(PersonLeader) {
		return nil, false, nil
	}
	if below, err = leads(ctx, s.store, leaderID, repID); err != nil || !below {
		return nil, false, err
	}
	all, err := s.store.RepSessions(ctx, repID, maxRepScan)
	if err != nil {
		return nil, true, fmt.Errorf("read sessions with %s: %w", repID, err)
	}
	under := map[string]bool{}
	for _, sess := range all {
		if len(sessions) == limit {
			break
		}
		if sess.ManagerID == leaderID {
			continue // their own, listed with Edit and Undo by History
		}
		ok, seen := under[sess.ManagerID]
		if !seen {
			if ok, err = leads(ctx, s.store, leaderID, sess.ManagerID); err != nil {
				return nil, true, err
			}
			under[sess.ManagerID] = ok
		}
		if ok {
			sessions = append(sessions, LeaderView(sess))
		}
	}
	return sessions, true, nil
}

// LeaderView is a session as a leader above its manager reads it: what
// happened, with the notes and commitments only when the manager shared
// them with leaders, and each rep's status but never their rating,
// comment or dispute reason (ratings reach leaders as averages only).
func LeaderView(s Session) Session {
	v := s
	if s.Visibility != VisibilityShared {
		v.Notes, v.Commitments = "", nil
	}
	v.Reps = make([]SessionRep, len(s.Reps))
	for i, r := range s.Reps {
		v.Reps[i] = SessionRep{RepID: r.RepID, Status: r.Status, Removed: r.Removed}
	}
	return v
}

// MyCommitments lists a rep's own open commitments, from every session
// logged with them, the MaxOpenCommitments oldest, and says how many more
// are open.
func (s *Service) MyCommitments(ctx context.Context, repID string) (_ []Commitment, more int, _ error) {
	out, err := s.store.OpenCommitments(ctx, repID, CommitmentFilter{}, MaxOpenCommitments)
	if err != nil {
		return nil, 0, fmt.Errorf("read open commitments of %s: %w", repID, err)
	}
	if len(out) == MaxOpenCommitments {
		n, err := s.store.CountOpenCommitments(ctx, repID, CommitmentFilter{})
		if err != nil {
			return nil, 0, fmt.Errorf("count open commitments of %s: %w", repID, err)
		}
		more = max(n-len(out), 0)
	}
	return out, more, nil
}
