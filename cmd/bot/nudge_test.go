package main

import (
	"context"
	"errors"
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

// cliAt runs a coachlog command with the clock at now.
func cliAt(t *testing.T, now time.Time, vars map[string]string, args ...string) (string, error) {
	t.Helper()
	var out syncBuffer
	err := runEnv(context.Background(), args, env{getenv: func(k string) string { return vars[k] }, stdout: &out, stderr: &out,
		now: func() time.Time { return now }})
	return out.String(), err
}

func TestNudgeCommandTwiceOnOneDaySendsOneDM(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		fake := startFake(t)
		addUTCUsers(fake, "U0MA", "U0MB", "U0RA", "U0RB")
		dir := t.TempDir()
		vars := map[string]string{"SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL(), "COACHLOG_DB": db}
		csv := filepath.Join(dir, "team.csv")
		os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
			"U0MA,,Mia,manager,,,America/New_York\nU0MB,,Ben,manager,,,UTC\nU0RA,,Ada,rep,U0MA,top,\nU0RB,,Bob,rep,U0MB,bottom,\n"), 0o600)
		imported := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
		if out, err := cliAt(t, imported, vars, "roster", "import", csv); err != nil {
			t.Fatalf("import: %v\n%s", err, out)
		}
		now := imported.Add(16 * 24 * time.Hour) // Wed 2 Dec, 05:00 in New York: before the nudge hour, which the command ignores
		st, err := sqlite.Open(context.Background(), vars["COACHLOG_DB"], sqlite.Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		svc := coaching.NewService(coaching.Config{Store: st, Now: func() time.Time { return now }})
		d := coaching.Draft{RepIDs: []string{"U0RB"}, Kind: coaching.KindOneOnOne, DurationMin: 30, OccurredOn: coaching.DateOf(now, time.UTC).AddDays(-1)}
		if _, err := svc.LogSession(context.Background(), coaching.LogRequest{ManagerID: "U0MB", Draft: d, Key: "k"}); err != nil {
			t.Fatal(err)
		}
		st.Close()

		out, err := cliAt(t, now, vars, "nudge", "--dry-run")
		if err != nil || !strings.Contains(out, "would nudge Mia (U0MA)") || strings.Contains(out, "U0MB") || !strings.Contains(out, "Ada (not coached yet, 16 days") {
			t.Fatalf("dry run: %v\n%s", err, out)
		}
		if n := len(fake.CallsTo("chat.postMessage")); n != 0 {
			t.Fatalf("a dry run posted %d messages", n)
		}
		// The command says it queued what it queued, not that it nudged: the
		// sender checks each nudge again as it sends it, and may withhold it.
		const again = "Each nudge is checked again as it is sent"
		for i, run := range []struct{ want, not []string }{
			{want: []string{"queued a nudge to Mia (U0MA) for 2026-12-02: ", "Managers due: 2; nudges queued: 1.\n", again, "Nudges delivered: 1 of 1 queued.\n"}},
			{want: []string{"Managers due: 0; nudges queued: 0.\n", "their nudge for today already claimed (sent, or found with nothing to act on: one a day): 2.\n"}, not: []string{"Mia", again, "Nudges delivered"}},
		} {
			out, err := cliAt(t, now, vars, "nudge")
			if err != nil {
				t.Fatalf("nudge run %d: %v\n%s", i+1, err, out)
			}
			for _, w := range run.want {
				if !strings.Contains(out, w) {
					t.Errorf("nudge run %d does not say %q:\n%s", i+1, w, out)
				}
			}
			for _, w := range append(run.not, "nudged") {
				if strings.Contains(out, w) {
					t.Errorf("nudge run %d says %q:\n%s", i+1, w, out)
				}
			}
		}
		// A dry run after the day's run says why nobody is due: both days
		// are claimed (Mia's nudged, Ben's with nothing to act on).
		out, err = cliAt(t, now, vars, "nudge", "--dry-run")
		if err != nil || !strings.Contains(out, "Managers due: 0; with something to act on: 0.\n") ||
			!strings.Contains(out, "Managers not due, their nudge for today already claimed (sent, or found with nothing to act on: one a day): 2.\n") {
			t.Errorf("a dry run after the day's nudges: %v\n%s", err, out)
		}
		if got, want := len(fake.Messages("U0MA")), 1; got != want {
			t.Fatalf("Mia got %d nudges, want %d", got, want)
		}
		if got := len(fake.Messages("U0MB")); got != 0 {
			t.Fatalf("Ben, whose rep is covered, got %d nudges", got)
		}
		nudge := fake.Messages("U0MA")[0]
		text := blocksText(nudge.Blocks)
		if !strings.Contains(text, "<@U0RA>") || !strings.Contains(text, "not coached yet, 16 days") {
			t.Fatalf("nudge says:\n%s", text)
		}
		ids := actionIDs(nudge.Blocks)
		if !contains(ids, "log_for_rep") || !contains(ids, "nudge_snooze_1") || !contains(ids, "nudge_snooze_7") {
			t.Fatalf("nudge buttons = %v, want Log coaching per rep and Snooze for a day or a week", ids)
		}
		// Slack took the nudge at the first attempt: nothing it refuses (two
		// buttons sharing an action_id in the Snooze block, once) was sent.
		for _, c := range fake.CallsTo("chat.postMessage") {
			if c.Error != "" {
				t.Errorf("chat.postMessage to %s answered %s: %s", c.Param("channel"), c.Error, c.Response)
			}
		}
		noProblems(t, fake)
	})
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestNudgeCommandFailsWhenDeliveryFails(t *testing.T) {
	t.Parallel()
	fake := fakeslack.New()
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	fake.AddUser(fakeslack.User{ID: "U0MA", Name: "mia"})
	fake.AddUser(fakeslack.User{ID: "U0RA", Name: "ada"})
	dir := t.TempDir()
	vars := map[string]string{"SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL(), "COACHLOG_DB": filepath.Join(dir, "c.db")}
	csv := filepath.Join(dir, "team.csv")
	os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\nU0MA,,Mia,manager,,,\nU0RA,,Ada,rep,U0MA,,\n"), 0o600)
	imported := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
	if out, err := cliAt(t, imported, vars, "roster", "import", csv); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	fake.FailNext("chat.postMessage", 1, fakeslack.Fault{Error: "channel_not_found"})
	out, err := cliAt(t, imported.Add(20*24*time.Hour), vars, "nudge")
	if err == nil || !strings.Contains(err.Error(), "failed to deliver") {
		t.Fatalf("nudge with a failing delivery: err = %v\n%s", err, out)
	}
	if !strings.Contains(out, "Nudges delivered: 0 of 1 queued; failed: 1 (the log says why).\n") {
		t.Errorf("the run does not say how its nudges went:\n%s", out)
	}
}

// TestTheScheduledNudgeComesAtNineOnTheManagersSlackClock: the roster names
// everyone by slack_id and gives no time zone, and is imported without
// SLACK_BOT_TOKEN, so the import asks Slack nothing (with the token it
// would store everyone's Slack zone; see the roster tests). The bot reads
// Max's zone (New York) before it decides his nine o'clock: at 10:00 UTC
// Olly (UTC) is nudged and Max, at 05:00, is not; at 14:30 UTC, 09:30 in
// New York, Max is.
func TestTheScheduledNudgeComesAtNineOnTheManagersSlackClock(t *testing.T) {
	t.Parallel()
	const rep3 = "U0REPTHREE"
	clk := &testClock{}
	imported := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC) // a Monday
	clk.Advance(time.Until(imported))
	b := startBotAt(t, clk.Now)
	b.fake.AddUser(fakeslack.User{ID: rep3, Name: "tia", RealName: "Tia Rep", TZ: "UTC"})
	csv := filepath.Join(t.TempDir(), "team.csv")
	os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
		mgr+",,Max,manager,,,\n"+rep+",,Sam,rep,"+mgr+",,\n"+other+",,Olly,manager,,,\n"+rep3+",,Tia,rep,"+other+",,\n"), 0o600)
	if out, err := b.cliWith(map[string]string{"SLACK_BOT_TOKEN": ""}, "roster", "import", csv); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	if n := len(b.fake.CallsTo("users.info")) + len(b.fake.CallsTo("users.list")); n != 0 {
		t.Fatalf("the import asked Slack %d times; this test is about a roster that needs no lookup", n)
	}

	// Sixteen days on, Sam and Tia are overdue. A restart runs the nudges at once.
	clk.Advance(time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC).Sub(clk.Now()))
	b.stop()
	b.start()
	b.dm(other, 1) // Max is evaluated before Olly (by id), and his DM would be queued first
	if got := b.fake.Messages(mgr); len(got) != 0 {
		t.Fatalf("Max was nudged at 05:00 in New York: %s", blocksText(got[0].Blocks))
	}
	clk.Advance(time.Date(2026, 12, 2, 14, 30, 0, 0, time.UTC).Sub(clk.Now()))
	b.stop()
	b.start()
	if text := blocksText(b.dm(mgr, 1).Blocks); !strings.Contains(text, "<@"+rep+">") {
		t.Fatalf("Max's nudge at 09:30 in New York says:\n%s", text)
	}
}

