package quickcapture

import (
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
)

// A review found a month name and a number right after a complete header
// read as the session's date and logged at once, the words gone from the
// notes: "<@U1> 1:1 30m may 2 deals slip, follow up" logged a 1:1 on
// 2 May with notes "deals slip, follow up". There the words as likely
// start the notes, so the date is now a guess the form shows to check,
// with a doubt saying what was made of it, and the notes keep the words.
func TestAMonthDateWhereTheNotesStartIsAGuess(t *testing.T) {
	yesterday := wednesday.AddDays(-1)
	for _, tt := range []struct {
		line  string
		date  coaching.Date
		notes string
		doubt string
	}{
		{"<@U1> 1:1 30m may 2 deals slip, follow up", coaching.Date{Year: 2026, Month: 5, Day: 2},
			"may 2 deals slip, follow up", "I read may 2 as Sat 2 May 2026"},
		{"<@U1> 1:1 30m march 3 accounts forward", coaching.Date{Year: 2026, Month: 3, Day: 3},
			"march 3 accounts forward", "I read march 3 as Tue 3 Mar 2026"},
		{"<@U1> 1:1 30m dec 10 deadline for the QBR", coaching.Date{Year: 2025, Month: 12, Day: 10},
			"dec 10 deadline for the QBR", "dec 10 is still to come this year, so the form shows last year's, Wed 10 Dec 2025"},
		{"<@U1> 1:1 30m 20 nov pricing", coaching.Date{Year: 2026, Month: 11, Day: 20},
			"20 nov pricing", "I read 20 nov as Fri 20 Nov 2026"},
		{"<@U1> 1:1 30m - nov 20, 2026 pricing", coaching.Date{Year: 2026, Month: 11, Day: 20},
			"nov 20, 2026 pricing", "I read nov 20 2026 as Fri 20 Nov 2026"},
		{"<@U1> 1:1 30m yesterday may 2 deals slip", yesterday,
			"may 2 deals slip", "may 2 looks like a date too; the form shows Tue 24 Nov 2026"},
	} {
		got := Parse(tt.line, wednesday)
		if got.Clear() || got.Draft.OccurredOn != tt.date || got.Draft.Notes != tt.notes || !slices.Equal(got.Doubts, []string{tt.doubt}) {
			t.Errorf("Parse(%q): clear %v, on %s, notes %q, doubts %q; want unclear, on %s, notes %q, doubt %q",
				tt.line, got.Clear(), got.Draft.OccurredOn, got.Draft.Notes, got.Doubts, tt.date, tt.notes, tt.doubt)
		}
		if got.Draft.OccurredOn != yesterday && !got.Guess(coaching.FieldDate) {
			t.Errorf("Parse(%q): guessed %v, want the date", tt.line, got.Guessed)
		}
	}
}

