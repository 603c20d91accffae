package slackbot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/llm"
	"github.com/coachlog/coachlog/internal/quickcapture"
)

// ProseReader reads, with an LLM, what the rule parser could not read in a
// `/coach <text>` line; *llm.ProseReader is one. Disabled (no key), the
// form opens with the rule parser's reading and nothing is sent.
type ProseReader interface {
	Enabled() bool
	// Draft returns the rule parser's reading with the model's filling what
	// it could not read; on any failure, the rule parser's reading and the
	// error.
	Draft(ctx context.Context, in llm.ProseInput, rule quickcapture.Result) (coaching.Draft, error)
}

// noProse is the stand-in without an LLM.
type noProse struct{}

func (noProse) Enabled() bool { return false }
func (noProse) Draft(_ context.Context, _ llm.ProseInput, rule quickcapture.Result) (coaching.Draft, error) {
	return rule.Draft, llm.ErrDisabled
}

// DefaultProseTimeout bounds a prose reading, its one retry included: the
// form is open meanwhile, marked as filling in, and the manager may start
// on it.
const DefaultProseTimeout = 8 * time.Second

// Notices at the top of a form being filled in from prose.
const (
	noticeFilling = ":hourglass_flowing_sand: Filling in from your note… the form updates in a few seconds."
	noticeNoRead  = ":mag: I couldn't read the rest of your note just now, so the form shows what I understood."
)

// readProse serves a quick capture the rule parser could not read clearly,
// with an LLM configured. The command is already acknowledged: the LLM
// never sits on the ack path. The form opens at once with the rule
// parser's reading, marked as filling in (views.open is the first use of
// the trigger id, within its 3 s); then the model reads the line, and the
// form is updated with what it filled in, or back to the rule parser's
// reading with a word on why. The update carries the opened view's hash:
// if the manager changed the form meanwhile (picking reps refreshes it),
// Slack refuses it with hash_conflict and their version stays. Typing
// changes no hash: the fields the update fills in get new block ids, so
// that Slack shows the model's values there (it keeps an input's value
// under the same ids), and the others keep theirs, with what the manager
// typed in them. Nothing is ever saved here: the manager confirms the
// form.
func (b *Bot) readProse(ctx context.Context, cmd slashCommand, readBy time.Time, text string, res quickcapture.Result, meta modalMeta) {
	opened, err := b.openForm(ctx, cmd, readBy, res.Draft, noticeFilling, meta)
	if err != nil {
		return // told; without a form there is nothing to fill
	}
	// The manager's own today, read with their profile as the form opened:
	// the model counts "yesterday" and weekday names from it.
	today := opened.Today
	start := time.Now()
	rctx, cancel := context.WithTimeout(ctx, b.proseTO)
	d, err := b.prose.Draft(rctx, llm.ProseInput{Text: text, Today: today, ManagerID: cmd.UserID, Skills: b.svc.Skills()},
		quickcapture.Parse(text, today)) // the reading of the text as Slack sent it, escaped like the model's
	cancel()
	// The reads before the update (the names in the model's notes, the
	// open commitments of the reps it read) share one deadline, as a
	// form's before views.open do (formReadBudget), counted from the
	// model's answer: with none, a table locked (a migration, another
	// replica's long transaction) held the update as long as the lock,
	// the form still saying it was filling in. Past it the update shows
	// what was read, as a pick of reps does (refreshModal).
	pre, cancelReads := context.WithTimeout(ctx, formReadBudget)
	d.Notes = b.written(pre, d.Notes)
	for i, c := range d.Commitments {
		d.Commitments[i] = b.written(pre, c)
	}
	rule := opened.Modal.Draft
	filled := filledFields(rule, d)
	// Focus skills are the model's reading, not checked against the words
	// as the other fields are: when the note names none of them, they are
	// kept but not claimed to be from the note.
	var guessed []string
	if slices.Contains(filled, "focus skills") && !llm.SkillsNamed(text, d.Skills, b.svc.Skills()) {
		filled = slices.DeleteFunc(filled, func(f string) bool { return f == "focus skills" })
		guessed = append(guessed, "focus skills")
	}
	latency := time.Since(start).Milliseconds()
	m := opened.Modal
	m.Draft = d
	var unread []string
	m.Open, m.Names, unread = b.openCommitments(pre, cmd.UserID, d.RepIDs, 0)
	cancelReads()
	var missing string
	if unread = keepShown(&m, opened.Modal, unread); len(unread) > 0 {
		missing = noticeCommitmentsUnread
	}
	if err != nil {
		reason := "error"
		if fl, ok := errors.AsType[*llm.Failure](err); ok {
			reason = fl.Reason
		}
		b.log.Info("prose capture fell back to the rule parser's reading", "user_id", cmd.UserID, "reason", reason, "latency_ms", latency)
		// The form shows the rule parser's reading: say what of it was
		// only guessed from the sentence.
		parts := append([]string{noticeNoRead, guessedPart(res)}, doubtParts(res)...)
		m.Notice = joinNotice(append(append(parts, missingNotice(d), leftOutNotice(d), missing), unreadParts(res)...)...)
	} else {
		b.log.Info("prose capture filled in the form", "user_id", cmd.UserID, "fields", strings.Join(filled, ","),
			"guessed", strings.Join(guessed, ","), "latency_ms", latency)
		left := unfilled(res, filled)
		parts := append([]string{filledNotice(filled, guessed), guessedPart(left)}, doubtParts(left)...)
		m.Notice = joinNotice(append(append(parts, missingNotice(d), leftOutNotice(d), missing), unreadParts(res)...)...)
	}
	m = m.replacing(opened.Modal)
	if _, err := b.updateView(ctx, m.view(), opened.Hash, opened.ID); err != nil {
		if code := SlackErrorCode(err); code == "hash_conflict" || code == "not_found" {
			b.log.Debug("prose capture left the form as the manager changed it", "code", code)
			return
		}
		b.log.Warn("views.update with the prose reading failed", "user_id", cmd.UserID, "err", err)
	}
	b.refresh(ctx, d.RepIDs...)
}

