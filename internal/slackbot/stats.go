package slackbot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
	"github.com/coachlog/coachlog/internal/textcut"
)

// person is someone as Coachlog knows them; the zero Person (no roles)
// for someone it does not.
func (b *Bot) person(ctx context.Context, id string) coaching.Person {
	p, err := b.svc.Person(ctx, id)
	if err != nil {
		if coaching.ErrorCode(err) != coaching.ENotFound {
			b.log.Warn("could not read a person", "user_id", id, "err", err)
		}
		return coaching.Person{ID: id}
	}
	return p
}

// figuresFor runs the metrics for a command, scoped to o.Root, answering
// the command itself when they cannot be read.
func (b *Bot) figuresFor(ctx context.Context, cmd slashCommand, p metrics.Period, o metrics.Options) (*metrics.Report, bool) {
	if b.figures == nil {
		b.respond(ctx, cmd.ResponseURL, textMessage(":warning: The numbers are not available in this setup."), false)
		return nil, false
	}
	r, err := b.figures.Run(ctx, p, o)
	if err != nil {
		b.commandFailed(ctx, cmd, "metrics for a command", err, numbersUnread)
		return nil, false
	}
	return r, true
}

// numbersUnread is what a command whose numbers could not be read says,
// unless the read was busy (commandFailed).
const numbersUnread = "I could not work out the numbers just now; please try again in a moment."

// commandFailed answers a command that failed doing what. A read or write
// that gave up waiting (busy: a lock or statement timeout) says so, in the
// store's words, and is logged at Warn; anything else is logged as the
// failure it is and answered with fallback.
func (b *Bot) commandFailed(ctx context.Context, cmd slashCommand, what string, err error, fallback string) {
	b.logAnswerError(what, err, "user_id", cmd.UserID)
	text := fallback
	if coaching.ErrorCode(err) == coaching.EBusy {
		text = escQuoted(coaching.ErrorMessage(err))
	}
	b.respond(ctx, cmd.ResponseURL, textMessage(":warning: "+text), false)
}

// stats serves /coach stats: the asker's numbers this week against the 4
// weeks before, with their insights; a leader's are their tree's.
// Someone without a team is told what it measures and how to get one.
func (b *Bot) stats(ctx context.Context, cmd slashCommand, args string) {
	if strings.TrimSpace(args) != "" {
		// A rep is told what it is and where their own coaching is, as
		// /coach stats alone tells them: "takes nothing after it", then
		// "is for managers", sent them round a command that is not theirs.
		if p := b.person(ctx, cmd.UserID); coaching.RepOnly(p) && !b.hasTeam(ctx, p) {
			b.respond(ctx, cmd.ResponseURL, textMessage(repStatsText(p)), false)
			return
		}
		b.ownOnly(ctx, cmd, "`/coach stats` shows your own numbers and takes nothing after it.", "numbers", args)
		return
	}
	p := b.person(ctx, cmd.UserID)
	manager, ok := b.isManager(ctx, cmd, p)
	if !ok {
		return
	}
	o := metrics.Options{Trend: true, Insights: true, Teams: true, Root: cmd.UserID}
	own, zone := b.ownClock(p)
	mo := o // their own numbers, on their own clock
	mo.Zone = zone
	if !p.Holds(coaching.PersonLeader) || (b.thisWeek() == own && zone == nil) {
		r, ok := b.figuresFor(ctx, cmd, own, mo)
		if !ok {
			return
		}
		b.respond(ctx, cmd.ResponseURL, statsMessage(r, r, p, manager, manager && b.beforeTeams(ctx, r, p.ID)), false)
		return
	}
	// A leader's week is the organisation's, the one its digest and
	// /coach report read: the managers below live on different dates and
	// that is the one they share. Their own team is still judged on their
	// own today and clock, as /coach team judges it.
	tree, ok := b.figuresFor(ctx, cmd, b.thisWeek(), o)
	if !ok {
		return
	}
	mine := tree
	if l, leads := tree.Leader(p.ID); !leads || len(l.ManagerIDs) == 0 {
		// Nobody below: their numbers are a manager's, on their own week.
		if mine, ok = b.figuresFor(ctx, cmd, own, mo); !ok {
			return
		}
		tree = mine
	} else if manager {
		// Their team's line beside the tree needs only the summary.
		if mine, ok = b.figuresFor(ctx, cmd, own, metrics.Options{Summary: true, Teams: true, Root: cmd.UserID, Zone: zone}); !ok {
			return
		}
	}
	b.respond(ctx, cmd.ResponseURL, statsMessage(tree, mine, p, manager, manager && b.beforeTeams(ctx, mine, p.ID)), false)
}

