package slackbot

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
)

// checkLimits fails when a message breaks Slack's Block Kit limits.
func checkLimits(t *testing.T, m message) {
	t.Helper()
	if len(m.Blocks) > 50 {
		t.Fatalf("%d blocks, Slack allows 50 in a message", len(m.Blocks))
	}
	raw, _ := json.Marshal(m.Blocks)
	var blocks []map[string]any
	_ = json.Unmarshal(raw, &blocks)
	total := 0
	for _, b := range blocks {
		if txt, ok := b["text"].(map[string]any); ok {
			n := len([]rune(txt["text"].(string)))
			total += n
			if n > 3000 {
				t.Fatalf("a section holds %d characters, Slack allows 3,000", n)
			}
		}
	}
	if total > 11000 {
		t.Fatalf("%d characters of block text, Slack refuses about 11,000", total)
	}
}

func TestNudgeListsTenRepsThenHowManyMore(t *testing.T) {
	n := coaching.Nudge{ManagerID: "UM", CadenceDays: 14}
	for i := 0; i < 25; i++ {
		n.Overdue = append(n.Overdue, coaching.OverdueRep{RepID: fmt.Sprintf("UR%02d", i), Days: 30 - i})
	}
	m := nudgeMessage(n)
	checkLimits(t, m)
	raw, _ := json.Marshal(m.Blocks)
	if got := strings.Count(string(raw), `"action_id":"log_for_rep"`); got != coaching.MaxNudgeReps {
		t.Fatalf("%d Log coaching buttons, want %d", got, coaching.MaxNudgeReps)
	}
	if !strings.Contains(string(raw), "and 15 more") || !strings.Contains(string(raw), actSnooze) {
		t.Fatalf("nudge lacks the count of the rest or the snooze:\n%s", raw)
	}
}

func TestDigestOfTwoThousandManagersFitsOneMessage(t *testing.T) {
	d := coaching.Digest{Week: coaching.Week{Year: 2026, Week: 48}}
	for i := 0; i < 2000; i++ {
		d.Managers = append(d.Managers, coaching.ManagerWeek{ManagerID: fmt.Sprintf("UM%05d", i), Sessions: 3, Minutes: 90, TeamSize: 10, Covered: 8, Overdue: 2, CadenceDays: 14})
	}
	m := digestMessage(d)
	checkLimits(t, m)
	raw, _ := json.Marshal(m.Blocks)
	if !strings.Contains(string(raw), "more managers") || !strings.Contains(string(raw), "6000 sessions") {
		t.Fatalf("digest totals or overflow line missing:\n%.500s", raw)
	}
}

func TestRepDMWithLongestInputsFitsSlack(t *testing.T) {
	long := strings.Repeat("ü", coaching.MaxNotesLen)
	s := coaching.Session{ID: 1, ManagerID: "UM", Kind: coaching.KindRideAlong, Role: coaching.RoleLead, DurationMin: 45,
		OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 20}, Notes: long, Version: 2, Skills: []string{"discovery"},
		Reps: []coaching.SessionRep{{RepID: "UR", Status: coaching.StatusConfirmed, Rating: 4, Comment: strings.Repeat("c", coaching.MaxReasonLen),
			ChangeNote: strings.Repeat("x", 400)}}}
	for i := 0; i < coaching.MaxCommitments; i++ {
		s.Commitments = append(s.Commitments, coaching.Commitment{RepID: "UR", Text: strings.Repeat("k", coaching.MaxCommitmentLen) + fmt.Sprint(i)})
	}
	for _, st := range []coaching.Status{coaching.StatusPending, coaching.StatusConfirmed, coaching.StatusDisputed} {
		s.Reps[0].Status, s.Reps[0].DisputeReason = st, strings.Repeat("d", coaching.MaxReasonLen)
		checkLimits(t, repDM(s, "UR", coaching.DefaultSkills()))
	}
	checkLimits(t, disputeNotice(s, "UR"))
	checkLimits(t, receipt(s))
}

func TestModalStateReadsBackIntoTheDraft(t *testing.T) {
	d := coaching.Draft{RepIDs: []string{"UA", "UB"}, Kind: coaching.KindTeamMeeting, OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 20},
		DurationMin: 60, Skills: []string{"closing"}, Notes: "n", Visibility: coaching.VisibilityShared, Commitments: []string{"a", "b"}}
	state := map[string]map[string]stateValue{
		"reps":        {"reps": {SelectedUsers: d.RepIDs}},
		"kind":        {"kind": {SelectedOption: &option{Value: string(d.Kind)}}},
		"date":        {"date": {SelectedDate: "2026-11-20"}},
		"duration":    {"duration": {Value: ptr("60")}},
		"skills":      {"skills": {SelectedOptions: []option{{"closing"}}}},
		"notes":       {"notes": {Value: ptr("n")}},
		"visibility":  {"visibility": {SelectedOption: &option{Value: "shared"}}},
		"commitments": {"commitments": {Value: ptr("- a\n\n• b\n")}},
		"kept:UA":     {"kept": {SelectedOptions: []option{{"7"}, {"x"}}}},
	}
	got, errs := draftFromState(state)
	if errs != nil {
		t.Fatal(errs)
	}
	if fmt.Sprint(got.RepIDs, got.Kind, got.OccurredOn, got.DurationMin, got.Skills, got.Notes, got.Visibility, got.Commitments, got.KeptCommitments) !=
		fmt.Sprint(d.RepIDs, d.Kind, d.OccurredOn, d.DurationMin, d.Skills, d.Notes, d.Visibility, d.Commitments, []int64{7}) {
		t.Fatalf("draft = %+v", got)
	}
	state["duration"]["duration"] = stateValue{Value: ptr("1h")}
	if _, errs := draftFromState(state); errs[coaching.FieldDuration] == "" {
		t.Fatal("a duration that is not a number was not refused")
	}
}

func ptr(s string) *string { return &s }

func TestClassifySlackErrors(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want outbox.Class
	}{
		{&slack.RateLimitedError{RetryAfter: 3 * time.Second}, outbox.RateLimited},
		{slack.StatusCodeError{Code: http.StatusInternalServerError}, outbox.Retry},
		{slack.StatusCodeError{Code: http.StatusNotFound}, outbox.Permanent},
		{slack.SlackErrorResponse{Err: "channel_not_found"}, outbox.Permanent},
		{slack.SlackErrorResponse{Err: "token_revoked"}, outbox.Fatal},
		{slack.SlackErrorResponse{Err: "invalid_auth"}, outbox.Fatal},
		{slack.SlackErrorResponse{Err: "internal_error"}, outbox.Retry},
		{errors.New("connection reset by peer"), outbox.Retry},
	} {
		var e *outbox.Error
		if !errors.As(classify("chat.postMessage", tt.err), &e) || e.Class != tt.want {
			t.Errorf("classify(%v) = %+v, want class %v", tt.err, e, tt.want)
		}
	}
}
