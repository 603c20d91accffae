package slackbot

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
)

// receivedSessions are n sessions logged with UR00, newest first, all
// pending but the first (confirmed); the second is a team meeting with
// UR01 too. Versions vary, as edits leave them.
func receivedSessions(n int) []coaching.Session {
	var out []coaching.Session
	for i := range n {
		s := coaching.Session{ID: int64(100 + i), Version: 1 + i%3, ManagerID: "UM0", Kind: coaching.KindOneOnOne, DurationMin: 30,
			OccurredOn: week48.To.AddDays(-i), Reps: []coaching.SessionRep{{RepID: "UR00", Status: coaching.StatusPending}}}
		switch i {
		case 0:
			s.Reps[0].Status = coaching.StatusConfirmed
		case 1:
			s.Kind = coaching.KindTeamMeeting
			s.Reps = append(s.Reps, coaching.SessionRep{RepID: "UR01", Status: coaching.StatusConfirmed})
		}
		out = append(out, s)
	}
	return out
}

// What the top of the Home tab says after a rep answered from it reads
// the session as stored: a second Confirm from a tab left open says it
// is confirmed, as the first did.
func TestAnsweredNoticeSaysWhereTheAnswerStands(t *testing.T) {
	s := receivedSessions(1)[0]
	for _, tt := range []struct {
		status coaching.Status
		want   string
	}{
		{coaching.StatusConfirmed, ":white_check_mark: Confirmed: <@UM0> logged a *1:1* with you · "},
		{coaching.StatusDisputed, ":x: Marked not accurate: <@UM0> logged a *1:1* with you · "},
		{coaching.StatusPending, ""},
	} {
		s.Reps[0].Status = tt.status
		got := answeredNotice(s, "UR00")
		if tt.want == "" && got != "" || !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s: notice %q, want it to start %q", tt.status, got, tt.want)
		}
	}
}
