package sqlite_test

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
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
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
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
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
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
			_, err := tx.CloseCommitments(ctx, "UM1", []int64{kept}, []string{"UR1"}, coaching.CommitmentKept, closer.ID, time.Now())
			return err
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

// A commitment an edit deleted never gives its id to another: a list shown
// before the edit (/coach history's Kept and Not kept, a form's ticks)
// names commitments by id, and a click on the deleted one must find it
// gone, not close the line the edit put in its place. SQLite gives a new
// row the largest id plus one unless the table says AUTOINCREMENT
// (migration 0021): the newest commitment's id came back at once.
func TestADeletedCommitmentsIDIsNeverGivenAgain(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		sess := oneOnOne("UM1", "UR1", date(2026, time.November, 2), 30)
		insertSessions(t, st, &sess)
		insert := func(text string) int64 {
			t.Helper()
			err := st.Update(ctx, func(tx coaching.Tx) error {
				return tx.InsertCommitments(ctx, []coaching.Commitment{{SessionID: sess.ID, RepID: "UR1", Text: text, Status: coaching.CommitmentOpen}})
			})
			if err != nil {
				t.Fatal(err)
			}
			open, err := st.OpenCommitments(ctx, "UR1", coaching.CommitmentFilter{}, 10)
			if err != nil || len(open) != 1 || open[0].Text != text {
				t.Fatalf("open = %+v, %v; want %q alone", open, err, text)
			}
			return open[0].ID
		}
		deleted := insert("send recap")
		if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.DeleteCommitments(ctx, []int64{deleted}) }); err != nil {
			t.Fatal(err)
		}
		if again := insert("send recap by Friday"); again == deleted {
			t.Errorf("the line put in place of the deleted commitment took its id %d", deleted)
		}
		if _, err := st.Commitment(ctx, deleted); coaching.ErrorCode(err) != coaching.ENotFound {
			t.Errorf("the deleted commitment's id: %v; want not found", err)
		}
	})
}

// Migration 0021 moves every commitment into its new table as it was, ids
// and all, and the indexes are made again (the plan tests read them on a
// new database): run again here on a database holding commitments open
// and closed, each reads back the same.
func TestMigration0021KeepsEveryCommitment(t *testing.T) {
	sqlitetest.Each(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		made, closer := oneOnOne("UM1", "UR1", date(2026, time.November, 2), 30), oneOnOne("UM1", "UR1", date(2026, time.November, 9), 30)
		insertSessions(t, st, &made, &closer)
		err := st.Update(ctx, func(tx coaching.Tx) error {
			if err := tx.InsertCommitments(ctx, []coaching.Commitment{
				{SessionID: made.ID, RepID: "UR1", Text: "send recap", Status: coaching.CommitmentOpen, FollowUpOn: date(2026, time.November, 20)},
				{SessionID: made.ID, RepID: "UR1", Text: "book role-play", Status: coaching.CommitmentOpen},
				{SessionID: made.ID, RepID: "UR1", Text: "call Acme", Status: coaching.CommitmentOpen},
			}); err != nil {
				return err
			}
			_, err := tx.CloseCommitments(ctx, "UM1", []int64{2}, []string{"UR1"}, coaching.CommitmentKept, closer.ID, time.UnixMilli(1234))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		const all = `SELECT string_agg(id || '|' || session_id || '|' || rep_id || '|' || text || '|' || status || '|' || follow_up_on || '|' ||
			closed_at || '|' || coalesce(closed_in_session, 0) || '|' || manager_id || '|' || occurred_on || '|' || live, '; ' ORDER BY id) FROM commitments`
		var before, after string
		if err := st.QueryRow(ctx, all, &before); err != nil {
			t.Fatal(err)
		}
		if err := st.Exec(ctx, `DELETE FROM schema_migrations WHERE version = 21`); err != nil {
			t.Fatal(err)
		}
		st.Close()
		st = open(t, db, sqlite.Options{})
		if err := st.QueryRow(ctx, all, &after); err != nil {
			t.Fatal(err)
		}
		if after != before || !strings.Contains(after, "|kept|") {
			t.Errorf("commitments after the migration:\n%s\nwant as before:\n%s", after, before)
		}
	})
}

// A session left out of the open commitments (the one being edited) is
// left out before the limit: the others fill it, rather than the limit
// less the session's own.
func TestOpenCommitmentsLeaveOutASessionBeforeTheLimit(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
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

// A form ticking off a commitment of an earlier session while that session
// is being undone leaves it open: an undone session's commitments count
// nowhere, and the tick would otherwise stand for good, as undoing the
// earlier session reopens only what it closed itself. On PostgreSQL the
// tick waits on the commitment the undo holds (the undo takes it out of
// the metrics) and must not go ahead once the undo commits.
func TestATickOnACommitmentOfASessionBeingUndoneFindsItUndone(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		r := newCommitmentRace(t, db, date(2026, time.October, 26))
		// The undo has done its work and is not committed yet. The next
		// session's form, opened before the undo, ticks the recap off. It
		// is logged a month later, so its coaching minutes are not the
		// undone session's: nothing else it writes waits for the undo. On
		// SQLite the log queues behind the one writer; on PostgreSQL it
		// runs until it waits on the recap's row.
		undoErr, logErr := r.race(func(st coaching.Store) error {
			_, err := r.service(st).UndoSession(ctx, "UM1", r.session.ID)
			return err
		}, func(st coaching.Store) error {
			_, err := r.service(st).LogSession(ctx, coaching.LogRequest{ManagerID: "UM1", Key: "second", Source: coaching.SourceModal,
				Draft: coaching.Draft{RepIDs: []string{"UR1"}, Kind: coaching.KindOneOnOne, OccurredOn: date(2026, time.November, 16),
					DurationMin: 30, KeptCommitments: []int64{r.recap}}})
			return err
		})
		if undoErr != nil {
			t.Fatal(undoErr)
		}
		if logErr != nil {
			t.Fatal(logErr)
		}
		c, err := r.st.Commitment(ctx, r.recap)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != coaching.CommitmentOpen {
			t.Errorf("the undone session's commitment is %s; want it left open, its session undone before the tick", c.Status)
		}
	})
}

