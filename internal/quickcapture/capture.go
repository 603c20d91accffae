// Package quickcapture reads the text of a `/coach <text>` quick capture,
// such as "<@U123|sam> ride-along 45m lead great discovery", into a session
// draft without an LLM. It only says what the line means; whether that is
// enough to log, or the modal should open prefilled, is the caller's call,
// made with Result.Clear and coaching.ValidateDraft.
//
// A line has a header of structured words (people, kind, duration, date,
// role, and filler such as "with" or "on") and then free notes. When the
// header says all a session needs, only it is read for structure, so notes
// can say "will practice the lead-in on mon" without changing the session.
// When it does not (the line is a sentence: "rode along with @sam, mostly
// watched, 45 min"), the fields it left unsaid are looked for anywhere in
// the notes, as guesses the manager confirms in the form.
package quickcapture

import (
	"slices"
	"strings"

	"github.com/coachlog/coachlog/internal/coaching"
)

// maxHeaderTokens caps how much of a line is read for structure, so hostile
// or pasted text costs little; nobody types 200 header words.
const maxHeaderTokens = 200

// Subcommands lists the words that, as the first word, are never a capture:
// PRODUCT.md reserves them so "/coach team" cannot log a session by mistake.
func Subcommands() []string {
	return []string{"help", "stats", "team", "history", "report", "away", "cadence", "export", "prep"}
}

// Result is what Parse understood of a line, and what it could not settle,
// so the caller can log directly or open the modal prefilled.
type Result struct {
	// Subcommand is the lower-cased first word when it is a subcommand ("?"
	// means "help"); then nothing else is parsed.
	Subcommand string
	// Args is the text after the subcommand word, trimmed.
	Args string
	// Draft holds the reps, kind, date, duration, role and notes understood.
	Draft coaching.Draft
	// RepsGuessed reports that the header named nobody, so Draft.RepIDs are
	// every user mentioned anywhere in the notes: a guess a reader of the
	// prose (the LLM) may narrow, where reps named in the header are not.
	RepsGuessed bool
	// DateGiven reports that a date word was present; otherwise
	// Draft.OccurredOn is today.
	DateGiven bool
	// Unresolved lists what looks like people but is no user mention Slack
	// resolved: "@sam" typed for no known user, user groups shown as "@sales".
	Unresolved []string
	// Typed are those of Unresolved typed as plain text ("@sam" not
	// picked from Slack's @ list, as on a phone): Slack sends such a name
	// as the text it is, never as a mention, whoever it names. The others
	// are user groups, @here and the like.
	Typed []string
	// Groups are those of Unresolved that are Slack user groups
	// ("<!subteam^S1|@sales>" gives "@sales"): no person, but the
	// people to pick are in it.
	Groups []string
	// Missing lists required fields not understood, in the order reps, kind,
	// duration, role (role only for ride-alongs).
	Missing []coaching.Field
	// Problems are sentences for the manager about what was understood but
	// cannot stand, e.g. "2026-12-01 is in the future".
	Problems []string
	// Guessed lists the fields (kind, date, duration, role, in that order)
	// read from a sentence rather than the header ("rode along with @sam,
	// mostly watched, 45 min"), or from words that can mean more than one
	// thing ("11/20"): shown in the form to confirm, never logged as they
	// stand, and a reader of the prose (the LLM) may correct them.
	Guessed []coaching.Field
	// Doubts are sentences for the manager about what was guessed or could
	// not be read, e.g. "I read 11/20 as Fri 20 Nov 2026".
	Doubts []string
	// Ahead is the words, where the date would be and with no date given,
	// that put the session still to come ("tomorrow", "next week", "in 2
	// days": see aheadAt), or a day typed without a year that comes
	// within a week ("20 nov" on 18 November), as typed; "" when there are
	// none. Coaching is logged once it happened (PRODUCT.md refuses
	// future dates): such a line is a plan or a slip, and opens the form
	// saying so, the date left on today and the notes keeping what they
	// held.
	Ahead string
	// Meant is the subcommand the line's first word is a typo of
	// ("histroy": history), when nothing else in it looks like a capture
	// (see meant): the caller says "did you mean" rather than open the
	// form. "" for any line naming someone, a kind, a role or a duration.
	Meant string
	// MaybeMeant is the subcommand taking a mention that the first word of
	// a line naming one person, and nothing else a capture has, is a typo
	// of ("histroy @sam": history): such a line is a capture, as any
	// naming someone is, but the form it opens says what was maybe meant.
	MaybeMeant string
	// Channels are the channel mentions ("<#C0SALES|sales>", as Slack
	// sent them) of a line that named nobody in its header: someone
	// picked a channel where a person was meant.
	Channels []string
}

