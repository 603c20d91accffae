package slackbot

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
)

// A follow-up date set without commitments is in the rep's DM: the form
// takes one without the other, and the DM showed the day only beside
// commitments, so such a rep never learnt it.
func TestTheRepDMSaysTheFollowUpWithOrWithoutCommitments(t *testing.T) {
	day := coaching.Date{Year: 2026, Month: 11, Day: 18}
	follow := coaching.Date{Year: 2026, Month: 11, Day: 25}
	for _, tt := range []struct {
		name        string
		commitments []coaching.Commitment
		followUp    coaching.Date
		want, not   string
	}{
		{"a follow-up alone", nil, follow, "*Follow up* Wed 25 Nov 2026", "*Commitments*"},
		{"a follow-up with commitments", []coaching.Commitment{{RepID: "UR", Text: "Send the recap"}}, follow,
			"*Commitments* · follow up Wed 25 Nov 2026", "*Follow up*"},
		{"another rep's commitments only", []coaching.Commitment{{RepID: "UKIM", Text: "Send the recap"}}, follow,
			"*Follow up* Wed 25 Nov 2026", "Send the recap"},
		{"neither", nil, coaching.Date{}, "", "ollow up"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := coaching.Session{ID: 1, ManagerID: "UMGR", Kind: coaching.KindOneOnOne, DurationMin: 30, OccurredOn: day,
				FollowUpOn: tt.followUp, Version: 1, Commitments: tt.commitments,
				Reps: []coaching.SessionRep{{RepID: "UR", Status: coaching.StatusPending}, {RepID: "UKIM", Status: coaching.StatusPending}}}
			m := repDM(s, "UR", nil, false)
			checkLimits(t, m)
			got := blocksText(m.Blocks)
			if !strings.Contains(got, tt.want) || strings.Contains(got, tt.not) {
				t.Errorf("DM = %q, want %q and no %q", got, tt.want, tt.not)
			}
		})
	}
}

// What people type is shown as plain text (no ping, no link, no bold),
// with its emoji codes as emoji: ":tada:" in a quick capture's notes was
// shown to the rep as the bare code.
func TestWhatPeopleTypedShowsItsEmojiAndNoMarkup(t *testing.T) {
	const typedText = "<!channel> *bold* <http://x|y> :tada:"
	s := coaching.Session{ID: 1, ManagerID: "UMGR", Kind: coaching.KindOneOnOne, DurationMin: 30,
		OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 18}, Version: 1, Notes: "notes " + typedText,
		Commitments: []coaching.Commitment{{RepID: "UR", Text: "commitment " + typedText, Status: coaching.CommitmentOpen}}}
	for _, tt := range []struct {
		name  string
		rep   coaching.SessionRep
		parts []string
		m     func(coaching.Session) message
	}{
		{"a confirmed rep's DM", coaching.SessionRep{RepID: "UR", Status: coaching.StatusConfirmed, Comment: "comment " + typedText},
			[]string{"notes ", "• commitment ", "Your comment: comment "}, func(s coaching.Session) message { return repDM(s, "UR", nil, false) }},
		{"a disputing rep's DM", coaching.SessionRep{RepID: "UR", Status: coaching.StatusDisputed, DisputeReason: "reason " + typedText},
			[]string{"notes ", "What you said: reason "}, func(s coaching.Session) message { return repDM(s, "UR", nil, false) }},
		{"the manager's notice", coaching.SessionRep{RepID: "UR", Status: coaching.StatusDisputed, DisputeReason: "reason " + typedText},
			[]string{"reason "}, func(s coaching.Session) message { return disputeNotice(s, "UR") }},
		{"the manager's notice once answered", coaching.SessionRep{RepID: "UR", Status: coaching.StatusConfirmed},
			[]string{"They had said: reason "}, func(s coaching.Session) message {
				return disputeAnsweredNotice(s, "UR", coaching.DisputeAnswered{Outcome: coaching.DisputeConfirmed, Reason: "reason " + typedText})
			}},
		{"the rep's Home", coaching.SessionRep{RepID: "UR", Status: coaching.StatusConfirmed, Rating: 4},
			[]string{"• commitment "}, func(s coaching.Session) message {
				h := home{person: coaching.Person{ID: "UR", Active: true, InRoster: true, Roles: []string{coaching.PersonRep}}, received: []coaching.Session{s}, open: s.Commitments}
				return message{Blocks: h.blocks()}
			}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := s
			s.Reps = []coaching.SessionRep{tt.rep}
			shown := map[string]*slack.TextBlockObject{}
			for _, b := range tt.m(s).Blocks {
				if sec, ok := b.(*slack.SectionBlock); ok && sec.Text != nil {
					shown[sec.Text.Text] = sec.Text
				}
			}
			for _, part := range tt.parts {
				var found *slack.TextBlockObject
				for text, obj := range shown {
					if strings.HasPrefix(text, part) && strings.Contains(text, typedText) {
						found = obj
					}
				}
				switch {
				case found == nil:
					t.Errorf("no section shows %q as typed; sections: %v", part+typedText, shown)
				case found.Type != slack.PlainTextType || found.Emoji == nil || !*found.Emoji:
					t.Errorf("%q shown as %s with emoji %v, want plain_text with emoji on", part, found.Type, found.Emoji != nil && *found.Emoji)
				}
			}
		})
	}
}

