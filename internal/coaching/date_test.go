package coaching_test

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
)

func TestParseDate(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"2026-11-20", "2026-11-20", true},
		{"2024-02-29", "2024-02-29", true},
		{"2026-02-29", "", false},
		{"2026-13-01", "", false},
		{"2026-00-10", "", false},
		{"2026-1-20", "", false},
		{"2026/11/20", "", false},
		{"2026-11-2x", "", false},
		{"", "", false},
	} {
		d, err := coaching.ParseDate(tt.in)
		if (err == nil) != tt.ok || d.String() != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %q ok=%v", tt.in, d, err, tt.want, tt.ok)
		}
	}
}

func TestWeeks(t *testing.T) {
	for _, tt := range []struct{ day, week, monday string }{
		{"2026-11-26", "2026-W48", "2026-11-23"},
		{"2027-01-01", "2026-W53", "2026-12-28"},
		{"2025-12-29", "2026-W01", "2025-12-29"},
	} {
		w := coaching.WeekOf(day(tt.day))
		if w.String() != tt.week || w.Monday().String() != tt.monday {
			t.Errorf("week of %s = %s from %s, want %s from %s", tt.day, w, w.Monday(), tt.week, tt.monday)
		}
		if back, err := coaching.ParseWeek(tt.week); err != nil || back != w {
			t.Errorf("ParseWeek(%s) = %v, %v", tt.week, back, err)
		}
	}
	for _, bad := range []string{"2026-W475", "2026-W47junk", "26-W47", " 2026-W47", "2026-W4", "2026-w47"} {
		if w, err := coaching.ParseWeek(bad); err == nil {
			t.Errorf("ParseWeek(%q) = %v, want an error", bad, w)
		}
	}
	// Written right, but not a week of that year: the error says which
	// weeks the year has, not that the form is wrong.
	for in, want := range map[string]string{
		"2026-W60": "2026 has no week 60: its weeks run from 2026-W01 to 2026-W53",
		"2026-W99": "2026 has no week 99: its weeks run from 2026-W01 to 2026-W53",
		"2026-W00": "2026 has no week 00: its weeks run from 2026-W01 to 2026-W53",
		"2025-W53": "2025 has no week 53: its weeks run from 2025-W01 to 2025-W52",
	} {
		if _, err := coaching.ParseWeek(in); err == nil || err.Error() != want {
			t.Errorf("ParseWeek(%q): %v; want %q", in, err, want)
		}
	}
}

