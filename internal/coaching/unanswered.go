package coaching

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// A rep asked again while still pending from an earlier asking has not
// answered what that asking's words described, and may not have read
// them: told only what the latest edit changed, a rep asked about a 1:1
// moved from Wednesday to Thursday and from 30 to 45 minutes, set to 60
// before they looked, read "duration 45 → 60 min": the move was gone, and
// 45 was a figure they never saw. Such a rep is told what differs between
// the session as they last answered it (or, never answered, as they were
// first asked about it) and the session now. No column keeps that
// session; the audit trail does: each edit's entry holds the session
// before and after it (auditDetail), and each answer names its rep.

// audited is the part of a session an audit entry holds (auditDetail).
type audited struct {
	Reps        []string   `json:"reps"`
	Kind        Kind       `json:"kind"`
	OccurredOn  string     `json:"occurred_on"`
	DurationMin int        `json:"duration_min"`
	Role        Role       `json:"role"`
	Skills      []string   `json:"skills"`
	Notes       string     `json:"notes"`
	Visibility  Visibility `json:"visibility"`
	Version     int        `json:"version"`
	// FollowUpOn and Commitments are nil in an entry written before the
	// trail kept them: what an edit did to them is then known only from
	// its changes.
	FollowUpOn  *string   `json:"follow_up_on"`
	Commitments *[]string `json:"commitments"`
}

// trailEntry is an audit entry of a session as read back (decodeTrail):
// a log's, an edit's, an undo's, or a rep's answer's (repUpdate's
// actions). The two readers of the trail, what a rep has not answered
// (readTrail) and a rep's open not-accurate notice (openNoticeOf), read
// it through this one type.
type trailEntry struct {
	Action  string
	Changes []Field  `json:"changes"`
	Before  *audited `json:"before"`
	After   *audited `json:"after"`
	// Kept lists the commitments of earlier sessions the edit ticked
	// off as kept; nil in an entry written before the trail kept them.
	Kept    *[]int64 `json:"kept"`
	RepID   string   `json:"rep_id"`  // an answer's
	Reason  string   `json:"reason"`  // a dispute's, since the trail kept it
	Version int      `json:"version"` // a log's: the session's first version
}

