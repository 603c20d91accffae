package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// TestPostgresContract says, in one place, whether the PostgreSQL half of
// the store's tests ran: without COACHLOG_TEST_POSTGRES it is skipped, and
// so is every "postgres" subtest of the contract.
func TestPostgresContract(t *testing.T) {
	if sqlitetest.PostgresURL() == "" {
		t.Skip(sqlitetest.PostgresEnv + " not set: the store's contract tests ran on SQLite only; the PostgreSQL half was skipped")
	}
	db := sqlitetest.PostgresDB(t)
	ctx := context.Background()
	// Two processes starting at once on an empty database: both open, and
	// each migration is applied once.
	stores := make([]*sqlite.Store, 4)
	errs := make([]error, len(stores))
	var wg sync.WaitGroup
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = sqlite.Open(ctx, db, sqlite.Options{})
		}()
	}
	wg.Wait()
	for i, st := range stores {
		if errs[i] != nil {
			t.Fatalf("open %d: %v", i, errs[i])
		}
		defer st.Close()
	}
	st := stores[0]
	if !st.IsPostgres() {
		t.Fatal("a postgres:// URL opened something else")
	}
	if sqlite.PostgresSchemaVersion() != sqlite.SchemaVersion() {
		t.Fatalf("PostgreSQL schema %d, SQLite %d: a version must mean the same schema on both", sqlite.PostgresSchemaVersion(), sqlite.SchemaVersion())
	}
	if err := st.CheckRead(ctx); err != nil {
		t.Fatal(err)
	}
	var applied, distinct int
	if err := st.QueryRow(ctx, `SELECT count(*), count(DISTINCT version) FROM schema_migrations`, &applied, &distinct); err != nil {
		t.Fatal(err)
	}
	if applied != distinct || applied == 0 {
		t.Fatalf("schema_migrations holds %d rows for %d versions", applied, distinct)
	}
	// A read-only open of a migrated database works and refuses writes.
	ro, err := sqlite.Open(ctx, db, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.Update(ctx, func(coaching.Tx) error { return nil }); err == nil {
		t.Fatal("a read-only store wrote")
	}
	if err := st.Backup(ctx, t.TempDir()+"/b.db"); err == nil {
		t.Fatal("backup of a PostgreSQL database did not refuse")
	}
}