// The nudge and export commands refuse what they would otherwise misread:
// a stray word ("nudge dry-run" sent real nudges and claimed the day's),
// a missing database (nudge created one and reported nobody overdue),
// flags after an argument (export dropped them), a backwards range.
func TestNudgeAndExportRefuseWhatTheyWouldMisread(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	missing := filepath.Join(t.TempDir(), "typo.db")
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"nudge", "dry-run"}, nil, "takes no arguments"},
		{[]string{"nudge"}, map[string]string{"COACHLOG_DB": missing}, "does not exist"},
		{[]string{"nudge", "--dry-run"}, map[string]string{"COACHLOG_DB": missing}, "does not exist"},
		{[]string{"export", "out.csv", "--with-notes"}, nil, "takes no arguments"},
		{[]string{"export", "--from", "2026-11-20", "--to", "2026-11-01"}, nil, "is before --from"},
	} {
		if out, err := b.cliWith(c.env, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want an error saying %q\n%s", c.args, err, c.want, out)
		}
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused nudge left a database at %s (%v)", missing, err)
	}
	if n := len(b.fake.Messages(mgr)); n != 0 {
		t.Errorf("%d nudges sent by refused commands", n)
	}
}

// An error opening the database names the setting and the path: "unable
// to open database file (14)" alone does not say where to look.
func TestADatabaseThatCannotBeOpenedIsNamed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notDB := filepath.Join(dir, "team.csv")
	os.WriteFile(notDB, []byte("slack_id,email,name,role,manager,tier,timezone\nU0M,,Max,manager,,,\n"), 0o600)
	for _, c := range []struct {
		args []string
		db   string
	}{
		{[]string{"roster", "import", notDB}, filepath.Join(dir, "no", "such", "dir", "x.db")},
		{[]string{"metrics"}, notDB},
	} {
		var out syncBuffer
		err := runEnv(ctxT(t), c.args, env{getenv: func(k string) string { return map[string]string{"COACHLOG_DB": c.db}[k] },
			stdout: &out, stderr: &out, now: time.Now})
		if err == nil || !strings.Contains(err.Error(), "COACHLOG_DB "+c.db) {
			t.Errorf("%v on %s: %v, want an error naming COACHLOG_DB and the path", c.args, c.db, err)
		}
	}
}

