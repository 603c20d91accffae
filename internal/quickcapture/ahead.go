package quickcapture

import (
	"strconv"
)

// aheadAt reads words at toks[k] that can only date a day still to come
// ("tomorrow", "tmrw", "day after tomorrow", "next week", "next month",
// "next mon", "this coming friday", "in 2 days", "in a week"), returning how many tokens they span (0 when they
// are none). The list is kept to what is clearly ahead: "next steps",
// "next quarter" or "coming up" are everyday notes, and "tomorrow's demo"
// names what is ahead of a session that happened.
func aheadAt(toks []token, k int) int {
	word := func(j int) string {
		if j < len(toks) {
			return toks[j].word
		}
		return ""
	}
	// A phrase ends at punctuation: "next, week" is two thoughts.
	joined := func(j int) bool { return j < len(toks) && !toks[j].clipped() }
	switch w := word(k); {
	case aheadWords[w]:
		return 1
	case w == "next" && joined(k) && (word(k+1) == "week" || word(k+1) == "month" || isWeekday(word(k+1))):
		return 2
	case w == "day" && word(k+1) == "after" && aheadWords[word(k+2)] && joined(k) && joined(k+1):
		return 3
	case w == "this" && word(k+1) == "coming" && joined(k) && joined(k+1) && (word(k+2) == "week" || isWeekday(word(k+2))):
		return 3
	case w == "in" && joined(k) && joined(k+1) && aheadCount(word(k+1)) && aheadUnits[word(k+2)]:
		return 3
	}
	return 0
}

// aheadWords say tomorrow on their own.
var aheadWords = map[string]bool{"tomorrow": true, "tmrw": true, "tmr": true}

// aheadUnits are the spans "in N ..." counts ahead by.
var aheadUnits = map[string]bool{"day": true, "days": true, "week": true, "weeks": true}

// aheadCount reports whether w counts days or weeks in "in N days": a
// number of one or two digits, "a" or "an", or a small number in words.
func aheadCount(w string) bool {
	if n, err := strconv.Atoi(w); err == nil {
		return n >= 1 && n <= 99 && len(w) <= 2
	}
	switch w {
	case "a", "an", "one", "two", "three", "four", "five", "six", "seven", "few", "couple":
		return true
	}
	return false
}

// checkAhead looks at where the notes start, when no date was given:
// words there that put the session ahead ("<@U1> 1:1 30m tomorrow") are
// a plan jotted down, not coaching that happened, and would otherwise be
// taken for notes and the session logged today, its rep asked to
// confirm it. They are kept in the notes and told in Result.Ahead, which
// opens the form. After a date ("<@U1> 1:1 30m yesterday next week we
// role-play pricing") they are notes: the date says the session is past.
// It returns the byte offset in the line where the words end, for the
// reading of the rest as a sentence; notesAt when there are none.
func (p *parser) checkAhead(toks []token, notesAt int) int {
	k := 0
	for k < len(toks) && (toks[k].start < notesAt || punctuationOnly(toks[k]) || toks[k].blank()) {
		k++
	}
	// Filler before them joins as it does in the header ("for next
	// week", "on tmrw"); "in" is the start of "in 2 days".
	for k < len(toks) && fillerWord(toks[k]) && aheadAt(toks, k) == 0 {
		k++
	}
	if p.dateGiven || p.ahead != "" || k >= len(toks) {
		return notesAt
	}
	n := aheadAt(toks, k)
	if n == 0 {
		return notesAt
	}
	p.ahead = phraseText(toks, k, n)
	return toks[k+n-1].end
}
