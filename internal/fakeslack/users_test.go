package fakeslack

import (
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
