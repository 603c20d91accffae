package quickcapture

import (
	"slices"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
)

// A review found "<@U1> 1:1 30m tomorrow" logged at once, dated today
// with notes "tomorrow", and the rep asked to confirm coaching that had
// not happened: a manager jotting a plan logged false coaching. Words
// that can only put the session ahead, where the date would be and with
// no date given, now open the form saying so; the notes keep them.
func TestWordsForADayAheadAreAPlanNotNotes(t *testing.T) {
	for _, tt := range []struct{ line, ahead, notes string }{
		{"<@U1> 1:1 30m tomorrow", "tomorrow", "tomorrow"},
		{"<@U1> 1:1 30m Tomorrow: pricing", "Tomorrow", "Tomorrow: pricing"},
		{"<@U1> 1:1 30m tmrw", "tmrw", "tmrw"},
		// Notes may start with it too ("he sends the deck"): the form
		// keeps them, and one tap logs them once the date is right; a
		// plan logged costs a false session and a rep's DM.
		{"<@U1> 1:1 30m tomorrow he sends the deck", "tomorrow", "tomorrow he sends the deck"},
		{"<@U1> 1:1 30m next week: recap to Acme", "next week", "next week: recap to Acme"},
		{"<@U1> 1:1 30m - next week pricing", "next week", "next week pricing"},
		{"<@U1> 1:1 30m next monday", "next monday", "next monday"},
		{"<@U1> 1:1 30m next fri", "next fri", "next fri"},
		{"<@U1> 1:1 30m this coming thursday", "this coming thursday", "this coming thursday"},
		{"<@U1> 1:1 30m in 2 days", "in 2 days", "in 2 days"},
		{"<@U1> 1:1 30m in a week", "in a week", "in a week"},
		{"<@U1> 1:1 30m for next week", "next week", "for next week"},
		// A review found these two logged today with the words as notes.
		{"<@U1> 1:1 30m day after tomorrow", "day after tomorrow", "day after tomorrow"},
		{"<@U1> 1:1 30m the day after tomorrow: pricing", "day after tomorrow", "the day after tomorrow: pricing"},
		{"<@U1> 1:1 30m next month", "next month", "next month"},
		{"<@U1> 1:1 30m next month we role-play pricing", "next month", "next month we role-play pricing"},
		// Before the header is complete: the rest is read as a sentence.
		{"<@U1> tomorrow 1:1 30m", "tomorrow", "tomorrow 1:1 30m"},
		{"<@U1> day after tomorrow 1:1 30m", "day after tomorrow", "day after tomorrow 1:1 30m"},
		{"<@U1> next month 1:1 30m", "next month", "next month 1:1 30m"},
		{"<@U1> next mon 1:1 30m", "next mon", "next mon 1:1 30m"},
	} {
		got := Parse(tt.line, wednesday)
		if got.Clear() || got.Ahead != tt.ahead || got.Draft.Notes != tt.notes || got.Draft.OccurredOn != wednesday || len(got.Doubts) > 0 {
			t.Errorf("Parse(%q): clear %v, ahead %q, notes %q, on %s, doubts %q; want unclear, ahead %q, notes %q, today, no doubt",
				tt.line, got.Clear(), got.Ahead, got.Draft.Notes, got.Draft.OccurredOn, got.Doubts, tt.ahead, tt.notes)
		}
	}
	// What is not clearly ahead stays notes, and so does anything after a
	// date: the date says the session happened, and the notes say what
	// comes next.
	for _, line := range []string{
		"<@U1> 1:1 30m next steps: send the proposal",
		"<@U1> 1:1 30m next quarter pipeline is thin",
		"<@U1> 1:1 30m tomorrow's demo prep",
		"<@U1> 1:1 30m pricing, call back tomorrow",
		"<@U1> 1:1 30m yesterday next week we role-play pricing",
		"<@U1> yesterday 1:1 30m tomorrow he presents",
		"<@U1> 1:1 30m in 2 calls he closed",
		"<@U1> 1:1 30m next, week over week growth",
		"<@U1> 1:1 30m next month's forecast is thin",
		"<@U1> 1:1 30m day after, tomorrow he calls",
		"<@U1> 1:1 30m day after the demo he followed up",
	} {
		if got := Parse(line, wednesday); !got.Clear() || got.Ahead != "" {
			t.Errorf("Parse(%q): clear %v, ahead %q; want clear, nothing ahead", line, got.Clear(), got.Ahead)
		}
	}
}

