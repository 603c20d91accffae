package slackbot

import (
	"fmt"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

// actSnooze prefixes the action ids of the nudge's Snooze buttons, one per
// length ("nudge_snooze_1", "nudge_snooze_7"): Slack refuses a message
// whose block has two elements with the same action_id.
const actSnooze = "nudge_snooze"

// overdueRep is a rep of the metrics' team view as the nudge holds them,
// for the words every surface says of them (coaching.OverdueRep.Waited).
func overdueRep(r metrics.TeamRep) coaching.OverdueRep {
	return coaching.OverdueRep{RepID: r.ID, Name: r.Name, Days: r.OverdueDays, Never: r.Never, SinceKnown: r.SinceKnown}
}

// nudgeMessage is a manager's nudge: why, who and for how long, a way to log
// coaching with each listed rep, and a snooze.
func nudgeMessage(n coaching.Nudge) message {
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(":wave: Time for some coaching. "+esc(n.Why())), nil, nil)}
	for i, o := range n.Overdue {
		if i == coaching.MaxNudgeReps {
			blocks = append(blocks, slack.NewContextBlock(nudgeMore, mrkdwn(fmt.Sprintf("…and %s more: `/coach team` lists everyone.", coaching.Count(len(n.Overdue)-coaching.MaxNudgeReps)))))
			break
		}
		line := mention(o.RepID) + ": " + o.Waited("your")
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(line), nil,
			slack.NewAccessory(button(actLogForRp, "Log coaching", o.RepID, slack.StylePrimary))))
	}
	if len(n.Overdue) == 0 {
		blocks = append(blocks, slack.NewActionBlock("nudge_log", button(actLogOpen, "Log coaching", "nudge", slack.StylePrimary)))
	}
	blocks = append(blocks,
		slack.NewActionBlock("nudge_snooze", snoozeButton("Snooze 1 day", 1), snoozeButton("Snooze 1 week", 7)),
		slack.NewContextBlock("", mrkdwn(fmt.Sprintf("Your cadence: a coaching touch with every rep at least every %d days. "+
			"Away? `/coach away &lt;date&gt;` pauses these, and a rep who is away is not counted.", n.CadenceDays))))
	text := "Time for some coaching: " + esc(n.Why())
	return message{Text: text, Blocks: blocks}
}

// nudgeMore is the block id of a nudge's count of the overdue reps it
// leaves out, which a Snooze keeps (snoozedList).
const nudgeMore = "nudge_more"

// snoozedList is what a snoozed nudge keeps of blocks, the nudge's: its
// overdue reps, their lines without the Log coaching buttons, and the count
// of those left out. The manager keeps who was overdue, in fewer blocks and
// less text than the nudge had, so within what Slack took for it.
func snoozedList(blocks []slack.Block) []slack.Block {
	var kept []slack.Block
	for _, b := range blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			if a := b.Accessory; a != nil && a.ButtonElement != nil && a.ButtonElement.ActionID == actLogForRp && b.Text != nil {
				kept = append(kept, slack.NewSectionBlock(b.Text, nil, nil))
			}
		case *slack.ContextBlock:
			if b.BlockID == nudgeMore {
				kept = append(kept, b)
			}
		}
	}
	return kept
}

func snoozeButton(text string, days int) *slack.ButtonBlockElement {
	return button(actSnooze+"_"+strconv.Itoa(days), text, strconv.Itoa(days), "")
}

// reminderMessage is the one reminder a rep gets, in the thread of their
// DM, when a session has waited three days for them. It follows where the
// rep stands, as the DM does: once they answer (in the DM or the App
// Home), or the session is withdrawn from them, it says so rather than
// go on asking.
//
// A rep with several sessions pending gets as many reminders, often at
// once (sessions logged the same days come due the same hour), each in its
// own DM's thread, under the buttons it is about; what Slack shows of a
// thread reply alone (the notification, the Threads view) is its text. So
// each names its session fully enough to tell it from the others: the
// kind and the day, how long it was, and when it was logged, on the
// rep's own clock, loc (reminderSession).
func reminderMessage(s coaching.Session, repID string, loc *time.Location) message {
	r, _ := s.Rep(repID)
	what := reminderSession(s, loc)
	var text string
	switch {
	case r.Removed: // before an undo, which is no news of theirs (coaching.AsTakenOff)
		text = fmt.Sprintf(":wastebasket: Nothing to answer: %s took you off %s.", mention(s.ManagerID), what)
	case s.Undone():
		text = fmt.Sprintf(":wastebasket: Nothing to answer: %s withdrew %s.", mention(s.ManagerID), what)
	case r.Status == coaching.StatusConfirmed:
		text = fmt.Sprintf(":white_check_mark: Answered: you confirmed %s.", what)
	case r.Status == coaching.StatusDisputed:
		text = fmt.Sprintf(":x: Answered: you marked %s not accurate; %s has been told.", what, mention(s.ManagerID))
	default:
		text = fmt.Sprintf(":hourglass_flowing_sand: %s is still waiting for your answer on %s: Confirm or Not accurate, above.",
			mention(s.ManagerID), what)
	}
	return message{Text: text, Blocks: []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}}
}

// reminderSession names a session in its reminders: "this 1:1 from Wed 18
// Nov 2026 (30 min, logged at 17:00)". Two sessions of a kind on one day
// are told apart by their length and, failing that, by when each was
// logged. The time is Slack's date formatting, which shows it on the
// reader's own clock (docs.slack.dev/messaging/formatting-message-text,
// "Date formatting": <!date^timestamp^token_string|fallback_text>). Where
// a client cannot, it shows the fallback: the time on the rep's clock
// too, with its zone, as the day beside it is (a fallback in UTC read
// "logged Thu 19 Nov at 23:30 UTC" of a log made at 23:30 UTC on the
// Wednesday, 00:30 on Thursday in Paris).
//
// A session logged on another day than it happened, on the rep's clock
// loc, says that day too: "logged Fri 20 Nov at 11:00". "Logged at 11:00"
// alone, beside the session's day, read as logged that day. The day is
// ours, not one of Slack's tokens: none writes it as the session's day
// is written ("Wed 18 Nov 2026"), and which day it is was decided on loc.
func reminderSession(s coaching.Session, loc *time.Location) string {
	what := fmt.Sprintf("this %s from %s (%d min", s.Kind.Noun(), s.OccurredOn.Human(), s.DurationMin)
	if !s.CreatedAt.IsZero() {
		at := fmt.Sprintf("<!date^%d^{time}|%s>", s.CreatedAt.Unix(), s.CreatedAt.In(loc).Format("15:04 MST"))
		if logged := coaching.DateOf(s.CreatedAt, loc); logged != s.OccurredOn {
			what += ", logged " + loggedDay(logged, s.OccurredOn) + " at " + at
		} else {
			what += ", logged at " + at
		}
	}
	return what + ")"
}

// loggedDay writes the day a session was logged beside the day it
// happened: "Fri 20 Nov", with the year only when it is not the
// session's ("Fri 1 Jan 2027" for a session of 31 December).
func loggedDay(logged, occurred coaching.Date) string {
	if logged.Year != occurred.Year {
		return logged.Human()
	}
	return logged.Time(time.UTC).Format("Mon 2 Jan")
}
