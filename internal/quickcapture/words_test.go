package quickcapture

import (
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

func TestKinds(t *testing.T) {
	for _, tt := range []struct {
		phrase string
		want   coaching.Kind
	}{
		{"ride-along", coaching.KindRideAlong},
		{"ride along", coaching.KindRideAlong},
		{"Ridealong", coaching.KindRideAlong},
		{"ride", coaching.KindRideAlong},
		{"joint call", coaching.KindRideAlong},
		{"team mtg", coaching.KindTeamMeeting},
		{"team sync", coaching.KindTeamMeeting},
		{"field observation", coaching.KindRideAlong},
		{"joint-call", coaching.KindRideAlong},
		{"field visit", coaching.KindRideAlong},
		{"1:1", coaching.KindOneOnOne},
		{"1-1", coaching.KindOneOnOne},
		{"1on1", coaching.KindOneOnOne},
		{"1-on-1", coaching.KindOneOnOne},
		{"one-on-one", coaching.KindOneOnOne},
		{"One on one", coaching.KindOneOnOne},
		{"deal review", coaching.KindDealReview},
		{"deal-review", coaching.KindDealReview},
		{"pipeline review", coaching.KindDealReview},
		{"pipeline-review", coaching.KindDealReview},
		{"forecast review", coaching.KindDealReview},
		{"role-play", coaching.KindSkillPractice},
		{"role play", coaching.KindSkillPractice},
		{"roleplay", coaching.KindSkillPractice},
		{"practice", coaching.KindSkillPractice},
		{"skill practice", coaching.KindSkillPractice},
		{"skills practice", coaching.KindSkillPractice},
		{"mock call", coaching.KindSkillPractice},
		{"group role-play", coaching.KindSkillPractice},
		{"career", coaching.KindCareer},
		{"career conversation", coaching.KindCareer},
		{"career chat", coaching.KindCareer},
		{"career talk", coaching.KindCareer},
		{"team meeting", coaching.KindTeamMeeting},
		{"team-meeting", coaching.KindTeamMeeting},
		{"team call", coaching.KindTeamMeeting},
		{"HUDDLE", coaching.KindTeamMeeting},
		{"group session", coaching.KindTeamMeeting},
		{"ride-along,", coaching.KindRideAlong},
		// As managers type a 1:1 on a phone: a review found these opened
		// the form though nothing else reads them ("one to one" was read
		// in a sentence only; "1x1" not at all).
		{"one to one", coaching.KindOneOnOne},
		{"one-to-one", coaching.KindOneOnOne},
		{"One-To-One", coaching.KindOneOnOne},
		{"1x1", coaching.KindOneOnOne},
		{"1X1", coaching.KindOneOnOne},
		// The digits of "one-to-one", as a review found them opening
		// the form.
		{"1-to-1", coaching.KindOneOnOne},
		{"1to1", coaching.KindOneOnOne},
		{"1 to 1", coaching.KindOneOnOne},
		{"1-To-1", coaching.KindOneOnOne},
	} {
		line := "<@U1> " + tt.phrase + " 30m notes"
		got := Parse(line, wednesday)
		if got.Draft.Kind != tt.want || got.Draft.Notes != "notes" || len(got.Problems) > 0 {
			t.Errorf("Parse(%q): kind %q, notes %q, problems %q; want kind %q, notes %q",
				line, got.Draft.Kind, got.Draft.Notes, got.Problems, tt.want, "notes")
		}
	}
}

// Words a manager may type for a 1:1 that the header does not read as
// one, so the form opens for the kind to be picked: "121" is a number
// (a count, a room, a deal id), a check-in may be a deal review or a 1:1,
// "coaching" is every kind, and "weekly" says how often, not what.
func TestWordsThatNameNoKind(t *testing.T) {
	for _, phrase := range []string{"121", "check-in", "check in", "coaching", "weekly 1:1"} {
		line := "<@U1> " + phrase + " 30m notes"
		if got := Parse(line, wednesday); got.Clear() {
			t.Errorf("Parse(%q) is clear, kind %q; want the form to open", line, got.Draft.Kind)
		}
	}
}

func TestPhrasesDoNotSpanPunctuation(t *testing.T) {
	got := Parse("<@U1> 30m joint, call", wednesday)
	if got.Draft.Kind != "" || got.Draft.Notes != "joint, call" {
		t.Errorf(`"joint, call": kind %q, notes %q; want no kind, the words as notes`, got.Draft.Kind, got.Draft.Notes)
	}
}

func TestRoles(t *testing.T) {
	for _, tt := range []struct {
		phrase string
		want   coaching.Role
	}{
		{"lead", coaching.RoleLead},
		{"led", coaching.RoleLead},
		{"took the lead", coaching.RoleLead},
		{"leading", coaching.RoleLead},
		{"observing", coaching.RoleObserver},
		{"shadowing", coaching.RoleObserver},
		{"participant", coaching.RoleParticipant},
		{"participated", coaching.RoleParticipant},
		{"passive", coaching.RoleParticipant},
		{"passive participant", coaching.RoleParticipant},
		{"observer", coaching.RoleObserver},
		{"observed", coaching.RoleObserver},
		{"silent", coaching.RoleObserver},
		{"silent observer", coaching.RoleObserver},
		{"Watched", coaching.RoleObserver},
		{"shadowed.", coaching.RoleObserver},
		// "as" before a role word, as a manager writes it on a phone: a
		// review found "ride-along 45m as lead" opened the form.
		{"as lead", coaching.RoleLead},
		{"as the lead", coaching.RoleLead},
		{"as observer", coaching.RoleObserver},
		{"As an observer", coaching.RoleObserver},
		{"as silent observer", coaching.RoleObserver},
		{"as participant", coaching.RoleParticipant},
		{"as a participant", coaching.RoleParticipant},
		{"as passive participant", coaching.RoleParticipant},
		// With an article after "as": a review found "as a silent
		// observer" (four words) and "as a lead" opening the form.
		{"as a lead", coaching.RoleLead},
		{"as the lead", coaching.RoleLead},
		{"as a passive participant", coaching.RoleParticipant},
		{"as a silent observer", coaching.RoleObserver},
		{"As The Silent Observer", coaching.RoleObserver},
		{"as an observer", coaching.RoleObserver},
	} {
		line := "<@U1> ride-along 30m " + tt.phrase + " notes"
		got := Parse(line, wednesday)
		if got.Draft.Role != tt.want || got.Draft.Notes != "notes" || !got.Clear() {
			t.Errorf("Parse(%q): role %q, notes %q, clear %v; want role %q, notes %q, clear",
				line, got.Draft.Role, got.Draft.Notes, got.Clear(), tt.want, "notes")
		}
	}
	// The role with its "as" may come before the duration too.
	if got := Parse("<@U1> ride-along as lead 45m notes", wednesday); got.Draft.Role != coaching.RoleLead || got.Draft.DurationMin != 45 || got.Draft.Notes != "notes" || !got.Clear() {
		t.Errorf("\"ride-along as lead 45m notes\": role %q, %d minutes, notes %q, clear %v; want lead, 45, \"notes\", clear",
			got.Draft.Role, got.Draft.DurationMin, got.Draft.Notes, got.Clear())
	}
	// Only an article is read past after "as", and only within a phrase:
	// any other word between, or punctuation, leaves the role unsaid.
	for _, phrase := range []string{"as a new lead", "as a, lead", "as, a lead", "as a a lead", "as my lead"} {
		line := "<@U1> ride-along 30m " + phrase + " notes"
		if got := Parse(line, wednesday); got.Clear() {
			t.Errorf("Parse(%q): clear, role %q; want the form to open", line, got.Draft.Role)
		}
	}
	// After a complete 1:1 a role word has nothing to say of the session
	// (a role is a ride-along's): it starts the notes, kept as typed.
	if got := Parse("<@U1> 1:1 30m observed her first demo", wednesday); got.Draft.Role != "" || got.Draft.Notes != "observed her first demo" {
		t.Errorf("a 1:1 then \"observed her first demo\": role %q, notes %q; want no role and the words in the notes", got.Draft.Role, got.Draft.Notes)
	}
}

func TestDates(t *testing.T) {
	date := func(y int, m time.Month, d int) coaching.Date { return coaching.Date{Year: y, Month: m, Day: d} }
	monday := date(2026, 11, 23)
	sunday := date(2026, 11, 29)
	newYear := date(2027, 1, 1) // a Friday
	for _, tt := range []struct {
		today coaching.Date
		word  string
		want  coaching.Date
	}{
		{wednesday, "today", wednesday},
		{wednesday, "yesterday", date(2026, 11, 24)},
		{wednesday, "Yesterday,", date(2026, 11, 24)},
		{wednesday, "2026-11-20", date(2026, 11, 20)},
		{wednesday, "2026-11-25", wednesday},

		// A weekday is the latest such day strictly before today.
		{wednesday, "mon", date(2026, 11, 23)},
		{wednesday, "monday", date(2026, 11, 23)},
		{wednesday, "tue", date(2026, 11, 24)},
		{wednesday, "tues", date(2026, 11, 24)},
		{wednesday, "tuesday", date(2026, 11, 24)},
		{wednesday, "wed", date(2026, 11, 18)},
		{wednesday, "weds", date(2026, 11, 18)},
		{wednesday, "wednesday", date(2026, 11, 18)},
		{wednesday, "thu", date(2026, 11, 19)},
		{wednesday, "thur", date(2026, 11, 19)},
		{wednesday, "thurs", date(2026, 11, 19)},
		{wednesday, "Thursday", date(2026, 11, 19)},
		{wednesday, "fri", date(2026, 11, 20)},
		{wednesday, "friday", date(2026, 11, 20)},
		{wednesday, "sat", date(2026, 11, 21)},
		{wednesday, "saturday", date(2026, 11, 21)},
		{wednesday, "sun", date(2026, 11, 22)},
		{wednesday, "sunday", date(2026, 11, 22)},

		// On a Monday, "mon" is a week ago: today would be "today".
		{monday, "mon", date(2026, 11, 16)},
		{monday, "sun", date(2026, 11, 22)},
		{monday, "fri", date(2026, 11, 20)},
		{monday, "tue", date(2026, 11, 17)},
		{sunday, "sun", date(2026, 11, 22)},
		{sunday, "sat", date(2026, 11, 28)},
		{sunday, "mon", monday},
		{newYear, "thu", date(2026, 12, 31)},
		{newYear, "mon", date(2026, 12, 28)},
		{newYear, "yesterday", date(2026, 12, 31)},
	} {
		line := "<@U1> 1:1 30m " + tt.word
		got := Parse(line, tt.today)
		if got.Draft.OccurredOn != tt.want || !got.DateGiven || !got.Clear() {
			t.Errorf("on %s, Parse(%q): date %s, given %v, clear %v; want %s, given, clear",
				tt.today.Human(), line, got.Draft.OccurredOn, got.DateGiven, got.Clear(), tt.want)
		}
	}
}

func TestDatesThatCannotStand(t *testing.T) {
	for _, tt := range []struct {
		word    string
		date    coaching.Date
		problem string
	}{
		{"2026-12-01", coaching.Date{Year: 2026, Month: 12, Day: 1}, "2026-12-01 is in the future"},
		{"2026-11-26", coaching.Date{Year: 2026, Month: 11, Day: 26}, "2026-11-26 is in the future"},
		{"2026-02-30", coaching.Date{}, "2026-02-30 is not a real date"},
		{"2026-13-01", coaching.Date{}, "2026-13-01 is not a real date"},
	} {
		got := Parse("<@U1> 1:1 30m "+tt.word, wednesday)
		if got.Draft.OccurredOn != tt.date || !got.DateGiven || len(got.Problems) != 1 || got.Problems[0] != tt.problem {
			t.Errorf("%s: date %s, given %v, problems %q; want %s, given, %q",
				tt.word, got.Draft.OccurredOn, got.DateGiven, got.Problems, tt.date, tt.problem)
		}
	}
}

func TestNoDateWordMeansToday(t *testing.T) {
	got := Parse("<@U1> 1:1 30m talked about monday's demo", wednesday)
	if got.Draft.OccurredOn != wednesday || got.DateGiven {
		t.Errorf("date %s, given %v; want today, not given", got.Draft.OccurredOn, got.DateGiven)
	}
}
