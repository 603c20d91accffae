package coaching_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// commitmentOrg is Vera (leader) above Max and Mia (managers), Sam (Max's
// rep), Olly (no team) and Leo (a leader of another tree). Max logged a
// private and a shared session with Sam, Mia one private session with Sam.
type commitmentOrg struct {
	svc                    *coaching.Service
	st                     *sqlite.Store
	private, shared, mia   int64 // one commitment of each session
	privateSes, sharedSess int64
	clk                    *clock
}

func newCommitmentOrg(t *testing.T) commitmentOrg {
	t.Helper()
	return newCommitmentOrgOn(t, migratedDB(t))
}

// newCommitmentOrgOn is newCommitmentOrg on db, a SQLite path or a
// PostgreSQL URL.
func newCommitmentOrgOn(t *testing.T, db string) commitmentOrg {
	t.Helper()
	ctx := context.Background()
	svc, st, clk := newServiceOn(t, db)
	person := func(id, role, manager string) coaching.Person {
		return coaching.Person{ID: id, Name: id, Roles: []string{role}, ManagerID: manager}
	}
	if _, err := st.ImportRoster(ctx, []coaching.Person{
		person("UVERA", "leader", ""), person("UMAX", "manager", "UVERA"), person("UMIA", "manager", "UVERA"),
		person("USAM", "rep", "UMAX"), person("UOLLY", "rep", ""), person("ULEO", "leader", ""),
	}, day("2026-11-01")); err != nil {
		t.Fatal(err)
	}
	o := commitmentOrg{svc: svc, st: st, clk: clk}
	logWith := func(manager, key string, vis coaching.Visibility, text string) (int64, int64) {
		d := oneOnOne("USAM")
		d.Visibility, d.Commitments = vis, []string{text}
		s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: manager, Draft: d, Source: coaching.SourceModal, Key: key})
		if err != nil {
			t.Fatal(err)
		}
		if s, err = st.Session(ctx, s.ID); err != nil || len(s.Commitments) != 1 {
			t.Fatalf("read back session: %v %+v", err, s)
		}
		return s.Commitments[0].ID, s.ID
	}
	o.private, o.privateSes = logWith("UMAX", "k1", coaching.VisibilityPrivate, "private to Max")
	o.shared, o.sharedSess = logWith("UMAX", "k2", coaching.VisibilityShared, "shared by Max")
	o.mia, _ = logWith("UMIA", "k3", coaching.VisibilityPrivate, "private to Mia")
	return o
}

// readable is all a viewer reads of a rep's open commitments: their own,
// then those below them.
func readable(l coaching.OpenList) []coaching.Commitment { return append(l.Own, l.Below...) }

func ids(cs []coaching.Commitment) []int64 {
	var out []int64
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestOnlyTheirManagerAndLeadersAboveSeeCommitments(t *testing.T) {
	ctx := context.Background()
	o := newCommitmentOrg(t)
	for _, tt := range []struct {
		viewer               string
		read, closable, form []int64
	}{
		{"UMAX", []int64{o.private, o.shared}, []int64{o.private, o.shared}, []int64{o.private, o.shared}},
		{"UMIA", []int64{o.mia}, []int64{o.mia}, []int64{o.mia}},
		{"UOLLY", nil, nil, nil},
		// Shared sessions below her: read, and ticked in her form, though
		// not hers (her own are none).
		{"UVERA", []int64{o.shared}, nil, []int64{o.shared}},
		{"ULEO", nil, nil, nil}, // a leader, but not above Max
		{"USAM", nil, nil, nil},
		{"UNOBODY", nil, nil, nil},
	} {
		t.Run(tt.viewer, func(t *testing.T) {
			read, err := o.svc.OpenCommitments(ctx, tt.viewer, "USAM")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(readable(read)), tt.read) {
				t.Errorf("reads %v, want %v", ids(readable(read)), tt.read)
			}
			closable, err := o.svc.ClosableCommitments(ctx, tt.viewer, "USAM", 0)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(closable), tt.closable) {
				t.Errorf("may close %v, want %v", ids(closable), tt.closable)
			}
			form, err := formCommitments(ctx, o.svc, tt.viewer, "USAM", 0)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(form), tt.form) {
				t.Errorf("the log form offers %v, want %v", ids(form), tt.form)
			}
		})
	}
}

func TestALeaderSeesNothingOnceTheTreeChanges(t *testing.T) {
	ctx := context.Background()
	o := newCommitmentOrg(t)
	// Max now reports to Leo; Vera is no longer above him.
	person := func(id, role, manager string) coaching.Person {
		return coaching.Person{ID: id, Name: id, Roles: []string{role}, ManagerID: manager}
	}
	if _, err := o.st.ImportRoster(ctx, []coaching.Person{
		person("UVERA", "leader", ""), person("ULEO", "leader", ""), person("UMAX", "manager", "ULEO"),
		person("USAM", "rep", "UMAX"),
	}, day("2026-11-20")); err != nil {
		t.Fatal(err)
	}
	for viewer, want := range map[string][]int64{"UVERA": nil, "ULEO": {o.shared}} {
		got, err := o.svc.OpenCommitments(ctx, viewer, "USAM")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(readable(got)), want) {
			t.Errorf("%s reads %v, want %v", viewer, ids(readable(got)), want)
		}
	}
}

