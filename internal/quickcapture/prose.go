package quickcapture

import (
	"fmt"
	"slices"
	"strings"

	"github.com/coachlog/coachlog/internal/coaching"
)

// maxProseTokens caps how much of the notes is read for fields when the
// header left some unsaid: the notes fit 3,000 characters, about 600
// words, and pasted text past that costs nothing more.
const maxProseTokens = 800

// maxProseWords is the longest phrase of proseVocabulary and
// proseDurations, in words ("an hour and a half").
const maxProseWords = 5

// proseVocabulary maps the phrases that say a kind or role in a sentence,
// written as vocabulary's: vocabulary's own but for the words a sentence
// more often means otherwise (proseSkips), and the phrases below, which a
// sentence uses and a header does not. Roles follow PRODUCT.md: lead is
// taking the lead, participant a passive participant (present, speaking
// now and then: "mostly watched", "chimed in"), observer a silent one
// ("just listened", "shadowed").
var proseVocabulary = withVocabulary(map[string]meaning{
	"rode along":   {kind: coaching.KindRideAlong},
	"riding along": {kind: coaching.KindRideAlong},
	"tagged along": {kind: coaching.KindRideAlong},
	"sat in":       {kind: coaching.KindRideAlong},

	"deal reviews":                {kind: coaching.KindDealReview},
	"reviewed deals":              {kind: coaching.KindDealReview},
	"went through his pipeline":   {kind: coaching.KindDealReview},
	"went through her pipeline":   {kind: coaching.KindDealReview},
	"went through their pipeline": {kind: coaching.KindDealReview},

	"role played":   {kind: coaching.KindSkillPractice},
	"roleplayed":    {kind: coaching.KindSkillPractice},
	"practice call": {kind: coaching.KindSkillPractice},

	"career discussion": {kind: coaching.KindCareer},

	"take the lead":   {role: coaching.RoleLead},
	"taking the lead": {role: coaching.RoleLead},
	"ran the call":    {role: coaching.RoleLead},
	"ran the meeting": {role: coaching.RoleLead},
	"drove the call":  {role: coaching.RoleLead},
	"took over":       {role: coaching.RoleLead},
	"mostly watched":  {role: coaching.RoleParticipant},
	"mostly listened": {role: coaching.RoleParticipant},
	"mostly observed": {role: coaching.RoleParticipant},
	"chimed in":       {role: coaching.RoleParticipant},
	"jumped in":       {role: coaching.RoleParticipant},
	"pitched in":      {role: coaching.RoleParticipant},
	"just watched":    {role: coaching.RoleObserver},
	"just observed":   {role: coaching.RoleObserver},
	"just listened":   {role: coaching.RoleObserver},
	"only watched":    {role: coaching.RoleObserver},
	"only observed":   {role: coaching.RoleObserver},
	"only listened":   {role: coaching.RoleObserver},
	"listened":        {role: coaching.RoleObserver},
	"listened in":     {role: coaching.RoleObserver},
	"silently":        {role: coaching.RoleObserver},
	"stayed quiet":    {role: coaching.RoleObserver},
	"kept quiet":      {role: coaching.RoleObserver},
})

// proseSkips are vocabulary's words that a sentence uses for something
// else more often than for a kind or a role ("a new lead", "leading
// indicators", "the observer on the deal", "observing how he handles"), the group role-play that
// a sentence names as a role-play, and a role after "as", which in a
// sentence may be a sales lead ("flagged it as a lead") or the rep's part.
var proseSkips = []string{"ride", "practice", "group role play", "group roleplay", "career", "lead", "leading",
	"participant", "passive", "observer", "observed", "observing", "watched",
	"as lead", "as participant", "as passive participant", "as observer", "as silent observer"}

// withVocabulary adds vocabulary's phrases, less proseSkips, to prose's own.
func withVocabulary(own map[string]meaning) map[string]meaning {
	for phrase, m := range vocabulary {
		if _, ok := own[phrase]; !ok && !slices.Contains(proseSkips, phrase) {
			own[phrase] = m
		}
	}
	return own
}

// proseDurations are durations written in words.
var proseDurations = map[string]float64{
	"half an hour":       30,
	"half hour":          30,
	"an hour":            60,
	"one hour":           60,
	"an hour and a half": 90,
	"hour and a half":    90,
	"1 and a half hours": 90,
	"two hours":          120,
	"three hours":        180,
	"quarter of an hour": 15,
}

