package main

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// command types /coach text as user and returns the ephemeral answer.
func (b *bot) command(user, text string) string {
	b.t.Helper()
	ctx := ctxT(b.t)
	in, err := b.fake.SlashCommand(ctx, user, "/coach", text)
	if err != nil {
		b.t.Fatal(err)
	}
	r, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
	if err != nil {
		b.t.Fatal(err)
	}
	// The answer can reach the fake before the ack it follows does (two
	// connections): a test that then moves the clock would have the fake
	// judge the ack late, on that clock.
	if _, err := b.fake.AwaitAck(ctx, in.EnvelopeID); err != nil {
		b.t.Fatal(err)
	}
	return r.Text + blocksText(r.Blocks)
}

func (b *bot) importRoster(t *testing.T) {
	t.Helper()
	csv := filepath.Join(t.TempDir(), "team.csv")
	os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
		mgr+",,Max,manager,,,America/New_York\n"+rep+",,Sam,rep,"+mgr+",top,\n"+rep2+",,Ria,rep,"+mgr+",bottom,\n"+other+",,Olly,admin,,,\n"), 0o600)
	if out, err := b.cli("roster", "import", csv); err != nil {
		t.Fatalf("roster import while the bot runs: %v\n%s", err, out)
	}
}

// /coach away says what it does for whoever types it: a manager's nudges
// pause; a rep, who gets none, is kept off their manager's overdue list,
// and was told "No nudges until then" of nudges they never get.
func TestAwaySaysWhatItDoesForWhoTypesIt(t *testing.T) {
	b := startBot(t)
	b.importRoster(t)
	for _, tt := range []struct{ who, want, not string }{
		{mgr, "You are away through Fri 20 Nov 2026. No nudges until then.", "overdue"},
		{rep, "You are away through Fri 20 Nov 2026. You are not counted as overdue for coaching until then, and reminders to answer a session wait until you are back.", "nudge"},
	} {
		if got := b.command(tt.who, "away fri"); !strings.Contains(got, tt.want) || strings.Contains(got, tt.not) {
			t.Errorf("%s typing /coach away fri got %q, want %q and no %q", tt.who, got, tt.want, tt.not)
		}
	}
}

func TestAwayCadenceAndSnooze(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	if got := b.command(mgr, "away 2w"); !strings.Contains(got, "You are away through") {
		t.Errorf("/coach away 2w: %s", got)
	}
	if got := b.command(mgr, "away <@"+rep+"|sam> fri"); !strings.Contains(got, "<@"+rep+"> is away through") {
		t.Errorf("/coach away @rep fri: %s", got)
	}
	if got := b.command(rep2, "away <@"+rep+"|sam> fri"); !strings.Contains(got, "your own reps") {
		t.Errorf("a rep marking a peer away: %s", got)
	}
	if got := b.command(mgr, "away someday"); !strings.Contains(got, "is not a date") {
		t.Errorf("/coach away someday: %s", got)
	}
	// As people say it: "until", a month's name, a slashed day read one way.
	for _, until := range []string{"until friday", "till dec 24", "<@" + rep + "|sam> until 12/24"} {
		if got := b.command(mgr, "away "+until); !strings.Contains(got, "away through") {
			t.Errorf("/coach away %s: %s", until, got)
		}
	}
	if got := b.command(mgr, "away until 3/4"); !strings.Contains(got, "in the US") {
		t.Errorf("/coach away until 3/4 (two readings): %s", got)
	}
	if got := b.command(mgr, "away off"); !strings.Contains(got, "back") {
		t.Errorf("/coach away off: %s", got)
	}
	if got := b.command(mgr, "cadence <@"+mgr+"|max> 7"); !strings.Contains(got, "Only admins") {
		t.Errorf("a non-admin setting a cadence: %s", got)
	}
	if got := b.command(other, "cadence <@"+mgr+"|max> 7"); !strings.Contains(got, "at least every 7 days") {
		t.Errorf("a roster admin setting a cadence: %s", got)
	}

	// A nudge sent by `coachlog nudge` three weeks on, while the bot runs:
	// its Snooze is served by the bot and replaces the nudge.
	later := b.now().Add(21 * 24 * time.Hour)
	var out syncBuffer
	if err := runEnv(ctxT(t), []string{"nudge"}, env{getenv: b.getenv, stdout: &out, stderr: &out, now: func() time.Time { return later }}); err != nil {
		t.Fatalf("nudge: %v\n%s", err, out.String())
	}
	nudge := b.dm(mgr, 1)
	if text := blocksText(nudge.Blocks); !strings.Contains(text, "7-day") {
		t.Errorf("the nudge does not use the cadence an admin set:\n%s", text)
	}
	in, err := b.fake.ClickButtonWithValue(ctxT(t), mgr, nudge.Channel, nudge.TS, "nudge_snooze_7", "7")
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.fake.WaitForResponse(ctxT(t), func(r fakeslack.Response) bool {
		return r.URL == in.ResponseURL && r.ReplaceOriginal && strings.Contains(r.Text, "Snoozed")
	})
	if err != nil {
		t.Fatal(err)
	}
	// The nudge is a DM, not an ephemeral message: it is replaced as the
	// message it is, with no response_type saying otherwise (what Slack
	// makes of an ephemeral one replacing a DM is not documented).
	if r.ResponseType != "" {
		t.Errorf("the nudge was replaced with response_type %q", r.ResponseType)
	}
}

