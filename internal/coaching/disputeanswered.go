package coaching

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// A manager's not-accurate notice (MsgDisputeNotice) shows a warning and
// an Edit button. Left so once the dispute no longer stands, a manager
// scanning their DMs could not tell which disputes were still open: the
// notice is updated in place (OpUpdate of its key) when the rep answers
// the session again (Confirm, or Not accurate again, which sends a notice
// of its own), is taken off it, or the session is undone. An edit alone
// does not: the rep has not answered it yet, and the notice's thread
// already says what the edit changed (MsgEditSaved).

// DisputeOutcome is what became of the dispute a not-accurate notice
// told a manager of.
type DisputeOutcome string

// Dispute outcomes.
const (
	DisputeConfirmed DisputeOutcome = "confirmed" // the rep confirmed the session as edited since
	DisputeAgain     DisputeOutcome = "again"     // the rep marked it not accurate again, as edited since: a notice of its own says why
	DisputeRemoved   DisputeOutcome = "removed"   // the rep was taken off the session
	DisputeUndone    DisputeOutcome = "undone"    // the session was undone
)

// DisputeAnswered is the payload of the update of a not-accurate notice:
// the outcome, decided when it is queued (a later change would render an
// earlier notice as of a dispute it never told), and the rep's reason as
// the notice showed it, kept there for context. An edit clears the reason
// from the rep's record, so it is carried here, read from the audit trail
// (the dispute's entry keeps it).
type DisputeAnswered struct {
	Outcome DisputeOutcome `json:"outcome"`
	Reason  string         `json:"reason,omitempty"`
}

// openNotice is a rep's not-accurate notice that nothing has answered
// yet: the session version the rep disputed (its key's,
// DisputeNoticeKey) and the reason they gave.
type openNotice struct {
	version int
	reason  string
}

// disputeAnswered is the update of r's open not-accurate notice on sess
// that outcome causes, if r has one; sess and r are as they stood before
// the change. A rep disputing now disputed this very version (any edit
// after a dispute asks them again), with the reason on their record. A
// rep asked again and still pending may have one from before that edit,
// which the audit trail tells; anyone else has none open (a Confirm
// answers every dispute before it, and a rep never asked again cannot
// have been asked since a dispute).
func (s *Service) disputeAnswered(ctx context.Context, tx Tx, sess Session, r SessionRep, outcome DisputeOutcome) ([]Message, error) {
	var n openNotice
	switch {
	case r.Removed:
		return nil, nil
	case r.Status == StatusDisputed:
		n = openNotice{version: sess.Version, reason: r.DisputeReason}
	case r.Status == StatusPending && r.Ask > 0:
		entries, err := tx.SessionAudit(ctx, sess.ID)
		if err != nil {
			return nil, err
		}
		var ok bool
		if n, ok, err = openNoticeOf(entries, r.RepID); err != nil {
			// The notice is left as it is: the answer itself stands.
			s.log.WarnContext(ctx, "audit trail not read: a not-accurate notice answered since is left as it was",
				"session_id", sess.ID, "rep_id", r.RepID, "err", err) // json's errors name a field and a type, never a text's value
			return nil, nil
		}
		if !ok {
			return nil, nil
		}
	default:
		return nil, nil
	}
	payload, err := json.Marshal(DisputeAnswered{Outcome: outcome, Reason: n.reason})
	if err != nil {
		return nil, fmt.Errorf("dispute answered payload: %w", err)
	}
	return []Message{{Kind: MsgDisputeNotice, Op: OpUpdate, Key: DisputeNoticeKey(sess.ID, r.RepID, n.version),
		To: sess.ManagerID, SessionID: sess.ID, RepID: r.RepID, Payload: payload}}, nil
}

// openNoticeOf reads, in a session's audit trail (oldest first), repID's
// not-accurate notice that nothing has answered: their last dispute, at
// the version the session then had, unless they confirmed since, were
// taken off the session since, or it was undone. false when there is
// none.
func openNoticeOf(entries []AuditEntry, repID string) (openNotice, bool, error) {
	trail, err := decodeTrail(entries, "log", "edit", "undo", "dispute", "confirm")
	if err != nil {
		return openNotice{}, false, err
	}
	version := 1
	var open *openNotice
	for _, t := range trail {
		switch t.Action {
		case "log":
			version = max(t.Version, 1)
		case "edit":
			if t.After == nil {
				continue // not an edit's entry as auditDetail writes it
			}
			version = t.After.Version
			if !slices.Contains(t.After.Reps, repID) {
				open = nil
			}
		case "undo":
			open = nil
		case "dispute":
			if t.RepID == repID {
				open = &openNotice{version: version, reason: t.Reason}
			}
		case "confirm":
			if t.RepID == repID {
				open = nil
			}
		}
	}
	if open == nil {
		return openNotice{}, false, nil
	}
	return *open, true, nil
}
