package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/failrun"
	"github.com/coachlog/coachlog/internal/quickcapture"
	"github.com/coachlog/coachlog/internal/textcut"
)

// onSlash serves /coach. Commands that change nothing are acknowledged
// first, empty, so the ack is never late, and answered through views.open
// or the response_url; those that change something are stored first.
func (b *Bot) onSlash(ctx context.Context, a *acker, cmd slashCommand) {
	text := strings.TrimSpace(cmd.Text)
	meta := modalMeta{Source: coaching.SourceQuick}.withResponse(cmd.ResponseURL, b.svc.Now())
	readBy := a.formReadsBy()
	if text == "" {
		a.ack(nil)
		meta.Source = coaching.SourceModal
		_, _ = b.openForm(ctx, cmd, readBy, coaching.Draft{}, "", meta)
		return
	}
	// A subcommand needs no date: those that read one do it themselves.
	if sub, args, ok := quickcapture.Subcommand(text); ok {
		b.subcommand(ctx, a, cmd, sub, args)
		return
	}
	// What the notes say is only needed by the form, after the ack: naming
	// the people they mention reads the database. Today's date is read
	// before the ack, within its budget: whether the capture is clear
	// decides how it is acked. Both are read before the form opens on an
	// unclear capture, so within the form's budget too.
	pre, cancel := a.budget(ctx)
	defer cancel()
	pre, cancelForm := context.WithDeadline(pre, readBy)
	defer cancelForm()
	res := quickcapture.Parse(text, b.svc.Today(pre, cmd.UserID))
	// The date words ("yesterday", "mon") were read on the today known
	// now, perhaps the default zone's: once the manager's profile is read
	// the form reads them again on their own today, whether the LLM reads
	// the note or not.
	if res.DateGiven {
		meta.redate = func(today coaching.Date) coaching.Date { return quickcapture.Parse(text, today).Draft.OccurredOn }
	}
	if res.Meant != "" {
		a.ack(nil)
		answer := didYouMean(res.Meant)
		if b.introduce(ctx, cmd.UserID).External {
			// Neither the subcommand nor logging is theirs.
			answer = outsiderText
		}
		// What followed the mistyped word is given back to send again
		// (`reprot last week`); the word alone is not worth quoting: two
		// lines more on a phone, to send again a typo.
		if len(strings.Fields(coaching.CommandText(cmd.Text))) > 1 {
			answer += typedBack(b.written(ctx, cmd.Text))
		}
		b.respond(ctx, cmd.ResponseURL, answerMessage(answer), false)
		return
	}
	switch {
	case !res.Clear() && b.prose.Enabled() && res.MaybeMeant == "":
		// A mistyped subcommand before a mention is no prose to read:
		// the form says what was maybe meant (notUnderstood).
		a.ack(nil)
		b.readProse(ctx, cmd, readBy, text, b.notesWritten(pre, res), meta)
	case !res.Clear():
		a.ack(nil)
		res = b.notesWritten(pre, res)
		_, _ = b.openForm(ctx, cmd, readBy, res.Draft, notUnderstood(res), meta)
	default:
		b.acceptCapture(ctx, a, cmd)
	}
}

// didYouMean answers a line whose first word is a typo of a subcommand
// (quickcapture.Result.Meant), and nothing in it a capture: opening the
// log form would answer a rep or an admin, who never log, with "I
// couldn't tell who". Someone who did mean to log is told how.
func didYouMean(sub string) string {
	return fmt.Sprintf(":thinking_face: Did you mean `/coach %s`? `/coach help` lists the commands. "+
		"To log coaching, name who you coached from "+atList+" (`/coach @sam 1:1 30m`), or type `/coach` alone for the form.", sub)
}

// acceptCapture takes a clear one-line capture. Acting on it may first read
// the manager's and the reps' Slack profiles (users.info), longer than
// Slack waits for an ack; yet once acknowledged the command is never sent
// again, and a crash must not lose it. So the command is stored in the
// inbox within the ack deadline, then acknowledged, then acted on; the
// session it logs marks it done in its own transaction. What a crash (or a
// failed write) leaves pending is acted on again by the replica holding
// the sender role, once it is two leases old (ReplayOrphans), or by a
// replica starting (Bot.Run), and the command's key keeps it to one
// session. Past the deadline the manager is told to try
// again, and nothing was stored.
func (b *Bot) acceptCapture(ctx context.Context, a *acker, cmd slashCommand) {
	key := "cmd:" + cmd.TriggerID
	if cmd.TriggerID == "" {
		key = "env:" + a.id
	}
	payload, err := json.Marshal(cmd) // the slim command: no token
	if err != nil {
		a.ack(nil)
		b.log.Error("encode command failed", "user_id", cmd.UserID, "err", err)
		return
	}
	actx, cancel := a.budget(ctx)
	c, fresh, err := b.svc.Accept(actx, coaching.Command{Key: key, UserID: cmd.UserID, Payload: payload, ReceivedAt: b.svc.Now()})
	err = pastAck(actx, err)
	cancel()
	if err != nil {
		// The database failing fails every capture alike: the first is
		// logged, the others counted until one is accepted.
		if !operatorError(err) || b.captureFails.Fail(b.now()) {
			b.logAnswerError("accepting a quick capture", err)
		}
		// What was typed is given back, mentions as ids: names would be
		// read from the database that just failed, past the ack.
		a.ack(refusedAck(":warning: Not logged. "+escKeepMentions(coaching.ErrorMessage(err)), unescape(cmd.Text, nil)))
		return
	}
	if n, lasted, ended := b.captureFails.OK(b.now()); ended {
		b.log.Info(failrun.Recovered("accepting quick captures", n, lasted), "failures", n, "failing_for", lasted)
	}
	a.ack(nil)
	if fresh {
		b.runCommand(ctx, c)
	}
}

// commandReply is a slash command's ack carrying a message.
type commandReply struct {
	ResponseType string `json:"response_type"`
	Text         string `json:"text"`
}

// The most a slash command's ack may carry: Slack's 4,000 characters of
// message text (msg_too_long past them), and, encoded, well under the
// 20 KB from which Socket Mode drops an ack (slack-go will not even send
// one; the envelope around the payload takes the margin).
const (
	ackTextRunes = 4000
	ackBytes     = 16 << 10
)