// README ("Using it", leader): the leader's part of /coach history @rep,
// the rep's open commitments from shared sessions below them included,
// is for a rep below the leader in the current roster, and the log form
// offers them by the same rule. Sam moved to Mia, under Leo; Max, who
// logged the shared session with Sam, is still under Vera: Vera reads
// none of Sam's (no half of the leader's section), and Leo none of Max's
// (Max is not below him).
func TestALeaderSeesNoCommitmentsOfARepWhoLeftTheTree(t *testing.T) {
	ctx := context.Background()
	o := newCommitmentOrg(t)
	person := func(id, role, manager string) coaching.Person {
		return coaching.Person{ID: id, Name: id, Roles: []string{role}, ManagerID: manager}
	}
	if _, err := o.st.ImportRoster(ctx, []coaching.Person{
		person("UVERA", "leader", ""), person("ULEO", "leader", ""), person("UMAX", "manager", "UVERA"),
		person("UMIA", "manager", "ULEO"), person("USAM", "rep", "UMIA"),
	}, day("2026-11-20")); err != nil {
		t.Fatal(err)
	}
	// Leo leads Sam now, and reads Mia's session with him (private, so no
	// commitment of it), not Max's.
	for _, tt := range []struct {
		viewer   string
		below    bool
		sessions []string // the managers of those read
	}{{"UVERA", false, nil}, {"ULEO", true, []string{"UMIA"}}} {
		viewer := tt.viewer
		t.Run(viewer, func(t *testing.T) {
			read, err := o.svc.OpenCommitments(ctx, viewer, "USAM")
			if err != nil || len(read.Below) != 0 {
				t.Errorf("history reads %v below (%v), want none", ids(read.Below), err)
			}
			form, err := formCommitments(ctx, o.svc, viewer, "USAM", 0)
			if err != nil || len(form) != 0 {
				t.Errorf("the log form offers %v (%v), want none", ids(form), err)
			}
			got, below, err := o.svc.LeaderHistory(ctx, viewer, "USAM", 10)
			var managers []string
			for _, s := range got {
				managers = append(managers, s.ManagerID)
			}
			if err != nil || below != tt.below || !slices.Equal(managers, tt.sessions) {
				t.Errorf("leader history: sessions by %v, below %v (%v); want %v, %v", managers, below, err, tt.sessions, tt.below)
			}
		})
	}
	// Max still reads and closes his own.
	if read, err := o.svc.OpenCommitments(ctx, "UMAX", "USAM"); err != nil || !slices.Equal(ids(read.Own), []int64{o.private, o.shared}) {
		t.Errorf("Max reads %v (%v), want his two", ids(read.Own), err)
	}
}

func TestAnotherManagersCommitmentsCannotBeClosed(t *testing.T) {
	ctx := context.Background()
	o := newCommitmentOrg(t)
	// Vera may tick the shared one (she is above Max), not the private
	// one. A forged tick is passed over: the session is logged, and
	// nothing changes for the commitment.
	for _, tt := range []struct {
		who  string
		kept []int64
	}{{"UMIA", []int64{o.private, o.shared}}, {"UVERA", []int64{o.private}}, {"UOLLY", []int64{o.private, o.shared}}} {
		d := oneOnOne("USAM")
		d.KeptCommitments = tt.kept
		if _, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: tt.who, Draft: d, Source: coaching.SourceModal, Key: "forged-" + tt.who}); err != nil {
			t.Errorf("%s ticking Max's commitments: %v, want the session logged, the ticks passed over", tt.who, err)
		}
	}
	// The store refuses too, whatever the domain lets through.
	if err := o.st.Update(ctx, func(tx coaching.Tx) error {
		_, err := tx.CloseCommitments(ctx, "UMIA", []int64{o.private}, []string{"USAM"}, coaching.CommitmentKept, o.privateSes, o.clk.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	open, err := o.svc.OpenCommitments(ctx, "UMAX", "USAM")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(readable(open)), []int64{o.private, o.shared}) {
		t.Fatalf("Max's open commitments after forged closes: %v", ids(readable(open)))
	}
	if rows := exportCount(t, o.st); rows != 6 {
		t.Errorf("forged submissions: %d rows, want 6 (three logged, their ticks passed over)", rows)
	}

	// Max himself closes his own.
	d := oneOnOne("USAM")
	d.KeptCommitments = []int64{o.private}
	if _, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMAX", Draft: d, Source: coaching.SourceModal, Key: "k4"}); err != nil {
		t.Fatal(err)
	}
	closable, _ := o.svc.ClosableCommitments(ctx, "UMAX", "USAM", 0)
	if slices.Contains(ids(closable), o.private) {
		t.Errorf("Max could not tick off his own commitment: %v", ids(closable))
	}
}

