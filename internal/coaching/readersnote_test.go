package coaching_test

import (
	"context"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// An edit that changes only who reads the notes (shared with the
// manager's leaders, or no longer) is told to every rep of the session in
// their change note, and asks none of them again: a rep who confirmed and
// rated stays so, one still asked keeps their buttons (the version
// stands). With an edit of substance it joins what changed, before what
// became of the rating, as what differs from when the rep last answered
// (unanswered_test.go): shared, then private again with a change of
// substance, says nothing of the readers, to a rep who confirmed before
// the first edit as to one pending since. Without one, a later word on
// who reads the notes replaces the earlier one rather than contradict it.
// A rep who disputed is asked again as after any edit, told what changed.
func TestAnEditOfWhoReadsTheNotesTellsEveryRepWithoutAskingAgain(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, _ := newServiceOn(t, db)
		d := oneOnOne("UANA", "UBEN")
		d.Kind = coaching.KindTeamMeeting
		s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: d, Key: "k1"})
		if err != nil {
			t.Fatal(err)
		}
		ana := coaching.RepAction{ActorID: "UANA", SessionID: s.ID, RepID: "UANA", Version: 1}
		if _, err := svc.Confirm(ctx, ana); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Rate(ctx, ana, 5); err != nil {
			t.Fatal(err)
		}
		solo, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UCAL"), Key: "k2"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Dispute(ctx, coaching.RepAction{ActorID: "UCAL", SessionID: solo.ID, RepID: "UCAL", Version: 1}, "we never met"); err != nil {
			t.Fatal(err)
		}
		const shared, unshared = "the notes are now shared with <@UMGR>'s leaders", "the notes are no longer shared with <@UMGR>'s leaders"
		const cleared = "your rating of 5 was cleared, you can rate again after confirming"
		type want struct {
			status coaching.Status
			rating int
			note   string
			asks   bool
		}
		for _, tt := range []struct {
			name       string
			session    int64
			visibility coaching.Visibility
			minutes    int
			version    int
			reps       map[string]want
		}{
			{"shared, nothing else", s.ID, coaching.VisibilityShared, 30, 1, map[string]want{
				"UANA": {coaching.StatusConfirmed, 5, shared, false},
				"UBEN": {coaching.StatusPending, 0, shared, false}}},
			{"private again, with a change of substance", s.ID, coaching.VisibilityPrivate, 45, 2, map[string]want{
				"UANA": {coaching.StatusPending, 0, "duration 30 → 45 min; " + cleared, true},
				"UBEN": {coaching.StatusPending, 0, "duration 30 → 45 min", true}}},
			{"shared again, nothing else", s.ID, coaching.VisibilityShared, 45, 2, map[string]want{
				"UANA": {coaching.StatusPending, 0, "duration 30 → 45 min; " + shared + "; " + cleared, true},
				"UBEN": {coaching.StatusPending, 0, "duration 30 → 45 min; " + shared, true}}},
			{"private again, nothing else", s.ID, coaching.VisibilityPrivate, 45, 2, map[string]want{
				"UANA": {coaching.StatusPending, 0, "duration 30 → 45 min; " + unshared + "; " + cleared, true},
				"UBEN": {coaching.StatusPending, 0, "duration 30 → 45 min; " + unshared, true}}},
			{"shared after a dispute", solo.ID, coaching.VisibilityShared, 30, 2, map[string]want{
				"UCAL": {coaching.StatusPending, 0, "looked at again; " + shared, true}}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				cur, err := st.Session(ctx, tt.session)
				if err != nil {
					t.Fatal(err)
				}
				e := oneOnOne(cur.ActiveRepIDs()...)
				e.Kind, e.Visibility, e.DurationMin = cur.Kind, tt.visibility, tt.minutes
				edited, err := svc.EditSession(ctx, coaching.EditRequest{ActorID: "UMGR", SessionID: tt.session, Version: cur.Version, Draft: e, Key: "e" + tt.name})
				if err != nil {
					t.Fatal(err)
				}
				if edited.Version != tt.version {
					t.Errorf("version %d after the edit, want %d", edited.Version, tt.version)
				}
				for id, w := range tt.reps {
					r, _ := edited.Rep(id)
					if r.Status != w.status || r.Rating != w.rating || r.ChangeNote != w.note || r.NoteAsksAgain() != w.asks {
						t.Errorf("%s after the edit: %s, rated %d, note %q (asks again: %v)\nwant %s, rated %d, note %q (asks again: %v)",
							id, r.Status, r.Rating, r.ChangeNote, r.NoteAsksAgain(), w.status, w.rating, w.note, w.asks)
					}
				}
			})
		}
	})
}
