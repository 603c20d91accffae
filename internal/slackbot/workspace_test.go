package slackbot

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// Who is of another organisation is read from Slack's user object as Slack
// documents it, against the app's workspace as auth.test names it. On
// Enterprise Grid the organisation decides: a colleague homed in another
// of its workspaces is one of the company's people, is_stranger or not.
func TestWhoIsOutsideTheOrganisation(t *testing.T) {
	plain := Workspace{TeamID: "T0OURS"}
	grid := Workspace{TeamID: "T0OURS", EnterpriseID: "E0CORP"}
	for _, tt := range []struct {
		name string
		ws   Workspace
		user string
		want bool
	}{
		{"one of ours", plain, `{"id":"U1","team_id":"T0OURS"}`, false},
		{"no team named", plain, `{"id":"U1"}`, false},
		{"another workspace's", plain, `{"id":"U1","team_id":"T0PARTNER"}`, true},
		{"a stranger", plain, `{"id":"U1","team_id":"T0OURS","is_stranger":true}`, true},
		{"of a Grid organisation, we in none", plain, `{"id":"W1","enterprise_user":{"enterprise_id":"E0BIG"}}`, true},
		// The workspace moved into an organisation since auth.test said
		// it was in none: its people's user objects name the organisation
		// now, and their team is still the app's.
		{"ours, migrated into a Grid organisation", plain, `{"id":"U1","team_id":"T0OURS","enterprise_user":{"enterprise_id":"E0ACME","teams":["T0OURS"]}}`, false},
		{"ours, enterprise_id beside team_id", plain, `{"id":"U1","team_id":"T0OURS","enterprise_id":"E0ACME"}`, false},
		{"Grid: ours, naming an organisation not yet known", grid, `{"id":"U1","team_id":"T0OURS","enterprise_user":{"enterprise_id":"E0NEW"}}`, false},
		{"Grid: one of ours", grid, `{"id":"W1","team_id":"T0OURS","enterprise_user":{"enterprise_id":"E0CORP","teams":["T0OURS"]}}`, false},
		{"Grid: homed in a sibling workspace", grid, `{"id":"W1","team_id":"T0SIB","is_stranger":true,"enterprise_user":{"enterprise_id":"E0CORP"}}`, false},
		{"Grid: an org-level user", grid, `{"id":"W1","team_id":"E0CORP"}`, false},
		{"Grid: enterprise_id beside team_id", grid, `{"id":"W1","enterprise_id":"E0CORP","teams":["T0SIB"]}`, false},
		{"Grid: another organisation's", grid, `{"id":"W1","team_id":"T0BIG","enterprise_user":{"enterprise_id":"E0BIG"}}`, true},
		{"Grid: another organisation's, top-level", grid, `{"id":"W1","enterprise_id":"E0BIG"}`, true},
		{"Grid: a workspace in no organisation", grid, `{"id":"U1","team_id":"T0PARTNER"}`, true},
	} {
		var u slackUser
		if err := json.Unmarshal([]byte(tt.user), &u); err != nil {
			t.Fatal(err)
		}
		if got := tt.ws.outside(u); got != tt.want {
			t.Errorf("%s: outside = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// The Directory judges Slack's answers against the app's workspace, read
// once from auth.test, or given at start and then never asked: users.info
// marks a Slack Connect user External, and users.list (the workspace's
// members) leaves them out. When auth.test can't say, a profile is not
// judged at all: the read fails, as a failing users.info would.
func TestDirectoryTellsTheCompanysPeopleFromOthers(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []fakeslack.Option
		home Workspace // given at start; zero: asked
	}{
		{"a workspace", nil, Workspace{}},
		{"an Enterprise Grid workspace", []fakeslack.Option{fakeslack.WithEnterprise("E0CORP")}, Workspace{}},
		{"the workspace given at start", nil, Workspace{TeamID: fakeslack.DefaultTeamID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := fakeslack.New(tc.opts...)
			if err := fake.Start(); err != nil {
				t.Fatal(err)
			}
			defer fake.Close()
			fake.AddUser(fakeslack.User{ID: "U0ANN", Name: "ann"})
			fake.AddUser(fakeslack.User{ID: "U0PAT", Name: "pat", TeamID: "T0PARTNER"})
			fake.AddUser(fakeslack.User{ID: "W0GIL", Name: "gil", TeamID: "T0BIG", EnterpriseID: "E0BIG"})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			dir := NewDirectory(fake.BotToken(), fake.APIURL(), nil, NewHome(fake.BotToken(), fake.APIURL(), nil, tc.home))
			for id, want := range map[string]bool{"U0ANN": false, "U0PAT": true, "W0GIL": true} {
				p, err := dir.UserInfo(ctx, id)
				if err != nil || p.External != want {
					t.Errorf("UserInfo %s = %+v, %v; want external %v", id, p, err, want)
				}
			}
			members, err := dir.Members(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range members {
				if m.External || m.ID == "U0PAT" || m.ID == "W0GIL" {
					t.Errorf("users.list gave %+v, not a member of the workspace", m)
				}
			}
			wantAsked := 1
			if tc.home.known() {
				wantAsked = 0
			}
			if n := len(fake.CallsTo("auth.test")); n != wantAsked {
				t.Errorf("auth.test asked %d times, want %d", n, wantAsked)
			}
		})
	}

	t.Run("auth.test failing", func(t *testing.T) {
		fake := fakeslack.New()
		if err := fake.Start(); err != nil {
			t.Fatal(err)
		}
		defer fake.Close()
		fake.AddUser(fakeslack.User{ID: "U0PAT", Name: "pat", TeamID: "T0PARTNER"})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		dir := NewDirectory(fake.BotToken(), fake.APIURL(), nil, nil)
		fake.FailNext("auth.test", 1, fakeslack.Fault{Status: 503})
		if p, err := dir.UserInfo(ctx, "U0PAT"); err == nil {
			t.Fatalf("UserInfo = %+v with the workspace unknown, want an error", p)
		}
		if p, err := dir.UserInfo(ctx, "U0PAT"); err != nil || !p.External {
			t.Fatalf("UserInfo once auth.test answers = %+v, %v; want Pat external", p, err)
		}
	})
}