func exportCount(t *testing.T, st *sqlite.Store) int {
	t.Helper()
	n := 0
	if err := st.ExportRows(context.Background(), coaching.Date{}, coaching.Date{}, func(coaching.ExportRow) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// "The 10 oldest" are the oldest sessions': a session logged later but
// dated earlier (backdated) comes first, for its manager and for the
// leader above who reads it shared.
func TestOpenCommitmentsComeOldestSessionFirst(t *testing.T) {
	o := newCommitmentOrg(t)
	ctx := context.Background()
	d := oneOnOne("USAM")
	d.OccurredOn, d.Commitments, d.Visibility = day("2026-11-02"), []string{"backdated"}, coaching.VisibilityShared
	s, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMAX", Draft: d, Source: coaching.SourceModal, Key: "k4"})
	if err != nil {
		t.Fatal(err)
	}
	for _, viewer := range []string{"UMAX", "UVERA"} {
		read, err := o.svc.OpenCommitments(ctx, viewer, "USAM")
		open := readable(read)
		if err != nil || len(open) == 0 || open[0].SessionID != s.ID {
			t.Errorf("%s's open commitments %+v (%v): want the backdated session's first", viewer, open, err)
		}
	}
}

// The edit form offers the rep's other open commitments, ten at most: the
// edited session's own are left out before the ten are counted, so that
// they, the oldest, do not take the place of others. Logging a session
// leaves out nothing.
func TestClosableCommitmentsLeaveOutTheEditedSessionBeforeTheLimit(t *testing.T) {
	o := newCommitmentOrg(t) // Max: two open commitments with Sam
	ctx := context.Background()
	d := oneOnOne("USAM")
	d.OccurredOn, d.Commitments = day("2026-11-02"), []string{"oldest one", "oldest two", "oldest three"}
	edited, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMAX", Draft: d, Source: coaching.SourceModal, Key: "edited"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 9 {
		d := oneOnOne("USAM")
		d.Commitments = []string{"later"}
		if _, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMAX", Draft: d, Source: coaching.SourceModal,
			Key: "later-" + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	// Max has 2 + 3 + 9 = 14 open with Sam, 11 of them not the edited one's.
	for _, tt := range []struct {
		name       string
		except     int64
		wantEdited int // of the edited session's, among the ten
	}{
		{"logging", 0, 3},
		{"editing", edited.ID, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := o.svc.ClosableCommitments(ctx, "UMAX", "USAM", tt.except)
			if err != nil {
				t.Fatal(err)
			}
			own := 0
			for _, c := range cs {
				if c.SessionID == edited.ID {
					own++
				}
			}
			if len(cs) != coaching.MaxOpenCommitments || own != tt.wantEdited {
				t.Errorf("%d closable, %d of them the edited session's; want %d, %d", len(cs), own, coaching.MaxOpenCommitments, tt.wantEdited)
			}
		})
	}
}

// statusOf reads a commitment's status from the store.
func statusOf(t *testing.T, st *sqlite.Store, id int64) coaching.CommitmentStatus {
	t.Helper()
	c, err := st.Commitment(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Status
}

// A commitment the rep did not keep is closed as not kept by the manager
// who logged it (from /coach history), outside any session: it leaves
// their open list and the log form's, and undoing a later session, which
// reopens what that session ticked, leaves it closed.
func TestAManagerClosesACommitmentAsNotKept(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		o := newCommitmentOrgOn(t, db)
		c, err := o.svc.CloseCommitment(ctx, "UMAX", o.private, coaching.CommitmentNotKept)
		if err != nil {
			t.Fatal(err)
		}
		if c.ID != o.private || c.Status != coaching.CommitmentNotKept || c.Text != "private to Max" {
			t.Errorf("closed %+v, want the private commitment, not kept", c)
		}
		if got := statusOf(t, o.st, o.private); got != coaching.CommitmentNotKept {
			t.Errorf("stored status %s, want not_kept", got)
		}
		read, err := o.svc.OpenCommitments(ctx, "UMAX", "USAM")
		if err != nil || !slices.Equal(ids(read.Own), []int64{o.shared}) {
			t.Errorf("Max's open commitments %v (%v), want the shared one only", ids(read.Own), err)
		}
		if form, _ := o.svc.ClosableCommitments(ctx, "UMAX", "USAM", 0); !slices.Equal(ids(form), []int64{o.shared}) {
			t.Errorf("the log form offers %v, want the shared one only", ids(form))
		}

		// A later session ticks the shared one kept, and is undone: that
		// one reopens, the one closed from history stays not kept.
		d := oneOnOne("USAM")
		d.KeptCommitments = []int64{o.shared}
		later, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMAX", Draft: d, Source: coaching.SourceModal, Key: "later"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.svc.UndoSession(ctx, "UMAX", later.ID); err != nil {
			t.Fatal(err)
		}
		if got := statusOf(t, o.st, o.shared); got != coaching.CommitmentOpen {
			t.Errorf("the undone session's tick: %s, want open again", got)
		}
		if got := statusOf(t, o.st, o.private); got != coaching.CommitmentNotKept {
			t.Errorf("after an undo of a later session: %s, want not_kept still", got)
		}

		// Kept works the same way.
		if c, err := o.svc.CloseCommitment(ctx, "UMAX", o.shared, coaching.CommitmentKept); err != nil || c.Status != coaching.CommitmentKept {
			t.Errorf("closing as kept: %+v, %v", c, err)
		}
	})
}

