package coaching_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// An accepted command is stored once however often it is delivered, stays
// pending until it is acted on, and is marked done by the session it logs,
// in the same transaction; a command accepted after start is not replayed.
func TestAnAcceptedCommandIsDoneWithItsSession(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, _, clk := newServiceOn(t, db)
		start := clk.t
		cmd := coaching.Command{Key: "cmd:T1", UserID: "UMGR", Payload: []byte(`{"text":"x"}`), ReceivedAt: start.Add(-time.Minute)}
		c, fresh, err := svc.Accept(ctx, cmd)
		if err != nil || !fresh || c.ID == 0 {
			t.Fatalf("accept = %+v, %v, %v", c, fresh, err)
		}
		again, fresh, err := svc.Accept(ctx, cmd)
		if err != nil || fresh || again.ID != c.ID {
			t.Fatalf("accepting it again = %+v, fresh %v, %v; want the first row", again, fresh, err)
		}
		later := coaching.Command{Key: "cmd:T2", UserID: "UMGR", ReceivedAt: start.Add(time.Second)}
		if _, _, err := svc.Accept(ctx, later); err != nil {
			t.Fatal(err)
		}
		pending, err := svc.PendingCommands(ctx, start)
		if err != nil || len(pending) != 1 || pending[0].ID != c.ID || string(pending[0].Payload) != `{"text":"x"}` || !pending[0].ReceivedAt.Equal(cmd.ReceivedAt) {
			t.Fatalf("pending before start = %+v, %v; want the first command as stored", pending, err)
		}

		// A session that fails validation leaves the command pending.
		bad := oneOnOne("UMGR")
		if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: bad, Key: c.Key, CommandID: c.ID}); err == nil {
			t.Fatal("logging with oneself as rep was accepted")
		}
		if pending, _ := svc.PendingCommands(ctx, start); len(pending) != 1 {
			t.Fatalf("after a refused log, pending = %+v", pending)
		}
		if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UREP"), Key: c.Key, CommandID: c.ID}); err != nil {
			t.Fatal(err)
		}
		pending, err = svc.PendingCommands(ctx, start.Add(time.Hour))
		if err != nil || len(pending) != 1 || pending[0].Key != "cmd:T2" {
			t.Fatalf("after the log, pending = %+v, %v; want only the later command", pending, err)
		}
		if marked, err := svc.CommandDone(ctx, pending[0].ID); err != nil || !marked {
			t.Fatalf("CommandDone = %v, %v; want it marked", marked, err)
		}
		if marked, err := svc.CommandDone(ctx, pending[0].ID); err != nil || marked {
			t.Fatalf("CommandDone again = %v, %v; want false: it was done", marked, err)
		}
		if pending, err := svc.PendingCommands(ctx, start.Add(time.Hour)); err != nil || len(pending) != 0 {
			t.Fatalf("after CommandDone, pending = %+v, %v", pending, err)
		}
	})
}

// A refused command is answered once, however many times it is refused:
// replicas replaying what was pending at their start can both act on it,
// and the second finds it done where it would mark it.
func TestARefusedCommandIsAnsweredOnce(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, clk := newServiceOn(t, db)
		c, _, err := svc.Accept(ctx, coaching.Command{Key: "cmd:T1", UserID: "UMGR", Payload: []byte(`{"text":"x"}`), ReceivedAt: clk.t.Add(-time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := svc.AnswerCommand(ctx, c, "https://hooks.slack.test/commands/1", clk.t, "Not logged: who did you coach?"); err != nil {
				t.Fatal(err)
			}
		}
		if stats, err := st.OutboxStats(ctx, time.Time{}); err != nil || stats.Pending != 1 {
			t.Errorf("outbox = %+v, %v; want the one answer", stats, err)
		}
		if pending, err := svc.PendingCommands(ctx, clk.t); err != nil || len(pending) != 0 {
			t.Errorf("pending = %+v, %v; want the command done", pending, err)
		}
	})
}

// A command another replica answered first is not logged again: replicas
// replaying what was pending (at their start, or two leases on) can act on
// a command while the replica that acked it still does, reading Slack
// profiles for seconds. Whichever marks it done first answers it; the
// other, finding it done (before it starts, or where it would mark it),
// logs nothing and queues nothing, and says so with EAnswered.
func TestACommandAnsweredElsewhereIsNotLoggedAgain(t *testing.T) {
	for _, tc := range []struct {
		name     string
		other    func(ctx context.Context, svc *coaching.Service, c coaching.Command) error
		sessions int // stored after both: the other replica's own
		pending  int // outbox messages after both: the other replica's own
	}{
		{"refused by the other replica", func(ctx context.Context, svc *coaching.Service, c coaching.Command) error {
			return svc.AnswerCommand(ctx, c, "https://hooks.slack.test/commands/1", c.ReceivedAt, "Not logged: try again in a moment.")
		}, 0, 1},
		{"the other replica opened the form, logged under the form's key", func(ctx context.Context, svc *coaching.Service, c coaching.Command) error {
			if _, err := svc.CommandDone(ctx, c.ID); err != nil {
				return err
			}
			_, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UREP"), Source: coaching.SourceModal, Key: "view:V1"})
			return err
		}, 1, 1},
	} {
		for _, when := range []string{"before this one began", "while this one read Slack profiles"} {
			t.Run(tc.name+", "+when, func(t *testing.T) {
				sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
					ctx := context.Background()
					other, st, clk := newServiceOn(t, db)
					c, _, err := other.Accept(ctx, coaching.Command{Key: "cmd:T1", UserID: "UMGR", Payload: []byte(`{"text":"x"}`), ReceivedAt: clk.t.Add(-time.Minute)})
					if err != nil {
						t.Fatal(err)
					}
					answer := func() {
						if err := tc.other(ctx, other, c); err != nil {
							t.Error(err)
						}
					}
					dir := &answeringDirectory{}
					if when == "before this one began" {
						answer()
					} else {
						dir.first = answer
					}
					this := coaching.NewService(coaching.Config{Store: openStore(t, db, clk), Directory: dir, Now: clk.Now, LookupBudget: time.Minute})
					_, err = this.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UREP"), Source: coaching.SourceQuick,
						Key: c.Key, CommandID: c.ID, ResponseURL: "https://hooks.slack.test/commands/1", ResponseAt: c.ReceivedAt})
					if coaching.ErrorCode(err) != coaching.EAnswered {
						t.Errorf("logging the answered command = %v; want an error coded %q", err, coaching.EAnswered)
					}
					if got, err := st.ManagerSessions(ctx, "UMGR", "", 10); err != nil || len(got) != tc.sessions {
						t.Errorf("sessions = %d (%v), want %d: the command was logged after it was answered", len(got), err, tc.sessions)
					}
					if stats, err := st.OutboxStats(ctx, time.Time{}); err != nil || stats.Pending != tc.pending {
						t.Errorf("outbox = %+v, %v; want %d pending, the other replica's answer alone", stats, err, tc.pending)
					}
				})
			})
		}
	}
}

