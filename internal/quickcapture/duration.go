package quickcapture

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// span is a duration as written. It remembers whether it was whole hours
// alone or minutes alone, so "1h 30m" can be joined into one duration.
type span struct {
	minutes     float64
	hoursOnly   bool // "1h", "2 hours"; not "1.5h" or "1h30"
	minutesOnly bool // "30m", "30 min"
}

// durationAt reads the duration starting at toks[i] ("45m", "1 hour",
// "1h30", "1.5 hours", "1h 30m", "1h 30") and returns its minutes, rounded, with the
// number of tokens it spans (0 when there is none). A bare number is not a
// duration: "2" could be anything.
func durationAt(toks []token, i int) (float64, int) {
	d, n := spanAt(toks, i)
	if n == 0 {
		return 0, 0
	}
	if d.hoursOnly && !toks[i+n-1].clipped() {
		if m, k := spanAt(toks, i+n); k > 0 && m.minutesOnly && m.minutes < 60 {
			return math.Round(d.minutes + m.minutes), n + k
		} else if k == 0 {
			// "1h 30", "1 h 30": minutes without their unit, as French
			// managers write an hour and a half. Only a number that can
			// be minutes past the hour, right after it.
			if m, ok := bareMinutes(toks, i+n); ok {
				return math.Round(d.minutes + m), n + 1
			}
		}
	}
	return math.Round(d.minutes), n
}

// bareMinutes reads toks[i] as minutes past an hour when it is a whole
// number from 1 to 59 alone, digits only: "30", "05"; not "75", "0",
// "30/40" or "-30".
func bareMinutes(toks []token, i int) (float64, bool) {
	if i >= len(toks) {
		return 0, false
	}
	w := toks[i].word
	if w == "" || len(w) > 2 || strings.TrimLeft(w, "0123456789") != "" {
		return 0, false
	}
	m, err := strconv.Atoi(w)
	if err != nil || m < 1 || m > 59 {
		return 0, false
	}
	return float64(m), true
}

// spanAt reads one number with its unit, in one token or two ("45 min").
// A minus sign makes it negative ("-30m"), so that it is refused as too
// short rather than left unread; it never joins another span.
func spanAt(toks []token, i int) (span, int) {
	if i >= len(toks) {
		return span{}, 0
	}
	w := toks[i].word
	neg := len(w) > 1 && w[0] == '-' && isDigit(w[1])
	if neg {
		w = w[1:]
	}
	if len(w) > 1 && (w[0] == '.' || w[0] == ',') && isDigit(w[1]) {
		// ".5h", ",5h": half an hour, its leading zero left out, with a
		// decimal point or comma (see decimalComma). A comma ending the
		// word before ("30m, 5h") was cut off with it: never here.
		w = "0" + w
	}
	num, unit := splitNumber(decimalComma(w))
	if num == "" {
		return span{}, 0
	}
	if u, ok := strings.CutPrefix(unit, "-"); ok && utf8.RuneCountInString(u) > 1 && (isMinuteUnit(u) || isHourUnit(u)) {
		// "30-min 1:1", "1-hour": written as a sentence writes "a
		// 30-minute call". A unit of one letter is no word of its own
		// ("5-m" may be metres), as in gluedDash.
		unit = u
	}
	if unit == "" && minuteMark(toks[i].cut) {
		// "45'": the prime was cut off as trailing punctuation.
		return withMark(num, neg)
	}
	n := 1
	// A mixed number of hours: "1½h", "1 1/2 h", "2 1/2 hours".
	half := false
	if !strings.Contains(num, ".") {
		if rest, ok := strings.CutPrefix(unit, "½"); ok {
			half, unit = true, rest
		} else if unit == "" && i+1 < len(toks) && !toks[i].clipped() {
			for _, h := range []string{"1/2", "½"} {
				if rest, ok := strings.CutPrefix(toks[i+1].word, h); ok && (rest == "" || isHourUnit(rest)) {
					half, unit, n = true, rest, 2
					break
				}
			}
		}
	}
	if unit == "" {
		if i+n >= len(toks) || toks[i+n-1].clipped() {
			return span{}, 0
		}
		unit, n = toks[i+n].word, n+1
	}
	if half && !isHourUnit(unit) {
		return span{}, 0
	}
	d, ok := withUnit(num, unit)
	if !ok {
		return span{}, 0
	}
	if half {
		d = span{minutes: d.minutes + 30}
	}
	if neg {
		d = span{minutes: -d.minutes}
	}
	return d, n
}

