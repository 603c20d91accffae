package slackbot

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/textcut"
)

// onInteraction serves buttons, modal submissions and shortcuts.
func (b *Bot) onInteraction(ctx context.Context, a *acker, in interaction) {
	switch in.Type {
	case "view_submission":
		b.onSubmission(ctx, a, in)
	case "block_actions":
		if len(in.Actions) == 0 {
			b.malformed(a, errors.New("block_actions without an action"))
			return
		}
		b.onAction(ctx, a, in, in.Actions[0])
	case "message_action":
		a.ack(nil)
		if in.CallbackID != CallbackMessageShortcut {
			b.notServed(in)
			return
		}
		b.onMessageShortcut(ctx, in, a.formReadsBy())
	case "shortcut":
		a.ack(nil)
		if in.CallbackID != CallbackGlobalShortcut {
			b.notServed(in)
			return
		}
		b.openLogForm(ctx, in, a.formReadsBy(), coaching.Draft{}, modalMeta{Source: coaching.SourceModal}, "Use the *Log coaching* shortcut again")
	default: // view_closed, block_suggestion and anything newer
		a.ack(nil)
		b.notServed(in)
	}
}

// notServed logs an interaction the bot has no use for, acknowledged
// empty: none of its views asks to hear of closing (view_closed), none
// of its selects loads options (block_suggestion), and its only shortcuts
// are manifest.yml's two. One arriving says the app's settings and the
// code disagree.
func (b *Bot) notServed(in interaction) {
	b.log.Warn("skipped an interaction the bot does not serve", "interaction_type", in.Type,
		"callback_id", in.CallbackID, "view_callback_id", in.View.CallbackID)
}

// onAction serves a button. Buttons that change something (Confirm, a
// rating, Undo, Snooze, closing a commitment) commit before the ack, within the ack deadline:
// Slack never sends an acknowledged click again, so a write after the ack
// would be lost in a crash between the two. On the deadline the person is
// told to try again, and nothing was written. The other buttons write
// nothing: those that open a modal ack and call views.open at once, the
// first use of the trigger id, and what the modal needs (the session, its
// version, the click's response_url) travels in its private_metadata to the
// submission, which commits before its own ack.
func (b *Bot) onAction(ctx context.Context, a *acker, in interaction, act action) {
	switch {
	case act.ActionID == actConfirm:
		b.repAnswer(ctx, a, in, act, b.svc.Confirm)
	case strings.HasPrefix(act.ActionID, actRatePfx):
		val, n := splitRating(act.Value)
		act.Value = val
		b.repAnswer(ctx, a, in, act, func(ctx context.Context, ra coaching.RepAction) (coaching.RepAnswer, error) {
			// The Home offers a rating only for a session not rated yet:
			// one given since, in the DM, stands against a stale tab.
			ra.Unrated = inHome(in)
			return b.svc.Rate(ctx, ra, n)
		})
	case act.ActionID == actUndo:
		b.undo(ctx, a, in, act)
	case act.ActionID == actCloseCommitment:
		b.closeCommitment(ctx, a, in, act)
	case act.ActionID == actReopenCommitment:
		b.reopenCommitment(ctx, a, in, act)
	case strings.HasPrefix(act.ActionID, actSnooze):
		b.snooze(ctx, a, in, act)
	default:
		a.ack(nil)
		b.onOpenAction(ctx, in, act, a.formReadsBy())
	}
}

// writeThenAck runs a button's write on the ack path, bounded by the ack
// deadline, and acknowledges the click once it is committed or given up.
func (b *Bot) writeThenAck(ctx context.Context, a *acker, write func(context.Context) error) error {
	wctx, cancel := a.budget(ctx)
	defer cancel()
	err := pastAck(wctx, write(wctx))
	a.ack(nil)
	return err
}

// errAckDeadline marks the error of work done before an ack that ran out
// of the ack's budget (pastAck).
var errAckDeadline = errors.New("the ack deadline passed")

// pastAck marks err, from work bounded by the ack's budget ctx, as the
// deadline's doing when that budget ran out: a busy error tells the person
// the same either way, but the log says which happened (logAnswerError).
func pastAck(ctx context.Context, err error) error {
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w (%w)", err, errAckDeadline)
	}
	return err
}

