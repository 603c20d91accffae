package slackbot

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/slacktext"
	"github.com/coachlog/coachlog/internal/textcut"
)

// Action ids of buttons.
const (
	actConfirm  = "rep_confirm"
	actDispute  = "rep_dispute"
	actRatePfx  = "rep_rate_"
	actComment  = "rep_comment"
	actEdit     = "session_edit"
	actUndo     = "session_undo"
	actLogOpen  = "log_open"
	actLogForRp = "log_for_rep"
	// actCloseCommitment is the menu beside each of a manager's open
	// commitments in /coach history: Kept or Not kept.
	actCloseCommitment = "commitment_close"
	// actReopenCommitment takes back a Kept or Not kept just picked there.
	actReopenCommitment = "commitment_reopen"
)

// Where a manager's Edit or Undo button was, so the answer fits the place.
const (
	fromReceipt = "r"
	fromHistory = "h"
	fromDispute = "d"
	fromHome    = "a"
)

// message is a rendered Slack message.
type message struct {
	Text   string // notification fallback: never note text
	Blocks []slack.Block
}

// esc escapes text for mrkdwn, so that names and labels can't inject links
// or @-mentions. Everything people chose (display names, notes, reasons,
// labels) goes through it, or is shown as plain_text.
func esc(s string) string { return slacktext.Escape(s) }

// escName is esc for a person's name, or a plain sentence naming people
// (a finding, a field error): their formatting marks are shown as written
// too (slacktext.EscapeLiteral), so "j_doe_2" or "Ann *Pat*" turns
// nothing italic or bold, and two names never pair their marks around
// the text between. It keeps the length in characters, so what was cut
// to fit still fits. A mention (<@U…>) is no name: Slack shows it.
func escName(s string) string { return slacktext.EscapeLiteral(s) }

// userMentionRE matches a well-formed user mention: the one markup Coachlog
// itself puts in the texts it composes (the domain's messages, change notes).
var userMentionRE = regexp.MustCompile(`<@[UW][A-Z0-9]+>`)

// escKeepMentions escapes text for mrkdwn except its well-formed user
// mentions, which Slack then shows as names. It is for text Coachlog
// composes around ids (the domain's messages, an edit's change note); text
// people chose goes through esc.
//
// What the message quotes between plain double quotes is what someone
// typed, and shows literally (see escQuoted).
func escKeepMentions(s string) string {
	var b strings.Builder
	last, inQuote := 0, false
	for _, m := range userMentionRE.FindAllStringIndex(s, -1) {
		inQuote = escQuotedTo(&b, s[last:m[0]], inQuote)
		b.WriteString(s[m[0]:m[1]])
		last = m[1]
	}
	escQuotedTo(&b, s[last:], inQuote)
	return b.String()
}

var userIDRE = regexp.MustCompile(`^[UW][A-Z0-9]+$`)

// mention renders a user id as a mention; anything that is not a user id
// is shown escaped, never as markup.
func mention(id string) string {
	if userIDRE.MatchString(id) {
		return "<@" + id + ">"
	}
	return esc(id)
}

// plainMentions turns the user mentions in a domain message into @names,
// for plain-text places (a modal's inline errors) where Slack shows markup
// as typed.
func (b *Bot) plainMentions(ctx context.Context, s string) string {
	return userMentionRE.ReplaceAllStringFunc(s, func(m string) string {
		id := m[2 : len(m)-1]
		if name := b.nameOf(ctx, id); name != "" {
			return "@" + name
		}
		return "@" + id
	})
}

func mentions(ids []string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = mention(id)
	}
	if len(parts) == 0 {
		return "nobody"
	}
	return andList(parts)
}

// andList joins words as a sentence lists them: "a", "a and b", "a, b and c".
func andList(parts []string) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// orList joins parts as a sentence asks about them: "who, what kind or
// how long".
func orList(parts []string) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

func skillLabels(ids []string, skills []coaching.Skill) string {
	var out []string
	for _, id := range ids {
		label := id
		for _, s := range skills {
			if s.ID == id {
				label = s.Label
			}
		}
		out = append(out, esc(label))
	}
	return strings.Join(out, ", ")
}

