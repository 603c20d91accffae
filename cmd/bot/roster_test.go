package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

func TestRosterImportResolvesEmailsFromSlackAndIsAllOrNothing(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		fake := startFake(t)
		defer noProblems(t, fake)
		for i := 0; i < 1100; i++ { // more than one users.list page
			fake.AddUser(fakeslack.User{ID: fmt.Sprintf("U0X%04d", i), Name: "x", Email: fmt.Sprintf("x%d@acme.test", i)})
		}
		fake.AddUser(fakeslack.User{ID: "U0MAX", Name: "max", RealName: "Max Manager", Email: "max@acme.test", TZ: "America/New_York"})
		fake.AddUser(fakeslack.User{ID: "U0SAM", Name: "sam", RealName: "Sam Rep", Email: "Sam@Acme.test", TZ: "Europe/Paris"})
		dir := t.TempDir()
		vars := map[string]string{"SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL(), "COACHLOG_DB": db}
		good := filepath.Join(dir, "good.csv")
		os.WriteFile(good, []byte("\ufeffSlack_ID,Email,Name,Role,Manager,Tier,Timezone\r\n"+
			"U0MAX,max@acme.test,Max,manager,,,\r\n,sam@acme.test,,rep,max@acme.test,top,\r\n"), 0o600)
		now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
		if out, err := cliAt(t, now, vars, "roster", "import", good); err != nil || !strings.Contains(out, "2 added") {
			t.Fatalf("import: %v\n%s", err, out)
		}
		out, err := cliAt(t, now, vars, "export")
		if err != nil {
			t.Fatalf("export: %v\n%s", err, out)
		}
		if n := len(fake.CallsTo("users.list")); n < 2 {
			t.Fatalf("users.list called %d times, want the paged pass", n)
		}

		bad := filepath.Join(dir, "bad.csv")
		os.WriteFile(bad, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
			"U0MAX,max@acme.test,Max,manager,,,\n,nobody@acme.test,,rep,U0MAX,gold,Mars/Base\n"), 0o600)
		out, err = cliAt(t, now, vars, "roster", "import", bad)
		if err == nil {
			t.Fatal("a bad roster was imported")
		}
		for _, want := range []string{"line 3, field tier", "line 3, field timezone", "nothing was changed"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q:\n%v", want, err)
			}
		}
		// Still the first roster: Sam was not deactivated by the bad file.
		out, err = cliAt(t, now, vars, "nudge", "--dry-run")
		if err != nil {
			t.Fatalf("dry run: %v\n%s", err, out)
		}
		if !strings.Contains(out, "Managers due: 1;") {
			t.Fatalf("after a refused import the roster changed:\n%s", out)
		}
	})
}