// /coach cadence reads its value in any case, as /coach away does, with
// "d", "day" or "days" after the number or none.
func TestCadenceValueIsCaseInsensitive(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	const standard, refused = "back on the standard cadence", "The cadence is a number of days"
	for _, tt := range []struct{ value, want string }{
		{"default", standard},
		{"Default", standard},
		{"DEFAULT", standard},
		{"Off", standard},
		{"7", "at least every 7 days."},
		{"7 Days", "at least every 7 days."},
		{"7 DAYS", "at least every 7 days."},
		{"7days", "at least every 7 days."},
		{"10D", "at least every 10 days."},
		{"1 day", "at least every 1 day."},
		{"1 Day", "at least every 1 day."},
		{"0", refused},
		{"366 days", refused},
		{"seven", refused},
		{"7 weeks", refused},
		{"Defaults", refused},
	} {
		if got := b.command(other, "cadence <@"+mgr+"|max> "+tt.value); !strings.Contains(got, tt.want) {
			t.Errorf("/coach cadence @max %s: %s, want %q", tt.value, got, tt.want)
		}
	}
}

// /coach cadence reads the days where people put them around the
// manager, as /coach away reads its date: after a comma or colon, with a
// phone's full stop, or before the mention. "/coach cadence 7 @max" was
// told "The cadence is a number of days", to an admin who gave one.
func TestCadenceReadsTheDaysAroundTheManager(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	const refused = "The cadence is a number of days"
	max := "<@" + mgr + "|max>"
	for _, tt := range []struct{ args, want string }{
		{"7 " + max, "at least every 7 days."},
		{"10 days " + max + ".", "at least every 10 days."},
		{max + ", 8", "at least every 8 days."},
		{max + ": 9 days", "at least every 9 days."},
		{max + " 11.", "at least every 11 days."},
		{"default " + max, "back on the standard cadence"},
		{max, refused},
	} {
		if got := b.command(other, "cadence "+tt.args); !strings.Contains(got, tt.want) {
			t.Errorf("/coach cadence %s: %s, want %q", tt.args, got, tt.want)
		}
	}
}