// answeringDirectory is Slack's users.info, answering at once; on the first
// look-up it runs first (another replica acting meanwhile).
type answeringDirectory struct {
	once  sync.Once
	first func()
}

func (d *answeringDirectory) UserInfo(_ context.Context, id string) (coaching.Person, error) {
	if d.first != nil {
		d.once.Do(d.first)
	}
	return coaching.Person{ID: id, Name: "Person " + id}, nil
}

// openStore opens another store on db, as another replica does.
func openStore(t *testing.T, db string, clk *clock) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), db, sqlite.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// A command two replicas act on at once is logged once, whichever gets
// there first: the second finds the session under the command's key and
// returns it, queueing nothing more.
func TestACommandLoggedTwiceAtOnceIsOneSession(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, clk := newServiceOn(t, db)
		req := acceptedCapture(t, svc, clk)
		got := make([]coaching.Session, 2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() { got[i], errs[i] = svc.LogSession(ctx, req) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("replica %d: %v", i, err)
			}
		}
		if got[0].ID != got[1].ID || got[0].ID == 0 {
			t.Errorf("sessions %d and %d; want one, returned to both", got[0].ID, got[1].ID)
		}
		if stats, err := st.OutboxStats(ctx, time.Time{}); err != nil || stats.Pending != 2 {
			t.Errorf("outbox = %+v, %v; want the rep's DM and the receipt, once", stats, err)
		}
	})
}

// A replica that logs the command between this one's reads of the command
// and of its key is found, whichever read it falls after: its session is
// returned, not taken for a refusal (CI saw "answered already" when the
// key was read first).
func TestACommandLoggedBetweenTheChecksIsReturned(t *testing.T) {
	for _, after := range []string{"CommandAnswered", "SubmissionSession"} {
		t.Run("after "+after, func(t *testing.T) {
			sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
				ctx := context.Background()
				other, st, clk := newServiceOn(t, db)
				req := acceptedCapture(t, other, clk)
				var first coaching.Session
				racing := &interleavedStore{Store: openStore(t, db, clk), after: after, meanwhile: func() {
					var err error
					if first, err = other.LogSession(ctx, req); err != nil {
						t.Error(err)
					}
				}}
				this := coaching.NewService(coaching.Config{Store: racing, Now: clk.Now})
				got, err := this.LogSession(ctx, req)
				if err != nil {
					t.Fatalf("logging the command the other replica logged meanwhile: %v", err)
				}
				if !racing.ran || got.ID != first.ID || got.ID == 0 {
					t.Errorf("got session %d, the other replica logged %d (it ran: %v); want that one", got.ID, first.ID, racing.ran)
				}
				if stats, err := st.OutboxStats(ctx, time.Time{}); err != nil || stats.Pending != 2 {
					t.Errorf("outbox = %+v, %v; want the rep's DM and the receipt, once", stats, err)
				}
			})
		})
	}
}

// interleavedStore runs meanwhile once, right after the read named by after.
type interleavedStore struct {
	*sqlite.Store
	after     string
	meanwhile func()
	ran       bool
}

func (s *interleavedStore) then(read string) {
	if read == s.after && !s.ran {
		s.ran = true
		s.meanwhile()
	}
}

func (s *interleavedStore) CommandAnswered(ctx context.Context, id int64) (bool, error) {
	defer s.then("CommandAnswered")
	return s.Store.CommandAnswered(ctx, id)
}

func (s *interleavedStore) SubmissionSession(ctx context.Context, key string) (int64, bool, error) {
	defer s.then("SubmissionSession")
	return s.Store.SubmissionSession(ctx, key)
}

// acceptedCapture accepts a one-line capture as the command's ack does and
// returns the request that logs it, as a replica acting on it makes.
func acceptedCapture(t *testing.T, svc *coaching.Service, clk *clock) coaching.LogRequest {
	t.Helper()
	c, _, err := svc.Accept(context.Background(), coaching.Command{Key: "cmd:T1", UserID: "UMGR", Payload: []byte(`{"text":"x"}`), ReceivedAt: clk.t.Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	return coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UREP"), Source: coaching.SourceQuick,
		Key: c.Key, CommandID: c.ID, ResponseURL: "https://hooks.slack.test/commands/1", ResponseAt: c.ReceivedAt}
}