// summary is one line saying what a session was.
func summary(s coaching.Session) string { return summaryNaming(s, mentions(s.ActiveRepIDs())) }

// summaryNaming is summary with the reps named as who says.
func summaryNaming(s coaching.Session, who string) string {
	return fmt.Sprintf("*%s* with %s · %s · %d min", s.Kind.Label(), who, s.OccurredOn.Human(), s.DurationMin)
}

// detailFields are the facts of a session, as section fields. A
// ride-along's role is that of whoever logged it, named ("@Olly's role"):
// "Manager's role" was untrue of a peer's, an admin's or a leader's
// ride-along, and told a rep that their manager had been on it.
func detailFields(s coaching.Session, skills []coaching.Skill, cut dmCuts) []*slack.TextBlockObject {
	f := []*slack.TextBlockObject{
		mrkdwn("*Date*\n" + s.OccurredOn.Human()),
		mrkdwn("*Duration*\n" + strconv.Itoa(s.DurationMin) + " min"),
	}
	if s.Kind == coaching.KindRideAlong && s.Role != "" {
		f = append(f, mrkdwn("*"+mention(s.ManagerID)+"'s role*\n"+s.Role.Label()))
	}
	if len(s.Skills) > 0 {
		f = append(f, mrkdwn("*Focus*\n"+cutMrkdwn(skillLabels(s.Skills, skills), cut.skills)))
	}
	return f
}

// noteBlocks show the notes and commitments as plain text: what people typed
// is never read as markup. The notes' label says who reads them
// (notesReaders).
//
// The follow-up date goes with the commitments' head; a session with a
// follow-up and no commitments for this rep says it on its own line: the
// form takes one without the other, and the DM left it out, so the rep
// never learnt the day the manager set.
func noteBlocks(s coaching.Session, repID string, cut dmCuts, notesAI bool) []slack.Block {
	var blocks []slack.Block
	if s.Notes != "" {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn("*Notes* ("+notesReaders(s, repID, notesAI)+")")),
			slack.NewSectionBlock(typed(truncateRunes(s.Notes, 3000)), nil, nil))
	}
	switch text := commitmentsText(s, repID); {
	case text != "":
		head := "*Commitments*"
		if !s.FollowUpOn.IsZero() {
			head += " · follow up " + s.FollowUpOn.Human()
		}
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(head)),
			slack.NewSectionBlock(typed(textcut.Cut(text, cut.commitments)), nil, nil))
	case !s.FollowUpOn.IsZero():
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn("*Follow up* "+s.FollowUpOn.Human())))
	}
	return blocks
}