// Clear reports whether the line can be logged without asking: it is no
// subcommand, nothing is missing, no problems, nothing says the session is
// still to come, nobody is unresolved, and
// the reps were named in the header, not guessed from the notes ("with
// Sam, went over how @ria handles pricing" is not a 1:1 with Ria). The
// caller still validates the draft (the manager may have named
// themselves).
func (r Result) Clear() bool {
	return r.Subcommand == "" && len(r.Missing) == 0 && len(r.Problems) == 0 && len(r.Unresolved) == 0 && !r.RepsGuessed &&
		len(r.Guessed) == 0 && len(r.Doubts) == 0 && r.Ahead == ""
}

// Guess reports whether f was read from a sentence or an ambiguous word
// (see Guessed), not from the header.
func (r Result) Guess(f coaching.Field) bool { return slices.Contains(r.Guessed, f) }

// Parse reads a quick-capture line; today is the manager's local date, which
// relative words such as "yesterday" and "mon" count back from.
func Parse(text string, today coaching.Date) Result {
	if sub, args, ok := Subcommand(text); ok {
		return Result{Subcommand: sub, Args: args}
	}
	p := parser{today: today}
	toks := firstTokens(text, maxHeaderTokens+maxPhraseWords)
	notesAt := p.header(toks)
	aheadEnd := p.checkAhead(toks, notesAt)
	switch {
	case p.complete() && p.ahead == "":
		p.checkNotesStart(toks, notesAt)
	case !p.complete():
		// The header left something unsaid: the line is a sentence, or
		// its notes may say it ("<@U1> 1:1 went over pricing for 45 min").
		// Words putting the session ahead are told as such, not read
		// again ("next mon" is no past Monday).
		p.prose(firstTokens(text[aheadEnd:], maxProseTokens))
	}
	guessed := false
	if len(p.reps) == 0 {
		for _, who := range peopleAnywhere(text[notesAt:]) {
			p.addPerson(who)
		}
		guessed = len(p.reps) > 0
	}
	r := p.result(trimNotes(text[notesAt:]))
	r.RepsGuessed = guessed
	if len(p.reps) == 0 || guessed {
		r.Channels = channelsIn(text)
	}
	r.Meant = meant(toks, r)
	r.MaybeMeant = maybeMeant(toks, r)
	return r
}

// Subcommand reports whether text starts with a subcommand word, and the
// rest: what Parse would say of it, without the date a capture needs.
func Subcommand(text string) (name, args string, ok bool) {
	sc := scanner{s: text}
	first, found := sc.next()
	if !found {
		return "", "", false
	}
	name = first.word
	if coaching.CommandText(first.text) == "?" {
		name = "help"
	}
	if !slices.Contains(Subcommands(), name) {
		return "", "", false
	}
	return name, strings.TrimSpace(text[first.end:]), true
}

// trimNotes drops the separators people put between header and notes
// ("45m - great call", "lead | rushed pricing"): words that are runs of
// them alone (see separator). Glued to what follows they are the notes'
// own: ":fire: great discovery" (an emoji), "-5% discount".
func trimNotes(s string) string {
	sc := scanner{s: s}
	for {
		t, ok := sc.next()
		if !ok {
			return ""
		}
		if !separator(t) {
			return strings.TrimSpace(s[t.start:])
		}
	}
}
