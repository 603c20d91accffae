package slackbot

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/llm"
	"github.com/coachlog/coachlog/internal/metrics"
	"github.com/coachlog/coachlog/internal/slacktext"
)

// textSession is a ride-along Max logged with Sam, notes and a commitment
// written, for the texts of the messages about it.
func textSession() coaching.Session {
	return coaching.Session{ID: 7, ManagerID: "UMAX", Kind: coaching.KindRideAlong, Role: coaching.RoleLead, DurationMin: 45,
		OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 30}, Notes: "secret notes", Version: 1,
		Commitments: []coaching.Commitment{{RepID: "USAM", Text: "secret commitment"}},
		Reps:        []coaching.SessionRep{{RepID: "USAM", Status: coaching.StatusPending}}}
}

// A rep's DM's text is what their phone's notification and a screen reader
// give: it follows the state the blocks show (confirmed, rated, not
// accurate, asked again after an edit), never what anyone wrote.
func TestRepDMTextFollowsTheState(t *testing.T) {
	const logged = "<@UMAX> logged a ride-along with you on Mon 30 Nov 2026"
	for _, tt := range []struct {
		name string
		rep  coaching.SessionRep
		want string
	}{
		{"asked", coaching.SessionRep{Status: coaching.StatusPending}, logged + ": please confirm"},
		{"confirmed", coaching.SessionRep{Status: coaching.StatusConfirmed, Comment: "secret comment"}, logged + ": you confirmed it"},
		{"confirmed and rated", coaching.SessionRep{Status: coaching.StatusConfirmed, Rating: 2}, logged + ": you confirmed it (rated 2/5)"},
		{"not accurate", coaching.SessionRep{Status: coaching.StatusDisputed, DisputeReason: "secret reason"}, logged + ": you marked it not accurate"},
		{"asked again after an edit", coaching.SessionRep{Status: coaching.StatusPending, ChangeNote: "date Sun 29 Nov 2026 → Mon 30 Nov 2026"},
			"Updated (date Sun 29 Nov 2026 → Mon 30 Nov 2026): " + logged + ": please confirm again"},
		{"an edit with markup", coaching.SessionRep{Status: coaching.StatusPending, ChangeNote: "added <@URIA> & <!channel>"},
			"Updated (added <@URIA> &amp; &lt;!channel&gt;): " + logged + ": please confirm again"},
		// Saved as it was, the session was looked at again, not updated.
		{"asked again, nothing changed", coaching.SessionRep{Status: coaching.StatusPending, ChangeNote: "looked at again, nothing changed"},
			"Looked at again, nothing changed: " + logged + ": please confirm again"},
		{"asked again, only the readers changed", coaching.SessionRep{Status: coaching.StatusPending, ChangeNote: "looked at again; the notes are now shared with <@UMAX>'s leaders"},
			"Looked at again; the notes are now shared with <@UMAX>'s leaders: " + logged + ": please confirm again"},
		// Who reads the notes, changed, asks nobody again: a confirmed
		// rep is told, and one still asked is asked as before.
		{"confirmed, the notes shared since", coaching.SessionRep{Status: coaching.StatusConfirmed, Rating: 4, ChangeNote: "the notes are now shared with <@UMAX>'s leaders"},
			"Updated (the notes are now shared with <@UMAX>'s leaders): " + logged + ": you confirmed it (rated 4/5)"},
		{"asked, the notes no longer shared", coaching.SessionRep{Status: coaching.StatusPending, ChangeNote: "the notes are no longer shared with <@UMAX>'s leaders"},
			"Updated (the notes are no longer shared with <@UMAX>'s leaders): " + logged + ": please confirm"},
		// A note from before the answer is no news after it.
		{"confirmed after an edit", coaching.SessionRep{Status: coaching.StatusConfirmed, ChangeNote: "duration 30 → 45 min"}, logged + ": you confirmed it"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := textSession()
			tt.rep.RepID = "USAM"
			s.Reps = []coaching.SessionRep{tt.rep}
			if strings.Contains(tt.rep.ChangeNote, "URIA") {
				s.Reps = append(s.Reps, coaching.SessionRep{RepID: "URIA", Status: coaching.StatusPending})
			}
			got := repDM(s, "USAM", coaching.DefaultSkills(), false).Text
			if got != tt.want {
				t.Errorf("text = %q\nwant   %q", got, tt.want)
			}
			if strings.Contains(got, "secret") {
				t.Errorf("text tells what someone wrote: %q", got)
			}
		})
	}
}

