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
