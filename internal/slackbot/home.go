package slackbot

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
)

// Room in a Home tab: Slack takes 100 blocks.
const (
	homeBlocks      = 100
	homeOverdueRows = 10 // overdue reps listed one by one, each with a button
	homePending     = 10 // sessions waiting for a rep, listed one by one, each with Confirm and Not accurate
	homeToRate      = 5  // confirmed sessions not rated yet, listed one by one, each with the rating buttons 1 to 5
	homeSessions    = 5  // a manager's latest sessions, each with Edit and Undo
	homeReceived    = 20 // a rep's latest sessions read for their part of the tab
	homeAnswered    = 5  // sessions the rep answered, one line each, in one section
	homeLineText    = 12000
)

// home is what someone's App Home tab shows, by role: a manager's week
// against their cadence, overdue reps and insights; a leader's
// organisation and each manager's line; a rep's sessions and commitments.
// Someone with several roles sees each part.
type home struct {
	notice  string
	person  coaching.Person
	manager bool            // whether person is a manager (coaching.IsManager): their team part shows
	period  metrics.Period  // the person's own week, for their team
	report  *metrics.Report // on period; nil when the numbers could not be read
	// before: period came before the roster named any team (Bot.beforeTeams)
	before bool
	// treePeriod is the organisation's week, for a leader's tree (see
	// homeView), and tree its figures: report itself when the weeks agree.
	treePeriod metrics.Period
	tree       *metrics.Report
	logged     []coaching.Session
	loggedMore bool // the person logged older sessions than logged lists
	received   []coaching.Session
	// receivedMore: the rep received older sessions than received
	// lists, which its counts leave out.
	receivedMore bool
	open         []coaching.Commitment
	openMore     int // how many more of the rep's commitments are open than open lists
}

// latest keeps the first n of xs, read as n+1 newest first, and reports
// whether there was one more: older ones the surface says it leaves out.
func latest[T any](xs []T, n int) ([]T, bool) {
	if len(xs) > n {
		return xs[:n], true
	}
	return xs, false
}

// homeView renders someone's App Home tab. A notice, when given, comes
// first: what became of something the person did in the tab. The numbers
// come from one run of the metrics scoped to the person; if it fails the
// tab is published without them rather than not at all.
func (b *Bot) homeView(ctx context.Context, userID, notice string) (slack.HomeTabViewRequest, error) {
	h := home{notice: notice, person: b.person(ctx, userID)}
	var err error
	// One more than is shown, to tell whether there are older ones.
	if h.logged, err = b.svc.History(ctx, userID, "", homeSessions+1); err != nil {
		return slack.HomeTabViewRequest{}, err
	}
	h.logged, h.loggedMore = latest(h.logged, homeSessions)
	// One more than the tab counts, to tell whether there are older ones.
	if h.received, err = b.svc.RepSessions(ctx, userID, homeReceived+1); err != nil {
		return slack.HomeTabViewRequest{}, err
	}
	h.received, h.receivedMore = latest(h.received, homeReceived)
	if h.person.Holds(coaching.PersonRep) || len(h.received) > 0 {
		if h.open, h.openMore, err = b.svc.MyCommitments(ctx, userID); err != nil {
			return slack.HomeTabViewRequest{}, err
		}
	}
	// A manager is someone with a team, by the rule their nudge follows;
	// if that cannot be read the tab goes out without the team part.
	h.manager = b.hasTeam(ctx, h.person)
	leader, manager := h.person.Holds(coaching.PersonLeader), h.manager
	if b.figures != nil && (leader || manager || len(h.logged) > 0) {
		// A leader's tree is read as a summary (this week's own figures),
		// unless they have a team too, whose insights need the full run.
		o := metrics.Options{Root: userID, Teams: true, Insights: manager || !leader, Summary: leader && !manager}
		h.period, o.Zone = b.ownClock(h.person)
		if leader && !manager {
			// no team of their own: only the tree, on its week and clock
			h.period, o.Zone = b.figures.ThisWeek(), nil
		}
		h.report = b.homeFigures(ctx, userID, h.period, o)
		h.before = manager && h.report != nil && b.beforeTeams(ctx, h.report, userID)
		if leader {
			// The tree is on the organisation's week and clock, as the
			// digest and /coach report read it: its managers live on
			// different dates, and that is the one they share. A second
			// run only while the leader's own clock is not the
			// organisation's.
			h.treePeriod, h.tree = h.period, h.report
			if org := b.figures.ThisWeek(); org != h.period || o.Zone != nil {
				h.treePeriod = org
				h.tree = b.homeFigures(ctx, userID, org, metrics.Options{Root: userID, Summary: true})
			}
		}
	}
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: h.blocks()}}, nil
}

