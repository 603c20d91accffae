package quickcapture

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/slacktext"
)

// parser gathers what the header of one line says.
type parser struct {
	today      coaching.Date
	reps       []string
	unresolved []string
	typed      []string        // those of unresolved typed as plain text
	groups     []string        // those of unresolved that are user groups
	named      map[person]bool // who is already in reps or unresolved
	problems   []string

	kind, kindText string
	role, roleText string
	minutes        int // 0 when not given or out of range
	durationText   string
	durationValue  float64
	proseDuration  bool          // the duration was read from a sentence (prose)
	date           coaching.Date // zero when the date given does not exist
	dateGiven      bool
	dateText       string

	// guessed holds the fields read from a sentence or from words that
	// can mean more than one thing; doubts say, for the manager, what was
	// guessed or not read. Either makes the line unclear.
	guessed map[coaching.Field]bool
	doubts  []string
	// numericDoubt is set once a date written with numbers is told of.
	numericDoubt bool
	// ahead is the words putting the session still to come (checkAhead).
	ahead string
}

// header reads structured words from the start of toks and returns the byte
// offset where the notes begin. Filler just before the notes ("on the Acme
// demo", ":) great call", "... then he closed") is kept in the notes, since
// there it is prose; only separators (",", "-", "|", see separator) are
// dropped there, and filler words left dangling at the end ("30m with").
func (p *parser) header(toks []token) int {
	fillerFrom := -1 // the first filler since the last header part that is no separator
	i := 0
	for i < len(toks) && i < maxHeaderTokens {
		if people, notesAt, ok := peopleToken(toks[i]); ok {
			for _, who := range people {
				p.addPerson(who)
			}
			if notesAt > 0 {
				// A link glued after the reps ("<@U1>,<mailto:…>"):
				// the reps are the header's, the link the notes'.
				return toks[i].start + notesAt
			}
			i++
			fillerFrom = -1
			continue
		}
		if n := p.structural(toks, i); n > 0 {
			i += n
			fillerFrom = -1
			continue
		}
		if !filler(toks[i]) {
			if fillerFrom >= 0 {
				return toks[fillerFrom].start
			}
			return toks[i].start
		}
		if fillerFrom < 0 && !separator(toks[i]) {
			fillerFrom = i
		}
		i++
	}
	if i < len(toks) {
		return toks[i].start
	}
	if len(toks) == 0 {
		return 0
	}
	// The line ends in filler: words alone ("with", "on the") say nothing
	// once nothing follows them, but punctuation other than a separator
	// (":)") is what the manager wrote.
	if fillerFrom >= 0 && hasWords(toks[fillerFrom:]) {
		return toks[fillerFrom].start
	}
	return toks[len(toks)-1].end
}

// structural reads one duration, date, kind or role at toks[i] and
// returns how many tokens it used, 0 when toks[i] is none of these.
// People are read by header, since a token of them may also start the
// notes.
func (p *parser) structural(toks []token, i int) int {
	// Once the header says all a session needs, the words after it are
	// read as the notes they most likely start: "sat in on his call",
	// "lead generation ideas" after a 1:1, "led the call" after "lead",
	// "career goals" after "1:1". Before that, a second kind or role is a
	// conflict to ask about.
	complete := p.complete()
	if minutes, n := durationAt(toks, i); n > 0 {
		if complete && hasWords(toks[i+n:]) {
			// "30 min discovery call", "5 min late, then pricing": the
			// notes start with a duration, and keep it. One that is not
			// the header's is still asked about.
			if minutes != p.durationValue {
				p.problems = append(p.problems, fmt.Sprintf("two durations given: %s and %s", p.durationText, phraseText(toks, i, n)))
			}
			return 0
		}
		p.addDuration(minutes, phraseText(toks, i, n))
		return n
	}
	if complete && proseWords[toks[i].word] && i+1 < len(toks) {
		return 0 // alone at the end, "sat" is the day
	}
	if proseWords[toks[i].word] && i+1 < len(toks) && !toks[i].clipped() && satPhrases[toks[i+1].word] {
		return 0 // "sat in on his call", "sat down with": never a day
	}
	if complete && isWeekday(toks[i].word) && notesFollow(toks, i+1) {
		// "fri follow up with CFO", "wed demo prep": where the notes
		// would start, a weekday as likely starts them as it dates the
		// session; checkNotesStart reads it as a guess to check.
		return 0
	}
	if p.addDate(toks[i]) {
		return 1
	}
	if date, n, text, problem, doubt, soon := monthDateAt(toks, i, p.today); n > 0 {
		if complete && hasWords(toks[i+n:]) {
			// "may 2 deals slip", "dec 1 deadline for the QBR": where
			// the notes would start, a month and a number as likely
			// start them. checkNotesStart reads the date there as a
			// guess to check. Alone at the end ("<@U1> 1:1 30m nov 20")
			// it can only be the date.
			return 0
		}
		if p.dayAhead(soon, text) {
			return n
		}
		if doubt != "" && !p.dateGiven {
			p.guess(coaching.FieldDate)
			p.doubts = append(p.doubts, doubt)
		}
		p.setDate(date, text, problem)
		return n
	}
	if !complete {
		// "<@U1> 11/27 1:1 30m": a date in the header, read through as
		// a weekday there is. After a complete header, checkNotesStart
		// asks about it and the notes keep it.
		if n := p.addNumericDate(toks, i, true); n > 0 {
			return n
		}
	}
	if m, n := phraseAt(toks, i); n > 0 {
		if complete && (m.kind != "" || p.role != "" || p.kind != string(coaching.KindRideAlong)) {
			return 0
		}
		text := phraseText(toks, i, n)
		if m.kind != "" {
			p.kind, p.kindText = p.once("kinds", p.kind, p.kindText, string(m.kind), text)
		} else {
			p.role, p.roleText = p.once("roles", p.role, p.roleText, string(m.role), text)
		}
		return n
	}
	return 0
}

