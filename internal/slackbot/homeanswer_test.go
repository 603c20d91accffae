package slackbot

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/slack-go/slack"

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

// A rep's Home offers, for each session waiting for them (the ten
// newest), the DM's Confirm and Not accurate: the same action ids and
// values, so the same handlers answer, in an actions block of its own
// whose block_id names the session (action ids repeat across blocks, and
// Slack asks them unique within a block). Past ten, a count.
func TestARepsHomeOffersTheDMsButtonsForEachWaitingSession(t *testing.T) {
	received := rated(receivedSessions(13)) // the confirmed one rated: no rating buttons
	h := home{person: coaching.Person{ID: "UR00", Roles: []string{coaching.PersonRep}, Active: true, InRoster: true}, received: received}
	blocks := h.blocks()
	checkView(t, slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}})
	var want []string
	for _, s := range received[1:11] {
		v := repValue(s, "UR00")
		want = append(want, fmt.Sprintf("home_r%d %s=%s %s=%s", s.ID, actConfirm, v, actDispute, v))
	}
	if rows := actionRows(t, blocks); !slices.Equal(rows, want) {
		t.Errorf("actions blocks:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	text := blocksText(blocks)
	for _, phrase := range []string{
		"*Coaching you received*: 13 sessions, 12 waiting for your answer. Confirm each here or in your DM.",
		"<@UM0> logged a *Team meeting* with you and <@UR01> · ",
		"…and 2 more waiting",
	} {
		if !strings.Contains(text, phrase) {
			t.Errorf("the rep's part lacks %q:\n%s", phrase, text)
		}
	}
}

// actionRows are blocks' actions blocks, one line each: the block_id, then
// each element's action_id=value.
func actionRows(t *testing.T, blocks []slack.Block) []string {
	t.Helper()
	raw, _ := json.Marshal(blocks)
	var got []struct {
		Type     string `json:"type"`
		BlockID  string `json:"block_id"`
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, b := range got {
		if b.Type != "actions" {
			continue
		}
		row := b.BlockID
		for _, e := range b.Elements {
			row += " " + e.ActionID + "=" + e.Value
		}
		rows = append(rows, row)
	}
	return rows
}

// A rep's Home offers, for each session they confirmed and have not
// rated (the five newest, then a count), the rating buttons of its DM:
// the same action ids and values as the DM shows for it, so the DM's
// handler rates it, in an actions block of its own whose block_id names
// the session. A session rated, waiting, disputed or someone else's
// answer gets none.
func TestARepsHomeOffersTheDMsRatingForEachConfirmedSessionNotRated(t *testing.T) {
	var received []coaching.Session
	for i := range 10 {
		s := coaching.Session{ID: int64(200 + i), Version: 1 + i%2, ManagerID: "UM0", Kind: coaching.KindOneOnOne, DurationMin: 30,
			OccurredOn: week48.To.AddDays(-i), Reps: []coaching.SessionRep{{RepID: "UR00", Status: coaching.StatusConfirmed}}}
		switch i {
		case 1: // rated in the DM
			s.Reps[0].Rating = 3
		case 2:
			s.Reps[0].Status = coaching.StatusPending
		case 3:
			s.Reps[0].Status, s.Reps[0].DisputeReason = coaching.StatusDisputed, "wrong day"
		case 4: // a team meeting whose other rep confirmed and did not rate
			s.Kind = coaching.KindTeamMeeting
			s.Reps = []coaching.SessionRep{{RepID: "UR01", Status: coaching.StatusConfirmed}, {RepID: "UR00", Status: coaching.StatusPending}}
		}
		received = append(received, s)
	}
	h := home{person: coaching.Person{ID: "UR00", Roles: []string{coaching.PersonRep}, Active: true, InRoster: true}, received: received}
	blocks := h.blocks()
	checkView(t, slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}})

	var want []string
	for _, s := range received {
		if r, _ := s.Rep("UR00"); r.Status == coaching.StatusPending {
			v := repValue(s, "UR00")
			want = append(want, fmt.Sprintf("home_r%d %s=%s %s=%s", s.ID, actConfirm, v, actDispute, v))
		}
	}
	for _, i := range []int{0, 5, 6, 7, 8} { // the five newest confirmed without a rating; 9 is counted
		s := received[i]
		row := fmt.Sprintf("home_q%d", s.ID)
		// The DM's own rating buttons for the session, as the rep has it.
		for _, dmRow := range actionRows(t, repDM(s, "UR00", nil, false).Blocks) {
			if rest, ok := strings.CutPrefix(dmRow, "rep_rate "); ok {
				row += " " + strings.Join(strings.Fields(rest)[:5], " ") // the comment button is the DM's alone
			}
		}
		want = append(want, row)
	}
	if rows := actionRows(t, blocks); !slices.Equal(rows, want) {
		t.Errorf("actions blocks:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	text := blocksText(blocks)
	for _, phrase := range []string{
		"*Coaching you received*: 10 sessions, 2 waiting for your answer.",
		"*How useful was it?* 6 sessions you confirmed, not rated yet: 1 = not at all, 5 = very.",
		"<@UM0> sees only the average of three or more ratings, never one alone.",
		"…and 1 more to rate, each in your DMs with Coachlog.",
	} {
		if !strings.Contains(text, phrase) {
			t.Errorf("the rep's part lacks %q:\n%s", phrase, text)
		}
	}
}

// What the top of the Home tab says after a rep answered or rated from
// it reads the session as stored: a second Confirm from a tab left open
// says it is confirmed, as the first did, and a rating says which.
func TestAnsweredNoticeSaysWhereTheAnswerStands(t *testing.T) {
	s := receivedSessions(1)[0]
	for _, tt := range []struct {
		status coaching.Status
		rating int
		listed bool
		want   string
	}{
		{coaching.StatusConfirmed, 0, true, ":white_check_mark: Confirmed: <@UM0> logged a *1:1* with you · "},
		{coaching.StatusConfirmed, 4, true, ":star: Rated 4/5: <@UM0> logged a *1:1* with you · "},
		{coaching.StatusDisputed, 0, true, ":x: Marked not accurate: <@UM0> logged a *1:1* with you · "},
		{coaching.StatusPending, 0, true, ""},
	} {
		s.Reps[0].Status, s.Reps[0].Rating = tt.status, tt.rating
		got := answeredNotice(s, "UR00", tt.listed)
		if tt.want == "" && got != "" || !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s: notice %q, want it to start %q", tt.status, got, tt.want)
		}
	}
	// "Here" only for a session the tab lists to rate: one past the five
	// it lists is rated in the DM.
	s.Reps[0].Status, s.Reps[0].Rating = coaching.StatusConfirmed, 0
	if got := answeredNotice(s, "UR00", true); !strings.Contains(got, "rate how useful it was here or in your DM") {
		t.Errorf("listed: notice %q", got)
	}
	if got := answeredNotice(s, "UR00", false); strings.Contains(got, "here") || !strings.Contains(got, "rate how useful it was in your DM") {
		t.Errorf("not listed: notice %q", got)
	}
}

// The rep's part counts the sessions the tab read, the latest 20: a rep
// with more is told the count covers their latest, not all, and where
// any older one still waiting is; one with 20 or fewer is told the count.
func TestARepsHomeSaysWhenItCountsOnlyTheLatest(t *testing.T) {
	for _, tt := range []struct {
		name     string
		received []coaching.Session
		more     bool
		want     string
		not      string
	}{
		{"none", nil, false, "none yet", "Older"},
		{"all answered and rated", rated(receivedSessions(1)), false, "1 session, all answered: nothing waits for you.", "Older"},
		{"all answered, one to rate", receivedSessions(1), false, "1 session, all answered.", "nothing waits"},
		{"some waiting", receivedSessions(3), false, "3 sessions, 2 waiting for your answer.", "Older"},
		{"one disputed", disputed(rated(answered(receivedSessions(2)))), false,
			"2 sessions, all answered: nothing waits for you. 1 session you marked not accurate: <@UM0> has been told why, and if they change it you will be asked again.", "Older"},
		// Told is whoever logged each, named when they are one: a
		// director's ride-along is not told to the rep's manager.
		{"two disputed, one logger", disputedAll(receivedSessions(3), "UM0", "UM0"), false,
			"2 sessions you marked not accurate: <@UM0> has been told why, and if they change one you will be asked again.", "manager"},
		{"two disputed, two loggers", disputedAll(receivedSessions(3), "UM0", "UD0"), false,
			"2 sessions you marked not accurate: whoever logged each has been told why, and if they change one you will be asked again.", "manager"},
		{"older ones", receivedSessions(homeReceived), true,
			"your 20 latest sessions, 19 of them waiting for your answer. Confirm each here or in your DM. Older ones are not counted here: any of them still waiting is in your DMs with Coachlog.", "20 sessions,"},
		{"older ones, the latest answered", rated(answered(receivedSessions(homeReceived))), true,
			"your 20 latest sessions, all answered: nothing waits for you. Older ones are not counted here", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := home{person: coaching.Person{ID: "UR00", Roles: []string{coaching.PersonRep}}, received: tt.received, receivedMore: tt.more}
			got := h.receivedHead(countStatus(tt.received, "UR00"))
			if !strings.Contains(got, tt.want) || tt.not != "" && strings.Contains(got, tt.not) {
				t.Errorf("head = %q, want %q and not %q", got, tt.want, tt.not)
			}
		})
	}
}