// With a bot token, every slack_id of the file is checked in the same
// users.list pass that resolves emails: the app's own bot user, Slackbot,
// a deactivated account and an id Slack does not know are bad lines,
// named with their field, and nothing is written. The pass also stores
// everyone's Slack time zone, so the nudge need not read each manager's
// profile. Without a token the ids are taken as given, as before.
func TestRosterImportChecksSlackIDsWithSlack(t *testing.T) {
	t.Parallel()
	const good = "slack_id,email,name,role,manager,tier,timezone\nU0MAX,,Max,manager,,,\nU0SAM,,,rep,U0MAX,top,\n"
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		fake := startFake(t)
		defer noProblems(t, fake)
		fake.AddUser(fakeslack.User{ID: "U0MAX", Name: "max", RealName: "Max Manager", TZ: "America/New_York"})
		fake.AddUser(fakeslack.User{ID: "U0SAM", Name: "sam", RealName: "Sam Rep", TZ: "Europe/Paris"})
		fake.AddUser(fakeslack.User{ID: "U0NEW", Name: "nia", RealName: "Nia New", TZ: "Asia/Kolkata"})
		fake.AddUser(fakeslack.User{ID: "U0GONE", Name: "gone", RealName: "Gone Person", Deleted: true})
		dir := t.TempDir()
		vars := map[string]string{"SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL(), "COACHLOG_DB": db}
		now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
		write := func(name, body string) string {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			return path
		}
		if out, err := cliAt(t, now, vars, "roster", "import", write("good.csv", good)); err != nil {
			t.Fatalf("good roster: %v\n%s", err, out)
		}
		if maxP, samP := stored(t, db, "U0MAX"), stored(t, db, "U0SAM"); maxP.slackTZ != "America/New_York" || samP.slackTZ != "Europe/Paris" || samP.name != "Sam Rep" {
			t.Fatalf("after a roster of slack_ids: Max %+v, Sam %+v; want their Slack zones and Sam's Slack name", maxP, samP)
		}
		if n := len(fake.CallsTo("users.list")); n != 1 {
			t.Fatalf("users.list called %d times for a roster of slack_ids, want one pass", n)
		}

		for _, tc := range []struct {
			name, row string // row is line 4, after Max and Sam
			noToken   bool
			want      string // "" when the import goes through
		}{
			{"the app's own bot user", "U0BOT,,Coachlog,rep,U0MAX,,", false, "line 4, field slack_id: U0BOT is a bot, not a person"},
			{"Slackbot", "USLACKBOT,,,admin,,,", false, "line 4, field slack_id: USLACKBOT is a bot, not a person"},
			{"a deactivated account", "U0GONE,,,rep,U0MAX,,", false, "line 4, field slack_id: U0GONE is deactivated in Slack"},
			{"an id Slack does not know", "U0NOBODY,,Zed,rep,U0MAX,,", false, "line 4, field slack_id: U0NOBODY is not in this Slack workspace"},
			{"a live person", "U0NEW,,,rep,U0MAX,,", false, ""},
			{"no token: ids unchecked, as before", "U0NOBODY,,Zed,rep,U0MAX,,", true, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if out, err := cliAt(t, now, vars, "roster", "import", write("good.csv", good)); err != nil {
					t.Fatalf("good roster: %v\n%s", err, out)
				}
				// Line 5 brings someone new, who must not appear when line 4 is bad.
				bad := write("next.csv", good+tc.row+"\nU0NEW,,,rep,U0MAX,,\n")
				if tc.row == "U0NEW,,,rep,U0MAX,," {
					bad = write("next.csv", good+tc.row+"\n")
				}
				env := vars
				if tc.noToken {
					env = map[string]string{"COACHLOG_DB": db}
				}
				out, err := cliAt(t, now, env, "roster", "import", bad)
				if tc.want == "" {
					if err != nil {
						t.Fatalf("import: %v\n%s", err, out)
					}
					if tc.noToken && !strings.Contains(out, "unchecked") {
						t.Errorf("an import without a token does not say the ids went unchecked:\n%s", out)
					}
					if !stored(t, db, "U0NEW").active {
						t.Errorf("U0NEW is not in the roster after a clean import")
					}
					return
				}
				if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "nothing was changed") {
					t.Fatalf("error %v\nwant %q and nothing changed\n%s", err, tc.want, out)
				}
				if p := stored(t, db, "U0NEW"); p.active {
					t.Errorf("a refused import wrote line 5: %+v", p)
				}
				if !stored(t, db, "U0SAM").active {
					t.Errorf("a refused import changed the roster: Sam is gone")
				}
			})
		}
	})
}

// An email Slack gave (users.info, when Sam was first logged with) is
// kept by a later `coachlog roster import` whose file leaves Sam's email
// empty: the performance file can still name him by it, and the import
// does not count him as changed for it.
func TestARosterImportWithoutAnEmailKeepsSlacks(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		b := startBot(t, "COACHLOG_DB", db)
		b.importRoster(t) // slack_ids and no emails
		b.quickLog(rep, 1)
		if p := stored(t, db, rep); p.email != "sam@acme.test" {
			t.Fatalf("after logging with Sam, his email is %q, want Slack's", p.email)
		}
		csv := filepath.Join(t.TempDir(), "team.csv") // importRoster's file again
		os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
			mgr+",,Max,manager,,,America/New_York\n"+rep+",,Sam,rep,"+mgr+",top,\n"+rep2+",,Ria,rep,"+mgr+",bottom,\n"+other+",,Olly,admin,,,\n"), 0o600)
		if out, err := b.cli("roster", "import", csv); err != nil || !strings.Contains(out, "0 changed, 4 unchanged") {
			t.Errorf("the same roster again: %v\n%s", err, out)
		}
		if p := stored(t, db, rep); p.email != "sam@acme.test" {
			t.Errorf("after a roster without his email, Sam's email is %q, want Slack's kept", p.email)
		}
		perf := filepath.Join(t.TempDir(), "perf.csv")
		os.WriteFile(perf, []byte("rep,month,attainment\nsam@acme.test,2026-10,92\n"), 0o600)
		if out, err := b.cli("performance", "import", perf); err != nil {
			t.Errorf("a performance file naming Sam by the email Slack gave: %v\n%s", err, out)
		}
	})
}