// decodeTrail decodes the entries of a session's audit trail whose
// action is one of actions, oldest first as given.
func decodeTrail(entries []AuditEntry, actions ...string) ([]trailEntry, error) {
	var out []trailEntry
	for _, e := range entries {
		if !slices.Contains(actions, e.Action) {
			continue
		}
		if e.Unreadable {
			return nil, fmt.Errorf("the %s entry of %s is not JSON", e.Action, e.At.UTC().Format(time.RFC3339))
		}
		raw, err := json.Marshal(e.Detail)
		if err != nil {
			return nil, err
		}
		t := trailEntry{Action: e.Action}
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// answerActions are the actions repUpdate audits: every one is the rep's
// answer to the session as it stood (a rating and a comment come after a
// Confirm of the same version).
var answerActions = []string{"confirm", "dispute", "rate", "comment"}

// readTrail decodes the entries of a session's audit trail that say what
// a rep last answered: the edits and the answers.
func readTrail(entries []AuditEntry) ([]trailEntry, error) {
	trail, err := decodeTrail(entries, append([]string{"edit"}, answerActions...)...)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(trail, func(t trailEntry) bool {
		return t.Action == "edit" && (t.Before == nil || t.After == nil) // not an edit's entry as auditDetail writes it
	}), nil
}

// unanswered is what a rep has not answered yet, by the audit trail.
type unanswered struct {
	// since is the session as the rep last answered it, or as they were
	// first asked about it; nil when no edit came after that: the
	// session as it stands.
	since *audited
	// also lists the commitments and the follow-up date when an edit
	// since changed them in a way since and the session now cannot show:
	// since is of an entry written before the trail kept their values,
	// or, for the commitments, an edit ticked off one of an earlier
	// session as kept, which changes no text of this one.
	also []Field
	// disputed says the rep's last answer was Not accurate: they are
	// told every change since, as after a dispute.
	disputed bool
}

// unansweredBy reads, in a session's trail (oldest first), what repID has
// not answered: the session before the first edit after their last
// answer, or after the edit that last put them on the session (the log's
// reps are on it from the start).
func unansweredBy(trail []trailEntry, repID string) unanswered {
	var u unanswered
	for _, e := range trail {
		if e.Action != "edit" {
			if e.RepID == repID {
				u = unanswered{disputed: e.Action == "dispute"}
			}
			continue
		}
		if !slices.Contains(e.Before.Reps, repID) && slices.Contains(e.After.Reps, repID) {
			u = unanswered{} // first asked as this edit left it
			continue
		}
		if u.since == nil {
			u.since = e.Before
		}
		if slices.Contains(e.Changes, FieldFollowUp) && u.since.FollowUpOn == nil {
			u.also = appendOnce(u.also, FieldFollowUp)
		}
		if slices.Contains(e.Changes, FieldCommitments) && (u.since.Commitments == nil || e.Kept == nil || len(*e.Kept) > 0) {
			u.also = appendOnce(u.also, FieldCommitments)
		}
	}
	return u
}

func appendOnce(fs []Field, f Field) []Field {
	if slices.Contains(fs, f) {
		return fs
	}
	return append(fs, f)
}

// changes is what differs for the rep between what they have not
// answered and d, the session as the edit leaves it; edit is what the
// edit alone changes, all there is when no edit came before it.
func (u unanswered) changes(old Session, d Draft, edit ChangeSet) ChangeSet {
	if u.since == nil {
		return edit
	}
	on, err := ParseDate(u.since.OccurredOn)
	if err != nil {
		return edit // not a date auditDetail writes: the edit's own words
	}
	was := old
	was.Reps = nil
	for _, id := range u.since.Reps {
		was.Reps = append(was.Reps, SessionRep{RepID: id})
	}
	was.Kind, was.OccurredOn, was.DurationMin, was.Role = u.since.Kind, on, u.since.DurationMin, u.since.Role
	was.Skills, was.Notes, was.Visibility = u.since.Skills, u.since.Notes, u.since.Visibility
	if f := u.since.FollowUpOn; f != nil {
		was.FollowUpOn = Date{}
		if *f != "" {
			if was.FollowUpOn, err = ParseDate(*f); err != nil {
				return edit
			}
		}
	}
	if texts := u.since.Commitments; texts != nil {
		was.Commitments = nil
		for _, text := range *texts {
			was.Commitments = append(was.Commitments, Commitment{Text: text})
		}
	}
	return Changes(was, d).with(u.also)
}

// told is what an edit that asks a rep again tells them changed
// (editReps): what they answered, and who reads the notes now when that
// differs from when they answered.
type told struct{ changed, readers string }

// unansweredWords is, for each rep an edit of substance asks again while
// they are still pending from an earlier asking, what to tell them
// changed since they answered (editReps): the changes of substance, or
// every change but who reads the notes for a rep whose answer was Not
// accurate, "" when nothing of that differs any more; and who reads the
// notes now, when that differs from when they answered. An earlier edit's
// "the notes are now shared …", which the rep may not have answered nor
// read, is not lost to a later edit that leaves the readers be, and shared
// then private again is no change. A rep who confirmed, told by an edit
// since that who reads the notes changed (the readers' part of their
// change note: their answer cleared the rest), is listed for the same
// word; what they answered changed in this edit alone. d is the draft as
// authorised, edit what it changes. Other reps are not listed: the edit's
// own words are theirs (a rep who answered since any earlier edit
// answered the session as it was before this one). A trail that cannot
// be read leaves the edit's own words, logged.
func (s *Service) unansweredWords(ctx context.Context, tx Tx, old Session, d Draft, edit ChangeSet) (map[string]told, error) {
	if !edit.Substance() {
		return nil, nil // nobody pending is asked again
	}
	var asked []string
	for _, r := range old.Reps {
		since := r.Status == StatusPending || r.Status == StatusConfirmed && r.ReadersNote() != ""
		if !r.Removed && since && slices.Contains(d.RepIDs, r.RepID) {
			asked = append(asked, r.RepID)
		}
	}
	if len(asked) == 0 {
		return nil, nil
	}
	entries, err := tx.SessionAudit(ctx, old.ID)
	if err != nil {
		return nil, err
	}
	trail, err := readTrail(entries)
	if err != nil {
		s.log.WarnContext(ctx, "audit trail not read: reps asked again are told this edit's changes alone",
			"session_id", old.ID, "err", err) // json's errors name a field and a type, never a text's value
		return nil, nil
	}
	out := make(map[string]told, len(asked))
	for _, id := range asked {
		u := unansweredBy(trail, id)
		cs := u.changes(old, d, edit)
		w := told{changed: cs.Summary(), readers: cs.Readers()}
		if u.disputed {
			w.changed = cs.describeButReaders()
		}
		out[id] = w
	}
	return out, nil
}