// onOpenAction serves the buttons that write nothing: most open a modal,
// the reads before its views.open done by readBy.
func (b *Bot) onOpenAction(ctx context.Context, in interaction, act action, readBy time.Time) {
	switch {
	case act.ActionID == actDispute || act.ActionID == actComment:
		b.openRepModal(ctx, in, act, readBy)
	case act.ActionID == actEdit:
		b.openEditModal(ctx, in, act, readBy)
	case act.ActionID == actLogOpen || act.ActionID == actLogForRp:
		// A button in a message (the nudge, /coach team) carries a
		// response_url: the saved form answers through it with the
		// receipt, a new ephemeral message, as /coach's form does; the
		// nudge it came from stays. The App Home's carries none, and its
		// tab is refreshed instead.
		meta := modalMeta{Source: coaching.SourceModal, FromHome: inHome(in)}.withResponse(in.ResponseURL, b.svc.Now())
		var d coaching.Draft
		if act.ActionID == actLogForRp {
			d.RepIDs = []string{act.Value}
		}
		b.openLogForm(ctx, in, readBy, d, meta, againLog)
	case act.ActionID == actionReps && in.View.ID != "":
		b.refreshModal(ctx, in, readBy)
	default:
		b.log.Debug("ignored action", "action_id", act.ActionID)
	}
}

// againLog is what to do when a Log coaching button's form did not open.
const againLog = "Click *Log coaching* again"

// openLogForm opens the log form for a button or a shortcut, acknowledged
// already, its reads done by readBy; when Slack does not open it, the
// person is told, with again saying what to do.
func (b *Bot) openLogForm(ctx context.Context, in interaction, readBy time.Time, d coaching.Draft, meta modalMeta, again string) {
	_, err := b.openLogModal(ctx, in.TriggerID, in.User.ID, readBy, d, "", meta)
	switch {
	case err == nil, errors.Is(err, errRefusalShown):
	case coaching.ErrorCode(err) == coaching.EForbidden:
		b.refuseOutsider(ctx, in)
	default:
		b.formNotOpened(ctx, in, "nothing was logged", again)
	}
}

// refuseOutsider tells someone of another company, whose click or
// shortcut would have opened the log form, that they can't log coaching:
// privately where they are, as formNotOpened answers. A global shortcut
// has no response_url, and a DM from this company's bot may not reach
// them: the trigger, unused, opens the refusal alone (refusalView).
func (b *Bot) refuseOutsider(ctx context.Context, in interaction) {
	if in.ResponseURL == "" && !inHome(in) {
		if _, err := b.openView(ctx, in.TriggerID, refusalView(outsiderText)); err == nil {
			return
		}
	}
	b.tellFormOutcome(ctx, in, outsiderText)
}

// formNotOpened tells someone whose click or shortcut did not open its
// form (views.open failed: the trigger expired while Slack or the bot was
// slow, or Slack refused the view) that nothing was saved (nothing) and
// what to do (again). The interaction was acknowledged before views.open,
// so without this they would see nothing happen at all. It answers where
// they are: through the response_url of a message or a message shortcut,
// as a new message so that the one clicked keeps its buttons; at the top
// of the App Home tab, which has no response_url; else (a global
// shortcut) in a DM.
func (b *Bot) formNotOpened(ctx context.Context, in interaction, nothing, again string) {
	b.tellFormOutcome(ctx, in, notOpenedText(nothing, again))
}

// formNotRead tells someone whose form could not open without a read the
// database did not answer by the form's deadline (the session to edit,
// whether they may answer for it) that it did not open, that nothing was
// saved (nothing) and what to do (again), where formNotOpened would.
// Waiting for the read would outlast the trigger: they would be told,
// later, that Slack did not open the form, or hear nothing while a table
// stays locked. It leads with the busy line every other answer gives
// when the database gave up (coaching.BusyMessage): the person is told
// the same thing, in the same words, whatever they clicked.
func (b *Bot) formNotRead(ctx context.Context, in interaction, nothing, again string) {
	b.tellFormOutcome(ctx, in, ":warning: "+coaching.BusyMessage+" The form did not open, and "+nothing+". "+
		again+"; if it keeps happening, tell whoever runs Coachlog.")
}

// tellFormOutcome says text where the person whose form did not open is:
// see formNotOpened.
func (b *Bot) tellFormOutcome(ctx context.Context, in interaction, text string) {
	switch {
	case in.ResponseURL != "":
		b.respond(ctx, in.ResponseURL, textMessage(text), false)
	case inHome(in):
		b.republishHome(ctx, in.User.ID, text)
	default:
		if _, err := b.postNow(ctx, in.User.ID, "", textMessage(text)); err != nil {
			b.log.Warn("DM that a form did not open failed", "user_id", in.User.ID, "err", err)
		}
	}
}

