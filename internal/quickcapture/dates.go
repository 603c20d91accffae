package quickcapture

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/typo"
)

// monthDateAt reads a day with a month name at toks[i] ("20 nov", "nov
// 20", "20th november", "nov 20, 2025") and returns the date, how many
// tokens it spans (0 when there is none), its text, and a problem when
// it names no real day. Without a year it is the latest such day not
// after today: sessions are never in the future, so "dec 28" on 3 January
// is last year's.
//
// Soon reports that, without a year, the day is still to come within
// soonDays ("20 nov" on 18 November, "jan 2" on 30 December): a plan or
// a slip, never last year's, a year back and outside every current
// figure. The caller leaves the date on today and says the day is still
// to come (Result.Ahead).
//
// The doubt, when there is one, says the day is still to come this year,
// further ahead, and last year's was taken months back ("dec 24" on 1
// December): perhaps old coaching logged late, perhaps a slip, to be
// looked at in the form. Last year's within lastYearsSure days ("28 dec"
// on 3 January) is the session just before the new year, taken without
// a word.
func monthDateAt(toks []token, i int, today coaching.Date) (date coaching.Date, n int, text, problem, doubt string, soon bool) {
	if i+1 >= len(toks) || toks[i].clipped() && !strings.HasSuffix(toks[i].cut, ".") {
		return coaching.Date{}, 0, "", "", "", false
	}
	m, ok := coaching.MonthNamed(toks[i].word)
	day, dayOK := coaching.DayOfMonth(toks[i+1].word)
	if !ok || !dayOK {
		// "20 nov": the day first.
		day, dayOK = coaching.DayOfMonth(toks[i].word)
		m, ok = coaching.MonthNamed(toks[i+1].word)
		if !ok || !dayOK {
			return coaching.Date{}, 0, "", "", "", false
		}
	}
	n = 2
	year, yearGiven := 0, false
	if i+2 < len(toks) && !toks[i+1].clipped() || i+2 < len(toks) && strings.HasSuffix(toks[i+1].cut, ",") {
		if y, err := strconv.Atoi(toks[i+2].word); err == nil && len(toks[i+2].word) == 4 && y >= 2000 && y <= 2100 {
			year, yearGiven, n = y, true, 3
		}
	}
	text = phraseText(toks, i, n)
	date, problem = resolveDay(m, day, year, yearGiven, today, text)
	switch {
	case problem != "" || yearGiven:
	case dayAhead(m, day, today) <= soonDays:
		soon = true
	case date.Year != today.Year && today.DaysSince(date) > lastYearsSure:
		doubt = fmt.Sprintf("%s is still to come this year, so the form shows last year's, %s", text, date.Human())
	}
	return date, n, text, problem, doubt, soon
}

// soonDays is how far ahead a day typed without a year may be and still
// be taken for a day to come rather than last year's: a week, the span
// of a plan ("20 nov" for Friday) or of a slip of a day or two.
const soonDays = 7

// dayAhead is in how many days the month and day come next after today,
// this year or next; more than soonDays for a day no year has soon
// (29 Feb outside a leap year).
func dayAhead(m time.Month, day int, today coaching.Date) int {
	for _, y := range []int{today.Year, today.Year + 1} {
		if d, ok := coaching.MakeDate(y, m, day); ok && d.After(today) {
			return d.DaysSince(today)
		}
	}
	return soonDays + 1
}

// lastYearsSure is how far back last year's day may be and still be
// taken as meant when this year's is still to come: two months.
const lastYearsSure = 62

// tooOld is the problem of a date, as typed, more than a year before
// today: it names the earliest day that can be logged, as the form does.
func tooOld(text string, today coaching.Date) string {
	return text + " is more than a year ago: the earliest you can log is " + coaching.EarliestLog(today).Human()
}

// resolveDay makes a date of a month and day, in year when given, else in
// the latest year that does not put it after today. The problem says why
// it cannot stand: no such day, in the future, more than a year ago (as
// for ISO dates).
func resolveDay(m time.Month, day, year int, yearGiven bool, today coaching.Date, text string) (coaching.Date, string) {
	if !yearGiven {
		year = today.Year
		if (coaching.Date{Year: year, Month: m, Day: 1}).After(today) || m == today.Month && day > today.Day {
			year--
		}
	}
	d, ok := coaching.MakeDate(year, m, day)
	switch {
	case !ok:
		return coaching.Date{}, text + " is not a real date"
	case d.After(today):
		return d, text + " is in the future"
	case d.OverAYearBefore(today):
		return d, tooOld(text, today)
	}
	return d, ""
}