// refusedAck is the ack of a capture the database would not take: head,
// then what was typed, to send again. A capture refused with the
// database down gave back the whole line there, and a long one, past
// either limit, was refused or dropped with the answer: the manager saw
// Slack's own error and lost both. As much of the line as fits is given
// back, saying how much did not; the answers that go through the outbox
// cut theirs the same way (answerMessage).
func refusedAck(head, written string) commandReply {
	reply := func(text string) commandReply { return commandReply{ResponseType: "ephemeral", Text: text} }
	if r := reply(head + typedBack(written)); fitsAck(r) {
		return r
	}
	runes := []rune(written)
	cut := func(n int) commandReply {
		return reply(head + typedBack(string(runes[:n])) + fmt.Sprintf("…\n_(%s more characters did not fit in one Slack message.)_", coaching.Count(len(runes)-n)))
	}
	lo, hi := 0, len(runes) // the longest start of the line that fits
	for lo < hi {
		if mid := (lo + hi + 1) / 2; fitsAck(cut(mid)) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return cut(lo)
}

func fitsAck(r commandReply) bool {
	raw, err := json.Marshal(r)
	return err == nil && utf8.RuneCountInString(r.Text) <= ackTextRunes && len(raw) <= ackBytes
}

// runCommand acts on an accepted command, just acknowledged or left pending
// by a crash. Whatever happens, the command ends up done: logged with its
// session, or answered.
func (b *Bot) runCommand(ctx context.Context, c coaching.Command) {
	var cmd slashCommand
	if err := json.Unmarshal(c.Payload, &cmd); err != nil {
		b.log.Error("unreadable accepted command dropped", "command_id", c.ID, "err", err)
		b.commandDone(ctx, c)
		return
	}
	b.quickLog(ctx, c, cmd)
}

// commandDone marks a command acted on without a session. It reports
// false when another replica had answered it meanwhile.
func (b *Bot) commandDone(ctx context.Context, c coaching.Command) bool {
	marked, err := b.svc.CommandDone(ctx, c.ID)
	if err != nil {
		b.log.Error("marking a command done failed; "+stillPending, "command_id", c.ID, "err", err)
		return true
	}
	return marked
}

// logAnswered notes a command found answered already: replicas replaying
// what was pending can come to a command the replica that acked it still
// acts on, and the first to mark it done answers it.
func (b *Bot) logAnswered(c coaching.Command) {
	b.log.Info("command already answered by another replica; nothing more done", "command_id", c.ID, "user_id", c.UserID)
}

// quickLog logs a clear quick capture. The manager's profile is read first
// when not known: their time zone decides what "today" and "yesterday"
// meant when the command came. That read ends within openedReadBudget
// (refresh); past it the date is read in the zone known, and LogSession
// asks Slack again within its own budget, refusing with "try again" a
// manager nothing vouches for. The reps' profiles are checked by
// LogSession, within its lookup budget: an app or a deactivated account is
// refused.
//
// When those reads could not be made only because Slack asked to slow
// down (users.info's tier: many first captures at once), the capture is
// not refused: acknowledged and kept in the inbox, it waits for the time
// Slack takes reads again and is tried again as typed, for up to
// slowDownWait; past that the manager is told so and given back what they
// typed. Opening the form instead would ask them to submit again what
// they already made clear, and a form's submission meets the same tier.
func (b *Bot) quickLog(ctx context.Context, c coaching.Command, cmd slashCommand) {
	giveUp := b.now().Add(slowDownWait)
	var res quickcapture.Result
	var err error
	for {
		b.refresh(ctx, cmd.UserID)
		res = b.parseCapture(ctx, strings.TrimSpace(cmd.Text), b.svc.DateAt(ctx, cmd.UserID, c.ReceivedAt))
		if !res.Clear() { // the date moved across midnight with the time zone
			notice := notUnderstood(res)
			b.formOrAnswer(ctx, c, cmd, res.Draft, notice, ":warning: Not logged. "+notice+" Type `/coach` to use the form.")
			return
		}
		_, err = b.svc.LogSession(ctx, coaching.LogRequest{ManagerID: cmd.UserID, Draft: res.Draft, Source: coaching.SourceQuick,
			Key: c.Key, ResponseURL: cmd.ResponseURL, ResponseAt: c.ReceivedAt, CommandID: c.ID})
		until, limited := coaching.RateLimitedUntil(err)
		if !limited {
			break
		}
		// Slack only asked to slow down before the people named could
		// be checked: the capture is acknowledged and kept in the inbox,
		// so it waits for users.info's turn and is tried again as typed.
		if until.After(giveUp) {
			b.log.Warn("quick capture not logged: Slack's rate limit outlasted the wait", "user_id", cmd.UserID,
				"command_id", c.ID, "waited_for", slowDownWait.String())
			b.answerCommand(ctx, c, cmd, slowedDownAnswer(b.written(ctx, cmd.Text)))
			return
		}
		b.log.Info("quick capture waits for Slack's rate limit on profile reads", "user_id", cmd.UserID, "command_id", c.ID,
			"retry_at", until)
		if soonest := b.now().Add(clockStep); until.Before(soonest) {
			until = soonest // never a busy loop, whatever the clock says
		}
		if werr := b.waitClock(ctx, until); werr != nil {
			// Stopping: the command stays pending, for the sender's replay
			// or a replica's start.
			b.log.Info("quick capture left pending: stopped while waiting for Slack's rate limit", "command_id", c.ID, "err", werr)
			return
		}
	}
	if coaching.ErrorCode(err) == coaching.EAnswered {
		b.logAnswered(c)
		return
	}
	if fe, ok := coaching.FieldErrorsOf(err); ok {
		// Field errors are plain text and may name people by the display
		// name they chose. What was typed is not lost: the form opens with
		// it and what to fix.
		problem := escName(joinErrors(fe))
		b.formOrAnswer(ctx, c, cmd, res.Draft, "Not logged yet: "+problem+" Fix it here and submit.",
			":warning: Not logged: "+problem+" Type `/coach` to use the form.")
		return
	}
	if err != nil {
		// A refusal the manager reads (forbidden, an outsider) is not
		// the operator's; busy at Warn; only a failure at Error.
		b.logAnswerError("quick capture", err, "user_id", cmd.UserID)
		b.answerCommand(ctx, c, cmd, ":warning: Not logged. "+escKeepMentions(coaching.ErrorMessage(err))+typedBack(b.written(ctx, cmd.Text)))
		return
	}
	b.outbox.Notify() // the receipt and the reps' DMs are queued with the session
}

// slowDownWait bounds how long a quick capture waits, in all, for Slack
// to take profile reads again when it asked Coachlog to slow down
// (users.info's rate limit: a launch morning's first captures, each
// naming people never read). Slack's tier lets about 50 such captures
// through a minute; two minutes of silence is as long as someone waits
// for a receipt before typing the capture again, which would log it twice.
const slowDownWait = 2 * time.Minute

// slowedDownAnswer tells a manager their capture was not logged because
// Slack kept asking to slow down past slowDownWait, and gives back what
// they wrote (unescaped), quoted, so that nothing typed is lost: the
// reply is ephemeral, seen by them alone, like the command itself.
func slowedDownAnswer(written string) string {
	return ":warning: Not logged yet: Slack asked Coachlog to slow down for longer than usual, so it could not check who you named. " +
		"Nothing is lost: here is what you typed, to send again in a minute.\n" + blockQuoted(written)
}

// typedBack follows a capture's "Not logged" answer with what the manager
// wrote (unescaped), quoted, to send again: a slash command's text is gone
// from the message box once sent, and an acknowledged capture that could
// not be stored (the database failed past its retries) must not lose it.
// Every such answer is ephemeral, seen by them alone, like the command
// itself; the text is never logged.
func typedBack(written string) string {
	if strings.TrimSpace(written) == "" {
		return ""
	}
	return "\nHere is what you typed, to send again:\n" + blockQuoted(written)
}

// blockQuoted is text people wrote, whole, escaped and block-quoted line by
// line: not coaching.QuoteTyped, a short excerpt in quotation marks.
func blockQuoted(written string) string {
	return "> " + strings.ReplaceAll(esc(written), "\n", "\n> ")
}

// waitClock waits until at on the bot's clock: see sleepUntil.
func (b *Bot) waitClock(ctx context.Context, at time.Time) error {
	return sleepUntil(ctx, b.now, b.pause, at)
}

// formOrAnswer opens the log form for an accepted command, filled with d
// and notice, and marks the command done; when Slack does not open it (the
// trigger has expired: the command was acted on after a restart), the
// command is answered with answer instead, and what was typed. A command another replica
// answered already gets no form: a form opened cannot be taken back, so
// this looks before opening it.
func (b *Bot) formOrAnswer(ctx context.Context, c coaching.Command, cmd slashCommand, d coaching.Draft, notice, answer string) {
	if answered, err := b.svc.CommandAnswered(ctx, c.ID); err != nil {
		b.log.Debug("could not look whether a command was answered; acting on it", "command_id", c.ID, "err", err)
	} else if answered {
		b.logAnswered(c)
		return
	}
	meta := modalMeta{Source: coaching.SourceQuick}.withResponse(cmd.ResponseURL, c.ReceivedAt)
	// The trigger's age is judged by the arrival ctx carries (the
	// envelope's, or a replayed command's acceptance: replayCommands);
	// the form's reads get their budget from now, as they start only now.
	if _, err := b.openLogModal(ctx, cmd.TriggerID, cmd.UserID, time.Now().Add(formReadBudget), d, notice, meta); err != nil {
		// What was typed comes back either way: the form that would have
		// held it did not open, and nothing else keeps it.
		if coaching.ErrorCode(err) == coaching.EForbidden || errors.Is(err, errRefusalShown) {
			answer = outsiderText
		}
		b.answerCommand(ctx, c, cmd, answer+typedBack(b.written(ctx, cmd.Text)))
		return
	}
	if !b.commandDone(ctx, c) {
		// Answered by another replica between the look and the form: the
		// manager sees both answers. Seconds wide, at a replica's start.
		b.log.Warn("a form was opened for a command another replica answered meanwhile", "command_id", c.ID, "user_id", c.UserID)
	}
}

// parseCapture reads a quick capture. The parser reads the text as Slack
// sent it, escaped, since the mentions are how it finds the reps; the notes
// it returns are then unescaped into what the manager wrote.
func (b *Bot) parseCapture(ctx context.Context, text string, today coaching.Date) quickcapture.Result {
	return b.notesWritten(ctx, quickcapture.Parse(text, today))
}

// notesWritten unescapes the notes of a parsed capture.
func (b *Bot) notesWritten(ctx context.Context, res quickcapture.Result) quickcapture.Result {
	if res.Draft.Notes != "" {
		res.Draft.Notes = b.written(ctx, res.Draft.Notes)
	}
	return res
}

// answerCommand tells the manager why their command logged nothing, queued
// with the command's done mark: once, and as a DM if it comes after the
// response_url's 30 minutes (acted on after a restart).
func (b *Bot) answerCommand(ctx context.Context, c coaching.Command, cmd slashCommand, text string) {
	if err := b.svc.AnswerCommand(ctx, c, cmd.ResponseURL, c.ReceivedAt, text); err != nil {
		b.log.Error("answering a command failed; "+stillPending, "command_id", c.ID, "err", err)
		return
	}
	b.outbox.Notify()
}

// stillPending says when a command left pending by a failed write is acted
// on again, so that an operator does not restart the bot for it: the
// replica holding the sender role replays, every lease, what has been
// pending for two leases (senderUpkeep in cmd/bot); a replica starting
// acts on what is pending at its start, sooner if one starts.
const stillPending = "it stays pending, and the replica holding the sender role acts on it again once it is " +
	"two sender leases old (COACHLOG_SENDER_LEASE): no restart needed"

// replayCommands acts on the commands accepted before start and still
// pending: a crash, a stop past the drain, or a write that failed (the
// done mark, an answer) left them between their ack and their work. start
// is a replica's start (Bot.Run) or the sender's cutoff (ReplayOrphans). A command that panics is dropped, logged, rather than
// taking every start down.
func (b *Bot) replayCommands(ctx context.Context, start time.Time) {
	cs, err := b.svc.PendingCommands(ctx, start)
	if err != nil && ctx.Err() != nil {
		// Stopping (a SIGTERM, a replica stepping down) while it read:
		// nothing failed. At Error it was a second line beside a step-down's
		// one, which an operator would chase.
		b.log.Info("stopped before reading the pending commands; they stay pending for the next pass", "err", err)
		return
	}
	if err != nil {
		b.log.Error("reading pending commands failed; they stay pending, and the replica holding the sender role reads them "+
			"again every sender lease, acting on those two leases old (COACHLOG_SENDER_LEASE): no restart needed", "err", err)
		return
	}
	for _, c := range cs {
		// A restart, a replica that died, or a write that failed left it:
		// start says which pass this is, not why it was left.
		b.log.Info("acting on a command left pending since its ack", "command_id", c.ID, "user_id", c.UserID, "accepted_at", c.ReceivedAt)
		func() {
			defer func() {
				if p := recover(); p != nil {
					b.logPanic("pending command panicked; dropped", p, "command_id", c.ID)
					b.commandDone(ctx, c)
				}
			}()
			// Its trigger's age is judged from when it was accepted, on the
			// bot's clock, as a live envelope's is from its arrival
			// (withArrival): a replay comes after a restart or two sender
			// leases, mostly long past a trigger's 3 s, and its views.open
			// is then answered "did not open" without asking Slack, which
			// would only refuse it expired_trigger_id.
			b.runCommand(withArrival(ctx, c.ReceivedAt), c)
		}()
	}
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

// fieldWord is how the bot's messages name a field of a quick capture,
// in each of the three places it does: as what it could not tell ("I
// couldn't tell what kind"), as what it took from a sentence ("I took the
// kind from your words"), and as filledFields names it ("Filled in from
// your note: kind"). "" where a message never names the field: reps are
// never guessed one by one (Result.RepsGuessed), a date is never missing.
type fieldWord struct{ missing, guessed, filled string }

func fieldWords(f coaching.Field) fieldWord {
	switch f {
	case coaching.FieldReps:
		return fieldWord{missing: "who"}
	case coaching.FieldKind:
		return fieldWord{"what kind", "the kind", "kind"}
	case coaching.FieldDate:
		return fieldWord{guessed: "the date", filled: "date"}
	case coaching.FieldDuration:
		return fieldWord{"how long", "how long", "duration"}
	case coaching.FieldRole:
		return fieldWord{"your role", "your role", "your role"}
	}
	return fieldWord{}
}

// notUnderstood says, at the top of a prefilled modal, what the quick
// capture could not make out.
func notUnderstood(res quickcapture.Result) string {
	var parts []string
	if res.MaybeMeant != "" {
		parts = append(parts, maybeMeantPart(res))
	}
	if len(res.Missing) > 0 {
		var names []string
		for _, f := range res.Missing {
			names = append(names, fieldWords(f).missing)
		}
		parts = append(parts, "I couldn't tell "+orList(names)+".")
	}
	// A mistyped subcommand's mention was picked from the notes too, but
	// the line was no note: the hint above says what it was.
	if res.RepsGuessed && guessedPart(res) == "" && res.MaybeMeant == "" {
		parts = append(parts, "Nobody was named before the notes: I picked who the notes mention; check who you coached.")
	}
	if g := guessedPart(res); g != "" {
		parts = append(parts, g)
	}
	parts = append(parts, doubtParts(res)...)
	parts = append(parts, unreadParts(res)...)
	for _, ch := range res.Channels {
		parts = append(parts, escName(unescape(ch, nil))+" is a channel, not a person: pick who you coached below.")
	}
	if len(parts) == 0 {
		return ""
	}
	return ":mag: " + cutMrkdwn(strings.Join(parts, " ")+" Check the form and log it.", 2900)
}

// maybeMeantPart tells a manager whose line read as a subcommand taking
// a mention, mistyped ("histroy @sam"), how to get it: the line named
// someone, so the form opened, as on any capture.
func maybeMeantPart(res quickcapture.Result) string {
	return fmt.Sprintf("If you meant `/coach %s` for %s, close this form and type that instead.",
		res.MaybeMeant, mention(res.Draft.RepIDs[0]))
}

// guessedPart names the fields of a quick capture read from a sentence
// rather than its header, for the manager to check; "" when none were.
// A date a doubt tells of ("I read 11/20 as Fri 20 Nov 2026") is not
// named again: said twice, and asked to be checked twice, it buried what
// the doubt said.
func guessedPart(res quickcapture.Result) string {
	var names []string
	for _, f := range res.Guessed {
		if f == coaching.FieldDate && len(res.Doubts) > 0 { // every doubt is about the date
			continue
		}
		names = append(names, fieldWords(f).guessed)
	}
	if len(names) == 0 {
		return ""
	}
	if res.RepsGuessed {
		names = append([]string{"who you coached"}, names...) // a sentence names the reps where it likes
	}
	return "I took " + andList(names) + " from your words: check them."
}

// doubtParts says what of a quick capture's date was guessed or could
// not be read ("I couldn't read the date "yday""), each a sentence, after
// words that put the session ahead, if any (aheadPart).
func doubtParts(res quickcapture.Result) []string {
	var parts []string
	if res.Ahead != "" {
		parts = append(parts, aheadPart(res.Ahead))
	}
	for _, d := range res.Doubts {
		parts = append(parts, escQuoted(d)+".")
	}
	return parts
}

// aheadPart tells a manager whose line reads as a plan ("1:1 30m
// tomorrow": see quickcapture.Result.Ahead) that nothing was logged and
// why, as the form's date check refuses a future date: coaching is
// logged once it happened. Notes that only started with such words are
// in the form, to log with the day they happened.
func aheadPart(words string) string {
	return "Nothing was logged: " + escName(coaching.QuoteTyped(words)) +
		" is still to come, and coaching can be logged only once it has happened. If it already happened, pick the day it did."
}

// typedNotPicked tells someone who typed names as plain text ("@Sam",
// common on a phone) why they were not read: Slack sends them as text,
// not as the people they name, who may well be members. typed are the
// names as Slack sent them (escaped), quoted back as the person sees
// them. Every answer about a name typed as text says it in these words,
// then what to do in its own.
func typedNotPicked(typed ...string) string {
	quoted := make([]string, len(typed))
	for i, name := range typed {
		quoted[i] = escName(coaching.QuoteTyped(unescape(name, nil)))
	}
	verb := "was"
	if len(quoted) > 1 {
		verb = "were"
	}
	return andList(quoted) + " " + verb + " typed, not picked from " + atList
}

// atList is where a person is picked so that Slack sends them as a
// mention; every answer about a name typed as text says it in these words.
const atList = "Slack's @ list"

// unreadParts says what of a quick capture was unusable as typed: people
// Slack did not resolve, and values out of range.
func unreadParts(res quickcapture.Result) []string {
	var parts []string
	var typed []string
	for _, u := range res.Unresolved {
		if slices.Contains(res.Typed, u) {
			typed = append(typed, u)
			continue
		}
		if slices.Contains(res.Groups, u) {
			parts = append(parts, escName(unescape(u, nil))+" is a user group, not a person: pick who you coached from it below.")
			continue
		}
		parts = append(parts, fmt.Sprintf("%s isn't a Slack member I can see: pick them below.", escName(unescape(u, nil))))
	}
	if len(typed) > 0 {
		parts = append([]string{typedNotPicked(typed...) + ": pick who you coached below."}, parts...)
	}
	for _, p := range res.Problems {
		// Each problem is a clause ("two durations given: …") standing
		// here as a sentence of its own.
		parts = append(parts, upperFirst(escQuoted(p))+".")
	}
	return parts
}

// openForm opens the log form for /coach, as openLogModal does, its reads
// done by readBy. When Slack does not open it (the trigger expired while
// Slack or the bot was slow, or Slack refused the view), the manager is
// told through the command's response_url: the command was acknowledged
// empty, and they would otherwise see nothing.
func (b *Bot) openForm(ctx context.Context, cmd slashCommand, readBy time.Time, d coaching.Draft, notice string, meta modalMeta) (openedModal, error) {
	opened, err := b.openLogModal(ctx, cmd.TriggerID, cmd.UserID, readBy, d, notice, meta)
	switch {
	case errors.Is(err, errRefusalShown):
	case coaching.ErrorCode(err) == coaching.EForbidden:
		b.respond(ctx, cmd.ResponseURL, textMessage(outsiderText), false)
	case err != nil:
		b.respond(ctx, cmd.ResponseURL, textMessage(notOpenedText("nothing was logged", "Type `/coach` again")), false)
	}
	return opened, err
}

// outsiderText refuses someone of another company (Slack Connect) a log
// form, in the words their one-line capture is refused with.
const outsiderText = ":warning: Not logged. " + coaching.MsgOutsider

// errRefusalShown says that a log form opened for someone Slack then said
// is of another company, and shows them the refusal instead: nothing
// more is to be said to them.
var errRefusalShown = errors.New("the form opened, and shows an outsider's refusal")

// refusalView is a modal that only says text, with nothing to submit: a
// refusal where a form was, or opened in its place where the person has
// nowhere else to read it (a global shortcut has no response_url).
func refusalView(text string) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain("Coachlog"), Close: plain("Close"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}},
	}
}