// notOpenedText says that Slack did not open a form, so nothing was saved
// (nothing: what was not), and what to do (again); a repeat is someone
// else's to look into.
func notOpenedText(nothing, again string) string {
	return ":warning: Slack did not open the form, so " + nothing + ". " + again + "; if it keeps happening, tell whoever runs Coachlog."
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
// outdated message, get an ephemeral refusal and change nothing. A click
// on the DM asking for the answer the rep has given already (elsewhere,
// since that copy of the DM was drawn) writes nothing and says so
// (tellAnswered).
func (b *Bot) repAnswer(ctx context.Context, a *acker, in interaction, act action, click repClick) {
	ra, ok := parseRepValue(act.Value)
	if !ok {
		a.ack(nil)
		b.log.Warn("malformed button value", "action_id", act.ActionID)
		return
	}
	ra.ActorID = in.User.ID
	ra.ResponseURL, ra.ResponseAt = b.messageResponse(in)
	var res coaching.RepAnswer
	if err := b.writeThenAck(ctx, a, func(ctx context.Context) (err error) {
		res, err = click(ctx, ra)
		return err
	}); err != nil {
		b.showCurrentDM(ctx, ra, err)
		b.clickError(ctx, in, "rep answer", err)
		return
	}
	if answeredOnDM(ra, res) {
		b.tellAnswered(ctx, in, ra, answeredText(act.ActionID, res.Session, ra.RepID))
		return
	}
	b.outbox.Notify()
	if inHome(in) {
		b.homeAnswered(ctx, ra)
	}
}

// showCurrentDM replaces the rep's DM with the session as it is now when
// their answer was refused for coming from an older version of it
// (EStale): the edit's own update may still wait behind Slack's rate
// limit, and the refusal tells them to use the updated message. So too
// when it was refused for what became of the session since that copy of
// the DM was drawn (EInvalid: withdrawn, the rep taken off it, marked not
// accurate or not confirmed now): the refusal says why, and the DM
// behind it should not go on offering the buttons refused.
func (b *Bot) showCurrentDM(ctx context.Context, ra coaching.RepAction, err error) {
	if code := coaching.ErrorCode(err); code == coaching.EStale || code == coaching.EInvalid {
		b.queueCurrentDM(ctx, ra)
	}
}

// queueCurrentDM queues the rep's DM, as the session is now, to replace
// the copy they clicked on through the click's response_url; without one
// (a click in the App Home) there is nothing to replace.
func (b *Bot) queueCurrentDM(ctx context.Context, ra coaching.RepAction) {
	if ra.ResponseURL == "" {
		return
	}
	if err := b.svc.ShowCurrentDM(ctx, ra); err != nil {
		b.log.Warn("queue the current DM for a click on an out-of-date copy failed", "session_id", ra.SessionID, "rep_id", ra.RepID, "err", err)
		return
	}
	b.outbox.Notify()
}

// messageResponse is the response_url of a click on a message the bot
// posted in someone's DM with the app (a rep's DM), with when it was
// issued: it can replace that message. Clicks elsewhere (an ephemeral
// reply, a view) give "", and so does a click on a copy of the DM outside
// a DM (a D… channel): a channel it was forwarded to, should Slack keep
// its buttons working there, where replacing it would show the session's
// notes to everyone in it. The DM itself is then updated with chat.update.
func (b *Bot) messageResponse(in interaction) (string, time.Time) {
	if in.ResponseURL == "" || in.Container.Type != "message" || truthy(in.Container.IsEphemeral) ||
		!strings.HasPrefix(in.Container.ChannelID, "D") {
		return "", time.Time{}
	}
	return in.ResponseURL, b.svc.Now()
}

// truthy reads a flag Slack sends as a boolean or, sometimes, as a string.
func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return x == "true"
	}
	return false
}

// answerError refuses ephemerally; domain errors say why, others are logged.
func (b *Bot) answerError(ctx context.Context, responseURL, what string, err error, attrs ...any) {
	b.logAnswerError(what, err, attrs...)
	b.refuse(ctx, responseURL, coaching.ErrorMessage(err))
}

// clickError refuses a click: through its response_url, or, for a click in
// the App Home tab, which has none, as a notice at the top of the tab,
// republished.
func (b *Bot) clickError(ctx context.Context, in interaction, what string, err error) {
	if in.ResponseURL != "" || !inHome(in) {
		b.answerError(ctx, in.ResponseURL, what, err, "user_id", in.User.ID)
		return
	}
	b.logAnswerError(what, err, "user_id", in.User.ID)
	b.republishHome(ctx, in.User.ID, homeRefusal(err))
}

// logAnswerError logs why someone was answered with err: an error of no
// kind as the failure it is, a busy one at Warn with its cause; a domain
// refusal is theirs to read, not the operator's. attrs say who and what.
// operatorError reports whether err is one logAnswerError logs: a failure
// or the database busy, not a refusal the user reads.
func operatorError(err error) bool {
	code := coaching.ErrorCode(err)
	return code == "" || code == coaching.EBusy
}

