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

// What every surface says of an overdue rep.
func TestOverdueRepWaited(t *testing.T) {
	for _, tt := range []struct {
		rep   OverdueRep
		words string
	}{
		{OverdueRep{Days: 1}, "1 day since their last session"},
		{OverdueRep{Days: 20}, "20 days since their last session"},
		{OverdueRep{Days: 15, Never: true, SinceKnown: true}, "no session logged yet, 15 days since Coachlog started counting"},
		{OverdueRep{Days: 15, Never: true}, "not coached yet, 15 days in the team"},
	} {
		if got := tt.rep.Waited("the"); got != tt.words {
			t.Errorf("%+v.Waited = %q, want %q", tt.rep, got, tt.words)
		}
	}
}
