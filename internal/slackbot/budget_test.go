package slackbot

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

// slackID is a user id as long as a real workspace's (11 characters): the
// length that makes a list of mentions long.
func slackID(i int) string { return fmt.Sprintf("U%010d", i) }

var meetingDay = coaching.Date{Year: 2026, Month: 11, Day: 23}

// bigMeeting is a team meeting of n reps, repID first, each with an open
// commitment of the longest kind, its notes as long as they may be.
func bigMeeting(id int64, managerID, repID string, n int) coaching.Session {
	s := coaching.Session{ID: id, ManagerID: managerID, Kind: coaching.KindTeamMeeting, DurationMin: 480, OccurredOn: meetingDay,
		Notes: strings.Repeat("n", coaching.MaxNotesLen), Visibility: coaching.VisibilityShared, Version: 3}
	for j := range n {
		rid := slackID(j)
		if j == 0 {
			rid = repID
		}
		st := []coaching.Status{coaching.StatusConfirmed, coaching.StatusDisputed, coaching.StatusPending}[j%3]
		s.Reps = append(s.Reps, coaching.SessionRep{RepID: rid, Status: st})
		s.Commitments = append(s.Commitments, coaching.Commitment{ID: id*1000 + int64(j), RepID: rid,
			Text: strings.Repeat("k", coaching.MaxCommitmentLen), Status: coaching.CommitmentOpen, CreatedOn: meetingDay})
	}
	return s
}

// A manager's ten latest sessions being 50-rep team meetings, /coach
// history @rep (and its return after Kept, with the notice and Undo) made
// over 12,000 characters: every line named all 50 reps. A line now names
// a few, the rep asked about among them; a leader's history, with the
// sessions below them too, keeps within one message as well.
func TestAHistoryOfBigTeamMeetingsFitsOneMessage(t *testing.T) {
	mgr, rep := slackID(900000), slackID(123)
	var own, below []coaching.Session
	for i := range historyLimit {
		own = append(own, bigMeeting(int64(i+1), mgr, rep, coaching.MaxReps))
		below = append(below, bigMeeting(int64(100+i), slackID(800000+i), rep, coaching.MaxReps))
	}
	var open coaching.OpenList
	for i := range coaching.MaxOpenCommitments {
		open.Own = append(open.Own, coaching.Commitment{ID: int64(5000 + i), RepID: rep, Text: strings.Repeat("c", coaching.MaxCommitmentLen), CreatedOn: meetingDay})
		open.Below = append(open.Below, coaching.Commitment{ID: int64(7000 + i), RepID: rep, Text: strings.Repeat("b", coaching.MaxCommitmentLen), CreatedOn: meetingDay})
	}
	open.More = 40
	manager := historyView{repID: rep, own: own, more: true, open: coaching.OpenList{Own: open.Own, More: open.More},
		notice: "Marked kept: " + strings.Repeat("x", 150), undo: "kept:5000:" + rep}
	leader := manager
	leader.leader, leader.below, leader.open = true, below, open
	for name, h := range map[string]historyView{"a manager's": manager, "a leader's who logs too": leader} {
		t.Run(name, func(t *testing.T) {
			m := historyMessage(h)
			checkResponse(t, m)
			text := blocksText(m.Blocks)
			if got := strings.Count(text, "*Team meeting* with "+mention(rep)+", "+mention(slackID(1))+", "+mention(slackID(2))+" and 47 others"); got < historyLimit {
				t.Errorf("%d lines name the rep asked about and two others, then 47 others; want the %d sessions' lines to:\n%s", got, historyLimit, text)
			}
			if strings.Contains(text, "…and") && strings.Contains(text, "of your latest") {
				t.Errorf("a session of the ten was left out:\n%s", text)
			}
		})
	}
}

