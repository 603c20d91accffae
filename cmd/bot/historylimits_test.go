package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// A manager whose ten latest sessions are team meetings of 50 reps (with
// Slack-length ids), each with commitments, lists /coach history @rep: it
// went out over 12,000 characters of block text, every line naming all 50
// reps, which Slack refuses with msg_blocks_too_long (and did again after
// each Kept). The list comes, whole, and comes back in place after Kept.
func TestHistoryOfTenFiftyRepTeamMeetingsFitsAndComesBackAfterKept(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	var reps []string
	csv := "slack_id,email,name,role,manager,tier,timezone\n" + mgr + ",max@acme.test,Max,manager,,,America/New_York\n"
	for i := range coaching.MaxReps {
		id := fmt.Sprintf("U%010d", i)
		reps = append(reps, id)
		b.fake.AddUser(fakeslack.User{ID: id, Name: fmt.Sprintf("r%d", i), RealName: fmt.Sprintf("Rep %d", i), TZ: "UTC"})
		csv += id + ",,Rep " + fmt.Sprint(i) + ",rep," + mgr + ",middle,\n"
	}
	path := filepath.Join(t.TempDir(), "team.csv")
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := b.cli("roster", "import", path); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	ctx := context.Background()
	svc, done := b.sideService()
	defer done()
	for i := range 10 {
		var cs []string
		for k := range 2 {
			cs = append(cs, fmt.Sprintf("Meeting %d, commitment %d: ", i, k)+strings.Repeat("c", coaching.MaxCommitmentLen-30))
		}
		d := coaching.Draft{RepIDs: reps, Kind: coaching.KindTeamMeeting, OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 5 + i},
			DurationMin: 60, Notes: strings.Repeat("n", coaching.MaxNotesLen), Visibility: coaching.VisibilityShared, Commitments: cs}
		if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: mgr, Draft: d, Key: fmt.Sprintf("big%d", i)}); err != nil {
			t.Fatalf("log meeting %d: %v", i, err)
		}
	}

	hist := b.history("<@" + reps[7] + "|r7>")
	text := blocksText(hist.Blocks)
	if hist.Status != 200 {
		t.Fatalf("the history was answered %d, want 200 (problems: %v)", hist.Status, b.fake.Problems())
	}
	if n := strings.Count(text, "*Team meeting* with <@"+reps[7]+">, "); n != 10 {
		t.Errorf("%d of the ten meetings listed naming the rep asked about first:\n%s", n, text)
	}
	if !strings.Contains(text, " and 47 others") {
		t.Errorf("a meeting's line does not count the reps it leaves unnamed:\n%s", text)
	}
	kept := closeOption(hist.Blocks, "Meeting 0, commitment 0", "Kept")
	if kept == "" {
		t.Fatalf("history offers no Kept beside the oldest commitment:\n%s", text)
	}

	in := b.must(b.fake.ClickResponseButton(ctxT(t), mgr, hist.URL, "commitment_close", fakeslack.PickOption(kept)))
	r := b.response(in.ResponseURL)
	if r.Status != 200 || !r.ReplaceOriginal || r.MessageTS != hist.MessageTS {
		t.Fatalf("the history after Kept: status %d, replace %v, message %s (history %s); want it back in place (problems: %v)",
			r.Status, r.ReplaceOriginal, r.MessageTS, hist.MessageTS, b.fake.Problems())
	}
	if got := blocksText(r.Blocks); !strings.Contains(got, "Marked *kept*: Meeting 0, commitment 0") || listed(got) != 10 {
		t.Errorf("the history after Kept should say what was marked and list the ten meetings:\n%s", got)
	}
}

// listed counts the meeting lines of a history's text, not the Undo
// buttons' confirmation dialogs, which name each meeting too.
func listed(text string) int {
	return strings.Count(text, "*Team meeting* with ") - strings.Count(text, "Undo the *Team meeting* with ")
}

// sideService opens the bot's database beside it, as another process
// would, to write what no click could make quickly; done closes it.
func (b *bot) sideService() (svc *coaching.Service, done func()) {
	b.t.Helper()
	st, err := sqlite.Open(context.Background(), b.db, sqlite.Options{Now: b.now})
	if err != nil {
		b.t.Fatal(err)
	}
	return coaching.NewService(coaching.Config{Store: st, Now: b.now}), func() { st.Close() }
}
