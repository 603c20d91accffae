package coaching_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
)

// A prep brief is for the rep's manager alone, and holds only what that
// manager logged.
func TestPrepIsTheRepsManagersAndHoldsOnlyTheirSessions(t *testing.T) {
	o := newCommitmentOrg(t)
	ctx := context.Background()
	p, err := o.svc.Prep(ctx, "UMAX", "USAM")
	if err != nil {
		t.Fatal(err)
	}
	var sessions []int64
	for _, s := range p.Sessions {
		sessions = append(sessions, s.ID)
	}
	if p.Rep.ID != "USAM" || !slices.Equal(sessions, []int64{o.sharedSess, o.privateSes}) ||
		!slices.Equal(ids(p.Commitments), []int64{o.private, o.shared}) {
		t.Errorf("prep %+v: want Max's two sessions, latest first, and their two commitments, not Mia's", p)
	}
	for _, tt := range []struct{ who, rep, why string }{
		{"UMIA", "USAM", "another manager who logged with Sam"},
		{"UVERA", "USAM", "the leader above Sam's manager"},
		{"UMAX", "UOLLY", "someone who does not report to Max"},
		{"UMAX", "UMAX", "Max himself"},
		{"UMAX", "UNOBODY", "someone Coachlog does not know"},
		{"UNOBODY", "USAM", "someone not in the roster"},
	} {
		if _, err := o.svc.Prep(ctx, tt.who, tt.rep); coaching.ErrorCode(err) != coaching.EForbidden {
			t.Errorf("%s: error %v, want forbidden", tt.why, err)
		}
	}

	// The roster moves Sam to Mia: from then on the brief is hers.
	person := func(id, role, manager string) coaching.Person {
		return coaching.Person{ID: id, Name: id, Roles: []string{role}, ManagerID: manager}
	}
	if _, err := o.st.ImportRoster(ctx, []coaching.Person{
		person("UVERA", "leader", ""), person("UMAX", "manager", "UVERA"), person("UMIA", "manager", "UVERA"),
		person("USAM", "rep", "UMIA"), person("UOLLY", "rep", ""), person("ULEO", "leader", ""),
	}, day("2026-11-20")); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.Prep(ctx, "UMAX", "USAM"); coaching.ErrorCode(err) != coaching.EForbidden {
		t.Errorf("Max after Sam moved to Mia: %v, want forbidden", err)
	}
	p, err = o.svc.Prep(ctx, "UMIA", "USAM")
	if err != nil || len(p.Sessions) != 1 || len(p.Commitments) != 1 || p.Commitments[0].ID != o.mia {
		t.Errorf("Mia's prep: %+v, %v; want her one session and commitment only", p, err)
	}
}

// A brief lists the rep's MaxOpenCommitments oldest open commitments from
// the manager's sessions and counts the rest (Prep.MoreCommitments), so
// that it can say there are more: read with that limit, the list alone
// never could.
func TestPrepCountsTheCommitmentsItDoesNotList(t *testing.T) {
	o := newCommitmentOrg(t)
	ctx := context.Background()
	p, err := o.svc.Prep(ctx, "UMAX", "USAM")
	if err != nil || len(p.Commitments) != 2 || p.MoreCommitments != 0 {
		t.Fatalf("prep of two open: %d listed, %d more, %v; want 2 and none more", len(p.Commitments), p.MoreCommitments, err)
	}
	d := oneOnOne("USAM")
	d.Commitments = nil
	for i := range coaching.MaxOpenCommitments + 1 {
		d.Commitments = append(d.Commitments, fmt.Sprintf("more %d", i))
	}
	if _, err := o.svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMAX", Draft: d, Key: "more"}); err != nil {
		t.Fatal(err)
	}
	p, err = o.svc.Prep(ctx, "UMAX", "USAM")
	if err != nil || len(p.Commitments) != coaching.MaxOpenCommitments || p.MoreCommitments != 3 {
		t.Errorf("prep of 13 open: %d listed, %d more, %v; want %d and 3 more", len(p.Commitments), p.MoreCommitments, err, coaching.MaxOpenCommitments)
	}
}
