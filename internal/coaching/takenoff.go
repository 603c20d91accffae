package coaching

import (
	"context"
	"slices"
	"time"
)

// A rep taken off a session keeps their DM, withdrawn ("@max took you off
// this session"), and the reminder in its thread. Both are drawn again
// after: when the edit's own update goes (it may wait in the outbox behind
// later edits), and when the rep clicks a button of their old DM (refused,
// and the DM replaced with the one of now). Drawn from the session as it
// stands, they told a rep who is no longer on it what the manager made of
// it since: another kind, another day, another length (the edit that took
// them off, moving a 1:1 logged with the wrong rep to the right rep's day,
// included), and an undo. That is news of a session that is no longer
// theirs. They name it as the rep last saw it instead: as the edit that
// took them off found it, which the audit trail keeps (auditDetail).

// AsTakenOff returns sess as repID last saw it when they are a rep an
// edit took off it: its kind, day, length and role as the last edit
// that took them off found them, never undone (that came after), with
// no notes nor commitments (a withdrawn DM shows none); sess itself for
// anyone else. A trail that cannot be read, or holds no such edit (a
// database edited by hand), leaves sess as it stands, logged: the
// withdrawn DM still goes.
func (s *Service) AsTakenOff(ctx context.Context, sess Session, repID string) (Session, error) {
	if r, ok := sess.Rep(repID); !ok || !r.Removed {
		return sess, nil
	}
	entries, err := s.store.SessionAudit(ctx, sess.ID)
	if err != nil {
		return Session{}, err
	}
	trail, err := decodeTrail(entries, "edit")
	if err != nil {
		s.log.WarnContext(ctx, "audit trail not read: a rep taken off is shown the session as it stands",
			"session_id", sess.ID, "rep_id", repID, "err", err) // json's errors name a field and a type, never a text's value
		return sess, nil
	}
	var seen *audited
	for _, e := range trail {
		if e.Before != nil && e.After != nil && slices.Contains(e.Before.Reps, repID) && !slices.Contains(e.After.Reps, repID) {
			seen = e.Before
		}
	}
	if seen == nil {
		s.log.WarnContext(ctx, "no edit in the audit trail took the rep off: they are shown the session as it stands",
			"session_id", sess.ID, "rep_id", repID)
		return sess, nil
	}
	on, err := ParseDate(seen.OccurredOn)
	if err != nil {
		s.log.WarnContext(ctx, "audit trail not read: a rep taken off is shown the session as it stands",
			"session_id", sess.ID, "rep_id", repID, "err", err)
		return sess, nil
	}
	v := sess
	v.Kind, v.OccurredOn, v.DurationMin, v.Role, v.Skills = seen.Kind, on, seen.DurationMin, seen.Role, seen.Skills
	v.Version, v.Visibility, v.Notes, v.Commitments, v.FollowUpOn = seen.Version, seen.Visibility, "", nil, Date{}
	v.DeletedAt = time.Time{}
	v.Reps = nil
	for _, id := range seen.Reps {
		r := SessionRep{RepID: id} // who else was on it then; what they answered is theirs
		if id == repID {
			r, _ = sess.Rep(repID)
		}
		v.Reps = append(v.Reps, r)
	}
	return v, nil
}
