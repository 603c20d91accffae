package coaching

import (
	"testing"
	"time"
)

// A not-accurate notice goes only for the dispute it was queued for: the
// rep still disputing the session at the version they clicked on.
func TestADisputeNoticeStandsOnlyForTheDisputeItWasQueuedFor(t *testing.T) {
	const id, rep = 7, "U0REP"
	notice := func(key string) Message {
		return Message{Kind: MsgDisputeNotice, Op: OpPost, Key: key, SessionID: id, RepID: rep}
	}
	at := func(version int, r SessionRep) Session {
		return Session{ID: id, Version: version, Reps: []SessionRep{r}}
	}
	disputed := SessionRep{RepID: rep, Status: StatusDisputed, DisputeReason: "not 30 minutes"}
	undone := at(1, disputed)
	undone.DeletedAt = time.Date(2026, 11, 18, 16, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		s    Session
		m    Message
		want bool
	}{
		{"disputed at the version queued", at(1, disputed), notice(DisputeNoticeKey(id, rep, 1)), true},
		{"disputed again after an edit asked again", at(2, disputed), notice(DisputeNoticeKey(id, rep, 1)), false},
		{"the second dispute's own notice", at(2, disputed), notice(DisputeNoticeKey(id, rep, 2)), true},
		{"asked again, not answered yet", at(2, SessionRep{RepID: rep, Status: StatusPending}), notice(DisputeNoticeKey(id, rep, 1)), false},
		{"taken off the session", at(1, SessionRep{RepID: rep, Status: StatusDisputed, Removed: true}), notice(DisputeNoticeKey(id, rep, 1)), false},
		{"undone", undone, notice(DisputeNoticeKey(id, rep, 1)), false},
		{"a key with no version: the rep's state alone", at(2, disputed), notice(DisputeKey(id, rep)), true},
	} {
		if got := tt.s.DisputeStands(tt.m); got != tt.want {
			t.Errorf("%s: DisputeStands(%q) = %v, want %v", tt.name, tt.m.Key, got, tt.want)
		}
	}
}