// notesFollow reports whether words the manager wrote follow toks[i:]'s
// filler and separators, other than a date word of the header's ("mon
// yesterday" is two dates, to be asked about as such).
func notesFollow(toks []token, i int) bool {
	for ; i < len(toks); i++ {
		t := toks[i]
		if fillerWord(t) || separator(t) || t.blank() {
			continue
		}
		_, day := dayWord(t.word, coaching.Date{Year: 2026, Month: 1, Day: 1})
		return !day && !isoShaped(t.shown)
	}
	return false
}

// proseWords are date words that are more often English: after a
// complete header and followed by more, "sat" and "sun" start the notes
// ("sat in on his call"). "wed" stays a day: in notes it is rare, and
// "wed: great call" more likely means Wednesday.
var proseWords = map[string]bool{"sat": true, "sun": true}

// satPhrases are the words after "sat" that make it a verb wherever it
// stands: a sentence starting "sat in on @sam's demo" names no Saturday.
var satPhrases = map[string]bool{"in": true, "down": true}

// complete reports whether the header so far names everything a session
// needs: someone, a kind, a duration, and a role for a ride-along.
func (p *parser) complete() bool {
	return len(p.reps)+len(p.unresolved) > 0 && p.kind != "" && p.durationText != "" &&
		(p.kind != string(coaching.KindRideAlong) || p.role != "")
}

// once keeps the first value given for a field; a different second value is
// a problem, since guessing which one was meant would log a wrong session.
func (p *parser) once(what, have, haveText, got, gotText string) (string, string) {
	if have == "" {
		return got, gotText
	}
	if have != got {
		p.problems = append(p.problems, fmt.Sprintf("two %s given: %s and %s", what, haveText, gotText))
	}
	return have, haveText
}

// addPerson notes who, once: a line may name someone twice, and pasted text
// may name thousands, so repeats are found by map rather than by search.
func (p *parser) addPerson(who person) {
	if p.named[who] {
		return
	}
	if p.named == nil {
		p.named = map[person]bool{}
	}
	p.named[who] = true
	if who.id != "" {
		p.reps = append(p.reps, who.id)
	} else {
		p.unresolved = append(p.unresolved, who.shown)
		if who.typed {
			p.typed = append(p.typed, who.shown)
		}
		if who.group {
			p.groups = append(p.groups, who.shown)
		}
	}
}

func (p *parser) addDuration(minutes float64, text string) {
	if p.durationText != "" {
		if minutes != p.durationValue {
			p.problems = append(p.problems, fmt.Sprintf("two durations given: %s and %s", p.durationText, text))
		}
		return
	}
	p.durationText, p.durationValue = text, minutes
	// Too many digits to count (see value): said back as typed.
	shown, least, most := strconv.FormatFloat(minutes, 'f', 0, 64)+" minutes", "1", strconv.Itoa(coaching.MaxDurationMin)
	if math.IsInf(minutes, 0) {
		shown, least, most = coaching.QuoteTyped(text), "1 minute", most+" minutes"
	}
	switch {
	case minutes < 1:
		p.problems = append(p.problems, fmt.Sprintf("%s is less than %s, the least a session can be", shown, least))
	case minutes > coaching.MaxDurationMin:
		p.problems = append(p.problems, fmt.Sprintf("%s is more than %s, the most a session can be", shown, most))
	default:
		p.minutes = int(minutes)
	}
}

