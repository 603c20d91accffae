package slackbot

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"

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

// A review found "20 nov" typed on 18 Nov fill in 20 Nov of last year,
// the notice asking three times to check: "I took the date from your
// words: check them. 20 nov is still to come this year, so the form
// shows Thu 20 Nov 2025: check the date. Check the form and log it." A
// day a week ahead or less is now said to be still to come, the date on
// today; one further ahead is last year's, said once; and the notice
// asks to check once.
func TestADayStillToComeIsToldOnceAndPlainly(t *testing.T) {
	for _, tt := range []struct {
		line  string
		today coaching.Date
		want  string
	}{
		{"<@U1|sam> 20 nov 1:1 30m", noticeDay,
			`:mag: Nothing was logged: "20 nov" is still to come, and coaching can be logged only once it has happened. ` +
				"If it already happened, pick the day it did. Check the form and log it."},
		{"<@U1|sam> 1:1 30m dec 24 pricing", noticeDay,
			":mag: dec 24 is still to come this year, so the form shows last year's, Wed 24 Dec 2025. Check the form and log it."},
		{"<@U1|sam> 1:1 30m 11/17 pricing", noticeDay, ":mag: I read 11/17 as Tue 17 Nov 2026. Check the form and log it."},
		{"rode along on dec 24 with <@U1|sam>, mostly watched, an hour", noticeDay,
			":mag: I took who you coached, the kind, how long and your role from your words: check them. " +
				"dec 24 is still to come this year, so the form shows last year's, Wed 24 Dec 2025. Check the form and log it."},
	} {
		got := notUnderstood(quickcapture.Parse(tt.line, tt.today))
		if got != tt.want || strings.Count(strings.ToLower(got), "check") > 1+strings.Count(tt.want, "check them") {
			t.Errorf("notice of %q:\n got %q\nwant %q", tt.line, got, tt.want)
		}
	}
}

// A review found "@Sam" typed as text (not picked from Slack's @ list,
// as on a phone) answered "@Sam isn't a Slack member I can see", though
// Sam is one: typed text is no mention. The form now says so, in the
// words every answer about a typed name uses. A review found a user
// group picked where a rep goes ("<!subteam^S1|@sales>") answered
// "@sales isn't a Slack member I can see", as if someone were missing:
// it is a group, and the form now says so, as it does of a channel.
func TestANameTypedAsTextIsSaidToBeTyped(t *testing.T) {
	for _, tt := range []struct{ line, want string }{
		{"@Sam 1:1 30m pricing", `"@Sam" was typed, not picked from Slack's @ list: pick who you coached below.`},
		{"@sam @ria team meeting 30m", `"@sam" and "@ria" were typed, not picked from Slack's @ list: pick who you coached below.`},
		{"<!subteam^S1|@sales> team meeting 30m", "@sales is a user group, not a person: pick who you coached from it below."},
		{"<@U1|sam> <!subteam^S2|@sales_*team*> team meeting 30m", escName("@sales_*team*") + " is a user group, not a person: pick who you coached from it below."},
		{"<!subteam^S3> team meeting 30m", "@S3 is a user group, not a person: pick who you coached from it below."},
	} {
		if got := notUnderstood(quickcapture.Parse(tt.line, noticeDay)); !strings.Contains(got, tt.want) || strings.Contains(got, "@Sam isn't") ||
			strings.Contains(got, "member I can see") {
			t.Errorf("notice of %q: %q, want it to say %q", tt.line, got, tt.want)
		}
	}
	if !strings.Contains(didYouMean("history"), "name who you coached from "+atList) {
		t.Errorf("/coach histroy no longer says where a name is picked: %q", didYouMean("history"))
	}
}

// A review found "deal reveiw 45m acme" answered "I couldn't tell what
// kind. I took how long from your words: check them." (45m was typed
// outright), and fields missing joined by a bare comma: "I couldn't tell
// what kind, how long."
func TestWhatIsMissingReadsAsASentence(t *testing.T) {
	for _, tt := range []struct{ line, want string }{
		{"<@U1|sam> deal reveiw 45m acme", ":mag: I couldn't tell what kind. Check the form and log it."},
		{"<@U1|sam> deal reveiw acme", ":mag: I couldn't tell what kind or how long. Check the form and log it."},
		{"pricing went well", ":mag: I couldn't tell who, what kind or how long. Check the form and log it."},
		{"<@U1|sam> ride-along", ":mag: I couldn't tell how long or your role. Check the form and log it."},
	} {
		if got := notUnderstood(quickcapture.Parse(tt.line, noticeDay)); got != tt.want {
			t.Errorf("notice of %q:\n got %q\nwant %q", tt.line, got, tt.want)
		}
	}
}

// A review found Undo's confirmation on a 1:1 say "its reps' DMs will
// say it was withdrawn": one rep is named, several keep the plural, and
// a rep since removed from the session gets no DM to count.
func TestUndoSaysWhoseDMWillSayItWasWithdrawn(t *testing.T) {
	one := coaching.Session{ID: 7, ManagerID: "UM", Kind: coaching.KindOneOnOne, DurationMin: 30, OccurredOn: noticeDay, Version: 1,
		Reps: []coaching.SessionRep{{RepID: "U0SAM"}}}
	team := one
	team.Kind = coaching.KindTeamMeeting
	team.Reps = []coaching.SessionRep{{RepID: "U0SAM"}, {RepID: "U0RIA"}}
	left := team
	left.Reps = []coaching.SessionRep{{RepID: "U0SAM"}, {RepID: "U0RIA", Removed: true}}
	for _, tt := range []struct {
		s    coaching.Session
		want string
	}{
		{one, "It will no longer count anywhere and <@U0SAM>'s DM will say it was withdrawn."},
		{team, "It will no longer count anywhere and its reps' DMs will say it was withdrawn."},
		{left, "It will no longer count anywhere and <@U0SAM>'s DM will say it was withdrawn."},
	} {
		b := undoButton(tt.s, "v")
		if got := b.Confirm.Text.Text; !strings.Contains(got, tt.want) {
			t.Errorf("undo of %s with %v: %q, want %q", tt.s.Kind, tt.s.ActiveRepIDs(), got, tt.want)
		}
		checkLimits(t, message{Text: "undo", Blocks: []slack.Block{slack.NewActionBlock("undo", b)}})
	}
}