// Only the manager who logged a commitment's session, and a leader above
// them when the session is shared, close it: another manager (Mia, a peer
// under the same leader), the leader above for a private session, a
// leader of another tree (Leo), the rep, and anyone else are refused, from
// history (a forged pick) and from a form (a forged tick), and nothing
// changes, whatever the click says. Nor do they take back a close. A
// status other than kept or not kept is refused too.
func TestOnlyTheirManagerAndLeadersAboveCloseACommitment(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		o := newCommitmentOrgOn(t, db)
		refused := []struct {
			who string
			ids []int64
		}{
			{"UMIA", []int64{o.private, o.shared}},
			{"UVERA", []int64{o.private}}, // above Max, but the session is private
			{"ULEO", []int64{o.private, o.shared}},
			{"USAM", []int64{o.private, o.shared}},
			{"UOLLY", []int64{o.private, o.shared}},
			{"UNOBODY", []int64{o.private, o.shared}},
		}
		logged := 0
		for _, tt := range refused {
			for _, id := range tt.ids {
				if _, err := o.svc.CloseCommitment(ctx, tt.who, id, coaching.CommitmentNotKept); coaching.ErrorCode(err) != coaching.EForbidden {
					t.Errorf("%s closing Max's commitment %d from history: err = %v, want forbidden", tt.who, id, err)
				}
				d := oneOnOne("USAM")
				if tt.who == "USAM" {
					d = oneOnOne("UOLLY") // nobody logs coaching with themselves
				}
				d.KeptCommitments = []int64{id}
				// Passed over: the session logged, the commitment left
				// as it is (checked below).
				_, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: tt.who, Draft: d, Source: coaching.SourceModal,
					Key: "forged-" + tt.who + strconv.FormatInt(id, 10)})
				if err != nil {
					t.Errorf("%s ticking Max's commitment %d in a form: err = %v, want the session logged, the tick passed over", tt.who, id, err)
				}
				logged++
			}
		}
		for _, st := range []coaching.CommitmentStatus{coaching.CommitmentOpen, "dropped"} {
			if _, err := o.svc.CloseCommitment(ctx, "UMAX", o.private, st); coaching.ErrorCode(err) != coaching.EInvalid {
				t.Errorf("closing as %q: err = %v, want invalid", st, err)
			}
		}
		for _, id := range []int64{o.private, o.shared, o.mia} {
			if got := statusOf(t, o.st, id); got != coaching.CommitmentOpen {
				t.Errorf("commitment %d is %s after refused closes, want open", id, got)
			}
		}
		if rows := exportCount(t, o.st); rows != 3+logged {
			t.Errorf("forged submissions: %d rows, want %d", rows, 3+logged)
		}

		// Closed by Max from history, neither is reopened by the others.
		for _, id := range []int64{o.private, o.shared} {
			if _, err := o.svc.CloseCommitment(ctx, "UMAX", id, coaching.CommitmentNotKept); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range refused {
			for _, id := range tt.ids {
				if _, err := o.svc.ReopenCommitment(ctx, tt.who, id, coaching.CommitmentNotKept); coaching.ErrorCode(err) != coaching.EForbidden {
					t.Errorf("%s reopening Max's commitment %d: err = %v, want forbidden", tt.who, id, err)
				}
			}
		}
		for _, id := range []int64{o.private, o.shared} {
			if got := statusOf(t, o.st, id); got != coaching.CommitmentNotKept {
				t.Errorf("commitment %d is %s after refused reopens, want not_kept", id, got)
			}
		}
	})
}

// withZed re-imports the roster of newCommitmentOrg with Zed, a leader,
// above Vera: Max is two levels below him.
func withZed(t *testing.T, o commitmentOrg, maxUnder string) {
	t.Helper()
	person := func(id, role, manager string) coaching.Person {
		return coaching.Person{ID: id, Name: id, Roles: []string{role}, ManagerID: manager}
	}
	if _, err := o.st.ImportRoster(context.Background(), []coaching.Person{
		person("UZED", "leader", ""), person("UVERA", "leader", "UZED"), person("UMAX", "manager", maxUnder),
		person("UMIA", "manager", "UVERA"), person("USAM", "rep", "UMAX"), person("UOLLY", "rep", ""), person("ULEO", "leader", ""),
	}, day("2026-11-20")); err != nil {
		t.Fatal(err)
	}
}

// A leader above the manager, at any depth, closes the rep's open
// commitments from the manager's shared sessions as the manager does:
// from history as kept or not kept, taking it back with Undo, and ticked
// kept in their own form, reopened when their session is undone. The
// manager still closes them too. Once it is closed the manager's lists,
// their form and the rep's own list no longer hold it, and nothing else
// changes for them.
func TestALeaderAboveClosesSharedCommitmentsBelow(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		o := newCommitmentOrgOn(t, db)
		withZed(t, o, "UVERA")

		c, err := o.svc.CloseCommitment(ctx, "UVERA", o.shared, coaching.CommitmentNotKept)
		if err != nil || c.ID != o.shared || c.Status != coaching.CommitmentNotKept {
			t.Fatalf("Vera closing the shared one: %+v, %v", c, err)
		}
		if got := statusOf(t, o.st, o.shared); got != coaching.CommitmentNotKept {
			t.Errorf("stored status %s, want not_kept", got)
		}
		if read, err := o.svc.OpenCommitments(ctx, "UMAX", "USAM"); err != nil || !slices.Equal(ids(readable(read)), []int64{o.private}) {
			t.Errorf("Max's open commitments after Vera's close: %v (%v), want the private one alone", ids(readable(read)), err)
		}
		if form, _ := formCommitments(ctx, o.svc, "UMAX", "USAM", 0); !slices.Equal(ids(form), []int64{o.private}) {
			t.Errorf("Max's form offers %v, want the private one alone", ids(form))
		}
		if mine, _, err := o.svc.MyCommitments(ctx, "USAM"); err != nil || slices.Contains(ids(mine), o.shared) {
			t.Errorf("Sam's own list after Vera's close: %v (%v), want it gone", ids(mine), err)
		}
		// Her Undo reopens it; Max closes it then, as ever, and takes it back.
		if c, err := o.svc.ReopenCommitment(ctx, "UVERA", o.shared, coaching.CommitmentNotKept); err != nil || c.Status != coaching.CommitmentOpen {
			t.Fatalf("Vera's Undo: %+v, %v", c, err)
		}
		if _, err := o.svc.CloseCommitment(ctx, "UMAX", o.shared, coaching.CommitmentKept); err != nil {
			t.Fatalf("Max closing it after Vera's Undo: %v", err)
		}
		if _, err := o.svc.ReopenCommitment(ctx, "UMAX", o.shared, coaching.CommitmentKept); err != nil {
			t.Fatalf("Max's Undo: %v", err)
		}

		// Zed, two levels up, is offered it in his form, and ticks it
		// kept; undoing his session reopens it.
		if form, err := formCommitments(ctx, o.svc, "UZED", "USAM", 0); err != nil || !slices.Equal(ids(form), []int64{o.shared}) {
			t.Fatalf("Zed's form offers %v (%v), want the shared one alone", ids(form), err)
		}
		d := oneOnOne("USAM")
		d.KeptCommitments = []int64{o.shared}
		zeds, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UZED", Draft: d, Source: coaching.SourceModal, Key: "zed"})
		if err != nil {
			t.Fatalf("Zed ticking the shared one: %v", err)
		}
		if got := statusOf(t, o.st, o.shared); got != coaching.CommitmentKept {
			t.Errorf("after Zed's tick: %s, want kept", got)
		}
		if _, err := o.svc.ReopenCommitment(ctx, "UZED", o.shared, coaching.CommitmentKept); coaching.ErrorCode(err) != coaching.EStale {
			t.Errorf("an Undo of a form's tick from history: %v, want stale (it is the session's)", err)
		}
		if _, err := o.svc.UndoSession(ctx, "UZED", zeds.ID); err != nil {
			t.Fatal(err)
		}
		if got := statusOf(t, o.st, o.shared); got != coaching.CommitmentOpen {
			t.Errorf("after Zed's session was undone: %s, want open again", got)
		}
		if got := statusOf(t, o.st, o.private); got != coaching.CommitmentOpen {
			t.Errorf("the private one: %s, want open, untouched", got)
		}
	})
}

