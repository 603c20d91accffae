package coaching_test

import (
	"context"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// An audit entry whose detail is not JSON (a row edited by hand, a copy cut
// short) is what the trail's readers already survive when an entry does
// not decode: the edit, the rep's answer and the withdrawn DM go on from
// the session as it stands. The store's read of the trail failed on it,
// and with it every later edit of the session, the rep's Confirm of it
// and the DM of a rep taken off it.
func TestAnAuditEntryThatIsNotJSONBlocksNothing(t *testing.T) {
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
		if _, err := svc.Dispute(ctx, ana, "we never met"); err != nil {
			t.Fatal(err)
		}
		d.DurationMin = 45
		if _, _, err := editAsItStands(t, svc, st, s.ID, d, "e1"); err != nil {
			t.Fatal(err)
		}
		if err := st.Exec(ctx, `UPDATE audit SET detail = '{"before": {"reps": [' WHERE session_id = ?`, s.ID); err != nil {
			t.Fatal(err)
		}

		// Ana, asked again, is pending with a notice open: an edit before
		// she answers reads what she has not answered yet.
		d.DurationMin = 60
		_, edited, err := editAsItStands(t, svc, st, s.ID, d, "e2")
		if err != nil {
			t.Fatalf("an edit of a session whose trail holds a row that is not JSON: %v", err)
		}
		if a, _ := edited.Rep("UANA"); a.Status != coaching.StatusPending || a.ChangeNote == "" {
			t.Errorf("Ana after the edit: %+v, want pending and told what changed", a)
		}
		ana.Version = edited.Version
		if _, err := svc.Confirm(ctx, ana); err != nil {
			t.Errorf("Ana's Confirm of a session whose trail holds a row that is not JSON: %v", err)
		}

		d.RepIDs = []string{"UANA"}
		_, edited, err = editAsItStands(t, svc, st, s.ID, d, "e3")
		if err != nil {
			t.Fatalf("an edit taking Ben off: %v", err)
		}
		if _, err := svc.AsTakenOff(ctx, edited, "UBEN"); err != nil {
			t.Errorf("Ben taken off, shown the session: %v", err)
		}
	})
}
