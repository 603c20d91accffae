package slackbot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
)

// onInteraction serves buttons, modal submissions and shortcuts.
func (b *Bot) onInteraction(ctx context.Context, a *acker, in interaction) {
	switch in.Type {
	case "view_submission":
		b.onSubmission(ctx, a, in)
	case "block_actions":
		a.ack(nil)
		if len(in.Actions) == 0 {
			return
		}
		b.onAction(ctx, in, in.Actions[0])
	case "message_action":
		a.ack(nil)
		if in.CallbackID == "log_coaching" {
			b.onMessageShortcut(ctx, in)
		}
	case "shortcut":
		a.ack(nil)
		if in.CallbackID == "log_coaching" {
			b.openLogModal(ctx, in.TriggerID, in.User.ID, coaching.Draft{}, "", modalMeta{Source: coaching.SourceModal})
		}
	default: // view_closed and anything newer
		a.ack(nil)
	}
}

func (b *Bot) onAction(ctx context.Context, in interaction, act action) {
	switch {
	case act.ActionID == actConfirm:
		b.repAnswer(ctx, in, act, func(ra coaching.RepAction) error { _, err := b.svc.Confirm(ctx, ra); return err })
	case strings.HasPrefix(act.ActionID, actRatePfx):
		val, n := splitRating(act.Value)
		act.Value = val
		b.repAnswer(ctx, in, act, func(ra coaching.RepAction) error { _, err := b.svc.Rate(ctx, ra, n); return err })
	case act.ActionID == actDispute || act.ActionID == actComment:
		b.openRepModal(ctx, in, act)
	case act.ActionID == actEdit:
		b.openEditModal(ctx, in, act)
	case act.ActionID == actUndo:
		b.undo(ctx, in, act)
	case act.ActionID == actLogOpen:
		b.openLogModal(ctx, in.TriggerID, in.User.ID, coaching.Draft{}, "", modalMeta{Source: coaching.SourceModal, FromHome: in.Container.Type == "view"})
	case act.ActionID == actLogForRp:
		b.openLogModal(ctx, in.TriggerID, in.User.ID, coaching.Draft{RepIDs: []string{act.Value}}, "", modalMeta{Source: coaching.SourceModal})
	case act.ActionID == actSnooze:
		b.snooze(ctx, in, act)
	case act.ActionID == actionReps && in.View.ID != "":
		b.refreshModal(ctx, in)
	default:
		b.log.Debug("ignored action", "action_id", act.ActionID)
	}
}