// A review found "20 nov" typed on 18 Nov filled in 20 Nov of last year,
// one tap from a session a year back, outside every current figure. A
// day still to come within a week is a plan or a slip: the date stays on
// today and Ahead says the day is still to come; the notes keep what
// they held. Across the new year too: "jan 2" on 30 December is three
// days ahead, not this January's.
func TestADayWithinAWeekAheadIsNotLastYears(t *testing.T) {
	nov18 := coaching.Date{Year: 2026, Month: 11, Day: 18}
	dec30 := coaching.Date{Year: 2026, Month: 12, Day: 30}
	for _, tt := range []struct {
		line         string
		today        coaching.Date
		ahead, notes string
	}{
		{"<@U1> 20 nov 1:1 30m pricing", nov18, "20 nov", "pricing"},
		{"<@U1> 1:1 30m nov 20", nov18, "nov 20", ""},
		{"<@U1> 1:1 30m 20 nov pricing", nov18, "20 nov", "20 nov pricing"},
		{"<@U1> 1:1 30m nov 25th", nov18, "nov 25th", ""},
		{"rode along with <@U1> on nov 20, mostly watched, 45 min", nov18, "nov 20", "rode along with <@U1> on nov 20, mostly watched, 45 min"},
		{"<@U1> 1:1 30m jan 2", dec30, "jan 2", ""},
	} {
		got := Parse(tt.line, tt.today)
		if got.Clear() || got.Ahead != tt.ahead || got.Draft.OccurredOn != tt.today || got.Draft.Notes != tt.notes ||
			len(got.Doubts) > 0 || got.Guess(coaching.FieldDate) {
			t.Errorf("Parse(%q): clear %v, ahead %q, on %s, notes %q, doubts %q, guessed %v; want unclear, ahead %q, today, notes %q, no doubt nor guess",
				tt.line, got.Clear(), got.Ahead, got.Draft.OccurredOn, got.Draft.Notes, got.Doubts, got.Guessed, tt.ahead, tt.notes)
		}
	}
	// A week and a day ahead is last year's, as before, told once; so is
	// today's day (today's session is "today"), and a year given is read.
	for _, tt := range []struct {
		line  string
		today coaching.Date
		date  coaching.Date
	}{
		{"<@U1> 1:1 30m nov 26", nov18, coaching.Date{Year: 2025, Month: 11, Day: 26}},
		{"<@U1> 1:1 30m nov 18", nov18, nov18},
		{"<@U1> 1:1 30m jan 7", dec30, coaching.Date{Year: 2026, Month: 1, Day: 7}},
	} {
		if got := Parse(tt.line, tt.today); got.Ahead != "" || got.Draft.OccurredOn != tt.date {
			t.Errorf("Parse(%q): ahead %q, on %s; want on %s", tt.line, got.Ahead, got.Draft.OccurredOn, tt.date)
		}
	}
}

// A review found "11/20" and "20.11." typed on 18 Nov read as 20 Nov of
// last year, as "20 nov" was: a numeric date is read as a month date is.
// A week ahead or less is still to come, the date left on today; further
// ahead, last year's is shown and said once. A slashed date only counts
// as ahead when it reads one way; when another reading is a past day,
// the form shows today and says it could be either.
func TestANumericDateWithinAWeekAheadIsNotLastYears(t *testing.T) {
	nov18 := coaching.Date{Year: 2026, Month: 11, Day: 18}
	dec30 := coaching.Date{Year: 2026, Month: 12, Day: 30}
	mar2 := coaching.Date{Year: 2026, Month: 3, Day: 2}
	for _, tt := range []struct {
		line         string
		today        coaching.Date
		ahead, notes string
	}{
		{"<@U1> 1:1 30m 11/20", nov18, "11/20", "11/20"}, // where the notes start, they keep it
		{"<@U1> 1:1 30m 11/20 pricing", nov18, "11/20", "11/20 pricing"},
		{"<@U1> 11/20 1:1 30m pricing", nov18, "11/20", "pricing"},
		{"<@U1> 1:1 30m 20.11. Preisverhandlung", nov18, "20.11", "20.11. Preisverhandlung"},
		{"<@U1> 20.11. 1:1 30m", nov18, "20.11", ""},
		{"<@U1> 1:1 30m 25.11", nov18, "25.11", "25.11"},
		{"<@U1> 1:1 30m 2.1.", dec30, "2.1", "2.1."}, // across the new year
		{"rode along with <@U1> on 11/20, mostly watched, 45 min", nov18, "11/20", "rode along with <@U1> on 11/20, mostly watched, 45 min"},
	} {
		got := Parse(tt.line, tt.today)
		if got.Clear() || got.Ahead != tt.ahead || got.Draft.OccurredOn != tt.today || got.Draft.Notes != tt.notes ||
			len(got.Doubts) > 0 || got.Guess(coaching.FieldDate) {
			t.Errorf("Parse(%q): clear %v, ahead %q, on %s, notes %q, doubts %q, guessed %v; want unclear, ahead %q, today, notes %q, no doubt nor guess",
				tt.line, got.Clear(), got.Ahead, got.Draft.OccurredOn, got.Draft.Notes, got.Doubts, got.Guessed, tt.ahead, tt.notes)
		}
	}
	// Further ahead, or with a year, or past: a date as before, told once.
	for _, tt := range []struct {
		line  string
		today coaching.Date
		date  coaching.Date
		doubt string
	}{
		{"<@U1> 1:1 30m 11/26", nov18, coaching.Date{Year: 2025, Month: 11, Day: 26}, "11/26 is still to come this year, so the form shows last year's, Wed 26 Nov 2025"},
		{"<@U1> 1:1 30m 26.11.", nov18, coaching.Date{Year: 2025, Month: 11, Day: 26}, "26.11 is still to come this year, so the form shows last year's, Wed 26 Nov 2025"},
		{"<@U1> 1:1 30m 11/16", nov18, coaching.Date{Year: 2026, Month: 11, Day: 16}, "I read 11/16 as Mon 16 Nov 2026"},
		// 4 Mar is two days ahead; 3 Apr last year's is a past day.
		{"<@U1> 1:1 30m 3/4", mar2, mar2, "3/4 could be Thu 3 Apr 2025 or a day still to come: the form shows today, pick the day"},
	} {
		got := Parse(tt.line, tt.today)
		if got.Clear() || got.Ahead != "" || got.Draft.OccurredOn != tt.date || !slices.Equal(got.Doubts, []string{tt.doubt}) {
			t.Errorf("Parse(%q): clear %v, ahead %q, on %s, doubts %q; want unclear, on %s, doubt %q",
				tt.line, got.Clear(), got.Ahead, got.Draft.OccurredOn, got.Doubts, tt.date, tt.doubt)
		}
	}
	// A year given is read as given, never as a day still to come.
	if got := Parse("<@U1> 20.11.2026 1:1 30m", nov18); got.Ahead != "" {
		t.Errorf("20.11.2026 on 18 Nov: ahead %q, want none", got.Ahead)
	}
}
