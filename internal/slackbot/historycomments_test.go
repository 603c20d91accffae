package slackbot

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/textcut"
)

// The comment form tells a rep the one who logged it can read it, but
// only /coach prep showed it: the manager's history said "confirmed". The
// manager who logged a session now reads its reps' comments under it in
// their history, cut to 150 characters, as typed (no markup, no mention),
// and never a rating beside them; a comment left before an edit asked the
// rep again waits for their new answer, a rep taken off shows none, and
// the sessions below a leader show none.
func TestTheManagersHistoryShowsTheRepsCommentsUnderTheirSession(t *testing.T) {
	long := "*Great* call <@U0OTHER> & thanks " + strings.Repeat("x", 200)
	one := func(id int64, r coaching.SessionRep) coaching.Session {
		return coaching.Session{ID: id, ManagerID: "UM", Kind: coaching.KindOneOnOne, DurationMin: 30, OccurredOn: meetingDay,
			Version: 1, Reps: []coaching.SessionRep{r}}
	}
	confirmed := one(1, coaching.SessionRep{RepID: "US", Status: coaching.StatusConfirmed, Rating: 2, Comment: long})
	askedAgain := one(2, coaching.SessionRep{RepID: "US", Status: coaching.StatusPending, Comment: "STALE before the edit"})
	removed := one(3, coaching.SessionRep{RepID: "US", Status: coaching.StatusConfirmed, Removed: true, Comment: "REMOVED rep"})
	group := coaching.Session{ID: 4, ManagerID: "UM", Kind: coaching.KindTeamMeeting, DurationMin: 60, OccurredOn: meetingDay, Version: 1}
	for _, id := range []string{"UA", "UB", "US", "UC", "UD"} {
		group.Reps = append(group.Reps, coaching.SessionRep{RepID: id, Status: coaching.StatusConfirmed, Rating: 5, Comment: "said " + id})
	}
	below := one(5, coaching.SessionRep{RepID: "US", Status: coaching.StatusConfirmed, Comment: "BELOW to another manager"})
	below.ManagerID, below.Visibility = "UM2", coaching.VisibilityShared
	disputed := one(6, coaching.SessionRep{RepID: "UX", Status: coaching.StatusDisputed, DisputeReason: "It was *30* min, not <@U0OTHER>'s 60"})
	mixed := coaching.Session{ID: 7, ManagerID: "UM", Kind: coaching.KindTeamMeeting, DurationMin: 45, OccurredOn: meetingDay, Version: 1}
	for _, id := range []string{"UE", "UF", "UG"} {
		mixed.Reps = append(mixed.Reps, coaching.SessionRep{RepID: id, Status: coaching.StatusConfirmed, Comment: "liked " + id})
	}
	mixed.Reps = append(mixed.Reps, coaching.SessionRep{RepID: "UH", Status: coaching.StatusDisputed, DisputeReason: "wrong day"},
		coaching.SessionRep{RepID: "UI", Status: coaching.StatusPending, DisputeReason: "OLD reason before the edit"})
	own := []coaching.Session{confirmed, askedAgain, removed, group, disputed, mixed}

	shown := ":speech_balloon: <@US>: “" + escName(textcut.CutTrimmed(long, commentRunes)) + "”"
	for _, tt := range []struct {
		name      string
		h         historyView
		want, not []string
	}{
		{"all of a manager's", historyView{own: own},
			[]string{shown, "&lt;@U0OTHER&gt; &amp;", "“said UA”", "“said UB”", "“said US”", "…and 2 more comments: `/coach history @rep`",
				// A rep's reason for "not accurate" is written to the
				// manager, as a comment is, and shown as typed.
				":x: <@UX>, not accurate: “It was ∗30∗ min, not &lt;@U0OTHER&gt;'s 60”",
				"“liked UE”", "“liked UG”", "…and 1 more comment or reason: `/coach history @rep`"},
			[]string{"<@U0OTHER>", "*Great*", "said UC", "STALE", "REMOVED", "wrong day", "OLD reason"}},
		{"a disputing rep's", historyView{repID: "UH", own: own},
			[]string{":x: <@UH>, not accurate: “wrong day”"},
			[]string{"liked", "more comment"}},
		{"with one rep", historyView{repID: "US", own: own},
			[]string{shown, ":speech_balloon: <@US>: “said US”"},
			[]string{"said UA", "said UB", "more comment", "STALE", "REMOVED"}},
		{"a leader's, with sessions below", historyView{repID: "US", own: own[:1], leader: true, below: []coaching.Session{below}},
			[]string{shown, "by managers below you"},
			[]string{"BELOW"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := historyMessage(tt.h)
			checkLimits(t, m)
			text := blocksText(m.Blocks) + m.Text
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("the history lacks %q:\n%s", w, text)
				}
			}
			for _, n := range append(tt.not, "2/5", "5/5", "rated", "Rated", "rating:", "Rating") {
				if strings.Contains(text, n) {
					t.Errorf("the history shows %q:\n%s", n, text)
				}
			}
		})
	}
}