// Slack gave Sam's address to a new hire (Sam took another while the
// bot was away, and that user_change never came): the new hire's
// user_change takes it from Sam, who kept it from Slack, so a
// performance file naming it credits the new hire instead of being
// refused as the email of two people.
func TestAUserChangeGivingSamsAddressToANewHireNamesThemInAPerformanceFile(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		b := startBot(t, "COACHLOG_DB", db)
		b.importRoster(t) // slack_ids and no emails
		b.quickLog(rep, 1)
		if p := stored(t, db, rep); p.email != "sam@acme.test" {
			t.Fatalf("after logging with Sam, his email is %q, want Slack's", p.email)
		}
		_, err := b.fake.Event(ctxT(t), map[string]any{"type": "user_change", "user": map[string]any{
			"id": "U0NIA", "name": "nia", "real_name": "Nia New", "tz": "Europe/Paris", "updated": b.now().Unix(),
			"profile": map[string]any{"real_name": "Nia New", "email": "sam@acme.test", "status_text": "", "status_emoji": "", "status_expiration": 0},
		}})
		if err != nil {
			t.Fatal(err)
		}
		eventually(t, "Nia's profile stored", func() bool { return stored(t, db, "U0NIA").email == "sam@acme.test" })
		if p := stored(t, db, rep); p.email != "" || !p.active {
			t.Errorf("Sam after Nia's profile: %+v; want him on the roster without the address", p)
		}
		perf := filepath.Join(t.TempDir(), "perf.csv")
		os.WriteFile(perf, []byte("rep,month,attainment\nsam@acme.test,2026-10,92\n"), 0o600)
		if out, err := b.cli("performance", "import", perf); err != nil {
			t.Fatalf("a performance file naming the address Slack gave Nia: %v\n%s", err, out)
		}
		st, err := sqlite.Open(ctxT(t), db, sqlite.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		got, err := st.Performance(ctxT(t), coaching.Month{Year: 2026, Month: 10})
		if err != nil || len(got) != 1 || got[0].RepID != "U0NIA" {
			t.Errorf("October's attainment: %+v, %v; want Nia's alone", got, err)
		}
	})
}

// A row with a slack_id and no email gets the email users.list gives,
// so that a performance file can name them by it from the first import,
// not only once the bot has read their profile. It fills only an empty
// address: one a file gave (here an alias Slack does not know) stays
// when a later file leaves the cell empty, and Slack's address is no
// change of the roster's.
func TestARosterImportStoresTheEmailSlackGives(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		fake := startFake(t)
		defer noProblems(t, fake)
		fake.AddUser(fakeslack.User{ID: "U0MAX", Name: "max", RealName: "Max Manager", Email: "max@acme.test", TZ: "America/New_York"})
		fake.AddUser(fakeslack.User{ID: "U0SAM", Name: "sam", RealName: "Sam Rep", Email: "Sam@Acme.test", TZ: "Europe/Paris"})
		fake.AddUser(fakeslack.User{ID: "U0RIA", Name: "ria", RealName: "Ria Rep", Email: "ria@acme.test", TZ: "Europe/Paris"})
		dir := t.TempDir()
		vars := map[string]string{"SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL(), "COACHLOG_DB": db}
		now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
		write := func(body string) string {
			path := filepath.Join(dir, "team.csv")
			if err := os.WriteFile(path, []byte("slack_id,email,name,role,manager,tier,timezone\n"+body), 0o600); err != nil {
				t.Fatal(err)
			}
			return path
		}
		emails := func(want map[string]string) {
			t.Helper()
			for id, email := range want {
				if p := stored(t, db, id); p.email != email {
					t.Errorf("%s's email is %q, want %q", id, p.email, email)
				}
			}
		}
		first := write("U0MAX,,Max,manager,,,\nU0SAM,,,rep,U0MAX,top,\nU0RIA,ria.alias@acme.test,Ria,rep,U0MAX,,\n")
		if out, err := cliAt(t, now, vars, "roster", "import", first); err != nil || !strings.Contains(out, "3 added") {
			t.Fatalf("first import: %v\n%s", err, out)
		}
		emails(map[string]string{"U0MAX": "max@acme.test", "U0SAM": "sam@acme.test", "U0RIA": "ria.alias@acme.test"})

		// Ria's cell left empty: the alias the first file gave stays.
		again := write("U0MAX,,Max,manager,,,\nU0SAM,,,rep,U0MAX,top,\nU0RIA,,Ria,rep,U0MAX,,\n")
		if out, err := cliAt(t, now, vars, "roster", "import", again); err != nil || !strings.Contains(out, "0 changed, 3 unchanged") {
			t.Errorf("the roster without emails: %v\n%s", err, out)
		}
		emails(map[string]string{"U0MAX": "max@acme.test", "U0SAM": "sam@acme.test", "U0RIA": "ria.alias@acme.test"})

		perf := filepath.Join(dir, "perf.csv")
		os.WriteFile(perf, []byte("rep,month,attainment\nsam@acme.test,2026-10,92\n"), 0o600)
		if out, err := cliAt(t, now, vars, "performance", "import", perf); err != nil {
			t.Errorf("a performance file naming Sam by the email Slack gave: %v\n%s", err, out)
		}
	})
}

