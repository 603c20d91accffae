package sqlite_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// Undoing a session reopens the commitments it closed, on the undo's ack
// path and on the single writer: a seek in commitments_closed_in, not a
// read of every commitment (22 ms for a year of a 20,000-rep
// organisation, every ack waiting behind it). Only that session's are
// reopened.
func TestUndoReopensItsCommitmentsBySeek(t *testing.T) {
	sqlitetest.Each(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		day := date(2026, time.November, 2)
		first, closer, other := oneOnOne("UM1", "UR1", day, 30), oneOnOne("UM1", "UR1", day, 30), oneOnOne("UM1", "UR1", day, 30)
		insertSessions(t, st, &first, &closer, &other)
		err := st.Update(ctx, func(tx coaching.Tx) error {
			return tx.InsertCommitments(ctx, []coaching.Commitment{
				{SessionID: first.ID, RepID: "UR1", Text: "send recap", Status: coaching.CommitmentOpen},
				{SessionID: first.ID, RepID: "UR1", Text: "book role-play", Status: coaching.CommitmentOpen},
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		// Open commitments of other sessions, enough for PostgreSQL to
		// plan by cost as it would for a real organisation.
		if err := st.Exec(ctx, `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 2000)
			INSERT INTO commitments (session_id, rep_id, text, status, follow_up_on, manager_id, occurred_on, live)
			SELECT session_id, rep_id, 'other ' || n, status, follow_up_on, manager_id, occurred_on, live
			FROM commitments, g WHERE text = 'send recap'`); err != nil {
			t.Fatal(err)
		}
		// closer ticks the first kept, other the second.
		if err := st.Exec(ctx, `UPDATE commitments SET status = 'kept', closed_at = 1, closed_in_session = ? WHERE text = 'send recap'`, closer.ID); err != nil {
			t.Fatal(err)
		}
		if err := st.Exec(ctx, `UPDATE commitments SET status = 'kept', closed_at = 1, closed_in_session = ? WHERE text = 'book role-play'`, other.ID); err != nil {
			t.Fatal(err)
		}
		if st.IsPostgres() {
			if err := st.Exec(ctx, `ANALYZE commitments`); err != nil {
				t.Fatal(err)
			}
		}
		plan, err := st.Explain(ctx, sqlite.ReopenQuery, closer.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(plan, "commitments_closed_in") {
			t.Errorf("reopening reads every commitment: %s", plan)
		}
		if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.ReopenCommitments(ctx, closer.ID) }); err != nil {
			t.Fatal(err)
		}
		var recap, rolePlay string
		if err := st.QueryRow(ctx, `SELECT
			(SELECT status || coalesce(closed_in_session, 0) FROM commitments WHERE text = 'send recap'),
			(SELECT status FROM commitments WHERE text = 'book role-play')`, &recap, &rolePlay); err != nil {
			t.Fatal(err)
		}
		if recap != "open0" || rolePlay != "kept" {
			t.Errorf("after undoing the closer: its commitment %q (want open0), the other session's %q (want kept)", recap, rolePlay)
		}
	})
}

// An edit drops the open commitments its form no longer lists, but one
// another session's form ticked kept since the edit read it stays: on
// PostgreSQL nothing stops that form committing between the edit's read
// and its delete.
func TestAnEditDeletesOnlyCommitmentsStillOpen(t *testing.T) {
	sqlitetest.Each(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		day := date(2026, time.November, 2)
		edited, closer := oneOnOne("UM1", "UR1", day, 30), oneOnOne("UM1", "UR1", day.AddDays(1), 30)
		insertSessions(t, st, &edited, &closer)
		err := st.Update(ctx, func(tx coaching.Tx) error {
			return tx.InsertCommitments(ctx, []coaching.Commitment{
				{SessionID: edited.ID, RepID: "UR1", Text: "send recap", Status: coaching.CommitmentOpen},
				{SessionID: edited.ID, RepID: "UR1", Text: "book role-play", Status: coaching.CommitmentOpen},
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		open, err := st.OpenCommitments(ctx, "UR1", coaching.CommitmentFilter{}, 10)
		if err != nil || len(open) != 2 {
			t.Fatalf("open = %+v, %v", open, err)
		}
		kept, dropped := open[0].ID, open[1].ID
		err = st.Update(ctx, func(tx coaching.Tx) error {
			return tx.CloseCommitments(ctx, "UM1", []int64{kept}, []string{"UR1"}, coaching.CommitmentKept, closer.ID, time.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
		// The edit, having read both open, drops both.
		if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.DeleteCommitments(ctx, []int64{kept, dropped}) }); err != nil {
			t.Fatal(err)
		}
		if c, err := st.Commitment(ctx, kept); err != nil || c.Status != coaching.CommitmentKept {
			t.Errorf("the commitment ticked kept = %+v, %v; want it kept, on the record", c, err)
		}
		if _, err := st.Commitment(ctx, dropped); coaching.ErrorCode(err) != coaching.ENotFound {
			t.Errorf("the open commitment the edit dropped: %v, want it gone", err)
		}
	})
}

// A session left out of the open commitments (the one being edited) is
// left out before the limit: the others fill it, rather than the limit
// less the session's own.
func TestOpenCommitmentsLeaveOutASessionBeforeTheLimit(t *testing.T) {
	sqlitetest.Each(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		day := date(2026, time.November, 2)
		edited, later := oneOnOne("UM1", "UR1", day, 30), oneOnOne("UM1", "UR1", day.AddDays(1), 30)
		insertSessions(t, st, &edited, &later)
		var cs []coaching.Commitment
		for _, text := range []string{"edited 1", "edited 2"} {
			cs = append(cs, coaching.Commitment{SessionID: edited.ID, RepID: "UR1", Text: text, Status: coaching.CommitmentOpen})
		}
		for _, text := range []string{"later 1", "later 2", "later 3"} {
			cs = append(cs, coaching.Commitment{SessionID: later.ID, RepID: "UR1", Text: text, Status: coaching.CommitmentOpen})
		}
		if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.InsertCommitments(ctx, cs) }); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name string
			f    coaching.CommitmentFilter
			want string
		}{
			{"none left out", coaching.CommitmentFilter{ManagerID: "UM1"}, "edited 1, edited 2, later 1"},
			{"the edited left out", coaching.CommitmentFilter{ManagerID: "UM1", ExceptSession: edited.ID}, "later 1, later 2, later 3"},
		} {
			open, err := st.OpenCommitments(ctx, "UR1", tt.f, 3)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range open {
				got = append(got, c.Text)
			}
			if strings.Join(got, ", ") != tt.want {
				t.Errorf("%s: open = %q, want %q", tt.name, strings.Join(got, ", "), tt.want)
			}
		}
	})
}
