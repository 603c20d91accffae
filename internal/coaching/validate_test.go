package coaching

import "testing"

// A review found a team meeting with the manager picked beside the reps
// refused as "You can't log coaching with yourself: pick the rep you
// coached.", though the reps were picked: with others on the list, the
// form says to take yourself off it.
func TestPickingYourselfSaysWhatToDo(t *testing.T) {
	today := Date{Year: 2026, Month: 11, Day: 18}
	for _, tt := range []struct {
		reps []string
		want string
	}{
		{[]string{"UM"}, "You can't log coaching with yourself: pick the rep you coached."},
		{[]string{"UR1", "UM", "UR2"}, "You can't log coaching with yourself: take yourself off the list of reps."},
	} {
		d := Draft{RepIDs: tt.reps, Kind: KindTeamMeeting, OccurredOn: today, DurationMin: 30}
		if got := ValidateDraft(d, "UM", today, nil)[FieldReps]; got != tt.want {
			t.Errorf("reps %v: %q, want %q", tt.reps, got, tt.want)
		}
	}
}

// "The date is more than a year ago." left the manager to work out which
// day a year allows: the form names the earliest, on the manager's today
// (a 29 February's year before is 28 February).
func TestAnOldDateNamesTheEarliestDay(t *testing.T) {
	for _, tt := range []struct {
		today, date Date
		want        string
	}{
		{Date{2026, 12, 2}, Date{2025, 12, 1}, "The date is more than a year ago: the earliest you can log is Tue 2 Dec 2025."},
		{Date{2026, 12, 2}, Date{2025, 12, 2}, ""},
		{Date{2028, 2, 29}, Date{2027, 2, 27}, "The date is more than a year ago: the earliest you can log is Sun 28 Feb 2027."},
	} {
		d := Draft{RepIDs: []string{"UR"}, Kind: KindOneOnOne, OccurredOn: tt.date, DurationMin: 30}
		if got := ValidateDraft(d, "UM", tt.today, nil)[FieldDate]; got != tt.want {
			t.Errorf("%s on %s: %q, want %q", tt.date, tt.today, got, tt.want)
		}
	}
}
