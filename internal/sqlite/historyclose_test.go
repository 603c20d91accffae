package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A close picked in /coach history while the commitment's own session is
// undone ends as whichever touched the commitment first: the undo first,
// the close is refused as no longer counting and writes no audit line;
// the close first, it stands (an undo reopens only what its session
// closed) on a commitment that counts nowhere, and both are audited in
// that order. On PostgreSQL the second waits on the commitment's row the
// first holds; neither deadlocks (each runs once) nor fails otherwise.
func TestAHistoryCloseRacingAnUndoOfItsSession(t *testing.T) {
	for _, undoFirst := range []bool{true, false} {
		name := map[bool]string{true: "undo first", false: "close first"}[undoFirst]
		t.Run(name, func(t *testing.T) {
			sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
				ctx := context.Background()
				r := newCommitmentRace(t, db, date(2026, time.October, 26))
				undoErr, closeErr := r.raceInOrder(undoFirst, func(st coaching.Store) error {
					_, err := r.service(st).UndoSession(ctx, "UM1", r.session.ID)
					return err
				}, r.closeNotKept(ctx))
				r.ranOnce()
				if undoErr != nil {
					t.Fatalf("the undo: %v", undoErr)
				}
				var status string
				var live int
				var closer *int64
				if err := r.st.QueryRow(ctx, fmt.Sprintf(`SELECT status, live, closed_in_session FROM commitments WHERE id = %d`, r.recap),
					&status, &live, &closer); err != nil {
					t.Fatal(err)
				}
				if live != 0 {
					t.Errorf("the undone session's commitment counts (live %d, %s)", live, status)
				}
				audits := r.audits()
				if undoFirst {
					if coaching.ErrorCode(closeErr) != coaching.EStale || !strings.Contains(closeErr.Error(), "no longer counts") {
						t.Errorf("the close after the undo: %v; want it told the commitment no longer counts", closeErr)
					}
					if status != "open" || closer != nil {
						t.Errorf("the commitment is %s (closed in %v); want it open, the close refused", status, closer)
					}
					if audits != "undo" {
						t.Errorf("audit lines %q; want the undo's alone", audits)
					}
				} else {
					if closeErr != nil {
						t.Errorf("the close before the undo: %v", closeErr)
					}
					if status != "not_kept" || closer != nil {
						t.Errorf("the commitment is %s (closed in %v); want not_kept from history, which no undo reopens", status, closer)
					}
					if audits != "close_commitment, undo" {
						t.Errorf("audit lines %q; want the close's, then the undo's", audits)
					}
				}
				if n, err := r.st.CountOpenCommitments(ctx, "UR1", coaching.CommitmentFilter{ManagerID: "UM1"}); err != nil || n != 0 {
					t.Errorf("open commitments of the rep: %d, %v; want none, their session undone", n, err)
				}
				r.noneLiveOnUndone()
			})
		})
	}
}

