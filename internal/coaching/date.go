package coaching

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar date with no time of day or zone. Sessions happen on a
// date in the manager's time zone, so a date is stored and compared as such,
// never as an instant that shifts when read in another zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar date of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// ParseDate reads an ISO date (2006-01-02). It is on hot paths (every
// session date read from the store), so it reads the digits itself.
func ParseDate(s string) (Date, error) {
	bad := func() error { return fmt.Errorf("date %q is not YYYY-MM-DD", s) } // only when needed: formatting costs more than parsing
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, bad()
	}
	num := func(part string) int {
		n := 0
		for _, c := range []byte(part) {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, m, d := num(s[:4]), num(s[5:7]), num(s[8:])
	if m < 1 || m > 12 {
		return Date{}, bad()
	}
	date, ok := MakeDate(y, time.Month(m), d)
	if !ok {
		return Date{}, bad()
	}
	return date, nil
}

// MakeDate is day d of month m in year y, false when there is no such
// day ("feb 30"). Parsers that read a month and a day call it rather
// than format an ISO date to parse.
func MakeDate(y int, m time.Month, d int) (Date, bool) {
	if y < 1 || m < time.January || m > time.December || d < 1 || d > daysIn(m, y) {
		return Date{}, false
	}
	return Date{y, m, d}, true
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as YYYY-MM-DD, or "" when unset.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Time returns midnight of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns d moved by n days (n may be negative).
func (d Date) AddDays(n int) Date {
	return DateOf(d.Time(time.UTC).AddDate(0, 0, n), time.UTC)
}

// AddYears returns the same day n years from d, 29 February on 28
// February of a year without one. "A year ago" is the same day last year,
// not 366 days back: that is a day too many in the three years of four
// that February has 28 days.
func (d Date) AddYears(n int) Date {
	return Date{d.Year + n, d.Month, min(d.Day, daysIn(d.Month, d.Year+n))}
}

// OverAYearBefore reports whether d is more than a year before today:
// before the same day last year, EarliestLog(today).
func (d Date) OverAYearBefore(today Date) bool { return d.Before(EarliestLog(today)) }

// EarliestLog is the earliest day a session can be dated on today: the
// same day last year. A refusal of an older date names it, so that the
// manager need not work out by a day or two what "a year" allows.
func EarliestLog(today Date) Date { return today.AddYears(-1) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.Time(time.UTC).Weekday() }

// Before reports whether d is strictly earlier than o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is strictly later than o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// Compare returns -1, 0 or 1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmpInt(d.Year, o.Year)
	case d.Month != o.Month:
		return cmpInt(int(d.Month), int(o.Month))
	default:
		return cmpInt(d.Day, o.Day)
	}
}

// DaysSince returns the number of days from o to d (positive when d is later).
func (d Date) DaysSince(o Date) int {
	return int(d.Time(time.UTC).Sub(o.Time(time.UTC)).Hours() / 24)
}

// Human formats d for people, e.g. "Tue 24 Nov 2026".
func (d Date) Human() string {
	if d.IsZero() {
		return ""
	}
	return d.Time(time.UTC).Format("Mon 2 Jan 2006")
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// months maps the month names people write ("nov", "november", "sept")
// to their month.
var months = map[string]time.Month{
	"jan": time.January, "january": time.January,
	"feb": time.February, "february": time.February,
	"mar": time.March, "march": time.March,
	"apr": time.April, "april": time.April,
	"may": time.May,
	"jun": time.June, "june": time.June,
	"jul": time.July, "july": time.July,
	"aug": time.August, "august": time.August,
	"sep": time.September, "sept": time.September, "september": time.September,
	"oct": time.October, "october": time.October,
	"nov": time.November, "november": time.November,
	"dec": time.December, "december": time.December,
}

// MonthNamed reads a month's name as people write it, in lower case, full
// or short, with a full stop or without ("nov", "Nov." lowered, "sept").
func MonthNamed(w string) (time.Month, bool) {
	m, ok := months[strings.TrimSuffix(w, ".")]
	return m, ok
}

// DayOfMonth reads a day of the month, with or without its ordinal ending
// ("20", "20th", "1st").
func DayOfMonth(w string) (int, bool) {
	for _, suffix := range []string{"st", "nd", "rd", "th"} {
		if s, ok := strings.CutSuffix(w, suffix); ok {
			w = s
			break
		}
	}
	if len(w) == 0 || len(w) > 2 {
		return 0, false
	}
	d, err := strconv.Atoi(w)
	if err != nil || d < 1 || d > 31 {
		return 0, false
	}
	return d, true
}
