package slackbot

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/quickcapture"
)

// onSlash serves /coach. The ack goes first and carries nothing, so it is
// never late; the answer follows through views.open or the response_url.
func (b *Bot) onSlash(ctx context.Context, a *acker, cmd slashCommand) {
	a.ack(nil)
	text := strings.TrimSpace(cmd.Text)
	meta := modalMeta{Source: coaching.SourceQuick, ResponseURL: cmd.ResponseURL}
	if text == "" {
		meta.Source = coaching.SourceModal
		b.openLogModal(ctx, cmd.TriggerID, cmd.UserID, coaching.Draft{}, "", meta)
		return
	}
	res := quickcapture.Parse(text, b.svc.Today(ctx, cmd.UserID))
	switch {
	case res.Subcommand != "":
		b.subcommand(ctx, cmd, res)
	case !res.Clear():
		b.openLogModal(ctx, cmd.TriggerID, cmd.UserID, res.Draft, notUnderstood(res), meta)
	default:
		b.quickLog(ctx, cmd, text)
	}
}

// quickLog logs a clear quick capture. The manager's and reps' profiles are
// read first when not known: the manager's time zone decides what "today"
// and "yesterday" mean, and an app or a deactivated account is refused.
func (b *Bot) quickLog(ctx context.Context, cmd slashCommand, text string) {
	b.refresh(ctx, cmd.UserID)
	res := quickcapture.Parse(text, b.svc.Today(ctx, cmd.UserID))
	if !res.Clear() { // the date moved across midnight with the time zone
		b.openLogModal(ctx, cmd.TriggerID, cmd.UserID, res.Draft, notUnderstood(res),
			modalMeta{Source: coaching.SourceQuick, ResponseURL: cmd.ResponseURL})
		return
	}
	b.refresh(ctx, res.Draft.RepIDs...)
	_, err := b.svc.LogSession(ctx, coaching.LogRequest{ManagerID: cmd.UserID, Draft: res.Draft, Source: coaching.SourceQuick,
		Key: "cmd:" + cmd.TriggerID, ResponseURL: cmd.ResponseURL})
	if fe, ok := coaching.FieldErrorsOf(err); ok {
		b.respond(ctx, cmd.ResponseURL, textMessage(":warning: Not logged: "+joinErrors(fe)+" Type `/coach` to use the form."), false)
		return
	}
	if err != nil {
		b.log.Error("quick capture failed", "user_id", cmd.UserID, "err", err)
		b.respond(ctx, cmd.ResponseURL, textMessage(":warning: Not logged. "+coaching.ErrorMessage(err)), false)
		return
	}
	b.outbox.Notify() // the receipt and the reps' DMs are queued with the session
}

func joinErrors(fe coaching.FieldErrors) string {
	var parts []string
	for _, f := range []coaching.Field{coaching.FieldReps, coaching.FieldKind, coaching.FieldDate, coaching.FieldDuration,
		coaching.FieldRole, coaching.FieldSkills, coaching.FieldNotes, coaching.FieldCommitments, coaching.FieldFollowUp} {
		if msg, ok := fe[f]; ok {
			parts = append(parts, msg)
		}
	}
	return strings.Join(parts, " ")
}

// notUnderstood says, at the top of a prefilled modal, what the quick
// capture could not make out.
func notUnderstood(res quickcapture.Result) string {
	var parts []string
	if len(res.Missing) > 0 {
		var names []string
		for _, f := range res.Missing {
			names = append(names, map[coaching.Field]string{coaching.FieldReps: "who", coaching.FieldKind: "what kind",
				coaching.FieldDuration: "how long", coaching.FieldRole: "your role"}[f])
		}
		parts = append(parts, "I couldn't tell "+strings.Join(names, ", ")+".")
	}
	for _, u := range res.Unresolved {
		parts = append(parts, fmt.Sprintf("%s isn't a Slack member I can see: pick them below.", esc(u)))
	}
	for _, p := range res.Problems {
		parts = append(parts, esc(p)+".")
	}
	if len(parts) == 0 {
		return ""
	}
	return ":mag: " + truncate(strings.Join(parts, " ")+" Check the form and log it.", 2900)
}

// openLogModal opens the log modal. views.open is the first Slack call made
// with the trigger id: it is valid for 3 seconds and only once. Profiles
// not yet known are read afterwards; if the manager's own time zone puts
// today on another date than the one shown, the date is corrected.
func (b *Bot) openLogModal(ctx context.Context, triggerID, userID string, d coaching.Draft, notice string, meta modalMeta) {
	m := logModal{Draft: d, Today: b.svc.Today(ctx, userID), Skills: b.svc.Skills(), Notice: notice, Meta: meta}
	m.Open, m.Names = b.openCommitments(ctx, d.RepIDs, 0)
	v, err := b.api.OpenViewContext(ctx, triggerID, m.view())
	if err != nil {
		b.log.Error("views.open failed", "user_id", userID, "err", err)
		return
	}
	b.refresh(ctx, append([]string{userID}, d.RepIDs...)...)
	if today := b.svc.Today(ctx, userID); today != m.Today && (d.OccurredOn.IsZero() || d.OccurredOn == m.Today) {
		m.Today, m.Draft.OccurredOn = today, today
		if _, err := b.api.UpdateViewContext(ctx, m.view(), "", v.Hash, v.ID); err != nil {
			b.log.Debug("date correction skipped", "err", err) // the user already changed the form
		}
	}
}