// decimalComma reads a decimal comma as a point ("1,5h" is "1.5h", as
// most of Europe writes it): digits, a comma, then one or two digits and
// no other comma ("1,5,7h" is a list).
func decimalComma(w string) string {
	i := strings.IndexByte(w, ',')
	if i <= 0 || strings.TrimLeft(w[:i], "0123456789") != "" {
		return w
	}
	j := i + 1
	for j < len(w) && isDigit(w[j]) {
		j++
	}
	if d := j - (i + 1); d < 1 || d > 2 || strings.Contains(w[j:], ",") {
		return w
	}
	return w[:i] + "." + w[i+1:]
}

// withUnit applies a unit, or an "h30"-style hours-and-minutes tail, to num.
func withUnit(num, unit string) (span, bool) {
	v := value(num)
	whole := !strings.Contains(num, ".")
	switch {
	case isMinuteUnit(unit) && whole:
		return span{minutes: v, minutesOnly: true}, true
	case isHourUnit(unit):
		return span{minutes: v * 60, hoursOnly: whole}, true
	case whole && strings.HasPrefix(unit, "h"):
		tail := unit[1:]
		for _, r := range []string{"rs", "r"} { // "1hr30", "1hrs30min"
			if t, ok := strings.CutPrefix(tail, r); ok {
				tail = t
				break
			}
		}
		mins, rest := splitNumber(tail)
		if mins == "" || strings.Contains(mins, ".") || (rest != "" && !isMinuteUnit(rest)) {
			return span{}, false
		}
		m, err := strconv.Atoi(mins)
		if err != nil || m >= 60 {
			return span{}, false
		}
		return span{minutes: v*60 + float64(m)}, true
	}
	return span{}, false
}

// maxDigits is the most digits of a whole number counted as typed: any
// more can only be out of range, and would not print back as typed.
const maxDigits = 12

// value is the decimal number num, as splitNumber gives it, or +Inf when
// its whole part has more than maxDigits digits: so however long, it is
// read, and refused as too long, without overflowing anything.
func value(num string) float64 {
	whole, _, _ := strings.Cut(num, ".")
	if len(strings.TrimLeft(whole, "0")) > maxDigits {
		return math.Inf(1)
	}
	v, _ := strconv.ParseFloat(num, 64) // digits and a dot, short enough: no error
	return v
}

