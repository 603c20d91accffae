package slackbot

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
	"github.com/coachlog/coachlog/internal/quickcapture"
)

// meetingWords are what, after "/coach team", says a team meeting was
// meant: "team mtg", "team call", "team sync".
var meetingWords = []string{"mtg", "mtgs", "meet", "call", "calls", "sync", "huddle", "standup", "stand-up", "session", "catchup", "catch-up"}

// meetingKinds are the words that, after "team", make a team meeting's
// kind in a capture ("team meeting", "team call": quickcapture's
// vocabulary).
var meetingKinds = []string{"meeting", "call", "mtg", "sync"}

// meansTeamMeeting reports whether args, what follows "/coach team",
// says a team meeting was meant rather than the reps' list: a word for
// a meeting, a duration, or two people named.
func meansTeamMeeting(args string) bool {
	for _, w := range strings.Fields(strings.ToLower(args)) {
		w = strings.Trim(w, ".,;:!?()")
		if strings.HasPrefix(w, "meeting") || slices.Contains(meetingWords, w) {
			return true
		}
	}
	return quickcapture.SaysDuration(args) || len(mentionRE.FindAllString(args, 2)) == 2
}

// meetingLine is the manager's own "/coach team …" line (args is what
// followed "team") with the people first, as a capture reads a team
// meeting: "/coach team meeting 45m @ana @ben" is given back as "/coach
// @ana @ben team meeting 45m", rather than an example to rewrite their
// line from. It is quoted as a line typed is quoted back (QuoteTyped,
// escName), not in code formatting, where a mention shows as its markup
// instead of the person. Without anyone named, the example stands in.
func meetingLine(args string) string {
	people, words := peopleFirst(args)
	if len(people) == 0 {
		return "`/coach @ana @ben team meeting 30m`"
	}
	if len(words) == 0 || !slices.Contains(meetingKinds, strings.ToLower(strings.Trim(words[0], ".,;:!?()"))) {
		// "/coach team @ana @ben 45m" meant a meeting without saying so,
		// and "team 45m" is no kind: given back as typed, the line
		// opened the form to pick one. "team standup" neither.
		words = append([]string{"meeting"}, words...)
	}
	typed := escName(coaching.QuoteTyped(unescape(strings.Join(append([]string{"team"}, words...), " "), nil)))
	return "\"/coach " + strings.Join(people, " ") + " " + strings.TrimPrefix(typed, "\"")
}

// peopleFirst splits a line into the people it names, as mentions, and
// its other words, in their order. A word that only joined the people
// ("with @ana and @ben", "@ana & @ben", "@ana, @ben") goes with them; a
// word glued to a name ("@ana's") is no person named, as a capture reads
// it, and stays among the words.
func peopleFirst(args string) (people, words []string) {
	fields := strings.Fields(args)
	named := func(f string) bool {
		rest := strings.ReplaceAll(mentionRE.ReplaceAllString(f, ""), "&amp;", "")
		return mentionRE.MatchString(f) && strings.Trim(rest, ",;:+/.!?") == ""
	}
	for i, f := range fields {
		switch {
		case named(f):
			for _, m := range mentionRE.FindAllStringSubmatch(f, -1) {
				people = append(people, mention(m[1]))
			}
		case slices.Contains(joiners, strings.ToLower(f)) && i+1 < len(fields) && named(fields[i+1]):
		default:
			words = append(words, f)
		}
	}
	return people, words
}

// joiners are the words that join people named in a line ("&" as Slack
// sends it, escaped).
var joiners = []string{"with", "and", "&amp;", "+", "/", ","}

// maxTeamRows is how many reps /coach team lists one by one, each with its
// button; the rest are summarised while the message has room (50 blocks,
// about teamText characters of text).
const (
	maxTeamRows = 40
	teamText    = 10000
)

