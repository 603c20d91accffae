package coaching_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
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
	ctx := context.Background()
	svc, st, clk := newService(t)
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
		viewer         string
		read, closable []int64
	}{
		{"UMAX", []int64{o.private, o.shared}, []int64{o.private, o.shared}},
		{"UMIA", []int64{o.mia}, []int64{o.mia}},
		{"UOLLY", nil, nil},
		{"UVERA", []int64{o.shared}, nil}, // shared sessions below her, read only
		{"ULEO", nil, nil},                // a leader, but not above Max
		{"USAM", nil, nil},
		{"UNOBODY", nil, nil},
	} {
		t.Run(tt.viewer, func(t *testing.T) {
			read, err := o.svc.OpenCommitments(ctx, tt.viewer, "USAM")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(read), tt.read) {
				t.Errorf("reads %v, want %v", ids(read), tt.read)
			}
			closable, err := o.svc.ClosableCommitments(ctx, tt.viewer, "USAM", 0)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(closable), tt.closable) {
				t.Errorf("may close %v, want %v", ids(closable), tt.closable)
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
		if !slices.Equal(ids(got), want) {
			t.Errorf("%s reads %v, want %v", viewer, ids(got), want)
		}
	}
}

func TestAnotherManagersCommitmentsCannotBeClosed(t *testing.T) {
	ctx := context.Background()
	o := newCommitmentOrg(t)
	for _, who := range []string{"UMIA", "UVERA", "UOLLY"} {
		d := oneOnOne("USAM")
		d.KeptCommitments = []int64{o.private, o.shared}
		_, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: who, Draft: d, Source: coaching.SourceModal, Key: "forged-" + who})
		if coaching.ErrorCode(err) != coaching.EForbidden {
			t.Errorf("%s ticking Max's commitments: err = %v, want forbidden", who, err)
		}
	}
	// The store refuses too, whatever the domain lets through.
	if err := o.st.Update(ctx, func(tx coaching.Tx) error {
		return tx.CloseCommitments(ctx, "UMIA", []int64{o.private}, []string{"USAM"}, coaching.CommitmentKept, o.privateSes, o.clk.Now())
	}); err != nil {
		t.Fatal(err)
	}
	open, err := o.svc.OpenCommitments(ctx, "UMAX", "USAM")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(open), []int64{o.private, o.shared}) {
		t.Fatalf("Max's open commitments after forged closes: %v", ids(open))
	}
	if rows := exportCount(t, o.st); rows != 3 {
		t.Errorf("forged submissions stored sessions: %d rows, want 3", rows)
	}

	// Max himself closes his own.
	d := oneOnOne("USAM")
	d.KeptCommitments = []int64{o.private}
	if _, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMAX", Draft: d, Source: coaching.SourceModal, Key: "k4"}); err != nil {
		t.Fatal(err)
	}
	open, _ = o.svc.ClosableCommitments(ctx, "UMAX", "USAM", 0)
	if slices.Contains(ids(open), o.private) {
		t.Errorf("Max could not tick off his own commitment: %v", ids(open))
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
		open, err := o.svc.OpenCommitments(ctx, viewer, "USAM")
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