// typed shows what someone typed (notes, commitments, a comment, a
// reason) as plain text, so that no markup in it pings, links or formats,
// with its emoji codes shown as emoji: Slack's message box and slash
// commands write an emoji as its code (":tada:"), and so do the notes
// quick capture and the message shortcut store, which plain text with
// emoji off showed as the bare code.
func typed(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

// notesReaders is who may read a session's notes, as the rep whose DM it
// is should be told (PRODUCT.md, Authorisation): the manager who logged
// it, every rep on it (each reads them in their own DM), the leaders
// above the manager when it is shared, and, when the admin let notes
// reach the LLM (notesAI), the model, names taken out: the manager's
// prep brief sends the notes of any session, the digest's narrative those
// of shared ones. Whoever runs the server can export the notes with the
// rest of the database (`coachlog export --with-notes`); that is said in
// the rep's /coach help, not on every DM (see repHelp).
func notesReaders(s coaching.Session, repID string, notesAI bool) string {
	who := []string{"you", mention(s.ManagerID)}
	if len(without(s.ActiveRepIDs(), repID)) > 0 {
		who = append(who, "the other reps on this session")
	}
	if s.Visibility == coaching.VisibilityShared {
		who = append(who, mention(s.ManagerID)+"'s leaders")
	}
	text := strings.Join(who[:len(who)-1], ", ") + " and " + who[len(who)-1]
	if notesAI {
		text += "; may go to an AI model, names removed"
	}
	return text
}

// commitmentsText lists the commitments of a session made by repID (by
// anyone for ""), each once, one a line.
func commitmentsText(s coaching.Session, repID string) string {
	var lines []string
	for _, c := range s.Commitments {
		if repID == "" || c.RepID == repID {
			if !slices.Contains(lines, "• "+c.Text) {
				lines = append(lines, "• "+c.Text)
			}
		}
	}
	return strings.Join(lines, "\n")
}

func repValue(s coaching.Session, repID string) string {
	return fmt.Sprintf("%d:%s:%d", s.ID, repID, s.Version)
}

func button(actionID, text, value string, style slack.Style) *slack.ButtonBlockElement {
	b := slack.NewButtonBlockElement(actionID, value, plain(text))
	b.Style = style
	return b
}

// undoButton is a session's Undo, behind Slack's confirmation dialog: an
// undo cannot be taken back, and the button sits beside Edit, one slip
// away. The dialog names the session (its reps as a list line names them,
// fewMentions) and whose DM will say it was withdrawn (the rep's, for one),
// well within the dialog's 300 characters of text; Slack allows 100 for
// the title and 30 for each button
// (https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object).
func undoButton(s coaching.Session, val string) *slack.ButtonBlockElement {
	b := button(actUndo, "Undo", val, slack.StyleDanger)
	dms := "its reps' DMs will say"
	if reps := s.ActiveRepIDs(); len(reps) == 1 {
		dms = mention(reps[0]) + "'s DM will say"
	}
	b.Confirm = slack.NewConfirmationBlockObject(plain("Undo this session?"),
		mrkdwn("Undo the "+shortSummary(s, "")+"? It will no longer count anywhere and "+dms+" it was withdrawn. This cannot be reversed."),
		plain("Undo it"), plain("Keep it"))
	b.Confirm.Style = slack.StyleDanger
	return b
}

// repHead is who logged what with repID, as their DM and App Home head
// a session: "@max logged a *1:1* with you and @ria", "…with you, @ria
// and @kim".
func repHead(s coaching.Session, repID string) string { return repHeadNaming(s, repID, mentions) }

// repHeadNaming is repHead with the other reps named by name. With one
// other rep "you and @ria"; with more, "you" opens the list that name
// ends with its own "and", so that it reads "with you, @ria and @kim",
// never "with you and @ria and @kim".
func repHeadNaming(s coaching.Session, repID string, name func([]string) string) string {
	head := fmt.Sprintf("%s logged a *%s* with you", mention(s.ManagerID), s.Kind.Label())
	switch others := without(s.ActiveRepIDs(), repID); len(others) {
	case 0:
	case 1:
		head += " and " + name(others)
	default:
		head += ", " + name(others)
	}
	return head
}

// repDM is the DM a rep gets about a session, in its current state, in
// one message Slack takes (see repDMCut), told whether notes may reach the
// LLM (notesReaders).
func repDM(s coaching.Session, repID string, skills []coaching.Skill, notesAI bool) message {
	cut := fullDM
	m := repDMCut(s, repID, skills, cut, notesAI)
	if blockText(m.Blocks...) <= messageText {
		return m
	}
	// Too long for one message: the head names a few of the other reps,
	// then the longest of the parts that can give room are cut to the
	// same length, the notes last of all (see dmCuts.shorter).
	cut.fewReps = true
	length := dmLengths(s, repID, skills) // the parts uncut: the same on each pass
	m = repDMCut(s, repID, skills, cut, notesAI)
	for range 3 { // four passes at most, the last one's message taken as it is
		over := blockText(m.Blocks...) - messageText
		if over <= 0 {
			break
		}
		cut = cut.shorter(length, over)
		m = repDMCut(s, repID, skills, cut, notesAI)
	}
	return m
}

// repDMCut is repDM with its longer parts cut as cut says.
func repDMCut(s coaching.Session, repID string, skills []coaching.Skill, cut dmCuts, notesAI bool) message {
	r, _ := s.Rep(repID)
	head := repHead(s, repID)
	if cut.fewReps {
		head = repHeadNaming(s, repID, func(ids []string) string { return fewMentions(ids, "") })
	}
	text := fmt.Sprintf("%s logged a %s with you on %s", mention(s.ManagerID), s.Kind.Noun(), s.OccurredOn.Human())
	if s.Undone() || r.Removed {
		// Taken off a session that goes on for others, the rep is told
		// that, not that the session is gone, nor that it was undone
		// after they were taken off (coaching.AsTakenOff).
		what := "withdrew this session"
		if r.Removed {
			what = "took you off this session"
		}
		return message{
			Text:   "Withdrawn: " + text,
			Blocks: []slack.Block{slack.NewSectionBlock(mrkdwn(fmt.Sprintf(":wastebasket: ~%s on %s~\n%s %s; nothing to do.", s.Kind.Label(), s.OccurredOn.Human(), mention(s.ManagerID), what)), nil, nil)},
		}
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(head), detailFields(s, skills, cut), nil)}
	if note := ownChangeNote(r); note != "" {
		line := ":pencil2: *Updated:* " + cutMrkdwn(escKeepMentions(note), cut.change) + "."
		if lookedAgain(r) {
			line = ":pencil2: " + upperFirst(cutMrkdwn(escKeepMentions(note), cut.change)) + "."
		}
		if r.Status == coaching.StatusPending && r.NoteAsksAgain() {
			line += " Please confirm again."
		}
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(line)))
	}
	blocks = append(blocks, noteBlocks(s, repID, cut, notesAI)...)
	val := repValue(s, repID)
	text = repDMText(text, r)
	switch r.Status {
	case coaching.StatusPending:
		blocks = append(blocks, slack.NewActionBlock("rep_answer",
			button(actConfirm, "Confirm", val, slack.StylePrimary),
			button(actDispute, "Not accurate", val, slack.StyleDanger)),
			slack.NewContextBlock("", mrkdwn("Is this how it went? Only you can answer.")))
	case coaching.StatusConfirmed:
		blocks = append(blocks, confirmedBlocks(s, r, val, cut)...)
	case coaching.StatusDisputed:
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(":x: You marked this *not accurate*. "+mention(s.ManagerID)+" has been told and can fix it."), nil, nil),
			slack.NewSectionBlock(typed(textcut.Cut("What you said: "+r.DisputeReason, cut.reason)), nil, nil))
	}
	return message{Text: text, Blocks: blocks}
}