// addDate reads a date word at t, reporting whether t was one.
func (p *parser) addDate(t token) bool {
	date, ok := dayWord(t.word, p.today)
	problem := ""
	if !ok && isoShaped(t.shown) {
		d, err := coaching.ParseDate(t.shown)
		date, ok = d, true
		switch {
		case err != nil:
			problem = t.shown + " is not a real date"
		case d.After(p.today):
			problem = t.shown + " is in the future"
		case d.OverAYearBefore(p.today):
			problem = tooOld(t.shown, p.today)
		}
	}
	if !ok {
		return false
	}
	p.setDate(date, t.shown, problem)
	return true
}

// setDate records a date read from text, with the problem it has if any,
// or the conflict with a date read before.
func (p *parser) setDate(date coaching.Date, text, problem string) {
	if p.dateGiven {
		if date != p.date || (date.IsZero() && text != p.dateText) {
			p.problems = append(p.problems, fmt.Sprintf("two dates given: %s and %s", p.dateText, text))
		}
		return
	}
	p.dateGiven, p.date, p.dateText = true, date, text
	if problem != "" {
		p.problems = append(p.problems, problem)
	}
}

// addMonthDate reads a day with a month name at toks[i] ("20 nov", "nov
// 20"), returning how many tokens it used (0 when none).
func (p *parser) addMonthDate(toks []token, i int) int {
	date, n, text, problem, doubt, soon := monthDateAt(toks, i, p.today)
	if n > 0 && !p.dayAhead(soon, text) {
		if doubt != "" && !p.dateGiven {
			p.doubts = append(p.doubts, doubt)
		}
		p.setDate(date, text, problem)
	}
	return n
}

// hasWords reports whether toks hold anything but filler, separators and
// what shows nothing: words the manager wrote as notes.
func hasWords(toks []token) bool {
	return slices.ContainsFunc(toks, func(t token) bool { return !fillerWord(t) && !separator(t) && !t.blank() })
}

// guessMonthDate reads the day with a month name at toks[k], where the
// notes start, as a guess told to the manager, as addNumericDate does;
// the notes keep the words. It returns how many tokens it read, 0 when
// there is no such day.
func (p *parser) guessMonthDate(toks []token, k int) int {
	date, n, text, problem, doubt, soon := monthDateAt(toks, k, p.today)
	if n > 0 && !p.dayAhead(soon, text) {
		p.guessDate(date, text, problem, doubt)
	}
	return n
}

// dayAhead takes a day typed without a year that is still to come within
// a week ("20 nov" on 18 November: see monthDateAt's soon) as what it is,
// when no date was given before it: the date stays on today, and
// Result.Ahead says the day is still to come. It reports whether it did;
// after a date, such a day is a second date, told as any is.
func (p *parser) dayAhead(soon bool, text string) bool {
	if !soon || p.dateGiven {
		return false
	}
	if p.ahead == "" {
		p.ahead = text
	}
	return true
}

// guessDate takes date, read as text where the notes start, as a guess
// told to the manager (problem, when the date has one, tells it, else
// doubt when given, else what it was read as); when
// the header gave a date already, it only says text looks like one too.
func (p *parser) guessDate(date coaching.Date, text, problem, doubt string) {
	if p.dateGiven {
		p.alsoLooksLikeDate(text)
		return
	}
	p.setDate(date, text, problem)
	p.guess(coaching.FieldDate)
	switch {
	case problem != "": // a problem says it already
	case doubt != "":
		p.doubts = append(p.doubts, doubt)
	default:
		p.doubts = append(p.doubts, fmt.Sprintf("I read %s as %s", text, date.Human()))
	}
}

// alsoLooksLikeDate tells the manager that text, read after a date was
// taken, looks like one too, and which date the form shows.
func (p *parser) alsoLooksLikeDate(text string) {
	p.doubts = append(p.doubts, fmt.Sprintf("%s looks like a date too; the form shows %s", text, p.shownDate().Human()))
}

