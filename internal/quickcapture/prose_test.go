package quickcapture

import (
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
)

// A review found that, without an LLM, a sentence was read for nothing
// but the people it mentions: "rode along with @sam on the Acme demo,
// mostly watched, 45 min" came out with kind, duration and role empty, as
// PRODUCT.md promises the rule-based parser fills them. Now the fields a
// sentence says are read from anywhere in it, as guesses: never clear,
// the notes the whole sentence as written.
func TestProseIsReadForFields(t *testing.T) {
	const (
		ride    = coaching.KindRideAlong
		oneOne  = coaching.KindOneOnOne
		deal    = coaching.KindDealReview
		skill   = coaching.KindSkillPractice
		career  = coaching.KindCareer
		team    = coaching.KindTeamMeeting
		lead    = coaching.RoleLead
		part    = coaching.RoleParticipant
		obs     = coaching.RoleObserver
		nothing = coaching.Kind("")
	)
	yesterday := wednesday.AddDays(-1)
	monday := wednesday.AddDays(-2)
	for _, tt := range []struct {
		line    string
		kind    coaching.Kind
		minutes int
		role    coaching.Role
		date    coaching.Date // zero: today
	}{
		// The review's sentences.
		{"rode along with <@U123|sam> on the Acme demo, mostly watched, 45 min", ride, 45, part, coaching.Date{}},
		{"had a 30 minute 1:1 with <@U123|sam> yesterday about pipeline", oneOne, 30, "", yesterday},
		{"quick deal review with <@U123|sam>, 20 min", deal, 20, "", coaching.Date{}},
		{"joined <@U123|sam> on a call for an hour and took the lead", ride, 60, lead, coaching.Date{}},
		// Kinds as people write them.
		{"did a ride along with <@U123|sam>, 1h, just observed", ride, 60, obs, coaching.Date{}},
		{"did a ride-along with <@U123|sam> 50m, silent the whole time", ride, 50, obs, coaching.Date{}},
		{"I shadowed <@U123|sam> on his discovery call, 40 mins", ride, 40, obs, coaching.Date{}},
		{"sat in on <@U123|sam>'s demo for half an hour, chimed in on pricing", ride, 30, part, coaching.Date{}},
		{"great one-on-one with <@U123|sam> on monday, 1.5 hours", oneOne, 90, "", monday},
		{"did a pipeline review with <@U123|sam> 2026-11-20, 1h30", deal, 90, "", coaching.Date{Year: 2026, Month: 11, Day: 20}},
		{"ran a role-play with <@U123|sam> on 20 nov, a 30-minute session", skill, 30, "", coaching.Date{Year: 2026, Month: 11, Day: 20}},
		{"long career conversation with <@U123|sam> nov 18, an hour and a half", career, 90, "", coaching.Date{Year: 2026, Month: 11, Day: 18}},
		{"weekly team meeting with <@U1> and <@U2>, 45 minutes", team, 45, "", coaching.Date{}},
		// A role alone says a ride-along; beside another kind it is dropped.
		{"went to Acme with <@U123|sam>, listened, 25 min", ride, 25, obs, coaching.Date{}},
		{"quick deal review with <@U123|sam>, he led the pricing part, 20 min", deal, 20, "", coaching.Date{}},
		{"did a joint call with <@U123|sam> yesterday, I led, 1 hour", ride, 60, lead, yesterday},
		// The rep's doing is not the manager's role.
		{"rode along with <@U123|sam>, he led the call and I chimed in, 30 min", ride, 30, part, coaching.Date{}},
		{"rode along with <@U123|sam> for 30 min, <@U123|sam> took the lead", ride, 30, "", coaching.Date{}},
		// Words the header reads that a sentence uses otherwise are not read.
		{"talked about the Acme lead and his career goals with <@U123|sam>", nothing, 0, "", coaching.Date{}},
		{"sat down with <@U123|sam> and watched the sun set", nothing, 0, "", coaching.Date{}},
	} {
		got := Parse(tt.line, wednesday)
		d := got.Draft
		want := tt.date
		if want.IsZero() {
			want = wednesday
		}
		if d.Kind != tt.kind || d.DurationMin != tt.minutes || d.Role != tt.role || d.OccurredOn != want {
			t.Errorf("Parse(%q): kind %q, %d min, role %q, on %s; want %q, %d, %q, %s",
				tt.line, d.Kind, d.DurationMin, d.Role, d.OccurredOn, tt.kind, tt.minutes, tt.role, want)
		}
		if got.Clear() {
			t.Errorf("Parse(%q) is clear: a sentence is always confirmed in the form", tt.line)
		}
		if d.Notes != tt.line {
			t.Errorf("Parse(%q) notes %q, want the whole sentence", tt.line, d.Notes)
		}
		if len(d.RepIDs) == 0 {
			t.Errorf("Parse(%q): no rep found", tt.line)
		}
		for _, f := range []struct {
			field coaching.Field
			set   bool
		}{
			{coaching.FieldKind, tt.kind != ""},
			{coaching.FieldDate, !tt.date.IsZero()},
			// A duration written as the header writes it ("45 min",
			// "1h30") is what was typed; one in words is read.
			{coaching.FieldDuration, tt.minutes != 0 && (strings.Contains(tt.line, "an hour") || strings.Contains(tt.line, "-minute"))},
			{coaching.FieldRole, tt.role != ""},
		} {
			if got.Guess(f.field) != f.set {
				t.Errorf("Parse(%q): guessed %v; %s guessed should be %v", tt.line, got.Guessed, f.field, f.set)
			}
		}
	}
}