// repDMText is a rep's DM's text, what their phone's notification and a
// screen reader give: the session (logged) and where the rep stands on it,
// as the blocks show it. The rating is the rep's own, in their own DM; what
// anyone wrote (notes, commitments, a comment, a reason) is never in it.
func repDMText(logged string, r coaching.SessionRep) string {
	if note := ownChangeNote(r); note != "" {
		// The change note is Coachlog's words and mentions (ChangeSet), cut
		// as a line of a notification is.
		said := cutMrkdwn(escKeepMentions(note), maxTextNote)
		if lookedAgain(r) {
			logged = upperFirst(said) + ": " + logged
		} else {
			logged = "Updated (" + said + "): " + logged
		}
	}
	switch r.Status {
	case coaching.StatusConfirmed:
		if r.Rating > 0 {
			return fmt.Sprintf("%s: you confirmed it (rated %d/5)", logged, r.Rating)
		}
		return logged + ": you confirmed it"
	case coaching.StatusDisputed:
		return logged + ": you marked it not accurate"
	}
	if r.NoteAsksAgain() {
		return logged + ": please confirm again"
	}
	return logged + ": please confirm"
}

// ownChangeNote is the part of an edit's change note the rep's DM shows,
// as the rep whose DM it is reads it. Asked to confirm, they are shown all
// of it; once they answered, only who reads the notes now (an edit of that
// asks no one again, coaching.SessionRep.ReadersNote), never a note left
// from before their answer. The note is one for all the session's reps,
// and a rep put back on a session read "added @Sam" of themselves; in
// their own DM they are "you" ("added you", "added @ria and you"). A rep
// taken off is not told the note (their DM is withdrawn), so "took you
// off" never shows.
func ownChangeNote(r coaching.SessionRep) string {
	note := r.ChangeNote
	if r.Status != coaching.StatusPending {
		note = r.ReadersNote()
	}
	return strings.ReplaceAll(note, "<@"+r.RepID+">", "you")
}

