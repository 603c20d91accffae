package coaching_test

import (
	"context"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// An Edit or an Undo carrying another manager's session id is refused in
// the same words as one carrying an id no session has, naming nobody: a
// crafted id tells neither who logged which session nor which ids exist.
func TestAnotherManagersSessionIsRefusedAsOneThatDoesNotExist(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, _, _ := newServiceOn(t, db)
		s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UREP"), Key: "k1"})
		if err != nil {
			t.Fatal(err)
		}
		missing := s.ID + 1000
		for _, tt := range []struct {
			what string
			try  func(id int64) error
			want string
		}{
			{"open the edit form", func(id int64) error {
				_, err := svc.SessionForManager(ctx, "UOTHER", id)
				return err
			}, "You can only change sessions you logged."},
			{"save an edit", func(id int64) error {
				_, err := svc.Edit(ctx, coaching.EditRequest{ActorID: "UOTHER", SessionID: id, Version: 1, Draft: oneOnOne("UREP"), Key: "e"})
				return err
			}, "You can only change sessions you logged."},
			{"undo", func(id int64) error {
				_, err := svc.UndoSession(ctx, "UOTHER", id)
				return err
			}, "You can only undo sessions you logged."},
		} {
			theirs, none := tt.try(s.ID), tt.try(missing)
			for _, err := range []error{theirs, none} {
				if coaching.ErrorCode(err) != coaching.EForbidden || coaching.ErrorMessage(err) != tt.want {
					t.Errorf("%s: err = %v (%s), want forbidden, %q", tt.what, err, coaching.ErrorCode(err), tt.want)
				}
				if strings.Contains(coaching.ErrorMessage(err), "<@") {
					t.Errorf("%s: the refusal names someone: %q", tt.what, coaching.ErrorMessage(err))
				}
			}
		}
		if got, err := svc.SessionForManager(ctx, "UMGR", s.ID); err != nil || got.ID != s.ID {
			t.Fatalf("the manager's own session: %v, %v", got.ID, err)
		}
	})
}