// A manager's name typed as text in /coach cadence ("@max", as a phone
// leaves it) is quoted back, as /coach away and the capture form do: the
// usage line alone told an admin who typed the line right to type it
// again. Nothing is set.
func TestCadenceQuotesATypedName(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	for _, text := range []string{"cadence @Max 7", "cadence 7 @max", "cadence @max."} {
		got := b.command(other, text)
		if !strings.Contains(got, "was typed, not picked from Slack's @ list") || !strings.Contains(got, "/coach cadence @manager") {
			t.Errorf("/coach %s answered %q, want the typed name quoted back and the usage", text, got)
		}
		if strings.Contains(got, "at least every") {
			t.Errorf("/coach %s set a cadence: %q", text, got)
		}
	}
	if got := b.command(other, "cadence 7"); strings.Contains(got, "was typed") {
		t.Errorf("/coach cadence 7 (no name) answered %q, want the usage alone", got)
	}
}

func TestBackupWhileTheBotRuns(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.quickLog(rep, 1)
	dest := filepath.Join(t.TempDir(), "backup.db")
	if out, err := b.cli("backup", dest); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if out, err := b.cli("backup", dest); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("a second backup over the first: %v %s", err, out)
	}
	// A directory that is not there is named, not only "no such file".
	nowhere := filepath.Join(t.TempDir(), "nonexistent", "bk.db")
	if out, err := b.cli("backup", nowhere); err == nil || !strings.Contains(err.Error(), nowhere) {
		t.Fatalf("a backup into a missing directory: %v %s; want the path named", err, out)
	}
	var out syncBuffer
	vars := map[string]string{"COACHLOG_DB": dest}
	if err := runEnv(ctxT(t), []string{"export"}, env{getenv: func(k string) string { return vars[k] }, stdout: &out, stderr: &out, now: b.now}); err != nil {
		t.Fatalf("export from the backup: %v", err)
	}
	if !strings.Contains(out.String(), rep) {
		t.Fatalf("the backup lacks the session:\n%s", out.String())
	}
}