// A group of four is named in full; past that, a line names three and
// counts the others, the rep it is about first.
func TestFewMentionsNamesTheRepAskedAboutFirst(t *testing.T) {
	ids := []string{"UA", "UB", "UC", "UD", "UE"}
	for _, tt := range []struct {
		ids         []string
		first, want string
	}{
		{ids[:4], "UD", "<@UA>, <@UB>, <@UC> and <@UD>"},
		{ids, "", "<@UA>, <@UB>, <@UC> and 2 others"},
		{ids, "UE", "<@UE>, <@UA>, <@UB> and 2 others"},
		{ids, "UX", "<@UA>, <@UB>, <@UC> and 2 others"},
	} {
		if got := fewMentions(tt.ids, tt.first); got != tt.want {
			t.Errorf("fewMentions(%v, %q) = %q, want %q", tt.ids, tt.first, got, tt.want)
		}
	}
	if ids[4] != "UE" {
		t.Errorf("fewMentions reordered its caller's list: %v", ids)
	}
}

// Own sessions past their room in text are counted, with where they are,
// as the latest ten past the tenth are.
func TestOwnSessionsPastTheirRoomAreCounted(t *testing.T) {
	rep := slackID(7)
	var own []coaching.Session
	for i := range historyLimit {
		own = append(own, bigMeeting(int64(i+1), slackID(900000), rep, 12))
	}
	blocks, _ := ownBlocks(own, rep, 1000, commentText)
	text := blocksText(blocks)
	// Each Undo's confirmation dialog names its meeting too.
	n := strings.Count(text, "*Team meeting*") - strings.Count(text, "Undo the *Team meeting*")
	if n < 1 || n >= historyLimit {
		t.Fatalf("%d sessions listed in 1,000 characters, want some but not all:\n%s", n, text)
	}
	want := fmt.Sprintf("…and %d more of your latest with %s, not listed here", historyLimit-n, mention(rep))
	if !strings.Contains(text, want) || !strings.Contains(text, "`/coach export`") {
		t.Errorf("the cut list does not say %q and where they are:\n%s", want, text)
	}
	if got := blockText(blocks...); got > 1000+300 {
		t.Errorf("%d characters of text for a room of 1,000", got)
	}
	all, _ := ownBlocks(own, "", 1000, commentText)
	if text := blocksText(all); !strings.Contains(text, "`/coach history @rep`") {
		t.Errorf("the cut unfiltered list does not point at /coach history @rep:\n%s", text)
	}
}

// A 50-rep team meeting edited, the rep's DM at its longest (a change note
// naming every rep before and after, notes and commitments as long as they
// may be, a hundred skills) made 10,714 characters: each part within its
// own cap, the whole at Slack's edge. It keeps to messageText now, with the
// notes whole and the buttons there.
func TestARepDMAtItsLongestKeepsToOneMessage(t *testing.T) {
	rep := slackID(0)
	var skills []coaching.Skill
	var ids []string
	for i := range 100 {
		id := fmt.Sprintf("skill_%02d_%s", i, strings.Repeat("s", 40))
		skills = append(skills, coaching.Skill{ID: id, Label: strings.Repeat("L", 70) + fmt.Sprint(i)})
		ids = append(ids, id)
	}
	s := bigMeeting(1, slackID(900000), rep, coaching.MaxReps)
	// Shared, the notes' label at its longest (notesReaders), with the AI
	// model too when notes may reach it.
	s.Skills, s.FollowUpOn, s.Commitments, s.Visibility = ids, meetingDay, nil, coaching.VisibilityShared
	for k := range coaching.MaxCommitments {
		s.Commitments = append(s.Commitments, coaching.Commitment{RepID: rep, Text: strings.Repeat("k", coaching.MaxCommitmentLen-2) + fmt.Sprintf("%02d", k)})
	}
	var olds, news []string
	for j := range coaching.MaxReps {
		olds, news = append(olds, mention(slackID(100+j))), append(news, mention(slackID(j)))
	}
	note := "reps " + strings.Join(olds, ", ") + " → " + strings.Join(news, ", ") + "; kind Ride-along → Team meeting; date Mon 16 Nov → Mon 23 Nov; duration 30 → 480 min"
	s.Reps[0] = coaching.SessionRep{RepID: rep, Status: coaching.StatusPending, ChangeNote: note}
	longer := s // and a longer one still: more to cut than the head's names
	longer.Reps = slices.Clone(s.Reps)
	longer.Reps[0].ChangeNote = note + strings.Repeat(" and more", 100)
	for name, s := range map[string]coaching.Session{"the worst edit": s, "past it": longer} {
		for _, ai := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, notes to an AI %v", name, ai), func(t *testing.T) {
				m := repDM(s, rep, skills, ai)
				checkLimits(t, m)
				if n := blockText(m.Blocks...); n > messageText {
					t.Errorf("%d characters of text, over %d", n, messageText)
				}
				text := blocksText(m.Blocks)
				for _, want := range []string{s.Notes, "Confirm", "Not accurate", ":pencil2: *Updated:* reps " + mention(slackID(100)), "• " + strings.Repeat("k", 50)} {
					if !strings.Contains(text, want) {
						t.Errorf("the DM lost %.60q", want)
					}
				}
				if label := "*Notes* (" + notesReaders(s, rep, ai) + ")"; !strings.Contains(text, label) {
					t.Errorf("the DM lost the notes' label %q", label)
				}
			})
		}
	}
}