// holdingStore holds each write open, its work done and not committed,
// from when it signals held until the test closes release: another write
// then meets the locks it holds. It counts its writes' attempts.
type holdingStore struct {
	*sqlite.Store
	held     chan struct{}
	release  chan struct{}
	once     sync.Once
	attempts atomic.Int32
}

func (h *holdingStore) Update(ctx context.Context, fn func(coaching.Tx) error) error {
	return h.Store.Update(ctx, func(tx coaching.Tx) error {
		h.attempts.Add(1)
		if err := fn(tx); err != nil {
			return err
		}
		h.once.Do(func() { close(h.held) })
		<-h.release
		return nil
	})
}

// waitForARowLock returns once an UPDATE or DELETE in the store's schema
// waits for a row of table another transaction holds. It fails the test
// if the write it is waiting for (done) ends first, or after 10 s.
func waitForARowLock(t *testing.T, st *sqlite.Store, table string, done <-chan error) {
	t.Helper()
	ctx := context.Background()
	// The first UPDATE or DELETE waiting on a row holds the row's tuple
	// lock while it waits for the holder's transaction (an upsert waits
	// without one); regclass resolves table in the store's own schema.
	q := `SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'tuple' AND l.relation = '` + table + `'::regclass AND a.wait_event_type = 'Lock'`
	for deadline := time.Now().Add(10 * time.Second); ; {
		var n int
		if err := st.QueryRow(ctx, q, &n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		select {
		case err := <-done:
			t.Fatalf("the write ended without waiting on a row of %s: %v", table, err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no write waited on a row of %s", table)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// commitmentRace is a session UM1 logged with UR1, holding one open
// commitment, the recap, for two writes to race on.
type commitmentRace struct {
	t       *testing.T
	st      *sqlite.Store
	clock   func() time.Time
	draft   coaching.Draft
	session coaching.Session
	recap   int64
	// The stores race ran its writes on: their attempts are counted.
	held   *holdingStore
	second *countingStore
	// waitOn is the table whose row the second write waits on, on
	// PostgreSQL: "commitments" when empty.
	waitOn string
}

// newCommitmentRace logs the session on day, the clock at 16 November
// 2026.
func newCommitmentRace(t *testing.T, db string, day coaching.Date) *commitmentRace {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, time.November, 16, 12, 0, 0, 0, time.UTC)
	r := &commitmentRace{t: t, st: open(t, db, sqlite.Options{}), clock: func() time.Time { return now },
		draft: coaching.Draft{RepIDs: []string{"UR1"}, Kind: coaching.KindOneOnOne, OccurredOn: day,
			DurationMin: 30, Commitments: []string{"send recap"}}}
	r.logFirst(ctx)
	return r
}

// logFirst logs the race's first session, UM1's with UR1 on its draft, and
// notes it and its one commitment, the recap.
func (r *commitmentRace) logFirst(ctx context.Context) {
	r.t.Helper()
	var err error
	r.session, err = r.service(r.st).LogSession(ctx, coaching.LogRequest{ManagerID: "UM1", Key: "first", Source: coaching.SourceModal, Draft: r.draft})
	if err != nil {
		r.t.Fatal(err)
	}
	listed, err := r.st.OpenCommitments(ctx, "UR1", coaching.CommitmentFilter{ManagerID: "UM1"}, 10)
	if err != nil || len(listed) != 1 {
		r.t.Fatalf("open commitments = %+v, %v", listed, err)
	}
	r.recap = listed[0].ID
}

// service is the domain on st, on the race's clock.
func (r *commitmentRace) service(st coaching.Store) *coaching.Service {
	return coaching.NewService(coaching.Config{Store: st, Now: r.clock})
}

// race runs first and holds it, its work done and not committed, until
// second has started (on PostgreSQL, until second waits on a commitment's
// row first holds), and returns what each returned.
func (r *commitmentRace) race(first, second func(coaching.Store) error) (error, error) {
	t := r.t
	t.Helper()
	r.held = &holdingStore{Store: r.st, held: make(chan struct{}), release: make(chan struct{})}
	firstDone := make(chan error, 1)
	go func() { firstDone <- first(r.held) }()
	select {
	case <-r.held.held:
	case err := <-firstDone:
		t.Fatalf("the first write ended before it was held: %v", err)
	}
	r.second = &countingStore{Store: r.st}
	secondDone := make(chan error, 1)
	go func() { secondDone <- second(r.second) }()
	if r.st.IsPostgres() {
		// On SQLite the second queues behind the one writer.
		waitForARowLock(t, r.st, cmp.Or(r.waitOn, "commitments"), secondDone)
	}
	close(r.held.release)
	var errs [2]error
	for i, done := range []chan error{firstDone, secondDone} {
		select {
		case errs[i] = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("write %d of the race still runs 10 s after the first was let go", i+1)
		}
	}
	return errs[0], errs[1]
}

// ranOnce fails the test unless each write of the race ran once: a
// deadlock would have PostgreSQL abort one, a second later, and the store
// run it again.
func (r *commitmentRace) ranOnce() {
	r.t.Helper()
	if n := r.held.attempts.Load(); n != 1 {
		r.t.Errorf("the first write ran %d times; want once (a deadlock aborts and retries it)", n)
	}
	if n := r.second.attempts.Load(); n != 1 {
		r.t.Errorf("the second write ran %d times; want once (a deadlock aborts and retries it)", n)
	}
}

// A session logged while an earlier one of the same rep and month is
// undone, ticking off one of its commitments, does not deadlock with the
// undo. The log locks the month's minutes, then ticks the commitment; the
// undo wrote that session's commitments, then waited for the minutes:
// each waited for the other until PostgreSQL's deadlock detector aborted
// one (a second later) and the store ran it again, that second on an ack.
// The test holds the log between the two, has the undo start and wait on
// it, and counts how often each ran.
func TestALogTickingOffWhileAnUndoOfTheSameMonthRunsDoesNotDeadlock(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		r := newCommitmentRace(t, db, date(2026, time.November, 2))
		st := r.st

		logStore := &closeHoldingStore{Store: st, atClose: make(chan int, 1), release: make(chan struct{})}
		logged := make(chan error, 1)
		go func() {
			_, err := r.service(logStore).LogSession(ctx, coaching.LogRequest{
				ManagerID: "UM1", Key: "second", Source: coaching.SourceModal,
				Draft: coaching.Draft{RepIDs: []string{"UR1"}, Kind: coaching.KindOneOnOne, OccurredOn: date(2026, time.November, 16),
					DurationMin: 30, KeptCommitments: []int64{r.recap}}})
			logged <- err
		}()
		var logPID int
		select {
		case logPID = <-logStore.atClose:
		case err := <-logged:
			t.Fatalf("the log ended before it ticked anything off: %v", err)
		}
		undoStore := &countingStore{Store: st}
		undone := make(chan error, 1)
		go func() {
			_, err := r.service(undoStore).UndoSession(ctx, "UM1", r.session.ID)
			undone <- err
		}()
		if st.IsPostgres() {
			// The undo runs until it waits on the log (on SQLite it
			// queues behind the one writer from the start).
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
				n, err := st.BlockedBy(ctx, logPID)
				if err != nil {
					t.Fatal(err)
				}
				if n > 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the undo never waited on the log")
				}
			}
		}
		close(logStore.release)
		if err := <-logged; err != nil {
			t.Fatal(err)
		}
		if err := <-undone; err != nil {
			t.Fatal(err)
		}
		if n := logStore.attempts.Load(); n != 1 {
			t.Errorf("the log ran %d times; want once (a deadlock aborts and retries it)", n)
		}
		if n := undoStore.attempts.Load(); n != 1 {
			t.Errorf("the undo ran %d times; want once (a deadlock aborts and retries it)", n)
		}
	})
}

