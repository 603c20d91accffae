package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// storeReads are the reads the domain and the surfaces make, one each:
// the forms', the histories', the numbers', the prep brief's.
func storeReads(st *sqlite.Store, s coaching.Session) []struct {
	name string
	read func(context.Context) error
} {
	day := s.OccurredOn
	return []struct {
		name string
		read func(context.Context) error
	}{
		{"Person", func(ctx context.Context) error { _, err := st.Person(ctx, s.ManagerID); return err }},
		{"PeopleByID", func(ctx context.Context) error { _, err := st.PeopleByID(ctx, []string{s.ManagerID}); return err }},
		{"DirectReports", func(ctx context.Context) error { _, err := st.DirectReports(ctx, s.ManagerID); return err }},
		{"Session", func(ctx context.Context) error { _, err := st.Session(ctx, s.ID); return err }},
		{"ManagerSessions", func(ctx context.Context) error { _, err := st.ManagerSessions(ctx, s.ManagerID, "", 10); return err }},
		{"RepSessions", func(ctx context.Context) error { _, err := st.RepSessions(ctx, s.Reps[0].RepID, 10); return err }},
		{"OpenCommitments", func(ctx context.Context) error {
			_, err := st.OpenCommitments(ctx, s.Reps[0].RepID, coaching.CommitmentFilter{}, 10)
			return err
		}},
		{"SubmissionSession", func(ctx context.Context) error { _, _, err := st.SubmissionSession(ctx, "view:V1"); return err }},
		{"CommandAnswered", func(ctx context.Context) error { _, err := st.CommandAnswered(ctx, 1); return err }},
		{"Teams", func(ctx context.Context) error {
			_, err := st.Teams(ctx, []coaching.Person{{ID: s.ManagerID}}, day)
			return err
		}},
		{"MetricsData", func(ctx context.Context) error {
			_, err := st.MetricsData(ctx, metrics.Query{From: day, To: day, PairsFrom: day})
			return err
		}},
		{"MetricsData scoped", func(ctx context.Context) error {
			_, err := st.MetricsData(ctx, metrics.Query{From: day, To: day, PairsFrom: day, Root: s.ManagerID})
			return err
		}},
		{"RepCoached", func(ctx context.Context) error {
			_, _, err := st.RepCoached(ctx, s.Reps[0].RepID, day, day)
			return err
		}},
		{"WeekSessions", func(ctx context.Context) error { _, err := st.WeekSessions(ctx, day, day); return err }},
	}
}

// A read that ran out of time is busy, as a write that did: the person is
// told to try again in a moment and the edge logs it as busy, where a
// read came back as an error of no kind ("Something went wrong", logged
// as a failure). The cause stays in the chain. A read cut short because
// the bot is stopping, a closed database and a missing row are not busy.
func TestAReadPastItsDeadlineIsBusy(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		st := open(t, db, sqlite.Options{})
		s := oneOnOne("UM1", "UR1", today(), 30)
		insertSessions(t, st, &s)
		past, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		defer cancel()
		stopped, stop := context.WithCancel(context.Background())
		stop()
		for _, r := range storeReads(st, s) {
			err := r.read(past)
			if coaching.ErrorCode(err) != coaching.EBusy || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s past its deadline: %v; want busy, for the deadline", r.name, err)
			}
			if err := r.read(stopped); err == nil || coaching.ErrorCode(err) == coaching.EBusy {
				t.Errorf("%s cancelled: %v; want an error, not busy", r.name, err)
			}
		}
		if _, err := st.Person(context.Background(), "UNOBODY"); coaching.ErrorCode(err) != coaching.ENotFound {
			t.Errorf("someone unknown: %v; want not found", err)
		}
		st.Close()
		for _, r := range storeReads(st, s) {
			if err := r.read(context.Background()); err == nil || coaching.ErrorCode(err) == coaching.EBusy {
				t.Errorf("%s on a closed store: %v; want an error, not busy", r.name, err)
			}
		}
	})
}

// On PostgreSQL a read waits for a table's lock (a migration, another
// replica's LOCK TABLE): its statement timeout makes it busy, for the
// timeout, every read the surfaces make.
func TestAPostgresReadPastItsStatementTimeoutIsBusy(t *testing.T) {
	db := sqlitetest.PostgresMigrated(t)
	ctx := context.Background()
	// The tables and the session are made with no statement timeout: a
	// loaded machine's slow start or insert is not what this is about.
	s := oneOnOne("UM1", "UR1", today(), 30)
	insertSessions(t, open(t, db, sqlite.Options{}), &s)
	st := open(t, db, sqlite.Options{StatementTimeout: 100 * time.Millisecond})
	reads := storeReads(st, s)
	for _, r := range reads { // prepared before the lock: a read, not its PREPARE, waits
		if err := r.read(ctx); err != nil && coaching.ErrorCode(err) != coaching.ENotFound {
			t.Fatalf("%s: %v", r.name, err)
		}
	}
	locker, err := sql.Open("pgx", db)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close()
	lock, err := locker.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback() //nolint:errcheck // ended below
	if _, err := lock.ExecContext(ctx, `LOCK TABLE people, sessions, session_reps, commitments, submissions, inbox, reporting_history, rep_months IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	for _, r := range reads {
		err := r.read(ctx)
		pe, ok := errors.AsType[*pgconn.PgError](err)
		if coaching.ErrorCode(err) != coaching.EBusy || !ok || pe.Code != "57014" {
			t.Errorf("%s behind a locked table: %v; want busy, for the statement timeout", r.name, err)
		}
	}
}