// beforeTeams reports whether r, a manager's own week so far, came before
// the roster named any team, with nobody coaching in it: a week
// `coachlog metrics` lists no team for and the digest does not cover
// (coaching.PeriodBeforeTeams, on the organisation's clock). Its figures
// would be zeros as if the team had been there. Only a manager whose
// counting started on the week's last day on their own clock (Since) can
// be in one, a manager behind the organisation's clock just after the
// first import: only then is it asked, so that no other /coach stats or
// Home pays the read. A failed read is logged and shows the figures.
func (b *Bot) beforeTeams(ctx context.Context, r *metrics.Report, managerID string) bool {
	f, ok := r.Manager(managerID)
	if !ok || f.Since.IsZero() || f.Since.Before(r.Period.To) {
		return false
	}
	before, err := b.svc.PeriodBeforeTeams(ctx, r.Period.From, r.Period.To)
	if err != nil {
		b.log.Warn("could not read whether a week came before the roster's teams", "user_id", managerID, "err", err)
		return false
	}
	return before
}

// beforeTeamsText says why a manager's own week so far shows no numbers
// (beforeTeams), as /coach report and `coachlog metrics` say it of a week
// gone.
func beforeTeamsText(per metrics.Period) string {
	return fmt.Sprintf("(%s) came before the roster named any team, and nobody logged coaching in it: no numbers for it, "+
		"as there is no digest of it. Yours start with your next week.", periodLabel(per))
}

// ownOnly answers /coach stats or /coach team given something after it,
// with usage: they are about the asker, and answering with the asker's
// own figures under someone else's name would read as that person's. A
// leader or admin who named someone is pointed at /coach report, which is
// how they see another's (what: "numbers", "team"); a manager, at what
// they have for one rep.
func (b *Bot) ownOnly(ctx context.Context, cmd slashCommand, usage, what, args string) {
	text := usage
	if m := mentionRE.FindStringSubmatch(args); m != nil {
		// "@sam" from <@U123|sam>, the name Slack put in the mention.
		at := esc(strings.ReplaceAll(unescape(m[0], nil), "`", ""))
		if at == "@"+m[1] {
			at = "@name" // no name in it
		}
		p := b.person(ctx, cmd.UserID)
		switch admin := b.isAdmin(ctx, cmd.UserID); {
		case p.Holds(coaching.PersonLeader) || admin:
			text += b.othersAdvice(ctx, p, admin, m[1], at, what)
		case p.Manages(b.person(ctx, m[1])):
			// Only for their own rep: /coach prep refuses anyone else's.
			text += fmt.Sprintf(" For one of your reps: `/coach history %s`, or `/coach prep %s` before your next session.", at, at)
		}
	}
	b.respond(ctx, cmd.ResponseURL, textMessage(text), false)
}

// othersAdvice points a leader or admin (asker; admin when they are one)
// who named id (typed as at) in /coach stats or /coach team at what shows
// that person's: a report for a manager or a leader; for a rep, who has
// no numbers of their own, a leader's history of them when they are below
// that leader, and otherwise their manager's report, which counts their
// coaching. A report is advised only when the asker may have it
// (coaching's ReportScope, the rule /coach report applies): a leader
// naming someone outside their tree is told so, not sent to a refusal.
func (b *Bot) othersAdvice(ctx context.Context, asker coaching.Person, admin bool, id, at, what string) string {
	t := b.person(ctx, id)
	who := mention(id)
	switch {
	case t.Holds(coaching.PersonLeader) || b.hasTeam(ctx, t):
		if refused := b.reportRefused(ctx, asker.ID, id, admin); refused != "" {
			return " " + refused
		}
		return fmt.Sprintf(" For %s's %s: `/coach report %s`.", who, what, at)
	case !t.Holds(coaching.PersonRep):
		return fmt.Sprintf(" The roster gives %s no team and no organisation, so no report either: numbers are a manager's or a leader's.", who)
	}
	text := fmt.Sprintf(" %s is a rep, with no numbers of their own", who)
	below, err := b.svc.Below(ctx, asker.ID, id)
	if err != nil {
		b.log.Warn("could not read whether someone is below a leader", "user_id", asker.ID, "err", err)
	}
	switch {
	case below:
		text += fmt.Sprintf(": `/coach history %s` shows the coaching the managers below you logged with them.", at)
	case t.ManagerID != "" && b.reportRefused(ctx, asker.ID, t.ManagerID, admin) == "":
		text += fmt.Sprintf(": their coaching counts in their manager %s's figures, `/coach report` with that name after it.", mention(t.ManagerID))
	case t.ManagerID != "":
		text += ", and neither they nor their manager " + mention(t.ManagerID) + " is below you in the roster."
	default:
		text += " and no manager in the roster."
	}
	return text
}