// A review found ordinary notes taken for dates after a complete header,
// opening the form for nothing: "2nd call", "1st pass", "1/2 of the
// call", "50/50 split". And a line of 800 "3/4" gave 800 doubts.
func TestOrdinaryNotesAreNoDate(t *testing.T) {
	for _, line := range []string{
		"<@U1> 1:1 30m 2nd call this week went well",
		"<@U1> 1:1 30m 1st pass at pricing",
		"<@U1> 1:1 30m 1/2 of the call on pricing",
		"<@U1> 1:1 30m 50/50 split with the partner",
		"<@U1> 1:1 30m 12/40 calls connected",
		"<@U1> 1:1 30m 0/3 closed",
	} {
		if got := Parse(line, wednesday); !got.Clear() || len(got.Doubts) > 0 || got.Draft.OccurredOn != wednesday {
			t.Errorf("Parse(%q): clear %v, doubts %q, on %s; want clear, today", line, got.Clear(), got.Doubts, got.Draft.OccurredOn)
		}
	}
	// In a sentence too.
	got := Parse("<@U1> 1:1 went over the 50/50 split and 1/2 of the deals for 45 min", wednesday)
	if len(got.Doubts) > 0 || got.Draft.OccurredOn != wednesday || got.Draft.DurationMin != 45 {
		t.Errorf("sentence: doubts %q, on %s, %d min; want none, today, 45", got.Doubts, got.Draft.OccurredOn, got.Draft.DurationMin)
	}
	// An ordinal after "the", or next to a month, is still a date.
	if got := Parse("<@U1> 1:1 30m on the 2nd, pricing", wednesday); !slices.Equal(got.Doubts, []string{`I couldn't read the date "2nd": the form shows Wed 25 Nov 2026`}) {
		t.Errorf("the 2nd: doubts %q", got.Doubts)
	}
	if got := Parse("<@U1> 2nd nov 1:1 30m pricing", wednesday); !got.Clear() || got.Draft.OccurredOn != (coaching.Date{Year: 2026, Month: 11, Day: 2}) {
		t.Errorf("2nd nov: clear %v, on %s", got.Clear(), got.Draft.OccurredOn)
	}
	// At most one doubt for numeric dates, however many there are.
	for _, line := range []string{
		"<@U1> 1:1 " + strings.Repeat("3/4 ", 800),
		"<@U1> 1:1 30m 3/4 " + strings.Repeat("3/4 ", 800),
		"<@U1> 1:1 " + strings.Repeat("13/13 11/20 ", 400),
	} {
		if got := Parse(line, wednesday); len(got.Doubts) != 1 {
			t.Errorf("Parse(%.30q…): %d doubts, want 1", line, len(got.Doubts))
		}
	}
}

// A numeric date after a header whose date is unreal ("2026-02-30") said
// "the form shows " and nothing: it named the date read, which is none,
// where a month date in its place named the day the form shows, today.
func TestADateTooNamesTheDayTheFormShows(t *testing.T) {
	for _, tt := range []struct{ line, doubt string }{
		{"<@U1> 1:1 30m 2026-02-30 11/20 pricing", "11/20 looks like a date too; the form shows Wed 25 Nov 2026"},
		{"<@U1> 1:1 30m 2026-02-30 may 2 deals slip", "may 2 looks like a date too; the form shows Wed 25 Nov 2026"},
		{"<@U1> 1:1 30m yesterday 11/20 pricing", "11/20 looks like a date too; the form shows Tue 24 Nov 2026"},
	} {
		if got := Parse(tt.line, wednesday); !slices.Equal(got.Doubts, []string{tt.doubt}) {
			t.Errorf("Parse(%q): doubts %q, want %q", tt.line, got.Doubts, tt.doubt)
		}
	}
}

// reviewDay is the day of the review that fed realistic lines to the
// parser: Tue 1 Dec 2026.
var reviewDay = coaching.Date{Year: 2026, Month: 12, Day: 1}