// Replicas on one PostgreSQL: the same submission arriving at several at
// once is stored once, and concurrent outbox claims never take the same
// message twice.
func TestPostgresWritersAgreeUnderConcurrency(t *testing.T) {
	db := sqlitetest.PostgresMigrated(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	// The test is about agreement, not speed: a CI machine whose disk
	// stalled a commit for 30 s timed the waiting writers out with "busy".
	// A real deadlock still fails, later, and the watch below says where
	// every transaction was waiting.
	o := sqliteOptions(now)
	o.StatementTimeout = 2 * time.Minute
	a, b := open(t, db, o), open(t, db, o)
	defer watchPG(t, db, 10*time.Second)()
	svcs := []*coaching.Service{coaching.NewService(coaching.Config{Store: a}), coaching.NewService(coaching.Config{Store: b})}
	var wg sync.WaitGroup
	ids := make(chan int64, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := logOne(ctx, svcs[i%2], "UM", "UR", fmt.Sprintf("dup-%d", i%4))
			if err != nil {
				t.Error(err)
				return
			}
			ids <- s.ID
		}()
	}
	wg.Wait()
	close(ids)
	seen := map[int64]bool{}
	for id := range ids {
		seen[id] = true
	}
	var sessions int
	if err := a.QueryRow(ctx, `SELECT count(*) FROM sessions`, &sessions); err != nil {
		t.Fatal(err)
	}
	if sessions != 4 || len(seen) != 4 {
		t.Fatalf("four submissions sent ten times each stored %d sessions, answered with %d ids; want 4 and 4", sessions, len(seen))
	}

	// Many sessions for one rep at once, from both stores: the rep's month
	// of minutes is the sum of them all, none lost to a write that summed
	// before another committed.
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := logOne(ctx, svcs[i%2], fmt.Sprintf("UM%d", i%5), "UHOT", fmt.Sprintf("hot-%d", i)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var cell, sum float64
	if err := a.QueryRow(ctx, `SELECT (SELECT sum(minutes) FROM rep_months WHERE rep_id = 'UHOT'),
		(SELECT sum(minutes) FROM session_reps WHERE rep_id = 'UHOT' AND live = 1)`, &cell, &sum); err != nil {
		t.Fatal(err)
	}
	if cell != 40*30 || sum != 40*30 {
		t.Fatalf("UHOT's month holds %v minutes, its sessions %v; want 1200 and 1200", cell, sum)
	}

	// Ten edits of one session, all from the form at the same version, at
	// once: one is saved, the others are told it changed meanwhile.
	first, err := logOne(ctx, svcs[0], "UED", "UR", "to-edit")
	if err != nil {
		t.Fatal(err)
	}
	saved := make(chan int, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := coaching.Draft{RepIDs: []string{"UR"}, Kind: coaching.KindOneOnOne, OccurredOn: today(), DurationMin: 31 + i}
			_, err := svcs[i%2].EditSession(ctx, coaching.EditRequest{ActorID: "UED", SessionID: first.ID, Version: first.Version,
				Draft: d, Key: fmt.Sprintf("edit-%d", i)})
			var ce *coaching.Error
			switch {
			case err == nil:
				saved <- i
			case !errors.As(err, &ce) || ce.Code != coaching.EStale:
				t.Errorf("edit %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	close(saved)
	if n := len(saved); n != 1 {
		t.Fatalf("%d of ten edits at one version were saved; want exactly one", n)
	}

	// The outbox now holds each session's DM; add more and claim from both.
	if err := a.Update(ctx, func(tx coaching.Tx) error {
		for i := 0; i < 200; i++ {
			if err := tx.Enqueue(ctx, coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpPost, Key: fmt.Sprintf("m%d", i), To: "U1"}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var pending int
	// The saved edit's update waits for its post to be sent: not claimable.
	if err := a.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE status = 'pending' AND op <> 'update'`, &pending); err != nil {
		t.Fatal(err)
	}
	claimed := claimConcurrently(t, []*sqlite.Store{a, b, a, b}, func(st *sqlite.Store, owner string) ([]coaching.OutboxItem, error) {
		return st.ClaimOutbox(ctx, owner, now, time.Minute, 7, nil)
	})
	if len(claimed) != pending || pending < 200 {
		t.Fatalf("claimed %d messages, want all %d pending", len(claimed), pending)
	}
	owners := map[string]bool{}
	for _, o := range claimed {
		owners[o] = true
	}
	// A lease that ran out is taken again.
	later, err := b.ClaimOutbox(ctx, "late", now.Add(2*time.Minute), time.Minute, 500, nil)
	if err != nil || len(later) != pending {
		t.Fatalf("after the leases expired: claimed %d, %v; want %d", len(later), err, pending)
	}
	ids2 := make([]int64, 0, len(later))
	for _, it := range later {
		ids2 = append(ids2, it.ID)
	}
	if !slices.IsSorted(ids2) {
		t.Error("claims are not oldest first")
	}
	t.Logf("%d workers shared the claims", len(owners))
}

// watchPG, if the test still runs after a while, logs what every
// Coachlog connection on the server is doing: which transaction waits, on
// what (a lock, I/O, the client), since when. A stall then says whether
// the server or the Go side held it up. It returns what stops the watch,
// waiting for a report under way: a test must not log once it has ended.
func watchPG(t *testing.T, db string, after time.Duration) (stop func()) {
	done := make(chan struct{})
	timer := time.AfterFunc(after, func() {
		defer close(done)
		conn, err := sql.Open("pgx", db)
		if err != nil {
			t.Logf("watch: %v", err)
			return
		}
		defer conn.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		rows, err := conn.QueryContext(ctx, `SELECT pid, state, coalesce(wait_event_type, ''), coalesce(wait_event, ''),
			extract(epoch FROM now() - xact_start)::float8, left(query, 80)
			FROM pg_stat_activity WHERE application_name = 'coachlog' AND xact_start IS NOT NULL ORDER BY xact_start`)
		if err != nil {
			t.Logf("watch: %v", err)
			return
		}
		defer rows.Close()
		t.Logf("still running after %v; Coachlog's transactions on the server:", after)
		for rows.Next() {
			var pid int
			var state, waitType, wait, query string
			var age float64
			if err := rows.Scan(&pid, &state, &waitType, &wait, &age, &query); err != nil {
				t.Logf("watch: %v", err)
				return
			}
			t.Logf("  pid %d %s %.1fs, waiting %s/%s: %s", pid, state, age, waitType, wait, query)
		}
	})
	return func() {
		if !timer.Stop() {
			<-done
		}
	}
}

// A write returns once committed, even when a table it used is locked
// right after (a migration, LOCK TABLE): preparing the statements it met
// unprepared waits for that lock, and used to hold the write's caller
// until the statement timeout, far past an ack's deadline.
func TestPostgresWriteReturnsWhileATableItUsedIsLocked(t *testing.T) {
	db := sqlitetest.PostgresMigrated(t)
	ctx := context.Background()
	o := sqliteOptions(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC))
	o.StatementTimeout = time.Minute
	st := open(t, db, o)
	locker, err := sql.Open("pgx", db)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close()
	lockTx, err := locker.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lockTx.Rollback()
	var lockPID int
	if err := lockTx.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&lockPID); err != nil {
		t.Fatal(err)
	}
	locked := make(chan error, 1)
	done := make(chan error, 1)
	go func() {
		done <- st.Update(ctx, func(tx coaching.Tx) error {
			// The first statement on people: run unprepared, wanted after.
			if err := tx.EnsurePerson(ctx, "ULOCK"); err != nil {
				return err
			}
			// Another session asks for the table now: it waits for this
			// write to commit, then holds the table.
			go func() {
				_, err := lockTx.ExecContext(ctx, `LOCK TABLE people IN ACCESS EXCLUSIVE MODE`)
				locked <- err
			}()
			return waitForLockWaiter(ctx, locker, lockPID)
		})
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("a committed write did not return while a table it used was locked after it")
	}
	if err := <-locked; err != nil {
		t.Fatal(err)
	}
	if err := lockTx.Rollback(); err != nil {
		t.Fatal(err)
	}
}

// waitForLockWaiter returns once the session pid waits for a table lock.
func waitForLockWaiter(ctx context.Context, db *sql.DB, pid int) error {
	for range 500 {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks WHERE pid = $1 AND locktype = 'relation' AND NOT granted`, pid).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return errors.New("no session came to wait for the lock")
}

// Advisory locks belong to the database, not to a schema: two
// installations (or two tests) in schemas of one database must not wait
// on each other's submission keys or imports of the same name.
func TestPostgresLocksOfOneSchemaDoNotHoldAnother(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	a := open(t, sqlitetest.PostgresMigrated(t), sqliteOptions(now))
	b := open(t, sqlitetest.PostgresMigrated(t), sqliteOptions(now))
	held, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- a.Update(ctx, func(tx coaching.Tx) error {
			if _, _, err := tx.SubmissionSession(ctx, "V123"); err != nil {
				return err
			}
			close(held)
			<-release
			return nil
		})
	}()
	select {
	case <-held:
	case err := <-done:
		t.Fatalf("the first schema's write ended before it held the key: %v", err)
	}
	defer func() {
		close(release)
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	bctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := b.Update(bctx, func(tx coaching.Tx) error {
		_, _, err := tx.SubmissionSession(bctx, "V123")
		return err
	}); err != nil {
		t.Errorf("another schema's write of the same submission key: %v; want it not to wait", err)
	}
}

// A connection the server ends (a failover, pg_terminate_backend, a
// pgbouncer restart, a firewall cutting an idle socket) loses no write
// that had not sent COMMIT: one ended while idle in the pool, or in the
// middle of a write, is replaced and the write runs again; a read that
// meets one runs again too. The store has one connection, so its
// backend's pid is known, and only this test's backends are terminated.
func TestPostgresWritesAndReadsOutliveATerminatedConnection(t *testing.T) {
	db := sqlitetest.PostgresMigrated(t)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db, sqlite.Options{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	admin, err := sql.Open("pgx", sqlitetest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	// pid is the backend's, once the statements the last write met
	// unprepared are prepared (prepareLater): prepared while a write
	// holds the one connection, terminate's wait for them would wait for
	// that write (until prepareLaterFor).
	pid := func() int {
		t.Helper()
		st.WaitPrepared()
		var pid int
		if err := st.QueryRow(ctx, `SELECT pg_backend_pid()`, &pid); err != nil {
			t.Fatal(err)
		}
		return pid
	}
	// terminate ends a backend and waits until it has gone (PostgreSQL
	// 14's timeout argument), so the next statement on it meets the end.
	// The statements a write prepares after it (prepareLater) are
	// prepared first: on the ended connection, they would find the end
	// before the statement under test does.
	terminate := func(pid int) {
		t.Helper()
		st.WaitPrepared()
		var gone bool
		if err := admin.QueryRowContext(ctx, `SELECT pg_terminate_backend($1, 10000)`, pid).Scan(&gone); err != nil || !gone {
			t.Fatalf("terminate backend %d: %v, %v", pid, gone, err)
		}
	}
	person := func(id string) func(coaching.Tx) error {
		return func(tx coaching.Tx) error { return tx.EnsurePerson(ctx, id) }
	}

	// Ended while idle in the pool, between two writes.
	terminate(pid())
	if err := st.Update(ctx, person("U1")); err != nil {
		t.Fatalf("write after the connection was ended: %v", err)
	}

	// Ended in the middle of a write: it runs again from the start.
	was, tries := pid(), 0
	if err := st.Update(ctx, func(tx coaching.Tx) error {
		tries++
		if tries == 1 {
			terminate(was)
		}
		return tx.EnsurePerson(ctx, "U2")
	}); err != nil || tries != 2 {
		t.Fatalf("write whose connection was ended midway: %v after %d tries; want stored on the second", err, tries)
	}

	// Reads, on the pool and in a read transaction. The read is made
	// once first, so that its statement is prepared, as a running bot's
	// are: a PREPARE failing first would take another path.
	if _, err := st.Person(ctx, "U1"); err != nil {
		t.Fatal(err)
	}
	terminate(pid())
	if _, err := st.Person(ctx, "U1"); err != nil {
		t.Fatalf("read after the connection was ended: %v", err)
	}
	terminate(pid())
	if _, err := st.WeekSessions(ctx, coaching.Date{Year: 2025, Month: 1, Day: 6}, coaching.Date{Year: 2025, Month: 1, Day: 12}); err != nil {
		t.Fatalf("read transaction after the connection was ended: %v", err)
	}

	// Ended after fn's last statement: the transaction's id, read just
	// before COMMIT, meets the end, so COMMIT is never sent and the write
	// runs again. (A COMMIT that loses its connection is
	// TestPostgresALostCommitIsFoundOutNotGuessed's.)
	was, tries = pid(), 0
	err = st.Update(ctx, func(tx coaching.Tx) error {
		tries++
		if err := tx.EnsurePerson(ctx, "U3"); err != nil {
			return err
		}
		if tries == 1 {
			terminate(was)
		}
		return nil
	})
	if err != nil || tries != 2 {
		t.Fatalf("write whose connection was ended before COMMIT: %v after %d tries; want stored on the second", err, tries)
	}
	// And the store goes on.
	if err := st.Update(ctx, person("U4")); err != nil {
		t.Fatalf("write after a connection ended before COMMIT: %v", err)
	}
	for _, id := range []string{"U1", "U2", "U3", "U4"} {
		if _, err := st.Person(ctx, id); err != nil {
			t.Errorf("person %s: %v", id, err)
		}
	}
}
