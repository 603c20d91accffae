package coaching

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// This file reads the days /coach away names other than by a date in
// full: a day of the month alone ("the 24th", "fri 20"), a year after a
// month and day ("dec 24 2026"), and the end of a month or of next week.

// dayNumber reads a day of the month alone, "24th" or "the 24th". A bare
// number ("24") is read only when bare is true, after a weekday, which
// says it is a day: alone it may be a count of days as well, which is
// "24d".
func dayNumber(f []string, bare bool) (int, bool) {
	if len(f) == 2 && f[0] == "the" {
		f = f[1:]
	}
	if len(f) != 1 || f[0] == "" {
		return 0, false
	}
	n, ok := DayOfMonth(f[0])
	if !ok || !bare && f[0][len(f[0])-1] >= '0' && f[0][len(f[0])-1] <= '9' {
		return 0, false
	}
	return n, true
}

// nextNumbered is the next day numbered n, today or later: a month
// without one ("the 31st" in November) is passed over. Every n from 1
// to 31 comes within 62 days.
func nextNumbered(n int, today Date) Date {
	d := today
	for d.Day != n {
		d = d.AddDays(1)
	}
	return d
}

// ordinal is n as people write a day: "1st", "22nd", "13th".
func ordinal(n int) string {
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		return strconv.Itoa(n) + "st"
	case n%10 == 2:
		return strconv.Itoa(n) + "nd"
	case n%10 == 3:
		return strconv.Itoa(n) + "rd"
	}
	return strconv.Itoa(n) + "th"
}

// weekdayNumbered reads "fri 20" (f is what follows the weekday): the
// next 20th when it is a Friday. When it is not, the weekday or the day
// is a slip, and which cannot be told: it is refused naming the next
// 20th's weekday, as "fri 21 nov" is. A later 20th that is a Friday is
// not looked for: one a month or more on is seldom the day meant.
func weekdayNumbered(f []string, wd time.Weekday, s string, today Date) (Date, bool, error) {
	n, ok := dayNumber(f, true)
	if !ok {
		return Date{}, false, nil
	}
	d := nextNumbered(n, today)
	if d.Weekday() != wd {
		return Date{}, true, fmt.Errorf("%s: the next %s is %s, not a %s; say which day you mean", QuoteTyped(s), ordinal(n), d.Human(), wd)
	}
	return d, true, nil
}

// withYear reads a month and day followed by a year, "dec 24 2026",
// "december 24, 2026", "24th of dec 2026": that year's day, even one
// past (SetAway refuses it, as it does a past ISO date) or more than a
// year ahead (stored, as a far ISO date is). The year is written whole:
// "dec 24 26" is not read.
func withYear(f []string, s string) (Date, bool, error) {
	if len(f) < 3 {
		return Date{}, false, nil
	}
	w := f[len(f)-1]
	y, err := strconv.Atoi(w)
	if err != nil || len(w) != 4 || y < 1000 {
		return Date{}, false, nil
	}
	md := append([]string(nil), f[:len(f)-1]...)
	md[len(md)-1] = strings.TrimSuffix(md[len(md)-1], ",") // "24 dec, 2026"
	m, day, ok := monthDay(md)
	if !ok {
		return Date{}, false, nil
	}
	d, ok := MakeDate(y, m, day)
	if !ok {
		return Date{}, true, fmt.Errorf("%s: %s %d has no day %d", QuoteTyped(s), m, y, day)
	}
	return d, true, nil
}

// periodEnd reads the end of a month or of next week: "end of the month"
// (or "eom"), "end of next month", "next week" and "end of next week".
// Next week ends on its Sunday (weeks run Monday to Sunday, as ISO weeks
// and the figures' weeks do): away through it covers the whole week,
// its weekend too, where a Friday would count the person back on
// Saturday. Said on a Sunday, "next week" is the week from tomorrow to
// those whose week ends that day and the one after to those whose week
// starts on it, and is refused naming both.
func periodEnd(f []string, s string, today Date) (Date, bool, error) {
	if len(f) > 1 && f[0] == "the" {
		f = f[1:]
	}
	switch strings.Join(f, " ") {
	case "eom", "end of month", "end of the month", "end of this month":
		return lastOfMonth(today.Year, today.Month), true, nil
	case "end of next month":
		first := lastOfMonth(today.Year, today.Month).AddDays(1)
		return lastOfMonth(first.Year, first.Month), true, nil
	case "next week", "end of next week":
		sunday := today.AddDays(6 - (int(today.Weekday())+6)%7 + 7) // this week's Sunday, a week on
		if today.Weekday() == time.Sunday {
			after := sunday.AddDays(7)
			return Date{}, true, fmt.Errorf("%s said on a Sunday is the week from tomorrow, through %s, or the one after, through %s: say which, as %s or %s",
				QuoteTyped(s), sunday.Human(), after.Human(), sunday, after)
		}
		return sunday, true, nil
	}
	return Date{}, false, nil
}

func lastOfMonth(y int, m time.Month) Date { return Date{y, m, daysIn(m, y)} }