// lookedAgain reports whether the change note r's DM shows is that of an
// edit that asked them again with nothing they answered changed
// (coaching.SessionRep.NoteLookedAgain): "Updated: looked at again,
// nothing changed" told of an update of nothing, so the note leads alone.
func lookedAgain(r coaching.SessionRep) bool {
	return r.Status == coaching.StatusPending && r.NoteLookedAgain()
}

// upperFirst is s with its first letter in capitals, for Coachlog's own
// words (a change note) starting a line.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	first, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(first)) + s[size:]
}

// maxTextNote bounds an edit's change note in a DM's text: a team
// meeting's edit adding fifty reps would fill a lock screen.
const maxTextNote = 300

func confirmedBlocks(s coaching.Session, r coaching.SessionRep, val string, cut dmCuts) []slack.Block {
	ask := ":white_check_mark: You confirmed this. How useful was it? (1 = not at all, 5 = very)"
	if r.Rating > 0 {
		ask = fmt.Sprintf(":white_check_mark: You confirmed this and rated it *%d/5*. You can change your rating.", r.Rating)
	}
	btns := ratingButtons(val, r.Rating)
	commentText := "Add a comment"
	if r.Comment != "" {
		commentText = "Edit your comment"
	}
	btns = append(btns, button(actComment, commentText, val, ""))
	out := []slack.Block{slack.NewSectionBlock(mrkdwn(ask), nil, nil), slack.NewActionBlock("rep_rate", btns...)}
	if r.Comment != "" {
		out = append(out, slack.NewSectionBlock(typed(textcut.Cut("Your comment: "+r.Comment, cut.reason)), nil, nil))
	}
	return append(out, slack.NewContextBlock("", mrkdwn(mention(s.ManagerID)+" sees only the average of three or more ratings, never one alone.")))
}

// ratingButtons are a rep's rating buttons 1 to 5 on the session and rep
// of val (repValue), the rating given (0: none) marked: the DM and the App
// Home carry the same, so that one handler serves both.
func ratingButtons(val string, given int) []slack.BlockElement {
	var btns []slack.BlockElement
	for n := 1; n <= 5; n++ {
		style := slack.Style("")
		if n == given {
			style = slack.StylePrimary
		}
		btns = append(btns, button(actRatePfx+strconv.Itoa(n), strconv.Itoa(n), val+":"+strconv.Itoa(n), style))
	}
	return btns
}

// disputeNotice tells a manager that a rep disputed a session.
func disputeNotice(s coaching.Session, repID string) message {
	r, _ := s.Rep(repID)
	head := fmt.Sprintf(":warning: %s says the %s is *not accurate*", mention(repID), summary(s))
	if ids := s.ActiveRepIDs(); len(ids) == 1 && ids[0] == repID {
		// "<@Ria> says the Ride-along with <@Ria>" named her twice; a
		// group session's list still says who else was in it.
		head = fmt.Sprintf(":warning: %s says your *%s* with them on %s (%d min) is *not accurate*",
			mention(repID), s.Kind.Label(), s.OccurredOn.Human(), s.DurationMin)
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(head+"."), nil, nil)}
	if reason := strings.TrimSpace(r.DisputeReason); reason != "" { // Slack refuses an empty text
		blocks = []slack.Block{slack.NewSectionBlock(mrkdwn(head+":"), nil, nil), slack.NewSectionBlock(typed(truncateRunes(reason, 3000)), nil, nil)}
	}
	return message{
		Text:   fmt.Sprintf("%s says the %s on %s is not accurate", mention(repID), s.Kind.Noun(), s.OccurredOn.Human()),
		Blocks: append(blocks, slack.NewActionBlock("dispute_fix", button(actEdit, "Edit session", strconv.FormatInt(s.ID, 10)+":"+fromDispute, slack.StylePrimary))),
	}
}