func (b *Bot) logAnswerError(what string, err error, attrs ...any) {
	attrs = append(attrs, "err", err)
	switch coaching.ErrorCode(err) {
	case "":
		b.log.Error(what+" failed", attrs...)
	case coaching.EBusy:
		// A write or a read gave up: at the ack deadline, at a deadline
		// of its own, or when the database stopped waiting for a lock
		// first (SQLite's busy timeout, PostgreSQL's statement or lock
		// timeout, its retries of a serialization failure).
		switch {
		case errors.Is(err, errAckDeadline):
			b.log.Warn(what+" gave up at the ack deadline; asked to try again", attrs...)
		case errors.Is(err, context.DeadlineExceeded):
			b.log.Warn(what+" gave up at its deadline; asked to try again", attrs...)
		default:
			b.log.Warn(what+" gave up: the database was busy (it stopped waiting for a lock); asked to try again", attrs...)
		}
	}
}

// inHome reports whether an interaction came from someone's App Home tab.
func inHome(in interaction) bool { return in.Container.Type == "view" && in.View.Type == "home" }

// openRepModal asks a rep what was wrong, or for a comment. Their right to
// answer is checked first (a database read, no Slack call), by readBy,
// then views.open is the first use of the trigger. The form cannot open
// without that read: it says whether they may answer at all, and "Edit
// your comment" opens on the comment left. Past readBy they are told to
// click again, and nothing was saved.
func (b *Bot) openRepModal(ctx context.Context, in interaction, act action, readBy time.Time) {
	ra, ok := parseRepValue(act.Value)
	if !ok {
		return
	}
	cb, again := cbDispute, "Click *Not accurate* again"
	if act.ActionID == actComment {
		cb, again = cbComment, "Click the comment button again" // "Add a comment" or "Edit your comment"
	}
	ra.ActorID = in.User.ID
	pre, cancel := context.WithDeadline(ctx, readBy)
	s, err := b.svc.RepView(pre, ra)
	why := whyUnread(pre, err)
	cancel()
	if why != "" {
		b.log.Warn("rep form not opened: "+why, "user_id", in.User.ID, "session_id", ra.SessionID, "err", err)
		b.formNotRead(ctx, in, "nothing was saved", again)
		return
	}
	if err != nil {
		// A click on an older version: the DM is shown as it is now, as
		// after a stale Confirm (repAnswer), beside the refusal.
		ra.ResponseURL, ra.ResponseAt = b.messageResponse(in)
		b.showCurrentDM(ctx, ra, err)
		b.clickError(ctx, in, "rep modal", err)
		return
	}
	if r, _ := s.Rep(ra.RepID); cb == cbDispute && r.Status != coaching.StatusPending {
		// Answered since this copy was drawn: marked not accurate, the
		// domain keeps the first reason, and a form would take a second
		// one to nowhere; confirmed, it refuses Not accurate (Dispute), so
		// the form would take a reason only to refuse it.
		answer := actDispute
		if r.Status == coaching.StatusConfirmed {
			answer = actConfirm
		}
		ra.ResponseURL, ra.ResponseAt = b.messageResponse(in)
		b.tellAnswered(ctx, in, ra, answeredText(answer, s, ra.RepID))
		return
	}
	initial := ""
	if cb == cbComment {
		// "Edit your comment" opens on the comment: saved as it opens,
		// or with a word changed, it must not wipe what the rep wrote.
		r, _ := s.Rep(ra.RepID)
		initial = r.Comment
	}
	// The modal carries the click's response_url, so that the answer
	// updates the DM through it, as a click on the DM itself does.
	meta := modalMeta{SessionID: ra.SessionID, RepID: ra.RepID, Version: ra.Version, FromHome: inHome(in)}.withResponse(b.messageResponse(in))
	if _, err := b.openView(ctx, in.TriggerID, reasonModal(cb, initial, s.ManagerID, meta, b.notesAI)); err != nil {
		b.logOpenFailed(in.User.ID, err)
		b.formNotOpened(ctx, in, "nothing was saved", again)
	}
}

// cutOff reports whether a read made with ctx failed because ctx ended
// first: its deadline (a form's readBy) passed, or the bot is stopping,
// before the database answered.
func cutOff(ctx context.Context, err error) bool { return err != nil && ctx.Err() != nil }

// whyUnread says why the session a form cannot open without, read with ctx,
// was not read; "" when it was, or failed otherwise. Its deadline passed
// (cutOff), or the database gave up first, busy (a PostgreSQL statement
// or lock timeout shorter than the form's budget): the person is told the
// same either way (formNotRead), and the log says which.
func whyUnread(ctx context.Context, err error) string {
	switch {
	case cutOff(ctx, err):
		return "the session was not read by the form's deadline"
	case coaching.ErrorCode(err) == coaching.EBusy:
		return "the database was busy (it stopped waiting for a lock)"
	}
	return ""
}