// openCommitments loads each rep's open commitments from earlier sessions,
// leaving out those of the session being edited.
func (b *Bot) openCommitments(ctx context.Context, repIDs []string, except int64) (map[string][]coaching.Commitment, map[string]string) {
	open, names := map[string][]coaching.Commitment{}, map[string]string{}
	for _, id := range repIDs {
		cs, err := b.svc.OpenCommitments(ctx, id)
		if err != nil {
			b.log.Warn("could not read open commitments", "rep_id", id, "err", err)
			continue
		}
		for _, c := range cs {
			if c.SessionID != except {
				open[id] = append(open[id], c)
			}
		}
		if p, err := b.svc.Person(ctx, id); err == nil {
			names[id] = p.DisplayName()
		}
	}
	return open, names
}

// refresh reads unknown or stale profiles from Slack.
func (b *Bot) refresh(ctx context.Context, ids ...string) {
	for _, id := range ids {
		if _, err := b.svc.Refresh(ctx, id); err != nil {
			b.log.Debug("profile refresh failed", "user_id", id, "err", err)
		}
	}
}

var mentionRE = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

func (b *Bot) subcommand(ctx context.Context, cmd slashCommand, res quickcapture.Result) {
	switch res.Subcommand {
	case "help":
		b.respond(ctx, cmd.ResponseURL, helpMessage(), false)
	case "history":
		repID := ""
		if m := mentionRE.FindStringSubmatch(res.Args); m != nil {
			repID = m[1]
		}
		b.history(ctx, cmd, repID)
	case "away":
		b.away(ctx, cmd, res.Args)
	case "cadence":
		b.cadence(ctx, cmd, res.Args)
	default:
		text := fmt.Sprintf(":construction: `/coach %s` is not built yet. It is on the way; `/coach help` lists what works today.", res.Subcommand)
		if res.Subcommand == "team" && strings.HasPrefix(strings.ToLower(res.Args), "meeting") {
			text += "\nTo log a team meeting, name the people first: `/coach @ana @ben team meeting 30m`."
		}
		b.respond(ctx, cmd.ResponseURL, textMessage(text), false)
	}
}

const historyLimit = 10

func (b *Bot) history(ctx context.Context, cmd slashCommand, repID string) {
	sessions, err := b.svc.History(ctx, cmd.UserID, repID, historyLimit)
	if err != nil {
		b.log.Error("history failed", "user_id", cmd.UserID, "err", err)
		b.respond(ctx, cmd.ResponseURL, textMessage(":warning: "+coaching.ErrorMessage(err)), false)
		return
	}
	var open []coaching.Commitment
	if repID != "" {
		if open, err = b.svc.OpenCommitments(ctx, repID); err != nil {
			b.log.Warn("could not read open commitments", "rep_id", repID, "err", err)
		}
	}
	b.respond(ctx, cmd.ResponseURL, historyMessage(sessions, repID, open), false)
}

func historyMessage(sessions []coaching.Session, repID string, open []coaching.Commitment) message {
	title := "Your recent coaching"
	if repID != "" {
		title = "Your recent coaching with " + mention(repID)
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn("*"+title+"*"), nil, nil)}
	if len(sessions) == 0 {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn("Nothing logged yet. Type `/coach` to log a session."), nil, nil))
	}
	for _, s := range sessions {
		val := fmt.Sprintf("%d:%s", s.ID, fromHistory)
		line := summary(s) + roleSuffix(s) + " · " + statusBadge(s)
		if n := openCount(s); n > 0 {
			line += fmt.Sprintf(" · %d open commitment(s)", n)
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(line), nil, nil),
			slack.NewActionBlock(fmt.Sprintf("h%d", s.ID), button(actEdit, "Edit", val, ""), button(actUndo, "Undo", val, slack.StyleDanger)))
	}
	if len(open) > 0 {
		var lines []string
		for _, c := range open {
			lines = append(lines, "• "+c.Text+" (from "+c.CreatedOn.Human()+")")
		}
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn("*Open commitments*")),
			slack.NewSectionBlock(plain(truncateRunes(strings.Join(lines, "\n"), 3000)), nil, nil))
	}
	return message{Text: title, Blocks: blocks}
}

func openCount(s coaching.Session) int {
	n := 0
	for _, c := range s.Commitments {
		if c.Status == coaching.CommitmentOpen {
			n++
		}
	}
	return n
}

func helpMessage() message {
	text := strings.Join([]string{
		"*Coachlog: log coaching in seconds*",
		"• `/coach`: open the form to log a session.",
		"• `/coach @sam ride-along 45m lead great discovery, rushed pricing`: log it in one line. Kinds: ride-along (joint call), 1:1, deal review (pipeline review), role-play (practice), career, team meeting. Durations like `45m`, `1h30`, `90 min`; dates `today`, `yesterday`, `mon`, `2026-11-20`. Name several people for a team meeting. If something is missing, the form opens filled with what I understood.",
		"• `/coach history [@rep]`: your recent sessions, each with Edit and Undo, and a rep's open commitments.",
		"• *Log coaching* on a message's ⋯ menu: log a session with that message as the notes.",
		"• Each rep gets a DM to *Confirm* or mark *Not accurate*, then can rate how useful it was. Only they can answer; you see ratings only as an average of three or more.",
		"• Notes are seen by you and the rep, and by the leaders above you only if you share them.",
		"• `/coach away <date>` pauses your nudges through a date (`2026-12-24`, `fri`, `2w`; `off` to come back); `/coach away @rep <date>` marks one of your reps away, so they are not counted overdue. A Slack status with :palm_tree: or :face_with_thermometer:, or saying vacation, holiday or out of office, counts too.",
		"• `/coach cadence @manager <days>` (admins): how often each of that manager's reps should be coached; `default` goes back to the standard cadence.",
		"• Coming soon: `/coach stats`, `/coach team`, `/coach report`, `/coach export`.",
	}, "\n")
	return message{Text: "Coachlog help", Blocks: []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}}
}
