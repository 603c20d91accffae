package coaching

import "testing"

// A kind said mid-sentence ("this deal review from Nov 20") is in lower
// case, as people write it; what is no word to lower (1:1) stays as it
// is. Each kind is spelled out, not lowered, so that a label holding a
// name keeps it: every kind must have its own.
func TestAKindReadsNaturallyMidSentence(t *testing.T) {
	want := map[Kind]string{
		KindRideAlong:     "ride-along",
		KindOneOnOne:      "1:1",
		KindDealReview:    "deal review",
		KindSkillPractice: "role-play",
		KindCareer:        "career conversation",
		KindTeamMeeting:   "team meeting",
	}
	for _, k := range Kinds() {
		if got := k.Noun(); got != want[k] {
			t.Errorf("%s.Noun() = %q, want %q", k, got, want[k])
		}
	}
	if got := Kind("unknown").Noun(); got != "unknown" {
		t.Errorf("an unknown kind's Noun() = %q, want it as stored", got)
	}
}