// storedPerson is what the store holds of someone, as the roster tests
// read it.
type storedPerson struct {
	known, active        bool // active: in the current roster
	name, slackTZ, email string
}

func stored(t *testing.T, db, id string) storedPerson {
	t.Helper()
	st, err := sqlite.Open(context.Background(), db, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var p storedPerson
	if got, err := st.Person(context.Background(), id); err == nil {
		p = storedPerson{known: true, active: got.Active && got.InRoster, name: got.Name, slackTZ: got.SlackTZ, email: got.Email}
	}
	return p
}

// A workbook given instead of its CSV (.xlsx and .ods are zips, .xls an
// OLE2 file) is named as such by either import, with how to save the CSV,
// and nothing is written: not even the database is created.
func TestRosterAndPerformanceImportRefuseAWorkbook(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, start string }{
		{"team.xlsx", "PK\x03\x04\x14\x00\x00\x00\x08\x00[Content_Types].xml\x1d\x8cA\x0e\""},
		{"team.ods", "PK\x03\x04\x0a\x00\x00\x00\x00\x00mimetypeapplication/vnd.oasis.opendocument.spreadsheet"},
		{"team.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + strings.Repeat("\x00", 40)},
	} {
		for _, cmd := range []string{"roster", "performance"} {
			t.Run(cmd+" "+tt.name, func(t *testing.T) {
				dir := t.TempDir()
				db := filepath.Join(dir, "coachlog.db")
				file := filepath.Join(dir, tt.name)
				os.WriteFile(file, []byte(tt.start), 0o600)
				out, err := cliAt(t, tuesday, map[string]string{"COACHLOG_DB": db}, cmd, "import", file)
				if err == nil {
					t.Fatalf("imported:\n%s", out)
				}
				for _, want := range []string{file + " not imported, nothing was changed", "is a spreadsheet workbook (Excel/LibreOffice), not CSV",
					"CSV UTF-8 (File → Save As → CSV UTF-8)"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error lacks %q:\n%v", want, err)
					}
				}
				if strings.Contains(err.Error(), "unreadable CSV") || strings.Contains(err.Error(), "UTF-16") {
					t.Errorf("error blames the file's text:\n%v", err)
				}
				if _, err := os.Stat(db); err == nil {
					t.Errorf("a refused file created the database")
				}
			})
		}
	}
}

// The file is the whole roster and says whose an address is: an empty
// email cell keeps what Coachlog has, but not an address another row
// gives. The reviewer's steps, without a token: Bob's kept b@x.com is
// cleared, the import says so, and a performance file naming b@x.com
// credits Cat. Later Cat leaves the roster and Bob is given b@x.com
// again: the deactivated Cat keeps her address, and the file names the
// active Bob. Then both back with empty cells would both keep b@x.com:
// refused, naming the line and field, nothing written.
func TestARosterImportLeavesNoTwoActivePeopleWithOneEmail(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		dir := t.TempDir()
		vars := map[string]string{"COACHLOG_DB": db}
		now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
		write := func(name, body string) string {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			return path
		}
		const header = "slack_id,email,name,role,manager,tier,timezone\n"
		perf := write("perf.csv", "rep,month,attainment\nb@x.com,2026-10,92\n")
		credited := func(want string) {
			t.Helper()
			if out, err := cliAt(t, now, vars, "performance", "import", perf); err != nil {
				t.Fatalf("a performance file naming b@x.com: %v\n%s", err, out)
			}
			st, err := sqlite.Open(context.Background(), db, sqlite.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			recs, err := st.Performance(context.Background(), coaching.Month{Year: 2026, Month: 10})
			if err != nil || len(recs) != 1 || recs[0].RepID != want {
				t.Errorf("October's attainment %+v (%v), want %s's alone", recs, err, want)
			}
		}

		if out, err := cliAt(t, now, vars, "roster", "import", write("r1.csv", header+"U0B,b@x.com,Bob,rep,,,\nU0C,c@x.com,Cat,rep,,,\n")); err != nil {
			t.Fatalf("first import: %v\n%s", err, out)
		}
		out, err := cliAt(t, now, vars, "roster", "import", write("r2.csv", header+"U0B,,Bob,rep,,,\nU0C,b@x.com,Cat,rep,,,\n"))
		if err != nil || !strings.Contains(out, "2 changed") ||
			!strings.Contains(out, "line 2 (U0B): the email cell is empty, and b@x.com, the address Coachlog had, is line 3's (U0C) now; U0B has no email now.") {
			t.Fatalf("second import: %v\n%s", err, out)
		}
		for id, want := range map[string]string{"U0B": "", "U0C": "b@x.com"} {
			if p := stored(t, db, id); p.email != want {
				t.Errorf("%s's email %q, want %q", id, p.email, want)
			}
		}
		credited("U0C")

		if out, err := cliAt(t, now, vars, "roster", "import", write("r3.csv", header+"U0B,b@x.com,Bob,rep,,,\n")); err != nil {
			t.Fatalf("third import: %v\n%s", err, out)
		}
		credited("U0B")

		_, err = cliAt(t, now, vars, "roster", "import", write("r4.csv", header+"U0B,,Bob,rep,,,\nU0C,,Cat,rep,,,\n"))
		if err == nil || !strings.Contains(err.Error(), "nothing was changed") ||
			!strings.Contains(err.Error(), "line 3, field email: is empty, and U0C would have b@x.com, which U0B on line 2 would have too; give the address on the line of the one it is") {
			t.Fatalf("both keeping b@x.com: %v", err)
		}
		if p := stored(t, db, "U0C"); p.active {
			t.Errorf("Cat is back on the roster after a refused import")
		}
	})
}

