package coaching_test

import (
	"context"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A close or a reopen of a commitment id no commitment has is refused in
// the same words, with the same code, as one of a commitment someone else
// may not change: a crafted id tells neither which ids exist nor whose
// they are. Checked for a manager (Mia, a peer), a leader above for a
// private session (Vera), a leader of another tree (Leo) and the rep.
func TestACommitmentThatDoesNotExistIsRefusedAsAnotherManagers(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		o := newCommitmentOrgOn(t, db)
		missing := o.mia + 1000
		type try func(who string, id int64) error
		closeIt := func(who string, id int64) error {
			_, err := o.svc.CloseCommitment(ctx, who, id, coaching.CommitmentKept)
			return err
		}
		reopenIt := func(who string, id int64) error {
			_, err := o.svc.ReopenCommitment(ctx, who, id, coaching.CommitmentKept)
			return err
		}
		for _, tt := range []struct {
			who, verb string
			try       try
			theirs    int64
		}{
			{"UMIA", "close", closeIt, o.private},
			{"UMIA", "reopen", reopenIt, o.shared},
			{"UVERA", "close", closeIt, o.private},
			{"UVERA", "reopen", reopenIt, o.mia},
			{"ULEO", "close", closeIt, o.shared},
			{"USAM", "reopen", reopenIt, o.private},
		} {
			theirs, none := tt.try(tt.who, tt.theirs), tt.try(tt.who, missing)
			if coaching.ErrorCode(theirs) != coaching.EForbidden || coaching.ErrorCode(none) != coaching.EForbidden {
				t.Errorf("%s %s: codes %q (theirs) and %q (none), want both forbidden", tt.who, tt.verb,
					coaching.ErrorCode(theirs), coaching.ErrorCode(none))
			}
			if a, b := coaching.ErrorMessage(theirs), coaching.ErrorMessage(none); a != b {
				t.Errorf("%s %s: someone else's commitment reads %q, one that does not exist %q; want the same words", tt.who, tt.verb, a, b)
			}
			if msg := coaching.ErrorMessage(none); strings.Contains(msg, "<@") || !strings.Contains(msg, "You can "+tt.verb+" only") {
				t.Errorf("%s %s: refusal %q, want one naming nobody, saying what they can %s", tt.who, tt.verb, msg, tt.verb)
			}
		}
		if _, err := o.svc.CloseCommitment(ctx, "UMAX", o.private, coaching.CommitmentKept); err != nil {
			t.Fatalf("Max closing his own commitment: %v", err)
		}
	})
}
