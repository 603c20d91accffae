package fakeslack

import (
	"slices"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// Slack dates a user object by the profile's last change (`updated`), not
// by the read: users.info and users.list give the same time however late
// they are asked, and a later one only once the user has changed.
func TestUsersAreDatedByTheirLastChange(t *testing.T) {
	clock := newManualClock()
	opened := clock.Now()
	fake := startFake(t, WithClock(clock.Now))
	ctx := deadline(t)
	api := apiClient(fake)

	fake.AddUser(User{ID: "U0ANN", Name: "ann"})
	given := time.Unix(1600000000, 0)
	fake.AddUser(User{ID: "U0BEN", Name: "ben", Updated: given})
	clock.Advance(time.Hour)
	fake.AddUser(User{ID: "U0CAT", Name: "cat"})
	catJoined := clock.Now()
	clock.Advance(time.Hour)
	fake.AddUser(User{ID: "U0ANN", Name: "ann", TZ: "Asia/Tokyo"})
	annMoved := clock.Now()
	clock.Advance(24 * time.Hour)

	want := map[string]time.Time{
		"USLACKBOT": opened, // the workspace's own members date from the fake's start
		"U0BOT":     opened,
		"U0ANN":     annMoved,
		"U0BEN":     given,
		"U0CAT":     catJoined,
	}
	for id, at := range want {
		u, err := api.GetUserInfoContext(ctx, id)
		if err != nil {
			t.Fatalf("users.info %s: %v", id, err)
		}
		if got := u.Updated.Time(); !got.Equal(at) {
			t.Errorf("users.info %s: updated %s, want %s", id, got, at)
		}
	}
	users, err := api.GetUsersContext(ctx, slack.GetUsersOptionLimit(100))
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != len(want) {
		t.Errorf("users.list gave %d users, want %d", len(users), len(want))
	}
	for _, u := range users {
		if got := u.Updated.Time(); !got.Equal(want[u.ID]) {
			t.Errorf("users.list %s: updated %s, want %s", u.ID, got, want[u.ID])
		}
	}
}

// Someone of another workspace, met in a Slack Connect channel, is shown
// as Slack shows them: users.info answers with their own team_id (and
// is_stranger where set, their organisation on Enterprise Grid), and
// users.list, the workspace's members, leaves them out. On Enterprise
// Grid auth.test names the organisation, and its people carry it.
func TestUsersOfAnotherWorkspace(t *testing.T) {
	for _, tc := range []struct {
		name           string
		opts           []Option
		wantEnterprise string // auth.test's and the own people's enterprise_id
	}{
		{"a workspace", nil, ""},
		{"a workspace of an Enterprise Grid organisation", []Option{WithEnterprise("E0CORP")}, "E0CORP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := startFake(t, tc.opts...)
			ctx := deadline(t)
			api := apiClient(fake)
			fake.AddUser(User{ID: "U0ANN", Name: "ann"})
			fake.AddUser(User{ID: "U0PAT", Name: "pat", TeamID: "T0PARTNER"})
			fake.AddUser(User{ID: "W0GIL", Name: "gil", TeamID: "T0BIG", EnterpriseID: "E0BIG", Stranger: true})

			at, err := api.AuthTestContext(ctx)
			if err != nil || at.TeamID != fake.TeamID() || at.EnterpriseID != tc.wantEnterprise {
				t.Fatalf("auth.test = %+v, %v; want team %s, enterprise %q", at, err, fake.TeamID(), tc.wantEnterprise)
			}
			for _, want := range []struct {
				id, team, enterprise string
				stranger             bool
			}{
				{"U0ANN", fake.TeamID(), tc.wantEnterprise, false},
				{"U0PAT", "T0PARTNER", "", false},
				{"W0GIL", "T0BIG", "E0BIG", true},
			} {
				u, err := api.GetUserInfoContext(ctx, want.id)
				if err != nil {
					t.Fatalf("users.info %s: %v", want.id, err)
				}
				if u.TeamID != want.team || u.Profile.Team != want.team || u.Enterprise.EnterpriseID != want.enterprise || u.IsStranger != want.stranger {
					t.Errorf("users.info %s: team %s (profile %s), enterprise %q, is_stranger %v; want %s, %q, %v",
						want.id, u.TeamID, u.Profile.Team, u.Enterprise.EnterpriseID, u.IsStranger, want.team, want.enterprise, want.stranger)
				}
			}
			users, err := api.GetUsersContext(ctx, slack.GetUsersOptionLimit(2))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, u := range users {
				ids = append(ids, u.ID)
			}
			if want := []string{"USLACKBOT", "U0BOT", "U0ANN"}; !slices.Equal(ids, want) {
				t.Errorf("users.list = %v, want the workspace's members %v", ids, want)
			}
		})
	}
}