// homeFigures runs the metrics for someone's Home tab; nil when they fail,
// and the tab is published without them.
func (b *Bot) homeFigures(ctx context.Context, userID string, p metrics.Period, o metrics.Options) *metrics.Report {
	r, err := b.figures.Run(ctx, p, o)
	if err != nil {
		b.log.Warn("home without numbers: metrics failed", "user_id", userID, "err", err)
		return nil
	}
	return r
}

// blocks lays the tab out within Slack's 100 blocks: the fixed parts
// first, then a leader's list of managers in what room is left.
func (h home) blocks() []slack.Block {
	var top []slack.Block
	if h.notice != "" {
		top = append(top, slack.NewSectionBlock(mrkdwn(cutMrkdwn(h.notice, 3000)), nil, nil, slack.SectionBlockOptionBlockID("notice")))
	}
	top = append(top, slack.NewHeaderBlock(plain("Coachlog")))
	// The call to log coaching heads the tab of those who log it; a rep's
	// tab opens with what waits for them, and offers it last, quietly
	// (anyone may log coaching, a rep coaching a peer too).
	var tail []slack.Block
	if h.repView() {
		tail = []slack.Block{slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn("Coaching someone yourself? Log it here or with `/coach`."), nil,
			slack.NewAccessory(button(actLogOpen, "Log coaching", "home", "")))}
	} else {
		top = append(top, slack.NewSectionBlock(mrkdwn("Log coaching right after a ride-along or a 1:1; each rep confirms it with one click."), nil,
			slack.NewAccessory(button(actLogOpen, "Log coaching", "home", slack.StylePrimary))))
	}
	manager := h.managerBlocks()
	rep := h.repBlocks()
	leaderHead, leaderLines := h.leaderBlocks()
	room := homeBlocks - len(top) - len(manager) - len(rep) - len(leaderHead) - len(tail)
	blocks := slices.Concat(top, manager, leaderHead)
	if len(leaderLines) > 0 {
		blocks = append(blocks, lineSections(leaderLines, room, homeLineText, func(n int) string {
			return fmt.Sprintf("…and %s more managers: `/coach report @name` shows one of them.", coaching.Count(n))
		})...)
	}
	return slices.Concat(blocks, rep, tail)
}

// repView reports whether the tab is a rep's alone: coaching received
// (or the roster's rep role) and nothing of someone who logs coaching,
// no team, no manager or leader role, no session logged.
func (h home) repView() bool {
	logs := h.manager || len(h.logged) > 0 || h.person.Holds(coaching.PersonManager) || h.person.Holds(coaching.PersonLeader)
	return !logs && (h.person.Holds(coaching.PersonRep) || len(h.received) > 0)
}