// Ten 50-rep team meetings, every rep having confirmed with the longest
// comment, still make one message Slack takes, whoever asks and however:
// the comments take their own room beside the ten sessions' lines (none
// of which is left out for them), and those past it are counted, with
// where they are read.
func TestAHistoryFullOfCommentsFitsOneMessage(t *testing.T) {
	mgr, rep := slackID(900000), slackID(123)
	var own, below []coaching.Session
	for i := range historyLimit {
		s := bigMeeting(int64(i+1), mgr, rep, coaching.MaxReps)
		for j := range s.Reps {
			s.Reps[j].Status, s.Reps[j].Comment = coaching.StatusConfirmed, strings.Repeat("&", coaching.MaxReasonLen)
		}
		own = append(own, s)
		below = append(below, bigMeeting(int64(100+i), slackID(800000+i), rep, coaching.MaxReps))
	}
	var open coaching.OpenList
	for i := range coaching.MaxOpenCommitments {
		open.Own = append(open.Own, coaching.Commitment{ID: int64(5000 + i), RepID: rep, Text: strings.Repeat("c", coaching.MaxCommitmentLen), CreatedOn: meetingDay})
		open.Below = append(open.Below, coaching.Commitment{ID: int64(7000 + i), RepID: rep, Text: strings.Repeat("b", coaching.MaxCommitmentLen), CreatedOn: meetingDay})
	}
	open.More = 40
	manager := historyView{repID: rep, own: own, more: true, open: coaching.OpenList{Own: open.Own, More: open.More},
		notice: "Marked kept: " + strings.Repeat("x", 150), undo: "kept:5000:" + rep, top: strings.Repeat("t", 200)}
	everyone := manager
	everyone.repID = ""
	leader := manager
	leader.leader, leader.below, leader.open = true, below, open
	for name, h := range map[string]historyView{"with one rep": manager, "of all reps": everyone, "a leader's who logs too": leader} {
		t.Run(name, func(t *testing.T) {
			m := historyMessage(h)
			checkLimits(t, m)
			if n := blockText(m.Blocks...); n > messageText {
				t.Errorf("%d characters of block text, over the %d a history keeps to", n, messageText)
			}
			text := blocksText(m.Blocks)
			if strings.Contains(text, "of your latest") {
				t.Errorf("a session of the ten was left out for the comments:\n%s", text)
			}
			if !strings.Contains(text, ":speech_balloon: "+mention(rep)+": “&amp;") {
				t.Errorf("the rep's comment is not shown:\n%s", text)
			}
			if h.repID == "" && !strings.Contains(text, "comments on these sessions not shown here") {
				t.Errorf("the comments with no room are not counted:\n%s", text)
			}
		})
	}
}