// disputeAnsweredNotice is a not-accurate notice once its dispute no
// longer stands (coaching.DisputeAnswered): what became of it in place of
// the warning, with the session as it is now, so that a manager scanning
// their DMs sees which disputes are still open. The rep's reason stays
// under it: the manager read it already, but "confirmed after your edit"
// alone no longer says what the edit was about. No Edit button: nothing
// is left to fix from here (a second Not accurate has its own notice, with
// one), and /coach history and the App Home still edit the session.
func disputeAnsweredNotice(s coaching.Session, repID string, a coaching.DisputeAnswered) message {
	what := "the " + summary(s)
	if ids := s.ActiveRepIDs(); len(ids) == 1 && ids[0] == repID {
		what = fmt.Sprintf("your *%s* with them on %s (%d min)", s.Kind.Label(), s.OccurredOn.Human(), s.DurationMin)
	}
	who, plain := mention(repID), s.Kind.Noun()+" on "+s.OccurredOn.Human()
	var head, text string
	switch a.Outcome {
	case coaching.DisputeConfirmed:
		head = fmt.Sprintf(":white_check_mark: %s confirmed %s after your edit.", who, what)
		text = fmt.Sprintf("%s confirmed the %s after your edit", who, plain)
	case coaching.DisputeAgain:
		head = fmt.Sprintf(":x: %s says %s is still *not accurate* after your edit; a newer message says why.", who, what)
		text = fmt.Sprintf("%s says the %s is still not accurate after your edit", who, plain)
	case coaching.DisputeRemoved:
		// The rep is no longer among the session's: named apart.
		head = fmt.Sprintf(":wastebasket: %s was taken off the *%s* on %s; nothing is left to fix for them.", who, s.Kind.Label(), s.OccurredOn.Human())
		text = fmt.Sprintf("%s was taken off the %s", who, plain)
	case coaching.DisputeUndone:
		head = fmt.Sprintf(":wastebasket: This session was undone: %s.", what)
		text = "This session was undone: the " + plain
	default: // queued by a newer coachlog, which knows what it means
		head = fmt.Sprintf("%s's not-accurate on %s has been answered since.", who, what)
		text = fmt.Sprintf("%s's not-accurate on the %s has been answered since", who, plain)
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(head), nil, nil)}
	if reason := strings.TrimSpace(a.Reason); reason != "" { // Slack refuses an empty text
		blocks = append(blocks, slack.NewSectionBlock(typed(truncateRunes("They had said: "+reason, 3000)), nil, nil))
	}
	return message{Text: text, Blocks: blocks}
}

// receipt is the manager's ephemeral note that a session was logged.
func receipt(s coaching.Session) message {
	if s.Undone() {
		return message{Text: "Undone: " + receiptSubject(s), Blocks: []slack.Block{slack.NewSectionBlock(mrkdwn(undoneText(s)), nil, nil)}}
	}
	return receiptWith(s, "Logged: "+receiptSubject(s), loggedText(s))
}

// loggedText says a session was logged and who will be asked about it:
// the receipt's words, and the App Home's after a form saved from it. A
// group session's reps, named once in the summary, are not named again:
// an eight-rep team meeting's receipt listed all eight twice, a screenful
// on a phone.
func loggedText(s coaching.Session) string {
	asked := "Each will be asked to confirm."
	if ids := s.ActiveRepIDs(); len(ids) == 1 {
		asked = mention(ids[0]) + " will be asked to confirm."
	}
	return ":white_check_mark: Logged " + summary(s) + roleSuffix(s) + ". " + asked
}