// parseRepValue reads "session:rep:version" from a rep's button.
func parseRepValue(v string) (coaching.RepAction, bool) {
	parts := strings.Split(v, ":")
	if len(parts) != 3 {
		return coaching.RepAction{}, false
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	ver, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || parts[1] == "" {
		return coaching.RepAction{}, false
	}
	return coaching.RepAction{SessionID: id, RepID: parts[1], Version: ver}, true
}

func splitRating(v string) (string, int) {
	i := strings.LastIndexByte(v, ':')
	if i < 0 {
		return v, 0
	}
	n, _ := strconv.Atoi(v[i+1:])
	return v[:i], n
}

// repAnswer applies a rep's click. Anyone but that rep, and clicks on an
// outdated message, get an ephemeral refusal and change nothing.
func (b *Bot) repAnswer(ctx context.Context, in interaction, act action, apply func(coaching.RepAction) error) {
	ra, ok := parseRepValue(act.Value)
	if !ok {
		b.log.Warn("malformed button value", "action_id", act.ActionID)
		return
	}
	ra.ActorID = in.User.ID
	if err := apply(ra); err != nil {
		b.answerError(ctx, in.ResponseURL, "rep answer", err)
		return
	}
	b.outbox.Notify()
}

// answerError refuses ephemerally; domain errors say why, others are logged.
func (b *Bot) answerError(ctx context.Context, responseURL, what string, err error) {
	if coaching.ErrorCode(err) == "" {
		b.log.Error(what+" failed", "err", err)
	}
	b.refuse(ctx, responseURL, coaching.ErrorMessage(err))
}

// openRepModal asks a rep what was wrong, or for a comment. Their right to
// answer is checked first (a database read, no Slack call), then views.open
// is the first use of the trigger.
func (b *Bot) openRepModal(ctx context.Context, in interaction, act action) {
	ra, ok := parseRepValue(act.Value)
	if !ok {
		return
	}
	ra.ActorID = in.User.ID
	if _, err := b.svc.RepView(ctx, ra); err != nil {
		b.answerError(ctx, in.ResponseURL, "rep modal", err)
		return
	}
	cb := cbDispute
	if act.ActionID == actComment {
		cb = cbComment
	}
	meta := modalMeta{SessionID: ra.SessionID, RepID: ra.RepID, Version: ra.Version}
	if _, err := b.api.OpenViewContext(ctx, in.TriggerID, reasonModal(cb, meta)); err != nil {
		b.log.Error("views.open failed", "user_id", in.User.ID, "err", err)
	}
}

func parseSessionValue(v string) (int64, string) {
	idText, from, _ := strings.Cut(v, ":")
	id, _ := strconv.ParseInt(idText, 10, 64)
	return id, from
}

// openEditModal opens a session, prefilled, for the manager who logged it.
func (b *Bot) openEditModal(ctx context.Context, in interaction, act action) {
	id, from := parseSessionValue(act.Value)
	s, err := b.svc.SessionForManager(ctx, in.User.ID, id)
	if err != nil {
		b.answerError(ctx, in.ResponseURL, "edit", err)
		return
	}
	meta := modalMeta{SessionID: s.ID, Version: s.Version, FromHome: from == fromHome}
	if from == fromReceipt {
		meta.ResponseURL = in.ResponseURL // to refresh the receipt after saving
	}
	m := logModal{Edit: true, Draft: draftOf(s), Today: b.svc.Today(ctx, in.User.ID), Skills: b.svc.Skills(), Meta: meta}
	m.Open, m.Names = b.openCommitments(ctx, m.Draft.RepIDs, s.ID)
	if _, err := b.api.OpenViewContext(ctx, in.TriggerID, m.view()); err != nil {
		b.log.Error("views.open failed", "user_id", in.User.ID, "err", err)
	}
}

func draftOf(s coaching.Session) coaching.Draft {
	d := coaching.Draft{RepIDs: s.ActiveRepIDs(), Kind: s.Kind, OccurredOn: s.OccurredOn, DurationMin: s.DurationMin,
		Role: s.Role, Skills: s.Skills, Notes: s.Notes, Visibility: s.Visibility, FollowUpOn: s.FollowUpOn}
	for _, c := range s.Commitments {
		if !slices.Contains(d.Commitments, c.Text) {
			d.Commitments = append(d.Commitments, c.Text)
		}
	}
	return d
}

func (b *Bot) undo(ctx context.Context, in interaction, act action) {
	id, from := parseSessionValue(act.Value)
	s, err := b.svc.UndoSession(ctx, in.User.ID, id)
	if err != nil {
		b.answerError(ctx, in.ResponseURL, "undo", err)
		return
	}
	b.outbox.Notify()
	if from == fromHome { // the Home tab has no response_url: show it there
		b.republishHome(ctx, in.User.ID)
		return
	}
	// The receipt is replaced in place; elsewhere a new note says it's done
	// and the list it came from stays.
	b.respond(ctx, in.ResponseURL, receipt(s), from == fromReceipt)
}

// republishHome refreshes someone's App Home after a change made from it.
func (b *Bot) republishHome(ctx context.Context, userID string) {
	if err := b.svc.RequestHome(ctx, userID); err != nil {
		b.log.Error("queue home publish failed", "user_id", userID, "err", err)
		return
	}
	b.outbox.Notify()
}

// snooze stops a manager's nudges for a day or a week and says so in place
// of the nudge.
func (b *Bot) snooze(ctx context.Context, in interaction, act action) {
	days, err := strconv.Atoi(act.Value)
	if err != nil || days < 1 || days > 30 {
		return
	}
	until := b.svc.Today(ctx, in.User.ID).AddDays(days)
	if err := b.svc.Snooze(ctx, in.User.ID, until); err != nil {
		b.answerError(ctx, in.ResponseURL, "snooze", err)
		return
	}
	b.respond(ctx, in.ResponseURL, textMessage(fmt.Sprintf(":zzz: Snoozed: no nudges until %s. `/coach away <date>` pauses them for longer.",
		until.AddDays(1).Human())), true)
}

// refreshModal shows the open commitments of the reps just picked.
func (b *Bot) refreshModal(ctx context.Context, in interaction) {
	d, _ := draftFromState(in.View.State.Values)
	meta := decodeMeta(in.View.PrivateMetadata)
	m := logModal{Edit: in.View.CallbackID == cbEdit, Draft: d, Today: b.svc.Today(ctx, in.User.ID), Skills: b.svc.Skills(),
		Meta: meta, Kept: d.KeptCommitments}
	m.Open, m.Names = b.openCommitments(ctx, d.RepIDs, meta.SessionID)
	if _, err := b.api.UpdateViewContext(ctx, m.view(), "", in.View.Hash, in.View.ID); err != nil {
		// hash_conflict: the user changed the form again; that newer
		// change brings its own refresh.
		b.log.Debug("views.update failed", "err", err)
	}
}

// onMessageShortcut opens the modal with a message's text as notes, cut to
// fit with a link back to the message, and its author as the rep when the
// author is someone else.
func (b *Bot) onMessageShortcut(ctx context.Context, in interaction) {
	var d coaching.Draft
	if in.Message != nil {
		link := messageLink(in)
		d.Notes = shortcutNotes(in.Message.Text, link)
		if u := in.Message.User; u != "" && u != in.User.ID && in.Message.BotID == "" {
			d.RepIDs = []string{u}
		}
	}
	b.openLogModal(ctx, in.TriggerID, in.User.ID, d, "", modalMeta{Source: coaching.SourceShortcut, ResponseURL: in.ResponseURL})
}

// messageLink builds the message's permalink from the payload, sparing a
// chat.getPermalink call before views.open.
func messageLink(in interaction) string {
	if in.Message == nil || in.Channel == nil || in.Team == nil || in.Team.Domain == "" {
		return ""
	}
	return "https://" + in.Team.Domain + ".slack.com/archives/" + in.Channel.ID + "/p" + strings.ReplaceAll(in.Message.TS, ".", "")
}

func shortcutNotes(text, link string) string {
	text = strings.TrimSpace(text)
	if link == "" {
		return truncateRunes(text, coaching.MaxNotesLen)
	}
	suffix := "\n\n(from " + link + ")"
	room := coaching.MaxNotesLen - len([]rune(suffix))
	if len([]rune(text)) > room {
		text = truncate(text, room)
	}
	return text + suffix
}

// onSubmission saves a modal. The ack waits for the commit: an acknowledged
// submission is stored. Database waits are bounded well inside Slack's 3 s.
func (b *Bot) onSubmission(ctx context.Context, a *acker, in interaction) {
	a.onPanic = errorsResponse(firstBlock(in.View.CallbackID), "Something went wrong on our side. Please try again.")
	ctx2, cancel := context.WithTimeout(ctx, b.ackTO)
	defer cancel()
	meta := decodeMeta(in.View.PrivateMetadata)
	switch in.View.CallbackID {
	case cbLog, cbEdit:
		b.submitSession(ctx2, a, in, meta)
	case cbDispute, cbComment:
		b.submitReason(ctx2, a, in, meta)
	default:
		a.ack(nil)
		b.log.Warn("submission of an unknown view", "callback_id", in.View.CallbackID)
	}
}

func firstBlock(callbackID string) string {
	if callbackID == cbDispute || callbackID == cbComment {
		return "reason"
	}
	return string(coaching.FieldReps)
}

func errorsResponse(block, msg string) *slack.ViewSubmissionResponse {
	return slack.NewErrorsViewSubmissionResponse(map[string]string{block: truncate(msg, 150)})
}

func fieldErrorsResponse(fe coaching.FieldErrors) *slack.ViewSubmissionResponse {
	m := make(map[string]string, len(fe))
	for f, msg := range fe {
		m[string(f)] = msg
	}
	return slack.NewErrorsViewSubmissionResponse(m)
}

func (b *Bot) submitSession(ctx context.Context, a *acker, in interaction, meta modalMeta) {
	d, perrs := draftFromState(in.View.State.Values)
	if perrs != nil {
		a.ack(fieldErrorsResponse(perrs))
		return
	}
	b.knowManager(ctx, in.User.ID)
	var s coaching.Session
	var err error
	key := "view:" + in.View.ID
	if in.View.CallbackID == cbEdit {
		s, err = b.svc.EditSession(ctx, coaching.EditRequest{ActorID: in.User.ID, SessionID: meta.SessionID, Version: meta.Version, Draft: d, Key: key})
	} else {
		src := meta.Source
		if src == "" {
			src = coaching.SourceModal
		}
		s, err = b.svc.LogSession(ctx, coaching.LogRequest{ManagerID: in.User.ID, Draft: d, Source: src, Key: key, ResponseURL: meta.ResponseURL})
	}
	if fe, ok := coaching.FieldErrorsOf(err); ok {
		a.ack(fieldErrorsResponse(fe))
		return
	}
	if err != nil {
		if coaching.ErrorCode(err) == "" || coaching.ErrorCode(err) == coaching.EBusy {
			b.log.Error("saving a session failed", "user_id", in.User.ID, "callback_id", in.View.CallbackID, "err", err)
		}
		a.ack(errorsResponse(string(coaching.FieldReps), coaching.ErrorMessage(err)))
		return
	}
	a.ack(nil)
	b.outbox.Notify()
	if in.View.CallbackID == cbEdit && meta.ResponseURL != "" {
		b.respond(ctx, meta.ResponseURL, receipt(s), true)
	}
	if meta.FromHome {
		b.republishHome(ctx, in.User.ID)
	}
}

// knowManager makes sure the manager's time zone is known before their date
// is judged. The profile is normally read right after the modal opened; a
// submission faster than that reads it here, within a second of the ack
// budget, and falls back to the organisation's zone if Slack is slow.
func (b *Bot) knowManager(ctx context.Context, userID string) {
	if p, err := b.svc.Person(ctx, userID); err == nil && !p.ResolvedAt.IsZero() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if _, err := b.svc.Refresh(ctx, userID); err != nil {
		b.log.Warn("manager profile unknown at submission; using the organisation's time zone", "user_id", userID, "err", err)
	}
}

func (b *Bot) submitReason(ctx context.Context, a *acker, in interaction, meta modalMeta) {
	text := in.View.State.Values["reason"]["reason"].text()
	ra := coaching.RepAction{ActorID: in.User.ID, SessionID: meta.SessionID, RepID: meta.RepID, Version: meta.Version}
	var err error
	if in.View.CallbackID == cbDispute {
		_, err = b.svc.Dispute(ctx, ra, text)
	} else {
		_, err = b.svc.Comment(ctx, ra, text)
	}
	if fe, ok := coaching.FieldErrorsOf(err); ok {
		a.ack(fieldErrorsResponse(fe))
		return
	}
	if err != nil {
		if coaching.ErrorCode(err) == "" {
			b.log.Error("saving a rep answer failed", "user_id", in.User.ID, "err", err)
		}
		a.ack(errorsResponse("reason", coaching.ErrorMessage(err)))
		return
	}
	a.ack(nil)
	b.outbox.Notify()
}
