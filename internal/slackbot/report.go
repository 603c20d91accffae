package slackbot

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

// reportUsage is what /coach report takes.
const reportUsage = "Usage: `/coach report` for your part of the tree this week so far, `/coach report last week` (or a week such as `/coach report 2026-W47`) for a week gone, " +
	"and `/coach report @someone` for a manager or leader below you, with a week after the name if you like."

// report serves /coach report [@leader-or-manager] [last week | YYYY-Www]:
// the digest of a part of the tree, this week so far or a week gone (the
// digest's own week, on demand, once the Monday digest has moved on), for
// leaders (themselves and anyone below them) and admins (anyone; the whole
// organisation when they lead none), answered privately. Who may ask about
// whom is the domain's rule, whatever the week.
func (b *Bot) report(ctx context.Context, cmd slashCommand, args string) {
	target := ""
	if m := mentionRE.FindStringSubmatchIndex(args); m != nil {
		target = args[m[2]:m[3]]
		args = args[:m[0]] + " " + args[m[1]:]
	}
	// Who may ask first: someone the report is not for is told what is
	// theirs, not how to type the week of a report they may not have.
	root, err := b.svc.ReportScope(ctx, cmd.UserID, target, b.isAdmin(ctx, cmd.UserID))
	if err != nil {
		b.answerError(ctx, cmd.ResponseURL, "report", err)
		return
	}
	// One reading of the clock for the week asked and this week: "last
	// week" is the week before the one the report calls this week.
	now := b.thisWeek()
	week, badWeek, ok := reportWeek(args, now)
	if !ok {
		text := reportUsage
		if badWeek != "" {
			text = badWeek + ". " + reportUsage
		}
		b.respond(ctx, cmd.ResponseURL, textMessage(text), false)
		return
	}
	current := coaching.WeekOf(now.From)
	per := now
	switch {
	case week == (coaching.Week{}):
		week = current
	case week.Monday().After(now.To):
		b.respond(ctx, cmd.ResponseURL, textMessage(fmt.Sprintf("%s has not started yet (today is %s): a report covers this week so far or a week gone.", week, now.To.Human())), false)
		return
	case week != current:
		per = metrics.WeekPeriod(week)
	}
	if week != current {
		// As the digest: a week that ended before the roster named any
		// team, with nobody coaching in it, is no week of zeros.
		before, err := b.svc.WeekBeforeTeams(ctx, week)
		if err != nil {
			b.commandFailed(ctx, cmd, "report week", err, numbersUnread)
			return
		}
		if before {
			b.respond(ctx, cmd.ResponseURL, textMessage(fmt.Sprintf("%s ended before the roster named any team, and nobody logged coaching in it: "+
				"no report of it, as there is no digest.", week)), false)
			return
		}
	}
	r, ok := b.figuresFor(ctx, cmd, per, metrics.Options{Trend: true, Insights: true, Root: root})
	if !ok {
		return
	}
	if root != cmd.UserID {
		wordForOthers(r)
	}
	b.respond(ctx, cmd.ResponseURL, reportMessage(r, root, reportWhen(week, current)), false)
}