// What the header says stands; a sentence after it fills only what it
// left unsaid, and the line is then confirmed in the form.
func TestNotesFillWhatTheHeaderLeftOut(t *testing.T) {
	got := Parse("<@U1> ride-along 45m rushed pricing, I took the lead on the close", wednesday)
	if got.Draft.Role != coaching.RoleLead || !slices.Equal(got.Guessed, []coaching.Field{coaching.FieldRole}) || got.Clear() {
		t.Errorf("role %q, guessed %v, clear %v; want lead guessed, not clear", got.Draft.Role, got.Guessed, got.Clear())
	}
	if got.Draft.Notes != "rushed pricing, I took the lead on the close" {
		t.Errorf("notes %q", got.Draft.Notes)
	}
	got = Parse("<@U1> 1:1 went over pricing for half an hour, then a deal review", wednesday)
	if got.Draft.Kind != coaching.KindOneOnOne || got.Draft.DurationMin != 30 || !slices.Equal(got.Guessed, []coaching.Field{coaching.FieldDuration}) {
		t.Errorf("kind %q, %d min, guessed %v; want the header's 1:1 and 30 min guessed", got.Draft.Kind, got.Draft.DurationMin, got.Guessed)
	}
	// A role in the header says a ride-along, as in a sentence.
	got = Parse("shadowed <@U1> on his discovery call, 40 mins", wednesday)
	if got.Draft.Kind != coaching.KindRideAlong || got.Draft.Role != coaching.RoleObserver || got.Draft.DurationMin != 40 ||
		!slices.Equal(got.Guessed, []coaching.Field{coaching.FieldKind}) {
		t.Errorf("kind %q, role %q, %d min, guessed %v; want a ride-along guessed, observer, 40 min as typed", got.Draft.Kind, got.Draft.Role, got.Draft.DurationMin, got.Guessed)
	}
	// A complete header is not second-guessed by its notes.
	got = Parse("<@U1> 1:1 30m he took the lead on the Acme ride along for an hour", wednesday)
	if !got.Clear() || got.Draft.DurationMin != 30 || got.Draft.Role != "" {
		t.Errorf("clear %v, %d min, role %q; want the header's 1:1 of 30 min, clear", got.Clear(), got.Draft.DurationMin, got.Draft.Role)
	}
}