func TestParseUntil(t *testing.T) {
	today := day("2026-11-25") // a Wednesday
	for _, tt := range []struct{ in, want string }{
		{"2026-12-24", "2026-12-24"},
		{"tomorrow", "2026-11-26"},
		{"fri", "2026-11-27"},
		{"wednesday", "2026-12-02"},
		{"2w", "2026-12-09"},
		{"3 days", "2026-11-28"},
		{"off", ""},
		// As people say it after /coach away.
		{"until friday", "2026-11-27"},
		{"till fri", "2026-11-27"},
		{"until 2026-12-24", "2026-12-24"},
		{"next monday", "2026-11-30"},
		{"until next wednesday", "2026-12-02"},
		{"dec 24", "2026-12-24"},
		{"24 dec", "2026-12-24"},
		{"December 24th", "2026-12-24"},
		{"24th of december", "2026-12-24"},
		{"sept 1", "2027-09-01"},
		{"nov 25", "2026-11-25"}, // today
		{"nov 24", "2027-11-24"}, // gone this year: next year's
		{"12/24", "2026-12-24"},  // one reading only
		{"24/12", "2026-12-24"},  // day first, the same
		{"until 2w", "2026-12-09"},
		{"feb 29", "2028-02-29"}, // no 29 February in 2027: the next leap year's
		{"1/13/2027", "2027-01-13"},
		{"13/1/2027", "2027-01-13"},
		{"until 12/24/26", "2026-12-24"},
		{"for 2 weeks", "2026-12-09"},
		{"for a week", "2026-12-02"},
		{"a week", "2026-12-02"},
		{"for 3 days", "2026-11-28"},
		{"to friday", "2026-11-27"},
		// Ended as a sentence, as a phone's keyboard ends a line.
		{"fri.", "2026-11-27"},
		{"Friday!", "2026-11-27"},
		{"until fri.", "2026-11-27"},
		{"2w.", "2026-12-09"},
		{"dec 24.", "2026-12-24"},
		{"2026-12-24.", "2026-12-24"},
		{"12/24?", "2026-12-24"},
		{"off.", ""},
	} {
		got, err := coaching.ParseUntil(tt.in, today)
		if err != nil || got.String() != tt.want {
			t.Errorf("ParseUntil(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "someday", "0d", "400 days", "until", "feb 30", "apr 31", "13/13", "dec 32", "week", "next wk", "for", "a", "for a while", "1/4/2027", "2/30/2027", "1/13/202", ".", "someday.", "3/4."} {
		if _, err := coaching.ParseUntil(bad, today); err == nil {
			t.Errorf("ParseUntil(%q) accepted", bad)
		}
	}
}

// What was typed is quoted back as typed: Go's quoting would show a
// quote or a backslash the person typed escaped.
func TestParseUntilQuotesBackAsTyped(t *testing.T) {
	_, err := coaching.ParseUntil(`until "soon" \o/`, day("2026-11-25"))
	if want := `"until "soon" \o/" is not a date`; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("ParseUntil = %v, want %s…", err, want)
	}
}

// Characters that show nothing, pasted in with right-to-left text or by
// a phone's keyboard, do not hide the date they sit in, and full-width
// digits read as the digits they look like.
func TestParseUntilReadsWordsAsTheyLook(t *testing.T) {
	today := day("2026-11-25") // a Wednesday
	for _, tt := range []struct{ in, want string }{
		{"\u200f2w", "2026-12-09"},           // a right-to-left mark before it
		{"2\u200dw", "2026-12-09"},           // a zero-width joiner inside it
		{"2w\u200b", "2026-12-09"},           // a zero-width space after it
		{"\ufeffuntil fri", "2026-11-27"},    // a byte order mark
		{"until\u2060 fri", "2026-11-27"},    // a word joiner
		{"\u202bdec 24\u202c", "2026-12-24"}, // an embedding and its end
		{"\u2067fri\u2069", "2026-11-27"},    // an isolate and its end
		{"12/24\x00", "2026-12-24"},          // NUL
		{"\u200e2026-12-24", "2026-12-24"},   // a left-to-right mark
		{"\u200boff", ""},
		{"２w", "2026-12-09"}, // full-width digits
		{"１２／２４", "2026-12-24"},
		{"２０２６-１２-２４", "2026-12-24"},
	} {
		got, err := coaching.ParseUntil(tt.in, today)
		if err != nil || got.String() != tt.want {
			t.Errorf("ParseUntil(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

// A refusal quotes what was typed as it shows: a character that shows
// nothing kept in the quote would read "2w" is not a date, try "2w".
func TestParseUntilQuotesWithoutWhatShowsNothing(t *testing.T) {
	today := day("2026-11-25")
	for _, tt := range []struct{ in, want string }{
		{"\u200fsoon", `"soon" is not a date`},
		{"so\u200don\x00", `"soon" is not a date`},
		{"\u200b\u200b  soon \u2069", `"soon" is not a date`},
		{"until 3/4\u200e", `"until 3/4" is Thu 4 Mar 2027 in the US`},
	} {
		_, err := coaching.ParseUntil(tt.in, today)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("ParseUntil(%q) = %v, want %s…", tt.in, err, tt.want)
		}
	}
}

// A slashed day read two ways is refused, naming both, rather than read as
// the one this reader was not thinking of.
func TestParseUntilNamesBothReadingsOfAnAmbiguousDay(t *testing.T) {
	today := day("2026-11-25")
	_, err := coaching.ParseUntil("until 3/4", today)
	if err == nil {
		t.Fatal("3/4 accepted")
	}
	for _, want := range []string{"2027-03-04", "2027-04-03"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

// "More than a year ago" is before the same day last year: 366 days back
// let in 1 January 2026 on 2 January 2027, a day over a year.
func TestOverAYearBefore(t *testing.T) {
	for _, tt := range []struct {
		d, today string
		want     bool
	}{
		{"2026-01-02", "2027-01-02", false},
		{"2026-01-01", "2027-01-02", true},
		{"2027-03-01", "2028-03-01", false},
		{"2027-02-28", "2028-03-01", true},  // 2028 is a leap year: 366 days back is 1 March 2027
		{"2027-02-28", "2028-02-29", false}, // a year before 29 February is 28 February
		{"2027-02-27", "2028-02-29", true},
		{"2024-02-29", "2025-02-28", false},
		{"2024-02-28", "2025-02-28", false},
		{"2024-02-27", "2025-02-28", true},
	} {
		d, today := day(tt.d), day(tt.today)
		if got := d.OverAYearBefore(today); got != tt.want {
			t.Errorf("%s.OverAYearBefore(%s) = %v, want %v", tt.d, tt.today, got, tt.want)
		}
	}
	if got := day("2028-02-29").AddYears(1); got != day("2029-02-28") {
		t.Errorf("29 February 2028 a year on = %s, want 2029-02-28", got)
	}
}

// Every word of /coach away's line counts: it was read by its first word,
// so "fri afternoon" set Friday and "2026-12-24 blah" the 24th, whatever
// the rest said. Words that change no day (please, thanks, an emoji) are
// read past; a weekday before a date is read when it is that date's; a
// part of a day is refused saying away is by whole days; "last friday"
// is that day (refused as past by SetAway, as yesterday is); and "back
// monday" is away through the day before.
func TestParseUntilReadsEveryWord(t *testing.T) {
	today := day("2026-11-25") // a Wednesday
	for _, tt := range []struct {
		in, want string
		back     bool
	}{
		{"fri please", "2026-11-27", false},
		{"2w thanks", "2026-12-09", false},
		{"fri, thanks!", "2026-11-27", false},
		{"dec 24 thank you", "2026-12-24", false},
		{"until friday pls :palm_tree:", "2026-11-27", false},
		{"fri 27 nov", "2026-11-27", false},
		{"friday, nov 27th", "2026-11-27", false},
		{"Fri 2026-11-27", "2026-11-27", false},
		{"thu 12/24", "2026-12-24", false},
		{"last friday", "2026-11-20", false},
		{"last wed", "2026-11-18", false}, // today is Wednesday: the one a week ago
		{"until last thursday", "2026-11-19", false},
		{"back monday", "2026-11-29", true},
		{"back on monday", "2026-11-29", true},
		{"back mon.", "2026-11-29", true},
		{"back next monday", "2026-11-29", true},
		{"back tomorrow", "2026-11-25", true}, // away today only
		{"back dec 1", "2026-11-30", true},
		{"back 2026-12-07 thanks", "2026-12-06", true},
		{"back", "", false}, // clears, as before
		{"back.", "", false},
		// A year after the month and day is that year's day, past or far
		// ahead as an ISO date is (SetAway refuses a past one).
		{"dec 24 2026", "2026-12-24", false},
		{"24 dec 2026", "2026-12-24", false},
		{"december 24, 2026", "2026-12-24", false},
		{"24 december 2026", "2026-12-24", false},
		{"dec 24th 2026", "2026-12-24", false},
		{"until the 24th of december 2026.", "2026-12-24", false},
		{"thu dec 24 2026", "2026-12-24", false},
		{"dec 24 2027", "2027-12-24", false},
		{"dec 24 2025", "2025-12-24", false},
		// A weekday with a day number: the next such day, when it is that weekday.
		{"fri 27", "2026-11-27", false},
		{"friday the 27th", "2026-11-27", false},
		{"wed 25", "2026-11-25", false}, // today
		{"until fri 4th", "2026-12-04", false},
		// A day number alone, as an ordinal: the next one, today or later.
		{"the 24th", "2026-12-24", false},
		{"24th", "2026-12-24", false},
		{"until the 30th", "2026-11-30", false},
		{"the 25th", "2026-11-25", false}, // today
		{"24d", "2026-12-19", false},      // a span still, not the 24th
		{"back the 30th", "2026-11-29", true},
		// The end of a month or of next week (an ISO week's Sunday).
		{"until the end of the month", "2026-11-30", false},
		{"end of month", "2026-11-30", false},
		{"eom", "2026-11-30", false},
		{"end of this month", "2026-11-30", false},
		{"till the end of next month", "2026-12-31", false},
		{"next week", "2026-12-06", false},
		{"until next week", "2026-12-06", false},
		{"end of next week", "2026-12-06", false},
	} {
		got, back, err := coaching.ReadAway(tt.in, today)
		if err != nil || got.String() != tt.want || back != tt.back {
			t.Errorf("ReadAway(%q) = %v, back %v, %v; want %s, back %v", tt.in, got, back, err, tt.want, tt.back)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"2026-12-24 blah", `"2026-12-24 blah" is not a date: try 2026-12-02, a weekday, "2w", or "off"`},
		{"fri blah", `"fri blah" is not a date`},
		{"2w maybe", `"2w maybe" is not a date`},
		{"thanks", `"thanks" is not a date`},
		{"fri afternoon", `"fri afternoon": away is by whole days, from today through the day you name: "fri" is through Fri 27 Nov 2026`},
		{"tomorrow morning", `"tomorrow morning": away is by whole days, from today through the day you name: "tomorrow" is through Thu 26 Nov 2026`},
		{"until eod friday", `"until eod friday": away is by whole days, from today through the day you name: "friday" is through Fri 27 Nov 2026`},
		{"end of day fri", `"end of day fri": away is by whole days, from today through the day you name: "fri" is through Fri 27 Nov 2026`},
		{"dec 24 at 5pm", `"dec 24 at 5pm": away is by whole days, from today through the day you name: "dec 24" is through Thu 24 Dec 2026`},
		{"fri 17:00", `"fri 17:00": away is by whole days`},
		{"back mon afternoon", `"back mon afternoon": away is by whole days, from today through the day you name: "back mon" is through Sun 29 Nov 2026`},
		{"tonight", `"tonight": away is by whole days, from today through the day you name: try 2026-12-02, a weekday, "2w", or "off"`},
		{"fri 28 nov", `"fri 28 nov": the date is Sat 28 Nov 2026, not a Friday; say which day you mean`},
		{"fri 3/4", `"fri 3/4" is Thu 4 Mar 2027 in the US`},
		{"back today", `"back today" is Wed 25 Nov 2026: away runs through the day before it, already past; "off" clears an away`},
		{"back last friday", `"back last friday" is Fri 20 Nov 2026: away runs through the day before it, already past`},
		{"back off", `"back off" is not a date`},
		{"back soon", `"back soon" is not a date`},
		{"back until monday", `"back until monday" is not a date`}, // here until monday, or back then: refused
		{"last week", `"last week" is not a date`},
		{"dec 24 26", `"dec 24 26" is not a date`}, // a year is written whole
		{"feb 29 2027", `"feb 29 2027": February 2027 has no day 29`},
		{"feb 30", `"feb 30": February has no day 30`},
		{"until 31 apr", `"until 31 apr": April has no day 31`},
		{"fri 20", `"fri 20": the next 20th is Sun 20 Dec 2026, not a Friday; say which day you mean`},
		{"mon 1st", `"mon 1st": the next 1st is Tue 1 Dec 2026, not a Monday`},
		{"fri 32", `"fri 32" is not a date`},
		{"24", `"24" is not a date`}, // a count or a day: said as "24th" or "24d"
		{"the 24", `"the 24" is not a date`},
		{"next month", `"next month" is not a date`},
		{"back next week", `"back next week" is not a date`}, // back some day of it
	} {
		_, err := coaching.ParseUntil(tt.in, today)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("ParseUntil(%q) = %v; want %s…", tt.in, err, tt.want)
		}
	}
	// On a Sunday "next week" is the week from tomorrow to some and the
	// one after it to others (the week starts on Sunday or ends on it).
	sunday := day("2026-11-29")
	for _, in := range []string{"next week", "end of next week"} {
		_, err := coaching.ParseUntil(in, sunday)
		want := `"` + in + `" said on a Sunday is the week from tomorrow, through Sun 6 Dec 2026, or the one after, through Sun 13 Dec 2026: say which, as 2026-12-06 or 2026-12-13`
		if err == nil || err.Error() != want {
			t.Errorf("ParseUntil(%q) on Sunday = %v; want %s", in, err, want)
		}
	}
	if got, err := coaching.ParseUntil("next week", day("2026-11-28")); err != nil || got.String() != "2026-12-06" {
		t.Errorf("ParseUntil(next week) on Saturday = %v, %v; want 2026-12-06", got, err)
	}
}
