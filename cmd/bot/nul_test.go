package main

import (
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A NUL character in what Slack says of someone (a name, a status) is
// dropped, on both engines: PostgreSQL refuses text holding one, and the
// manager logging coaching with that rep got "something went wrong", and
// a status saying they were out of office was never stored.
func TestNULsFromSlackAreDroppedOnBothEngines(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		b := startBot(t, "COACHLOG_DB", db)
		ctx := ctxT(t)
		b.fake.AddUser(fakeslack.User{ID: "U0NIA", Name: "nia", RealName: "Nia\x00 New", TZ: "Europe/Paris"})
		if got := b.command(mgr, "<@U0NIA|nia> 1:1 30m"); strings.Contains(got, "went wrong") || !strings.Contains(got, "Logged") {
			t.Fatalf("a quick capture with a rep whose Slack name holds a NUL: %q", got)
		}
		if _, err := b.fake.Event(ctx, map[string]any{"type": "user_change", "user": map[string]any{
			"id": mgr, "name": "max", "real_name": "Max\x00 Manager", "tz": "America/New_York",
			"profile": map[string]any{"real_name": "Max\x00 Manager", "status_text": "Out of\x00 office", "status_emoji": "", "status_expiration": 0},
		}}); err != nil {
			t.Fatal(err)
		}
		person := func(id string) coaching.Person {
			st, err := sqlite.Open(ctx, db, sqlite.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			p, _ := st.Person(ctx, id)
			return p
		}
		if p := person("U0NIA"); p.Name != "Nia New" {
			t.Errorf("Nia is stored as %q, want her Slack name without the NUL", p.Name)
		}
		eventually(t, "Max's status stored", func() bool { return person(mgr).Status.Text != "" })
		if p := person(mgr); p.Name != "Max Manager" || p.Status.Text != "Out of office" || !p.Away(coaching.DateOf(b.now(), time.UTC), b.now()) {
			t.Errorf("Max = %+v; want his name and status without the NUL, away", p)
		}
		if strings.Contains(b.logs.String(), "profile update failed") {
			t.Errorf("a profile update failed:\n%s", b.logs)
		}
	})
}
