package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

func TestRosterImportResolvesEmailsFromSlackAndIsAllOrNothing(t *testing.T) {
	sqlitetest.Each(t, func(t *testing.T, db string) {
		fake := startFake(t)
		defer noProblems(t, fake)
		for i := 0; i < 450; i++ { // more than one users.list page
			fake.AddUser(fakeslack.User{ID: fmt.Sprintf("U0X%04d", i), Name: "x", Email: fmt.Sprintf("x%d@acme.test", i)})
		}
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
