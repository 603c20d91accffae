package coaching_test

import (
	"context"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A rep's button (Confirm, a rating, Not accurate, a comment) carrying a
// session id no session has is refused in the same words, with the same
// code, as one carrying a session the clicker is not on: a crafted value
// tells nothing of which session ids exist. Both as the rep the value
// names (someone not on the session) and as someone else than that rep.
func TestARepButtonOnNoSessionIsRefusedAsOneOnAnothersSession(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, _, _ := newServiceOn(t, db)
		s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UREP"), Key: "k1"})
		if err != nil {
			t.Fatal(err)
		}
		missing := s.ID + 1000
		answers := []struct {
			name string
			try  func(coaching.RepAction) error
		}{
			{"confirm", func(a coaching.RepAction) error { _, err := svc.Confirm(ctx, a); return err }},
			{"rate", func(a coaching.RepAction) error { _, err := svc.Rate(ctx, a, 5); return err }},
			{"dispute", func(a coaching.RepAction) error { _, err := svc.Dispute(ctx, a, "never happened"); return err }},
			{"comment", func(a coaching.RepAction) error { _, err := svc.Comment(ctx, a, "thanks"); return err }},
			{"open a form", func(a coaching.RepAction) error { _, err := svc.RepView(ctx, a); return err }},
		}
		for _, who := range []struct{ actor, rep string }{{"UOTHER", "UOTHER"}, {"UOTHER", "UREP"}} {
			for _, tt := range answers {
				act := func(id int64) error {
					return tt.try(coaching.RepAction{ActorID: who.actor, SessionID: id, RepID: who.rep, Version: s.Version})
				}
				theirs, none := act(s.ID), act(missing)
				if coaching.ErrorCode(theirs) != coaching.EForbidden || coaching.ErrorCode(none) != coaching.EForbidden {
					t.Errorf("%s as %s for %s: codes %q (a session) and %q (none), want both forbidden",
						tt.name, who.actor, who.rep, coaching.ErrorCode(theirs), coaching.ErrorCode(none))
				}
				if a, b := coaching.ErrorMessage(theirs), coaching.ErrorMessage(none); a != b {
					t.Errorf("%s as %s for %s: a session reads %q, none %q; want the same words", tt.name, who.actor, who.rep, a, b)
				}
			}
		}
		if _, err := svc.Confirm(ctx, coaching.RepAction{ActorID: "UREP", SessionID: s.ID, RepID: "UREP", Version: s.Version}); err != nil {
			t.Fatalf("the rep's own Confirm: %v", err)
		}
	})
}
