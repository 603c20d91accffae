package coaching_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A rep asked again while still pending from an earlier asking is told
// what changed since they last answered (or, never answered, since they
// were first asked), not only what the latest edit changed: two edits
// before they look read as one, from the values they answered; a field
// changed and changed back is not listed (and, nothing else differing,
// the DM says "looked at again, nothing changed", asking again all the
// same); an answer between two edits starts afresh; a rep whose last
// answer was Not accurate is told every change since, the follow-up date
// and the commitments compared as the other fields (changed and changed
// back, not listed), but a commitment of an earlier session ticked off as
// kept, which no text of this one shows; each rep of a group session by
// their own answers; a rep put on the session by an edit from what that
// edit showed them. Who reads the notes is told the same way: an earlier
// edit's "the notes are now shared …" stays through a later edit that
// leaves the readers be, for a rep still pending and for one who
// confirmed before it, and shared then private again is no change. The
// rating-cleared part stays.
func TestARepAskedAgainBeforeAnsweringIsToldEveryChangeSinceTheirAnswer(t *testing.T) {
	const cleared = "your rating of 4 was cleared, you can rate again after confirming"
	thu := day("2026-11-26")
	minutes := func(n int) func(*coaching.Draft) { return func(d *coaching.Draft) { d.DurationMin = n } }
	const shared = "the notes are now shared with <@UMGR>'s leaders"
	readers := func(v coaching.Visibility) func(*coaching.Draft) { return func(d *coaching.Draft) { d.Visibility = v } }
	followUp := func(on coaching.Date) func(*coaching.Draft) { return func(d *coaching.Draft) { d.FollowUpOn = on } }
	commitments := func(texts ...string) func(*coaching.Draft) {
		return func(d *coaching.Draft) { d.Commitments = texts }
	}
	// step is an edit by the manager (edit set; with tick, ticking off
	// as kept the commitments of a session logged just before it) or a
	// rep's answer: "confirm", "dispute" or "rate" (4) by who.
	type step struct {
		who, answer string
		edit        func(*coaching.Draft)
		tick        bool
	}
	edit := func(f ...func(*coaching.Draft)) step {
		return step{edit: func(d *coaching.Draft) {
			for _, g := range f {
				g(d)
			}
		}}
	}
	type testCase struct {
		name  string
		reps  []string
		steps []step
		want  map[string]string // each rep's change note after the last step
	}
	cases := []testCase{
		{"two edits before the rep answers", []string{"UANA"}, []step{
			{who: "UANA", answer: "confirm"}, {who: "UANA", answer: "rate"},
			edit(func(d *coaching.Draft) { d.OccurredOn = thu }, minutes(45)),
			edit(minutes(60)),
		}, map[string]string{"UANA": "date Wed 25 Nov 2026 → Thu 26 Nov 2026; duration 30 → 60 min; " + cleared}},
		{"changed and changed back", []string{"UANA"}, []step{
			{who: "UANA", answer: "confirm"},
			edit(minutes(45)),
			edit(minutes(30)),
		}, map[string]string{"UANA": "looked at again, nothing changed"}},
		{"changed back beside another change", []string{"UANA"}, []step{
			{who: "UANA", answer: "confirm"},
			edit(minutes(45), func(d *coaching.Draft) { d.OccurredOn = thu }),
			edit(minutes(30)),
		}, map[string]string{"UANA": "date Wed 25 Nov 2026 → Thu 26 Nov 2026"}},
		{"an answer between the edits", []string{"UANA"}, []step{
			{who: "UANA", answer: "confirm"},
			edit(func(d *coaching.Draft) { d.OccurredOn = thu }),
			{who: "UANA", answer: "confirm"},
			edit(minutes(60)),
			edit(func(d *coaching.Draft) { d.OccurredOn = day("2026-11-25") }),
		}, map[string]string{"UANA": "date Thu 26 Nov 2026 → Wed 25 Nov 2026; duration 30 → 60 min"}},
		{"a rep who disputed", []string{"UANA"}, []step{
			{who: "UANA", answer: "dispute"},
			edit(func(d *coaching.Draft) { d.Notes, d.Commitments = "we met on Thursday", []string{"Send recap"} }),
			edit(minutes(45)),
		}, map[string]string{"UANA": "duration 30 → 45 min; notes; commitments"}},
		{"a follow-up date changed and changed back, for a rep who disputed", []string{"UANA"}, []step{
			{who: "UANA", answer: "dispute"},
			edit(followUp(day("2026-12-03"))),
			edit(followUp(coaching.Date{}), minutes(45)),
		}, map[string]string{"UANA": "duration 30 → 45 min"}},
		{"commitments changed and changed back, for a rep who disputed", []string{"UANA"}, []step{
			{who: "UANA", answer: "dispute"},
			edit(commitments("Send recap", "Call the CFO")),
			edit(commitments("Send recap", "Book follow-up"), minutes(45)),
		}, map[string]string{"UANA": "duration 30 → 45 min"}},
		{"a commitment ticked off as kept, the texts changed back", []string{"UANA"}, []step{
			{who: "UANA", answer: "dispute"},
			{edit: commitments("Send recap", "Book follow-up", "Call the CFO"), tick: true},
			edit(commitments("Send recap", "Book follow-up"), followUp(day("2026-12-03")), minutes(45)),
		}, map[string]string{"UANA": "duration 30 → 45 min; commitments; follow-up date"}},
		{"shared by an earlier edit, the rep still pending", []string{"UANA"}, []step{
			edit(readers(coaching.VisibilityShared)),
			edit(minutes(45)),
		}, map[string]string{"UANA": "duration 30 → 45 min; " + shared}},
		{"shared by an earlier edit after the rep confirmed", []string{"UANA"}, []step{
			{who: "UANA", answer: "confirm"},
			edit(readers(coaching.VisibilityShared)),
			edit(minutes(45)),
		}, map[string]string{"UANA": "duration 30 → 45 min; " + shared}},
		{"shared by an earlier edit before the rep rated", []string{"UANA"}, []step{
			{who: "UANA", answer: "confirm"},
			edit(readers(coaching.VisibilityShared)),
			{who: "UANA", answer: "rate"},
			edit(minutes(45)),
		}, map[string]string{"UANA": "duration 30 → 45 min; " + cleared}},
		{"shared by an earlier edit after the rep disputed", []string{"UANA"}, []step{
			{who: "UANA", answer: "dispute"},
			edit(readers(coaching.VisibilityShared)),
			edit(minutes(45)),
		}, map[string]string{"UANA": "duration 30 → 45 min; " + shared}},
		{"shared, then private again with a change", []string{"UANA"}, []step{
			edit(readers(coaching.VisibilityShared)),
			edit(readers(coaching.VisibilityPrivate), minutes(45)),
		}, map[string]string{"UANA": "duration 30 → 45 min"}},
		{"shared, then private again, then a change", []string{"UANA"}, []step{
			{who: "UANA", answer: "confirm"},
			edit(readers(coaching.VisibilityShared)),
			edit(readers(coaching.VisibilityPrivate)),
			edit(minutes(45)),
		}, map[string]string{"UANA": "duration 30 → 45 min"}},
		{"several reps, one answered between the edits", []string{"UANA", "UBEN"}, []step{
			edit(minutes(45)),
			{who: "UANA", answer: "confirm"},
			edit(func(d *coaching.Draft) { d.OccurredOn = thu }),
		}, map[string]string{
			"UANA": "date Wed 25 Nov 2026 → Thu 26 Nov 2026",
			"UBEN": "date Wed 25 Nov 2026 → Thu 26 Nov 2026; duration 30 → 45 min"}},
		{"a rep added by an edit", []string{"UANA"}, []step{
			edit(func(d *coaching.Draft) { d.RepIDs = []string{"UANA", "UCAL"} }, minutes(45)),
			edit(minutes(60)),
		}, map[string]string{
			"UANA": "added <@UCAL>; duration 30 → 60 min",
			"UCAL": "duration 45 → 60 min"}},
	}
	// One database an engine, a session a case: a PostgreSQL schema is
	// most of such a test's time.
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, _ := newServiceOn(t, db)
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				d := oneOnOne(tt.reps...)
				d.Kind = coaching.KindTeamMeeting // several reps or one: no edit changes the kind
				s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: d, Key: "log " + tt.name})
				if err != nil {
					t.Fatal(err)
				}
				for i, step := range tt.steps {
					cur, err := st.Session(ctx, s.ID)
					if err != nil {
						t.Fatal(err)
					}
					a := coaching.RepAction{ActorID: step.who, SessionID: s.ID, RepID: step.who, Version: cur.Version}
					switch step.answer {
					case "confirm":
						_, err = svc.Confirm(ctx, a)
					case "dispute":
						_, err = svc.Dispute(ctx, a, "we met on Thursday")
					case "rate":
						_, err = svc.Rate(ctx, a, 4)
					default:
						step.edit(&d)
						d.KeptCommitments = nil
						if step.tick {
							d.KeptCommitments = earlierCommitments(t, svc, st, tt.reps, fmt.Sprint(tt.name, " earlier ", i))
						}
						_, err = svc.EditSession(ctx, coaching.EditRequest{ActorID: "UMGR", SessionID: s.ID, Version: cur.Version,
							SavedAt: cur.UpdatedAt, Draft: d, Key: fmt.Sprint(tt.name, " edit ", i)})
					}
					if err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
				}
				got, err := st.Session(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				for id, want := range tt.want {
					r, _ := got.Rep(id)
					if r.Status != coaching.StatusPending || r.ChangeNote != want || !r.NoteAsksAgain() {
						t.Errorf("%s: %s, note %q\nwant pending, asked again: %q", id, r.Status, r.ChangeNote, want)
					}
				}
			})
		}
	})
}

// earlierCommitments logs another session of UMGR's with reps, and lists
// its commitments, open, for an edit to tick off as kept.
func earlierCommitments(t *testing.T, svc *coaching.Service, st *sqlite.Store, reps []string, key string) []int64 {
	t.Helper()
	ctx := context.Background()
	d := oneOnOne(reps...)
	d.Kind = coaching.KindTeamMeeting
	d.OccurredOn = day("2026-11-20")
	s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: d, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	s, err = st.Session(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range s.Commitments {
		ids = append(ids, c.ID)
	}
	if len(ids) == 0 {
		t.Fatal("the earlier session has no commitments to tick off")
	}
	return ids
}