// closeHoldingStore counts its writes' attempts and holds the first one
// where it is about to tick commitments off, its session stored, sending
// the PostgreSQL backend it runs on (0 on SQLite) to atClose.
type closeHoldingStore struct {
	*sqlite.Store
	atClose  chan int
	release  chan struct{}
	once     sync.Once
	attempts atomic.Int32
}

func (h *closeHoldingStore) Update(ctx context.Context, fn func(coaching.Tx) error) error {
	return h.Store.Update(ctx, func(tx coaching.Tx) error {
		h.attempts.Add(1)
		return fn(closeHoldingTx{Tx: tx, h: h})
	})
}

type closeHoldingTx struct {
	coaching.Tx
	h *closeHoldingStore
}

func (t closeHoldingTx) CloseCommitments(ctx context.Context, managerID string, ids []int64, repIDs []string, status coaching.CommitmentStatus, bySession int64, at time.Time) (int64, error) {
	var err error
	t.h.once.Do(func() {
		pid := 0
		if t.h.IsPostgres() {
			if pid, err = sqlite.BackendPID(ctx, t.Tx); err != nil {
				return
			}
		}
		t.h.atClose <- pid
		<-t.h.release
	})
	if err != nil {
		return 0, err
	}
	return t.Tx.CloseCommitments(ctx, managerID, ids, repIDs, status, bySession, at)
}

