package sqlite_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// migratedDB is a new SQLite path holding a copy of a migrated database
// (sqlitetest.Migrated), for a test of the store that is not about the
// database's creation, a migration, an old schema, the file or the WAL:
// the 27 migrations a new file needs were most of such a test's time.
func migratedDB(t testing.TB) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "c.db")
	sqlitetest.Migrated(t, db)
	return db
}

func open(t *testing.T, path string, o sqlite.Options) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func today() coaching.Date { return coaching.DateOf(time.Now(), time.UTC) }

// oneOnOne is a pending one-on-one of manager with rep on day.
func oneOnOne(manager, rep string, day coaching.Date, minutes int) coaching.Session {
	return coaching.Session{ManagerID: manager, Kind: coaching.KindOneOnOne, OccurredOn: day, DurationMin: minutes, Version: 1,
		Visibility: coaching.VisibilityPrivate, Source: coaching.SourceModal,
		Reps: []coaching.SessionRep{{RepID: rep, Status: coaching.StatusPending}}}
}

// insertSessions stores sessions, and their people first, in one write;
// each gets its id.
func insertSessions(t *testing.T, st *sqlite.Store, sessions ...*coaching.Session) {
	t.Helper()
	ctx := context.Background()
	err := st.Update(ctx, func(tx coaching.Tx) error {
		for _, s := range sessions {
			for _, id := range append([]string{s.ManagerID}, s.ActiveRepIDs()...) {
				if err := tx.EnsurePerson(ctx, id); err != nil {
					return err
				}
			}
			if err := tx.InsertSession(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func logOne(ctx context.Context, svc *coaching.Service, manager, rep, key string) (coaching.Session, error) {
	return svc.LogSession(ctx, coaching.LogRequest{ManagerID: manager, Key: key, Source: coaching.SourceModal,
		Draft: coaching.Draft{RepIDs: []string{rep}, Kind: coaching.KindOneOnOne, OccurredOn: today(), DurationMin: 30}})
}

func TestReadOnlyOpenRefusesAMissingDatabaseAndCreatesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.db")
	_, err := sqlite.Open(context.Background(), path, sqlite.Options{ReadOnly: true})
	if !errors.Is(err, sqlite.ErrNoDatabase) {
		t.Fatalf("err = %v, want ErrNoDatabase", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a read-only open created %s", path)
	}
}

// A database file deleted under a running store is not made again by a
// connection the pool opens later: SQLite's default open creates a
// missing file, empty and under the usual umask (readable by anyone,
// where Coachlog makes its file its owner's alone), so the next start
// met a file, said nothing of a new database, and took notes into it.
func TestAConnectionOpenedAfterTheFileWasDeletedCreatesNothing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	st := open(t, path, sqlite.Options{})
	if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.EnsurePerson(ctx, "U1") }); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
	// Reads at once, more than the pool holds open, so that it opens
	// connections it did not have before the file went.
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() { _, _ = st.Person(ctx, "U1") })
	}
	wg.Wait()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is there again after the database was deleted (%v)", filepath.Base(path+suffix), err)
		}
	}
}