// A leader's right follows the roster and the session as the write finds
// them: Max moved under Leo, Vera is refused and Leo may; the session
// made private by an edit, no leader may, nor is it offered.
func TestALeadersCloseFollowsTheRosterAndTheSessionNow(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		o := newCommitmentOrgOn(t, db)
		withZed(t, o, "ULEO")
		for _, who := range []string{"UVERA", "UZED"} {
			if _, err := o.svc.CloseCommitment(ctx, who, o.shared, coaching.CommitmentKept); coaching.ErrorCode(err) != coaching.EForbidden {
				t.Errorf("%s, no longer above Max, closing: %v, want forbidden", who, err)
			}
		}
		if _, err := o.svc.CloseCommitment(ctx, "ULEO", o.shared, coaching.CommitmentKept); err != nil {
			t.Fatalf("Leo, now above Max, closing: %v", err)
		}
		if _, err := o.svc.ReopenCommitment(ctx, "ULEO", o.shared, coaching.CommitmentKept); err != nil {
			t.Fatalf("Leo's Undo: %v", err)
		}

		// Leo's form offers it; Max makes its session private before
		// Leo saves.
		offered, err := formCommitments(ctx, o.svc, "ULEO", "USAM", 0)
		if err != nil || !slices.Equal(ids(offered), []int64{o.shared}) {
			t.Fatalf("Leo's form offers %v, %v; want Max's shared one", ids(offered), err)
		}
		sess, err := o.st.Session(ctx, o.sharedSess)
		if err != nil {
			t.Fatal(err)
		}
		d := oneOnOne("USAM")
		d.Visibility, d.Commitments = coaching.VisibilityPrivate, []string{"shared by Max"}
		if _, err := o.svc.EditSession(ctx, coaching.EditRequest{ActorID: "UMAX", SessionID: sess.ID, Version: sess.Version, Draft: d, Key: "private"}); err != nil {
			t.Fatal(err)
		}
		if form, _ := formCommitments(ctx, o.svc, "ULEO", "USAM", 0); len(form) != 0 {
			t.Errorf("Leo's form offers %v of a session made private", ids(form))
		}
		if _, err := o.svc.CloseCommitment(ctx, "ULEO", o.shared, coaching.CommitmentKept); coaching.ErrorCode(err) != coaching.EForbidden {
			t.Errorf("Leo closing one of a session made private: %v, want forbidden", err)
		}
		// His tick is passed over: his session is logged, Max's
		// commitment left open.
		d = oneOnOne("USAM")
		d.KeptCommitments = ids(offered)
		leos, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: "ULEO", Draft: d, Source: coaching.SourceModal, Key: "leo"})
		if err != nil {
			t.Fatalf("Leo ticking one of a session made private since his form opened: %v, want his session logged", err)
		}
		if stored, err := o.st.Session(ctx, leos.ID); err != nil || stored.ManagerID != "ULEO" {
			t.Errorf("Leo's session as stored: %+v, %v", stored, err)
		}
		if got := statusOf(t, o.st, o.shared); got != coaching.CommitmentOpen {
			t.Errorf("after a refused close and a tick passed over: %s, want open", got)
		}
	})
}

// A leader's form offers their own and those below them, the ten oldest
// in all, by the session's date.
func TestALeadersFormOffersTheTenOldestInAll(t *testing.T) {
	ctx := context.Background()
	o := newCommitmentOrg(t) // Max: a shared one with Sam, of 25 November
	log := func(manager, key, on string, vis coaching.Visibility, prefix string) int64 {
		d := oneOnOne("USAM")
		d.OccurredOn, d.Visibility, d.Commitments = day(on), vis, nil
		for i := range 6 {
			d.Commitments = append(d.Commitments, prefix+strconv.Itoa(i))
		}
		s, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: manager, Draft: d, Source: coaching.SourceModal, Key: key})
		if err != nil {
			t.Fatal(err)
		}
		return s.ID
	}
	maxOld := log("UMAX", "max-old", "2026-11-10", coaching.VisibilityShared, "max ")
	veras := log("UVERA", "vera", "2026-11-20", coaching.VisibilityPrivate, "vera ")
	log("UMAX", "max-private", "2026-11-02", coaching.VisibilityPrivate, "private ")
	form, err := formCommitments(ctx, o.svc, "UVERA", "USAM", 0)
	if err != nil {
		t.Fatal(err)
	}
	var from []int64
	for _, c := range form {
		from = append(from, c.SessionID)
	}
	want := []int64{maxOld, maxOld, maxOld, maxOld, maxOld, maxOld, veras, veras, veras, veras}
	if !slices.Equal(from, want) {
		t.Errorf("Vera's form offers commitments of sessions %v, want %v: Max's shared ones of 10 November, then her own", from, want)
	}
}