// team serves /coach team: the asker's reps as of their today, overdue
// first.
func (b *Bot) team(ctx context.Context, cmd slashCommand, args string) {
	// "/coach team meeting @ana @ben 30m", "/coach team mtg @ana @ben
	// 45m" or "/coach team @ana @ben 30m": a team meeting to log, with
	// "team" read as the subcommand.
	if meansTeamMeeting(args) {
		b.respond(ctx, cmd.ResponseURL, textMessage("Nothing was logged: `/coach team` lists your reps. "+
			"To log a team meeting, name the people first: "+meetingLine(args)+"."), false)
		return
	}
	if strings.TrimSpace(args) != "" {
		// A rep, whatever they typed after it, is told what /coach team
		// alone tells them (see stats).
		if p := b.person(ctx, cmd.UserID); coaching.RepOnly(p) && !b.hasTeam(ctx, p) {
			b.respond(ctx, cmd.ResponseURL, textMessage(repTeamText(p)), false)
			return
		}
		b.ownOnly(ctx, cmd, "`/coach team` lists your own reps and takes nothing after it.", "team", args)
		return
	}
	// As of the manager's own today, on their own clock, as the nudge
	// rule judges: in a zone ahead of the organisation's, a session logged
	// today is dated after the organisation's today and would not count
	// yet; behind it, every rep would look a day older than their nudge
	// says.
	p := b.person(ctx, cmd.UserID)
	manager, ok := b.isManager(ctx, cmd, p)
	if !ok {
		return
	}
	if !manager && coaching.RepOnly(p) {
		// As /coach stats says it: the roster's steps are not a rep's.
		b.respond(ctx, cmd.ResponseURL, textMessage(repTeamText(p)), false)
		return
	}
	if !manager {
		text := "*`/coach team` lists your reps*: when each was last coached, who is overdue by your cadence, their tier and the open commitments from your sessions, each with a *Log coaching* button. "
		switch {
		case p.Holds(coaching.PersonLeader) && b.leadsManagers(ctx, p):
			// Managers report to them, reps do not: nothing is missing
			// from the roster, and the tree is a report's.
			text += "No reps report to you directly in the roster; for the managers below you: `/coach report`."
		case p.Holds(coaching.PersonLeader):
			text += noTeamYet + " Once it names managers below you, `/coach report` shows their figures."
		case p.Holds(coaching.PersonRep): // and a manager waiting for a team
			text += noTeamYet + "\n\n" + coaching.Alternatives(p, false)
		default:
			text += noTeamYet
		}
		b.respond(ctx, cmd.ResponseURL, textMessage(text), false)
		return
	}
	week, zone := b.ownClock(p)
	today := week.To
	r, ok := b.figuresFor(ctx, cmd, metrics.Period{From: today, To: today}, metrics.Options{Summary: true, Teams: true, Root: cmd.UserID, Zone: zone})
	if !ok {
		return
	}
	f, _ := r.Manager(cmd.UserID)
	b.respond(ctx, cmd.ResponseURL, teamMessage(f, today), false)
}

// leadsManagers is coaching's LeadsManagers where no answer is needed: a
// failed read is logged and taken as nobody below, as hasTeam does.
func (b *Bot) leadsManagers(ctx context.Context, p coaching.Person) bool {
	below, err := b.svc.LeadsManagers(ctx, p)
	if err != nil {
		b.log.Warn("could not read who reports to someone", "user_id", p.ID, "err", err)
	}
	return below
}

// teamMessage lists a manager's reps, overdue first (longest first), each
// with a Log coaching button; past maxTeamRows the rest are summarised.
func teamMessage(f metrics.Figures, today coaching.Date) message {
	reps := slices.Clone(f.Team)
	slices.SortStableFunc(reps, func(a, b metrics.TeamRep) int {
		if a.Overdue != b.Overdue {
			if a.Overdue {
				return -1
			}
			return 1
		}
		if a.Overdue {
			return b.OverdueDays - a.OverdueDays
		}
		return 0
	})
	overdue, away, gone := 0, 0, 0
	for _, r := range reps {
		switch {
		case r.Overdue:
			overdue++
		case r.Deactivated:
			gone++
		case r.Away:
			away++
		}
	}
	// The reps coverage leaves out are counted beside the team's size, so
	// that "3 reps" here and "1 of 2 reps coached" in the App Home and
	// /coach stats (reps not away) read as the same team.
	var apart []string
	if away > 0 {
		apart = append(apart, coaching.Count(away)+" away")
	}
	if gone > 0 {
		apart = append(apart, coaching.Count(gone)+" deactivated")
	}
	size := plural(len(reps), "rep", "reps")
	if len(apart) > 0 {
		size += " (" + strings.Join(apart, ", ") + ")"
	}
	title := fmt.Sprintf("Your team: %s, %s overdue", size, coaching.Count(overdue))
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(title)),
		slack.NewContextBlock("", mrkdwn(fmt.Sprintf("As of %s · overdue by your %d-day cadence · open commitments from sessions you logged",
			today.Human(), f.CadenceDays))),
	}
	used := 0 // characters of text, which Slack caps at about 11,000 a message
	for _, r := range reps[:min(len(reps), maxTeamRows)] {
		line := teamRepLine(r)
		used += len(line) + len("Log coaching")
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(line), nil,
			slack.NewAccessory(button(actLogForRp, "Log coaching", r.ID, buttonStyle(r.Overdue)))))
	}
	lines, counts := restLines(reps[min(len(reps), maxTeamRows):])
	blocks = append(blocks, lineSections(lines, maxMessageBlocks-len(blocks), max(teamText-used, 0), func(n int) string {
		left := 0
		for _, c := range counts[len(counts)-n:] {
			left += c
		}
		return fmt.Sprintf("…and %s more reps.", coaching.Count(left))
	})...)
	return message{Text: title, Blocks: blocks}
}

