package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// A manager's own surfaces (/coach team, /coach stats, the App Home's team
// part) read "today" and "overdue" on the manager's local date, as the
// nudge rule and quick capture do, while the organisation runs on UTC. A
// leader's organisation stays on the organisation's week, the one the
// digest and /coach report read; her own team, beside it, is on her date.
//
// Kiritimati (UTC+14) is a day ahead: at 15:00 UTC on Wednesday 25
// November it is Thursday 26th there, and a 1:1 logged then is dated the
// 26th; Sam, never coached before and 23 days in the team, was coached
// today. St John's (UTC−3:30) is a day behind after 20:30 local: at 00:30
// UTC on Thursday 26th it is Wednesday 25th, 21:00 there, and Sam's 1:1 of
// Wednesday 11th is 14 days old, within the 14-day cadence, not 15 days
// and overdue. Vera, the leader, lives in the same zone and coaches Ria as
// Max coaches Sam.
func TestAManagersOwnSurfacesUseTheirLocalToday(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, tz  string
		now       time.Time
		capture   string // what Max logs with Sam and Vera with Ria, after the mention
		loggedOn  string
		team      []string // what /coach team says
		ownWeek   string   // the days Max's stats and Home cover
		stats     []string
		leaderDay string // the last day of Vera's organisation this week
		veraOwn   string // her own team's sessions this week, by her date
	}{
		{
			name: "Kiritimati, a day ahead of UTC", tz: "Pacific/Kiritimati",
			now:     time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC),
			capture: "1:1 30m", loggedOn: "2026-11-26",
			team:    []string{"Your team: 1 rep, 0 overdue", "As of Thu 26 Nov 2026", "<@" + rep + "> · top · last coached today"},
			ownWeek: "Mon 23 Nov 2026 to Thu 26 Nov 2026",
			stats:   []string{"*Sessions*\n1", "*Minutes*\n30", "1 of 1 rep within 14 days (100%)", "*Overdue*\n0 reps"},
			// The organisation's Wednesday: Max's Thursday session is not in it yet.
			leaderDay: "Wed 25 Nov 2026", veraOwn: "1 session, 30 min",
		},
		{
			name: "St John's, a day behind UTC after 20:30", tz: "America/St_Johns",
			now:     time.Date(2026, 11, 26, 0, 30, 0, 0, time.UTC),
			capture: "1:1 30m 2026-11-11", loggedOn: "2026-11-11",
			team: []string{"Your team: 1 rep, 0 overdue", "As of Wed 25 Nov 2026",
				"<@" + rep + "> · top · last coached Wed 11 Nov 2026, 14 days ago"},
			ownWeek:   "Mon 23 Nov 2026 to Wed 25 Nov 2026",
			stats:     []string{"*Sessions*\n0", "1 of 1 rep within 14 days (100%)", "*Overdue*\n0 reps"},
			leaderDay: "Thu 26 Nov 2026", veraOwn: "0 sessions, 0 min",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := startBotAt(t, clockFrom(tt.now), "COACHLOG_TIMEZONE", "UTC")
			b.fake.AddUser(fakeslack.User{ID: vera, Name: "vera", RealName: "Vera Leader"})
			b.importLocalRoster(t, tt.tz)
			for _, c := range []struct{ manager, rep string }{{mgr, rep}, {vera, rep2}} {
				if got := b.command(c.manager, "<@"+c.rep+"> "+tt.capture); !strings.Contains(got, "Logged") {
					t.Fatalf("quick capture: %s", got)
				}
			}
			for _, row := range b.export() {
				if row.OccurredOn != tt.loggedOn {
					t.Errorf("logged %+v, want the session on %s", row, tt.loggedOn)
				}
			}

			team := b.command(mgr, "team")
			mustContain(t, "Max's /coach team", team, tt.team...)
			if strings.Contains(team, "overdue*") {
				t.Errorf("Max's /coach team has Sam overdue:\n%s", team)
			}
			mustContain(t, "Max's /coach stats", b.command(mgr, "stats"), append([]string{"Your coaching this week", tt.ownWeek}, tt.stats...)...)

			if _, err := b.fake.AppHomeOpened(ctxT(t), mgr, "home"); err != nil {
				t.Fatal(err)
			}
			want := "*Your team this week* (" + tt.ownWeek + ")"
			var home string
			eventually(t, "Max's Home tab on his week", func() bool {
				_, blocks := homeBlocks(t, b, mgr)
				home = blocksText(blocks)
				return strings.Contains(home, want)
			})
			mustContain(t, "Max's Home tab", home, "within your 14-day cadence · 0 overdue")

			// Vera's organisation is on the organisation's week, whatever
			// her own zone; her own team on her own today.
			org := "Mon 23 Nov 2026 to " + tt.leaderDay
			mustContain(t, "Vera's /coach stats", b.command(vera, "stats"), "Your organisation this week", org,
				"*Your own team:* <@"+vera+">: "+tt.veraOwn+" · 1/1 reps within 14 d · 0 overdue")
			if _, err := b.fake.AppHomeOpened(ctxT(t), vera, "home"); err != nil {
				t.Fatal(err)
			}
			eventually(t, "Vera's Home tab on both weeks", func() bool {
				_, blocks := homeBlocks(t, b, vera)
				home = blocksText(blocks)
				return strings.Contains(home, "*Your organisation this week* ("+org+")")
			})
			mustContain(t, "Vera's Home tab", home, "*Your team this week* ("+tt.ownWeek+")", "within your 14-day cadence · 0 overdue")
		})
	}
}

