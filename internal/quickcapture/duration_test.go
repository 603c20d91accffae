package quickcapture

import (
	"strings"
	"testing"
)

func TestDurations(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{
		{"45m", 45},
		{"45 m", 45},
		{"45min", 45},
		{"45 mins", 45},
		{"45 minutes", 45},
		{"1 minute", 1},
		{"45M,", 45},
		{"1h", 60},
		{"1 h", 60},
		{"1hr", 60},
		{"1hrs", 60},
		{"1 hour", 60},
		{"2 hours", 120},
		{"1h30", 90},
		{"1h30m", 90},
		{"1h30min", 90},
		{"1h 30m", 90},
		{"1 hour 30 minutes", 90},
		{"1.5h", 90},
		{"1.5 hours", 90},
		{"0.75h", 45},
		{"90 min", 90},
		{"480m", 480},
		{"8h", 480},
		{"1m", 1},
		{"0000000045m", 45}, // ten digits, read
		{"1.5" + strings.Repeat("0", 400) + "h", 90}, // however long a fraction
		// An hour then a bare number of minutes, as French managers
		// write it: a review found "1h 30 great discovery" logged as
		// 60 minutes with "30 great discovery" as the notes.
		{"1h 30", 90},
		{"1 h 30", 90},
		{"2h 15", 135},
		{"1 hour 30", 90},
		{"1h 05", 65},
		// A mixed number: a review found "1 1/2 h" read as the date 1/2.
		{"1 1/2 h", 90},
		{"1 1/2h", 90},
		{"2 1/2 hours", 150},
		{"1½h", 90},
		{"1½ hours", 90},
		{"1 ½ h", 90},
		// A decimal comma, as most of Europe writes it, and "hr" before
		// the minutes.
		{"1,5h", 90},
		{"1,5 hours", 90},
		{"0,75 h", 45},
		{"1hr30", 90},
		{"1hrs30min", 90},
		// As typed on a phone: a review found these opened the form.
		// Half an hour with its leading zero left out, and minutes
		// marked with a prime as in much of Europe ("45'"; a phone's
		// keyboard may make it a curly ’).
		{".5h", 30},
		{".5 hours", 30},
		{".75 h", 45},
		// The same with a decimal comma, as "1,5h" is read.
		{",5h", 30},
		{",5 hours", 30},
		{",75 h", 45},
		{",25h", 15},
		{",5 h", 30},
		// Hyphenated, as a sentence writes "a 30-minute call": a review
		// found "30-min 1:1" in the header opening the form.
		{"30-min", 30},
		{"45-minute", 45},
		{"30-mins", 30},
		{"1-hour", 60},
		{"1-hr", 60},
		{"2-hours", 120},
		{"1.5-hour", 90},
		{"1-hour 30", 90},
		{"45'", 45},
		{"45’", 45},
		{"45′", 45},
		{"45',", 45},
		{"1h 30'", 90},
	} {
		line := "<@U1> 1:1 " + tt.in + " notes"
		got := Parse(line, wednesday)
		if got.Draft.DurationMin != tt.want || got.Draft.Notes != "notes" || !got.Clear() {
			t.Errorf("Parse(%q): %d minutes, notes %q, clear %v; want %d, %q, clear",
				line, got.Draft.DurationMin, got.Draft.Notes, got.Clear(), tt.want, "notes")
		}
	}
}

func TestNotDurations(t *testing.T) {
	for _, in := range []string{
		"45",       // a bare number could be anything
		"45 deals", // a number then a word that is no unit
		"1.5m",     // fractions of a minute are not a thing people log
		"1h75",     // minutes past an hour stop at 59
		"1,5 deals",
		"1,5,7h",
		"m45",
		".5m",  // no fraction of a minute, however written
		"45''", // seconds, or inches: never minutes
		"45’’",
		"45”",
		"45'30", // minutes and seconds
		"'45",
		",5m", // no fraction of a minute, with a comma either
		",5,7h",
		",555h",
		",5 deals",
		", 5",       // a list's comma, then a bare number
		"30-45 min", // a range
		"30-ish",
		"30-minute-ish",
	} {
		line := "<@U1> 1:1 " + in
		got := Parse(line, wednesday)
		if got.Draft.DurationMin != 0 || len(got.Problems) != 0 || got.Draft.Notes == "" {
			t.Errorf("Parse(%q): %d minutes, problems %q, notes %q; want no duration, the words as notes",
				line, got.Draft.DurationMin, got.Problems, got.Draft.Notes)
		}
	}
}

