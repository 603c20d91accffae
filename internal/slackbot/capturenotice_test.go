package slackbot

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/quickcapture"
)

// noticeDay is the manager's today in these tests: Wednesday 18 Nov 2026.
var noticeDay = coaching.Date{Year: 2026, Month: 11, Day: 18}

// A review found "/coach @sam 1:1 30m tomorrow" logged today with notes
// "tomorrow". The form it opens now says nothing was logged, and why, in
// the words of the form's own date check; in the prose reading's notice
// too, whatever the model filled in.
func TestAPlanOpensTheFormSayingCoachingIsLoggedOnceItHappened(t *testing.T) {
	res := quickcapture.Parse("<@U1|sam> 1:1 30m tomorrow", noticeDay)
	want := `Nothing was logged: "tomorrow" is still to come, and coaching can be logged only once it has happened. ` +
		"If it already happened, pick the day it did."
	if got := notUnderstood(res); !strings.Contains(got, want) {
		t.Errorf("notice %q, want it to say %q", got, want)
	}
	if got := strings.Join(doubtParts(unfilled(res, []string{"date"})), " "); !strings.Contains(got, want) {
		t.Errorf("after the model read the date, the notice says %q, want %q", got, want)
	}
}