// managerBlocks are a manager's week against their cadence, their overdue
// reps each with a Log coaching button, their insights, and their latest
// sessions with Edit and Undo (the latter for anyone who logged some).
func (h home) managerBlocks() []slack.Block {
	var blocks []slack.Block
	switch {
	case h.manager && h.report != nil: // nil: the numbers could not be read, and the tab goes out without them
		f, ok := h.report.Manager(h.person.ID)
		if !ok {
			break
		}
		line := weekLine(f, h.period)
		if h.before {
			line = "*Your team this week* " + beforeTeamsText(h.period) + " `/coach team` lists your reps."
		}
		blocks = append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn(line), nil, nil))
		blocks = append(blocks, overdueBlocks(f.Team)...)
		if len(f.Insights) > 0 {
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn(whatStandsOut(f.Insights)), nil, nil))
		}
	case !h.manager && h.person.Holds(coaching.PersonManager):
		// The roster calls them a manager, but nobody is on their team.
		blocks = append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn("*Your team:* "+noTeamYet), nil, nil))
	}
	if len(h.logged) > 0 {
		blocks = append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn("*Your recent sessions*"), nil, nil))
		for _, s := range h.logged {
			val := fmt.Sprintf("%d:%s", s.ID, fromHome)
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn(summary(s)+roleSuffix(s)+" · "+ownStatusBadge(s)), nil, nil),
				slack.NewActionBlock("home_s"+strconv.FormatInt(s.ID, 10), button(actEdit, "Edit", val, ""), undoButton(s, val)))
		}
		if h.loggedMore {
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(fmt.Sprintf("Your %d latest. `/coach history` lists your %d latest, `/coach history @rep` those with one rep.", homeSessions, historyLimit))))
		}
	}
	return blocks
}

// weekLine is a manager's week so far against their cadence.
func weekLine(f metrics.Figures, per metrics.Period) string {
	m := f.Metrics
	line := fmt.Sprintf("*Your team this week* (%s): %s, %s min · %s of %s coached within your %d-day cadence · %s overdue",
		periodLabel(per), plural(m.Sessions, "session", "sessions"), coaching.Count(m.Minutes), coaching.Count(m.Covered), plural(m.Reps, "rep", "reps"),
		f.CadenceDays, coaching.Count(m.Overdue))
	if m.MeanRating != nil {
		line += fmt.Sprintf(" · rated %.1f of 5", *m.MeanRating)
	}
	return line + ". `/coach stats` has the rest."
}

// overdueBlocks list a team's overdue reps, longest overdue first, each
// with a Log coaching button (one per block: action ids stay unique).
func overdueBlocks(team []metrics.TeamRep) []slack.Block {
	var overdue []metrics.TeamRep
	for _, r := range team {
		if r.Overdue {
			overdue = append(overdue, r)
		}
	}
	slices.SortStableFunc(overdue, func(a, b metrics.TeamRep) int { return cmp.Compare(b.OverdueDays, a.OverdueDays) })
	var blocks []slack.Block
	for i, r := range overdue {
		if i == homeOverdueRows {
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(fmt.Sprintf("…and %s more overdue: `/coach team` lists them, longest overdue first.", coaching.Count(len(overdue)-i)))))
			break
		}
		line := mention(r.ID) + ": " + overdueRep(r).Waited("your") // as the nudge says it
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(":red_circle: "+line), nil,
			slack.NewAccessory(button(actLogForRp, "Log coaching", r.ID, slack.StylePrimary))))
	}
	return blocks
}