// keepShown gives m the open commitments was, the form as opened, shows
// for the reps of unread, whose commitments were not read again by the
// deadline: an update without them would drop their checkboxes and what
// the manager ticked in them, which is why a pick of reps leaves such a
// form as it is (refreshModal); here that would leave it saying it is
// filling in, so it keeps what it read seconds before. It returns the
// reps whose commitments it still lacks.
func keepShown(m *logModal, was logModal, unread []string) []string {
	var left []string
	for _, id := range unread {
		cs, shown := was.Open[id]
		if !shown {
			left = append(left, id)
			continue
		}
		m.Open[id] = cs
		if n, ok := was.Names[id]; ok {
			m.Names[id] = n
		}
	}
	return left
}

// filledFields names, in the form's order, the fields the model's reading
// changed from the rule parser's.
func filledFields(rule, d coaching.Draft) []string {
	var out []string
	for _, f := range []struct {
		name    string
		changed bool
	}{
		{"who", !slices.Equal(rule.RepIDs, d.RepIDs)},
		{"kind", rule.Kind != d.Kind},
		{"date", rule.OccurredOn != d.OccurredOn},
		{"duration", rule.DurationMin != d.DurationMin},
		{"your role", rule.Role != d.Role},
		{"focus skills", !slices.Equal(rule.Skills, d.Skills)},
		{"notes", rule.Notes != d.Notes},
		{"commitments", !slices.Equal(rule.Commitments, d.Commitments)},
	} {
		if f.changed {
			out = append(out, f.name)
		}
	}
	return out
}

// unfilled is res without what the model's reading replaced: the
// guesses the form still shows as the rule parser made them, to be
// checked as they are without an LLM, and the doubts, all about the date,
// unless the model read the date ("yday" is yesterday to it).
func unfilled(res quickcapture.Result, filled []string) quickcapture.Result {
	var guessed []coaching.Field
	for _, f := range res.Guessed {
		if !slices.Contains(filled, fieldWords(f).filled) {
			guessed = append(guessed, f)
		}
	}
	res.Guessed = guessed
	res.RepsGuessed = res.RepsGuessed && !slices.Contains(filled, "who")
	if slices.Contains(filled, "date") {
		res.Doubts = nil
	}
	return res
}

// filledNotice names the fields filled in from the note, and those the
// model guessed (filled in, but the note's words do not say them).
func filledNotice(filled, guessed []string) string {
	var notice string
	switch {
	case len(filled) > 0:
		notice = ":sparkles: Filled in from your note: " + andList(filled) + "."
	case len(guessed) > 0:
		notice = ":sparkles:"
	default:
		return ":mag: I read your note and found nothing more to fill in."
	}
	if len(guessed) > 0 {
		notice += " Guessed, your note doesn't say: " + andList(guessed) + "."
	}
	return notice + " Check it all before you log it."
}

// missingNotice says which required fields are still empty.
func missingNotice(d coaching.Draft) string {
	var names []string
	if len(d.RepIDs) == 0 {
		names = append(names, "who")
	}
	if d.Kind == "" {
		names = append(names, "what kind")
	}
	if d.DurationMin == 0 {
		names = append(names, "how long")
	}
	if d.Kind == coaching.KindRideAlong && d.Role == "" {
		names = append(names, "your role")
	}
	if len(names) == 0 {
		return ""
	}
	return "Still to fill in: " + andList(names) + "."
}

// leftOutNotice says how many of the commitments read from the note the
// form could not hold (commitmentsField): the manager would otherwise not
// know they were read at all.
func leftOutNotice(d coaching.Draft) string {
	_, more := commitmentsField(d.Commitments)
	if more == 0 {
		return ""
	}
	them := "them"
	if more == 1 {
		them = "it"
	}
	return fmt.Sprintf("The last %s read from your note did not fit in the form's %s characters: shorten the others to add %s.",
		plural(more, "commitment", "commitments"), coaching.Count(maxCommitmentsText), them)
}

func joinNotice(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return cutMrkdwn(strings.Join(kept, " "), 2900)
}
