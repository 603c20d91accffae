package llm

import (
	"reflect"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/quickcapture"
)

func TestMerge(t *testing.T) {
	yesterday := tuesday.AddDays(-1)
	full := Extraction{RepIDs: []string{"U2"}, Kind: coaching.KindRideAlong, Role: coaching.RoleObserver, DurationMin: 50,
		OccurredOn: yesterday.AddDays(-1), Skills: []string{"closing"}, Notes: "trimmed", Commitments: []string{"call back"}}
	for _, tt := range []struct {
		line string
		x    Extraction
		want coaching.Draft
	}{
		{ // the header read nothing but a guessed rep: the model fills everything
			"rode along with <@U1|sam> and <@U2|bo>, great", full,
			coaching.Draft{RepIDs: []string{"U2"}, Kind: coaching.KindRideAlong, Role: coaching.RoleObserver, DurationMin: 50,
				OccurredOn: yesterday.AddDays(-1), Skills: []string{"closing"}, Notes: "trimmed", Commitments: []string{"call back"}},
		},
		{ // what the header read stands
			"<@U1|sam> ride along 30m lead yesterday great", full,
			coaching.Draft{RepIDs: []string{"U1"}, Kind: coaching.KindRideAlong, Role: coaching.RoleLead, DurationMin: 30,
				OccurredOn: yesterday, Skills: []string{"closing"}, Notes: "trimmed", Commitments: []string{"call back"}},
		},
		{ // a role only on a ride-along the header named otherwise
			"<@U1|sam> 1:1 chat", full,
			coaching.Draft{RepIDs: []string{"U1"}, Kind: coaching.KindOneOnOne, DurationMin: 50,
				OccurredOn: yesterday.AddDays(-1), Skills: []string{"closing"}, Notes: "trimmed", Commitments: []string{"call back"}},
		},
		{ // what the rule parser guessed from the sentence, the model's reading replaces,
			// but for the role the words said ("mostly watched": participant)
			"rode along with <@U1|sam> mon for an hour, mostly watched", full,
			coaching.Draft{RepIDs: []string{"U2"}, Kind: coaching.KindRideAlong, Role: coaching.RoleParticipant, DurationMin: 50,
				OccurredOn: yesterday.AddDays(-1), Skills: []string{"closing"}, Notes: "trimmed", Commitments: []string{"call back"}},
		},
		{ // but a duration typed as a header types it ("45 min") is no guess: it stands
			"rode along with <@U1|sam> mon for 45 min, mostly watched", full,
			coaching.Draft{RepIDs: []string{"U2"}, Kind: coaching.KindRideAlong, Role: coaching.RoleParticipant, DurationMin: 45,
				OccurredOn: yesterday.AddDays(-1), Skills: []string{"closing"}, Notes: "trimmed", Commitments: []string{"call back"}},
		},
		{ // and keeps where the model read nothing
			"rode along with <@U1|sam> yesterday for 45 min, mostly watched", Extraction{Kind: coaching.KindOneOnOne},
			coaching.Draft{RepIDs: []string{"U1"}, Kind: coaching.KindOneOnOne, DurationMin: 45, OccurredOn: yesterday,
				Notes: "rode along with <@U1|sam> yesterday for 45 min, mostly watched"},
		},
		{ // an empty reading changes nothing
			"rode along with <@U1|sam>, great", Extraction{},
			quickcapture.Parse("rode along with <@U1|sam>, great", tuesday).Draft,
		},
	} {
		rule := quickcapture.Parse(tt.line, tuesday)
		if got := Merge(rule, tt.x); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Merge(%q)\n got %+v\nwant %+v", tt.line, got, tt.want)
		}
	}
}