// numericDate reads a date written with numbers at t: with slashes
// ("11/20", "20/11/2026"), whose day and month order differs by country;
// with dots ("20.11.", "20.11", "20.11.2026"), day first in every locale
// that writes them; with dashes and a year ("20-11-2026", "11-20-2026");
// or year first ("2026/11/20", "2026.11.20"). It returns every date it
// can mean (one when only one order makes a real date, or both orders
// agree), and reports whether t is written like such a date at all. A
// dash without a year is not read: "1-1" is a one-on-one and "2-3" a
// range; nor are two dotted numbers a decimal can be ("2.5 deals"): a
// day and month with dots has a dot after it ("5.11.") or two digits of
// month ("20.11"). "2026-11-20" is ISO's, read by addDate. It reports
// too whether the writing allows one order only (dots, a year first) and
// the date is no day still to come this year taken for last year's: then
// the date is as sure as "20 nov".
//
// Without a year, a reading still to come within soonDays ("11/20" or
// "20.11." on 18 November) is no date of last year's, as for monthDateAt:
// it is left out of dates and told in soon. When it is the only reading,
// the date is a day still to come; beside a past reading ("3/4" on
// 2 March: 4 Mar ahead, 3 Apr last year's) it is one of two. The doubt,
// for a date of one reading still to come further ahead this year, says
// the form shows last year's, as monthDateAt's does.
func numericDate(t token, today coaching.Date) (r numericReading) {
	var yearGiven bool
	r.dates, r.shaped, r.sure, r.soon, yearGiven = numericDates(t, today)
	if len(r.dates) == 1 && !r.soon && !yearGiven {
		d := r.dates[0]
		if d.Year != today.Year && dayAhead(d.Month, d.Day, today) > soonDays && today.DaysSince(d) > lastYearsSure {
			r.doubt = fmt.Sprintf("%s is still to come this year, so the form shows last year's, %s", t.shown, d.Human())
		}
	}
	return r
}

// numericReading is what numericDate makes of a token.
type numericReading struct {
	dates        []coaching.Date
	shaped, sure bool
	soon         bool
	doubt        string
}

// numericDates reads t for numericDate.
func numericDates(t token, today coaching.Date) (dates []coaching.Date, shaped, sure, soon, yearGiven bool) {
	s := t.shown
	if s == "" || !isDigit(s[0]) {
		return nil, false, false, false, false // most words: no split
	}
	sep := ""
	for _, c := range []string{"/", ".", "-"} {
		if strings.Contains(s, c) {
			if sep != "" {
				return nil, false, false, false, false
			}
			sep = c
		}
	}
	if sep == "" {
		return nil, false, false, false, false
	}
	parts := strings.Split(s, sep)
	if len(parts) < 2 || len(parts) > 3 {
		return nil, false, false, false, false
	}
	nums := make([]int, len(parts))
	for k, part := range parts {
		if len(part) == 0 || len(part) > 4 || strings.TrimLeft(part, "0123456789") != "" {
			return nil, false, false, false, false
		}
		nums[k], _ = strconv.Atoi(part) // at most 4 digits: no error
	}
	if len(parts[0]) == 4 { // year first: always year, month, day
		if sep == "-" || len(parts) != 3 || len(parts[1]) > 2 || len(parts[2]) > 2 {
			return nil, false, false, false, false
		}
		dates = datesOf(s, today, nums[0], true, [2]int{nums[1], nums[2]})
		return dates, true, len(dates) == 1, false, true
	}
	for k := range 2 {
		if len(parts[k]) > 2 || nums[k] < 1 || nums[k] > 31 {
			return nil, false, false, false, false // no day nor month in either order: "50/50 split", "12/40 calls", "0/3 closed"
		}
	}
	switch {
	case sep == "-" && (len(parts) != 3 || len(parts[2]) != 4):
		return nil, false, false, false, false
	case sep == "." && len(parts) == 2 && !strings.HasPrefix(t.cut, ".") && len(parts[1]) != 2:
		return nil, false, false, false, false
	}
	year := 0
	yearGiven = len(nums) == 3
	if yearGiven {
		year = nums[2]
		if len(parts[2]) == 2 {
			year += 2000
		} else if len(parts[2]) != 4 {
			return nil, true, false, false, true
		}
	}
	orders := [][2]int{{nums[0], nums[1]}, {nums[1], nums[0]}} // US order first, then day first
	if sep == "." {
		orders = orders[1:]
	}
	if !yearGiven {
		orders, soon = notSoon(orders, today)
	}
	dates = datesOf(s, today, year, yearGiven, orders...)
	return dates, true, sep == "." && !soon && len(dates) == 1 && (yearGiven || dates[0].Year == today.Year), soon, yearGiven
}

// notSoon returns the month and day pairs of orders that are no day still
// to come within soonDays, and reports whether any was.
func notSoon(orders [][2]int, today coaching.Date) ([][2]int, bool) {
	var out [][2]int
	soon := false
	for _, md := range orders {
		if md[0] >= 1 && md[0] <= 12 && dayAhead(time.Month(md[0]), md[1], today) <= soonDays {
			soon = true
			continue
		}
		out = append(out, md)
	}
	return out, soon
}