// importLocalRoster imports, as of Monday 2 November 2026, a roster where
// Vera leads Max, whose one rep is Sam (top), and manages Ria (bottom),
// with Max and Vera in zone tz.
func (b *bot) importLocalRoster(t *testing.T, tz string) {
	t.Helper()
	roster := filepath.Join(t.TempDir(), "team.csv")
	os.WriteFile(roster, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
		vera+",,Vera,leader+manager,,,"+tz+"\n"+mgr+",,Max,manager,"+vera+",,"+tz+"\n"+
		rep+",,Sam,rep,"+mgr+",top,\n"+rep2+",,Ria,rep,"+vera+",bottom,\n"), 0o600)
	imported := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	if out, err := cliAt(t, imported, b.env, "roster", "import", roster); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
}

// A never-coached rep's clock starts on the manager's own day of the first
// import, as their nudge reads it, on every surface of theirs; the
// organisation runs on UTC. Sam, never coached, is due on the 15th day
// after the import on Max's calendar (after more than the cadence), whether the roster has him on the
// team since September (the import starts his clock) or since the import
// itself (no `since`).
//
// In Tonga (UTC+13), an import at 20:00 UTC on Tuesday 17 November is
// 09:00 on Wednesday 18th there: on Max's Wednesday 2 December (14 days)
// neither the nudge, /coach team, /coach stats nor the App Home calls Sam
// overdue (they did, from the UTC date); on Thursday 3rd the nudge does.
// In Los Angeles (UTC−8), an import at 03:00 UTC on Wednesday 18th is
// 19:00 on Tuesday 17th there: on Max's Wednesday 2 December every surface
// calls Sam overdue for 15 days (they did a day late, from the UTC date);
// on Tuesday 1 December the nudge does not.
func TestANewRepIsDueOnTheManagersDayOfTheImport(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, tz, since string
		imported        time.Time
		at              time.Time // 10:00 at Max's, the surfaces and the nudge
		overdue         bool      // Sam, at at: 15 days, or not yet
		other           time.Time // the day after or before, the nudge alone
		says            string    // what the nudge says of Sam
		words           string    // what /coach team and the Home say of him, as the nudge does
	}{
		{name: "Tonga, on the team since September", tz: "Pacific/Tongatapu", since: "2026-09-01",
			imported: time.Date(2026, 11, 17, 20, 0, 0, 0, time.UTC),
			at:       time.Date(2026, 12, 1, 21, 0, 0, 0, time.UTC), other: time.Date(2026, 12, 2, 21, 0, 0, 0, time.UTC),
			says: "Sam (no session logged yet, 15 days since Coachlog started counting)"}, // in the team since long before
		{name: "Tonga, on the team since September, the day after", tz: "Pacific/Tongatapu", since: "2026-09-01",
			imported: time.Date(2026, 11, 17, 20, 0, 0, 0, time.UTC),
			at:       time.Date(2026, 12, 2, 21, 0, 0, 0, time.UTC), overdue: true, other: time.Date(2026, 12, 1, 21, 0, 0, 0, time.UTC),
			says:  "Sam (no session logged yet, 15 days since Coachlog started counting)",
			words: "no session logged yet, 15 days since Coachlog started counting"}, // not "15 days in your team": since September
		{name: "Los Angeles, since the import", tz: "America/Los_Angeles",
			imported: time.Date(2026, 11, 18, 3, 0, 0, 0, time.UTC),
			at:       time.Date(2026, 12, 2, 18, 0, 0, 0, time.UTC), overdue: true, other: time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC),
			says: "Sam (not coached yet, 15 days in the team)", words: "not coached yet, 15 days in your team"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := startBotAt(t, clockFrom(tt.at), "COACHLOG_TIMEZONE", "UTC")
			roster := filepath.Join(t.TempDir(), "team.csv")
			os.WriteFile(roster, []byte("slack_id,email,name,role,manager,tier,timezone,since\n"+
				mgr+",,Max,manager,,,"+tt.tz+",\n"+rep+",,Sam,rep,"+mgr+",top,,"+tt.since+"\n"), 0o600)
			if out, err := cliAt(t, tt.imported, b.env, "roster", "import", roster); err != nil {
				t.Fatalf("roster import: %v\n%s", err, out)
			}
			loc, err := time.LoadLocation(tt.tz)
			if err != nil {
				t.Fatal(err)
			}
			for when, due := range map[time.Time]bool{tt.at: tt.overdue, tt.other: !tt.overdue} {
				out, err := cliAt(t, when, b.env, "nudge", "--dry-run")
				if err != nil || strings.Contains(out, "Sam") != due || due && !strings.Contains(out, tt.says) {
					t.Errorf("nudge at %s there, want Sam due %v: %v\n%s", when.In(loc).Format("Mon 2 Jan 15:04"), due, err, out)
				}
			}
			n, mark := "0", "<@"+rep+"> · top · no session logged yet" // since September: maybe coached before Coachlog counted
			if tt.overdue {
				n, mark = "1", "<@"+rep+"> · top · :red_circle: *overdue*: "+tt.words
			}
			day := tt.at.In(loc).Format("Mon 2 Jan 2006")
			mustContain(t, "Max's /coach team", b.command(mgr, "team"), "Your team: 1 rep, "+n+" overdue", "As of "+day, mark)
			mustContain(t, "Max's /coach stats", b.command(mgr, "stats"), "Your coaching this week", "*Overdue*\n"+n+" rep")
			if _, err := b.fake.AppHomeOpened(ctxT(t), mgr, "home"); err != nil {
				t.Fatal(err)
			}
			var home string
			eventually(t, "Max's Home tab with his team", func() bool {
				_, blocks := homeBlocks(t, b, mgr)
				home = blocksText(blocks)
				return strings.Contains(home, "*Your team this week*")
			})
			mustContain(t, "Max's Home tab", home, "0 of 1 rep coached within your 14-day cadence · "+n+" overdue")
			if tt.overdue {
				mustContain(t, "Max's Home tab", home, ":red_circle: <@"+rep+">: "+tt.words)
			}
		})
	}
}