// An operator backs up before upgrading: the new build's backup must take
// the database of the version before, which it has not migrated yet. It
// refused it, asking to run serve first, which migrates it unbacked-up.
// A newer one (a rollback) is copied too, and both say what they hold.
func TestBackupTakesADatabaseOfAnotherSchemaVersion(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "c.db")
	vars := map[string]string{"COACHLOG_DB": db}
	csv := filepath.Join(t.TempDir(), "team.csv")
	if err := os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\nU0MA,,Mia,manager,,,UTC\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := cliAt(t, tuesday, vars, "roster", "import", csv); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	know := sqlite.SchemaVersion()
	for _, tc := range []struct {
		sql, want string
	}{
		{fmt.Sprintf(`DELETE FROM schema_migrations WHERE version = %d`, know), fmt.Sprintf("schema version %d, older than this coachlog's %d", know-1, know)},
		{fmt.Sprintf(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (%d, 'from_the_future.sql', 0)`, know+1), fmt.Sprintf("schema version %d, newer", know+1)},
	} {
		raw, err := sql.Open("sqlite", db)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(tc.sql); err != nil {
			t.Fatal(err)
		}
		raw.Close()
		dest := filepath.Join(t.TempDir(), "backup.db")
		out, err := cliAt(t, tuesday, vars, "backup", dest)
		if err != nil || !strings.Contains(out, tc.want) {
			t.Fatalf("backup after %s: %v\n%s", tc.sql, err, out)
		}
		if _, err := os.Stat(dest); err != nil {
			t.Fatalf("no backup: %v", err)
		}
	}
}

// A Slack status set to vacation reaches Coachlog through user_change and
// keeps that rep out of the overdue list.
func TestSlackStatusFromUserChangeMarksARepAway(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	_, err := b.fake.Event(ctxT(t), map[string]any{"type": "user_change", "user": map[string]any{
		"id": rep, "name": "sam", "real_name": "Sam Rep", "tz": "Europe/Paris",
		"profile": map[string]any{"real_name": "Sam Rep", "status_text": "On vacation", "status_emoji": ":palm_tree:", "status_expiration": 0},
	}})
	if err != nil {
		t.Fatal(err)
	}
	later := b.now().Add(21 * 24 * time.Hour)
	var out syncBuffer
	eventually(t, "Sam to be left out as away", func() bool {
		out = syncBuffer{}
		if err := runEnv(ctxT(t), []string{"nudge", "--dry-run"}, env{getenv: b.getenv, stdout: &out, stderr: &out, now: func() time.Time { return later }}); err != nil {
			t.Fatal(err)
		}
		return strings.Contains(out.String(), "Ria") && !strings.Contains(out.String(), "Sam")
	})
}

// /coach away @rep reads its date on the manager's today, not the rep's:
// at 20:00 on Thu 3 Dec in New York it is 06:30 on Fri 4 Dec in Kolkata,
// and Max's "fri" is the next day, his "dec 3" today, not a year on.
func TestAwayForARepIsReadOnTheManagersToday(t *testing.T) {
	t.Parallel()
	b := startBotAt(t, clockFrom(time.Date(2026, 12, 4, 1, 0, 0, 0, time.UTC)))
	csv := filepath.Join(t.TempDir(), "team.csv")
	os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
		mgr+",,Max,manager,,,America/New_York\n"+rep2+",,Ria,rep,"+mgr+",,Asia/Kolkata\n"+other+",,Olly,admin,,,Asia/Kolkata\n"), 0o600)
	if out, err := b.cli("roster", "import", csv); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	for _, c := range []struct{ actor, words, want string }{
		{mgr, "fri", "is away through Fri 4 Dec 2026"},
		{mgr, "dec 3", "is away through Thu 3 Dec 2026"},
		{mgr, "2026-12-03", "is away through Thu 3 Dec 2026"},
		{mgr, "2026-12-02", "Wed 2 Dec 2026 is in the past"},
		{mgr, "yesterday", "Wed 2 Dec 2026 is in the past"}, // was "not a date"
		// Olly, an admin in Kolkata where it is Friday already, marks
		// Max's rep on Max's day: the one Max's nudge counts from.
		{other, "today", "is away through Thu 3 Dec 2026"},
		{other, "2026-12-03", "is away through Thu 3 Dec 2026"},
	} {
		if got := b.command(c.actor, "away <@"+rep2+"|ria> "+c.words); !strings.Contains(got, c.want) {
			t.Errorf("%s: /coach away @ria %s at 20:00 Thu in New York: %s; want %q", c.actor, c.words, got, c.want)
		}
	}
}

// Rights come from the roster as it is now: an admin or a manager dropped
// from it loses what the role gave them.
func TestRightsEndWhenTheRosterDropsSomeone(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	if got := b.command(other, "cadence <@"+mgr+"|max> 7"); !strings.Contains(got, "at least every 7 days") {
		t.Fatalf("a roster admin setting a cadence: %s", got)
	}
	if got := b.command(mgr, "away <@"+rep+"|sam> fri"); !strings.Contains(got, "is away through") {
		t.Fatalf("a manager marking their rep away: %s", got)
	}

	// The next roster keeps only Ria: Olly (admin), Max (manager) and Sam
	// (his rep) have left.
	csv := filepath.Join(t.TempDir(), "team.csv")
	os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+rep2+",,Ria,rep,,,\n"), 0o600)
	if out, err := b.cli("roster", "import", csv); err != nil || !strings.Contains(out, "3 deactivated") {
		t.Fatalf("second roster import: %v\n%s", err, out)
	}
	if got := b.command(other, "cadence <@"+mgr+"|max> 9"); !strings.Contains(got, "Only admins") {
		t.Errorf("an admin removed from the roster still set a cadence: %s", got)
	}
	if got := b.command(mgr, "away <@"+rep+"|sam> off"); !strings.Contains(got, "your own reps") {
		t.Errorf("a manager who left still marked a former rep: %s", got)
	}
}

// The reads /coach away makes before its ack share the ack's budget: with
// the people table locked on PostgreSQL (a long migration, another
// replica's stuck transaction), the command is still acked in Slack's 3 s
// and the manager is asked to try again, rather than Slack showing its
// timeout error while the read waits for the lock.
func TestAwayIsAckedInTimeWhileTheDatabaseHoldsItsReads(t *testing.T) {
	t.Parallel()
	db := sqlitetest.PostgresMigrated(t)
	b := startBot(t, "COACHLOG_DB", db)
	b.importRoster(t)
	ctx := ctxT(t)
	lock := lockPeople(t, ctx, db)
	in, err := b.fake.SlashCommand(ctx, mgr, "/coach", "away 2w")
	if err != nil {
		t.Fatal(err)
	}
	ack, err := b.fake.AwaitAck(ctx, in.EnvelopeID)
	if err != nil || ack.Problem != "" || ack.Latency() > 3*time.Second {
		t.Fatalf("ack while the table was locked = %+v (after %v), %v", ack, ack.Latency(), err)
	}
	r, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
	if err != nil || !strings.Contains(r.Text, "try again") {
		t.Fatalf("answer while the table was locked = %q, %v", r.Text, err)
	}
	if err := lock.Rollback(); err != nil {
		t.Fatal(err)
	}
	if got := b.command(mgr, "away 2w"); !strings.Contains(got, "You are away through") {
		t.Errorf("/coach away 2w once the lock is gone: %s", got)
	}
}

// A user_change without the user's profile is malformed (Slack sends the
// whole user): it is skipped, and what Slack last said of the person stays.
func TestAPartialUserChangeIsSkipped(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.quickLog(rep, 1) // Sam's profile is read from Slack: Paris
	ctx := ctxT(t)
	for _, user := range []map[string]any{{"id": rep}, {"id": rep, "tz": "", "profile": nil}} {
		if _, err := b.fake.Event(ctx, map[string]any{"type": "user_change", "user": user}); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "the partial user_changes skipped", func() bool {
		return strings.Count(b.logs.String(), "skipped malformed user_change") == 2
	})
	st, err := sqlite.Open(ctx, b.db, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if p, err := st.Person(ctx, rep); err != nil || p.SlackTZ != "Europe/Paris" || p.Name == "" {
		t.Errorf("Sam after partial user_changes = %+v, %v; want his profile as Slack last gave it", p, err)
	}
}

// A command's argument as long as someone may paste, quoted back in the
// answer, still gets an answer: Slack refuses a section over 3,000
// characters, and a refused response_url post leaves the person looking
// at nothing. Escaping makes "&" five characters long. The person typed
// "a&b<c>" over and over; Slack sends it escaped (should_escape).
func TestALongArgumentIsQuotedBackCut(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	long := strings.Repeat("a&amp;b&lt;c&gt;", 700)
	for _, c := range []struct{ user, text, want string }{
		{mgr, "away " + long, "is not a date"},
		{other, "export --from " + long, "is not a date"},
	} {
		ctx := ctxT(t)
		in, err := b.fake.SlashCommand(ctx, c.user, "/coach", c.text)
		if err != nil {
			t.Fatal(err)
		}
		r, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
		if err != nil {
			t.Fatal(err)
		}
		if r.Error != "" || !strings.Contains(blocksText(r.Blocks), c.want) {
			t.Errorf("/coach %.20s…: answer refused (%q) or without %q: %.300s", c.text, r.Error, c.want, blocksText(r.Blocks))
		}
	}
	noProblems(t, b.fake)
}

// A refusal quotes what the person typed as Slack showed it to them, not
// the markup and escapes Slack sends in its place.
func TestAwayQuotesBackWhatThePersonSees(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	for _, tt := range []struct{ text, want string }{
		{"away <#C0SALES|sales>", `#sales is a channel, not a person`},
		{"away <@" + rep + "|sam> <@" + rep2 + "|ria>", `"@ria" is not a date`},
		{"away <!here>", `"@here" is not a date`},
		{"away soon &amp; later", `"soon &amp; later" is not a date`}, // "soon & later" in mrkdwn
		{"away &lt;soon&gt;", `"&lt;soon&gt;" is not a date`},         // "<soon>"
	} {
		got := b.command(mgr, tt.text)
		if !strings.Contains(got, tt.want) {
			t.Errorf("/coach %s: %s\nwant %s", tt.text, got, tt.want)
		}
		if strings.Contains(got, "&amp;amp;") || strings.Contains(got, "&amp;lt;") || strings.Contains(got, "|") {
			t.Errorf("/coach %s quotes Slack's markup: %s", tt.text, got)
		}
	}
}

// /coach export quotes a word it cannot read as the person saw it, as
// /coach away does: "#sales", not "<#C0SALES|sales>", and no Go escapes.
func TestExportQuotesBackWhatThePersonSees(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	for _, tt := range []struct{ text, want string }{
		{"export <#C0SALES|sales>", `"#sales" is not an option`},
		{"export --from <@" + rep + "|sam>", `"@sam" is not a date`},
		{"export --to <!here>", `"@here" is not a date`},
		{"export --from soon&amp;later", `"soon&amp;later" is not a date`}, // "soon&later" in mrkdwn
		{"export &lt;soon&gt;", `"&lt;soon&gt;" is not an option`},         // "<soon>"
		{`export --from "soon"`, `""soon"" is not a date`},                 // no \" from Go's quoting
	} {
		got := b.command(other, tt.text)
		if !strings.Contains(got, tt.want) {
			t.Errorf("/coach %s: %s\nwant %s", tt.text, got, tt.want)
		}
		if strings.Contains(got, "&amp;amp;") || strings.Contains(got, "&amp;lt;") || strings.Contains(got, "|") || strings.Contains(got, `\`) {
			t.Errorf("/coach %s quotes Slack's markup or Go's escapes: %s", tt.text, got)
		}
	}
}

// A rep's name typed as text, as on a phone ("@sam", not picked from
// Slack's @ list), arrives as text: /coach away said `"@sam 2w" is not a
// date` to a manager who gave a date, and "fri @sam" marked the manager
// away. It says the name was typed and how to pick it, and marks nobody
// away. A rep picked after the date ("fri @sam", as people say it) is the
// one marked away: the date alone was read, and the manager marked away
// in their place; and a comma after the rep ("@sam, 2w") is no part of
// the date.
func TestAwayReadsTheRepWhereAManagerOnAPhoneNamesThem(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	for _, text := range []string{"away @sam 2w", "away @Sam", "away fri @sam.", "away @sam, fri"} {
		got := b.command(mgr, text)
		if want := "was typed, not picked from Slack's @ list"; !strings.Contains(got, want) || strings.Contains(got, "not a date") {
			t.Errorf("/coach %s: %s\nwant %q, not \"not a date\"", text, got, want)
		}
		if !strings.Contains(got, `"@sam"`) && !strings.Contains(got, `"@Sam"`) {
			t.Errorf("/coach %s does not quote the name typed: %s", text, got)
		}
	}
	if got := b.command(mgr, "team"); strings.Contains(got, "away") {
		t.Errorf("a typed name marked someone away: %s", got)
	}
	for _, tt := range []struct{ text, want string }{
		{"away fri <@" + rep + "|sam>", "<@" + rep + "> is away through Fri 20 Nov 2026"},
		{"away <@" + rep2 + "|ria>, 2w", "<@" + rep2 + "> is away through Wed 2 Dec 2026"},
		{"away fri <@" + rep + "|sam> 2w", `"fri @sam 2w" is not a date`},
	} {
		if got := b.command(mgr, tt.text); !strings.Contains(got, tt.want) {
			t.Errorf("/coach %s: %s\nwant %s", tt.text, got, tt.want)
		}
	}
	if got := b.command(mgr, "team"); !strings.Contains(got, "(2 away)") {
		t.Errorf("/coach team after marking Sam and Ria away: %s", got)
	}
	if p, _ := b.storedPerson(mgr); !p.AwayUntil.IsZero() {
		t.Errorf("the manager was marked away through %s", p.AwayUntil)
	}
}

// /coach away reads every word it is given: it read the first alone, so
// "fri afternoon" marked the manager away all Friday and "2026-12-24
// blah" through the 24th. A part of a day is refused saying away is by
// whole days, other words as not a date, and nothing is stored; "please"
// changes nothing. "last friday" is that day, refused as in the past, not
// as no date; "back monday" is away through Sunday, and the answer shows
// both days.
func TestAwayReadsEveryWord(t *testing.T) {
	t.Parallel()
	b := startBot(t) // Wednesday 18 November 2026 for Max, in New York
	b.importRoster(t)
	for _, tt := range []struct{ text, want string }{
		{"away fri afternoon", `"fri afternoon": away is by whole days, from today through the day you name: "fri" is through Fri 20 Nov 2026`},
		{"away eod fri", `"eod fri": away is by whole days`},
		{"away 2026-12-24 blah", `"2026-12-24 blah" is not a date: try 2026-11-25, a weekday, "2w", or "off"`},
		{"away fri 21 nov", `"fri 21 nov": the date is Sat 21 Nov 2026, not a Friday; say which day you mean`},
		{"away last friday", "Fri 13 Nov 2026 is in the past."},
		{"away back today", `"back today" is Wed 18 Nov 2026: away runs through the day before it, already past; "off" clears an away`},
		{"away <@" + rep + "|sam> last fri", "Fri 13 Nov 2026 is in the past."},
		{"away dec 24 2025", "Wed 24 Dec 2025 is in the past."}, // the year said, not the next 24 December
		{"away fri 21", `"fri 21": the next 21st is Sat 21 Nov 2026, not a Friday; say which day you mean`},
	} {
		got := b.command(mgr, tt.text)
		if !strings.Contains(got, tt.want) || strings.Contains(got, "away through") {
			t.Errorf("/coach %s: %s\nwant %s", tt.text, got, tt.want)
		}
	}
	for _, id := range []string{mgr, rep} {
		if p, _ := b.storedPerson(id); !p.AwayUntil.IsZero() {
			t.Fatalf("%s was marked away through %s by a line refused", id, p.AwayUntil)
		}
	}
	for _, tt := range []struct{ text, want string }{
		{"away fri please", "You are away through Fri 20 Nov 2026. No nudges until then."},
		{"away fri 20 nov", "You are away through Fri 20 Nov 2026."},
		{"away back monday", "You are away through Sun 22 Nov 2026 (back Mon 23 Nov 2026). No nudges until then."},
		{"away <@" + rep + "|sam> back on mon", "<@" + rep + "> is away through Sun 22 Nov 2026 (back Mon 23 Nov 2026)."},
		{"away back tomorrow", "You are away through Wed 18 Nov 2026 (back Thu 19 Nov 2026)."},
		{"away december 24, 2026", "You are away through Thu 24 Dec 2026."},
		{"away dec 24 2027", "You are away through Fri 24 Dec 2027."}, // as 2027-12-24 is
		{"away fri 20", "You are away through Fri 20 Nov 2026."},
		{"away until the 24th", "You are away through Tue 24 Nov 2026."},
		{"away until the end of the month", "You are away through Mon 30 Nov 2026."},
		{"away next week", "You are away through Sun 29 Nov 2026."}, // next week's Sunday, shown
		{"away back", "You are back: away cleared."},
	} {
		if got := b.command(mgr, tt.text); !strings.Contains(got, tt.want) {
			t.Errorf("/coach %s: %s\nwant %s", tt.text, got, tt.want)
		}
	}
	if p, _ := b.storedPerson(rep); p.AwayUntil.String() != "2026-11-22" {
		t.Errorf("/coach away @sam back on mon stored %s, want 2026-11-22", p.AwayUntil)
	}
}
