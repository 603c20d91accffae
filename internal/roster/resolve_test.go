package roster_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/roster"
)

// fakeDirectory is a workspace's member list that counts how often it is read.
type fakeDirectory struct {
	members []roster.Member
	err     error
	calls   int
}

func (d *fakeDirectory) Members(context.Context) ([]roster.Member, error) {
	d.calls++
	return d.members, d.err
}

func workspace() *fakeDirectory {
	return &fakeDirectory{members: []roster.Member{
		{ID: "U01", Email: "ann@example.com", Name: "Ann Archer", TZ: "Europe/London"},
		{ID: "U90", Email: "bob@example.com", Name: "Old Bob", Deleted: true}, // Bob's former account
		{ID: "U02", Email: "Bob@Example.com", Name: "Bob Baker", TZ: "America/New_York"},
		{ID: "W03", Email: "cat@example.com", Name: "Catherine", TZ: "Asia/Tokyo"},
		{ID: "U04", Email: "dan@example.com", Name: "Dan Diaz", TZ: "Europe/Madrid"},
		{ID: "U05", Email: "gone@example.com", Name: "Gone", Deleted: true},
		{ID: "U06", Email: "robot@example.com", Name: "Robot", IsBot: true},
		{ID: "U07", Name: "Eve Evans", TZ: "Australia/Sydney"},
		{ID: "U08", Name: "Old bot", IsBot: true, Deleted: true},
		{ID: "USLACKBOT", Name: "Slackbot", IsBot: true}, // as slackbot.Directory reports it
		// Slack's users.list leaves Slack Connect users out; should it list one:
		{ID: "U09", Email: "pat@partner.example", Name: "Pat Partner", External: true},
	}}
}

func TestLoadResolvesEmailOnlyRowsInOneDirectoryCall(t *testing.T) {
	dir := workspace()
	in := file(header+",cadence_days,since",
		"U01,Ann@Example.com,Ann,leader+admin,,,Europe/Berlin,,2024-03-01",
		",BOB@example.com,,manager,ann@example.com,,,10,",
		",cat@example.com,Cat,rep,bob@example.com,top,,,",
		"U04,,,rep,bob@example.com,bottom,,,",
		"U07,,Eve,rep,U04,,,,")
	got, err := roster.Load(context.Background(), in, importDate(), dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if dir.calls != 1 {
		t.Errorf("Members called %d times, want once", dir.calls)
	}
	// Bob's and Dan's names are Slack's, not the file's: Slack may rename them.
	// Dan's email is Slack's too, the file giving none (marked so: the store
	// keeps any address it has over it); Eve has none in Slack.
	want := []coaching.Person{
		{ID: "U01", Email: "ann@example.com", Name: "Ann", RosterNamed: true, TZ: "Europe/Berlin", SlackTZ: "Europe/London", Roles: []string{"leader", "admin"},
			Since: coaching.Date{Year: 2024, Month: 3, Day: 1}, Active: true, InRoster: true},
		{ID: "U02", Email: "bob@example.com", Name: "Bob Baker", SlackTZ: "America/New_York", Roles: []string{"manager"}, ManagerID: "U01",
			CadenceDays: 10, Active: true, InRoster: true},
		{ID: "W03", Email: "cat@example.com", Name: "Cat", RosterNamed: true, SlackTZ: "Asia/Tokyo", Roles: []string{"rep"}, ManagerID: "U02",
			Tier: coaching.TierTop, Active: true, InRoster: true},
		{ID: "U04", Email: "dan@example.com", EmailFromSlack: true, Name: "Dan Diaz", SlackTZ: "Europe/Madrid", Roles: []string{"rep"}, ManagerID: "U02",
			Tier: coaching.TierBottom, Active: true, InRoster: true},
		{ID: "U07", Name: "Eve", RosterNamed: true, SlackTZ: "Australia/Sydney", Roles: []string{"rep"}, ManagerID: "U04", Active: true, InRoster: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load\n got %+v\nwant %+v", got, want)
	}
}

// A file of slack_ids only is still checked with Slack when there is a
// directory, in one call, and gets everyone's Slack zone (so the nudge
// need not read each manager's profile) and the names and emails it
// leaves out (so a performance file can name them by email),
// dated as Slack dated them (the store keeps a newer profile over them);
// without a directory the ids are taken as they are.
func TestResolveSlackIDRows(t *testing.T) {
	in := header + "\nU01,,Ann,manager,,,\nU02,,,rep,U01,,\nW03,,Cat,rep,U01,,Asia/Seoul\n"
	dated := workspace()
	for i := range dated.members {
		dated.members[i].ProfileAt = time.Date(2026, 11, 2, 9, i, 0, 0, time.UTC)
	}
	at := func(id string) time.Time {
		for _, m := range dated.members {
			if m.ID == id {
				return m.ProfileAt
			}
		}
		return time.Time{}
	}
	for _, tt := range []struct {
		name      string
		dir       *fakeDirectory
		wantCalls int
		want      []coaching.Person
	}{
		{"a directory", dated, 1, []coaching.Person{
			{ID: "U01", Email: "ann@example.com", EmailFromSlack: true, Name: "Ann", RosterNamed: true, SlackTZ: "Europe/London", Roles: []string{"manager"}, Active: true, InRoster: true, ProfileAt: at("U01")},
			// Slack's address lower-cased, as the file's are.
			{ID: "U02", Email: "bob@example.com", EmailFromSlack: true, Name: "Bob Baker", SlackTZ: "America/New_York", Roles: []string{"rep"}, ManagerID: "U01", Active: true, InRoster: true, ProfileAt: at("U02")},
			{ID: "W03", Email: "cat@example.com", EmailFromSlack: true, Name: "Cat", RosterNamed: true, TZ: "Asia/Seoul", SlackTZ: "Asia/Tokyo", Roles: []string{"rep"}, ManagerID: "U01", Active: true, InRoster: true, ProfileAt: at("W03")},
		}},
		{"no directory", nil, 0, []coaching.Person{
			{ID: "U01", Name: "Ann", RosterNamed: true, Roles: []string{"manager"}, Active: true, InRoster: true},
			{ID: "U02", Roles: []string{"rep"}, ManagerID: "U01", Active: true, InRoster: true},
			{ID: "W03", Name: "Cat", RosterNamed: true, TZ: "Asia/Seoul", Roles: []string{"rep"}, ManagerID: "U01", Active: true, InRoster: true},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var d roster.Directory
			if tt.dir != nil {
				d = tt.dir
			}
			got, err := roster.Load(context.Background(), strings.NewReader(in), importDate(), d)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Load\n got %+v\nwant %+v", got, tt.want)
			}
			if tt.dir != nil && tt.dir.calls != tt.wantCalls {
				t.Errorf("Members called %d times, want %d", tt.dir.calls, tt.wantCalls)
			}
		})
	}
}

// A slack_id's email in the file need not be Slack's: an alias Slack does
// not know, or Slack's own in another case, stands as the file gives it.
func TestResolveKeepsAnEmailNoOtherMemberHas(t *testing.T) {
	for _, tt := range []struct{ name, row, wantEmail string }{
		{"Slack's own, in another case", "U01,ANN@example.com,Ann,rep,,,", "ann@example.com"},
		{"an alias Slack does not know", "U01,a.archer@example.com,Ann,rep,,,", "a.archer@example.com"},
		{"a deactivated account's", "U01,gone@example.com,Ann,rep,,,", "gone@example.com"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := roster.Load(context.Background(), strings.NewReader(header+"\n"+tt.row+"\n"), importDate(), workspace())
			if err != nil || len(got) != 1 || got[0].Email != tt.wantEmail {
				t.Fatalf("Load = %+v, %v; want one person with email %s", got, err, tt.wantEmail)
			}
		})
	}
}