// reportRefused is what /coach report @id would refuse askerID with, ""
// when it would answer. A failed read is logged and refuses nothing: the
// report itself then says what it can.
func (b *Bot) reportRefused(ctx context.Context, askerID, id string, admin bool) string {
	_, err := b.svc.ReportScope(ctx, askerID, id, admin)
	switch {
	case err == nil:
		return ""
	case coaching.ErrorCode(err) == coaching.EForbidden:
		return coaching.ErrorMessage(err)
	}
	b.log.Warn("could not read whether a report would answer", "user_id", askerID, "err", err)
	return ""
}

// thisWeek is the period of the surfaces about a leader's tree: the
// organisation's week so far.
func (b *Bot) thisWeek() metrics.Period {
	if b.figures == nil {
		today := coaching.DateOf(b.svc.Now(), time.UTC)
		return metrics.Period{From: today, To: today}
	}
	return b.figures.ThisWeek()
}

// ownClock is what a manager's own surfaces are read on: the period, their
// local ISO week up to their local today, and the zone, their own (the
// one their nudge uses; nil when it is the organisation's, so that a run
// on it is the organisation's run). PRODUCT.md makes "today" and
// "overdue" the manager's local ones, and the nudge rule judges on that
// date and zone; the organisation's would count a rep a day older than
// their nudge does behind its zone, leave out today's sessions ahead of
// it, and start a new rep's clock on the organisation's day of the
// import rather than theirs.
func (b *Bot) ownClock(p coaching.Person) (metrics.Period, *time.Location) {
	per := metrics.WeekSoFar(b.svc.TodayOf(p))
	if b.figures == nil {
		return per, nil
	}
	loc := b.svc.LocationOf(p)
	if loc.String() == b.figures.Location().String() {
		return per, nil
	}
	return per, loc
}

// statsMessage renders someone's own figures: a leader's tree (and their
// own team's line, from mine), a manager's team (from mine), or what the
// command needs. tree and mine are the same report when the leader's and
// the person's weeks agree; manages is whether p is a manager
// (coaching.IsManager); before is whether mine, the manager's own week so
// far, came before the roster named any team: it then says so in place of a
// week of zeros.
func statsMessage(tree, mine *metrics.Report, p coaching.Person, manages, before bool) message {
	own, _ := mine.Manager(p.ID)
	l, leads := tree.Leader(p.ID)
	switch {
	case leads && len(l.ManagerIDs) > 0:
		blocks := figureBlocks(fmt.Sprintf("Your organisation this week: %s", plural(len(l.ManagerIDs), "manager", "managers")), "", tree.Period, l)
		if manages {
			line := scopeLine(own) + "."
			if before {
				line = "your week so far " + beforeTeamsText(mine.Period)
			}
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn("*Your own team:* "+line+" `/coach team` lists your reps.")))
		}
		return message{Text: "Your organisation's coaching this week", Blocks: blocks}
	case manages && before:
		return message{Text: "Your coaching this week", Blocks: []slack.Block{
			slack.NewHeaderBlock(plain("Your coaching this week")),
			slack.NewSectionBlock(mrkdwn("Your week so far "+beforeTeamsText(mine.Period)+" `/coach team` lists your reps."), nil, nil),
		}}
	case manages:
		blocks := figureBlocks("Your coaching this week", "", mine.Period, own)
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn("`/coach team` lists your reps and who is overdue.")))
		return message{Text: "Your coaching this week", Blocks: blocks}
	}
	return noTeamMessage(p, own)
}

// figureBlocks are a scope's figures with a title, the days they cover,
// and its insights over the last 4 weeks. scope, when given, says whose
// figures they are (mrkdwn).
func figureBlocks(title, scope string, per metrics.Period, f metrics.Figures) []slack.Block {
	about := periodLabel(per) + " · beside each count, the 4 weeks before as a weekly average"
	if f.Before != nil && !f.TrendCounted(per) {
		// Weeks before the first roster import hold nothing anyone logged.
		about = periodLabel(per) + " · " + metrics.TrendWait(f.Since)
	}
	if scope != "" {
		about = scope + " · " + about
	}
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(textcut.Cut(title, 150))),
		slack.NewContextBlock("", mrkdwn(about)),
		slack.NewSectionBlock(nil, figureFields(f, per), nil),
	}
	if f.Insights == nil && f.Before == nil {
		return blocks // a summary: no insights were computed
	}
	text := whatStandsOut(f.Insights)
	if len(f.Insights) == 0 {
		text = "*What stands out* over the last 4 weeks: nothing to flag, or too little coaching logged yet to tell."
	}
	return append(blocks, slack.NewSectionBlock(mrkdwn(text), nil, nil))
}