// openLogModal opens the log modal. views.open is the first Slack call made
// with the trigger id: it is valid for 3 seconds and only once, and the
// reads before it are cut off at readBy (formReadBudget); the trigger's
// age is judged by the arrival ctx carries (see openView). Profiles
// not yet known are read afterwards; if the manager's own time zone puts
// today on another date than the one shown, the date is corrected: today,
// or what the capture's words mean on it (meta.redate).
func (b *Bot) openLogModal(ctx context.Context, triggerID, userID string, readBy time.Time, d coaching.Draft, notice string, meta modalMeta) (openedModal, error) {
	pre, cancel := context.WithDeadline(ctx, readBy)
	// The manager as stored, within the form's read budget: someone Slack
	// said is of another company is refused before any form opens, as
	// their one-line capture is (coaching.RefuseOutsider); a form they
	// filled in would be refused only on submit. Never Slack here: its
	// users.info may outlast the trigger.
	who, err := b.svc.Person(pre, userID)
	if err != nil {
		who = coaching.Person{ID: userID} // not stored, or not read in time: the default zone's today
	}
	if err := coaching.RefuseOutsider(who); err != nil {
		cancel()
		return openedModal{}, err
	}
	today := b.svc.TodayOf(who)
	m := logModal{Draft: d, Today: today, Skills: b.svc.Skills(), Notice: notice, Meta: meta}
	m.Open, m.Names, _ = b.openCommitments(pre, userID, m.shownReps(), 0)
	cancel()
	v, err := b.openView(ctx, triggerID, m.view())
	if err != nil {
		b.logOpenFailed(userID, err)
		return openedModal{}, err
	}
	// A first profile read from Slack may move the manager's "today", or
	// say they are of another company: someone never seen before, whom
	// the store could not refuse. Their form turns into the refusal.
	// These reads, the reps' too, share one allowance from the form's
	// opening (openedReadBudget); the form's views.update calls are not
	// reads and are not held to it.
	reads, cancelReads := context.WithTimeout(ctx, b.openReads)
	defer cancelReads()
	if p, err := b.svc.Refresh(reads, userID); err != nil {
		b.log.Debug("profile refresh failed", "user_id", userID, "err", err)
	} else if rerr := coaching.RefuseOutsider(p); rerr != nil {
		if _, err := b.updateView(ctx, refusalView(outsiderText), v.Hash, v.ID); err != nil {
			b.log.Debug("refusing an outsider's open form failed; its submission is refused", "user_id", userID, "err", err)
			return openedModal{}, rerr
		}
		return openedModal{}, errRefusalShown
	} else {
		today = b.svc.TodayOf(p)
	}
	opened := openedModal{ID: v.ID, Hash: v.Hash, Modal: m, Today: today}
	b.refresh(reads, d.RepIDs...)
	cancelReads()
	date := d.OccurredOn
	switch {
	case meta.redate != nil:
		date = meta.redate(today)
	case d.OccurredOn.IsZero() || d.OccurredOn == m.Today:
		date = today
	}
	if today != m.Today && date != d.OccurredOn {
		shown := m
		m.Today, m.Draft.OccurredOn = today, date
		m = m.replacing(shown) // the date under a new block id: Slack keeps a picker's value under the old one
		if u, err := b.updateView(ctx, m.view(), v.Hash, v.ID); err != nil {
			b.log.Debug("date correction skipped", "err", err) // the user already changed the form
		} else {
			opened.Hash, opened.Modal = u.Hash, m
		}
	}
	return opened, nil
}