// A command's answer that gives back what was typed says only its first
// sentence in its text (a notification on a lock screen, a screen reader),
// never what was typed; its blocks give back all that was typed, over as
// many sections as it takes, and Slack takes the message.
func TestAnAnswerGivingBackWhatWasTypedKeepsItOutOfTheText(t *testing.T) {
	long := strings.Repeat("pricing & <next> steps ", 160) // one line of 3,680 characters, 4,960 escaped
	typed := "@Ana 1:1 30m secret notes\n" + strings.Repeat("a line of notes & more\n", 40) + long
	for _, tt := range []struct {
		name, answer, want string
	}{
		{"slowed down", slowedDownAnswer(typed), ":warning: Not logged yet: Slack asked Coachlog to slow down for longer than usual, so it could not check who you named."},
		{"refused", ":warning: Not logged. Try again in a moment." + typedBack(typed), ":warning: Not logged."},
		{"did you mean", didYouMean("history") + typedBack(typed), ":thinking_face: Did you mean `/coach history`?"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := answerMessage(tt.answer)
			if m.Text != tt.want {
				t.Errorf("text = %q, want %q", m.Text, tt.want)
			}
			checkLimits(t, m)
			checkResponse(t, m)
			var shown strings.Builder
			for _, b := range m.Blocks {
				s, ok := b.(*slack.SectionBlock)
				if !ok || s.Text == nil {
					t.Fatalf("a block that is not a section of text: %#v", b)
				}
				for _, line := range strings.Split(s.Text.Text, "\n") {
					shown.WriteString(strings.TrimPrefix(line, "> "))
				}
			}
			got := slacktext.Unescape(shown.String())
			if want := strings.ReplaceAll(typed, "\n", ""); !strings.Contains(got, want) || strings.Contains(got, "…") {
				t.Errorf("what was typed is not all given back: %d characters shown of %d", len(got), len(want))
			}
		})
	}
}

// rawAngle finds what Slack would read as a link, mention or command in
// mrkdwn that Coachlog means as words: "<date>" in a usage line. Mentions
// (<@U…>), channels (<#C…>), specials (<!here>) and links are markup meant.
var rawAngle = regexp.MustCompile(`<[^@#!>][^>]*>`)

// A usage's placeholder ("/coach away <date>") written raw in mrkdwn is
// read by Slack as a link or a mention token and shown mangled: it is
// escaped, in the blocks and in the text.
func TestPlaceholdersInMrkdwnAreEscaped(t *testing.T) {
	for name, m := range map[string]message{
		"help":          helpMessage(),
		"nudge":         nudgeMessage(coaching.Nudge{ManagerID: "UM", CadenceDays: 14}),
		"snooze":        textMessage(snoozedText(coaching.Date{Year: 2026, Month: 12, Day: 8})),
		"cadence usage": textMessage(cadenceUsage),
	} {
		for _, s := range []string{m.Text, blocksText(m.Blocks)} {
			if got := rawAngle.FindAllString(s, -1); len(got) > 0 {
				t.Errorf("%s: %v written raw in mrkdwn", name, got)
			}
		}
	}
}