// proseStarts holds the first word of every phrase of proseVocabulary
// and proseDurations, so that most words of a sentence are passed over
// without joining the words after them: the parser is on the ack path.
// It is built once and never written to.
var proseStarts = func() map[string]bool {
	starts := map[string]bool{}
	for phrase := range proseVocabulary {
		first, _, _ := strings.Cut(phrase, " ")
		starts[first] = true
	}
	for phrase := range proseDurations {
		first, _, _ := strings.Cut(phrase, " ")
		starts[first] = true
	}
	return starts
}()

// proseWeekdayWords are day abbreviations too often English in a sentence
// ("sat in on", "the sun"): there only the full name is a day.
var proseWeekdayWords = map[string]bool{"sat": true, "sun": true}

// prose reads the fields the header left unset from anywhere in toks,
// the notes of a line that is a sentence ("rode along with @sam, mostly
// watched, 45 min") rather than the header form. What it finds is a
// guess, listed in guessed: the caller shows it in the prefilled form,
// never logs it as it stands. The first reading of each field wins.
func (p *parser) prose(toks []token) {
	if len(toks) > maxProseTokens {
		toks = toks[:maxProseTokens]
	}
	dateLike := ""
	var words [maxProseWords]string // reused: no allocation per word looked at
	for i := 0; i < len(toks); {
		n := phraseWords(toks, i, words[:])
		if minutes, k, written := proseDurationAt(toks, i, words[:n]); k > 0 {
			switch {
			case p.durationText == "":
				// One written as the header writes it ("45m", "45
				// min") is what the manager typed, as in the header;
				// one in words ("an hour") is read from a sentence.
				p.addDuration(minutes, phraseText(toks, i, k))
				p.proseDuration = true
				if !written {
					p.guess(coaching.FieldDuration)
				}
			case p.proseDuration && minutes != p.durationValue:
				// "5 min late, then 30 min on pricing": which one the
				// session took is a guess.
				p.guess(coaching.FieldDuration)
			}
			i += k
			continue
		}
		if k := p.proseDateAt(toks, i); k > 0 {
			i += k
			continue
		}
		if dateLike == "" {
			dateLike, _ = dateLikeAt(toks, i)
		}
		if m, k := longest(proseVocabulary, words[:n]); k > 0 {
			text := phraseText(toks, i, k)
			switch {
			case m.kind != "" && p.kind == "":
				p.kind, p.kindText = string(m.kind), text
				p.guess(coaching.FieldKind)
			case m.role != "" && p.role == "" && !someoneElse(toks, i):
				p.role, p.roleText = string(m.role), text
				p.guess(coaching.FieldRole)
			}
			i += k
			continue
		}
		i++
	}
	if p.role != "" {
		switch {
		case p.kind == "":
			// Only a ride-along has the manager's role: "joined @sam on
			// a call and took the lead" is one.
			p.kind, p.kindText = string(coaching.KindRideAlong), p.roleText
			p.guess(coaching.FieldKind)
		case p.kind != string(coaching.KindRideAlong) && p.guessed[coaching.FieldRole]:
			// A role belongs to ride-alongs: "led the pricing part" of a
			// deal review says nothing of one.
			p.role, p.roleText = "", ""
			delete(p.guessed, coaching.FieldRole)
		}
	}
	if !p.dateGiven && dateLike != "" {
		p.doubts = append(p.doubts, fmt.Sprintf("I couldn't read the date %q: the form shows today", dateLike))
	}
}

// someoneElse reports whether the words before toks[i] say someone else
// did what follows: "he led the call" says the rep had the lead, not the
// manager, whose role this is.
func someoneElse(toks []token, i int) bool {
	if i == 0 {
		return false
	}
	prev := toks[i-1]
	if prev.clipped() {
		return false // "with @sam, listened": the comma ends the subject
	}
	if thirdPerson[prev.word] {
		return true
	}
	_, _, isPerson := peopleToken(prev)
	return isPerson
}

// thirdPerson are the words naming someone other than the manager
// before what they did.
var thirdPerson = map[string]bool{"he": true, "she": true, "they": true, "rep": true}

// guess notes that field was read from a sentence or an ambiguous word.
func (p *parser) guess(f coaching.Field) {
	if p.guessed == nil {
		p.guessed = map[coaching.Field]bool{}
	}
	p.guessed[f] = true
}

