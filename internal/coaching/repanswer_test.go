package coaching_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A rep's answer says whether the rep had given it already (Unchanged),
// and then writes and queues nothing, with the session as the write read
// it: the edge tells the rep so without a read of its own first.
func TestARepsAnswerSaysWhenItWasGivenAlready(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, _ := newServiceOn(t, db)
		d := oneOnOne("UREP", "UREP2")
		d.Kind = coaching.KindTeamMeeting
		s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: d, Key: "k1"})
		if err != nil {
			t.Fatal(err)
		}
		a := coaching.RepAction{ActorID: "UREP", SessionID: s.ID, RepID: "UREP", Version: s.Version}
		b := coaching.RepAction{ActorID: "UREP2", SessionID: s.ID, RepID: "UREP2", Version: s.Version}
		pending := func() int {
			t.Helper()
			n, err := st.OutboxStats(ctx, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			return n.Pending
		}
		for _, step := range []struct {
			name      string
			answer    func() (coaching.RepAnswer, error)
			unchanged bool
			want      coaching.SessionRep // its status, rating and reason
		}{
			{"Confirm", func() (coaching.RepAnswer, error) { return svc.Confirm(ctx, a) }, false,
				coaching.SessionRep{RepID: "UREP", Status: coaching.StatusConfirmed}},
			{"Confirm again", func() (coaching.RepAnswer, error) { return svc.Confirm(ctx, a) }, true,
				coaching.SessionRep{RepID: "UREP", Status: coaching.StatusConfirmed}},
			{"rated 4", func() (coaching.RepAnswer, error) { return svc.Rate(ctx, a, 4) }, false,
				coaching.SessionRep{RepID: "UREP", Status: coaching.StatusConfirmed, Rating: 4}},
			{"rated 4 again", func() (coaching.RepAnswer, error) { return svc.Rate(ctx, a, 4) }, true,
				coaching.SessionRep{RepID: "UREP", Status: coaching.StatusConfirmed, Rating: 4}},
			{"Confirm once rated", func() (coaching.RepAnswer, error) { return svc.Confirm(ctx, a) }, true,
				coaching.SessionRep{RepID: "UREP", Status: coaching.StatusConfirmed, Rating: 4}},
			{"rated 5", func() (coaching.RepAnswer, error) { return svc.Rate(ctx, a, 5) }, false,
				coaching.SessionRep{RepID: "UREP", Status: coaching.StatusConfirmed, Rating: 5}},
			{"Not accurate", func() (coaching.RepAnswer, error) { return svc.Dispute(ctx, b, "we met for 20 minutes") }, false,
				coaching.SessionRep{RepID: "UREP2", Status: coaching.StatusDisputed, DisputeReason: "we met for 20 minutes"}},
			{"Not accurate again, another reason", func() (coaching.RepAnswer, error) { return svc.Dispute(ctx, b, "never met") }, true,
				coaching.SessionRep{RepID: "UREP2", Status: coaching.StatusDisputed, DisputeReason: "we met for 20 minutes"}},
		} {
			before := pending()
			res, err := step.answer()
			if err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			r, _ := res.Session.Rep(step.want.RepID)
			if res.Unchanged != step.unchanged || res.Session.ID != s.ID || r.Status != step.want.Status ||
				r.Rating != step.want.Rating || r.DisputeReason != step.want.DisputeReason {
				t.Errorf("%s: unchanged %v, rep %+v; want unchanged %v, rep %+v", step.name, res.Unchanged, r, step.unchanged, step.want)
			}
			if queued := pending() - before; step.unchanged && queued != 0 {
				t.Errorf("%s: queued %d messages for an answer given already", step.name, queued)
			}
		}
	})
}

// Reps' clicks that ask for one answer at once (the same Confirm from the
// DM on two devices and the App Home) are told apart in their writes:
// exactly one stores it, and every other is told it was given already.
// On PostgreSQL, under READ COMMITTED, the session's row lock (tx.Session,
// FOR UPDATE) has each later write read the session as the one before
// left it; on SQLite the one writer runs them in turn.
func TestConfirmsAtOnceStoreOneAndTellTheRestItWasGiven(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, _, _ := newServiceOn(t, db)
		s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UREP"), Key: "k1"})
		if err != nil {
			t.Fatal(err)
		}
		a := coaching.RepAction{ActorID: "UREP", SessionID: s.ID, RepID: "UREP", Version: s.Version}
		const clicks = 8
		results := make([]coaching.RepAnswer, clicks)
		errs := make([]error, clicks)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range clicks {
			wg.Go(func() {
				<-start
				results[i], errs[i] = svc.Confirm(ctx, a)
			})
		}
		close(start)
		wg.Wait()
		stored := 0
		for i, res := range results {
			if errs[i] != nil {
				t.Fatalf("click %d: %v", i, errs[i])
			}
			if r, _ := res.Session.Rep("UREP"); r.Status != coaching.StatusConfirmed {
				t.Errorf("click %d answered with the rep %+v; want confirmed", i, r)
			}
			if !res.Unchanged {
				stored++
			}
		}
		if stored != 1 {
			t.Errorf("%d of %d Confirms at once said they stored it; want 1, the rest told it was given", stored, clicks)
		}
	})
}

// Not accurate from a surface that offers it only before an answer
// (RepAction.Unanswered: the DM, the App Home, the reason form) leaves a
// Confirm given since standing, its rating with it, and queues no notice
// to the manager; the session still counts as confirmed.
func TestNotAccurateOnACopyFromBeforeAConfirmLeavesItStanding(t *testing.T) {
	ctx := context.Background()
	svc, st, _ := newService(t)
	s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UREP"), Key: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	a := coaching.RepAction{ActorID: "UREP", SessionID: s.ID, RepID: "UREP", Version: s.Version}
	if _, err := svc.Confirm(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Rate(ctx, a, 4); err != nil {
		t.Fatal(err)
	}
	before, err := st.OutboxStats(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	a.Unanswered = true
	if _, err := svc.Dispute(ctx, a, "it was 20 minutes"); coaching.ErrorCode(err) != coaching.EInvalid {
		t.Fatalf("Not accurate on a confirmed session: %v; want it refused", err)
	}
	got, err := svc.Session(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := got.Rep("UREP"); r.Status != coaching.StatusConfirmed || r.Rating != 4 || r.DisputeReason != "" {
		t.Errorf("after the refused Not accurate: %+v; want confirmed, rated 4", r)
	}
	if after, _ := st.OutboxStats(ctx, time.Time{}); after.Pending != before.Pending {
		t.Errorf("the refused Not accurate queued %d messages", after.Pending-before.Pending)
	}
}