// A receipt's text says what was logged, updated or undone, and with
// whom: "Undone" alone tells a notification nothing. A team meeting's
// reps are counted, not listed.
func TestReceiptTextSaysWhatAndWithWhom(t *testing.T) {
	undone := textSession()
	undone.DeletedAt = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	team := textSession()
	team.Kind = coaching.KindTeamMeeting
	team.Reps = []coaching.SessionRep{{RepID: "USAM"}, {RepID: "URIA"}, {RepID: "UBEN"}, {RepID: "UANA"}, {RepID: "ULEO"}}
	for _, tt := range []struct {
		name string
		m    message
		want string
	}{
		{"logged", receipt(textSession()), "Logged: ride-along with <@USAM> on Mon 30 Nov 2026"},
		{"a team meeting", receipt(team), "Logged: team meeting with 5 reps on Mon 30 Nov 2026"},
		{"edited", editedReceipt(textSession(), "duration 30 → 45 min"), "Updated: ride-along with <@USAM> on Mon 30 Nov 2026"},
		{"saved as it was", editedReceipt(textSession(), ""), "Saved, nothing changed: ride-along with <@USAM> on Mon 30 Nov 2026"},
		{"undone", receipt(undone), "Undone: ride-along with <@USAM> on Mon 30 Nov 2026"},
	} {
		if tt.m.Text != tt.want {
			t.Errorf("%s: text = %q, want %q", tt.name, tt.m.Text, tt.want)
		}
	}
}

// The reply saying an edit was saved goes in a DM's thread, and its text
// is the notification: plain words, no mrkdwn marks shown as typed.
func TestEditSavedTextIsPlain(t *testing.T) {
	undone := textSession()
	undone.DeletedAt = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name, changes, want string
		s                   coaching.Session
	}{
		{"changed", "duration 30 → 45 min", "Updated: duration 30 → 45 min. Now: Ride-along with <@USAM> · Mon 30 Nov 2026 · 45 min · took the lead", textSession()},
		{"nothing changed", "", "Saved: nothing changed. Now: Ride-along with <@USAM> · Mon 30 Nov 2026 · 45 min · took the lead", textSession()},
		{"undone since", "duration 30 → 45 min", "Undone: ride-along with <@USAM> on Mon 30 Nov 2026", undone},
	} {
		m := editSavedMessage(tt.s, tt.changes)
		if m.Text != tt.want {
			t.Errorf("%s: text = %q, want %q", tt.name, m.Text, tt.want)
		}
		if got := blocksText(m.Blocks); !strings.Contains(got, "*Ride-along*") {
			t.Errorf("%s: blocks %q lost their mrkdwn", tt.name, got)
		}
	}
}

// A prep brief's and a report's texts say whom they are about, as their
// headers do: "Your prep brief" alone could be about anyone.
func TestBriefAndReportTextsSayWhom(t *testing.T) {
	vic, dan, max := fullFigures("UVIC", true), fullFigures("UDAN", true), fullFigures("UMAX", false)
	dan.LeaderID, dan.ManagerIDs = "UVIC", []string{"UMAX"}
	vic.ManagerIDs = []string{"UMAX"}
	max.LeaderID = "UDAN"
	r := &metrics.Report{Period: week48, Org: vic, Leaders: []metrics.Figures{vic, dan}, Managers: []metrics.Figures{max}}
	for _, tt := range []struct {
		name string
		m    message
		want string
	}{
		{"prep", prepMessage("USAM", llm.Brief{List: "a list"}), "Your prep brief about <@USAM>"},
		{"a leader's report", reportMessage(r, "UDAN", testWhen), "Coaching report: this week, 2026-W48 · <@UDAN>'s organisation"},
		{"a manager's report", reportMessage(r, "UMAX", testWhen), "Coaching report: this week, 2026-W48 · <@UMAX>'s team"},
		{"the whole organisation's report", reportMessage(r, "", testWhen), "Coaching report: this week, 2026-W48 · the whole organisation"},
	} {
		if tt.m.Text != tt.want {
			t.Errorf("%s: text = %q, want %q", tt.name, tt.m.Text, tt.want)
		}
	}
}