// A review found a date the header does not understand silently started
// the notes, and the session was logged today as clear: "/coach @sam 1:1
// 30m 11/20 pricing review" logged today with notes "11/20 pricing
// review". Such a line is now unclear, the form says what was made of it,
// and the notes keep what was written.
func TestAnUnreadDateIsAsked(t *testing.T) {
	nov20 := coaching.Date{Year: 2026, Month: 11, Day: 20}
	for _, tt := range []struct {
		line  string
		date  coaching.Date // zero: today
		doubt string
	}{
		{"<@U1> 1:1 30m 11/20 pricing review", nov20, "I read 11/20 as Fri 20 Nov 2026"},
		{"<@U1> 1:1 30m 20/11 pricing review", nov20, "I read 20/11 as Fri 20 Nov 2026"},
		{"<@U1> 1:1 30m on 11/20/2026 pricing", nov20, "I read 11/20/2026 as Fri 20 Nov 2026"},
		{"<@U1> 1:1 30m 20.11.2026 pricing", nov20, "I read 20.11.2026 as Fri 20 Nov 2026"},
		{"<@U1> 1:1 30m 3/4 pricing", coaching.Date{}, "3/4 could be Wed 4 Mar 2026 or Fri 3 Apr 2026: the form shows today, pick the day"},
		{"<@U1> 1:1 30m 13/13 pricing", coaching.Date{}, `I couldn't read the date "13/13": the form shows today`},
		{"<@U1> 1:1 30m yday pricing", coaching.Date{}, `I couldn't read the date "yday": the form shows Wed 25 Nov 2026`},
		{"<@U1> 1:1 30m last week pricing", coaching.Date{}, `I couldn't read the date "last week": the form shows Wed 25 Nov 2026`},
		{"<@U1> 1:1 30m this mon", coaching.Date{}, `I couldn't read the date "this mon": the form shows Wed 25 Nov 2026`},
		{"<@U1> 1:1 30m - 3 days ago, pricing", coaching.Date{}, `I couldn't read the date "3 days ago": the form shows Wed 25 Nov 2026`},
		{"<@U1> 1:1 30m on the 20th, pricing", coaching.Date{}, `I couldn't read the date "20th": the form shows Wed 25 Nov 2026`},
		{"<@U1> 1:1 30m yesterday 11/20 pricing", wednesday.AddDays(-1), "11/20 looks like a date too; the form shows Tue 24 Nov 2026"},
		// A weekday mistyped, abbreviated past reading or in another
		// language: a review found each logged today, the word in the
		// notes.
		{"<@U1> 1:1 30m thrusday", coaching.Date{}, `I couldn't read the date "thrusday": the form shows Wed 25 Nov 2026`},
		{"<@U1> 1:1 30m wendesday pricing", coaching.Date{}, `I couldn't read the date "wendesday": the form shows Wed 25 Nov 2026`},
		{"<@U1> 1:1 30m tu", coaching.Date{}, `I couldn't read the date "tu": the form shows Wed 25 Nov 2026`},
		{"<@U1> 1:1 30m mardi", coaching.Date{}, `I couldn't read the date "mardi": the form shows Wed 25 Nov 2026`},
		{"<@U1> 1:1 30m Frdiay, pricing", coaching.Date{}, `I couldn't read the date "Frdiay": the form shows Wed 25 Nov 2026`},
		{"<@U1> 1:1 30m Dienstag Preisverhandlung", coaching.Date{}, `I couldn't read the date "Dienstag": the form shows Wed 25 Nov 2026`},
		{"<@U1> thrusday 1:1 30m", coaching.Date{}, `I couldn't read the date "thrusday": the form shows today`},
	} {
		got := Parse(tt.line, wednesday)
		want := tt.date
		if want.IsZero() {
			want = wednesday
		}
		if got.Clear() || got.Draft.OccurredOn != want || !slices.Equal(got.Doubts, []string{tt.doubt}) {
			t.Errorf("Parse(%q): clear %v, on %s, doubts %q; want unclear, on %s, %q", tt.line, got.Clear(), got.Draft.OccurredOn, got.Doubts, want, tt.doubt)
		}
		if !strings.Contains(tt.line, got.Draft.Notes) || got.Draft.Notes == "" {
			t.Errorf("Parse(%q) notes %q lost what was written", tt.line, got.Draft.Notes)
		}
	}
	// A month that is also a name, after a complete header, is the
	// notes. (Words for the future there open the form as a plan: see
	// TestWordsForADayAheadAreAPlanNotNotes.)
	for _, line := range []string{
		"<@U1> 1:1 30m Jan from legal joined",
		"<@U1> 1:1 30m 45 deals in the pipe",
		"<@U1> 1:1 30m last call went well",
		// Words a letter or two from a short day name are not its typos.
		"<@U1> 1:1 30m money questions",
		"<@U1> 1:1 30m midday call",
		"<@U1> 1:1 30m the deck",
		"<@U1> 1:1 30m we covered pricing",
		"<@U1> 1:1 30m on pricing",
		"<@U1> 1:1 30m for Q1",
		"<@U1> 1:1 30m set goals",
		"<@U1> 1:1 30m sunk cost",
		"<@U1> 1:1 30m Mo from legal joined",
	} {
		if got := Parse(line, wednesday); !got.Clear() || len(got.Doubts) > 0 {
			t.Errorf("Parse(%q): clear %v, doubts %q; want clear", line, got.Clear(), got.Doubts)
		}
	}
}