// What a CRM or another tool makes of a roster, each file the reviewer's:
// a line that would import something other than was meant is refused,
// naming its line and field, and nothing is written, not even the
// database; a CRM's column names are read.
func TestARosterImportRefusesWhatWouldImportWrong(t *testing.T) {
	t.Parallel()
	const header = "slack_id,email,name,role,manager,tier,timezone\n"
	const vera = "U01VERA,vera@acme.com,Vera,leader,,,Europe/London\n"
	for _, tt := range []struct {
		name, file string
		want       string // in the error; "" when imported
	}{
		{"an address as a mailto: link", header + vera + "U01RIA,mailto:ria@acme.com,Ria,rep,U01VERA,,\n",
			`line 3, field email: "mailto:ria@acme.com" is a link: write the address without mailto: (ria@acme.com)`},
		{"a name that lost a character", header + vera + "U01SAM,sam@acme.com,S\uFFFDbastien,rep,U01VERA,,\n",
			`line 3, field name: "S` + "\uFFFD" + `bastien" has ` + "\uFFFD" + `, a character lost when the file was saved: export it again as "CSV UTF-8"`},
		{"EST", header + vera + "U01SAM,sam@acme.com,Sam,rep,U01VERA,,EST\n",
			`line 3, field timezone: "EST" is UTC-5 all year, without daylight saving: write a city's zone such as America/New_York`},
		{"a zone in the wrong case", header + vera + "U01SAM,sam@acme.com,Sam,rep,U01VERA,,europe/london\n",
			`line 3, field timezone: "europe/london" is not an IANA time zone name: write Europe/London`},
		{"a stray NUL", header + vera + "U01SAM,sam@acme.com,S\x00am,rep,U01VERA,,\n",
			`line 3, field name: holds a NUL byte`},
		{"a lower-case id", header + vera + "u01sam,sam@acme.com,Sam,rep,U01VERA,,\n",
			`line 3, field slack_id: "u01sam" is not a Slack user id: Slack ids are in capitals, write U01SAM`},
		{"a CRM's Email Address", "Slack ID,Email Address,Name,Role,Manager,Tier,Time Zone\n" + vera,
			`line 1, field email address: unknown column; did you mean email?`},
		{"a CRM's Slack ID and Time Zone", "Slack ID,Email,Name,Role,Manager,Tier,Time Zone\n" + vera, ""},
		// An HR system's export names the manager: the row it names is
		// found, and what to write for it said.
		{"a manager given by name", header + "U01VERA,vera@acme.com,Vera Lang,leader,,,Europe/London\nU01SAM,sam@acme.com,Sam,rep,vera  lang,,\n",
			`line 3, field manager: "vera  lang" is not the slack_id or email of anyone in this file (the file is the whole roster): it is the name on line 2; write U01VERA or vera@acme.com instead`},
		{"a manager given by a name two rows have", header + vera + "U02VERA,,Vera,manager,,,\nU01SAM,sam@acme.com,Sam,rep,Vera,,\n",
			`line 4, field manager: "Vera" is not the slack_id or email of anyone in this file (the file is the whole roster): it is the name of several rows (lines 2 and 3); give the slack_id or email of the one meant`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "coachlog.db")
			file := filepath.Join(dir, "team.csv")
			os.WriteFile(file, []byte(tt.file), 0o600)
			out, err := cliAt(t, tuesday, map[string]string{"COACHLOG_DB": db}, "roster", "import", file)
			if tt.want == "" {
				if err != nil || !strings.Contains(out, "1 added") {
					t.Fatalf("not imported: %v\n%s", err, out)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "nothing was changed") {
				t.Fatalf("got %v\n%s\nwant it to say %q", err, out, tt.want)
			}
			if _, err := os.Stat(db); err == nil {
				t.Errorf("a refused file created the database")
			}
		})
	}
}