// formReadBudget bounds the reads made before views.open (the names in
// the notes, the manager's today, the open commitments to tick): the
// trigger lasts 3 s, and a database slow to answer (a table locked by a
// migration or by another replica's long transaction) let it expire, and
// the form never opened. It is one allowance counted from the envelope's
// arrival (acker.formReadsBy): the envelope's claim takes from it first,
// then every read in turn. Each given a budget of its own, they added up
// past the trigger. Past it the form opens without what they would add.
const formReadBudget = time.Second

// openedReadBudget bounds the profile reads made once a log form has
// opened (the manager's, then those of the reps not yet known), together,
// from the opening. With none, a users.info Slack did not answer held the
// form's goroutine for as long as the transport allows (serve's 15 s),
// once per read, one after another for every rep of a team meeting, and
// under load thousands of goroutines at once. A users.info answers in
// well under a second: 5 s lets a slow Slack answer, and a read wait for
// its slot under the tier (the Directory waits up to the deadline, less
// the answer's time, where without one it waited readWait), as the nudge
// run's zone reads do within theirs (zoneReadBudget in coaching). Past it
// the reads are of little use: a date corrected later would replace one
// the manager may have picked by then, and the submission reads what is
// still missing within its own budget. The other profile reads made after
// an ack with no deadline of their own (refresh, introduce, a
// user_change's auth.test) are held to the same allowance, for the same
// reason.
const openedReadBudget = 5 * time.Second