// leaderBlocks are a leader's organisation this week and, apart, one line
// per manager in it, those with the most reps overdue first, for the room
// the tab has left.
func (h home) leaderBlocks() ([]slack.Block, []string) {
	if h.tree == nil || !h.person.Holds(coaching.PersonLeader) {
		return nil, nil
	}
	l, ok := h.tree.Leader(h.person.ID)
	if !ok {
		return nil, nil
	}
	if len(l.ManagerIDs) == 0 {
		// As /coach report and stats say it: an organisation of zeros
		// ("0 sessions across 0 managers") would read as nobody coaching.
		return []slack.Block{slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn(
			"*Your organisation*: no managers below you in the roster yet. Your figures appear here once an admin's roster import names the managers who report to you."), nil, nil)}, nil
	}
	m := l.Metrics
	tree := h.tree.ManagerIndex().Figures(l.ManagerIDs)
	sessions := plural(m.Sessions, "session", "sessions")
	if by := metrics.CoachedBy(tree); by != "" {
		sessions += " " + by // as the digest's headline counts them
	}
	head := fmt.Sprintf("*Your organisation this week* (%s): %s, %s min · %s of %s coached within their manager's cadence (%s) · %s overdue · %s",
		periodLabel(h.treePeriod), sessions, coaching.Count(m.Minutes),
		coaching.Count(m.Covered), plural(m.Reps, "rep", "reps"), metrics.PercentText(m.Coverage), coaching.Count(m.Overdue), confirmedLong(m))
	if m.MeanRating != nil {
		head += fmt.Sprintf(" · rated %.1f of 5", *m.MeanRating)
	}
	blocks := []slack.Block{slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn(head+". `/coach report` has the digest of this week so far, `/coach report last week` the week before."), nil, nil)}
	var managers []metrics.Figures
	for _, f := range tree {
		if f.ID != h.person.ID { // their own team is above
			managers = append(managers, f)
		}
	}
	slices.SortStableFunc(managers, func(a, b metrics.Figures) int { return cmp.Compare(b.Metrics.Overdue, a.Metrics.Overdue) })
	var lines []string
	for _, f := range managers {
		lines = append(lines, "• "+scopeLine(f))
	}
	return blocks, lines
}

// confirmedLong is the confirmation rate over its unit, said once: reps
// confirmed 17% "of the sessions logged with them" was 1 of 6 requests
// under "5 sessions".
func confirmedLong(m metrics.Metrics) string {
	if m.Pairs == 0 {
		return "nothing for reps to confirm"
	}
	return fmt.Sprintf("reps confirmed %s of %s (%s)", metrics.PercentText(m.ConfirmationRate), metrics.Requests(m.Pairs), metrics.RequestUnit)
}

// repBlocks are the coaching a rep received: how much, what waits
// for their answer, each with the Confirm and Not accurate of its DM (for
// a rep who lost or muted the DM), what they confirmed and may still rate,
// each with the DM's rating buttons, and their open commitments.
func (h home) repBlocks() []slack.Block {
	if len(h.received) == 0 && len(h.open) == 0 && !h.person.Holds(coaching.PersonRep) {
		return nil
	}
	pending, toRate := unanswered(h.received, h.person.ID)
	blocks := []slack.Block{slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn(h.receivedHead(len(pending), len(toRate))), nil, nil)}
	for i, s := range pending {
		if i == homePending {
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(fmt.Sprintf("…and %d more waiting, each in your DMs with Coachlog.", len(pending)-i))))
			break
		}
		// One actions block per session, its block_id naming it: the
		// same action_ids as the DM's buttons, so the same handlers and
		// rules answer, unique within each block as Slack asks.
		val := repValue(s, h.person.ID)
		blocks = append(blocks,
			slack.NewSectionBlock(mrkdwn(":hourglass_flowing_sand: "+receivedLine(s, h.person.ID)), nil, nil),
			slack.NewActionBlock("home_r"+strconv.FormatInt(s.ID, 10),
				button(actConfirm, "Confirm", val, slack.StylePrimary),
				button(actDispute, "Not accurate", val, slack.StyleDanger)))
	}
	blocks = append(blocks, h.toRateBlocks(toRate)...)
	blocks = append(blocks, h.answeredBlocks(toRate)...)
	if len(h.open) > 0 {
		// Each cut as /coach history cuts it, so that ten at their longest
		// keep each one's day, and the count of the rest says there are more.
		// Each with its follow-up day, when the session set one: the
		// rep's own list is where they look for what is due when.
		var lines []string
		for _, c := range h.open {
			line := commitmentLine(c)
			if !c.FollowUpOn.IsZero() {
				line += " · follow up " + c.FollowUpOn.Human()
			}
			lines = append(lines, line)
		}
		if h.openMore > 0 {
			lines = append(lines, fmt.Sprintf("…and %s more open, listed here as these are closed.", coaching.Count(h.openMore)))
		}
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn("*Your open commitments*")),
			slack.NewSectionBlock(typed(truncateRunes(strings.Join(lines, "\n"), 3000)), nil, nil))
	}
	return blocks
}