// repStatsText tells a rep what /coach stats is and where their own
// coaching is.
func repStatsText(p coaching.Person) string {
	return "*`/coach stats` is for managers*: the coaching they log with the reps who report to them. " + coaching.Alternatives(p, false)
}

// noTeamMessage tells someone without a team (not a manager, by
// coaching.IsManager) what /coach stats measures and how they get there.
func noTeamMessage(p coaching.Person, own metrics.Figures) message {
	if coaching.RepOnly(p) {
		// A rep reads nothing of theirs in a manager's figures, and the
		// admin's roster steps would read as a task of theirs.
		lines := []string{repStatsText(p)}
		if own.Metrics.Sessions > 0 {
			lines = append(lines, fmt.Sprintf("You logged %s this week; if reps report to you, your sales ops admin names you their manager in the roster.",
				plural(own.Metrics.Sessions, "session", "sessions")))
		}
		return message{Text: "/coach stats is for managers", Blocks: []slack.Block{slack.NewSectionBlock(mrkdwn(strings.Join(lines, "\n\n")), nil, nil)}}
	}
	lines := []string{
		"*`/coach stats` shows a manager's coaching*, this week against the 4 weeks before: sessions and minutes; how many of your reps " +
			"were coached within your cadence, and who is overdue; how your time splits across top, middle and bottom performers " +
			"beside the team's make-up; your role on ride-alongs; how many sessions your reps confirmed and how useful they found " +
			"them (an average of three ratings or more, never one); commitments made and kept; and how steady your cadence is week to week.",
		"It needs a team: reps who report to you in the roster. Your sales ops admin adds them with `coachlog roster import`, " +
			"naming you in the `manager` column of each of your reps.",
	}
	if p.Holds(coaching.PersonLeader) {
		lines = append(lines, "As a leader, you get the same for your organisation once the roster names managers below you.")
	}
	if own.Metrics.Sessions > 0 {
		// A session counts for the manager who logged it, team or not
		// (PRODUCT.md), and a leader above reads them in the digest and
		// /coach report. "They count toward your numbers once your team is
		// in the roster" told a manager whose team had moved that they did not.
		lines = append(lines, fmt.Sprintf("You logged %s this week: they count already, as every session does for whoever logged it "+
			"(leaders above you see them); the figures here need your team in the roster.", plural(own.Metrics.Sessions, "session", "sessions")))
	}
	if p.Holds(coaching.PersonRep) { // and a manager or leader waiting for a team
		lines = append(lines, coaching.Alternatives(p, false))
	}
	return message{Text: "/coach stats needs a team", Blocks: []slack.Block{slack.NewSectionBlock(mrkdwn(strings.Join(lines, "\n\n")), nil, nil)}}
}

// noTeamYet tells someone without a team how they get one.
const noTeamYet = "Nobody reports to you in the roster yet; your sales ops admin adds your reps with `coachlog roster import`."

// isManager reports whether p is a manager now: someone with reps on
// their team in the current roster, the one rule (coaching.IsManager) by
// which their nudge is sent and /coach team, /coach stats and the App
// Home show them a team, whatever their roles. When it cannot be read,
// the command is answered so and ok is false.
func (b *Bot) isManager(ctx context.Context, cmd slashCommand, p coaching.Person) (manager, ok bool) {
	manager, err := b.svc.IsManager(ctx, p)
	if err != nil {
		b.commandFailed(ctx, cmd, "reading whether someone has a team", err, numbersUnread)
		return false, false
	}
	return manager, true
}

// hasTeam is isManager where no answer is needed: a failed read is logged
// and taken as no team, for a hint or a tab without its team part.
func (b *Bot) hasTeam(ctx context.Context, p coaching.Person) bool {
	manager, err := b.svc.IsManager(ctx, p)
	if err != nil {
		b.log.Warn("could not read whether someone has a team", "user_id", p.ID, "err", err)
	}
	return manager
}

// alternatives is coaching.Alternatives for someone by id, for a refusal.
func (b *Bot) alternatives(ctx context.Context, id string) string {
	p := b.person(ctx, id)
	return coaching.Alternatives(p, b.hasTeam(ctx, p))
}
