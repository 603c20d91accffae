package coaching

import (
	"encoding/json"
	"testing"
)

// The audit trail kept no value of the follow-up date nor of the
// commitments before 2026-12: an edit's entry then says only that they
// changed. A rep asked again since such an entry is told they changed,
// as before, even when changed back: nothing says they were. Entries
// written since, with the values, compare them as the other fields; so
// does a trail whose first edit since the rep's answer kept them, older
// entries before it or not.
func TestATrailWithoutTheFollowUpAndCommitmentsListsThemWhenChanged(t *testing.T) {
	// Each edit changed the follow-up date and the commitments; the
	// second set them back, as the session is now (cur). old is an
	// entry's session as written before the values were kept.
	const (
		old       = `{"reps":["UANA"],"kind":"one_on_one","occurred_on":"2026-11-25","duration_min":30,"role":"","skills":null,"notes":"worked on discovery","visibility":"private","version":2}`
		newBefore = `{"reps":["UANA"],"kind":"one_on_one","occurred_on":"2026-11-25","duration_min":30,"role":"","skills":null,"notes":"worked on discovery","visibility":"private","version":2,"commitments":["Send recap"],"follow_up_on":""}`
		newAfter  = `{"reps":["UANA"],"kind":"one_on_one","occurred_on":"2026-11-25","duration_min":30,"role":"","skills":null,"notes":"worked on discovery","visibility":"private","version":2,"commitments":["Send recap","Call the CFO"],"follow_up_on":"2026-12-03"}`
		newBack   = `{"reps":["UANA"],"kind":"one_on_one","occurred_on":"2026-11-25","duration_min":30,"role":"","skills":null,"notes":"worked on discovery","visibility":"private","version":2,"commitments":["Send recap"],"follow_up_on":""}`
	)
	edit := func(before, after, kept string) AuditEntry {
		raw := `{"changes":["commitments","follow_up"],"reasked":[],"before":` + before + `,"after":` + after + kept + `}`
		var detail map[string]any
		if err := json.Unmarshal([]byte(raw), &detail); err != nil {
			t.Fatal(err)
		}
		return AuditEntry{Action: "edit", Detail: detail}
	}
	dispute := AuditEntry{Action: "dispute", Detail: map[string]any{"rep_id": "UANA", "status": "disputed", "rating": 0.0}}
	const none = `,"kept":[]`
	cur := Session{ManagerID: "UMGR", Kind: KindOneOnOne, OccurredOn: Date{2026, 11, 25}, DurationMin: 30, Notes: "worked on discovery",
		Visibility: VisibilityPrivate, Reps: []SessionRep{{RepID: "UANA", Status: StatusPending}},
		Commitments: []Commitment{{RepID: "UANA", Text: "Send recap"}}}
	d := Draft{RepIDs: []string{"UANA"}, Kind: KindOneOnOne, OccurredOn: Date{2026, 11, 25}, DurationMin: 45, Notes: "worked on discovery",
		Visibility: VisibilityPrivate, Commitments: []string{"Send recap"}}
	for _, tt := range []struct {
		name  string
		trail []AuditEntry
		want  string
	}{
		{"entries without the values", []AuditEntry{dispute, edit(old, old, ""), edit(old, old, "")},
			"duration 30 → 45 min; commitments; follow-up date"},
		{"the first edit since without them", []AuditEntry{dispute, edit(old, old, ""), edit(newAfter, newBack, none)},
			"duration 30 → 45 min; commitments; follow-up date"},
		{"entries with the values", []AuditEntry{dispute, edit(newBefore, newAfter, none), edit(newAfter, newBack, none)},
			"duration 30 → 45 min"},
		{"entries with the values after older ones", []AuditEntry{edit(old, old, ""), dispute, edit(newBefore, newAfter, none), edit(newAfter, newBack, none)},
			"duration 30 → 45 min"},
		{"a commitment ticked off as kept", []AuditEntry{dispute, edit(newBefore, newAfter, `,"kept":[7]`), edit(newAfter, newBack, none)},
			"duration 30 → 45 min; commitments"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			trail, err := readTrail(tt.trail)
			if err != nil {
				t.Fatal(err)
			}
			u := unansweredBy(trail, "UANA")
			if !u.disputed {
				t.Fatal("the rep's last answer, Not accurate, was not read")
			}
			if got := u.changes(cur, d, Changes(cur, d)).describeButReaders(); got != tt.want {
				t.Errorf("told %q, want %q", got, tt.want)
			}
		})
	}
}