// openedModal is a log modal as Slack shows it: its id, the hash of its
// latest version (a views.update with it fails if the form changed since)
// and what it shows.
type openedModal struct {
	ID, Hash string
	Modal    logModal
	// Today is the manager's today once their profile was read after
	// views.open: Modal.Today is the one the form opened on, perhaps the
	// default zone's, and stays so when the date shown needed no change.
	Today coaching.Date
}

// openCommitments loads each rep's open commitments that managerID may tick
// off (from earlier sessions they logged and, for a leader, from shared
// sessions of managers below them: coaching.CommitmentForm), leaving out
// those of the session being edited (except) before the form's ten are
// counted. unread are the reps whose commitments could not be read (ctx
// ended first, or the database failed).
func (b *Bot) openCommitments(ctx context.Context, managerID string, repIDs []string, except int64) (map[string][]coaching.Commitment, map[string]string, []string) {
	open, names := map[string][]coaching.Commitment{}, map[string]string{}
	var unread []string
	if len(repIDs) == 0 {
		return open, names, nil
	}
	// One reading for the form's reps: the viewer, and a leader's walks up
	// the tree, are read once however many reps a team meeting has.
	form, formErr := b.svc.CommitmentForm(ctx, managerID, except)
	if formErr != nil {
		b.log.Warn("could not read open commitments", "user_id", managerID, "err", formErr)
	}
	for _, id := range repIDs {
		if formErr != nil {
			unread = append(unread, id)
			continue
		}
		cs, err := form.Rep(ctx, id)
		if err != nil {
			b.log.Warn("could not read open commitments", "rep_id", id, "err", err)
			unread = append(unread, id)
			continue
		}
		if len(cs) > 0 {
			open[id] = cs
		}
		if p, err := b.svc.Person(ctx, id); err == nil {
			names[id] = p.DisplayName()
		}
	}
	return open, names, unread
}

// refresh reads unknown or stale profiles from Slack, all of them within
// openedReadBudget (b.openReads) from now, or ctx's deadline if sooner.
// Its callers run after an ack, where nothing else bounds a read: the
// reps just picked in a form or read by the model (refreshModal,
// readProse), the manager's own profile before a capture is logged
// (quickLog). With no deadline, a users.info Slack did not answer held
// the goroutine for the transport's 15 s, per profile, one after another.
// A read that gives up leaves the profile as stored, as a failed one does.
func (b *Bot) refresh(ctx context.Context, ids ...string) {
	ctx, cancel := context.WithTimeout(ctx, b.openReads)
	defer cancel()
	for _, id := range ids {
		if _, err := b.svc.Refresh(ctx, id); err != nil {
			b.log.Debug("profile refresh failed", "user_id", id, "err", err)
		}
	}
}

var mentionRE = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

// subcommand serves /coach <subcommand>. Those that change something
// commit before their ack; the others are acknowledged first and answered
// through the response_url.
func (b *Bot) subcommand(ctx context.Context, a *acker, cmd slashCommand, name, args string) {
	switch name {
	case "away":
		b.away(ctx, a, cmd, args)
		return
	case "cadence":
		b.cadence(ctx, a, cmd, args)
		return
	}
	a.ack(nil) // the others change nothing
	who := b.introduce(ctx, cmd.UserID)
	if who.External && ownCoaching(name) {
		b.refuse(ctx, cmd.ResponseURL, fmt.Sprintf("`/coach %s` is about the coaching someone logs. %s", name, coaching.MsgOutsider))
		return
	}
	switch name {
	case "help":
		b.respond(ctx, cmd.ResponseURL, b.helpFor(ctx, who, args), false)
	case "history":
		repID, ok := historyTarget(args)
		if !ok {
			b.respond(ctx, cmd.ResponseURL, textMessage(historyTakes(args)), false)
			return
		}
		b.history(ctx, cmd, repID)
	case "stats":
		b.stats(ctx, cmd, args)
	case "team":
		b.team(ctx, cmd, args)
	case "report":
		b.report(ctx, cmd, args)
	case "export":
		b.exportCommand(ctx, cmd, args)
	case "prep":
		b.prep(ctx, cmd, args)
	default:
		text := fmt.Sprintf(":construction: `/coach %s` is not built yet. It is on the way; `/coach help` lists what works today.", name)
		b.respond(ctx, cmd.ResponseURL, textMessage(text), false)
	}
}

// introduce is who asks, read from Slack when Coachlog has never read
// them, once their command is acknowledged: each answer depends on who
// asks, and only Slack's profile says someone is of another company
// (Slack Connect). Unread, they would be answered as one of the company's
// people, told that anyone can log coaching. A profile already stored is
// not read again here: user_change events keep it fresh. When neither
// can be read, it is the id alone, as Bot.person gives it.
func (b *Bot) introduce(ctx context.Context, id string) coaching.Person {
	p, err := b.svc.Person(ctx, id)
	switch {
	case err == nil:
		return p
	case coaching.ErrorCode(err) != coaching.ENotFound:
		b.log.Warn("could not read a person", "user_id", id, "err", err)
		return coaching.Person{ID: id}
	}
	// Within openedReadBudget, as refresh: the answer waits on this read,
	// and a users.info Slack sits on would hold it for the transport's
	// 15 s. Past it they are answered as one of the company's people, as
	// when Slack fails.
	rctx, cancel := context.WithTimeout(ctx, b.openReads)
	defer cancel()
	if p, err = b.svc.Refresh(rctx, id); err != nil {
		b.log.Debug("profile refresh failed", "user_id", id, "err", err)
		return coaching.Person{ID: id}
	}
	return p
}

// ownCoaching reports whether subcommand sub is about the coaching its
// asker logs (their sessions, numbers, team, a rep's brief): none of it
// is for someone of another company, who cannot log any, and its answers
// would tell them how to start.
func ownCoaching(sub string) bool {
	switch sub {
	case "history", "stats", "team", "prep":
		return true
	}
	return false
}

const historyLimit = 10

// historyTarget reads what /coach history takes: nothing, or one mention
// and nothing else. A name typed without Slack's @ list, several people or
// other words are refused rather than dropped: the unfiltered history
// would read as the answer to the filter. A full stop or question mark
// after the mention, which a phone's keyboard adds, is no other word.
func historyTarget(args string) (repID string, ok bool) {
	args = coaching.TrimSentenceEnd(strings.TrimSpace(args))
	if args == "" {
		return "", true
	}
	m := mentionRE.FindStringSubmatch(args)
	if m == nil || m[0] != args {
		return "", false
	}
	return m[1], true
}

// historyTakes answers /coach history followed by what historyTarget
// refuses, saying what it takes. A name typed as text is quoted back, as
// /coach away and a capture's form quote it: "takes one @mention" alone
// told someone who typed "@Ana" nothing of what was wrong with it.
func historyTakes(args string) string {
	const how = "`/coach history` takes one @mention of a rep: `/coach history @sam` lists your sessions with them " +
		"(pick them from " + atList + ", so it arrives as a mention). Alone, `/coach history` lists your recent sessions."
	if name := typedName(args); name != "" {
		return typedNotPicked(name) + ". " + how
	}
	return how
}

// history serves /coach history [@rep]: the asker's own recent sessions
// and, for a leader above the rep, those managers below them logged with
// the rep, read only.
func (b *Bot) history(ctx context.Context, cmd slashCommand, repID string) {
	h, err := b.historyOf(ctx, cmd.UserID, repID)
	if err != nil {
		b.logAnswerError("history", err, "user_id", cmd.UserID)
		b.respond(ctx, cmd.ResponseURL, textMessage(":warning: "+escKeepMentions(coaching.ErrorMessage(err))), false)
		return
	}
	b.respond(ctx, cmd.ResponseURL, historyMessage(h), false)
}

