package coaching

import "testing"

// The change note says which reps an edit took off or added, not every
// rep before and after: in a team meeting of five, "reps A, B, C, D, E →
// A, B, C, D" hid the one name that changed. Other fields keep their
// "before → after". Several reps read as a list, and "took <@UD>, <@UE>
// off and added <@UF>, <@UG>" read as if <@UE> had been added: with a
// list in it, the added part stands apart.
func TestTheChangeNoteSaysWhichRepsChanged(t *testing.T) {
	old := Session{Kind: KindTeamMeeting, DurationMin: 30, Reps: []SessionRep{
		{RepID: "UA"}, {RepID: "UB"}, {RepID: "UC"}, {RepID: "UD"}, {RepID: "UE"}, {RepID: "UX", Removed: true}}}
	for _, tt := range []struct {
		name string
		reps []string
		min  int
		want string
	}{
		{"one taken off", []string{"UA", "UB", "UC", "UD"}, 30, "took <@UE> off"},
		{"one added", []string{"UA", "UB", "UC", "UD", "UE", "UF"}, 30, "added <@UF>"},
		{"one put back", []string{"UA", "UB", "UC", "UD", "UE", "UX"}, 30, "added <@UX>"},
		{"two taken off", []string{"UA", "UB", "UC"}, 30, "took <@UD> and <@UE> off"},
		{"three added", []string{"UA", "UB", "UC", "UD", "UE", "UF", "UG", "UH"}, 30, "added <@UF>, <@UG> and <@UH>"},
		{"one each", []string{"UA", "UB", "UC", "UD", "UF"}, 30, "took <@UE> off and added <@UF>"},
		{"two off, one added", []string{"UA", "UB", "UC", "UF"}, 30, "took <@UD> and <@UE> off; added <@UF>"},
		{"one off, two added", []string{"UA", "UB", "UC", "UD", "UF", "UG"}, 30, "took <@UE> off; added <@UF> and <@UG>"},
		{"both", []string{"UA", "UB", "UF", "UG"}, 30, "took <@UC>, <@UD> and <@UE> off; added <@UF> and <@UG>"},
		{"with another field", []string{"UB", "UC", "UD", "UE"}, 45, "took <@UA> off; duration 30 → 45 min"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := Draft{Kind: KindTeamMeeting, DurationMin: tt.min, RepIDs: tt.reps}
			if got := Changes(old, d).Summary(); got != tt.want {
				t.Errorf("change note = %q, want %q", got, tt.want)
			}
		})
	}
}