// A close picked in /coach history while an edit of the commitment's
// session replaces its line ends as whichever touched the commitment
// first: the edit first, the commitment is gone and the close is refused
// as such, with no audit line; the close first, the commitment stays
// closed (a closed one is part of the record, and the edit's DELETE
// checks again that it is open) beside the edit's new line, and both are
// audited in that order. On PostgreSQL the second waits on the row the
// first holds; neither deadlocks (each runs once) nor fails otherwise.
func TestAHistoryCloseRacingAnEditOfItsSession(t *testing.T) {
	for _, editFirst := range []bool{true, false} {
		name := map[bool]string{true: "edit first", false: "close first"}[editFirst]
		t.Run(name, func(t *testing.T) {
			sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
				ctx := context.Background()
				r := newCommitmentRace(t, db, date(2026, time.October, 26))
				var edited coaching.Session
				editErr, closeErr := r.raceInOrder(editFirst, func(st coaching.Store) error {
					d := r.draft
					d.Commitments = []string{"send recap by Friday"}
					var err error
					edited, err = r.service(st).EditSession(ctx, coaching.EditRequest{
						ActorID: "UM1", SessionID: r.session.ID, Version: r.session.Version, Draft: d, Key: "edit"})
					return err
				}, r.closeNotKept(ctx))
				r.ranOnce()
				if editErr != nil {
					t.Fatalf("the edit: %v", editErr)
				}
				sess, err := r.st.Session(ctx, r.session.ID)
				if err != nil {
					t.Fatal(err)
				}
				var lines []string
				for _, c := range sess.Commitments {
					lines = append(lines, c.Text+" "+string(c.Status))
				}
				got := strings.Join(lines, ", ")
				// The session the edit returns (what the bot shows and
				// re-renders from) is what it stored: it once left out the
				// commitment the close kept on the record meanwhile.
				var returned []string
				for _, c := range edited.Commitments {
					returned = append(returned, c.Text+" "+string(c.Status))
				}
				if ret := strings.Join(returned, ", "); ret != got {
					t.Errorf("the edit returned the commitments %q; stored are %q", ret, got)
				}
				audits := r.audits()
				if editFirst {
					// Read after the edit, refused as an id no commitment
					// has, in the words of someone else's (a crafted id
					// tells nothing); read before it (PostgreSQL, the
					// UPDATE waiting on the edit), found the clicker's and
					// then gone.
					gone := coaching.ErrorCode(closeErr) == coaching.EStale && strings.Contains(closeErr.Error(), "no longer there")
					if !gone && (coaching.ErrorCode(closeErr) != coaching.EForbidden || !strings.Contains(closeErr.Error(), "an edit of a session may have removed one")) {
						t.Errorf("the close after the edit: %v; want it refused as one no longer there", closeErr)
					}
					if _, err := r.st.Commitment(ctx, r.recap); coaching.ErrorCode(err) != coaching.ENotFound {
						t.Errorf("the replaced commitment: %v; want it gone", err)
					}
					if got != "send recap by Friday open" {
						t.Errorf("the session's commitments: %q; want the edit's line alone, open", got)
					}
					if audits != "edit" {
						t.Errorf("audit lines %q; want the edit's alone", audits)
					}
				} else {
					if closeErr != nil {
						t.Errorf("the close before the edit: %v", closeErr)
					}
					if got != "send recap not_kept, send recap by Friday open" {
						t.Errorf("the session's commitments: %q; want the closed one kept on the record beside the edit's line", got)
					}
					if audits != "close_commitment, edit" {
						t.Errorf("audit lines %q; want the close's, then the edit's", audits)
					}
				}
				open, err := r.st.OpenCommitments(ctx, "UR1", coaching.CommitmentFilter{ManagerID: "UM1"}, 10)
				if err != nil || len(open) != 1 || open[0].Text != "send recap by Friday" {
					t.Errorf("open commitments of the rep: %+v, %v; want the edit's line alone", open, err)
				}
			})
		})
	}
}

// raceInOrder races a and b, a first if aFirst, and returns what a
// returned, then b.
func (r *commitmentRace) raceInOrder(aFirst bool, a, b func(coaching.Store) error) (error, error) {
	if aFirst {
		return r.race(a, b)
	}
	bErr, aErr := r.race(b, a)
	return aErr, bErr
}

// closeNotKept closes the recap as not kept from /coach history.
func (r *commitmentRace) closeNotKept(ctx context.Context) func(coaching.Store) error {
	return func(st coaching.Store) error {
		_, err := r.service(st).CloseCommitment(ctx, "UM1", r.recap, coaching.CommitmentNotKept)
		return err
	}
}

// audits lists the audit lines of the race's writes, oldest first.
func (r *commitmentRace) audits() string {
	r.t.Helper()
	var got string
	if err := r.st.QueryRow(context.Background(), `SELECT coalesce(string_agg(action, ', ' ORDER BY id), '') FROM audit
		WHERE action IN ('undo', 'edit', 'close_commitment')`, &got); err != nil {
		r.t.Fatal(err)
	}
	return got
}

// noneLiveOnUndone fails the test if a commitment of an undone session
// still counts in the metrics and lists (live).
func (r *commitmentRace) noneLiveOnUndone() {
	r.t.Helper()
	var n int
	if err := r.st.QueryRow(context.Background(), `SELECT count(*) FROM commitments c JOIN sessions s ON s.id = c.session_id
		WHERE s.deleted_at <> 0 AND c.live = 1`, &n); err != nil {
		r.t.Fatal(err)
	}
	if n != 0 {
		r.t.Errorf("%d commitments of undone sessions count as live", n)
	}
}