func TestResolveRejects(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   string
		dir  *fakeDirectory
		want []problem
	}{
		{
			"an email nobody in Slack has",
			header + "\nU01,,Ann,manager,,,\n,zed@example.com,Zed,rep,U01,,\n",
			workspace(),
			[]problem{{3, "email", "zed@example.com is not the email of any member"}},
		},
		{
			"an email of a deactivated user only",
			header + "\n,gone@example.com,,rep,,,\n",
			workspace(),
			[]problem{{2, "email", "deactivated"}},
		},
		{
			"an email of a bot",
			header + "\n,robot@example.com,,rep,,,\n",
			workspace(),
			[]problem{{2, "email", "bot"}},
		},
		{
			"a workspace that shows the bot no emails",
			header + "\n,ann@example.com,,rep,,,\n",
			&fakeDirectory{members: []roster.Member{{ID: "U01", Name: "Ann"}}},
			[]problem{{2, "email", "users:read.email"}},
		},
		{
			"an email of someone the file also lists by slack_id",
			header + "\nU01,,Ann,manager,,,\n,ann@example.com,,rep,U01,,\n",
			workspace(),
			[]problem{{3, "email", "ann@example.com is Slack user U01, who is also on line 2"}},
		},
		{
			"a slack_id with someone else's email",
			header + "\nU01,bob@example.com,Ann,manager,,,\nU02,,Bob,rep,U01,,\nU04,CAT@example.com,Dan,rep,U01,,\n",
			workspace(),
			[]problem{{2, "email", "bob@example.com is the email of Slack user U02 (Bob Baker), not of U01"}, {4, "email", "cat@example.com is the email of Slack user W03"}},
		},
		{
			"a slack_id Slack does not know",
			header + "\nU01,,Ann,manager,,,\nU0NOBODY,,Zed,rep,U01,,\n",
			workspace(),
			[]problem{{3, "slack_id", "U0NOBODY is not in this Slack workspace"}},
		},
		{
			"a slack_id of a deactivated user",
			header + "\nU01,,Ann,manager,,,\nU05,,,rep,U01,,\n",
			workspace(),
			[]problem{{3, "slack_id", "U05 is deactivated in Slack"}},
		},
		{
			"a slack_id of a bot",
			header + "\nU06,,Robot,manager,,,\n",
			workspace(),
			[]problem{{2, "slack_id", "U06 is a bot, not a person"}},
		},
		{
			"a slack_id of someone of another organisation",
			header + "\nU01,,Ann,manager,,,\nU09,,,rep,U01,,\n",
			workspace(),
			[]problem{{3, "slack_id", "U09 is outside your company (Slack Connect), not one of its people"}},
		},
		{
			"an email of someone of another organisation",
			header + "\n,pat@partner.example,,rep,,,\n",
			workspace(),
			[]problem{{2, "email", "pat@partner.example belongs to someone outside your company (Slack Connect)"}},
		},
		{
			"a slack_id of a deactivated bot",
			header + "\nU08,,,rep,,,\n",
			workspace(),
			[]problem{{2, "slack_id", "U08 is deactivated in Slack"}},
		},
		{
			"Slackbot",
			header + "\nUSLACKBOT,,,admin,,,\n",
			workspace(),
			[]problem{{2, "slack_id", "USLACKBOT is a bot, not a person"}},
		},
		{
			"every bad row at once, slack_ids and emails, managers too",
			header + "\nU06,,,manager,,,\nU0NOBODY,,,rep,U06,,\n,nobody@example.com,,rep,U06,,\nU01,,,rep,U06,,\nU05,,,rep,U01,,\n",
			workspace(),
			[]problem{{2, "slack_id", "U06 is a bot"}, {3, "slack_id", "U0NOBODY is not in"}, {4, "email", "nobody@example.com"}, {6, "slack_id", "U05 is deactivated"}},
		},
		{
			"every unresolved email at once",
			header + "\n,nobody@example.com,,rep,,,\n,cat@example.com,,rep,,,\n,gone@example.com,,rep,,,\n",
			workspace(),
			[]problem{{2, "email", "nobody@example.com"}, {4, "email", "gone@example.com"}},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := roster.Load(context.Background(), strings.NewReader(tt.in), importDate(), tt.dir)
			assertProblems(t, err, tt.want)
			if tt.dir.calls != 1 {
				t.Errorf("Members called %d times, want once", tt.dir.calls)
			}
		})
	}
}