// answered is ss with every rep's answer in: confirmed.
func answered(ss []coaching.Session) []coaching.Session {
	for i := range ss {
		for j := range ss[i].Reps {
			ss[i].Reps[j].Status = coaching.StatusConfirmed
		}
	}
	return ss
}

// rated is ss with every confirmed rep's rating given: 4.
func rated(ss []coaching.Session) []coaching.Session {
	for i := range ss {
		for j := range ss[i].Reps {
			if ss[i].Reps[j].Status == coaching.StatusConfirmed {
				ss[i].Reps[j].Rating = 4
			}
		}
	}
	return ss
}

// countStatus counts the sessions in ss waiting for repID's answer and
// those they confirmed without a rating.
func countStatus(ss []coaching.Session, repID string) (pending, toRate int) {
	for _, s := range ss {
		switch r, _ := s.Rep(repID); {
		case r.Status == coaching.StatusPending:
			pending++
		case r.Status == coaching.StatusConfirmed && r.Rating == 0:
			toRate++
		}
	}
	return pending, toRate
}

// disputed marks the first session's rep (UR00) as having said it was not
// accurate.
func disputed(ss []coaching.Session) []coaching.Session {
	for i := range ss[0].Reps {
		if ss[0].Reps[i].RepID == "UR00" {
			ss[0].Reps[i].Status, ss[0].Reps[i].Rating = coaching.StatusDisputed, 0
		}
	}
	return ss
}

