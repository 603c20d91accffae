package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// A rep who moved to another manager, or was left out of one roster
// import and put back by the next, has waited since their last session
// all the same: both were "never coached" from the import that moved them,
// overdue on no surface for up to a whole cadence (an admin's truncated
// CRM export, fixed the next day, hid every rep it missed).
func TestARepMovedOrPutBackStaysOverdueFromTheirLastSession(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC) // 09:30 at Max's, New York
	b := startBotAt(t, clockFrom(now), "COACHLOG_TIMEZONE", "UTC")
	head := "slack_id,email,name,role,manager,tier,timezone\n"
	importAt := func(at time.Time, rows string) {
		t.Helper()
		path := filepath.Join(t.TempDir(), "team.csv")
		if err := os.WriteFile(path, []byte(head+rows), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := cliAt(t, at, b.env, "roster", "import", path); err != nil {
			t.Fatalf("roster import: %v\n%s", err, out)
		}
	}
	managers := mgr + ",,Max,manager,,,America/New_York\n" + other + ",,Olly,manager,,,America/New_York\n"
	importAt(time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC), managers+rep+",,Sam,rep,"+mgr+",top,\n"+rep2+",,Ria,rep,"+mgr+",top,\n")
	svc, done := b.sideService()
	for _, r := range []string{rep, rep2} {
		d := coaching.Draft{RepIDs: []string{r}, Kind: coaching.KindOneOnOne, OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 3},
			DurationMin: 30, Visibility: coaching.VisibilityPrivate}
		if _, err := svc.LogSession(context.Background(), coaching.LogRequest{ManagerID: mgr, Draft: d, Key: "nov3" + r}); err != nil {
			t.Fatalf("log a session with %s: %v", r, err)
		}
	}
	done()
	// Sam moves to Olly; Ria is missing from one import, back the next day.
	importAt(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC), managers+rep+",,Sam,rep,"+other+",top,\n")
	importAt(time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC), managers+rep+",,Sam,rep,"+other+",top,\n"+rep2+",,Ria,rep,"+mgr+",top,\n")

	for _, tt := range []struct{ manager, rep string }{{other, rep}, {mgr, rep2}} {
		mustContain(t, "/coach team", b.command(tt.manager, "team"), "Your team: 1 rep, 1 overdue",
			"<@"+tt.rep+"> · top · last coached Tue 3 Nov 2026, 22 days ago · :red_circle: *overdue*: 22 days since their last session")
	}
	out, err := cliAt(t, now, b.env, "nudge", "--dry-run")
	if err != nil || !strings.Contains(out, "would nudge Olly ("+other+") for 2026-11-25: 1 rep is past your 14-day coaching cadence. Overdue: Sam (22 days since their last session).") ||
		!strings.Contains(out, "Overdue: Ria (22 days since their last session).") {
		t.Errorf("nudge --dry-run, want Olly nudged for Sam and Max for Ria: %v\n%s", err, out)
	}
	out, err = cliAt(t, now, b.env, "metrics", "--from", "2026-11-23", "--to", "2026-11-25")
	if err != nil || strings.Count(out, `"overdue": 1,`) != 2 {
		t.Errorf("metrics, want each manager's rep overdue: %v\n%s", err, out)
	}
}