// reportWeek reads the week a /coach report asks for, the mention taken
// out: none (the zero Week: this week so far), "last week" (the one before
// now's), or an ISO week as `coachlog digest --week` reads it. bad is
// ParseWeek's word on a week written wrong; ok is false for anything else.
func reportWeek(args string, now metrics.Period) (week coaching.Week, bad string, ok bool) {
	words := strings.Fields(strings.ToLower(args))
	switch {
	case len(words) == 0:
		return coaching.Week{}, "", true
	case len(words) == 2 && words[0] == "last" && words[1] == "week":
		return coaching.WeekOf(now.From.AddDays(-7)), "", true
	case len(words) == 1 && isDigit(words[0][0]):
		w, err := coaching.ParseWeek(strings.ToUpper(words[0]))
		if err != nil {
			return coaching.Week{}, err.Error(), false
		}
		return w, "", true
	}
	return coaching.Week{}, "", false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// when is how a report names its week: in its title, and in what it says
// when there is nothing to show.
type when struct {
	label  string // "this week, 2026-W48", "last week, 2026-W47", "2026-W45"
	during string // "this week", "last week", "in 2026-W45"
	ask    string // what to add after `/coach report @name` for the same week
}

func reportWhen(week, current coaching.Week) when {
	switch {
	case week == current:
		return when{label: "this week, " + week.String(), during: "this week"}
	case week == coaching.WeekOf(current.Monday().AddDays(-7)):
		return when{label: "last week, " + week.String(), during: "last week", ask: " last week"}
	}
	return when{label: week.String(), during: "in " + week.String(), ask: " " + week.String()}
}

// wordForOthers words every finding of r for a reader other than the one
// it is about, as the digest's channel reads them: a manager's reps
// counted, not named (PRODUCT.md: named to their manager, counted for
// leaders), "you" and "below you" in the third person.
func wordForOthers(r *metrics.Report) {
	for j, in := range r.Org.Insights {
		r.Org.Insights[j].Text = in.Public()
	}
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
func reportMessage(r *metrics.Report, root string, w when) message {
	title := "Coaching report: " + w.label
	var head *metrics.Figures
	// whose says in the text (a notification, a screen reader) whose
	// figures these are, as the header's scope line does.
	var scope, whose string
	lines := reportLines(r, root, root)
	switch f, ok := r.Leader(root); {
	case root == "":
		// The whole organisation, as the digest's headline has it: every
		// manager, those outside every leader's tree too. Its lines are
		// those right below it, each top leader for their whole tree and
		// the managers outside every tree, however many leaders are at the
		// top. Only when one leader's tree is all of it (the headline says
		// it is led by them, as the digest leaves out such a leader: the
		// headline is their tree) are they those right below that leader.
		var tops []metrics.Figures
		for _, l := range r.Leaders {
			if l.LeaderID == "" {
				tops = append(tops, l)
			}
		}
		if len(tops) == 1 && outsideTrees(r, tops) == 0 {
			lines = append(reportLines(r, tops[0].ID, tops[0].ID), reportLines(r, "", tops[0].ID)...)
		}
		whose = "the whole organisation"
		if len(r.Org.ManagerIDs) > 0 {
			head, scope = &r.Org, orgScope(r, tops)
		}
	case ok && len(f.ManagerIDs) == 0:
		return textMessage(fmt.Sprintf("No figures for %s %s: there are no managers below %s in the roster yet. "+
			"A report covers the managers below a leader, once the roster names them.", mention(root), w.during, mention(root)))
	case ok:
		head, whose = &f, mention(root)+"'s organisation"
		scope = fmt.Sprintf("%s, %s", whose, plural(len(f.ManagerIDs), "manager", "managers"))
	default:
		if m, ok := r.Manager(root); ok {
			head = &m
			scope = mention(root) + "'s team"
			whose = scope
		}
	}
	if head == nil && root != "" {
		text := fmt.Sprintf("No figures for %s %s: a report is about a manager's team or a leader's organisation, and the roster gives %s neither.", mention(root), w.during, mention(root))
		return textMessage(text)
	}
	if head == nil {
		// An admin's report before the roster names any manager (a new
		// workspace) was a title and a date range, nothing under them: say
		// why, as the digest says it has no week to post.
		return textMessage(fmt.Sprintf("No figures for the whole organisation %s: the roster names no manager, and nobody logged coaching %s. "+
			"A report covers the managers and their reps once an admin's `coachlog roster import` names them.", w.during, w.during))
	}
	blocks := figureBlocks(title, scope, r.Period, *head)
	if len(lines) > 0 {
		blocks = append(blocks, slack.NewDividerBlock())
		blocks = append(blocks, lineSections(lines, maxMessageBlocks-len(blocks), reportLineText, func(n int) string {
			return fmt.Sprintf("…and %s more: `/coach report @name%s` shows one of them.", coaching.Count(n), w.ask)
		})...)
	}
	return message{Text: title + " · " + whose, Blocks: blocks}
}

// orgScope says what the whole organisation's figures cover: its
// managers, who leads them when one leader's tree is all of it, and how
// many are outside every leader's tree otherwise.
func orgScope(r *metrics.Report, tops []metrics.Figures) string {
	all := len(r.Org.ManagerIDs)
	scope := "The whole organisation: " + plural(all, "manager", "managers")
	switch outside := outsideTrees(r, tops); {
	case len(tops) == 1 && outside == 0:
		scope = fmt.Sprintf("The whole organisation, led by %s: %s", mention(tops[0].ID), plural(all, "manager", "managers"))
	case outside > 0 && len(tops) > 0:
		scope += fmt.Sprintf(", %s outside any leader's tree", coaching.Count(outside))
	}
	return scope
}

// outsideTrees counts the organisation's managers in none of the trees
// of tops, the leaders at its top.
func outsideTrees(r *metrics.Report, tops []metrics.Figures) int {
	inTrees := map[string]bool{}
	for _, l := range tops {
		for _, id := range l.ManagerIDs {
			inTrees[id] = true
		}
	}
	outside := 0
	for _, id := range r.Org.ManagerIDs {
		if !inTrees[id] {
			outside++
		}
	}
	return outside
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