// A review found dates written the European way, with dashes or year
// first, left in the notes and the session logged today at once:
// "<@U1> 1:1 30m 20.11. Preisverhandlung" (the tokeniser cuts the
// trailing dot, and dotted dates were read only with a year). Where the
// notes start they are now read as the guess a numeric date is there,
// the form says so, and the notes keep them; dots are day first in
// every locale that writes them.
func TestNumericDatesOfEveryShapeAreAsked(t *testing.T) {
	nov := func(d int) coaching.Date { return coaching.Date{Year: 2026, Month: 11, Day: d} }
	for _, tt := range []struct {
		line  string
		date  coaching.Date
		notes string
	}{
		{"<@U1> 1:1 30m 20.11. Preisverhandlung", nov(20), "20.11. Preisverhandlung"},
		{"<@U1> 1:1 30m 27.11. Preisverhandlung", nov(27), "27.11. Preisverhandlung"},
		{"<@U1> 1:1 30m 1.12. Preisverhandlung", reviewDay, "1.12. Preisverhandlung"},
		{"<@U1> 1:1 30m 20.11 Preisverhandlung", nov(20), "20.11 Preisverhandlung"},
		{"<@U1> 1:1 30m 5.11. pricing", nov(5), "5.11. pricing"},
		{"<@U1> 1:1 30m 20.11.2026 pricing", nov(20), "20.11.2026 pricing"},
		{"<@U1> 1:1 30m 3.11.2026 pricing", nov(3), "3.11.2026 pricing"}, // day first: not 11 Mar
		{"<@U1> 1:1 30m 20-11-2026 pricing", nov(20), "20-11-2026 pricing"},
		{"<@U1> 1:1 30m 11-20-2026 pricing", nov(20), "11-20-2026 pricing"},
		{"<@U1> 1:1 30m 2026/11/20 pricing", nov(20), "2026/11/20 pricing"},
		{"<@U1> 1:1 30m 2026.11.20 pricing", nov(20), "2026.11.20 pricing"},
		{"<@U1> 1:1 30m 20.11.", nov(20), "20.11."},
	} {
		got := Parse(tt.line, reviewDay)
		if got.Clear() || got.Draft.OccurredOn != tt.date || got.Draft.Notes != tt.notes || len(got.Doubts) != 1 {
			t.Errorf("Parse(%q): clear %v, on %s, notes %q, doubts %q; want unclear, on %s, notes %q, one doubt",
				tt.line, got.Clear(), got.Draft.OccurredOn, got.Draft.Notes, got.Doubts, tt.date, tt.notes)
		}
	}
	// A decimal is no date, nor are a range and a one-on-one with dashes.
	for _, line := range []string{
		"<@U1> 1:1 30m 2.5 deals closed",
		"<@U1> 1:1 30m 1.5 quota",
		"<@U1> 1:1 30m 2-3 calls a day",
		"<@U1> 1:1 30m 10-15 minutes on pricing",
	} {
		if got := Parse(line, reviewDay); !got.Clear() || len(got.Doubts) > 0 {
			t.Errorf("Parse(%q): clear %v, doubts %q; want clear", line, got.Clear(), got.Doubts)
		}
	}
}

// A review found a weekday where the notes start read as the date and
// taken out of the notes, the session logged at once: "<@U1> 1:1 30m fri
// follow up with CFO" logged last Friday with notes "follow up with
// CFO". There the day as likely starts the notes (a follow-up on
// Friday), as a month date does: it is now a guess the form shows, and
// the notes keep it. In the header, or alone at the end, it is the date.
func TestAWeekdayWhereTheNotesStartIsAGuess(t *testing.T) {
	nov := func(d int) coaching.Date { return coaching.Date{Year: 2026, Month: 11, Day: d} }
	for _, tt := range []struct {
		line  string
		date  coaching.Date
		notes string
		doubt string
	}{
		{"<@U1> 1:1 30m fri follow up with CFO", nov(27), "fri follow up with CFO", "I read fri as Fri 27 Nov 2026"},
		{"<@U1> 1:1 30m thursday: send proposal", nov(26), "thursday: send proposal", "I read thursday as Thu 26 Nov 2026"},
		{"<@U1> 1:1 30m wed demo prep", nov(25), "wed demo prep", "I read wed as Wed 25 Nov 2026"},
		{"<@U1> ride-along 45m lead - mon pricing", nov(30), "mon pricing", "I read mon as Mon 30 Nov 2026"},
		{"<@U1> 1:1 30m yesterday fri follow up", nov(30), "fri follow up", "fri looks like a date too; the form shows Mon 30 Nov 2026"},
	} {
		got := Parse(tt.line, reviewDay)
		if got.Clear() || got.Draft.OccurredOn != tt.date || got.Draft.Notes != tt.notes || !slices.Equal(got.Doubts, []string{tt.doubt}) {
			t.Errorf("Parse(%q): clear %v, on %s, notes %q, doubts %q; want unclear, on %s, notes %q, doubt %q",
				tt.line, got.Clear(), got.Draft.OccurredOn, got.Draft.Notes, got.Doubts, tt.date, tt.notes, tt.doubt)
		}
	}
	for _, tt := range []struct {
		line  string
		date  coaching.Date
		notes string
	}{
		{"<@U1> fri 1:1 30m follow up", nov(27), "follow up"},
		{"<@U1> 1:1 fri 30m follow up", nov(27), "follow up"},
		{"fri <@U1> 1:1 30m follow up", nov(27), "follow up"},
		{"<@U1> 1:1 30m fri", nov(27), ""},
		{"<@U1> 1:1 30m fri.", nov(27), ""},
		{"<@U1> 1:1 30m yesterday great call", nov(30), "great call"},
		{"<@U1> 1:1 30m mon yesterday", nov(30), ""}, // the same day: TestProblems has two
		{"<@U1> 1:1 30m sat in on his call", reviewDay, "sat in on his call"},
		{"<@U1> 1:1 30m yesterday sun was out", nov(30), "sun was out"},
	} {
		got := Parse(tt.line, reviewDay)
		if !got.Clear() || len(got.Doubts) > 0 || got.Draft.OccurredOn != tt.date || got.Draft.Notes != tt.notes {
			t.Errorf("Parse(%q): clear %v, doubts %q, on %s, notes %q; want on %s, notes %q, no doubt",
				tt.line, got.Clear(), got.Doubts, got.Draft.OccurredOn, got.Draft.Notes, tt.date, tt.notes)
		}
	}
}