// historyOf reads what /coach history [@rep] shows viewerID. Only their
// own sessions are needed; the rest, when it cannot be read, is left out.
func (b *Bot) historyOf(ctx context.Context, viewerID, repID string) (historyView, error) {
	h := historyView{repID: repID, self: repID != "" && repID == viewerID}
	var err error
	// One more than is shown, to tell whether there are older ones.
	if h.own, err = b.svc.History(ctx, viewerID, repID, historyLimit+1); err != nil {
		return historyView{}, err
	}
	h.own, h.more = latest(h.own, historyLimit)
	if len(h.own) == 0 {
		// Someone who logged nothing may be a rep looking for the
		// coaching they received, or for a colleague's: say where theirs
		// is, and whose this list is.
		if got, err := b.svc.RepSessions(ctx, viewerID, 1); err == nil {
			h.received = len(got) > 0
		}
	}
	if repID != "" {
		if h.open, err = b.svc.OpenCommitments(ctx, viewerID, repID); err != nil {
			b.log.Warn("could not read open commitments", "rep_id", repID, "err", err)
		}
		if h.below, h.leader, err = b.svc.LeaderHistory(ctx, viewerID, repID, historyLimit); err != nil {
			b.log.Warn("could not read the sessions below a leader", "user_id", viewerID, "rep_id", repID, "err", err)
		}
	}
	return h, nil
}

// historyView is what /coach history shows someone.
type historyView struct {
	repID    string
	own      []coaching.Session // logged by the viewer: Edit and Undo
	more     bool               // the viewer logged older ones than own lists
	received bool               // the viewer received coaching (shown when they logged none)
	// self: the viewer named themselves (`/coach history @me`), whom
	// nobody logs coaching with: they are told where theirs is, not to
	// log a session with themselves, which the form refuses.
	self bool
	// leader: the viewer is a leader above the rep, and below lists the
	// sessions managers below them logged with the rep, as
	// coaching.LeaderView shows them.
	leader bool
	below  []coaching.Session
	open   coaching.OpenList // the rep's, those the viewer may read
	// notice says what became of a commitment just closed from this
	// list (mrkdwn), above the open ones.
	notice string
	undo   string // the value of an Undo of that close (closeMenu's option); "" for none
	// top says what became of a session just edited or undone from this
	// list (mrkdwn), above everything.
	top string
}

// Room the sessions below a leader take in their history of a rep: two
// blocks each, notes cut to belowNoteRunes, and about belowText characters
// in all, beside the leader's own sessions.
const (
	belowNoteRunes = 500
	belowText      = 5000
)

// historyMessage lists the viewer's recent sessions, each with Edit and
// Undo; for a leader above the rep, the sessions managers below them
// logged with that rep, read only; then the open commitments the viewer
// may read and close.
//
// The reps' comments under the viewer's sessions take up to commentText
// characters; a leader's open commitments below them, which only the
// room in blocks holds back, may leave less: then the comments have what
// is left, the rest of them counted.
func historyMessage(h historyView) message {
	m, said := historyWith(h, commentText)
	if over := blockText(m.Blocks...) - messageText; over > 0 && said > 0 {
		// Less room for comments may leave some out: the line counting
		// them takes some of it.
		m, _ = historyWith(h, max(0, said-over-utf8.RuneCountInString(commentsLeftText(unsaid{comments: coaching.MaxReps * historyLimit / 2, reasons: coaching.MaxReps * historyLimit / 2}))))
	}
	return m
}

// historyWith is historyMessage with comments characters for the reps'
// comments; said is how many of them the comments took.
func historyWith(h historyView, comments int) (_ message, said int) {
	title := "Your recent coaching"
	if h.repID != "" {
		title = "Your recent coaching with " + mention(h.repID)
	}
	var blocks []slack.Block
	if h.top != "" {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(h.top), nil, nil))
	}
	if !h.leader || len(h.own) > 0 {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn("*"+title+"*"), nil, nil))
	}
	if len(h.own) == 0 && !h.leader {
		empty := "Nothing logged yet. Type `/coach` to log a session."
		if h.repID != "" {
			empty = "You have logged nothing with " + mention(h.repID) + " yet. Type `/coach` to log a session."
		}
		switch {
		case h.self:
			empty = "That is you: `/coach history` lists the coaching you log, and no one logs coaching with themselves. " +
				"The coaching you received is in your App Home (open Coachlog, then Home), where you answer each session waiting for you; each is also in your DMs with Coachlog."
		case h.received && h.repID != "":
			// A rep asking about a colleague: "type /coach to log one"
			// would be a manager's answer.
			empty = "You have logged nothing with " + mention(h.repID) + ". `/coach history` lists the coaching you log; " +
				"someone's coaching is seen only by them, their manager and the leaders above. " +
				"The coaching you received is in your App Home (open Coachlog, then Home)."
		case h.received:
			empty = "You have logged no coaching yourself. The coaching you received is in your App Home (open Coachlog, then Home), where you can confirm each session waiting for you; each is also in your DMs with Coachlog, where you confirm it and rate it."
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(empty), nil, nil))
	}
	own, said := ownBlocks(h.own, h.repID, ownText, comments)
	blocks = append(blocks, own...)
	if h.more {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(olderText(h.repID))))
	}
	room := maxMessageBlocks - len(blocks)
	if h.leader {
		room -= belowMinBlocks
	}
	open := openCommitmentBlocks(h.open, h.notice, h.undo, room)
	if h.leader {
		// The sessions below, read only, take the room the rest leaves
		// in a message, in blocks and in text.
		title = "Coaching with " + mention(h.repID) + " by managers below you"
		blocks = append(blocks, belowBlocks(title, h.repID, h.below, maxMessageBlocks-len(blocks)-len(open),
			messageText-blockText(blocks...)-blockText(open...))...)
	}
	return message{Text: title, Blocks: append(blocks, open...)}, said
}

// ownText is about the most text a history's own sessions take: ten lines
// of 50-rep group sessions, their reps named by fewMentions, take about
// 2,000 characters, and their Undo buttons' confirmation dialogs about
// 2,600 more; the open commitments and the sessions below a leader share
// the message with them.
const ownText = 5000

// ownBlocks are the viewer's sessions in their history, each with Edit and
// Undo, in about text characters: those past it are counted, with where
// to see them, the way olderText says where the older ones are. Under
// each are the comments its reps left (historyComments), in comments
// characters more; said is how many of those they took.
func ownBlocks(own []coaching.Session, repID string, text, comments int) (_ []slack.Block, said int) {
	var blocks []slack.Block
	used, room := 0, comments
	// The reps' comments take room of their own (historyComments), not
	// the lines': a session is never left out for them.
	var left unsaid
	for i, s := range own {
		val := historyValue(s.ID, repID)
		line := shortSummary(s, repID) + roleSuffix(s) + " · " + ownStatusBadge(s)
		if n := openCount(s); n > 0 {
			line += " · " + plural(n, "open commitment", "open commitments")
		}
		buttons := slack.NewActionBlock(fmt.Sprintf("h%d", s.ID), button(actEdit, "Edit", val, ""), undoButton(s, val))
		if used += utf8.RuneCountInString(line) + blockText(buttons); i > 0 && used > text {
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(leftOutText(repID, len(own)-i))))
			break
		}
		under, l := historyComments(s, repID, &comments)
		left = left.add(l)
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(line+under), nil, nil), buttons)
	}
	if left.total() > 0 {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(commentsLeftText(left))))
	}
	return blocks, room - comments
}

// leftOutText says how many of a history's latest sessions one message
// could not hold, and where they are.
func leftOutText(repID string, n int) string {
	if repID == "" {
		return fmt.Sprintf("…and %d more of your latest, not listed here: one message holds only so much. `/coach history @rep` lists your latest with one rep.", n)
	}
	return fmt.Sprintf("…and %d more of your latest with %s, not listed here: one message holds only so much (your admin's `/coach export` has them all).", n, mention(repID))
}

// olderText says that a history shows only the latest sessions, and where
// the older ones are: narrowed to one rep, or in an admin's export.
func olderText(repID string) string {
	if repID == "" {
		return fmt.Sprintf("Your %d latest; older ones are not listed here. `/coach history @rep` lists your latest with one rep.", historyLimit)
	}
	return fmt.Sprintf("Your %d latest with %s; older ones are not listed here (your admin's `/coach export` has them all).", historyLimit, mention(repID))
}

// belowMinBlocks is the fewest blocks belowBlocks takes: its two heads
// and one more, a session or how many there are.
const belowMinBlocks = 3