// A close from a list shown before is answered kindly (EStale, saying
// why) and changes nothing: the commitment was closed since (ticked in a
// form, or closed from history already), its session was undone, or an
// edit took its line away.
func TestAStaleCloseChangesNothing(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		o := newCommitmentOrgOn(t, db)
		// Ticked kept in a form since the list was shown.
		d := oneOnOne("USAM")
		d.KeptCommitments = []int64{o.private}
		if _, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMAX", Draft: d, Source: coaching.SourceModal, Key: "tick"}); err != nil {
			t.Fatal(err)
		}
		_, err := o.svc.CloseCommitment(ctx, "UMAX", o.private, coaching.CommitmentNotKept)
		if coaching.ErrorCode(err) != coaching.EStale || !strings.Contains(coaching.ErrorMessage(err), "marked kept already") {
			t.Errorf("closing one ticked kept since: %v, want stale, saying it was kept", err)
		}
		if got := statusOf(t, o.st, o.private); got != coaching.CommitmentKept {
			t.Errorf("after a stale close: %s, want kept still", got)
		}
		// Closed from history twice (a second click on the old list).
		if _, err := o.svc.CloseCommitment(ctx, "UMAX", o.shared, coaching.CommitmentNotKept); err != nil {
			t.Fatal(err)
		}
		_, err = o.svc.CloseCommitment(ctx, "UMAX", o.shared, coaching.CommitmentKept)
		if coaching.ErrorCode(err) != coaching.EStale || !strings.Contains(coaching.ErrorMessage(err), "marked not kept already") {
			t.Errorf("closing one closed since: %v, want stale, saying it was not kept", err)
		}
		if got := statusOf(t, o.st, o.shared); got != coaching.CommitmentNotKept {
			t.Errorf("after a second close: %s, want not_kept still", got)
		}
		// Its session undone since.
		miaSessions, err := o.svc.History(ctx, "UMIA", "USAM", 1)
		if err != nil || len(miaSessions) != 1 {
			t.Fatalf("Mia's sessions: %v, %v", miaSessions, err)
		}
		if _, err := o.svc.UndoSession(ctx, "UMIA", miaSessions[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := o.svc.CloseCommitment(ctx, "UMIA", o.mia, coaching.CommitmentNotKept); coaching.ErrorCode(err) != coaching.EStale {
			t.Errorf("closing one of an undone session: %v, want stale", err)
		}
		if got := statusOf(t, o.st, o.mia); got != coaching.CommitmentOpen {
			t.Errorf("the undone session's commitment is %s, want open, as undone sessions leave theirs", got)
		}
		// Its line taken away by an edit since.
		d = oneOnOne("USAM")
		d.Commitments = []string{"soon gone"}
		s, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMAX", Draft: d, Source: coaching.SourceModal, Key: "gone"})
		if err != nil {
			t.Fatal(err)
		}
		if s, err = o.st.Session(ctx, s.ID); err != nil || len(s.Commitments) != 1 {
			t.Fatalf("read back session: %v %+v", err, s)
		}
		gone := s.Commitments[0].ID
		d.Commitments = nil
		if _, err := o.svc.EditSession(ctx, coaching.EditRequest{ActorID: "UMAX", SessionID: s.ID, Version: s.Version, Draft: d, Key: "edit"}); err != nil {
			t.Fatal(err)
		}
		// Refused as an id no commitment has is, in the words of someone
		// else's (TestACommitmentThatDoesNotExistIsRefusedAsAnotherManagers),
		// which say an edit may have removed it.
		if _, err := o.svc.CloseCommitment(ctx, "UMAX", gone, coaching.CommitmentNotKept); coaching.ErrorCode(err) != coaching.EForbidden ||
			!strings.Contains(coaching.ErrorMessage(err), "an edit of a session may have removed one") {
			t.Errorf("closing one an edit took away: %v, want it refused as no longer there", err)
		}
	})
}

// A manager with more open commitments with a rep than a list shows is
// told how many more.
func TestOpenCommitmentsSayHowManyMore(t *testing.T) {
	ctx := context.Background()
	o := newCommitmentOrg(t) // Max: two open commitments with Sam
	d := oneOnOne("USAM")
	d.Commitments = nil
	for i := range coaching.MaxOpenCommitments + 1 {
		d.Commitments = append(d.Commitments, "more "+strconv.Itoa(i))
	}
	if _, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMAX", Draft: d, Source: coaching.SourceModal, Key: "many"}); err != nil {
		t.Fatal(err)
	}
	read, err := o.svc.OpenCommitments(ctx, "UMAX", "USAM")
	if err != nil || len(read.Own) != coaching.MaxOpenCommitments || read.More != 3 || read.Own[0].ID != o.private {
		t.Errorf("Max reads %d of his own, the first %d, and %d more (%v); want the 10 oldest and 3 more", len(read.Own), read.Own[0].ID, read.More, err)
	}
	if read, _ := o.svc.OpenCommitments(ctx, "UMIA", "USAM"); len(read.Own) != 1 || read.More != 0 {
		t.Errorf("Mia reads %d and %d more, want her one", len(read.Own), read.More)
	}
}