// unanswered sorts the sessions a rep received, in their order, into
// those waiting for the rep's answer and those confirmed and not rated.
func unanswered(received []coaching.Session, repID string) (pending, toRate []coaching.Session) {
	for _, s := range received {
		r, ok := s.Rep(repID)
		switch {
		case !ok:
		case r.Status == coaching.StatusPending:
			pending = append(pending, s)
		case r.Status == coaching.StatusConfirmed && r.Rating == 0:
			toRate = append(toRate, s)
		}
	}
	return pending, toRate
}

// toRateBlocks list the sessions a rep confirmed and has not rated (the
// newest homeToRate, then a count), each with the rating buttons of its
// DM: the same action ids and values, so that the DM's handler rates
// them under the same rules (only that rep, only on the live version).
// A session rated leaves the list: changing a rating is the DM's, where
// the rating given shows; a click here on one rated there since is
// refused rather than overwrite it (coaching.RepAction.Unrated).
func (h home) toRateBlocks(toRate []coaching.Session) []slack.Block {
	if len(toRate) == 0 {
		return nil
	}
	managers := map[string]bool{}
	for _, s := range toRate {
		managers[s.ManagerID] = true
	}
	who := "Whoever logged it sees"
	if len(managers) == 1 {
		who = mention(toRate[0].ManagerID) + " sees"
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(fmt.Sprintf(
		"*How useful was it?* %s you confirmed, not rated yet: 1 = not at all, 5 = very. Rating is up to you. %s only the average of three or more ratings, never one alone.",
		plural(len(toRate), "session", "sessions"), who)), nil, nil)}
	for i, s := range toRate {
		if i == homeToRate {
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(fmt.Sprintf("…and %d more to rate, each in your DMs with Coachlog.", len(toRate)-i))))
			break
		}
		// As the pending ones: an actions block of its own, its
		// block_id naming the session, holds the DM's rep_rate_1..5.
		blocks = append(blocks,
			slack.NewSectionBlock(mrkdwn(":white_check_mark: "+receivedLine(s, h.person.ID)), nil, nil),
			slack.NewActionBlock("home_q"+strconv.FormatInt(s.ID, 10), ratingButtons(repValue(s, h.person.ID), 0)...))
	}
	return blocks
}

// answeredBlocks list, in one section, the newest homeAnswered sessions
// received that the rep answered and the tab lists nowhere else above
// (confirmed and rated, confirmed past the ones listed to rate, marked not
// accurate), each with the rep's own answer, then how many more: without
// it a session answered left the tab for good, and scrolling DMs was the
// only way back to it. A line says the rep's answer alone, never another
// rep's of a group session.
func (h home) answeredBlocks(toRate []coaching.Session) []slack.Block {
	listed, _ := latest(toRate, homeToRate)
	var answered []coaching.Session
	for _, s := range h.received {
		r, ok := s.Rep(h.person.ID)
		if !ok || r.Status == coaching.StatusPending || slices.ContainsFunc(listed, func(l coaching.Session) bool { return l.ID == s.ID }) {
			continue
		}
		answered = append(answered, s)
	}
	if len(answered) == 0 {
		return nil
	}
	shown, more := latest(answered, homeAnswered)
	lines := []string{"*Sessions you answered*"}
	for _, s := range shown {
		lines = append(lines, answeredLine(s, h.person.ID))
	}
	switch {
	case more && h.receivedMore:
		lines = append(lines, fmt.Sprintf("…and %d more, and older ones, each in your DMs with Coachlog.", len(answered)-len(shown)))
	case more:
		lines = append(lines, fmt.Sprintf("…and %d more, each in your DMs with Coachlog.", len(answered)-len(shown)))
	case h.receivedMore:
		lines = append(lines, "Older ones are in your DMs with Coachlog.")
	}
	// A line names three of a group's other reps (fewMentions): five
	// 50-rep team meetings keep well within a section's 3,000 characters.
	return []slack.Block{slack.NewSectionBlock(mrkdwn(cutMrkdwn(strings.Join(lines, "\n"), 3000)), nil, nil)}
}