// shorter cuts the longest parts first, to one length, and gives back what
// was asked.
func TestDMCutsGiveRoomFromTheLongestPartsFirst(t *testing.T) {
	length := dmCuts{change: 1700, skills: 1900, commitments: 6000, reason: 15}
	got := fullDM.shorter(length, 1500)
	shown := func(c dmCuts) int {
		return min(c.change, length.change) + min(c.skills, length.skills) + min(c.commitments, length.commitments) + min(c.reason, length.reason)
	}
	if given := shown(fullDM) - shown(got); given < 1500 {
		t.Errorf("gave back %d characters, want 1,500: %+v", given, got)
	}
	if got.reason != 15 || got.commitments > got.skills || got.commitments < got.change-1 || got.skills > 1900 {
		t.Errorf("cuts %+v: want the commitments and skills cut first, to one length, the short reason kept", got)
	}
	if tiny := fullDM.shorter(length, 100000); tiny.commitments != dmMinPart || tiny.reason != 15 {
		t.Errorf("cut past everything: %+v, want each part kept to %d at least (or as it is)", tiny, dmMinPart)
	}
}

// blockText reads Coachlog's usual blocks directly, for speed; it must
// count what their JSON holds, as Slack and the fake count it.
func TestBlockTextCountsWhatTheJSONHolds(t *testing.T) {
	s := coaching.Session{ID: 7, ManagerID: "U0MAX", Kind: coaching.KindRideAlong, Role: coaching.RoleLead,
		OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 20}, DurationMin: 45, Notes: "great discovery & <rushed> pricing",
		Reps:        []coaching.SessionRep{{RepID: "U0SAM", Status: coaching.StatusPending, ChangeNote: "date 2026-11-19 → 2026-11-20"}, {RepID: "U0RIA", Status: coaching.StatusConfirmed, Rating: 4, Comment: "useful"}, {RepID: "U0BEA", Status: coaching.StatusDisputed, DisputeReason: "it was 30 min"}},
		Commitments: []coaching.Commitment{{ID: 1, RepID: "U0SAM", Text: "send the recap", Status: coaching.CommitmentOpen}}}
	messages := []message{repDM(s, "U0SAM", nil, false), repDM(s, "U0RIA", nil, false), repDM(s, "U0BEA", nil, false), historyMessage(historyView{repID: "U0SAM", own: []coaching.Session{s}})}
	for i, m := range messages {
		if got, want := blockText(m.Blocks...), jsonText(m.Blocks); got != want || want == 0 {
			t.Errorf("message %d: blockText %d, its JSON holds %d", i, got, want)
		}
	}
	// A button with a confirm dialog, or an accessory, holds text objects
	// blockText does not read itself.
	confirm := slack.NewActionBlock("", &slack.ButtonBlockElement{Type: "button", ActionID: "undo", Text: plain("Undo"),
		Confirm: slack.NewConfirmationBlockObject(plain("Undo it?"), plain("It goes for everyone."), plain("Undo"), plain("Keep"))})
	accessory := slack.NewSectionBlock(mrkdwn("head"), nil, slack.NewAccessory(&slack.ButtonBlockElement{Type: "button", ActionID: "edit", Text: plain("Edit")}))
	for _, b := range []slack.Block{confirm, accessory} {
		if got, want := blockText(b), jsonText([]slack.Block{b}); got != want {
			t.Errorf("%s block: blockText %d, its JSON holds %d", b.BlockType(), got, want)
		}
	}
}

