package coaching_test

import (
	"context"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A rep taken off a session is shown it as the edit that last took them
// off found it: taken off a team meeting that the same edit made Ria's
// 1:1 of another day, put back on it as a team meeting again, taken off
// again by an edit making it Ria's career conversation, and the session
// then undone, Sam's view is the team meeting as the second edit found
// it, not undone, without notes or commitments; a rep on the session is
// shown it as it stands.
func TestARepTakenOffIsShownTheSessionAsTheyLastSawIt(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, _ := newServiceOn(t, db)
		team := oneOnOne("USAM", "URIA")
		team.Kind = coaching.KindTeamMeeting
		s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: team, Source: coaching.SourceModal, Key: "log"})
		if err != nil {
			t.Fatal(err)
		}
		edit := func(key string, d coaching.Draft) {
			t.Helper()
			cur, err := st.Session(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.EditSession(ctx, coaching.EditRequest{ActorID: "UMGR", SessionID: s.ID, Version: cur.Version, Draft: d, Key: key}); err != nil {
				t.Fatalf("%s: %v", key, err)
			}
		}
		moved := oneOnOne("URIA")
		moved.OccurredOn, moved.DurationMin = day("2026-11-24"), 45
		edit("off", moved)
		back := moved
		back.RepIDs, back.Kind, back.DurationMin = []string{"URIA", "USAM"}, coaching.KindTeamMeeting, 50
		edit("back", back)
		again := back
		again.RepIDs, again.Kind, again.OccurredOn, again.DurationMin = []string{"URIA"}, coaching.KindCareer, day("2026-11-20"), 60
		edit("off again", again)
		if _, err := svc.UndoSession(ctx, "UMGR", s.ID); err != nil {
			t.Fatal(err)
		}
		now, err := st.Session(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}

		sam, err := svc.AsTakenOff(ctx, now, "USAM")
		if err != nil {
			t.Fatal(err)
		}
		r, _ := sam.Rep("USAM")
		if sam.Kind != coaching.KindTeamMeeting || sam.OccurredOn != day("2026-11-24") || sam.DurationMin != 50 || sam.Undone() ||
			sam.Notes != "" || len(sam.Commitments) != 0 || !r.Removed {
			t.Errorf("Sam, taken off, is shown %s on %s, %d min, undone %v, notes %q, %d commitments, removed %v; "+
				"want the team meeting of 2026-11-24, 50 min, as the edit that took him off found it, nothing else",
				sam.Kind, sam.OccurredOn, sam.DurationMin, sam.Undone(), sam.Notes, len(sam.Commitments), r.Removed)
		}
		if ria, err := svc.AsTakenOff(ctx, now, "URIA"); err != nil || ria.Kind != coaching.KindCareer || ria.DurationMin != 60 || !ria.Undone() {
			t.Errorf("Ria, on the session, is shown %s, %d min, undone %v (%v); want it as it stands", ria.Kind, ria.DurationMin, ria.Undone(), err)
		}
	})
}