// restPerLine is how many reps a line of the rest of a large team names.
const restPerLine = 10

// restLines name the reps of a team past its rows, tersely so that every
// overdue rep fits (the App Home sends a manager here for them all): the
// overdue with the days the nudge gives (since their last session, or
// since their clock started when never coached), then the others; counts
// says how many reps each line names.
func restLines(rest []metrics.TeamRep) (lines []string, counts []int) {
	var overdue, others []string
	for _, r := range rest {
		if r.Overdue {
			overdue = append(overdue, fmt.Sprintf("%s %d d", mention(r.ID), r.OverdueDays))
		} else {
			others = append(others, mention(r.ID))
		}
	}
	for _, part := range []struct {
		head  string
		names []string
	}{{":red_circle: *Also overdue* (days without a session): ", overdue}, {"*The others*: ", others}} {
		for i := 0; i < len(part.names); i += restPerLine {
			chunk := part.names[i:min(i+restPerLine, len(part.names))]
			line := strings.Join(chunk, ", ")
			if i == 0 {
				line = part.head + line
			}
			lines, counts = append(lines, line), append(counts, len(chunk))
		}
	}
	return lines, counts
}

func buttonStyle(primary bool) slack.Style {
	if primary {
		return slack.StylePrimary
	}
	return ""
}

// teamRepLine is one rep of a team: tier, last session, overdue, away, open
// commitments.
func teamRepLine(r metrics.TeamRep) string {
	parts := []string{mention(r.ID)}
	if r.Tier != coaching.TierNone {
		parts = append(parts, string(r.Tier))
	}
	switch {
	case r.Overdue && r.Never && !r.Away && !r.Deactivated:
		// Waited below says what is true of their past
	case r.LastSession.IsZero() && r.SinceKnown:
		parts = append(parts, "no session logged yet") // they may have been coached before Coachlog counted
	case r.LastSession.IsZero():
		parts = append(parts, "not coached yet")
	case r.DaysSince == 0:
		parts = append(parts, "last coached today")
	default:
		parts = append(parts, fmt.Sprintf("last coached %s, %s ago", r.LastSession.Human(), plural(r.DaysSince, "day", "days")))
	}
	switch {
	case r.Deactivated:
		parts = append(parts, "deactivated in Slack: take them off the roster")
	case r.Away:
		parts = append(parts, ":palm_tree: away")
	case r.Overdue && r.Never:
		parts = append(parts, ":red_circle: *overdue*: "+overdueRep(r).Waited("your")) // as the nudge says it
	case r.Overdue:
		parts = append(parts, fmt.Sprintf(":red_circle: *overdue*: %s since their last session", plural(r.OverdueDays, "day", "days")))
	}
	if r.OpenCommitments > 0 {
		parts = append(parts, plural(r.OpenCommitments, "open commitment", "open commitments"))
	}
	return strings.Join(parts, " · ")
}

// repTeamText tells a rep what /coach team is and where their own
// coaching is.
func repTeamText(p coaching.Person) string {
	return "*`/coach team` is for managers*: it lists the reps who report to them. " + coaching.Alternatives(p, false)
}