// datesOf returns the real dates, not in the future, that the month and
// day pairs make, without repeats, for numericDate.
func datesOf(s string, today coaching.Date, year int, yearGiven bool, orders ...[2]int) []coaching.Date {
	var out []coaching.Date
	for _, md := range orders {
		if md[0] < 1 || md[0] > 12 {
			continue
		}
		if d, problem := resolveDay(time.Month(md[0]), md[1], year, yearGiven, today, s); problem == "" && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// unreadDateWords are shorthand for yesterday the parser does not read.
// Words for the future ("tomorrow", "next week") are not among them: a
// session is never in the future, and where the date would be they say
// the line is a plan (aheadAt).
var unreadDateWords = map[string]bool{"yday": true, "yest": true, "ystd": true, "ystdy": true, "yda": true}

// weekdayNames are the days' full names, which a word one or two edits
// from is taken for a mistyped day ("thrusday", "wendesday").
var weekdayNames = func() []string {
	names := make([]string, 7)
	for d := time.Sunday; d <= time.Saturday; d++ {
		names[d] = strings.ToLower(d.String())
	}
	return names
}()

// foreignDayWords are day names the parser does not read, in the other
// languages of the managers who use it, and two-letter abbreviations of
// English ones that are no English word ("mo", "we", "sa" and "su" are
// left out: a name, a word, a greeting).
var foreignDayWords = map[string]bool{
	"tu": true, "th": true, "fr": true,
	"lundi": true, "mardi": true, "mercredi": true, "jeudi": true, "vendredi": true, "samedi": true, "dimanche": true,
	"montag": true, "dienstag": true, "mittwoch": true, "donnerstag": true, "freitag": true, "samstag": true, "sonntag": true,
	"lunes": true, "martes": true, "miércoles": true, "miercoles": true, "jueves": true, "viernes": true, "sábado": true,
	"maandag": true, "dinsdag": true, "woensdag": true, "donderdag": true, "vrijdag": true, "zaterdag": true, "zondag": true,
	"lunedì": true, "martedì": true, "mercoledì": true, "giovedì": true, "venerdì": true,
}

// weekdayTypo reports whether w, read as no day, looks like one: a day's
// name in another language, or one edit from an English day's full name
// (two for words of seven letters or more). Shorter words are too near
// English ones to say: "money" is two from "monday".
func weekdayTypo(w string) bool {
	if foreignDayWords[w] {
		return true
	}
	if len(w) > 4*len("wednesday") { // a pasted megabyte is not measured
		return false
	}
	n := utf8.RuneCountInString(w)
	if n < 5 || isWeekday(w) {
		return false
	}
	most := 1
	if n >= 7 {
		most = 2
	}
	for _, name := range weekdayNames {
		if d := n - len(name); d <= most && d >= -most && typo.Distance(w, name) <= most {
			return true
		}
	}
	return false
}

// relativeWords and periodWords make phrases such as "last week" and
// "this month": a date, but not one day.
var (
	relativeWords = map[string]bool{"last": true, "this": true, "past": true, "previous": true}
	periodWords   = map[string]bool{"week": true, "weekend": true, "month": true, "year": true, "quarter": true}
)

// loneMonth reports whether w, a month name alone, says a date is meant
// but not which day. Months that are also English words or first names
// ("may", "march", "jan", "june", "april", "august") are left out: alone,
// they more often start the notes ("Jan from legal joined").
func loneMonth(w string) bool {
	_, ok := coaching.MonthNamed(w)
	switch w {
	case "may", "march", "jan", "june", "april", "august":
		return false
	}
	return ok
}

// dateLikeAt reports whether toks[k] looks like a date the parser cannot
// read ("yday", "last week", "3 days ago", "the 20th", "nov"), and its
// text, so that it is asked about rather than read as the start of the
// notes.
func dateLikeAt(toks []token, k int) (string, bool) {
	w := toks[k].word
	switch {
	case unreadDateWords[w], loneMonth(w), weekdayTypo(w):
		return toks[k].shown, true
	case periodWords[w] && k > 0 && relativeWords[toks[k-1].word]:
		return phraseText(toks, k-1, 2), true // "last" is filler: "last week" is met at "week"
	case relativeWords[w] && k+1 < len(toks) && (periodWords[toks[k+1].word] || isWeekday(toks[k+1].word)):
		return phraseText(toks, k, 2), true // "this mon", "past week"
	}
	if _, ok := coaching.DayOfMonth(w); ok && !isDigit(w[len(w)-1]) && k > 0 && toks[k-1].word == "the" && !toks[k-1].clipped() {
		// An ordinal after "the" ("on the 20th"); alone it counts more
		// often than it dates: "2nd call this week", "1st pass at pricing".
		return toks[k].shown, true
	}
	for j := k; j < len(toks) && j <= k+3; j++ {
		if toks[j].word == "ago" {
			return phraseText(toks, k, j-k+1), true
		}
	}
	return "", false
}

// isWeekday reports whether w names a day of the week.
func isWeekday(w string) bool {
	_, ok := dayWord(w, coaching.Date{Year: 2026, Month: 1, Day: 1})
	return ok && w != "today" && w != "yesterday"
}
