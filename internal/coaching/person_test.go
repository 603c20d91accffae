package coaching_test

import (
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
)

func TestRightsFollowTheCurrentRoster(t *testing.T) {
	current := func(p coaching.Person) coaching.Person { p.Active, p.InRoster = true, true; return p }
	max := current(coaching.Person{ID: "UMAX", Roles: []string{"manager", "admin"}})
	sam := current(coaching.Person{ID: "USAM", Roles: []string{"rep"}, ManagerID: "UMAX"})
	left := func(p coaching.Person) coaching.Person { p.Active = false; return p }
	placeholder := func(p coaching.Person) coaching.Person { p.InRoster = false; return p }
	for _, tt := range []struct {
		name          string
		manager, rep  coaching.Person
		admin, manage bool
	}{
		{"both in the roster", max, sam, true, true},
		{"the manager left", left(max), sam, false, false},
		{"the rep left", max, left(sam), true, false},
		{"never in a roster", placeholder(max), sam, false, false},
		{"the rep moved", max, current(coaching.Person{ID: "USAM", ManagerID: "UVERA"}), true, false},
		{"the admin role dropped", current(coaching.Person{ID: "UMAX", Roles: []string{"manager"}}), sam, false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.manager.Holds(coaching.PersonAdmin); got != tt.admin {
				t.Errorf("Holds(admin) = %v, want %v", got, tt.admin)
			}
			if got := tt.manager.Manages(tt.rep); got != tt.manage {
				t.Errorf("Manages = %v, want %v", got, tt.manage)
			}
		})
	}
}