// The import's count reads as English for a roster of one (a first
// import of the leader alone, a test file): "1 person", not "1 people".
func TestARosterImportCountsPeopleInWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, rows, want string
	}{
		{"one", "U0VERA,,Vera,leader,,,\n", "Imported 1 person from "},
		{"two", "U0VERA,,Vera,leader,,,\nU0MAX,,Max,manager,U0VERA,,\n", "Imported 2 people from "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			csv := filepath.Join(dir, "team.csv")
			if err := os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+tc.rows), 0o600); err != nil {
				t.Fatal(err)
			}
			vars := map[string]string{"COACHLOG_DB": filepath.Join(dir, "coachlog.db")}
			out, err := cliAt(t, time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC), vars, "roster", "import", csv)
			if err != nil || !strings.Contains(out, tc.want) {
				t.Fatalf("roster import: %v\n%s\nwant %q", err, out, tc.want)
			}
		})
	}
}

// A roster file is the whole roster, so one that holds only part of the
// company (one team's export, a file cut short) would deactivate
// everyone else: past 25 people and a third of the roster, the import is
// refused, nothing written, with the command that confirms it. Fewer go
// as before.
func TestARosterFileThatDropsMuchOfTheRosterIsRefusedUntilConfirmed(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		dir := t.TempDir()
		vars := map[string]string{"COACHLOG_DB": db}
		now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
		file := func(name string, reps int) string {
			var b strings.Builder
			b.WriteString("slack_id,email,name,role,manager,tier,timezone\nU0MAX,,Max,manager,,,UTC\n")
			for i := range reps {
				fmt.Fprintf(&b, "U0R%03d,,Rep %03d,rep,U0MAX,,\n", i, i)
			}
			path := filepath.Join(dir, name)
			os.WriteFile(path, []byte(b.String()), 0o600)
			return path
		}
		onRoster := func() int {
			st, err := sqlite.Open(context.Background(), db, sqlite.Options{Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ps, err := st.People(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, p := range ps {
				if p.InRoster && p.Active {
					n++
				}
			}
			return n
		}
		if out, err := cliAt(t, now, vars, "roster", "import", file("all.csv", 59)); err != nil || !strings.Contains(out, "60 added") {
			t.Fatalf("first import: %v\n%s", err, out)
		}

		team := file("team (1).csv", 9) // 10 of the 60
		out, err := cliAt(t, now, vars, "roster", "import", team)
		if err == nil {
			t.Fatalf("a file of 10 of the 60 people was imported:\n%s", out)
		}
		for _, want := range []string{"nothing was changed", "leaves out 50 of the 60 people on the roster (Rep 009 (U0R009), Rep 010 (U0R010),",
			"and 45 more", "coachlog roster import --confirm-deactivations '" + team + "'"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("refusal lacks %q:\n%v", want, err)
			}
		}
		if n := onRoster(); n != 60 {
			t.Fatalf("after the refusal %d people are on the roster, want the 60", n)
		}

		// 24 leavers: below the bound, imported as before.
		if out, err := cliAt(t, now, vars, "roster", "import", file("leavers.csv", 35)); err != nil || !strings.Contains(out, "24 deactivated") {
			t.Fatalf("a file without 24 leavers: %v\n%s", err, out)
		}
		if _, err := cliAt(t, now, vars, "roster", "import", team); err == nil || !strings.Contains(err.Error(), "leaves out 26 of the 36 people") {
			t.Fatalf("26 of 36 left out: %v", err)
		}
		if out, err := cliAt(t, now, vars, "roster", "import", "--confirm-deactivations", team); err != nil || !strings.Contains(out, "26 deactivated") {
			t.Fatalf("confirmed: %v\n%s", err, out)
		}
		if n := onRoster(); n != 10 {
			t.Fatalf("after the confirmed import %d people are on the roster, want 10", n)
		}
	})
}

