package coaching_test

import (
	"context"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// An accepted command is stored once however often it is delivered, stays
// pending until it is acted on, and is marked done by the session it logs,
// in the same transaction; a command accepted after start is not replayed.
func TestAnAcceptedCommandIsDoneWithItsSession(t *testing.T) {
	sqlitetest.Each(t, func(t *testing.T, db string) {
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
		if err := svc.CommandDone(ctx, pending[0].ID); err != nil {
			t.Fatal(err)
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
	sqlitetest.Each(t, func(t *testing.T, db string) {
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
		if stats, err := st.OutboxStats(ctx); err != nil || stats.Pending != 1 {
			t.Errorf("outbox = %+v, %v; want the one answer", stats, err)
		}
		if pending, err := svc.PendingCommands(ctx, clk.t); err != nil || len(pending) != 0 {
			t.Errorf("pending = %+v, %v; want the command done", pending, err)
		}
	})
}