// A rep put back on a session reads the edit's change note as "added
// you", not "added @Sam" of themselves; the other reps' DMs name them.
func TestARepPutBackReadsAddedYou(t *testing.T) {
	note := "added <@UR> and <@UKIM>; duration 30 → 45 min"
	s := coaching.Session{ID: 1, ManagerID: "UMGR", Kind: coaching.KindTeamMeeting, DurationMin: 45,
		OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 18}, Version: 3,
		Reps: []coaching.SessionRep{{RepID: "UR", Status: coaching.StatusPending, ChangeNote: note},
			{RepID: "UKIM", Status: coaching.StatusPending, ChangeNote: note},
			{RepID: "URIA", Status: coaching.StatusPending, ChangeNote: note}}}
	for _, tt := range []struct{ rep, want string }{
		{"UR", "added you and <@UKIM>; duration 30 → 45 min"},
		{"UKIM", "added <@UR> and you; duration 30 → 45 min"},
		{"URIA", "added <@UR> and <@UKIM>; duration 30 → 45 min"},
	} {
		m := repDM(s, tt.rep, nil, false)
		checkLimits(t, m)
		for what, got := range map[string]string{"blocks": blocksText(m.Blocks), "text": m.Text} {
			if !strings.Contains(got, tt.want) || tt.rep == "UR" && strings.Contains(got, "<@UR>") {
				t.Errorf("%s's DM %s = %q, want %q", tt.rep, what, got, tt.want)
			}
		}
	}
}

// A rep's empty Home says every session logged with them comes to their
// DMs, as /coach help and the DM say it: a director's ride-along or a
// peer's role-play comes too, not only what "your manager logs".
func TestAnEmptyRepHomeDoesNotSayOnlyTheirManagerLogs(t *testing.T) {
	h := home{person: coaching.Person{ID: "UR", Active: true, InRoster: true, Roles: []string{coaching.PersonRep}}}
	got := blocksText(h.blocks())
	if !strings.Contains(got, "none yet. Each session logged with you comes to your DMs") || strings.Contains(got, "your manager") {
		t.Errorf("an empty rep Home = %q", got)
	}
}

// A rep's /coach help names /coach away, the one command theirs (their
// reminders wait while they are away), which they found only in the
// managers' list, and stays short enough for a phone.
func TestARepsHelpNamesAway(t *testing.T) {
	for _, notesAI := range []bool{false, true} {
		text := blocksText(repHelp(notesAI).Blocks)
		if !strings.Contains(text, "`/coach away fri`") || !strings.Contains(text, "reminders to answer wait until you are back") {
			t.Errorf("notes to the LLM %v: a rep's help does not name /coach away:\n%s", notesAI, text)
		}
		if n := len(text); n > 1500 {
			t.Errorf("notes to the LLM %v: a rep's help is %d characters", notesAI, n)
		}
	}
}

// A rep's open commitments in their Home say the follow-up day their
// session set, as their DM does beside them.
func TestARepsHomeSaysWhenCommitmentsAreFollowedUp(t *testing.T) {
	made := coaching.Date{Year: 2026, Month: 11, Day: 18}
	h := home{person: coaching.Person{ID: "UR", Active: true, InRoster: true, Roles: []string{coaching.PersonRep}},
		open: []coaching.Commitment{
			{RepID: "UR", Text: "Send the recap", CreatedOn: made, FollowUpOn: coaching.Date{Year: 2026, Month: 11, Day: 25}},
			{RepID: "UR", Text: "Book a role-play", CreatedOn: made},
		}}
	got := blocksText(h.blocks())
	for _, want := range []string{"• Send the recap (from Wed 18 Nov 2026) · follow up Wed 25 Nov 2026", "• Book a role-play (from Wed 18 Nov 2026)\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("a rep's Home = %q, want %q", got, want)
		}
	}
}