// roster export writes the roster Coachlog has as a file roster import
// takes back: imported unchanged, it changes nothing (names written for
// every line, emails and zones Slack gave left out, all three staying
// Slack's; a since an import defaulted stays), and someone taken off the
// roster is not in it.
func TestRosterExportImportsBackUnchanged(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		fake := startFake(t)
		defer noProblems(t, fake)
		for _, u := range []fakeslack.User{
			{ID: "U0MAX", Name: "max", RealName: "Max Manager", Email: "max@acme.test", TZ: "America/New_York"},
			{ID: "U0SAM", Name: "sam", RealName: "Sam Rep", Email: "sam@acme.test", TZ: "Europe/Paris"},
			{ID: "U0ANA", Name: "ana", RealName: "Ana Rep", Email: "ana@acme.test", TZ: "UTC"},
			{ID: "U0EQ", Name: "eq", RealName: "Eq", TZ: "UTC"},
		} {
			fake.AddUser(u)
		}
		dir := t.TempDir()
		vars := map[string]string{"SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL(), "COACHLOG_DB": db}
		now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
		first := filepath.Join(dir, "first.csv")
		os.WriteFile(first, []byte("slack_id,email,name,role,manager,tier,timezone,cadence_days,since\n"+
			"U0MAX,max@acme.test,Max,manager+admin,,,America/Chicago,21,2026-01-15\n"+
			",sam@acme.test,,rep,U0MAX,top,,,\n"+
			"U0ANA,,Ana,rep,U0MAX,bottom,,,\n"+
			`U0EQ,,"=1+1",rep,max@acme.test,,,,`+"\n"), 0o600)
		if out, err := cliAt(t, now, vars, "roster", "import", first); err != nil || !strings.Contains(out, "4 added") {
			t.Fatalf("first import: %v\n%s", err, out)
		}

		exported, err := cliAt(t, now.Add(time.Hour), vars, "roster", "export")
		if err != nil {
			t.Fatalf("export: %v\n%s", err, exported)
		}
		want := "slack_id,email,name,role,manager,tier,timezone,cadence_days,since\n" +
			"U0EQ,,'=1+1,rep,U0MAX,,,,\n" +
			"U0ANA,,Ana,rep,U0MAX,bottom,,,\n" +
			"U0MAX,max@acme.test,Max,manager+admin,,,America/Chicago,21,2026-01-15\n" +
			"U0SAM,sam@acme.test,Sam Rep,rep,U0MAX,top,,,\n"
		if exported != want {
			t.Fatalf("roster export:\n%s\nwant:\n%s", exported, want)
		}
		back := filepath.Join(dir, "back.csv")
		os.WriteFile(back, []byte(exported), 0o600)
		if out, err := cliAt(t, now.Add(24*time.Hour), vars, "roster", "import", back); err != nil ||
			!strings.Contains(out, "0 added, 0 back on the roster, 0 changed, 4 unchanged, 0 deactivated") {
			t.Fatalf("the export imported back: %v\n%s", err, out)
		}
		// Sam's name, Slack's, is written so that the line says who it is,
		// and read back as Slack's: it still follows Slack's changes.
		st, err := sqlite.Open(context.Background(), db, sqlite.Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		sam, err := st.Person(context.Background(), "U0SAM")
		st.Close()
		if err != nil || sam.RosterNamed || sam.Name != "Sam Rep" {
			t.Errorf("Sam after the export imported back: %+v, %v; want Slack's name, not the file's", sam, err)
		}

		without := filepath.Join(dir, "without-ana.csv")
		os.WriteFile(without, []byte(strings.Replace(exported, "U0ANA,,Ana,rep,U0MAX,bottom,,,\n", "", 1)), 0o600)
		if out, err := cliAt(t, now.Add(48*time.Hour), vars, "roster", "import", without); err != nil || !strings.Contains(out, "1 deactivated") {
			t.Fatalf("without Ana: %v\n%s", err, out)
		}
		if out, _ := cliAt(t, now.Add(48*time.Hour), vars, "roster", "export"); strings.Contains(out, "U0ANA") || !strings.Contains(out, "U0SAM") {
			t.Errorf("export after Ana was taken off the roster:\n%s", out)
		}
	})
}

func TestRosterExportRefusesADatabaseThatIsNotThere(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "none.db")
	out, err := cliAt(t, tuesday, map[string]string{"COACHLOG_DB": db}, "roster", "export")
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("roster export of no database: %v\n%s", err, out)
	}
	if _, statErr := os.Stat(db); statErr == nil {
		t.Error("roster export created the database")
	}
}