// countingStore counts its writes' attempts: PostgreSQL's retries of a
// deadlock run a write again.
type countingStore struct {
	*sqlite.Store
	attempts atomic.Int32
}

func (c *countingStore) Update(ctx context.Context, fn func(coaching.Tx) error) error {
	return c.Store.Update(ctx, func(tx coaching.Tx) error {
		c.attempts.Add(1)
		return fn(tx)
	})
}

// A close outside any session (from /coach history) is recorded with no
// closing session (closed_in_session references sessions: 0 would break
// the key) and when it was made; an undo, which reopens by the closing
// session, never reopens it. The count of open ones is what the list
// holds without its limit.
func TestACloseOutsideAnySessionIsRecordedWithNone(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		day := date(2026, time.November, 2)
		made, later := oneOnOne("UM1", "UR1", day, 30), oneOnOne("UM1", "UR1", day.AddDays(1), 30)
		insertSessions(t, st, &made, &later)
		var cs []coaching.Commitment
		for _, text := range []string{"send recap", "book role-play", "call Acme"} {
			cs = append(cs, coaching.Commitment{SessionID: made.ID, RepID: "UR1", Text: text, Status: coaching.CommitmentOpen})
		}
		if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.InsertCommitments(ctx, cs) }); err != nil {
			t.Fatal(err)
		}
		open, err := st.OpenCommitments(ctx, "UR1", coaching.CommitmentFilter{ManagerID: "UM1"}, 10)
		if err != nil || len(open) != 3 {
			t.Fatalf("open = %+v, %v", open, err)
		}
		notKept, kept := open[0].ID, open[1].ID
		at := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
		err = st.Update(ctx, func(tx coaching.Tx) error {
			if _, err := tx.CloseCommitments(ctx, "UM1", []int64{notKept}, []string{"UR1"}, coaching.CommitmentNotKept, 0, at); err != nil {
				return err
			}
			_, err := tx.CloseCommitments(ctx, "UM1", []int64{kept}, []string{"UR1"}, coaching.CommitmentKept, later.ID, at)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var status string
		var closedAt int64
		var closer *int64
		if err := st.QueryRow(ctx, fmt.Sprintf(`SELECT status, closed_at, closed_in_session FROM commitments WHERE id = %d`, notKept),
			&status, &closedAt, &closer); err != nil {
			t.Fatal(err)
		}
		if status != "not_kept" || closedAt != at.UnixMilli() || closer != nil {
			t.Errorf("closed from history: status %s, closed_at %d, closed_in_session %v; want not_kept, %d, none", status, closedAt, closer, at.UnixMilli())
		}
		if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.ReopenCommitments(ctx, later.ID) }); err != nil {
			t.Fatal(err)
		}
		for id, want := range map[int64]coaching.CommitmentStatus{notKept: coaching.CommitmentNotKept, kept: coaching.CommitmentOpen} {
			if c, err := st.Commitment(ctx, id); err != nil || c.Status != want {
				t.Errorf("after the later session's undo, commitment %d = %+v, %v; want %s", id, c, err, want)
			}
		}
		for _, tt := range []struct {
			f    coaching.CommitmentFilter
			want int
		}{
			{coaching.CommitmentFilter{ManagerID: "UM1"}, 2},
			{coaching.CommitmentFilter{ManagerID: "UM2"}, 0},
			{coaching.CommitmentFilter{ManagerID: "UM1", ExceptSession: made.ID}, 0},
		} {
			n, err := st.CountOpenCommitments(ctx, "UR1", tt.f)
			listed, lerr := st.OpenCommitments(ctx, "UR1", tt.f, 100)
			if err != nil || lerr != nil || n != tt.want || len(listed) != n {
				t.Errorf("count with %+v = %d (%v), listed %d (%v); want %d", tt.f, n, err, len(listed), lerr, tt.want)
			}
		}
	})
}