// phraseWords fills words with the words of toks from i, lower-cased with
// hyphens read as spaces, up to a word whose trailing punctuation ends a
// phrase, and returns how many it filled.
func phraseWords(toks []token, i int, words []string) int {
	n := 0
	for k := i; k < len(toks) && n < len(words); k++ {
		words[n] = strings.ReplaceAll(toks[k].word, "-", " ")
		n++
		if toks[k].clipped() {
			break
		}
	}
	return n
}

// longest finds the longest phrase of vocab that words start with,
// returning it with its length in tokens (0 when there is none). A token
// holding a hyphen ("ride-along") counts once.
func longest(vocab map[string]meaning, words []string) (meaning, int) {
	if len(words) == 0 || !startsPhrase(words[0]) {
		return meaning{}, 0
	}
	for n := len(words); n > 0; n-- {
		if m, ok := vocab[strings.Join(words[:n], " ")]; ok {
			return m, n
		}
	}
	return meaning{}, 0
}

// startsPhrase reports whether w, a word as phraseWords gives it, can
// start a phrase of proseVocabulary or proseDurations.
func startsPhrase(w string) bool {
	first, _, _ := strings.Cut(w, " ")
	return proseStarts[first]
}

// proseDurationAt reads a duration in a sentence: as in the header ("45
// min", "1.5 hours", "1h30"), hyphenated ("a 30-minute call"), or in words
// ("an hour", "half an hour"). written reports the header's way: not a
// hyphenated one, which the header reads too ("30-min 1:1") but which a
// sentence writes of what it describes ("a 30-minute demo"), not always
// of the session.
func proseDurationAt(toks []token, i int, words []string) (minutes float64, n int, written bool) {
	if num, unit := splitNumber(toks[i].word); num != "" && strings.HasPrefix(unit, "-") {
		if d, ok := withUnit(num, unit[1:]); ok {
			return d.minutes, 1, false
		}
	}
	if m, n := durationAt(toks, i); n > 0 {
		return m, n, true
	}
	if len(words) == 0 || !startsPhrase(words[0]) {
		return 0, 0, false
	}
	for n := len(words); n > 1; n-- {
		if m, ok := proseDurations[strings.Join(words[:n], " ")]; ok {
			return m, n, false
		}
	}
	return 0, 0, false
}

// proseDateAt reads a date in a sentence at toks[i] when none is read
// yet, returning how many tokens it used (0 when none). A date read in a
// sentence is a guess; one the header already has stands.
func (p *parser) proseDateAt(toks []token, i int) int {
	if proseWeekdayWords[toks[i].word] {
		return 0
	}
	if p.dateGiven {
		if _, ok := dayWord(toks[i].word, p.today); ok || isoShaped(toks[i].shown) {
			return 1
		}
		if _, n, _, _, _, _ := monthDateAt(toks, i, p.today); n > 0 {
			return n
		}
		return 0
	}
	if p.addDate(toks[i]) {
		p.guess(coaching.FieldDate)
		return 1
	}
	if n := p.addMonthDate(toks, i); n > 0 {
		if p.dateGiven { // not a day still to come (Result.Ahead)
			p.guess(coaching.FieldDate)
		}
		return n
	}
	if n := p.addNumericDate(toks, i, false); n > 0 {
		return n
	}
	return 0
}

// checkNotesStart looks at the first word of the notes after a complete
// header: a date the parser cannot read there ("11/20 pricing review",
// "yday", "last week") would otherwise start the notes silently and the
// session be logged today. It is read as a guess when it can be, and
// told to the manager either way.
func (p *parser) checkNotesStart(toks []token, notesAt int) {
	k := 0
	for k < len(toks) && (toks[k].start < notesAt || fillerWord(toks[k]) || punctuationOnly(toks[k]) || toks[k].blank()) {
		k++
	}
	if k >= len(toks) || p.addNumericDate(toks, k, false) > 0 || p.guessMonthDate(toks, k) > 0 {
		return
	}
	if w := toks[k].word; isWeekday(w) && !proseWords[w] {
		// "fri follow up", which header left to the notes.
		if date, _ := dayWord(w, p.today); !p.dateGiven || date != p.date {
			p.guessDate(date, toks[k].shown, "", "")
		}
		return
	}
	if text, ok := dateLikeAt(toks, k); ok {
		p.doubts = append(p.doubts, fmt.Sprintf("I couldn't read the date %q: the form shows %s", text, p.shownDate().Human()))
	}
}

// shownDate is the date the form will show: the one read, or today.
func (p *parser) shownDate() coaching.Date {
	if p.dateGiven && !p.date.IsZero() {
		return p.date
	}
	return p.today
}