// A file that leaves out many of the roster's people by every id and
// email it names is refused before Slack is asked: users.list pages
// through the workspace for minutes on a large one.
func TestARosterFileThatDropsMuchOfTheRosterIsRefusedBeforeSlackIsAsked(t *testing.T) {
	t.Parallel()
	fake := startFake(t)
	defer noProblems(t, fake)
	dir := t.TempDir()
	vars := map[string]string{"SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL(), "COACHLOG_DB": filepath.Join(dir, "c.db")}
	var all, team strings.Builder
	for _, b := range []*strings.Builder{&all, &team} {
		b.WriteString("slack_id,email,name,role,manager,tier,timezone\nU0MAX,,Max,manager,,,\n")
	}
	for i := range 40 {
		id := fmt.Sprintf("U0R%03d", i)
		fake.AddUser(fakeslack.User{ID: id, Name: strings.ToLower(id), Email: strings.ToLower(id) + "@acme.test", TZ: "UTC"})
		fmt.Fprintf(&all, "%s,,,rep,U0MAX,,\n", id)
		if i < 10 {
			// By email: named, so not counted as left out before Slack.
			fmt.Fprintf(&team, ",%s@acme.test,,rep,U0MAX,,\n", strings.ToLower(id))
		}
	}
	addUTCUsers(fake, "U0MAX")
	for name, body := range map[string]string{"all.csv": all.String(), "team.csv": team.String()} {
		os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600)
	}
	if out, err := cliAt(t, tuesday, vars, "roster", "import", filepath.Join(dir, "all.csv")); err != nil || !strings.Contains(out, "41 added") {
		t.Fatalf("first import: %v\n%s", err, out)
	}
	asked := len(fake.CallsTo("users.list"))
	out, err := cliAt(t, tuesday, vars, "roster", "import", filepath.Join(dir, "team.csv"))
	if err == nil || !strings.Contains(err.Error(), "leaves out 30 of the 41 people on the roster") {
		t.Fatalf("a file of 11 of the 41: %v\n%s", err, out)
	}
	if n := len(fake.CallsTo("users.list")) - asked; n != 0 {
		t.Errorf("users.list asked %d times before the refusal; want none", n)
	}
}

// A company's roster counts in thousands, and the import says so as the
// digest writes its counts: "Imported 1,200 people", "1,100 deactivated".
func TestARosterImportGroupsThousands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vars := map[string]string{"COACHLOG_DB": filepath.Join(dir, "coachlog.db")}
	roster := func(reps int, tier string) string {
		path := filepath.Join(dir, fmt.Sprintf("team-%d-%s.csv", reps, tier))
		rows := "slack_id,email,name,role,manager,tier,timezone\nU0VERA,,Vera,leader,,,\nU0MAX,,Max,manager,U0VERA,,\n"
		for i := range reps {
			rows += fmt.Sprintf("U0R%04d,,Rep %d,rep,U0MAX,%s,\n", i, i, tier)
		}
		if err := os.WriteFile(path, []byte(rows), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, tt := range []struct {
		reps       int
		tier, want string
	}{
		{1198, "top", "Imported 1,200 people from %s: 1,200 added, 0 back on the roster, 0 changed, 0 unchanged, 0 deactivated.\n"},
		{98, "top", "Imported 100 people from %s: 0 added, 0 back on the roster, 0 changed, 100 unchanged, 1,100 deactivated.\n"},
		{1198, "top", "Imported 1,200 people from %s: 0 added, 1,100 back on the roster, 0 changed, 100 unchanged, 0 deactivated.\n"},
		{1198, "bottom", "Imported 1,200 people from %s: 0 added, 0 back on the roster, 1,198 changed, 2 unchanged, 0 deactivated.\n"},
	} {
		path := roster(tt.reps, tt.tier)
		// Confirmed: the second file leaves out most of the roster.
		out, err := cliAt(t, time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC), vars, "roster", "import", "--confirm-deactivations", path)
		if want := fmt.Sprintf(tt.want, path); err != nil || !strings.Contains(out, want) {
			t.Fatalf("roster import of %d reps (%s): %v\n%s\nwant %q", tt.reps, tt.tier, err, out, want)
		}
	}
	// With a token, the wait for Slack's member list counts them too
	// (the file is refused then: this Slack knows none of them).
	fake := startFake(t)
	vars["SLACK_BOT_TOKEN"], vars["SLACK_API_URL"] = fake.BotToken(), fake.APIURL()
	out, _ := cliAt(t, time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC), vars, "roster", "import", roster(1198, "top"))
	if want := "Checking 1,200 people against Slack's member list"; !strings.Contains(out, want) {
		t.Errorf("roster import with a token:\n%s\nwant %q", out, want)
	}
}
