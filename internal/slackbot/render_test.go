package slackbot

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/llm"
	"github.com/coachlog/coachlog/internal/metrics"
	"github.com/coachlog/coachlog/internal/outbox"
	"github.com/coachlog/coachlog/internal/quickcapture"
)

// checkLimits fails when Slack would refuse a message: the fake Slack's
// rules (each citing Block Kit's reference) applied without a server.
func checkLimits(t *testing.T, m message) {
	t.Helper()
	raw, err := json.Marshal(m.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	if err := fakeslack.CheckMessage(raw); err != nil {
		t.Fatalf("Slack would refuse this message: %v", err)
	}
}

// checkResponse fails when Slack would refuse a message posted through a
// response_url, the only way some are sent (/coach history).
func checkResponse(t *testing.T, m message) {
	t.Helper()
	raw, err := json.Marshal(m.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	if err := fakeslack.CheckResponse(raw); err != nil {
		t.Fatalf("Slack would refuse this response: %v", err)
	}
}

// checkView fails when Slack would refuse a view.
func checkView(t *testing.T, v any) {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := fakeslack.CheckView(raw); err != nil {
		t.Fatalf("Slack would refuse this view: %v", err)
	}
}

// Every renderer, fed its largest and smallest inputs, makes messages and
// views Slack takes: the nudge once had two Snooze buttons sharing an
// action_id, which Slack refuses with invalid_blocks.
func TestEveryRendererMakesWhatSlackTakes(t *testing.T) {
	day := coaching.Date{Year: 2026, Month: 11, Day: 20}
	nudge := func(overdue int) coaching.Nudge {
		n := coaching.Nudge{ManagerID: "UM", CadenceDays: 14}
		for i := range overdue {
			n.Overdue = append(n.Overdue, coaching.OverdueRep{RepID: fmt.Sprintf("UR%02d", i), Days: 30 - i, Never: i%2 == 0})
		}
		return n
	}
	team := coaching.Session{ID: 7, ManagerID: "UM", Kind: coaching.KindTeamMeeting, DurationMin: 60, OccurredOn: day, Version: 1}
	var open []coaching.Commitment
	for i := range coaching.MaxReps {
		id := fmt.Sprintf("UR%02d", i)
		team.Reps = append(team.Reps, coaching.SessionRep{RepID: id, Status: coaching.StatusPending})
		team.Commitments = append(team.Commitments, coaching.Commitment{ID: int64(i), RepID: id, Text: strings.Repeat("k", coaching.MaxCommitmentLen), Status: coaching.CommitmentOpen})
		open = append(open, coaching.Commitment{ID: int64(100 + i), RepID: "UR00", Text: strings.Repeat("o", coaching.MaxCommitmentLen),
			CreatedOn: day, FollowUpOn: day.AddDays(7)})
	}
	var history []coaching.Session
	for i := range historyLimit {
		s := team
		s.ID = int64(i + 1)
		history = append(history, s)
	}
	undone := team
	undone.DeletedAt = time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	tenOwn := historyView{repID: "UR00", own: history, open: coaching.OpenList{Own: open[:coaching.MaxOpenCommitments], More: 40}}
	// A leader's history of a rep at its largest: ten sessions of their
	// own, ten of managers below them (notes short enough that only the
	// room in a message cuts them), ten open commitments of their own to
	// close and more, ten shared ones below, a notice of one just closed.
	var below []coaching.Session
	for i := range historyLimit {
		s := coaching.Session{ID: int64(50 + i), ManagerID: "UM2", Kind: coaching.KindOneOnOne, DurationMin: 30, OccurredOn: day,
			Visibility: coaching.VisibilityShared, Notes: "short", Reps: []coaching.SessionRep{{RepID: "UR00", Status: coaching.StatusPending}}}
		below = append(below, s)
	}
	largest := historyView{repID: "UR00", own: history, more: true, leader: true, below: below,
		open:   coaching.OpenList{Own: open[:coaching.MaxOpenCommitments], More: 40, Below: open[10:20]},
		notice: closedNotice(coaching.Commitment{Text: strings.Repeat("<&>", 100), Status: coaching.CommitmentNotKept, CreatedOn: day})}
	for name, m := range map[string]message{
		"a nudge with nobody overdue":           nudgeMessage(nudge(0)),
		"a nudge with one rep overdue":          nudgeMessage(nudge(1)),
		"a nudge with 25 reps overdue":          nudgeMessage(nudge(25)),
		"a reminder":                            reminderMessage(team, "UR03", time.UTC),
		"an empty digest":                       digestMessage(emptyDigest().Messages[0]),
		"a team meeting's DM":                   repDM(team, "UR03", coaching.DefaultSkills(), false),
		"a receipt for 50 reps":                 receipt(team),
		"an undo receipt":                       receipt(undone),
		"ten sessions of history with notes":    historyMessage(tenOwn),
		"empty history":                         historyMessage(historyView{}),
		"help":                                  helpMessage(),
		"a coached manager's help":              managerHelp(false, true),
		"a prep brief with prose":               prepMessage("UR", llm.Brief{Prose: strings.Repeat("<b>&", 2000), List: bigBrief()}),
		"a plain prep brief":                    prepMessage("UR", llm.Brief{List: llm.PlainBrief(llm.PrepInput{RepName: "Ria"})}),
		"a long prep brief without its summary": prepMessage("UR", llm.Brief{List: bigBrief(), Unwritten: true}),
	} {
		t.Run(name, func(t *testing.T) { checkLimits(t, m) })
	}
	// Answered through the command's response_url only, where Slack
	// counts blocks but not their text in all.
	t.Run("a leader's history at its largest", func(t *testing.T) { checkResponse(t, historyMessage(largest)) })

	var skills []coaching.Skill
	for i := range 100 {
		skills = append(skills, coaching.Skill{ID: fmt.Sprintf("skill_%02d_%s", i, strings.Repeat("s", 40)), Label: strings.Repeat("L", 200)})
	}
	openByRep := map[string][]coaching.Commitment{}
	var kept []int64
	var id int64 // commitment ids are unique, as the store's are: a checkbox's value is one
	for _, r := range team.Reps {
		for j := range coaching.MaxOpenCommitments {
			id++
			c := coaching.Commitment{ID: id, RepID: r.RepID, Text: strings.Repeat("ü", coaching.MaxCommitmentLen), CreatedOn: day, FollowUpOn: day}
			if j%2 == 1 { // a leader's form: another manager's, named
				c.ManagerName = strings.Repeat("M", 300)
			}
			openByRep[r.RepID] = append(openByRep[r.RepID], c)
			if j%3 == 0 {
				kept = append(kept, c.ID)
			}
		}
	}
	names := map[string]string{}
	for _, r := range team.Reps {
		names[r.RepID] = strings.Repeat("N", 300)
	}
	full := coaching.Draft{RepIDs: team.ActiveRepIDs(), Kind: coaching.KindRideAlong, OccurredOn: day, DurationMin: coaching.MaxDurationMin,
		Role: coaching.RoleObserver, Skills: []string{skills[0].ID, skills[99].ID}, Notes: strings.Repeat("n", 5000),
		Visibility: coaching.VisibilityShared, Commitments: []string{strings.Repeat("c", 4000)}, FollowUpOn: day}
	// A quick capture naming more reps than a session takes opens the form
	// to fix it (its notice says so); every one of them has commitments.
	var many []string
	manyOpen := map[string][]coaching.Commitment{}
	for i := range coaching.MaxReps + 10 {
		r := fmt.Sprintf("UX%03d", i)
		many = append(many, r)
		manyOpen[r] = []coaching.Commitment{{ID: int64(1000 + i), RepID: r, Text: "send recap", CreatedOn: day}}
	}
	tooMany := quickcapture.Result{Draft: coaching.Draft{RepIDs: many}, Problems: []string{"60 reps are named; at most 50 can be"}}
	meta := modalMeta{SessionID: 1 << 40, Version: 1 << 20, RepID: "UR00", Source: coaching.SourceQuick,
		ResponseURL: "https://hooks.slack.com/commands/T0000/1234567890123/" + strings.Repeat("x", 40), FromHome: true}
	for name, v := range map[string]any{
		"an empty log form": logModal{Today: day, Skills: coaching.DefaultSkills()}.view(),
		"a full edit form, 50 reps with 10 open commitments each": logModal{Edit: true, Draft: full, Today: day, Skills: skills,
			Open: openByRep, Kept: kept, Names: names, Notice: notUnderstood(quickcapture.Result{
				Missing:    []coaching.Field{coaching.FieldReps, coaching.FieldKind, coaching.FieldDuration, coaching.FieldRole},
				Unresolved: []string{strings.Repeat("@who", 500)}, Problems: []string{strings.Repeat("<&>", 2000)}}), Meta: meta}.view(),
		"a form filled in from prose": logModal{Draft: full, Today: day, Skills: skills, Meta: meta,
			Notice: joinNotice(filledNotice(filledFields(coaching.Draft{}, full), nil), missingNotice(coaching.Draft{Kind: coaching.KindRideAlong}))}.view(),
		"a form filling in": logModal{Today: day, Skills: skills, Meta: meta, Notice: noticeFilling}.view(),
		"a capture naming 60 reps, each with a commitment": logModal{Draft: tooMany.Draft, Today: day, Skills: skills, Open: manyOpen,
			Notice: notUnderstood(tooMany)}.view(),
		"the dispute form":                           reasonModal(cbDispute, "", "U0MAX", meta, false),
		"the comment form":                           reasonModal(cbComment, "", "U0MAX", meta, false),
		"the comment form on the longest comment":    reasonModal(cbComment, strings.Repeat("é<&>", coaching.MaxReasonLen/4), "U0MAX", meta, false),
		"the comment form saying the AI may read it": reasonModal(cbComment, strings.Repeat("é<&>", coaching.MaxReasonLen/4), "U0MAX", meta, true),
	} {
		t.Run(name, func(t *testing.T) { checkView(t, v) })
	}
}

// A commitment of someone else's session (a leader's form, below them)
// says whose it is, the name whole after the text cut to fit Slack's 75
// characters; a manager's own reads as it always did.
func TestAKeptLabelSaysWhoseItIs(t *testing.T) {
	long := strings.Repeat("ü", coaching.MaxCommitmentLen)
	for _, tt := range []struct {
		c    coaching.Commitment
		want string
	}{
		{coaching.Commitment{Text: "Send recap", ManagerName: "Max"}, "Send recap (Max's)"},
		{coaching.Commitment{Text: "Send recap"}, "Send recap"},
		{coaching.Commitment{Text: long, ManagerName: "Max Power"}, strings.Repeat("ü", 75-len(" (Max Power's)")-1) + "… (Max Power's)"},
		{coaching.Commitment{Text: long}, strings.Repeat("ü", 69) + "…"},
		{coaching.Commitment{Text: "Send recap", ManagerName: strings.Repeat("N", 300)}, "Send recap (" + strings.Repeat("N", 29) + "…'s)"},
	} {
		got := keptLabel(tt.c, 70)
		if got != tt.want || utf8.RuneCountInString(got) > 75 {
			t.Errorf("label of %q by %q:\n got %q\nwant %q", tt.c.Text, tt.c.ManagerName, got, tt.want)
		}
	}
	// In the form, as Slack gets it.
	day := coaching.Date{Year: 2026, Month: 11, Day: 12}
	m := logModal{Draft: coaching.Draft{RepIDs: []string{"USAM"}}, Today: day, Skills: coaching.DefaultSkills(),
		Open: map[string][]coaching.Commitment{"USAM": {{ID: 7, RepID: "USAM", Text: "Send recap", CreatedOn: day, ManagerName: "Max"}}}}
	v := m.view()
	checkView(t, v)
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if text := string(raw); !strings.Contains(text, `"text":"Send recap (Max's)"`) {
		t.Errorf("the form's checkbox does not name Max:\n%s", text)
	}
}

// bigBrief is a prep brief's list at its longest: five sessions with the
// longest notes and answers, and more open commitments than it shows.
func bigBrief() string {
	day := coaching.Date{Year: 2026, Month: 11, Day: 20}
	in := llm.PrepInput{RepName: strings.Repeat("N", 300), Today: day}
	for range 10 {
		in.Sessions = append(in.Sessions, llm.PrepSession{On: day, Kind: coaching.KindRideAlong, Role: coaching.RoleObserver,
			DurationMin: 480, Skills: []string{strings.Repeat("S", 200)}, Notes: strings.Repeat("<n>", 1000),
			Status: coaching.StatusDisputed, DisputeReason: strings.Repeat("&r", 1000)})
	}
	for range 50 {
		in.Commitments = append(in.Commitments, llm.OpenCommitment{Text: strings.Repeat("c", 300), MadeOn: day, FollowUpOn: day})
	}
	return llm.PlainBrief(in)
}

// Past ten reps the nudge counts the rest, thousands grouped as /coach
// team counts a large team.
func TestNudgeListsTenRepsThenHowManyMore(t *testing.T) {
	for _, tt := range []struct {
		overdue int
		want    []string
	}{
		{25, []string{"and 15 more", "25 reps are past"}},
		{1210, []string{"and 1,200 more", "1,210 reps are past"}},
	} {
		n := coaching.Nudge{ManagerID: "UM", CadenceDays: 14}
		for i := range tt.overdue {
			n.Overdue = append(n.Overdue, coaching.OverdueRep{RepID: fmt.Sprintf("UR%04d", i), Days: 30})
		}
		m := nudgeMessage(n)
		checkLimits(t, m)
		raw, _ := json.Marshal(m.Blocks)
		if got := strings.Count(string(raw), `"action_id":"log_for_rep"`); got != coaching.MaxNudgeReps {
			t.Fatalf("%d overdue: %d Log coaching buttons, want %d", tt.overdue, got, coaching.MaxNudgeReps)
		}
		if !strings.Contains(string(raw), actSnooze) {
			t.Fatalf("%d overdue: nudge lacks the snooze:\n%s", tt.overdue, raw)
		}
		for _, want := range tt.want {
			if !strings.Contains(string(raw), want) {
				t.Errorf("%d overdue: nudge lacks %q:\n%s", tt.overdue, want, blocksText(m.Blocks))
			}
		}
	}
}

// A rep never coached is described by what is true of them: a clock
// started when Coachlog first knew them, long after they joined, is not
// their time in the team.
func TestNudgeSaysTrulyWhatItKnowsOfARepsPast(t *testing.T) {
	for _, tt := range []struct {
		rep  coaching.OverdueRep
		want string
	}{
		{coaching.OverdueRep{RepID: "UR", Days: 20}, "<@UR>: 20 days since their last session"},
		{coaching.OverdueRep{RepID: "UR", Days: 15, Never: true}, "<@UR>: not coached yet, 15 days in your team"},
		{coaching.OverdueRep{RepID: "UR", Days: 15, Never: true, SinceKnown: true}, "<@UR>: no session logged yet, 15 days since Coachlog started counting"},
	} {
		n := coaching.Nudge{ManagerID: "UM", CadenceDays: 14, Overdue: []coaching.OverdueRep{tt.rep}}
		if text := blocksText(nudgeMessage(n).Blocks); !strings.Contains(text, tt.want+"\n") {
			t.Errorf("the nudge of %+v says:\n%s\nwant the line %q", tt.rep, text, tt.want)
		}
	}
}

// A snoozed nudge keeps the nudge's list, read from the click's payload
// whichever way it was decoded (slack-go's, or the bot's own reading of a
// frame slack-go refused), without the buttons, within a message's limits.
func TestSnoozedListKeepsTheNudgesRepsWithoutButtons(t *testing.T) {
	n := coaching.Nudge{ManagerID: "UM", CadenceDays: 14}
	for i := 0; i < 25; i++ {
		n.Overdue = append(n.Overdue, coaching.OverdueRep{RepID: fmt.Sprintf("UR%02d", i), Days: 30 - i})
	}
	raw, _ := json.Marshal(map[string]any{"type": "block_actions", "message": map[string]any{"ts": "1.2", "blocks": nudgeMessage(n).Blocks}})
	in, err := readInteraction(raw)
	if err != nil {
		t.Fatal(err)
	}
	m := textMessage(":zzz: Snoozed")
	m.Blocks = append(m.Blocks, snoozedList(in.Message.blocks())...)
	checkLimits(t, m)
	text := blocksText(m.Blocks)
	if strings.Count(text, ": ") < coaching.MaxNudgeReps || !strings.Contains(text, "<@UR09>: 21 days since their last session") ||
		!strings.Contains(text, "…and 15 more: `/coach team` lists everyone") || strings.Contains(text, "Log coaching") || strings.Contains(text, "Snooze 1") {
		t.Errorf("the snoozed nudge:\n%s", text)
	}
}

// blocksText flattens blocks to their text.
func blocksText(blocks []slack.Block) string {
	raw, _ := json.Marshal(blocks)
	var sb strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["text"].(string); ok {
				sb.WriteString(s + "\n")
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	var v any
	_ = json.Unmarshal(raw, &v)
	walk(v)
	return sb.String()
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
		checkLimits(t, repDM(s, "UR", coaching.DefaultSkills(), false))
	}
	checkLimits(t, disputeNotice(s, "UR"))
	checkLimits(t, receipt(s))
	s.Reps[0].Status, s.Reps[0].DisputeReason = coaching.StatusPending, "" // answered by an edit since
	checkLimits(t, disputeNotice(s, "UR"))
	for _, o := range []coaching.DisputeOutcome{coaching.DisputeConfirmed, coaching.DisputeAgain, coaching.DisputeRemoved, coaching.DisputeUndone, "newer"} {
		checkLimits(t, disputeAnsweredNotice(s, "UR", coaching.DisputeAnswered{Outcome: o, Reason: strings.Repeat("d", coaching.MaxReasonLen)}))
		checkLimits(t, disputeAnsweredNotice(s, "UR", coaching.DisputeAnswered{Outcome: o}))
	}
}

func TestModalStateReadsBackIntoTheDraft(t *testing.T) {
	d := coaching.Draft{RepIDs: []string{"UA", "UB"}, Kind: coaching.KindTeamMeeting, OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 20},
		DurationMin: 60, Skills: []string{"closing"}, Notes: "n", Visibility: coaching.VisibilityShared, Commitments: []string{"a", "b"}}
	state := map[string]map[string]*stateValue{
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
	state["duration"]["duration"] = &stateValue{Value: ptr("1h")}
	if _, errs := draftFromState(state); errs[coaching.FieldDuration] == "" {
		t.Fatal("a duration that is not a number was not refused")
	}

	// Fields whose value an update replaced are read under their revised
	// block ids (see inputFields), the latest revision if two were there.
	state["duration"]["duration"] = &stateValue{Value: ptr("60")}
	for _, f := range []string{"reps", "kind", "date", "notes"} {
		state[f+".2"] = state[f]
		delete(state, f)
	}
	state["notes.1"] = map[string]*stateValue{"notes": {Value: ptr("an older revision")}}
	got, errs = draftFromState(state)
	if errs != nil {
		t.Fatal(errs)
	}
	if fmt.Sprint(got.RepIDs, got.Kind, got.OccurredOn, got.DurationMin, got.Notes, got.KeptCommitments) !=
		fmt.Sprint(d.RepIDs, d.Kind, d.OccurredOn, d.DurationMin, d.Notes, []int64{7}) {
		t.Fatalf("draft from revised block ids = %+v", got)
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

func TestMarkupFromNamesAndTextIsEscaped(t *testing.T) {
	for _, tt := range []struct{ name, got, want string }{
		{"esc", esc("<!channel> *Bob* & co"), "&lt;!channel&gt; *Bob* &amp; co"},
		{"mentions kept", escKeepMentions("reps <@U1>, <@W2X> → <@U3>"), "reps <@U1>, <@W2X> → <@U3>"},
		{"the rest escaped", escKeepMentions("<!here> & <@U1|x> <@u1> <@U1>"), "&lt;!here&gt; &amp; &lt;@U1|x&gt; &lt;@u1&gt; <@U1>"},
		{"a cut mention", escKeepMentions("reps <@U1>, <@U2…"), "reps <@U1>, &lt;@U2…"},
		{"mention of an id", mention("U0REP"), "<@U0REP>"},
		{"mention of a non-id", mention("U1><!channel"), "U1&gt;&lt;!channel"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

// A brief is escaped and cut into sections that each fit, never inside an
// escape: "&" becomes "&amp;", five times longer.
func TestEscChunksFitAndNeverSplitAnEscape(t *testing.T) {
	for _, tt := range []struct {
		name, text string
		pieces     int
	}{
		{"short", "a & b\nc < d", 1},
		{"lines that fill two sections", strings.Repeat(strings.Repeat("x", 99)+"\n", 40), 2},
		{"one line of ampersands", strings.Repeat("&", 5000), 1},
		{"markup", strings.Repeat("<@U1> ", 2000), 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := escChunks(tt.text, 3000)
			if len(got) != tt.pieces {
				t.Errorf("%d pieces, want %d", len(got), tt.pieces)
			}
			for _, p := range got {
				if n := len([]rune(p)); n > 3000 {
					t.Errorf("a piece of %d characters", n)
				}
				if strings.Count(p, "&") != strings.Count(p, "&amp;")+strings.Count(p, "&lt;")+strings.Count(p, "&gt;") || strings.ContainsAny(p, "<>") {
					t.Errorf("a piece with a broken or missing escape: %q", p[max(0, len(p)-20):])
				}
			}
		})
	}
}

// A one-section answer past Slack's 3,000 characters is cut, not refused,
// and never inside an escape or a mention.
func TestTextMessageCutsLongTextAtMarkup(t *testing.T) {
	for _, text := range []string{
		strings.Repeat("x", 5000),
		":warning: " + esc(strings.Repeat("a&b<c>", 1000)),
		escKeepMentions(strings.Repeat("reps <@U0REP1234> & ", 400)),
	} {
		for shift := range 12 { // the cut lands on each character of the markup
			m := textMessage(strings.Repeat("y", shift) + text)
			checkLimits(t, m)
			got := blocksText(m.Blocks)
			got = strings.TrimSuffix(strings.TrimSuffix(got, "\n"), "…")
			tail := got[max(0, len(got)-30):]
			if i := strings.LastIndexAny(tail, "&<"); i >= 0 && !strings.ContainsAny(tail[i:], ";>") {
				t.Errorf("cut inside markup: …%s", tail)
			}
		}
	}
}

// Text that people wrote, escaped and then cut to fit a section or a
// field, is cut between escapes: a finding naming "R&D", a skill "Q&A".
func TestEscapedTextIsNeverCutInsideAnEscape(t *testing.T) {
	day := coaching.Date{Year: 2026, Month: 11, Day: 20}
	for shift := range 7 { // the cut lands on each character of "&amp;" and around it
		f := fullFigures("UM0", false)
		f.Insights = nil
		for range 8 {
			f.Insights = append(f.Insights, metrics.Insight{Kind: metrics.InsightDoseLow, Text: strings.Repeat("y", shift) + strings.Repeat("R&D ", 200)})
		}
		r := &metrics.Report{Period: week48, Managers: []metrics.Figures{f}}
		var skills []coaching.Skill
		var ids []string
		for i := range 100 {
			id := fmt.Sprintf("s%02d", i)
			label := strings.Repeat("Q&A", 30)
			if i == 0 {
				label = strings.Repeat("y", shift) + label
			}
			skills, ids = append(skills, coaching.Skill{ID: id, Label: label}), append(ids, id)
		}
		s := coaching.Session{ID: 1, ManagerID: "UM", Kind: coaching.KindOneOnOne, DurationMin: 30, OccurredOn: day, Skills: ids,
			Reps: []coaching.SessionRep{{RepID: "UR", Status: coaching.StatusPending}}}
		h := home{person: coaching.Person{ID: "UM0", Roles: []string{coaching.PersonManager}, Active: true, InRoster: true}, manager: true, period: week48, report: r}
		for name, blocks := range map[string][]slack.Block{
			"stats":    statsMessage(r, r, h.person, true, false).Blocks,
			"home":     h.blocks(),
			"rep's DM": repDM(s, "UR", skills, false).Blocks,
		} {
			raw, _ := json.Marshal(blocks)
			var v any
			_ = json.Unmarshal(raw, &v)
			var walk func(any)
			walk = func(v any) {
				switch x := v.(type) {
				case map[string]any:
					if s, ok := x["text"].(string); ok && x["type"] == "mrkdwn" && strings.HasSuffix(s, "…") {
						tail := strings.TrimSuffix(s, "…")
						tail = tail[max(0, len(tail)-10):]
						if i := strings.LastIndex(tail, "&"); i >= 0 && !strings.Contains(tail[i:], ";") {
							t.Errorf("%s, shifted %d: cut inside an escape: …%s…", name, shift, tail)
						}
					}
					for _, y := range x {
						walk(y)
					}
				case []any:
					for _, y := range x {
						walk(y)
					}
				}
			}
			walk(v)
		}
	}
}

// A commitment made at a team meeting is stored once for each rep; the
// history counts it once, as one commitment, and in words.
func TestHistoryCountsATeamMeetingsCommitmentOnce(t *testing.T) {
	s := coaching.Session{ID: 7, ManagerID: "UMAX", Kind: coaching.KindTeamMeeting, DurationMin: 30,
		OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 27},
		Reps:       []coaching.SessionRep{{RepID: "UANA", Status: coaching.StatusPending}, {RepID: "UBEN", Status: coaching.StatusPending}},
		Commitments: []coaching.Commitment{
			{RepID: "UANA", Text: "send the deck", Status: coaching.CommitmentOpen},
			{RepID: "UBEN", Text: "send the deck", Status: coaching.CommitmentOpen},
		}}
	text := blocksText(historyMessage(historyView{own: []coaching.Session{s}}).Blocks)
	if !strings.Contains(text, "· 1 open commitment") || strings.Contains(text, "2 open") || strings.Contains(text, "(s)") {
		t.Errorf("history line:\n%s\nwant the meeting's one commitment counted once, in words", text)
	}
}

// A session's kind said mid-sentence reads as people write it: "this
// deal review", not "this Deal review". The reminder said the latter, as
// did the plain texts of a rep's DM and of a dispute notice (what a
// notification shows).
func TestTheKindReadsNaturallyMidSentence(t *testing.T) {
	day := coaching.Date{Year: 2026, Month: 11, Day: 20}
	s := coaching.Session{ID: 7, ManagerID: "UM", Kind: coaching.KindDealReview, DurationMin: 30, OccurredOn: day, Version: 1,
		Reps: []coaching.SessionRep{{RepID: "UR", Status: coaching.StatusDisputed}}}
	pending := s
	pending.Reps = []coaching.SessionRep{{RepID: "UR", Status: coaching.StatusPending}}
	oneOnOne := pending
	oneOnOne.Kind = coaching.KindOneOnOne
	for _, tt := range []struct {
		name, text, want string
	}{
		{"the reminder", reminderMessage(pending, "UR", time.UTC).Text, "waiting for your answer on this deal review from "},
		{"the reminder of a 1:1", reminderMessage(oneOnOne, "UR", time.UTC).Text, "waiting for your answer on this 1:1 from "},
		{"the answered reminder", reminderMessage(s, "UR", time.UTC).Text, "you marked this deal review from "},
		{"the rep's DM", repDM(pending, "UR", coaching.DefaultSkills(), false).Text, "logged a deal review with you on "},
		{"the dispute notice", disputeNotice(s, "UR").Text, "says the deal review on "},
	} {
		if !strings.Contains(tt.text, tt.want) {
			t.Errorf("%s reads %q, want it to say %q", tt.name, tt.text, tt.want)
		}
	}
}

// An empty /coach history says what fits who asks: a manager is told to
// log, a rep who received coaching where theirs is, and, asking about a
// colleague, whose this list is (not "type /coach to log a session").
func TestAnEmptyHistorySaysWhatFitsWhoAsks(t *testing.T) {
	for _, tt := range []struct {
		name    string
		h       historyView
		want    string
		without string
	}{
		{"a manager", historyView{}, "Nothing logged yet. Type `/coach` to log a session.", "App Home"},
		{"a manager about a rep", historyView{repID: "UR"}, "You have logged nothing with <@UR> yet. Type `/coach`", "App Home"},
		{"a rep", historyView{received: true}, "The coaching you received is in your App Home", "log a session"},
		{"a rep about a colleague", historyView{repID: "US", received: true},
			"seen only by them, their manager and the leaders above", "log a session"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			text := blocksText(historyMessage(tt.h).Blocks)
			if !strings.Contains(text, tt.want) || strings.Contains(text, tt.without) {
				t.Errorf("history:\n%s\nwant %q, not %q", text, tt.want, tt.without)
			}
		})
	}
}

// A ride-along's DM names whose role it gives: whoever logged it. It read
// "Manager's role" whoever that was, telling a rep their manager was on a
// ride-along a peer, an admin or a leader logged.
func TestTheRepDMNamesWhoseRoleOnARideAlong(t *testing.T) {
	for _, tt := range []struct {
		name, logger string
		role         coaching.Role
		want         string
	}{
		{"their manager", "UMGR", coaching.RoleLead, "*<@UMGR>'s role*\nTook the lead"},
		{"a peer", "UPEER", coaching.RoleObserver, "*<@UPEER>'s role*\nSilent observer"},
		{"a leader", "ULEAD", coaching.RoleParticipant, "*<@ULEAD>'s role*\nPassive participant"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := coaching.Session{ID: 1, ManagerID: tt.logger, Kind: coaching.KindRideAlong, Role: tt.role, DurationMin: 45,
				OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 20}, Version: 1,
				Reps: []coaching.SessionRep{{RepID: "UR", Status: coaching.StatusPending}}}
			got := blocksText(repDM(s, "UR", nil, false).Blocks)
			if !strings.Contains(got, tt.want) || strings.Contains(got, "Manager's role") {
				t.Errorf("DM = %q, want %q and no \"Manager's role\"", got, tt.want)
			}
		})
	}
}

// A group session's DM and Home line name the rep's fellows as a sentence
// lists people: "with you, @ria and @kim", not "with you and @ria and
// @kim", whichever way the others are named (all, or three and a count).
func TestTheRepHeadListsTheOtherRepsOnce(t *testing.T) {
	reps := func(ids ...string) []coaching.SessionRep {
		var out []coaching.SessionRep
		for _, id := range ids {
			out = append(out, coaching.SessionRep{RepID: id, Status: coaching.StatusPending})
		}
		return out
	}
	for _, tt := range []struct {
		name string
		reps []string
		few  bool
		want string
	}{
		{"alone", []string{"UR"}, false, "<@UM> logged a *Team meeting* with you"},
		{"with one other", []string{"UR", "UA"}, false, "<@UM> logged a *Team meeting* with you and <@UA>"},
		{"with two others", []string{"UR", "UA", "UB"}, false, "<@UM> logged a *Team meeting* with you, <@UA> and <@UB>"},
		{"with many, named few", []string{"UR", "UA", "UB", "UC", "UD", "UE"}, true,
			"<@UM> logged a *Team meeting* with you, <@UA>, <@UB>, <@UC> and 2 others"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := coaching.Session{ID: 1, ManagerID: "UM", Kind: coaching.KindTeamMeeting, DurationMin: 60,
				OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 18}, Version: 1, Reps: reps(tt.reps...)}
			got := repHead(s, "UR")
			if tt.few {
				got = repHeadNaming(s, "UR", func(ids []string) string { return fewMentions(ids, "") })
			}
			if got != tt.want {
				t.Errorf("head = %q, want %q", got, tt.want)
			}
		})
	}
}