func TestDurationsOutOfRange(t *testing.T) {
	for _, tt := range []struct{ in, problem string }{
		{"0m", "0 minutes is less than 1, the least a session can be"},
		{"0h", "0 minutes is less than 1, the least a session can be"},
		{"0.001h", "0 minutes is less than 1, the least a session can be"},
		{"481m", "481 minutes is more than 480, the most a session can be"},
		{"600 minutes", "600 minutes is more than 480, the most a session can be"},
		{"8h 1m", "481 minutes is more than 480, the most a session can be"},
		{"999999999h", "59999999940 minutes is more than 480, the most a session can be"},
		// However many digits: the range, never "I couldn't tell how long".
		{"1000000000m", "1000000000 minutes is more than 480, the most a session can be"},
		{"1234567890m", "1234567890 minutes is more than 480, the most a session can be"},
		{"999999999999 min", "999999999999 minutes is more than 480, the most a session can be"},
		{"0000000000000481m", "481 minutes is more than 480, the most a session can be"},
		{"1000000000000m", `"1000000000000m" is more than 480 minutes, the most a session can be`},
		{"100000000000000000000000000000000 hours", `"100000000000000000000000000000000 hours" is more than 480 minutes, the most a session can be`},
		{strings.Repeat("9", 400) + "m", `"` + strings.Repeat("9", 39) + `…" is more than 480 minutes, the most a session can be`},
		// Below zero: too short, not unreadable.
		{"-30m", "-30 minutes is less than 1, the least a session can be"},
		{"-30 min", "-30 minutes is less than 1, the least a session can be"},
		{"-1h", "-60 minutes is less than 1, the least a session can be"},
		{"-1h30", "-90 minutes is less than 1, the least a session can be"},
		{"-10000000000000h", `"-10000000000000h" is less than 1 minute, the least a session can be`},
		// Full-width digits count as digits.
		{"４８１m", "481 minutes is more than 480, the most a session can be"},
	} {
		got := Parse("<@U1> 1:1 "+tt.in, wednesday)
		// Read, the duration is not missing: its problem says what is wrong.
		if got.Draft.DurationMin != 0 || len(got.Problems) != 1 || got.Problems[0] != tt.problem || len(got.Missing) != 0 {
			t.Errorf("%s: %d minutes, problems %q, missing %v; want 0, %q, nothing missing",
				tt.in, got.Draft.DurationMin, got.Problems, got.Missing, tt.problem)
		}
	}
}

// A negative span is refused on its own: it never joins the hours
// before it ("1h -30m" is not half an hour).
func TestNegativeSpansNeverJoin(t *testing.T) {
	for _, tt := range []struct {
		in      string
		minutes int
		problem string
	}{
		{"1h -30m", 60, "two durations given: 1h and -30m"},
		{"2 hours -15 min", 120, "two durations given: 2 hours and -15 min"},
	} {
		got := Parse("<@U1> 1:1 "+tt.in, wednesday)
		if got.Draft.DurationMin != tt.minutes || len(got.Problems) != 1 || got.Problems[0] != tt.problem {
			t.Errorf("%s: %d minutes, problems %q; want %d, %q", tt.in, got.Draft.DurationMin, got.Problems, tt.minutes, tt.problem)
		}
	}
}

func TestMentionsDuration(t *testing.T) {
	for text, want := range map[string]bool{
		"rode along with <@U0REP2|sam>, great call":          false,
		"quick chat with <@U123>, she did well &amp; closed": false,
		"rode along with <@U1|sam> for 45":                   true,
		"an hour with <@U1>":                                 true,
		"half an hour on discovery":                          true,
		"did 2 calls":                                        true,
		"1:1 went long":                                      true,
		"Thirty-ish MINUTES":                                 true,
	} {
		if got := MentionsDuration(text); got != want {
			t.Errorf("MentionsDuration(%q) = %v, want %v", text, got, want)
		}
	}
}

// A hyphenated duration is read in the header wherever "30 min" is: before
// the kind ("30-min 1:1", as a review found opening the form), and where
// the notes start, where one other than the header's is asked about as
// "5 min late" is.
func TestAHyphenatedDurationInTheHeader(t *testing.T) {
	for _, tt := range []struct {
		line    string
		minutes int
		notes   string
		clear   bool
	}{
		{"<@U1> 30-min 1:1 pricing", 30, "pricing", true},
		{"<@U1> 45-minute deal review", 45, "", true},
		{"1-hour ride-along <@U1> as lead great call", 60, "great call", true},
		{"<@U1> 1:1 30m 30-minute recap of pricing", 30, "30-minute recap of pricing", true},
		{"<@U1> 1:1 30m 10-minute warm-up then pricing", 30, "10-minute warm-up then pricing", false},
		// A unit of one letter is no word of its own ("5-m" may be
		// metres): the header stops there, and the words only guess.
		{"<@U1> 5-m 1:1 pricing", 5, "5-m 1:1 pricing", false},
		{"<@U1> 1:1 5-h pricing", 300, "5-h pricing", false},
	} {
		got := Parse(tt.line, wednesday)
		if got.Draft.DurationMin != tt.minutes || got.Draft.Notes != tt.notes || got.Clear() != tt.clear {
			t.Errorf("Parse(%q): %d minutes, notes %q, clear %v; want %d, %q, %v",
				tt.line, got.Draft.DurationMin, got.Draft.Notes, got.Clear(), tt.minutes, tt.notes, tt.clear)
		}
	}
}
