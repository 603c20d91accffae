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

// Someone is on a manager's team while both are active members of the
// roster as it is now and they hold the rep role; having anyone on one's
// team is what makes a manager, with the manager role or without it.
func TestWhoIsOnATeamAndWhoIsAManager(t *testing.T) {
	current := func(p coaching.Person) coaching.Person { p.Active, p.InRoster = true, true; return p }
	max := current(coaching.Person{ID: "UMAX", Roles: []string{"rep"}}) // sells, and leads a pod
	sam := current(coaching.Person{ID: "USAM", Roles: []string{"rep"}, ManagerID: "UMAX"})
	for _, tt := range []struct {
		name       string
		manager    coaching.Person
		reports    []coaching.Person
		onTeam, is bool
	}{
		{"a rep reporting to them, no manager role", max, []coaching.Person{sam}, true, true},
		{"the manager role and nobody", current(coaching.Person{ID: "UMAX", Roles: []string{"manager"}}), nil, false, false},
		{"a report without the rep role", max, []coaching.Person{current(coaching.Person{ID: "UMIA", Roles: []string{"manager"}, ManagerID: "UMAX"})}, false, false},
		{"a rep the roster dropped", max, []coaching.Person{func() coaching.Person { p := sam; p.Active = false; return p }()}, false, false},
		{"a rep never in a roster", max, []coaching.Person{func() coaching.Person { p := sam; p.InRoster = false; return p }()}, false, false},
		{"they left the roster", func() coaching.Person { p := max; p.Active = false; return p }(), []coaching.Person{sam}, false, false},
		{"a rep reporting to someone else", max, []coaching.Person{current(coaching.Person{ID: "USAM", Roles: []string{"rep"}, ManagerID: "UVERA"})}, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.reports) > 0 {
				if got := coaching.InTeam(tt.manager, tt.reports[0]); got != tt.onTeam {
					t.Errorf("InTeam = %v, want %v", got, tt.onTeam)
				}
			}
			if got := coaching.IsManager(tt.manager, tt.reports); got != tt.is {
				t.Errorf("IsManager = %v, want %v", got, tt.is)
			}
		})
	}
}