// editedReceipt is the receipt after an edit from it: what the edit
// changed (coaching.ChangeSet.Describe, "" for nothing) and the session as
// it is now, with Edit and Undo still there. Its text says a save that
// changed nothing as the blocks do (savedNotice), not "Updated".
func editedReceipt(s coaching.Session, changes string) message {
	if s.Undone() {
		return receipt(s)
	}
	if changes == "" {
		return receiptWith(s, "Saved, nothing changed: "+receiptSubject(s), savedText(s, changes))
	}
	return receiptWith(s, "Updated: "+receiptSubject(s), savedText(s, changes))
}

// receiptSubject names a session in a receipt's text, what a notification
// and a screen reader give: its kind, its reps (a team meeting's counted,
// a long list of others cut as a list line cuts it) and its day.
func receiptSubject(s coaching.Session) string {
	ids := s.ActiveRepIDs()
	who := fewMentions(ids, "")
	if s.Kind == coaching.KindTeamMeeting {
		who = plural(len(ids), "rep", "reps")
	}
	return s.Kind.Noun() + " with " + who + " on " + s.OccurredOn.Human()
}

// editSavedText is the reply under a not-accurate DM that an edit from it
// was saved (coaching.MsgEditSaved), rendered when it goes: what the edit
// changed and the session as it is now; for a session undone before it
// went, that it was undone, as editedReceipt says, rather than "Now: …" of
// a session that no longer counts.
func editSavedText(s coaching.Session, changes string) string {
	if s.Undone() {
		return undoneText(s)
	}
	return savedText(s, changes)
}

// editSavedMessage is the reply under a not-accurate DM that an edit from
// it was saved (editSavedText), its text the same in plain words: it is the
// notification, where mrkdwn's marks would show as typed.
func editSavedMessage(s coaching.Session, changes string) message {
	m := textMessage(editSavedText(s, changes))
	switch {
	case s.Undone():
		m.Text = "Undone: " + receiptSubject(s)
	case changes == "":
		m.Text = "Saved: nothing changed. Now: " + plainSummary(s)
	default:
		m.Text = "Updated: " + changes + ". Now: " + plainSummary(s)
	}
	return m
}

// plainSummary is summary, and the ride-along's role, without mrkdwn's
// marks: "Ride-along with <@U1> · Mon 30 Nov 2026 · 45 min · lead".
func plainSummary(s coaching.Session) string {
	return fmt.Sprintf("%s with %s · %s · %d min", s.Kind.Label(), mentions(s.ActiveRepIDs()), s.OccurredOn.Human(), s.DurationMin) + roleSuffix(s)
}

// savedNotice says an edit was saved and what it changed (a ChangeSet's
// Describe, whose mentions are Slack's own markup and whose other words
// are ours; "" when nothing changed).
func savedNotice(changes string) string {
	if changes == "" {
		return ":pencil2: Saved: nothing changed."
	}
	return ":pencil2: Updated: " + changes + "."
}

// savedText is savedNotice followed by the session as it is now.
func savedText(s coaching.Session, changes string) string {
	return savedNotice(changes) + " Now: " + summary(s) + roleSuffix(s) + "."
}

func receiptWith(s coaching.Session, text, head string) message {
	val := strconv.FormatInt(s.ID, 10) + ":" + fromReceipt
	return message{
		Text: text,
		Blocks: []slack.Block{
			slack.NewSectionBlock(mrkdwn(head), nil, nil),
			slack.NewActionBlock("receipt", button(actEdit, "Edit", val, ""), undoButton(s, val)),
		},
	}
}

// undoneText says a session was undone.
func undoneText(s coaching.Session) string {
	return ":leftwards_arrow_with_hook: Undone: " + summary(s) + ". It no longer counts anywhere."
}

func roleSuffix(s coaching.Session) string {
	if s.Kind == coaching.KindRideAlong && s.Role != "" {
		return " · " + strings.ToLower(s.Role.Label())
	}
	return ""
}

func statusBadge(s coaching.Session) string { return badge(s, false) }

// ownStatusBadge is statusBadge for the manager who logged s, in their
// history and App Home: a group session's disputes name who disputed, as
// the notice each dispute sent them did, so that ":x: 1 disputed" on an
// eight-rep team meeting says which rep to talk to. Leaders reading
// sessions below them get the counts alone.
func ownStatusBadge(s coaching.Session) string { return badge(s, true) }