// A receipt names the reps once: one rep is told to be asked by name, a
// group's "each", as the summary before it lists them all already.
func TestAReceiptNamesAGroupsRepsOnce(t *testing.T) {
	for _, tt := range []struct {
		name string
		reps []string
		want string
	}{
		{"one rep", []string{"UA"}, ":white_check_mark: Logged *1:1* with <@UA> · Wed 18 Nov 2026 · 30 min. <@UA> will be asked to confirm."},
		{"three reps", []string{"UA", "UB", "UC"}, ":white_check_mark: Logged *Team meeting* with <@UA>, <@UB> and <@UC> · Wed 18 Nov 2026 · 30 min. Each will be asked to confirm."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := coaching.Session{ID: 1, ManagerID: "UM", Kind: coaching.KindOneOnOne, DurationMin: 30,
				OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 18}, Version: 1}
			if len(tt.reps) > 1 {
				s.Kind = coaching.KindTeamMeeting
			}
			for _, id := range tt.reps {
				s.Reps = append(s.Reps, coaching.SessionRep{RepID: id, Status: coaching.StatusPending})
			}
			if got := blocksText(receipt(s).Blocks); !strings.Contains(got, tt.want) {
				t.Errorf("receipt = %q, want %q", got, tt.want)
			}
		})
	}
}