// A Kept picked in /coach history while a session's form ticks the same
// commitment kept is answered as closed already, with no audit line of
// its own: on PostgreSQL its UPDATE waits on the row the form's write
// holds and then closes nothing; read back, the commitment looked closed
// as asked, and the manager was told "Marked kept" for a close that was
// the session's (undone with it).
func TestAHistoryCloseRacingAFormsTickIsClosedAlready(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		r := newCommitmentRace(t, db, date(2026, time.October, 26))
		// The form's session has ticked the recap kept, not committed yet.
		logErr, err := r.race(func(st coaching.Store) error {
			_, err := r.service(st).LogSession(ctx, coaching.LogRequest{ManagerID: "UM1",
				Key: "second", Source: coaching.SourceModal, Draft: coaching.Draft{RepIDs: []string{"UR1"}, Kind: coaching.KindOneOnOne,
					OccurredOn: date(2026, time.November, 16), DurationMin: 30, KeptCommitments: []int64{r.recap}}})
			return err
		}, func(st coaching.Store) error {
			_, err := r.service(st).CloseCommitment(ctx, "UM1", r.recap, coaching.CommitmentKept)
			return err
		})
		if logErr != nil {
			t.Fatal(logErr)
		}
		if coaching.ErrorCode(err) != coaching.EStale || !strings.Contains(err.Error(), "marked kept already") {
			t.Errorf("the history's close: %v; want it told the commitment was marked kept already", err)
		}
		var audits int
		if err := r.st.QueryRow(ctx, `SELECT count(*) FROM audit WHERE action = 'close_commitment'`, &audits); err != nil {
			t.Fatal(err)
		}
		if audits != 0 {
			t.Errorf("%d close_commitment audit lines; want none, the form's session closed it", audits)
		}
	})
}