// A Kept or Not kept picked by mistake in /coach history is taken back by
// its manager: the commitment is open again, in the list and the form.
// Only a close made there is; one a session's form ticked stays that
// session's. Anyone else, or a second Undo, changes nothing.
func TestAManagerTakesBackAClose(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		o := newCommitmentOrgOn(t, db)
		if _, err := o.svc.CloseCommitment(ctx, "UMAX", o.private, coaching.CommitmentNotKept); err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"USAM", "UVERA", "UMIA"} {
			if _, err := o.svc.ReopenCommitment(ctx, who, o.private, coaching.CommitmentNotKept); coaching.ErrorCode(err) != coaching.EForbidden {
				t.Errorf("%s reopening Max's commitment: %v, want forbidden", who, err)
			}
		}
		if _, err := o.svc.ReopenCommitment(ctx, "UMAX", o.private, coaching.CommitmentKept); coaching.ErrorCode(err) != coaching.EStale {
			t.Errorf("an Undo of a Kept the commitment never had: %v, want stale", err)
		}
		c, err := o.svc.ReopenCommitment(ctx, "UMAX", o.private, coaching.CommitmentNotKept)
		if err != nil || c.ID != o.private || c.Status != coaching.CommitmentOpen {
			t.Fatalf("reopened %+v, %v; want the private commitment open", c, err)
		}
		if got := statusOf(t, o.st, o.private); got != coaching.CommitmentOpen {
			t.Errorf("stored status %s, want open", got)
		}
		if form, _ := o.svc.ClosableCommitments(ctx, "UMAX", "USAM", 0); !slices.Contains(ids(form), o.private) {
			t.Errorf("the log form offers %v, want the reopened one among them", ids(form))
		}
		if _, err := o.svc.ReopenCommitment(ctx, "UMAX", o.private, coaching.CommitmentNotKept); coaching.ErrorCode(err) != coaching.EStale {
			t.Errorf("a second Undo: %v, want stale", err)
		}

		// Ticked kept in a later session's form, it is that session's.
		d := oneOnOne("USAM")
		d.KeptCommitments = []int64{o.shared}
		if _, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMAX", Draft: d, Source: coaching.SourceModal, Key: "later"}); err != nil {
			t.Fatal(err)
		}
		if _, err := o.svc.ReopenCommitment(ctx, "UMAX", o.shared, coaching.CommitmentKept); coaching.ErrorCode(err) != coaching.EStale {
			t.Errorf("reopening a commitment a session's form closed: %v, want stale", err)
		}
		if got := statusOf(t, o.st, o.shared); got != coaching.CommitmentKept {
			t.Errorf("the form's tick: %s, want kept still", got)
		}
	})
}

// lockRecorder is a store whose write transactions record the sessions
// they lock (Tx.Session locks a session's row on PostgreSQL), in the
// order first locked.
type lockRecorder struct {
	coaching.Store
	locked []int64
}

func (r *lockRecorder) Update(ctx context.Context, fn func(coaching.Tx) error) error {
	return r.Store.Update(ctx, func(tx coaching.Tx) error {
		r.locked = nil // a store may run fn again
		return fn(recordingTx{tx, r})
	})
}

type recordingTx struct {
	coaching.Tx
	r *lockRecorder
}

func (t recordingTx) Session(ctx context.Context, id int64) (coaching.Session, error) {
	if !slices.Contains(t.r.locked, id) {
		t.r.locked = append(t.r.locked, id)
	}
	return t.Tx.Session(ctx, id)
}

// An edit that ticks a commitment of a session someone else logged (a
// leader's, below them) locks both sessions in one order, by id: locked
// as met, the edited one first, two leaders each editing a session while
// ticking one of the other's would wait for each other until
// PostgreSQL's deadlock check aborted one.
func TestAnEditLocksTheSessionsItTicksInOneOrder(t *testing.T) {
	ctx := context.Background()
	o := newCommitmentOrg(t)
	rec := &lockRecorder{Store: o.st}
	svc := coaching.NewService(coaching.Config{Store: rec, Now: o.clk.Now})
	// Vera logs after Max's shared session: hers has the higher id.
	d := oneOnOne("USAM")
	d.Commitments = nil
	vera, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UVERA", Draft: d, Source: coaching.SourceModal, Key: "vera"})
	if err != nil {
		t.Fatal(err)
	}
	if vera.ID <= o.sharedSess {
		t.Fatalf("Vera's session %d is not after Max's %d", vera.ID, o.sharedSess)
	}
	d.KeptCommitments = []int64{o.shared}
	if _, err := svc.Edit(ctx, coaching.EditRequest{ActorID: "UVERA", SessionID: vera.ID, Version: vera.Version,
		SavedAt: vera.UpdatedAt, Draft: d, Key: "vera-edit"}); err != nil {
		t.Fatalf("Vera ticking Max's shared commitment in an edit: %v", err)
	}
	if !slices.IsSorted(rec.locked) || !slices.Contains(rec.locked, o.sharedSess) {
		t.Errorf("the edit locked sessions %v, want Max's %d and Vera's %d in id order", rec.locked, o.sharedSess, vera.ID)
	}
	if got := statusOf(t, o.st, o.shared); got != coaching.CommitmentKept {
		t.Errorf("Max's shared commitment after Vera's edit: %s, want kept", got)
	}
}

// personCounter is a store that counts the reads of each person.
type personCounter struct {
	coaching.Store
	reads map[string]int
}

func (c *personCounter) Person(ctx context.Context, id string) (coaching.Person, error) {
	c.reads[id]++
	return c.Store.Person(ctx, id)
}