// addNumericDate reads a date written with numbers at toks[k] ("11/20"),
// returning 1 when it is written like one, 0 otherwise. Day and month come
// in either order by country, so the date is only ever a guess, told to
// the manager: set when one order alone makes a past date, left at today
// when both do or neither does. A fraction of something ("1/2 of the
// call") is no date, and only the first numeric date of a line is told:
// a pasted table of them would otherwise fill the form's notice.
//
// In the header (inHeader), a date only one order can make ("20.11.",
// "2026/11/20") is sure, and read as "20 nov" is there. A day still to
// come within a week, read one way only ("11/20" on 18 November), is
// told as still to come (dayAhead), as "20 nov" is; when another reading
// is a past day ("3/4" on 2 March), the form shows today and names both.
func (p *parser) addNumericDate(toks []token, k int, inHeader bool) int {
	t := toks[k]
	r := numericDate(t, p.today)
	dates, ok := r.dates, r.shaped
	if ok && r.sure && inHeader {
		p.setDate(dates[0], t.shown, "")
		return 1
	}
	if ok && !t.clipped() && k+1 < len(toks) && toks[k+1].word == "of" {
		ok = false
	}
	switch {
	case !ok:
		return 0
	case p.numericDoubt:
		return 1
	}
	p.numericDoubt = true
	switch {
	case p.dateGiven:
		p.alsoLooksLikeDate(t.shown)
	case r.soon && len(dates) == 0:
		p.dayAhead(true, t.shown)
	case r.soon:
		p.doubts = append(p.doubts, fmt.Sprintf("%s could be %s or a day still to come: the form shows today, pick the day", t.shown, dates[0].Human()))
	case len(dates) == 1:
		p.guessDate(dates[0], t.shown, "", r.doubt)
	case len(dates) == 2:
		p.doubts = append(p.doubts, fmt.Sprintf("%s could be %s or %s: the form shows today, pick the day", t.shown, dates[0].Human(), dates[1].Human()))
	default:
		p.doubts = append(p.doubts, fmt.Sprintf("I couldn't read the date %q: the form shows today", t.shown))
	}
	return 1
}

// phraseText is the phrase at toks[i:i+n] as typed, for messages.
func phraseText(toks []token, i, n int) string {
	parts := make([]string, n)
	for k := range parts {
		parts[k] = toks[i+k].shown
	}
	return strings.Join(parts, " ")
}

// result assembles what was read into a Result.
func (p *parser) result(notes string) Result {
	r := Result{
		Draft: coaching.Draft{
			RepIDs:      p.reps,
			Kind:        coaching.Kind(p.kind),
			OccurredOn:  p.today,
			DurationMin: p.minutes,
			Role:        coaching.Role(p.role),
			Notes:       notes,
		},
		DateGiven:  p.dateGiven,
		Unresolved: p.unresolved,
		Typed:      p.typed,
		Groups:     p.groups,
		Problems:   p.problems,
		Ahead:      p.ahead,
	}
	if p.dateGiven {
		r.Draft.OccurredOn = p.date
	}
	r.Problems = append(r.Problems, limitProblems(r.Draft)...)
	for _, f := range []coaching.Field{coaching.FieldKind, coaching.FieldDate, coaching.FieldDuration, coaching.FieldRole} {
		if p.guessed[f] {
			r.Guessed = append(r.Guessed, f)
		}
	}
	r.Doubts = p.doubts
	for _, f := range []struct {
		field   coaching.Field
		missing bool
	}{
		{coaching.FieldReps, len(p.reps) == 0},
		{coaching.FieldKind, p.kind == ""},
		// A duration read but out of range is no missing one: its
		// problem says what is wrong with it, and "I couldn't tell how
		// long" beside it would be untrue.
		{coaching.FieldDuration, p.durationText == ""},
		{coaching.FieldRole, r.Draft.Kind == coaching.KindRideAlong && p.role == ""},
	} {
		if f.missing {
			r.Missing = append(r.Missing, f.field)
		}
	}
	return r
}

// limitProblems reports what the domain would refuse of an otherwise
// understood line, so that Clear never promises a session that cannot be
// logged as it stands.
func limitProblems(d coaching.Draft) []string {
	var problems []string
	switch {
	case len(d.RepIDs) > coaching.MaxReps:
		problems = append(problems, fmt.Sprintf("%d reps are named; at most %d can be", len(d.RepIDs), coaching.MaxReps))
	case d.Kind.SingleRep() && len(d.RepIDs) > 1:
		problems = append(problems, fmt.Sprintf("a %s is with one rep, but %d are named", d.Kind.Label(), len(d.RepIDs)))
	}
	if n := typedLen(d.Notes); n > coaching.MaxNotesLen {
		problems = append(problems, fmt.Sprintf("the notes are %s characters; at most %s fit", coaching.Count(n), coaching.Count(coaching.MaxNotesLen)))
	}
	return problems
}

// typedLen is about the length of notes as typed, which the domain's limit
// is checked against once they are unescaped: Slack sends "Q&A" as
// "Q&amp;A", and counted as sent, 1,600 typed characters of it read as
// 3,199. Mentions and links are counted as sent: near the limit the domain
// has the last word, and a refusal opens the form with the text.
func typedLen(notes string) int {
	return utf8.RuneCountInString(slacktext.Unescape(notes))
}