// A review found "<@U1> 1:1 30m dec 2" typed on 1 Dec logged at once on
// 2 Dec 2025: a day still to come this year was read as last year's
// without a word. Further ahead than a week (a day within one is told as
// still to come: TestADayWithinAWeekAheadIsNotLastYears), it is shown in
// the form, last year's, with a doubt saying so once.
func TestADayStillToComeThisYearIsAsked(t *testing.T) {
	jan3 := coaching.Date{Year: 2027, Month: 1, Day: 3}
	for _, tt := range []struct {
		line  string
		today coaching.Date
		date  coaching.Date
		notes string
		doubt string
	}{
		{"<@U1> 1:1 30m dec 9", reviewDay, coaching.Date{Year: 2025, Month: 12, Day: 9}, "",
			"dec 9 is still to come this year, so the form shows last year's, Tue 9 Dec 2025"},
		{"<@U1> 9 dec 1:1 30m pricing", reviewDay, coaching.Date{Year: 2025, Month: 12, Day: 9}, "pricing",
			"9 dec is still to come this year, so the form shows last year's, Tue 9 Dec 2025"},
		{"<@U1> 1:1 30m dec 24 pricing", reviewDay, coaching.Date{Year: 2025, Month: 12, Day: 24}, "dec 24 pricing",
			"dec 24 is still to come this year, so the form shows last year's, Wed 24 Dec 2025"},
		{"rode along with <@U1> on dec 9, mostly watched, 45 min", reviewDay, coaching.Date{Year: 2025, Month: 12, Day: 9},
			"rode along with <@U1> on dec 9, mostly watched, 45 min",
			"dec 9 is still to come this year, so the form shows last year's, Tue 9 Dec 2025"},
		{"<@U1> 1:1 30m oct 30 pricing", jan3, coaching.Date{Year: 2026, Month: 10, Day: 30}, "oct 30 pricing",
			"oct 30 is still to come this year, so the form shows last year's, Fri 30 Oct 2026"},
	} {
		got := Parse(tt.line, tt.today)
		if got.Clear() || got.Draft.OccurredOn != tt.date || got.Draft.Notes != tt.notes || !slices.Equal(got.Doubts, []string{tt.doubt}) {
			t.Errorf("Parse(%q): clear %v, on %s, notes %q, doubts %q; want unclear, on %s, notes %q, doubt %q",
				tt.line, got.Clear(), got.Draft.OccurredOn, got.Draft.Notes, got.Doubts, tt.date, tt.notes, tt.doubt)
		}
	}
	// This year's, past or today, is the date as before; so is last
	// year's a few weeks back across the new year ("28 dec" on 3 January
	// is the session before the holidays, not a slip).
	for _, line := range []string{"<@U1> 1:1 30m dec 1", "<@U1> 1:1 30m nov 30", "<@U1> 20 nov 1:1 30m"} {
		if got := Parse(line, reviewDay); !got.Clear() || got.Draft.OccurredOn.Year != 2026 {
			t.Errorf("Parse(%q): clear %v, on %s; want clear, this year", line, got.Clear(), got.Draft.OccurredOn)
		}
	}
	for _, line := range []string{"<@U1> 28 dec 1:1 30m pricing", "<@U1> nov 20 1:1 30m pricing"} {
		if got := Parse(line, jan3); !got.Clear() || got.Draft.OccurredOn.Year != 2026 || len(got.Doubts) > 0 {
			t.Errorf("Parse(%q) on 3 Jan: clear %v, on %s, doubts %q; want clear, last year's", line, got.Clear(), got.Draft.OccurredOn, got.Doubts)
		}
	}
}