func TestANewerSchemaIsRefused(t *testing.T) {
	sqlitetest.Each(t, func(t *testing.T, db string) {
		path := db
		st := open(t, path, sqlite.Options{})
		err := st.Update(context.Background(), func(tx coaching.Tx) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		raw, err := sqlite.Open(context.Background(), path, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := raw.Exec(context.Background(), `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from_the_future.sql', 0)`); err != nil {
			t.Fatal(err)
		}
		raw.Close()
		for _, ro := range []bool{false, true} {
			_, err := sqlite.Open(context.Background(), path, sqlite.Options{ReadOnly: ro})
			var tooNew sqlite.ErrSchemaTooNew
			if !errors.As(err, &tooNew) || tooNew.Have != 9999 {
				t.Fatalf("read-only %v: err = %v, want ErrSchemaTooNew", ro, err)
			}
		}
	})
}

func TestEveryPooledConnectionHasThePragmas(t *testing.T) {
	st := open(t, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mode, fk, err := st.Pragmas(context.Background())
			if err == nil && (mode != "wal" || fk != 1) {
				err = fmt.Errorf("journal_mode=%s foreign_keys=%d", mode, fk)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// The bot and a CLI command are two stores on one file, as two processes
// would be: both write and read at once and nothing is lost or refused.
func TestTwoStoresShareOneFile(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		path := db
		// Eight writers on two stores wait for each other's group commits;
		// under -race on a busy machine a wait can pass the 2 s default
		// (seen once). The sharing is what is tested, not the timeout.
		o := sqlite.Options{BusyTimeout: 10 * time.Second}
		bot, cli := open(t, path, o), open(t, path, o)
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 420)
		for i, st := range []*sqlite.Store{bot, cli} {
			svc := coaching.NewService(coaching.Config{Store: st})
			for g := 0; g < 4; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for n := 0; n < 50; n++ {
						_, err := logOne(ctx, svc, fmt.Sprintf("UM%d%d", i, g), "UREP", fmt.Sprintf("k-%d-%d-%d", i, g, n))
						errs <- err
					}
				}()
			}
		}
		wg.Add(1)
		go func() { // a reader going through everything meanwhile, like an export
			defer wg.Done()
			for n := 0; n < 20; n++ {
				errs <- cli.ExportRows(ctx, coaching.Date{}, coaching.Date{}, func(coaching.ExportRow) error { return nil })
			}
		}()
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		n := 0
		if err := bot.ExportRows(ctx, coaching.Date{}, coaching.Date{}, func(coaching.ExportRow) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		if n != 400 {
			t.Fatalf("stored %d sessions, want 400", n)
		}
	})
}

// A session is on disk once LogSession returns: a process killed right
// after (kill -9, no chance to close anything) loses nothing.
func TestCommittedSessionSurvivesKill9(t *testing.T) {
	if os.Getenv("COACHLOG_CRASH_CHILD") != "" {
		crashChild()
		return
	}
	path := filepath.Join(t.TempDir(), "c.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCommittedSessionSurvivesKill9$")
	cmd.Env = append(os.Environ(), "COACHLOG_CRASH_CHILD=1", "COACHLOG_CRASH_DB="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	var id string
	for sc.Scan() {
		if _, err := fmt.Sscanf(sc.Text(), "committed %s", &id); err == nil {
			break
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if id == "" {
		t.Fatal("child never committed")
	}
	st := open(t, path, sqlite.Options{ReadOnly: true})
	var found bool
	err = st.ExportRows(context.Background(), coaching.Date{}, coaching.Date{}, func(r coaching.ExportRow) error {
		found = found || fmt.Sprint(r.ID) == id
		return nil
	})
	if err != nil || !found {
		t.Fatalf("session %s lost after kill -9 (err %v)", id, err)
	}
}

func crashChild() {
	st, err := sqlite.Open(context.Background(), os.Getenv("COACHLOG_CRASH_DB"), sqlite.Options{})
	if err != nil {
		panic(err)
	}
	s, err := logOne(context.Background(), coaching.NewService(coaching.Config{Store: st}), "UMGR", "UREP", "crash")
	if err != nil {
		panic(err)
	}
	fmt.Printf("committed %d\n", s.ID)
	select {} // killed here, the store still open
}

// A submission reads its manager and reps in one query, and the write makes
// sure only of those it did not find: on both engines, people never seen
// are stored as placeholders, and people already stored keep what Slack
// said of them.
func TestPeopleAreReadTogetherAndOnlyTheUnseenAreAdded(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		st := open(t, db, sqlite.Options{})
		if _, err := st.UpsertPerson(ctx, coaching.Person{ID: "UREP1", Name: "Sam Rep", SlackTZ: "Europe/Paris", ResolvedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if got, err := st.PeopleByID(ctx, nil); err != nil || len(got) != 0 {
			t.Fatalf("no ids: %v, %v", got, err)
		}
		got, err := st.PeopleByID(ctx, []string{"UREP1", "UNEW", "UMGR"})
		if err != nil || len(got) != 1 || got["UREP1"].Name != "Sam Rep" || got["UREP1"].ResolvedAt.IsZero() {
			t.Fatalf("before: %+v, %v; want only Sam, as stored", got, err)
		}
		svc := coaching.NewService(coaching.Config{Store: st})
		if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Key: "k1", Source: coaching.SourceModal,
			Draft: coaching.Draft{RepIDs: []string{"UREP1", "UNEW"}, Kind: coaching.KindTeamMeeting, OccurredOn: today(), DurationMin: 30}}); err != nil {
			t.Fatal(err)
		}
		got, err = st.PeopleByID(ctx, []string{"UREP1", "UNEW", "UMGR"})
		if err != nil || len(got) != 3 {
			t.Fatalf("after: %+v, %v; want all three stored", got, err)
		}
		if got["UREP1"].Name != "Sam Rep" || got["UREP1"].SlackTZ != "Europe/Paris" || got["UNEW"].Name != "" || !got["UNEW"].ResolvedAt.IsZero() {
			t.Fatalf("after: %+v; want Sam as Slack said, the new rep a placeholder", got)
		}
	})
}

// A write asked for after Close is refused, never left waiting: its first
// step may queue it (a buffered channel and the stopped writer's closed
// one are both ready), and it then waited for ever on a context without a
// deadline, as a background job's is.
func TestAWriteAfterCloseIsRefusedNotLeftWaiting(t *testing.T) {
	st, err := sqlite.Open(context.Background(), migratedDB(t), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	for i := range 50 { // each try queues it with even odds
		done := make(chan error, 1)
		go func() { done <- st.Update(context.Background(), func(coaching.Tx) error { return nil }) }()
		select {
		case err := <-done:
			if !errors.Is(err, sqlite.ErrClosed) {
				t.Fatalf("write %d after Close: err = %v, want ErrClosed", i, err)
			}
		case <-time.After(10 * time.Second): // a bound on a hang, not a wait for the clock
			t.Fatalf("write %d after Close still waiting", i)
		}
	}
}
