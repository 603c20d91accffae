package coaching

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

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

// The limits on what people type pass a thousand characters, and are said
// as the form's hint and the README say them: 3,000, not 3000.
func TestCharacterLimitsGroupThousands(t *testing.T) {
	today := Date{Year: 2026, Month: 11, Day: 18}
	d := Draft{RepIDs: []string{"UR"}, Kind: KindOneOnOne, OccurredOn: today, DurationMin: 30, Notes: strings.Repeat("n", 3214)}
	svc := NewService(Config{})
	_, dispute := svc.Dispute(context.Background(), RepAction{}, strings.Repeat("r", MaxReasonLen+1))
	_, comment := svc.Comment(context.Background(), RepAction{}, strings.Repeat("c", MaxReasonLen+1))
	field := func(err error, f Field) string {
		var v *ValidationError
		if !errors.As(err, &v) {
			return fmt.Sprintf("not a ValidationError: %v", err)
		}
		return v.Fields[f]
	}
	for _, tt := range []struct{ name, got, want string }{
		{"notes", ValidateDraft(d, "UM", today, nil)[FieldNotes], "Notes are 3,214 characters; keep them within 3,000."},
		{"a reason", field(dispute, "reason"), "Keep it within 1,000 characters."},
		{"a comment", field(comment, "comment"), "Keep it within 1,000 characters."},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