// badgeNames is how many disputes a badge names at most: past it, the
// count alone, as the line is one of ten in a history that must fit one
// message (ownText), and so many disputes are a talk with the team.
const badgeNames = 3

func badge(s coaching.Session, nameDisputes bool) string {
	icons := map[coaching.Status]string{coaching.StatusPending: ":hourglass_flowing_sand:", coaching.StatusConfirmed: ":white_check_mark:", coaching.StatusDisputed: ":x:"}
	counts := map[coaching.Status]int{}
	var disputed []string
	n := 0
	for _, r := range s.Reps {
		if !r.Removed {
			counts[r.Status]++
			n++
			if nameDisputes && r.Status == coaching.StatusDisputed {
				disputed = append(disputed, mention(r.RepID))
			}
		}
	}
	var parts []string
	for _, st := range []coaching.Status{coaching.StatusConfirmed, coaching.StatusDisputed, coaching.StatusPending} {
		switch {
		case counts[st] == 0:
		case n == 1:
			return icons[st] + " " + string(st)
		default:
			// A group session says how its reps answered, not only how
			// many there are: one disputing must show.
			part := fmt.Sprintf("%s %d %s", icons[st], counts[st], st)
			if st == coaching.StatusDisputed && nameDisputes && len(disputed) <= badgeNames {
				part += " (" + andList(disputed) + ")"
			}
			parts = append(parts, part)
		}
	}
	return strings.Join(parts, ", ")
}

func without(ids []string, x string) []string {
	var out []string
	for _, id := range ids {
		if id != x {
			out = append(out, id)
		}
	}
	return out
}

// textMessage is a one-section message. Past the 3,000 characters Slack
// takes in a section, text is cut: Slack would refuse the whole message,
// and the person would see nothing at all.
func textMessage(text string) message {
	return message{Text: text, Blocks: []slack.Block{slack.NewSectionBlock(mrkdwn(cutMrkdwn(text, 3000)), nil, nil)}}
}

// cutMrkdwn cuts mrkdwn to at most n characters, marking the cut with
// "…", never inside an escape ("&amp;") or a mention ("<@U1>"): half an
// escape shows as typed, half a mention as broken markup.
func cutMrkdwn(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	r = r[:n-1]
	// An escape or a mention Coachlog writes is short: look back that far
	// for one left open.
	for i := len(r) - 1; i >= max(0, len(r)-maxMarkup); i-- {
		if r[i] == ';' || r[i] == '>' {
			break
		}
		if r[i] == '&' || r[i] == '<' {
			r = r[:i]
			break
		}
	}
	return string(r) + "…"
}

// maxMarkup is the longest escape or mention Coachlog puts in mrkdwn.
const maxMarkup = 24

// escQuoted is esc for a message that quotes back, between plain double
// quotes, what someone typed (coaching.QuoteTyped's `"*2w*" is not a
// date`, a parser doubt's `I couldn't read the date "yday"`): the quoted
// text shows literally, as names do (escName), where esc alone would
// make its marks formatting (2w in bold, a backtick opening code that
// swallows the help after it). The rest, which Coachlog wrote, keeps
// its formatting. A quote typed inside the quoted text pairs as it
// falls: at worst a part shows with esc alone, as before.
func escQuoted(s string) string {
	var b strings.Builder
	escQuotedTo(&b, s, false)
	return b.String()
}

// escQuotedTo writes s escaped as escQuoted does to b, inside a quote
// when inQuote, and reports whether s ends inside one.
func escQuotedTo(b *strings.Builder, s string, inQuote bool) bool {
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		if inQuote {
			b.WriteString(escName(s[:i]))
		} else {
			b.WriteString(esc(s[:i]))
		}
		b.WriteByte('"')
		s, inQuote = s[i+1:], !inQuote
	}
	if inQuote {
		b.WriteString(escName(s))
	} else {
		b.WriteString(esc(s))
	}
	return inQuote
}