// A review found "<@U1> 11/27 1:1 30m" put "11/27 1:1 30m" in the
// form's notes: a numeric date before the kind ended the header. It is
// now read there as a weekday is, and the header goes on; a date only
// one order can make (dots are day first, a year first is year, month,
// day) is as sure as "20 nov" there, and a slashed one is shown to check.
func TestANumericDateInTheHeaderIsReadThrough(t *testing.T) {
	nov := func(d int) coaching.Date { return coaching.Date{Year: 2026, Month: 11, Day: d} }
	for _, tt := range []struct {
		line  string
		clear bool
		date  coaching.Date
		notes string
		doubt string
	}{
		{"<@U1> 11/27 1:1 30m", false, nov(27), "", "I read 11/27 as Fri 27 Nov 2026"},
		{"<@U1> 11/27 1:1 30m pricing", false, nov(27), "pricing", "I read 11/27 as Fri 27 Nov 2026"},
		{"11/27 <@U1> 1:1 30m pricing", false, nov(27), "pricing", "I read 11/27 as Fri 27 Nov 2026"},
		{"<@U1> 3/4 1:1 30m pricing", false, reviewDay, "pricing", "3/4 could be Wed 4 Mar 2026 or Fri 3 Apr 2026: the form shows today, pick the day"},
		{"<@U1> 20.11. 1:1 30m Preisverhandlung", true, nov(20), "Preisverhandlung", ""},
		{"<@U1> 1:1 20.11.2026 30m pricing", true, nov(20), "pricing", ""},
		{"<@U1> 2026/11/20 1:1 30m pricing", true, nov(20), "pricing", ""},
		{"<@U1> 20.12. 1:1 30m pricing", false, coaching.Date{Year: 2025, Month: 12, Day: 20}, "pricing", "20.12 is still to come this year, so the form shows last year's, Sat 20 Dec 2025"},
	} {
		got := Parse(tt.line, reviewDay)
		var doubts []string
		if tt.doubt != "" {
			doubts = []string{tt.doubt}
		}
		if got.Clear() != tt.clear || got.Draft.OccurredOn != tt.date || got.Draft.Notes != tt.notes || !slices.Equal(got.Doubts, doubts) ||
			got.Draft.Kind != coaching.KindOneOnOne || got.Draft.DurationMin != 30 {
			t.Errorf("Parse(%q): clear %v, on %s, notes %q, doubts %q, %s %d min; want clear %v, on %s, notes %q, doubts %q, a 30 min 1:1",
				tt.line, got.Clear(), got.Draft.OccurredOn, got.Draft.Notes, got.Doubts, got.Draft.Kind, got.Draft.DurationMin,
				tt.clear, tt.date, tt.notes, doubts)
		}
	}
}