// A change note is cut after it is escaped: cut before, a mention at the
// cut was escaped into text ("&lt;@U0…") and an "&" could pass the cap.
func TestAChangeNoteCutKeepsItsMarkupWhole(t *testing.T) {
	note := strings.Repeat("x", 2490) + " <@U0ABCDEFGHIJ> & more"
	s := coaching.Session{ID: 9, ManagerID: "U0MAX", Kind: coaching.KindOneOnOne, OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 20}, DurationMin: 30,
		Reps: []coaching.SessionRep{{RepID: "U0SAM", Status: coaching.StatusPending, ChangeNote: note}}}
	var updated string
	for _, b := range repDM(s, "U0SAM", nil, false).Blocks {
		if c, ok := b.(*slack.ContextBlock); ok {
			if t, ok := c.ContextElements.Elements[0].(*slack.TextBlockObject); ok && strings.Contains(t.Text, "Updated") {
				updated = t.Text
			}
		}
	}
	if updated == "" {
		t.Fatal("no Updated line")
	}
	if strings.Contains(updated, "&lt;@") || !strings.Contains(updated, "…") {
		t.Errorf("the cut broke a mention or did not mark itself: …%s", updated[len(updated)-60:])
	}
	if n := len([]rune(updated)); n > 2500+len(":pencil2: *Updated:* . Please confirm again.") {
		t.Errorf("the Updated line is %d characters, past its cap", n)
	}
}

// Every Undo asks first in a dialog naming the session, and Slack refuses
// the whole message or view when a dialog's title passes 100 characters
// or its text 300
// (https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object).
// A 50-rep session at its longest (the longest kind's label, the longest
// duration, 11-character user ids) keeps within both wherever its Undo
// shows: the receipt, the edited receipt, /coach history and the App
// Home. The reps are named as mention markup, <@U…>, which is what Slack
// counts: an 80-character real name shown in its place adds nothing.
func TestEveryUndoDialogOfABigSessionKeepsWithinSlacksLimits(t *testing.T) {
	mgr, rep := slackID(900000), slackID(123)
	for _, kind := range []coaching.Kind{coaching.KindTeamMeeting, coaching.KindCareer} {
		s := bigMeeting(9_999_999, mgr, rep, coaching.MaxReps)
		s.Kind, s.DurationMin = kind, coaching.MaxDurationMin
		surfaces := map[string][]slack.Block{
			"receipt":                    receipt(s).Blocks,
			"edited receipt":             editedReceipt(s, "added "+mentions(s.ActiveRepIDs())).Blocks,
			"/coach history":             historyMessage(historyView{repID: rep, own: []coaching.Session{s}}).Blocks,
			"/coach history with no rep": historyMessage(historyView{own: []coaching.Session{s}}).Blocks,
			"App Home": home{person: coaching.Person{ID: mgr, Roles: []string{coaching.PersonManager}, Active: true, InRoster: true},
				manager: true, period: week48, report: &metrics.Report{Period: week48}, logged: []coaching.Session{s}}.blocks(),
		}
		for name, blocks := range surfaces {
			t.Run(kind.Label()+" "+name, func(t *testing.T) {
				dialogs := 0
				for _, b := range blocks {
					a, ok := b.(*slack.ActionBlock)
					if !ok {
						continue
					}
					for _, el := range a.Elements.ElementSet {
						btn, ok := el.(*slack.ButtonBlockElement)
						if !ok || btn.ActionID != actUndo {
							continue
						}
						dialogs++
						c := btn.Confirm
						if c == nil {
							t.Fatal("an Undo without a confirmation dialog")
						}
						if n := utf8.RuneCountInString(c.Title.Text); n > 100 {
							t.Errorf("the dialog's title is %d characters, past Slack's 100: %q", n, c.Title.Text)
						}
						if n := utf8.RuneCountInString(c.Text.Text); n > 300 {
							t.Errorf("the dialog's text is %d characters, past Slack's 300: %q", n, c.Text.Text)
						}
						if !strings.Contains(c.Text.Text, mention(rep)) || !strings.Contains(c.Text.Text, "47 others") {
							t.Errorf("the dialog does not name the session by a few of its reps and a count: %q", c.Text.Text)
						}
					}
				}
				if dialogs != 1 {
					t.Errorf("%d Undo buttons, want 1", dialogs)
				}
			})
		}
	}
}