// A nudge held back by Slack's pace goes as things stand when it goes: a
// rep the manager coached while it waited is not in it.
func TestANudgeHeldBackTellsOnlyOfWhatIsStillDue(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		fake := startFake(t)
		addUTCUsers(fake, "U0MA", "U0RA", "U0RC")
		vars := map[string]string{"SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL(), "COACHLOG_DB": db}
		csv := filepath.Join(t.TempDir(), "team.csv")
		os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
			"U0MA,,Mia,manager,,,UTC\nU0RA,,Ada,rep,U0MA,top,\nU0RC,,Cy,rep,U0MA,bottom,\n"), 0o600)
		imported := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
		if out, err := cliAt(t, imported, vars, "roster", "import", csv); err != nil {
			t.Fatalf("import: %v\n%s", err, out)
		}
		now := imported.Add(16 * 24 * time.Hour) // Wed 2 Dec: Ada and Cy overdue
		// Slack paces the post: the nudge waits, queued, while Mia coaches Ada.
		fake.FailNext("chat.postMessage", 1000, fakeslack.Fault{Status: 429, RetryAfter: 1})
		done := make(chan error, 1)
		go func() {
			// The clock runs from now: the outbox waits out Retry-After on it.
			var out syncBuffer
			err := runEnv(context.Background(), []string{"nudge"}, env{getenv: func(k string) string { return vars[k] }, stdout: &out, stderr: &out,
				now: clockFrom(now)})
			if err != nil {
				err = fmt.Errorf("%w\n%s", err, out.String())
			}
			done <- err
		}()
		waitUntil(t, 10*time.Second, "the nudge's first try", func() bool { return len(fake.CallsTo("chat.postMessage")) > 0 })
		st, err := sqlite.Open(context.Background(), db, sqlite.Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		svc := coaching.NewService(coaching.Config{Store: st, Now: func() time.Time { return now }})
		d := coaching.Draft{RepIDs: []string{"U0RA"}, Kind: coaching.KindOneOnOne, DurationMin: 30, OccurredOn: coaching.DateOf(now, time.UTC)}
		if _, err := svc.LogSession(context.Background(), coaching.LogRequest{ManagerID: "U0MA", Draft: d, Key: "meanwhile"}); err != nil {
			t.Fatal(err)
		}
		st.Close()
		fake.ClearFaults("chat.postMessage")
		if err := <-done; err != nil {
			t.Fatalf("nudge: %v", err)
		}
		msgs := fake.Messages("U0MA")
		if len(msgs) != 1 {
			t.Fatalf("Mia got %d nudges, want 1", len(msgs))
		}
		if text := blocksText(msgs[0].Blocks); strings.Contains(text, "<@U0RA>") || !strings.Contains(text, "<@U0RC>") {
			t.Fatalf("the nudge, sent after Mia coached Ada, says:\n%s", text)
		}
	})
}
