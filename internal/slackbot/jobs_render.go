package slackbot

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
)

// Action ids of the nudge's buttons.
const actSnooze = "nudge_snooze"

// nudgeMessage is a manager's nudge: why, who and for how long, a way to log
// coaching with each listed rep, and a snooze.
func nudgeMessage(n coaching.Nudge) message {
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(":wave: Time for some coaching. "+esc(n.Why())), nil, nil)}
	for i, o := range n.Overdue {
		if i == coaching.MaxNudgeReps {
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(fmt.Sprintf("…and %d more.", len(n.Overdue)-coaching.MaxNudgeReps))))
			break
		}
		line := fmt.Sprintf("%s: %d days since their last session", mention(o.RepID), o.Days)
		if o.Never {
			line = fmt.Sprintf("%s: not coached yet, %d days in your team", mention(o.RepID), o.Days)
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(line), nil,
			slack.NewAccessory(button(actLogForRp, "Log coaching", o.RepID, slack.StylePrimary))))
	}
	if len(n.Overdue) == 0 {
		blocks = append(blocks, slack.NewActionBlock("nudge_log", button(actLogOpen, "Log coaching", "nudge", slack.StylePrimary)))
	}
	blocks = append(blocks,
		slack.NewActionBlock("nudge_snooze", button(actSnooze, "Snooze 1 day", "1", ""), button(actSnooze, "Snooze 1 week", "7", "")),
		slack.NewContextBlock("", mrkdwn(fmt.Sprintf("Your cadence: a coaching touch with every rep at least every %d days. "+
			"Away? `/coach away <date>` pauses these, and a rep who is away is not counted.", n.CadenceDays))))
	text := "Time for some coaching: " + n.Why()
	return message{Text: text, Blocks: blocks}
}

// reminderMessage is the one reminder a rep gets, in the thread of their
// DM, when a session has waited three days for them.
func reminderMessage(s coaching.Session) message {
	text := fmt.Sprintf(":hourglass_flowing_sand: %s is still waiting for your answer on this %s from %s: Confirm or Not accurate, above.",
		mention(s.ManagerID), s.Kind.Label(), s.OccurredOn.Human())
	return message{Text: text, Blocks: []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}}
}

// digestMessage is the weekly digest for the leaders' channel. Note text
// never appears in it.
func digestMessage(d coaching.Digest) message {
	title := fmt.Sprintf("Coaching digest · %s (%s to %s)", d.Week, d.Week.Monday().Human(), d.Week.Sunday().Human())
	var sessions, minutes, team, covered, overdue int
	for _, m := range d.Managers {
		sessions, minutes, team, covered, overdue = sessions+m.Sessions, minutes+m.Minutes, team+m.TeamSize, covered+m.Covered, overdue+m.Overdue
	}
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(truncate(title, 150))),
		slack.NewSectionBlock(mrkdwn(fmt.Sprintf("*%d sessions, %d minutes* across %d managers. %d of %d reps within their cadence; %d overdue.",
			sessions, minutes, len(d.Managers), covered, team, overdue)), nil, nil),
	}
	// Slack refuses a message with more than about 11,000 characters of
	// block text: list managers, busiest first, while they fit.
	const perSection, budget = 15, 9000
	var lines []string
	used := 0
	flush := func() {
		if len(lines) > 0 {
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn(strings.Join(lines, "\n")), nil, nil))
			lines = nil
		}
	}
	for i, m := range d.Managers {
		line := fmt.Sprintf("%s: %d sessions, %d min · %d/%d reps within %d days · %d overdue",
			mention(m.ManagerID), m.Sessions, m.Minutes, m.Covered, m.TeamSize, m.CadenceDays, m.Overdue)
		if used+len(line) > budget {
			flush()
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(fmt.Sprintf("…and %d more managers: `coachlog export` has them all.", len(d.Managers)-i))))
			break
		}
		used += len(line) + 1
		lines = append(lines, line)
		if len(lines) == perSection {
			flush()
		}
	}
	flush()
	return message{Text: title, Blocks: blocks}
}
