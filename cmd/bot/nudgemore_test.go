package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// A nudge listing ten of more overdue reps says where the rest are, and
// Snooze keeps the list under its "Snoozed" line (without the buttons),
// rather than leave the manager with no record of who was overdue.
func TestNudgePastTenSaysWhereTheRestAreAndSnoozeKeepsTheList(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	csv := "slack_id,email,name,role,manager,tier,timezone\n" + mgr + ",,Max,manager,,,America/New_York\n"
	for i := 1; i <= 13; i++ {
		id := fmt.Sprintf("U0N%02d", i)
		b.fake.AddUser(fakeslack.User{ID: id, Name: fmt.Sprintf("rep%d", i), RealName: fmt.Sprintf("Rep Number%d", i), TZ: "UTC"})
		csv += id + ",,Rep" + fmt.Sprint(i) + ",rep," + mgr + ",middle,\n"
	}
	p := filepath.Join(t.TempDir(), "team.csv")
	if err := os.WriteFile(p, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := cliAt(t, b.now().Add(-20*24*time.Hour), b.env, "roster", "import", p); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	var out syncBuffer
	if err := runEnv(ctx, []string{"nudge"}, env{getenv: b.getenv, stdout: &out, stderr: &out, now: b.now}); err != nil {
		t.Fatalf("nudge: %v\n%s", err, out.String())
	}
	nudge := b.dm(mgr, 1)
	text := blocksText(nudge.Blocks)
	mustContain(t, "the nudge", text, "…and 3 more: `/coach team` lists everyone")

	in, err := b.fake.ClickButtonWithValue(ctx, mgr, nudge.Channel, nudge.TS, "nudge_snooze_1", "1")
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
	if err != nil {
		t.Fatal(err)
	}
	got := blocksText(r.Blocks)
	if !r.ReplaceOriginal || !strings.HasPrefix(strings.TrimSpace(got), ":zzz: Snoozed") {
		t.Fatalf("the snooze answer (replace %v) does not start with the Snoozed line:\n%s", r.ReplaceOriginal, got)
	}
	listed := 0
	for i := 1; i <= 13; i++ {
		if strings.Contains(text, fmt.Sprintf("<@U0N%02d>", i)) {
			listed++
			mustContain(t, "the snoozed nudge", got, fmt.Sprintf("<@U0N%02d>: not coached yet", i))
		}
	}
	if listed != 10 {
		t.Errorf("the nudge listed %d reps, want 10", listed)
	}
	mustContain(t, "the snoozed nudge", got, "…and 3 more: `/coach team` lists everyone")
	if ids := actionIDs(r.Blocks); len(ids) != 0 {
		t.Errorf("the snoozed nudge keeps buttons %v", ids)
	}
	noProblems(t, b.fake)
}