// belowBlocks are the sessions managers below a leader logged with a rep:
// notes and commitments where the manager shared them with leaders,
// "private" otherwise; each rep's status, never a rating or comment. They
// take room blocks and about belowText characters at most, and never more
// than budget characters of text in all: what the rest of the message
// leaves.
func belowBlocks(title, repID string, below []coaching.Session, room, budget int) []slack.Block {
	blocks := []slack.Block{
		slack.NewSectionBlock(mrkdwn("*"+title+"*"), nil, nil),
		slack.NewContextBlock("", mrkdwn("Read only. Notes show where their manager shared them with leaders; ratings reach you only as averages, in `/coach report`.")),
	}
	if len(below) == 0 {
		return append(blocks, slack.NewSectionBlock(mrkdwn("Nothing logged with "+mention(repID)+" by managers below you yet."), nil, nil))
	}
	// The sessions have what the heads leave, and the "…and N more." that
	// may close the list.
	budget -= blockText(blocks...) + len("…and 10 more.")
	used := 0
	for i, s := range below {
		line := shortSummary(s, repID) + roleSuffix(s) + " · by " + mention(s.ManagerID) + " · " + statusBadge(s)
		var detail slack.Block
		if s.Visibility == coaching.VisibilityShared {
			text := noteText(s)
			used += len(text)
			detail = slack.NewSectionBlock(plain(text), nil, nil)
		} else {
			detail = slack.NewContextBlock("", mrkdwn(":lock: Notes private: the manager and the rep only."))
		}
		used += len(line)
		need := 2 // this one's blocks, and one to say how many more when others follow
		if i < len(below)-1 {
			need++
		}
		if i > 0 && used > belowText || used > budget || len(blocks)+need > room {
			return append(blocks, slack.NewContextBlock("", mrkdwn(fmt.Sprintf("…and %d more.", len(below)-i))))
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(line), nil, nil), detail)
	}
	return blocks
}

// noteText is a shared session's notes and commitments, cut short for a
// list, as plain text: what people typed is never read as markup.
func noteText(s coaching.Session) string {
	text := "Notes: " + textcut.Cut(s.Notes, belowNoteRunes)
	if s.Notes == "" {
		text = "No notes."
	}
	var lines []string
	for _, c := range s.Commitments {
		if !slices.Contains(lines, "• "+c.Text) {
			lines = append(lines, "• "+c.Text)
		}
	}
	if len(lines) > 0 {
		text += "\nCommitments:\n" + textcut.Cut(strings.Join(lines, "\n"), belowNoteRunes)
	}
	return text
}

// openCommitmentBlocks list the open commitments a viewer may read, in
// room blocks at most: their own one by one, the oldest ten, each with a
// menu to mark it kept or not kept (the log form ticks only those kept, so
// one not kept would stay open for ever), then how many more; then, for a
// leader, those from shared sessions below them, each with the same menu
// (their manager closes them too), as many as the room left holds, then
// how many more. notice (mrkdwn) says what became of one just closed;
// undo, when not empty, is the value of a button taking that close back
// (a pick made by mistake).
func openCommitmentBlocks(open coaching.OpenList, notice, undo string, room int) []slack.Block {
	var blocks []slack.Block
	if notice != "" {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(notice)))
	}
	if undo != "" {
		blocks = append(blocks, slack.NewActionBlock("oc_undo", button(actReopenCommitment, "Undo", undo, "")))
	}
	if len(open.Own) > 0 {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn("*Open commitments*: mark each *Kept* or *Not kept* once you know.")))
	}
	for _, c := range open.Own {
		blocks = append(blocks, closableLine(c))
	}
	if open.More > 0 {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(fmt.Sprintf("…and %s more, listed here (and in the log form) as these are closed.", coaching.Count(open.More)))))
	}
	if len(open.Below) == 0 {
		return blocks
	}
	// The head, then each one; when they do not all fit, one block fewer
	// and the count of those left out.
	shown := min(len(open.Below), room-len(blocks)-1)
	if shown < len(open.Below) {
		shown--
	}
	if shown < 1 {
		return blocks // no room even for one: the sessions below still name them
	}
	blocks = append(blocks, slack.NewContextBlock("", mrkdwn("*Open commitments from shared sessions below you*: mark each *Kept* or *Not kept* once you know; their manager can too.")))
	for _, c := range open.Below[:shown] {
		blocks = append(blocks, closableLine(c))
	}
	if n := len(open.Below) - shown; n > 0 {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(fmt.Sprintf("…and %d more from below you, listed here as these are closed.", n))))
	}
	return blocks
}

// closableLine is an open commitment in a list, with its menu to mark it
// kept or not kept; its block id names the commitment, unique in the
// message as each commitment is listed once.
func closableLine(c coaching.Commitment) slack.Block {
	return slack.NewSectionBlock(plain(commitmentLine(c)), nil, slack.NewAccessory(closeMenu(c)),
		slack.SectionBlockOptionBlockID(fmt.Sprintf("oc%d", c.ID)))
}

// commitmentLine is one open commitment in a list, as plain text (what
// people typed is never read as markup), cut short: ten of them share a
// message with ten sessions.
func commitmentLine(c coaching.Commitment) string { return "• " + commitmentText(c) }

// commitmentText is a commitment as a list shows it: its text, cut, and
// the day it was made.
func commitmentText(c coaching.Commitment) string {
	return textcut.Cut(c.Text, commitmentRunes) + " (from " + c.CreatedOn.Human() + ")"
}

// commitmentRunes is how much of a commitment a list shows (the log
// form's checkboxes show 70).
const commitmentRunes = 150

// closeMenu offers to mark c kept or not kept; each option's value says
// which, of which commitment, and of whose list (parseCloseValue).
func closeMenu(c coaching.Commitment) *slack.SelectBlockElement {
	opt := func(st coaching.CommitmentStatus, text string) *slack.OptionBlockObject {
		return slack.NewOptionBlockObject(fmt.Sprintf("%s:%d:%s", st, c.ID, c.RepID), plain(text), nil)
	}
	return slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Mark as…"), actCloseCommitment,
		opt(coaching.CommitmentKept, "Kept"), opt(coaching.CommitmentNotKept, "Not kept"))
}

// openCount is how many of a session's commitments are open for at least
// one of its reps: one made at a team meeting is stored for each rep, and
// counts once, as /coach team counts it once per rep.
func openCount(s coaching.Session) int {
	open := map[string]bool{}
	for _, c := range s.Commitments {
		if c.Status == coaching.CommitmentOpen {
			open[c.Text] = true
		}
	}
	return len(open)
}

// helpFor is /coach help as it concerns who. A rep gets their own part
// (their DM's buttons, who reads what, their App Home) in a few lines, with
// `/coach help all` for the rest; a leader the weekly digest and
// `/coach report` first; a manager, an admin and anyone the roster does
// not name yet (a new manager, most likely) the list of logging and of
// the commands, with one line on the coaching they receive when the
// roster makes them a rep too (helpCoached). Each is shown the commands
// they may use: /coach report to leaders and admins (ReportScope's
// guard), /coach export and /coach cadence to admins, with one line
// saying who has the others, as a manager shown them was refused each.
// `/coach help all` lists every command. Someone of another company gets
// the whole list headed by what they are refused.
func (b *Bot) helpFor(ctx context.Context, who coaching.Person, args string) message {
	all := strings.EqualFold(strings.TrimSpace(args), "all")
	switch {
	case who.External:
		return outsiderHelp(helpMessage())
	case !all && coaching.RepOnly(who) && !b.hasTeam(ctx, who):
		return repHelp(b.notesAI)
	}
	admin := all || b.isAdmin(ctx, who.ID)
	coached := !all && who.Holds(coaching.PersonRep)
	if who.Holds(coaching.PersonLeader) {
		return leaderHelp(b.digestTo, admin, coached)
	}
	return managerHelp(admin, coached)
}