// answeredLine is a session the rep answered, as the tab's other lists
// put it (receivedLine, naming few of a group's reps), with their answer.
func answeredLine(s coaching.Session, repID string) string {
	r, _ := s.Rep(repID)
	line := receivedLineNaming(s, repID, func(ids []string) string { return fewMentions(ids, "") })
	switch {
	case r.Status == coaching.StatusDisputed:
		return ":x: " + line + " · marked not accurate"
	case r.Rating > 0:
		return fmt.Sprintf(":white_check_mark: %s · confirmed · you rated %d/5", line, r.Rating)
	}
	return ":white_check_mark: " + line + " · confirmed, not rated yet"
}

// receivedHead sums up the coaching a rep received, with how many of
// those sessions wait for their answer (pending) or may still be rated
// (toRate). The tab reads only the latest
// homeReceived sessions (a Home is rendered at each opening, and each
// session read costs its reps and commitments): past them it says so,
// rather than pass the 20 off as all, and where the older ones are.
func (h home) receivedHead(pending, toRate int) string {
	if len(h.received) == 0 {
		// Whoever logs it, as the DM and /coach help say: a director's
		// ride-along or a peer's role-play comes too, not only the
		// manager's.
		return "*Coaching you received*: none yet. Each session logged with you comes to your DMs with Coachlog, to confirm with one click and rate, and is counted here."
	}
	sessions, ofThem := plural(len(h.received), "session", "sessions"), ""
	if h.receivedMore {
		sessions, ofThem = fmt.Sprintf("your %d latest sessions", len(h.received)), " of them"
	}
	var head string
	if pending == 0 {
		head = fmt.Sprintf("*Coaching you received*: %s, all answered: nothing waits for you.", sessions)
		if toRate > 0 { // a rating is optional: nothing waits, but there is something to do
			head = fmt.Sprintf("*Coaching you received*: %s, all answered.", sessions)
		}
	} else {
		head = fmt.Sprintf("*Coaching you received*: %s, %d%s waiting for your answer. Confirm each here or in your DM.", sessions, pending, ofThem)
	}
	// A session the rep marked not accurate waits on their manager, not on
	// them: "all answered" alone reads as if nothing came of it. It does not
	// promise a fix: the manager may find the log accurate and leave it, and
	// nothing then ever comes back to the rep.
	// The one told is whoever logged the session (the DM says "@max has
	// been told"), not the rep's manager: a director's ride-along, a
	// former manager's or a peer's session is told to them alone.
	if n, loggers := h.disputed(); n > 0 {
		who := "whoever logged each has"
		if len(loggers) == 1 {
			who = mention(loggers[0]) + " has"
		}
		head += fmt.Sprintf(" %s you marked not accurate: %s been told why, and if they change %s you will be asked again.",
			plural(n, "session", "sessions"), who, map[bool]string{true: "it", false: "one"}[n == 1])
	}
	if h.receivedMore {
		head += " Older ones are not counted here: any of them still waiting is in your DMs with Coachlog."
	}
	return head
}

// disputed counts the sessions received that the rep marked not accurate
// and their manager has not changed since, and lists who logged them.
func (h home) disputed() (n int, loggers []string) {
	for _, s := range h.received {
		if r, ok := s.Rep(h.person.ID); ok && r.Status == coaching.StatusDisputed {
			n++
			if !slices.Contains(loggers, s.ManagerID) {
				loggers = append(loggers, s.ManagerID)
			}
		}
	}
	return n, loggers
}
