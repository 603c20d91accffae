package slackbot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/coachlog/coachlog/internal/coaching"
)

// isAdmin reports whether someone has admin rights: listed in
// COACHLOG_ADMINS, or an active member of the current roster with the admin
// role. Someone the roster dropped, or whose admin role it dropped, has none.
func (b *Bot) isAdmin(ctx context.Context, userID string) bool {
	if slices.Contains(b.admins, userID) {
		return true
	}
	p, err := b.svc.Person(ctx, userID)
	return err == nil && p.Holds(coaching.PersonAdmin)
}

// away serves /coach away [@rep] <until|off>. Its write commits before the
// ack, like every acknowledged change.
func (b *Bot) away(ctx context.Context, a *acker, cmd slashCommand, args string) {
	target := cmd.UserID
	if m := mentionRE.FindStringSubmatchIndex(args); m != nil && strings.TrimSpace(args[:m[0]]) == "" {
		// A comma or colon after the rep ("@ben, 2w") is no part of the date.
		target, args = args[m[2]:m[3]], strings.TrimLeft(args[m[1]:], " \t,:;")
	} else if m := endingMention(args); m != nil {
		// "/coach away fri @ben", as people say it: the rep named after
		// the date is the one marked away. The date alone was read, and
		// the manager marked away in their place.
		target, args = args[m[2]:m[3]], args[:m[0]]
	}
	if strings.TrimSpace(args) == "" {
		a.ack(nil)
		b.respond(ctx, cmd.ResponseURL, textMessage("Say until when: `/coach away 2026-12-24`, `/coach away fri`, `/coach away 2w`, or `/coach away off`. "+
			"Add a rep first to mark them away: `/coach away @sam 2w`."), false)
		return
	}
	if name := typedName(args); name != "" {
		// "@ben" typed on a phone arrives as text, not as the rep it
		// names: "\"@ben 2w\" is not a date" told a manager who gave a
		// date that the date was wrong, and "fri @ben" marked the
		// manager away.
		a.ack(nil)
		b.respond(ctx, cmd.ResponseURL, textMessage(":warning: "+typedNotPicked(name)+
			": pick the rep from it, so the name arrives as a mention, as in `/coach away @sam 2w`."), false)
		return
	}
	// The reads before the ack share its budget with the write: a slow
	// database must not make Slack show its timeout error.
	pre, cancel := a.budget(ctx)
	defer cancel()
	// The date is read on the today of the manager whose nudge the away
	// holds back (see AwayToday), even when the person marked away is a
	// day ahead or behind.
	today := b.svc.AwayToday(pre, cmd.UserID, target)
	var until coaching.Date
	var back bool
	var err error
	if mentionRE.MatchString(args) {
		// Someone else named where the date goes ("@sam @ria fri"): a
		// date read around them would mark the wrong person away.
		err = coaching.NotADate(b.written(pre, args), today)
	} else {
		until, back, err = coaching.ReadAway(args, today)
	}
	if err != nil {
		// Quoted back as the person sees it: Slack sends
		// "<#C0SALES|sales>" for a channel they picked and "&lt;" for a
		// "<" they typed, and the refusal says #sales, not the markup.
		// Only a refusal reads the names a mention shows: no date holds
		// markup, so the parse itself needs none of it.
		if _, seen := coaching.ParseUntil(b.written(pre, args), today); seen != nil {
			err = seen
		}
		a.ack(nil)
		text := escQuoted(err.Error()) // "*2w*" as typed, not 2w in bold
		if ch, ok := errors.AsType[*coaching.ChannelNotPerson](err); ok {
			// The channel's name literally, as people's names are.
			text = escName(ch.Channel) + escQuoted(strings.TrimPrefix(err.Error(), ch.Channel))
		}
		b.respond(ctx, cmd.ResponseURL, textMessage(":warning: "+text), false)
		return
	}
	admin := b.isAdmin(pre, cmd.UserID)
	if err := b.writeThenAck(ctx, a, func(ctx context.Context) error { return b.svc.SetAway(ctx, cmd.UserID, target, until, today, admin) }); err != nil {
		b.answerError(ctx, cmd.ResponseURL, "away", err)
		return
	}
	who, verb := "You are", "No nudges until then."
	if target == cmd.UserID && !b.hasTeam(ctx, b.person(ctx, target)) {
		// Someone without a team gets no nudge to pause: what their away
		// does is keep them off their manager's overdue list and hold
		// the reminders of sessions waiting for their answer (the
		// reminders' working day, coaching.repWorkingDay), and "No
		// nudges" told a rep nothing of it.
		verb = "You are not counted as overdue for coaching until then, and reminders to answer a session wait until you are back."
	}
	if target != cmd.UserID {
		who, verb = mention(target)+" is", mention(target)+" is not counted overdue until then, and reminders to answer a session wait until they are back."
	}
	through := until.Human()
	if back {
		// "back monday" stored Sunday: the day shown is the day stored,
		// and the day typed beside it says why it is not that one.
		through += " (back " + until.AddDays(1).Human() + ")"
	}
	text := fmt.Sprintf(":palm_tree: %s away through %s. %s", who, through, verb)
	if until.IsZero() {
		text = fmt.Sprintf(":wave: %s back: away cleared.", who)
	}
	b.respond(ctx, cmd.ResponseURL, textMessage(text), false)
}