// parseSessionValue reads an Edit or Undo button's value, "<id>:<from>"
// or, from a history of one rep, "<id>:h:<rep>" (historyValue); repID is
// the rep whose history the button is in ("" for any other).
func parseSessionValue(v string) (id int64, from, repID string) {
	idText, from, _ := strings.Cut(v, ":")
	from, repID, _ = strings.Cut(from, ":")
	id, _ = strconv.ParseInt(idText, 10, 64)
	if !userIDRE.MatchString(repID) {
		repID = ""
	}
	return id, from, repID
}

// openEditModal opens a session, prefilled, for the manager who logged it.
// Its reads before views.open are done by readBy, as the log form's are:
// past it the form opens without the open commitments to tick, but not
// without the session, whose version the edit is checked against; the
// manager is then told to click again, and nothing was changed.
func (b *Bot) openEditModal(ctx context.Context, in interaction, act action, readBy time.Time) {
	id, from, histRep := parseSessionValue(act.Value)
	pre, cancel := context.WithDeadline(ctx, readBy)
	defer cancel()
	s, err := b.svc.SessionForManager(pre, in.User.ID, id)
	if why := whyUnread(pre, err); why != "" {
		b.log.Warn("edit form not opened: "+why, "user_id", in.User.ID, "session_id", id, "err", err)
		b.formNotRead(ctx, in, "nothing was changed", "Click *Edit* again")
		return
	}
	if err != nil {
		b.clickError(ctx, in, "edit", err)
		return
	}
	meta := modalMeta{SessionID: s.ID, Version: s.Version, SavedAt: s.UpdatedAt.UnixMilli(), FromHome: from == fromHome}
	switch from {
	case fromReceipt:
		meta = meta.withResponse(in.ResponseURL, b.svc.Now()) // to refresh the receipt after saving
	case fromHistory: // an ephemeral list, shown again after saving, with what changed
		meta = meta.withResponse(in.ResponseURL, b.svc.Now())
		meta.Back, meta.RepID = fromHistory, histRep
	case fromDispute:
		// The DM saying why is left as it is, the reason in it; the
		// edit is told in its thread.
		if in.Container.Type == "message" && in.Container.ChannelID != "" && in.Container.MessageTS != "" {
			meta.Back, meta.Channel, meta.TS = fromDispute, in.Container.ChannelID, in.Container.MessageTS
		}
	}
	// No today: the date picker starts on the session's date, which every
	// session has (coaching.ValidateDraft refuses a draft without one), so
	// reading the manager's time zone would only spend the read budget.
	m := logModal{Edit: true, Draft: draftOf(s), Skills: b.svc.Skills(), Meta: meta}
	_, unshown := m.retiredSkills()
	m.Meta = m.Meta.withUnshown(unshown)
	m.Open, m.Names, _ = b.openCommitments(pre, in.User.ID, m.Draft.RepIDs, s.ID)
	cancel()
	if _, err := b.openView(ctx, in.TriggerID, m.view()); err != nil {
		b.logOpenFailed(in.User.ID, err)
		b.formNotOpened(ctx, in, "nothing was changed", "Click *Edit* again")
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

func (b *Bot) undo(ctx context.Context, a *acker, in interaction, act action) {
	id, from, histRep := parseSessionValue(act.Value)
	var s coaching.Session
	err := b.writeThenAck(ctx, a, func(ctx context.Context) (err error) {
		s, err = b.svc.UndoSession(ctx, in.User.ID, id)
		return err
	})
	if err != nil {
		b.clickError(ctx, in, "undo", err)
		return
	}
	b.outbox.Notify()
	if from == fromHome { // the Home tab has no response_url: say it there
		b.republishHome(ctx, in.User.ID, undoneText(s))
		return
	}
	if from == fromHistory {
		// The list is shown again in place, the session gone from it
		// and the word at its top: left as it was, it would still offer
		// Edit and Undo of a session that no longer counts.
		h, err := b.historyOf(ctx, in.User.ID, histRep)
		if err == nil {
			h.top = undoneText(s)
			b.respond(ctx, in.ResponseURL, historyMessage(h), true)
			return
		}
		b.logAnswerError("history", err, "user_id", in.User.ID) // then the word alone, under the list
	}
	// The receipt is replaced in place; elsewhere a new note says it's done.
	b.respond(ctx, in.ResponseURL, receipt(s), from == fromReceipt)
}

// republishHome refreshes someone's App Home after something done from it,
// with notice (if any) at the top saying what became of it.
func (b *Bot) republishHome(ctx context.Context, userID, notice string) {
	if err := b.svc.RequestHome(ctx, userID, notice); err != nil {
		b.log.Error("queue home publish failed", "user_id", userID, "err", err)
		return
	}
	b.outbox.Notify()
}

// snooze stops a manager's nudges for a day or a week and says so in place
// of the nudge, above the nudge's list of overdue reps.
func (b *Bot) snooze(ctx context.Context, a *acker, in interaction, act action) {
	days, err := strconv.Atoi(act.Value)
	if err != nil || days < 1 || days > 30 {
		b.malformed(a, fmt.Errorf("snooze for %q days", act.Value))
		return
	}
	pre, cancel := a.budget(ctx) // the read before the ack shares its budget
	defer cancel()
	until, resume := coaching.SnoozeEnd(b.svc.Today(pre, in.User.ID), days)
	if err := b.writeThenAck(ctx, a, func(ctx context.Context) error { return b.svc.Snooze(ctx, in.User.ID, until) }); err != nil {
		b.clickError(ctx, in, "snooze", err)
		return
	}
	msg := textMessage(snoozedText(resume))
	msg.Blocks = append(msg.Blocks, snoozedList(in.Message.blocks())...)
	b.respond(ctx, in.ResponseURL, msg, true)
}

// snoozedText says a snooze is taken and until when; away, for longer.
func snoozedText(resume coaching.Date) string {
	return fmt.Sprintf(":zzz: Snoozed: no nudges until %s. `/coach away &lt;date&gt;` pauses them for longer.", resume.Human())
}

// refreshModal shows the open commitments of the reps just picked. Its
// reads are done by readBy, the deadline the forms' reads share
// (formReadBudget): with none, a table locked (a migration, another
// replica's long transaction) held the update for as long as the lock,
// and the form changed under the manager's hands long after the pick.
// Past readBy the form shows what was read, and says that some
// commitments may be missing (picking again reads them again). Slack
// keeps what was typed in every input whose block_id and action_id the
// update keeps: all of them, each under the block id it has on screen
// (revised or not, see inputFields), but for the checkboxes of a rep
// whose commitments the form shows and could not read again, which an
// update would drop with their ticks. Then the form is left as it is.
func (b *Bot) refreshModal(ctx context.Context, in interaction, readBy time.Time) {
	d, _ := draftFromState(in.View.State.Values)
	meta := decodeMeta(in.View.PrivateMetadata)
	m := logModal{Edit: in.View.CallbackID == cbEdit, Draft: d, Skills: b.svc.Skills(), Meta: meta, Kept: d.KeptCommitments,
		IDs: fieldBlockIDs(in.View)}
	pre, cancel := context.WithDeadline(ctx, readBy)
	if d.OccurredOn.IsZero() { // Slack reports the date picker's value, shown from the start: today is rarely needed
		m.Today = b.svc.Today(pre, in.User.ID)
	}
	var unread []string
	m.Open, m.Names, unread = b.openCommitments(pre, in.User.ID, d.RepIDs, meta.SessionID)
	cancel()
	if len(unread) > 0 {
		m.Notice = noticeCommitmentsUnread
	}
	if shown := repsWithTicks(in.View, unread); len(shown) > 0 {
		b.log.Warn("form left as it is: the open commitments it shows were not read again by the form's deadline",
			"user_id", in.User.ID, "rep_ids", shown)
	} else if _, err := b.updateView(ctx, m.view(), in.View.Hash, in.View.ID); err != nil {
		b.logRefreshFailed(in.User.ID, err)
	}
	// Read the picked reps' profiles now, past the form's deadline but
	// within refresh's own, so that the submission rarely has to ask Slack.
	b.refresh(ctx, d.RepIDs...)
}

// logRefreshFailed logs a refresh's views.update that failed. A
// hash_conflict is expected: the user changed the form again, and that
// newer change brings its own refresh. Anything else left the manager
// looking at a form that did not change (view_too_large, a network
// failure...): that is logged at Warn, with Slack's code and never the
// form's content.
func (b *Bot) logRefreshFailed(userID string, err error) {
	code := SlackErrorCode(err)
	if code == "hash_conflict" {
		b.log.Debug("views.update failed: the form changed since", "user_id", userID, "error", code)
		return
	}
	if code == "" {
		b.log.Warn("could not refresh the log form", "user_id", userID, "err", err)
		return
	}
	b.log.Warn("could not refresh the log form", "user_id", userID, "error", code)
}

// noticeCommitmentsUnread heads a form refreshed without the open
// commitments of some of its reps (refreshModal).
const noticeCommitmentsUnread = ":warning: Coachlog could not read every rep's open commitments just now, so some may be missing here. Pick the reps again to see them."

// repsWithTicks lists the reps whose open commitments v shows to tick (a
// block keptPrefix+rep), of repIDs.
func repsWithTicks(v view, repIDs []string) []string {
	var out []string
	for _, id := range repIDs {
		if slices.ContainsFunc(v.Blocks, func(b viewBlock) bool { return b.BlockID == keptPrefix+id }) {
			out = append(out, id)
		}
	}
	return out
}

// onMessageShortcut opens the modal with a message's text as notes, cut to
// fit with a link back to the message, and its author as the rep when the
// author is someone else. The text carries Slack's message markup; the
// notes are what its author wrote.
func (b *Bot) onMessageShortcut(ctx context.Context, in interaction, readBy time.Time) {
	var d coaching.Draft
	if in.Message != nil {
		link := b.messageLink(in)
		// Names of people the text mentions, read by the form's deadline,
		// which its other reads share (formReadBudget).
		pre, cancel := context.WithDeadline(ctx, readBy)
		d.Notes = shortcutNotes(b.written(pre, in.Message.Text), link)
		cancel()
		// The author is offered as the rep, unless it is a bot, the one
		// using the shortcut, or Slackbot (whose messages carry no bot_id).
		if u := in.Message.User; u != "" && u != in.User.ID && in.Message.BotID == "" && u != slackbotID {
			d.RepIDs = []string{u}
		}
	}
	b.openLogForm(ctx, in, readBy, d, modalMeta{Source: coaching.SourceShortcut}.withResponse(in.ResponseURL, b.svc.Now()),
		"Use *Log coaching* on the message again")
}

// messageLink builds the message's permalink from the payload, sparing a
// chat.getPermalink call before views.open (and that call fails in the
// private channels and DMs the bot is not in, where coaching is often
// discussed). A reply in a thread gets the form chat.getPermalink gives
// one, with its thread and channel: without them Slack opens the channel,
// not the reply. The host is the one the workspace's pages are on:
// GovSlack serves them, as its Web API, from slack-gov.com.
func (b *Bot) messageLink(in interaction) string {
	if in.Message == nil || in.Channel == nil || in.Team == nil || in.Team.Domain == "" {
		return ""
	}
	m := in.Message
	link := "https://" + in.Team.Domain + "." + webHost(b.apiURL) + "/archives/" + in.Channel.ID + "/p" + strings.ReplaceAll(m.TS, ".", "")
	if m.ThreadTS != "" && m.ThreadTS != m.TS {
		link += "?thread_ts=" + m.ThreadTS + "&cid=" + in.Channel.ID
	}
	return link
}

// webHost is the domain workspaces are served from, by the Web API's URL:
// slack-gov.com for GovSlack, else slack.com (a proxy or a fake says
// nothing of where the workspace lives).
func webHost(apiURL string) string {
	u, err := url.Parse(apiURL)
	if err == nil && (u.Hostname() == govHost || strings.HasSuffix(u.Hostname(), "."+govHost)) {
		return govHost
	}
	return "slack.com"
}

const govHost = "slack-gov.com"

// slackbotID is Slackbot's user id, the same in every workspace.
const slackbotID = "USLACKBOT"

func shortcutNotes(text, link string) string {
	text = strings.TrimSpace(text)
	if link == "" {
		return truncateRunes(text, coaching.MaxNotesLen)
	}
	suffix := "\n\n(from " + link + ")"
	if text == "" {
		return suffix[2:]
	}
	room := coaching.MaxNotesLen - len([]rune(suffix))
	if len([]rune(text)) > room {
		text = textcut.Cut(text, room)
	}
	return text + suffix
}

// onSubmission saves a modal. The ack waits for the commit: an acknowledged
// submission is stored. Database waits are bounded well inside Slack's 3 s.
func (b *Bot) onSubmission(ctx context.Context, a *acker, in interaction) {
	a.onPanic = errorAck(in.View, "Something went wrong on our side. Please try again.")
	meta := decodeMeta(in.View.PrivateMetadata)
	switch in.View.CallbackID {
	case cbLog, cbEdit:
		b.submitSession(ctx, a, in, meta)
	case cbDispute, cbComment:
		b.submitReason(ctx, a, in, meta)
	default:
		a.ack(nil)
		b.log.Warn("submission of an unknown view", "callback_id", in.View.CallbackID)
	}
}

// submitSession stores a logged or edited session before the ack, within
// the ack's budget; what follows the ack runs on ctx.
func (b *Bot) submitSession(ctx context.Context, a *acker, in interaction, meta modalMeta) {
	d, perrs := draftFromState(in.View.State.Values)
	if perrs != nil {
		a.ack(errorsAck(in.View, perrs))
		return
	}
	bctx, cancel := a.budget(ctx)
	defer cancel()
	var err error
	var edited coaching.Edited
	var logged coaching.Session
	key := "view:" + in.View.ID
	if in.View.CallbackID == cbEdit {
		d.Skills = append(d.Skills, meta.Unshown...) // EditSession drops a skill named twice
		req := coaching.EditRequest{ActorID: in.User.ID, SessionID: meta.SessionID, Version: meta.Version,
			SavedAt: meta.savedAt(), Draft: d, Key: key, Redelivery: a.redelivered}
		switch meta.Back {
		case "": // the receipt's: the domain replaces it with the edit
			req.ResponseURL, req.ResponseAt = meta.ResponseURL, meta.responseAt()
		case fromDispute: // the domain queues a reply in the not-accurate DM's thread
			req.Thread = coaching.Posted{Channel: meta.Channel, TS: meta.TS}
		}
		edited, err = b.svc.Edit(bctx, req)
	} else {
		src := meta.Source
		if src == "" {
			src = coaching.SourceModal
		}
		logged, err = b.svc.LogSession(bctx, coaching.LogRequest{ManagerID: in.User.ID, Draft: d, Source: src, Key: key,
			ResponseURL: meta.ResponseURL, ResponseAt: meta.responseAt(), Redelivery: a.redelivered})
	}
	err = pastAck(bctx, err)
	if fe, ok := coaching.FieldErrorsOf(err); ok {
		a.ack(errorsAck(in.View, fe))
		return
	}
	if err != nil {
		b.logAnswerError("saving a session", err, "user_id", in.User.ID, "callback_id", in.View.CallbackID)
		a.ack(errorAck(in.View, b.plainMentions(bctx, coaching.ErrorMessage(err))))
		return
	}
	a.ack(nil)
	b.outbox.Notify() // the receipt (replaced, after an edit from it) and the reps' DMs are queued with the change
	if meta.FromHome {
		// The tab has no response_url for a receipt: what was saved is
		// said at its top, as an Undo there is, in the receipt's words.
		b.republishHome(ctx, in.User.ID, homeSavedText(in.View.CallbackID == cbEdit, logged, edited))
	}
	if meta.Back != "" {
		b.editSaved(ctx, in.User.ID, meta, edited)
	}
}

// homeSavedText is what the App Home says at its top after a form saved
// from it: the session logged, or what the edit changed and the session
// as it is now. An edit sent again after it was saved (Again) was told
// already, and finds nothing changed this time; a log sent again finds
// its session, which may have been undone since: "" for those.
func homeSavedText(edit bool, logged coaching.Session, edited coaching.Edited) string {
	switch {
	case !edit && logged.Undone(), edit && edited.Again:
		return ""
	case !edit:
		return loggedText(logged)
	}
	return savedText(edited.Session, edited.Changes.Describe())
}

func (b *Bot) submitReason(ctx context.Context, a *acker, in interaction, meta modalMeta) {
	bctx, cancel := a.budget(ctx) // the answer and the refusal's words come before the ack
	defer cancel()
	text := in.View.State.Values["reason"]["reason"].text()
	ra := coaching.RepAction{ActorID: in.User.ID, SessionID: meta.SessionID, RepID: meta.RepID, Version: meta.Version,
		ResponseURL: meta.ResponseURL, ResponseAt: meta.responseAt()}
	var err error
	if in.View.CallbackID == cbDispute {
		ra.Unanswered = true // the form opens only on a session not answered (openRepModal)
		var res coaching.RepAnswer
		res, err = b.svc.Dispute(bctx, ra, text)
		if err == nil && res.Unchanged {
			// Marked not accurate since the form opened (in the Home, on
			// another device), as the write found it: the domain kept
			// the first reason and changed nothing, and the form, closed
			// as if this one were sent, would lose it without a word.
			a.ack(errorAck(in.View, b.plainMentions(bctx, disputedAlreadyText(res.Session))))
			b.showAnswered(ctx, in, ra, meta)
			return
		}
	} else {
		_, err = b.svc.Comment(bctx, ra, text)
	}
	err = pastAck(bctx, err)
	if fe, ok := coaching.FieldErrorsOf(err); ok {
		a.ack(errorsAck(in.View, fe)) // a comment's error is on the "comment" field, shown on the one input
		return
	}
	if err != nil {
		b.logAnswerError("saving a rep answer", err, "user_id", in.User.ID)
		a.ack(errorAck(in.View, b.plainMentions(bctx, formRefusal(err, meta.FromHome))))
		b.showCurrentDM(ctx, ra, err) // the form says the session changed; the DM behind it shows how, after the ack
		if meta.FromHome && coaching.ErrorCode(err) == coaching.EStale {
			b.republishHome(ctx, in.User.ID, "") // and so does the Home tab behind it
		}
		return
	}
	a.ack(nil)
	b.outbox.Notify()
	if meta.FromHome {
		b.homeAnswered(ctx, ra)
	}
}
