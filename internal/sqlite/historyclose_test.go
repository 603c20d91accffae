package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
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
			sqlitetest.Each(t, func(t *testing.T, db string) {
				ctx := context.Background()
				r := newHistoryRace(t, db)
				undo := func(st coaching.Store) error {
					_, err := coaching.NewService(coaching.Config{Store: st, Now: r.clock}).UndoSession(ctx, "UM1", r.session.ID)
					return err
				}
				closeIt := func(st coaching.Store) error {
					_, err := coaching.NewService(coaching.Config{Store: st, Now: r.clock}).CloseCommitment(ctx, "UM1", r.recap, coaching.CommitmentNotKept)
					return err
				}
				first, second := undo, closeIt
				if !undoFirst {
					first, second = closeIt, undo
				}
				firstErr, secondErr := r.race(first, second)
				undoErr, closeErr := firstErr, secondErr
				if !undoFirst {
					undoErr, closeErr = secondErr, firstErr
				}
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
			sqlitetest.Each(t, func(t *testing.T, db string) {
				ctx := context.Background()
				r := newHistoryRace(t, db)
				edit := func(st coaching.Store) error {
					d := r.draft
					d.Commitments = []string{"send recap by Friday"}
					_, err := coaching.NewService(coaching.Config{Store: st, Now: r.clock}).EditSession(ctx, coaching.EditRequest{
						ActorID: "UM1", SessionID: r.session.ID, Version: r.session.Version, Draft: d, Key: "edit"})
					return err
				}
				closeIt := func(st coaching.Store) error {
					_, err := coaching.NewService(coaching.Config{Store: st, Now: r.clock}).CloseCommitment(ctx, "UM1", r.recap, coaching.CommitmentNotKept)
					return err
				}
				first, second := edit, closeIt
				if !editFirst {
					first, second = closeIt, edit
				}
				firstErr, secondErr := r.race(first, second)
				editErr, closeErr := firstErr, secondErr
				if !editFirst {
					editErr, closeErr = secondErr, firstErr
				}
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
				audits := r.audits()
				if editFirst {
					if coaching.ErrorCode(closeErr) != coaching.EStale || !strings.Contains(closeErr.Error(), "no longer there") {
						t.Errorf("the close after the edit: %v; want it told the commitment is no longer there", closeErr)
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

// historyRace is a session of UM1 with UR1 holding one open commitment,
// the recap, for a write from /coach history to race another on.
type historyRace struct {
	t       *testing.T
	st      *sqlite.Store
	clock   func() time.Time
	draft   coaching.Draft
	session coaching.Session
	recap   int64
}

func newHistoryRace(t *testing.T, db string) *historyRace {
	t.Helper()
	ctx := context.Background()
	st := open(t, db, sqlite.Options{})
	now := time.Date(2026, time.November, 16, 12, 0, 0, 0, time.UTC)
	r := &historyRace{t: t, st: st, clock: func() time.Time { return now },
		draft: coaching.Draft{RepIDs: []string{"UR1"}, Kind: coaching.KindOneOnOne, OccurredOn: date(2026, time.October, 26),
			DurationMin: 30, Commitments: []string{"send recap"}}}
	svc := coaching.NewService(coaching.Config{Store: st, Now: r.clock})
	var err error
	r.session, err = svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UM1", Key: "first", Source: coaching.SourceModal, Draft: r.draft})
	if err != nil {
		t.Fatal(err)
	}
	listed, err := st.OpenCommitments(ctx, "UR1", coaching.CommitmentFilter{ManagerID: "UM1"}, 10)
	if err != nil || len(listed) != 1 {
		t.Fatalf("open commitments = %+v, %v", listed, err)
	}
	r.recap = listed[0].ID
	return r
}

// race runs first and holds it, its work done and not committed, until
// second has started (on PostgreSQL, until second waits on a commitment's
// row first holds), and returns what each returned. Each runs once: a
// deadlock would have PostgreSQL abort one, a second later, and the
// store run it again.
func (r *historyRace) race(first, second func(coaching.Store) error) (error, error) {
	t := r.t
	t.Helper()
	h := &holdingStore{Store: r.st, held: make(chan struct{}), release: make(chan struct{})}
	firstDone := make(chan error, 1)
	go func() { firstDone <- first(h) }()
	select {
	case <-h.held:
	case err := <-firstDone:
		t.Fatalf("the first write ended before it was held: %v", err)
	}
	c := &countingStore{Store: r.st}
	secondDone := make(chan error, 1)
	go func() { secondDone <- second(c) }()
	if r.st.IsPostgres() {
		// On SQLite the second queues behind the one writer.
		waitForARowLock(t, r.st, "commitments", secondDone)
	}
	close(h.release)
	var errs [2]error
	for i, done := range []chan error{firstDone, secondDone} {
		select {
		case errs[i] = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("write %d of the race still runs 10 s after the first was let go", i+1)
		}
	}
	if n := h.attempts.Load(); n != 1 {
		t.Errorf("the first write ran %d times; want once (a deadlock aborts and retries it)", n)
	}
	if n := c.attempts.Load(); n != 1 {
		t.Errorf("the second write ran %d times; want once (a deadlock aborts and retries it)", n)
	}
	return errs[0], errs[1]
}

// audits lists the audit lines of the race's writes, oldest first.
func (r *historyRace) audits() string {
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
func (r *historyRace) noneLiveOnUndone() {
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
