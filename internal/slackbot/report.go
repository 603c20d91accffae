package slackbot

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/metrics"
)

// report serves /coach report [@leader-or-manager]: the digest of a part
// of the tree, this week so far, for leaders (themselves and anyone below
// them) and admins (anyone; the whole organisation when they lead none),
// answered privately. Who may ask about whom is the domain's rule.
func (b *Bot) report(ctx context.Context, cmd slashCommand, args string) {
	target := ""
	if m := mentionRE.FindStringSubmatch(args); m != nil {
		target = m[1]
	} else if strings.TrimSpace(args) != "" {
		b.respond(ctx, cmd.ResponseURL, textMessage("Usage: `/coach report` for your part of the tree, or `/coach report @someone` for a manager or leader below you."), false)
		return
	}
	root, err := b.svc.ReportScope(ctx, cmd.UserID, target, b.isAdmin(ctx, cmd.UserID))
	if err != nil {
		b.answerError(ctx, cmd.ResponseURL, "report", err)
		return
	}
	r, ok := b.figuresFor(ctx, cmd, b.thisWeek(), metrics.Options{Trend: true, Insights: true, Root: root})
	if !ok {
		return
	}
	if root != cmd.UserID {
		wordForOthers(r)
	}
	b.respond(ctx, cmd.ResponseURL, reportMessage(r, root), false)
}

// wordForOthers words every finding of r for a reader other than the one
// it is about, as the digest's channel reads them: a manager's reps
// counted, not named (PRODUCT.md: named to their manager, counted for
// leaders), "you" and "below you" in the third person.
func wordForOthers(r *metrics.Report) {
	for _, figs := range [][]metrics.Figures{r.Managers, r.Leaders} {
		for i := range figs {
			for j, in := range figs[i].Insights {
				figs[i].Insights[j].Text = in.Public()
			}
		}
	}
}

// maxMessageBlocks is how many blocks Slack takes in one message.
const maxMessageBlocks = 50

// reportLineText is the room a report's list of managers and leaders may
// take: Slack refuses a message past about 11,000 characters of text.
const reportLineText = 5000

// reportMessage is the digest of root's part of the tree ("" for the
// whole organisation): its figures and insights, then one line per
// manager and leader right below it, as many as one message holds, the
// rest counted.
func reportMessage(r *metrics.Report, root string) message {
	title := "Coaching report: this week"
	var head *metrics.Figures
	var scope string
	lines := reportLines(r, root, root)
	switch f, ok := r.Leader(root); {
	case root == "":
		// The whole organisation: the one leader at its top, if there is
		// one, leads it; managers outside every tree follow.
		var tops []metrics.Figures
		for _, l := range r.Leaders {
			if l.LeaderID == "" {
				tops = append(tops, l)
			}
		}
		if len(tops) == 1 {
			head = &tops[0]
			lines = append(reportLines(r, head.ID, head.ID), reportLines(r, "", head.ID)...)
		}
		scope = "The whole organisation"
		if head != nil {
			scope = fmt.Sprintf("The whole organisation, led by %s: %s", mention(head.ID), plural(len(head.ManagerIDs), "manager", "managers"))
		}
	case ok && len(f.ManagerIDs) == 0:
		return textMessage(fmt.Sprintf("No figures for %s this week: there are no managers below %s in the roster yet. "+
			"A report covers the managers below a leader, once the roster names them.", mention(root), mention(root)))
	case ok:
		head = &f
		scope = fmt.Sprintf("%s's organisation, %s", mention(root), plural(len(f.ManagerIDs), "manager", "managers"))
	default:
		if m, ok := r.Manager(root); ok {
			head = &m
			scope = mention(root) + "'s team"
		}
	}
	if head == nil && root != "" {
		text := fmt.Sprintf("No figures for %s this week: a report is about a manager's team or a leader's organisation, and the roster gives %s neither.", mention(root), mention(root))
		return textMessage(text)
	}
	var blocks []slack.Block
	if head != nil {
		blocks = figureBlocks(title, scope, r.Period, *head)
	} else {
		blocks = []slack.Block{slack.NewHeaderBlock(plain(title)), slack.NewContextBlock("", mrkdwn(scope+" · "+periodLabel(r.Period)))}
	}
	if len(lines) > 0 {
		blocks = append(blocks, slack.NewDividerBlock())
		blocks = append(blocks, lineSections(lines, maxMessageBlocks-len(blocks), reportLineText, func(n int) string {
			return fmt.Sprintf("…and %d more: `/coach report @name` shows one of them.", n)
		})...)
	}
	return message{Text: title, Blocks: blocks}
}

// reportLines are the lines of the managers and leaders right below root
// (those whose nearest leader is root, or who have none when root is ""),
// but except: the leaders first, each for their whole tree, then the
// managers, and a leader's own team first of all. A leader's own team is
// never a line of its own below someone else: their tree's line counts it.
func reportLines(r *metrics.Report, root, except string) []string {
	var lines []string
	if m, ok := r.Manager(root); ok && root != "" {
		if _, leads := r.Leader(root); leads {
			lines = append(lines, "*Own team:* "+scopeLine(m))
		}
	}
	var below []metrics.Figures
	for _, f := range slices.Concat(r.Leaders, r.Managers) {
		if f.LeaderID != root || f.ID == except {
			continue
		}
		if _, leads := r.Leader(f.ID); leads && !f.Leader {
			continue
		}
		below = append(below, f)
	}
	slices.SortStableFunc(below, func(a, b metrics.Figures) int { return cmp.Compare(b2i(b.Leader), b2i(a.Leader)) })
	for _, f := range below {
		lines = append(lines, "• "+scopeLine(f))
	}
	return lines
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