// disputedAll is ss with its first len(loggers) sessions marked not
// accurate by UR00, the i-th logged by loggers[i].
func disputedAll(ss []coaching.Session, loggers ...string) []coaching.Session {
	for i, id := range loggers {
		ss[i].ManagerID = id
		for j := range ss[i].Reps {
			if ss[i].Reps[j].RepID == "UR00" {
				ss[i].Reps[j].Status, ss[i].Reps[j].Rating = coaching.StatusDisputed, 0
			}
		}
	}
	return ss
}

// A rep's Home lists the sessions they answered, the newest five in one
// section, each with their own answer: confirmed and the rating they gave,
// confirmed and not rated when the list to rate above has no room for it,
// marked not accurate; then how many more, and where. Another rep's answer
// of a group session is never said, nor a session still waiting or one
// listed to rate above.
func TestARepsHomeListsTheSessionsTheyAnsweredWithTheirAnswer(t *testing.T) {
	var received []coaching.Session
	for i := range 16 {
		s := coaching.Session{ID: int64(300 + i), Version: 1, ManagerID: "UM0", Kind: coaching.KindOneOnOne, DurationMin: 10 + i,
			OccurredOn: week48.To.AddDays(-i), Reps: []coaching.SessionRep{{RepID: "UR00", Status: coaching.StatusConfirmed}}}
		switch {
		case i == 0:
			s.Reps[0].Status = coaching.StatusPending
		case i == 1: // a team meeting whose other rep rated it
			s.Kind, s.Reps[0].Rating = coaching.KindTeamMeeting, 4
			s.Reps = append(s.Reps, coaching.SessionRep{RepID: "UR01", Status: coaching.StatusConfirmed, Rating: 1},
				coaching.SessionRep{RepID: "UR02", Status: coaching.StatusDisputed, DisputeReason: "secret"})
		case i == 2:
			s.Reps[0].Status, s.Reps[0].DisputeReason = coaching.StatusDisputed, "wrong day"
		case i < 9: // 3 to 8 to rate: the first five are listed above, 8 is not
		default:
			s.Reps[0].Rating = 2
		}
		received = append(received, s)
	}
	h := home{person: coaching.Person{ID: "UR00", Roles: []string{coaching.PersonRep}, Active: true, InRoster: true}, received: received}
	blocks := h.blocks()
	checkView(t, slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}})
	var section string
	for _, b := range blocks {
		if text := blocksText([]slack.Block{b}); strings.HasPrefix(text, "*Sessions you answered*") {
			section = text
		}
	}
	want := strings.Join([]string{
		"*Sessions you answered*",
		":white_check_mark: <@UM0> logged a *Team meeting* with you, <@UR01> and <@UR02> · Tue 24 Nov 2026 · 11 min · confirmed · you rated 4/5",
		":x: <@UM0> logged a *1:1* with you · Mon 23 Nov 2026 · 12 min · marked not accurate",
		":white_check_mark: <@UM0> logged a *1:1* with you · Tue 17 Nov 2026 · 18 min · confirmed, not rated yet",
		":white_check_mark: <@UM0> logged a *1:1* with you · Mon 16 Nov 2026 · 19 min · confirmed · you rated 2/5",
		":white_check_mark: <@UM0> logged a *1:1* with you · Sun 15 Nov 2026 · 20 min · confirmed · you rated 2/5",
		"…and 5 more, each in your DMs with Coachlog.",
	}, "\n")
	if strings.TrimSpace(section) != want {
		t.Errorf("the answered sessions read:\n%s\nwant:\n%s", section, want)
	}
	// Past the 20 the tab reads, it says the older ones are in the DMs too.
	h.received, h.receivedMore = received[:3], true
	if text := blocksText(h.blocks()); !strings.Contains(text, "marked not accurate\nOlder ones are in your DMs with Coachlog.") {
		t.Errorf("with older sessions unread the list does not say where they are:\n%s", text)
	}
}
