package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// errorsAck reads a view submission's ack as response_action errors.
func errorsAck(t *testing.T, ack json.RawMessage) map[string]string {
	t.Helper()
	var resp struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(ack, &resp); err != nil || resp.Action != "errors" {
		t.Fatalf("ack = %s, want response_action errors", ack)
	}
	return resp.Errors
}

// A bot or a deactivated account Coachlog has never seen, picked in the
// form, is refused inline on the reps block: Slack is asked at submission.
// So is an id Slack knows no user by, which Slack's user picker never
// gives: only a crafted submission carries one.
func TestFormRefusesBotsAndDeactivatedPeopleNeverSeen(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.fake.AddUser(fakeslack.User{ID: "U0ROBOT", Name: "robot", RealName: "Deal Robot", IsBot: true})
	b.fake.AddUser(fakeslack.User{ID: "U0GONE", Name: "gone", RealName: "Gone Person", Deleted: true})
	now := b.today("America/New_York")
	for _, tt := range []struct {
		name   string
		reps   []string
		kind   string
		want   string
		forged bool
	}{
		{"a bot", []string{"U0ROBOT"}, "one_on_one", "Deal Robot is an app", false},
		{"a deactivated account", []string{"U0GONE"}, "one_on_one", "Gone Person is deactivated", false},
		{"one of a team", []string{rep, "U0GONE"}, "team_meeting", "Gone Person is deactivated", false},
		{"not a member", []string{"U0STRANGER"}, "one_on_one", "not a member", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			viewID, _ := b.openModal("")
			v := values(tt.reps, tt.kind, now, "30", "")
			var crafted map[string]map[string]any
			if tt.forged {
				crafted = map[string]map[string]any{"reps": v["reps"]}
				v["reps"] = map[string]any{"reps": fakeslack.UsersValue(rep)}
			}
			ack := b.submitAs(mgr, viewID, v, fakeslack.Forged(crafted)).Payload
			if got := errorsAck(t, ack)["reps"]; !strings.Contains(got, tt.want) {
				t.Errorf("reps error = %q, want it to say %q", got, tt.want)
			}
		})
	}
	if rows := b.export(); len(rows) != 0 {
		t.Fatalf("stored %d rows with a bot or a deactivated rep", len(rows))
	}
	if n := len(b.fake.Messages(rep)); n != 0 {
		t.Fatalf("sent %d DMs", n)
	}
}

// When Slack is too slow to say who a never-seen rep is, the form says so
// inline within the ack deadline and keeps everything typed; the next try
// goes through.
func TestFormAsksToRetryWhenSlackIsTooSlowToCheckANewRep(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	now := b.today("America/New_York")
	b.fake.SetLatency("users.info", 1500*time.Millisecond)
	viewID, _ := b.openModal("")
	in, err := b.fake.SubmitView(ctxT(t), mgr, viewID, values([]string{rep}, "one_on_one", now, "30", ""))
	if err != nil {
		t.Fatal(err)
	}
	ack, err := b.fake.AwaitAck(ctxT(t), in.EnvelopeID)
	if err != nil {
		t.Fatal(err)
	}
	if got := errorsAck(t, ack.Payload)["reps"]; !strings.Contains(got, "try again") {
		t.Errorf("reps error = %q, want a try again", got)
	}
	if ack.Latency() > 2500*time.Millisecond {
		t.Errorf("acked after %v, past the 2 s budget", ack.Latency())
	}
	if rows := b.export(); len(rows) != 0 {
		t.Fatalf("stored %d rows without knowing who the rep is", len(rows))
	}
	b.fake.SetLatency("users.info", 0)
	if _, ack := b.submit(viewID, values([]string{rep}, "one_on_one", now, "30", "")); len(ack) != 0 {
		t.Fatalf("second try acked %s", ack)
	}
	if rows := b.export(); len(rows) != 1 {
		t.Fatalf("second try stored %d rows", len(rows))
	}
}

// usersInfoFor counts the users.info calls about id.
func usersInfoFor(b *bot, id string) int {
	n := 0
	for _, c := range b.fake.CallsTo("users.info") {
		if c.Param("user") == id {
			n++
		}
	}
	return n
}

// An edit judges only the reps it adds: a rep it keeps, whose profile was
// read more than a week ago, is not asked about again while the manager
// waits for the ack (it would spend the submission's lookup budget and
// Slack's users.info limit on an answer nobody reads), while a rep added
// by the same edit is still checked with Slack.
func TestAnEditAsksSlackOnlyAboutTheRepsItAdds(t *testing.T) {
	t.Parallel()
	clk := &testClock{}
	clk.Advance(time.Until(midweek))
	b := startBotAt(t, clk.Now)
	b.logPending()
	if n := usersInfoFor(b, rep); n != 1 {
		t.Fatalf("%d users.info calls about Sam when logging, want 1", n)
	}
	day := b.export()[0].OccurredOn
	clk.Advance(8 * 24 * time.Hour) // Sam's profile is now over a week old
	samBefore, riaBefore := usersInfoFor(b, rep), usersInfoFor(b, rep2)
	b.editLatest(values([]string{rep, rep2}, "team_meeting", day, "30", ""))
	if n := usersInfoFor(b, rep) - samBefore; n != 0 {
		t.Errorf("the edit asked Slack about Sam, whom it keeps, %d times", n)
	}
	if n := usersInfoFor(b, rep2) - riaBefore; n != 1 {
		t.Errorf("the edit asked Slack about Ria, whom it adds, %d times, want 1", n)
	}
	if rows := b.export(); len(rows) != 2 || rows[0].Kind != "team_meeting" {
		t.Fatalf("after the edit: %+v", rows)
	}
}