// splitNumber splits a leading decimal number ("1.5" of "1.5h") from the
// rest, however many digits it has: value reads a long one as too long.
func splitNumber(s string) (num, rest string) {
	i, dot := 0, false
	for i < len(s) && (isDigit(s[i]) || (s[i] == '.' && !dot && i > 0 && i+1 < len(s) && isDigit(s[i+1]))) {
		dot = dot || s[i] == '.'
		i++
	}
	return s[:i], s[i:]
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// minuteMark reports whether cut, the punctuation cut off after a number,
// starts with one prime, as much of Europe marks minutes ("45'", or "45’"
// as a phone's keyboard curls it). Two ("45”") are seconds or inches,
// and a prime then digits ("45'30") never reaches here: it is no unit.
func minuteMark(cut string) bool {
	rest, ok := strings.CutPrefix(cut, "'")
	if !ok {
		rest, ok = strings.CutPrefix(cut, "’")
	}
	return ok && !strings.HasPrefix(rest, "'") && !strings.HasPrefix(rest, "’") &&
		!strings.HasPrefix(rest, `"`) && !strings.HasPrefix(rest, "”")
}

// withMark reads num, marked with a prime, as whole minutes.
func withMark(num string, neg bool) (span, int) {
	d, ok := withUnit(num, "m")
	if !ok {
		return span{}, 0
	}
	if neg {
		d = span{minutes: -d.minutes}
	}
	return d, 1
}

func isMinuteUnit(u string) bool {
	switch u {
	case "m", "min", "mins", "minute", "minutes", "′": // "45′", the prime sign itself
		return true
	}
	return false
}

func isHourUnit(u string) bool {
	switch u {
	case "h", "hr", "hrs", "hour", "hours":
		return true
	}
	return false
}

// durationWords are the words, besides a number, that a text saying how
// long something took has: units and the words of proseDurations.
var durationWords = map[string]bool{
	"m": true, "min": true, "mins": true, "minute": true, "minutes": true,
	"h": true, "hr": true, "hrs": true, "hour": true, "hours": true,
	"half": true, "quarter": true, "one": true, "two": true, "three": true,
}

// MentionsDuration reports whether text, as Slack sent it, could say how
// long something took: it has a number (outside Slack's <…> markup, whose
// user ids hold digits) or a duration word ("hour", "min", "half"). The
// LLM's reading of a duration needs this much support in the words: a
// model may read "a quick chat" as 15 minutes, which the manager never
// said.
func MentionsDuration(text string) bool {
	var b strings.Builder
	depth := 0
	for _, r := range text {
		switch {
		case r == '<':
			depth++
		case r == '>' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(b.String()), func(r rune) bool {
		return !('a' <= r && r <= 'z') && !('0' <= r && r <= '9')
	}) {
		if durationWords[w] || strings.ContainsAny(w, "0123456789") {
			return true
		}
	}
	return false
}

// SaysDuration reports whether text, as Slack sent it, names a duration
// the quick capture reads ("45m", "30 min", "1h30", "1.5 hours") among its
// first words: for a subcommand's arguments that show a capture was meant
// ("/coach team @ana @ben 45m").
func SaysDuration(text string) bool {
	toks := firstTokens(text, maxHeaderTokens+maxPhraseWords)
	for i := range toks {
		if _, n := durationAt(toks, i); n > 0 {
			return true
		}
	}
	return false
}

// dashes are the separators (see separators) a phone's keyboard leaves
// glued between a duration and the notes: "30m—pricing" ("--" typed
// becomes "—"), "30m-pricing".
const dashes = "-–—"

// estimates are the words that, glued after a duration by a dash, make it
// an estimate rather than start the notes: "30m-ish", "1h-or so".
var estimates = map[string]bool{"ish": true, "long": true, "plus": true, "odd": true, "or": true, "max": true, "tops": true, "something": true}

// gluedDash splits a duration, or the unit of one ("45 min—pricing"),
// glued to dashes and the notes into the three tokens it would be with
// spaces around the dashes, so the dashes are read as the separator they
// are and the notes as they would be after " - " (a date there is the
// date, "tomorrow" a day still to come). Nil when t is no such thing: a
// range ("30m-1h", the notes starting with no letter), an estimate
// ("30m-ish"), or a dash with nothing after it.
func gluedDash(t token) []token {
	j := strings.IndexAny(t.text, dashes)
	if j <= 0 {
		return nil
	}
	head := newToken(t.text[:j], t.start)
	if head.clipped() {
		return nil
	}
	// A unit alone is a word of its own ("min"), never one letter: "5
	// m-commerce deals" names no five minutes.
	unit := len(head.word) > 1 && (isMinuteUnit(head.word) || isHourUnit(head.word))
	if _, n := durationAt([]token{head}, 0); n != 1 && !unit {
		return nil
	}
	k := j
	for k < len(t.text) {
		r, size := utf8.DecodeRuneInString(t.text[k:])
		if !strings.ContainsRune(dashes, r) {
			break
		}
		k += size
	}
	rest := t.text[k:]
	first := strings.ToLower(rest[:len(rest)-len(strings.TrimLeftFunc(rest, unicode.IsLetter))])
	if first == "" || estimates[first] {
		return nil
	}
	return []token{head, newToken(t.text[j:k], t.start+j), newToken(rest, t.start+k)}
}