// A form for many reps reads its viewer once, and each manager on a
// leader's walks up the tree once, however many reps share them; it
// offers each rep what a form of that rep alone offers, those of others'
// sessions with their manager's name.
func TestAFormReadsTheViewerAndTheTreeOnce(t *testing.T) {
	ctx := context.Background()
	o := newCommitmentOrg(t)
	d := oneOnOne("UOLLY")
	d.Visibility, d.Commitments = coaching.VisibilityShared, []string{"shared with Olly"}
	if _, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMAX", Draft: d, Source: coaching.SourceModal, Key: "olly"}); err != nil {
		t.Fatal(err)
	}
	counter := &personCounter{Store: o.st, reads: map[string]int{}}
	svc := coaching.NewService(coaching.Config{Store: counter, Now: o.clk.Now})
	form, err := svc.CommitmentForm(ctx, "UVERA", 0)
	if err != nil {
		t.Fatal(err)
	}
	reps := []string{"USAM", "UOLLY", "UMIA", "USAM"}
	for _, rep := range reps {
		got, err := form.Rep(ctx, rep)
		if err != nil {
			t.Fatal(err)
		}
		alone, err := formCommitments(ctx, o.svc, "UVERA", rep, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(got), ids(alone)) {
			t.Errorf("the form offers %v for %s, a form of %[2]s alone %v", ids(got), rep, ids(alone))
		}
		for _, c := range got {
			if c.ManagerName != "UMAX" {
				t.Errorf("commitment %d of Max's session offered to Vera names its manager %q, want UMAX", c.ID, c.ManagerName)
			}
		}
	}
	if counter.reads["UVERA"] != 1 || counter.reads["UMAX"] != 1 {
		t.Errorf("a form for %d reps read Vera %d times and Max %d times, want once each", len(reps), counter.reads["UVERA"], counter.reads["UMAX"])
	}
	// A manager's own carry no name: the form shows them as they are.
	own, err := formCommitments(ctx, o.svc, "UMAX", "USAM", 0)
	if err != nil || len(own) != 2 {
		t.Fatalf("Max's form: %v, %v", ids(own), err)
	}
	for _, c := range own {
		if c.ManagerName != "" {
			t.Errorf("Max's own commitment %d names its manager %q, want none", c.ID, c.ManagerName)
		}
	}
}

// A leader's form offers a commitment below them; by the time they save,
// its manager has moved out of their tree. The tick is passed over, left
// open, while the form's other ticks close and the session is logged;
// an edit ticking it says nothing of commitments changed.
func TestATickNoLongerClosableIsPassedOver(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		o := newCommitmentOrgOn(t, db)
		d := oneOnOne("USAM")
		d.Visibility, d.Commitments = coaching.VisibilityShared, []string{"shared by Mia"}
		mias, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMIA", Draft: d, Source: coaching.SourceModal, Key: "mia-shared"})
		if err != nil {
			t.Fatal(err)
		}
		stored, err := o.st.Session(ctx, mias.ID)
		if err != nil || len(stored.Commitments) != 1 {
			t.Fatalf("Mia's session: %+v, %v", stored, err)
		}
		miaShared := stored.Commitments[0].ID
		offered, err := formCommitments(ctx, o.svc, "UVERA", "USAM", 0)
		if err != nil || !slices.Equal(ids(offered), []int64{o.shared, miaShared}) {
			t.Fatalf("Vera's form offers %v, %v; want Max's and Mia's shared ones", ids(offered), err)
		}
		withZed(t, o, "ULEO") // Max now reports to Leo; Mia still to Vera

		d = oneOnOne("USAM")
		d.Commitments, d.KeptCommitments = nil, ids(offered)
		vera, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UVERA", Draft: d, Source: coaching.SourceModal, Key: "vera"})
		if err != nil {
			t.Fatalf("Vera's form ticking one whose manager left her tree since: %v, want her session logged", err)
		}
		if got := statusOf(t, o.st, o.shared); got != coaching.CommitmentOpen {
			t.Errorf("Max's, no longer below Vera: %s, want open", got)
		}
		if got := statusOf(t, o.st, miaShared); got != coaching.CommitmentKept {
			t.Errorf("Mia's, below Vera still: %s, want kept", got)
		}

		// An edit of her session ticking Max's again changes nothing,
		// and says so.
		if vera, err = o.st.Session(ctx, vera.ID); err != nil {
			t.Fatal(err)
		}
		d.KeptCommitments = []int64{o.shared}
		e, err := o.svc.Edit(ctx, coaching.EditRequest{ActorID: "UVERA", SessionID: vera.ID, Version: vera.Version,
			SavedAt: vera.UpdatedAt, Draft: d, Key: "vera-edit"})
		if err != nil {
			t.Fatalf("Vera's edit ticking Max's: %v, want saved, the tick passed over", err)
		}
		if slices.Contains(e.Changes.Fields(), coaching.FieldCommitments) {
			t.Errorf("the edit says %v changed, though its tick was passed over", e.Changes.Fields())
		}
		if got := statusOf(t, o.st, o.shared); got != coaching.CommitmentOpen {
			t.Errorf("Max's after Vera's edit: %s, want open", got)
		}
	})
}

// formCommitments is what a log form of one rep, repID, offers viewerID
// to tick off.
func formCommitments(ctx context.Context, svc *coaching.Service, viewerID, repID string, except int64) ([]coaching.Commitment, error) {
	f, err := svc.CommitmentForm(ctx, viewerID, except)
	if err != nil {
		return nil, err
	}
	return f.Rep(ctx, repID)
}