// repHelp is a rep's /coach help: what comes to them and what they do
// with it, short enough for a phone. Who reads the notes is said as the
// DM's label says it (notesReaders), with what the label leaves out:
// whoever runs Coachlog's server can export them, as any of its data, and
// notesAI, the model they may go to, with the rep's own comments and
// reasons for the manager's brief (llm.PrepWriter sends those too). It
// names /coach away, the one command a rep has (their reminders wait
// while they are away), which they otherwise found only in the managers'
// list.
func repHelp(notesAI bool) message {
	notes := "• The notes are for you and whoever logged it (and the other reps of a group session); leaders above them read them only if shared. " +
		"Whoever runs Coachlog for your company can export them with the rest of its data."
	if notesAI {
		notes += " Your company also lets them go to an AI model, names removed, for your manager's briefs before a session (with your comments and what you said was not accurate) and, if shared, the weekly digest's summary."
	}
	lines := []string{
		"*Coachlog: the coaching you receive*",
		"• Each session logged with you comes to your DMs with Coachlog. *Confirm* it, or press *Not accurate* and say what was wrong: whoever logged it is told and can fix it. Only you can answer.",
		"• Once you confirm, you can rate how useful it was (1 to 5) and add a comment. They see ratings only as an average of three or more, never yours alone; they can read your comment.",
		notes,
		"• Your App Home (Coachlog, then Home): what waits for your answer, what you can still rate, and your open commitments.",
		"• `/coach away fri` (a date, `2w`; `off` once back): reminders to answer wait until you are back, and you are not counted overdue.",
		"• `/coach history`, `stats` and `team` are for managers, about the coaching they log. `/coach help all` lists every command.",
	}
	return message{Text: "Coachlog help", Blocks: lineSections(lines, maxMessageBlocks, messageText, func(int) string { return "…" })}
}

// leaderHelp is a leader's /coach help: where the weekly digest goes
// (digestTo, "" when no channel is set) and /coach report first, then
// everything a manager reads, as leaders log coaching too, with the
// admins' commands when admin (helpLines), and helpCoached when coached
// (a VP logs ride-alongs with a director the roster makes a rep too).
func leaderHelp(digestTo string, admin, coached bool) message {
	digest := "• *The weekly digest* of your organisation (each manager's coaching, trends, what stands out) goes to a channel your admin sets; none is set yet."
	if digestTo != "" {
		digest = "• *The weekly digest* of your organisation (each manager's coaching, trends, what stands out) is posted to <#" + digestTo + ">."
	}
	lines := slices.Concat([]string{"*Coachlog for leaders*", digest, helpReport, "*Log coaching in seconds*"}, helpLines(admin))
	if coached {
		lines = slices.Insert(lines, slices.Index(lines, helpNotes)+1, helpCoached)
	}
	if !admin {
		lines = append(lines, helpAdminsHave)
	}
	return message{Text: "Coachlog help", Blocks: lineSections(lines, maxMessageBlocks, messageText, func(int) string { return "…" })}
}

// helpReport is the help's line on /coach report, first in a leader's.
const helpReport = "• `/coach report [@manager] [last week | 2026-W47]` (leaders and admins): the digest of your part of the tree this week so far, or of a manager or leader below you; `last week` or an ISO week gives that week's."

// helpMessage is the whole /coach help, every command with who may use
// it: an admin's, and `/coach help all`'s.
func helpMessage() message { return managerHelp(true, false) }

// managerHelp is the /coach help of someone who leads nobody: with admin,
// every command (an admin may run /coach report too); without, the
// commands a manager may use and one line on who has the others. coached
// (the roster makes them a rep too) adds helpCoached after the lines on
// what becomes of a session logged.
func managerHelp(admin, coached bool) message {
	lines := slices.Concat([]string{"*Coachlog: log coaching in seconds*"}, helpLines(admin))
	if coached {
		lines = slices.Insert(lines, slices.Index(lines, helpNotes)+1, helpCoached)
	}
	if admin {
		lines = slices.Insert(lines, slices.Index(lines, helpTeam)+1, helpReport)
	} else {
		lines = append(lines, helpOthersHave)
	}
	return message{Text: "Coachlog help", Blocks: lineSections(lines, maxMessageBlocks, messageText, func(int) string { return "…" })}
}

// helpOthersHave and helpAdminsHave end the help of someone refused
// commands it does not list, so that they know whom to ask.
const (
	helpOthersHave = "• `/coach report` (the digest on demand) is for leaders and admins; `/coach export` and `/coach cadence` for admins."
	helpAdminsHave = "• `/coach export` and `/coach cadence` are for admins."
)

// helpCoached tells a manager whom the roster makes a rep too (a director
// logs ride-alongs with them) that the coaching they receive comes to
// them as to their reps: the manager's help spoke only of the DMs their
// reps get, and a DM asking them to confirm came unannounced.
const helpCoached = "• Coaching logged with you comes to your DMs too: *Confirm* it or mark it *Not accurate*, then rate it. Your App Home lists it."

// helpNotes is the help's line on who reads the notes, after which
// helpCoached goes.
const helpNotes = "• Notes are seen by you and the rep, and by the leaders above you only if you share them."

// helpTeam is the help's line on /coach team, which /coach report and
// /coach export follow.
const helpTeam = "• `/coach team`: your reps: when each was last coached, who is overdue, their tier and open commitments, each with *Log coaching*."

// helpLines are the help's lines on logging coaching and on every
// command but /coach report (helpReport), after its title; /coach export
// and /coach cadence only for an admin.
func helpLines(admin bool) []string {
	lines := []string{
		"• `/coach`: open the form to log a session.",
		"• `/coach @sam ride-along 45m lead great discovery, rushed pricing`: log it in one line. Kinds: ride-along (joint call), 1:1, deal review (pipeline review), role-play (practice), career, team meeting. Durations like `45m`, `1h30`, `90 min`; dates `today`, `yesterday`, `mon`, `2026-11-20`. Name several people for a team meeting. If something is missing, the form opens filled with what I understood (with LLM help set up, read from a plain sentence too).",
		"• `/coach history [@rep]`: your recent sessions, each with Edit and Undo and the comments your reps left on it, and a rep's open commitments, each to mark *Kept* or *Not kept*. A leader naming a rep below them also sees the sessions the managers below logged with that rep, with the notes they shared with leaders, and marks the commitments of those shared sessions too.",
		"• `/coach prep @rep`: a private brief before your next session with one of your reps: your recent sessions with them, their open commitments and what they answered, and their coaching over the last 4 weeks.",
		"• `/coach stats`: your numbers this week against the 4 weeks before (sessions, minutes, reps within your cadence, overdue, time by tier, ride-along roles, confirmations, ratings, commitments, consistency) and what stands out. A leader's are their organisation's.",
		helpTeam,
		"• Your App Home (Coachlog, then Home): your week against your cadence and who is overdue, your organisation for a leader, and the coaching you received.",
		"• *Log coaching* on a message's ⋯ menu: log a session with that message as the notes.",
		"• Each rep gets a DM to *Confirm* or mark *Not accurate*, then can rate how useful it was. Only they can answer; you see ratings only as an average of three or more.",
		helpNotes,
		"• `/coach away &lt;date&gt;` pauses your nudges through a date (`2026-12-24`, `fri`, `until dec 24`, `2w`; `off` to come back); `/coach away @rep &lt;date&gt;` marks one of your reps away, so they are not counted overdue. A Slack status with :palm_tree: or :face_with_thermometer:, or saying vacation, holiday or out of office, counts too.",
	}
	if admin {
		lines = slices.Insert(lines, slices.Index(lines, helpTeam)+1,
			"• `/coach export [--from 2026-01-01] [--to 2026-03-31]` (admins): the sessions as a CSV file in your DM with Coachlog, one row per session and rep, without note text.")
		lines = append(lines, "• `/coach cadence @manager &lt;days&gt;` (admins): how often each of that manager's reps should be coached; `default` goes back to the standard cadence.")
	}
	return lines
}

// outsiderHelp heads the help, for someone of another company (Slack
// Connect), with what they are refused: its "open the form to log a
// session" is for the company's people.
func outsiderHelp(m message) message {
	head := slack.NewSectionBlock(mrkdwn(":warning: "+coaching.MsgOutsider+" What follows is for its people."), nil, nil)
	m.Blocks = append([]slack.Block{head}, m.Blocks...)
	return m
}

// ReplayOrphans acts on commands accepted before cutoff and still pending.
// With several replicas, one killed between its ack and its work leaves its
// commands behind and nobody restarts in its place; the replica holding
// the sender role calls this now and then, with a cutoff well past the
// time a live replica takes to act. Acting twice on one command logs one
// session: the session's write is keyed by the command.
func (b *Bot) ReplayOrphans(ctx context.Context, cutoff time.Time) {
	b.inflight.Add(1)
	defer b.inflight.Done()
	b.replayCommands(ctx, cutoff)
}