func TestResolveEmailOnlyRowsWithoutDirectory(t *testing.T) {
	in := header + "\nU01,,Ann,manager,,,\n,bob@example.com,,rep,U01,,\n,cat@example.com,,rep,U01,,\n"
	_, err := roster.Load(context.Background(), strings.NewReader(in), importDate(), nil)
	if !errors.Is(err, roster.ErrNoDirectory) {
		t.Fatalf("error = %v, want ErrNoDirectory", err)
	}
	for _, s := range []string{"lines 3 and 4", "SLACK_BOT_TOKEN"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
}

// A company's HR export gives emails alone on thousands of lines: without
// a token the import names the first and counts the rest, 1,180, as the
// file's other problems are counted.
func TestEmailOnlyRowsPastTheListedAreCountedInThousands(t *testing.T) {
	var in strings.Builder
	in.WriteString(header + "\nU01,,Ann,manager,,,\n")
	for i := range 1200 {
		fmt.Fprintf(&in, ",rep%d@example.com,,rep,U01,,\n", i)
	}
	_, err := roster.Load(context.Background(), strings.NewReader(in.String()), importDate(), nil)
	if want := "lines 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22 and 1,180 more give an email but no slack_id"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v, want it to say %q", err, want)
	}
}

// A directory that fails fails the import, whether the file needed it for
// emails or only to check slack_ids.
func TestResolveWrapsDirectoryFailure(t *testing.T) {
	boom := errors.New("slack: ratelimited")
	for name, in := range map[string]string{
		"an email-only row": header + "\n,bob@example.com,,rep,,,\n",
		"slack_ids only":    header + "\nU02,,,rep,,,\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := roster.Load(context.Background(), strings.NewReader(in), importDate(), &fakeDirectory{err: boom})
			if !errors.Is(err, boom) {
				t.Errorf("error = %v, want it to wrap %v", err, boom)
			}
		})
	}
}

// Resolve keeps its promise for entries that did not come from Parse.
func TestResolveRejectsCyclesInEntries(t *testing.T) {
	entries := []roster.Entry{
		{Line: 2, SlackID: "U01", Name: "Ann", Roles: []string{"manager"}, ManagerRef: "U02"},
		{Line: 3, SlackID: "U02", Name: "Bob", Roles: []string{"manager"}, ManagerRef: "U01"},
		{Line: 4, SlackID: "U03", Name: "Cat", Roles: []string{"rep"}, ManagerRef: "U09"},
	}
	_, err := roster.Resolve(context.Background(), entries, nil)
	assertProblems(t, err, []problem{
		{2, "manager", "reporting cycle: Ann (line 2) → Bob (line 3) → Ann"},
		{4, "manager", `"U09" is not`},
	})
}