// A day with a month name is read in the header, as an ISO date is: it
// says one day whatever the country, so the line stays clear. Where the
// notes start, after a complete header, it may be their first words:
// see TestAMonthDateWhereTheNotesStartIsAGuess.
func TestMonthNamesAreDates(t *testing.T) {
	for _, tt := range []struct {
		line  string
		today coaching.Date
		date  coaching.Date
		notes string
	}{
		{"<@U1> 20 nov 1:1 30m pricing", wednesday, coaching.Date{Year: 2026, Month: 11, Day: 20}, "pricing"},
		{"<@U1> 1:1 nov 20 30m pricing", wednesday, coaching.Date{Year: 2026, Month: 11, Day: 20}, "pricing"},
		{"<@U1> November 20th: 1:1 30m: pricing", wednesday, coaching.Date{Year: 2026, Month: 11, Day: 20}, "pricing"},
		{"<@U1> 1:1 on nov 20, 2026 30m pricing", wednesday, coaching.Date{Year: 2026, Month: 11, Day: 20}, "pricing"},
		{"<@U1> 1:1 30m nov 20", wednesday, coaching.Date{Year: 2026, Month: 11, Day: 20}, ""},
		{"<@U1> 1:1 30m on may 2.", wednesday, coaching.Date{Year: 2026, Month: 5, Day: 2}, ""},
	} {
		got := Parse(tt.line, tt.today)
		if !got.Clear() || got.Draft.OccurredOn != tt.date || got.Draft.Notes != tt.notes {
			t.Errorf("Parse(%q): clear %v (problems %q, doubts %q), on %s, notes %q; want clear, %s, %q",
				tt.line, got.Clear(), got.Problems, got.Doubts, got.Draft.OccurredOn, got.Draft.Notes, tt.date, tt.notes)
		}
	}
	if got := Parse("<@U1> 1:1 30m nov 31 pricing", wednesday); !slices.Equal(got.Problems, []string{"nov 31 is not a real date"}) {
		t.Errorf("nov 31: problems %q", got.Problems)
	}
	if got := Parse("<@U1> 1:1 30m 20 nov 2027 pricing", wednesday); !slices.Equal(got.Problems, []string{"20 nov 2027 is in the future"}) {
		t.Errorf("20 nov 2027: problems %q", got.Problems)
	}
}

// A review found "<@U1> deal reveiw 45m acme" open the form saying "I
// took how long from your words: check them", though 45m was typed
// outright. A duration written as the header writes it is what was
// typed, wherever it stands; one in words is read from the sentence, and
// so is the first of two a sentence gives.
func TestADurationTypedOutrightIsNoGuess(t *testing.T) {
	for _, tt := range []struct {
		line    string
		minutes int
		guessed bool
	}{
		{"<@U1> deal reveiw 45m acme", 45, false},
		{"<@U1> 1:1 went over pricing for 45 min", 45, false},
		{"<@U1> 1:1 went over pricing for an hour", 60, true},
		{"rode along with <@U1>, 5 min late, then 30 min on pricing, mostly watched", 5, true},
		{"rode along with <@U1>, 30 min, mostly watched, 30 min debrief", 30, false},
	} {
		got := Parse(tt.line, wednesday)
		if got.Draft.DurationMin != tt.minutes || got.Guess(coaching.FieldDuration) != tt.guessed {
			t.Errorf("Parse(%q): %d min, guessed %v; want %d min, duration guessed %v", tt.line, got.Draft.DurationMin, got.Guessed, tt.minutes, tt.guessed)
		}
	}
}