// endingMention is the index pair of the mention that ends args after
// other words (what mentionRE.FindStringSubmatchIndex gives), nil when
// args does not end with one.
func endingMention(args string) []int {
	all := mentionRE.FindAllStringSubmatchIndex(args, -1)
	if len(all) == 0 {
		return nil
	}
	m := all[len(all)-1]
	if strings.TrimSpace(args[:m[0]]) == "" || coaching.TrimSentenceEnd(strings.TrimSpace(args[m[1]:])) != "" {
		return nil
	}
	return m
}

// typedName is the first word of args that is a name typed as text
// ("@ben", not picked from Slack's @ list, which Slack sends as the text
// it is), "" when there is none. A mention picked from the list arrives
// as "<@U…>", a user group or @here as "<!…>".
func typedName(args string) string {
	for _, w := range strings.Fields(coaching.CommandText(args)) {
		if len(w) > 1 && w[0] == '@' {
			return coaching.TrimSentenceEnd(strings.TrimRight(w, ",:;"))
		}
	}
	return ""
}

// cadence serves /coach cadence @manager <days|default>, for admins: anyone
// else is refused before what they typed is read, as a usage hint would
// only tell them how to type what they may not do. Its write commits
// before the ack.
func (b *Bot) cadence(ctx context.Context, a *acker, cmd slashCommand, args string) {
	pre, cancel := a.budget(ctx) // as in away
	defer cancel()
	admin := b.isAdmin(pre, cmd.UserID)
	if !admin {
		a.ack(nil)
		b.answerError(ctx, cmd.ResponseURL, "cadence", coaching.Errorf(coaching.EForbidden, coaching.MsgCadenceAdmins))
		return
	}
	m := mentionRE.FindStringSubmatchIndex(args)
	if m == nil {
		a.ack(nil)
		text := cadenceUsage
		if name := typedName(args); name != "" {
			// "@max" typed on a phone arrives as text: the usage
			// alone told an admin who typed the line right to type
			// it again.
			text = ":warning: " + typedNotPicked(name) + ": pick the manager from it, so the name arrives as a mention. " + text
		}
		b.respond(ctx, cmd.ResponseURL, textMessage(text), false)
		return
	}
	managerID := args[m[2]:m[3]]
	// The days after the manager, past a comma or colon and a phone's
	// full stop, or, with nothing after, before them ("7 @max"), as
	// /coach away reads its date on either side of the rep.
	value := coaching.TrimSentenceEnd(strings.TrimLeft(args[m[1]:], " \t,:;"))
	if strings.TrimSpace(value) == "" {
		value = args[:m[0]]
	}
	days, ok := parseCadence(value)
	if !ok {
		a.ack(nil)
		b.respond(ctx, cmd.ResponseURL, textMessage(":warning: The cadence is a number of days, 1 to 365, or `default`."), false)
		return
	}
	var waits coaching.CadenceWait
	if err := b.writeThenAck(ctx, a, func(ctx context.Context) (err error) {
		waits, err = b.svc.SetCadence(ctx, cmd.UserID, managerID, days, admin)
		return err
	}); err != nil {
		b.answerError(ctx, cmd.ResponseURL, "cadence", err)
		return
	}
	b.respond(ctx, cmd.ResponseURL, textMessage(cadenceSet(managerID, days, waits)), false)
}

// cadenceSet says what /coach cadence stored: for someone without reps in
// the roster, that it waits for them to have some, or, for someone an
// import took off the roster, for them to be back on it.
func cadenceSet(managerID string, days int, waits coaching.CadenceWait) string {
	who := mention(managerID)
	switch {
	case waits == coaching.CadenceWaitsForTeam && days == 0:
		return fmt.Sprintf(":calendar: %s has no reps in the roster yet; they will be on the standard cadence once they do.", who)
	case waits == coaching.CadenceWaitsForTeam:
		return fmt.Sprintf(":calendar: %s has no reps in the roster yet; their cadence will be %s once they do.", who, plural(days, "day", "days"))
	case waits == coaching.CadenceWaitsForReturn && days == 0:
		return fmt.Sprintf(":calendar: %s is no longer on the roster (an import took them off it); they will be on the standard cadence if they are back on it.", who)
	case waits == coaching.CadenceWaitsForReturn:
		return fmt.Sprintf(":calendar: %s is no longer on the roster (an import took them off it); their cadence will be %s if they are back on it.", who, plural(days, "day", "days"))
	case days == 0:
		return fmt.Sprintf(":calendar: %s is back on the standard cadence.", who)
	}
	return fmt.Sprintf(":calendar: %s's reps should now be coached at least every %s.", who, plural(days, "day", "days"))
}

// parseCadence reads /coach cadence's value: a number of days from 1 to
// 365, bare or followed by "d", "day" or "days", or "default" (or "off")
// for the standard cadence, given as 0. Any case goes, as for /coach away:
// "Default" or "7 Days" typed on a phone is no different.
func parseCadence(s string) (days int, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "default" || s == "off" {
		return 0, true
	}
	for _, unit := range []string{"days", "day", "d"} {
		if num, found := strings.CutSuffix(s, unit); found {
			s = num
			break
		}
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 365 {
		return 0, false
	}
	return n, true
}

// cadenceUsage says how /coach cadence is typed.
const cadenceUsage = "Usage: `/coach cadence @manager &lt;days&gt;`, or `default` for the standard cadence."
