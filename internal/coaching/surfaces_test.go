package coaching_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// treeOrg is Vera (leader) above Dan (leader) above Max (manager) above
// Sam (rep); Vera above Mia (manager); Leo (leader) above Lou (manager), a
// tree of its own; Ann an admin; Olly a rep with nobody above.
func treeOrg(t *testing.T) (*coaching.Service, *sqlite.Store) {
	t.Helper()
	svc, st, _ := newService(t)
	person := func(id, role, manager string) coaching.Person {
		return coaching.Person{ID: id, Name: id, Roles: strings.Split(role, "+"), ManagerID: manager}
	}
	if _, err := st.ImportRoster(context.Background(), []coaching.Person{
		person("UVERA", "leader", ""), person("UDAN", "leader", "UVERA"), person("UMAX", "manager", "UDAN"),
		person("USAM", "rep", "UMAX"), person("UMIA", "manager", "UVERA"), person("ULEO", "leader", ""),
		person("ULOU", "manager", "ULEO"), person("UANN", "admin", ""), person("UOLLY", "rep", ""),
	}, day("2026-11-01")); err != nil {
		t.Fatal(err)
	}
	return svc, st
}

func TestReportScopeFollowsTheTree(t *testing.T) {
	svc, _ := treeOrg(t)
	ctx := context.Background()
	for _, c := range []struct {
		asker, target string
		admin         bool
		root, refused string // refused: a phrase of the refusal
	}{
		{"UVERA", "", false, "UVERA", ""},
		{"UVERA", "UDAN", false, "UDAN", ""},
		{"UVERA", "UMAX", false, "UMAX", ""}, // two levels down
		{"UVERA", "UVERA", false, "UVERA", ""},
		{"UDAN", "UMIA", false, "", "not below you"}, // beside, not below
		{"UVERA", "ULOU", false, "", "not below you"},
		// Someone Coachlog does not know gets the refusal of someone it
		// knows outside the tree: a leader learns nothing of who is in
		// the roster from what they are refused.
		{"UVERA", "UNOBODY", false, "", "UNOBODY> is not below you"},
		{"UANN", "UNOBODY", true, "", "not known"},
		{"UANN", "", true, "", ""}, // an admin leading nobody: the whole organisation
		{"UANN", "ULOU", true, "ULOU", ""},
		{"UVERA", "ULOU", true, "ULOU", ""}, // a leader who is an admin too
		{"USAM", "", false, "", "App Home"},
		{"USAM", "UMAX", false, "", "App Home"},
		{"UMAX", "", false, "", "/coach stats"},
		{"UNOBODY", "", false, "", "/coach help"},
	} {
		root, err := svc.ReportScope(ctx, c.asker, c.target, c.admin)
		switch {
		case c.refused == "" && (err != nil || root != c.root):
			t.Errorf("%s asks about %q (admin %v): %q, %v; want %q", c.asker, c.target, c.admin, root, err, c.root)
		case c.refused != "" && (err == nil || !strings.Contains(coaching.ErrorMessage(err), c.refused)):
			t.Errorf("%s asks about %q: %q, %v; want a refusal saying %q", c.asker, c.target, root, err, c.refused)
		case c.refused != "" && coaching.ErrorCode(err) == "":
			t.Errorf("%s asks about %q: an internal error %v, want a refusal", c.asker, c.target, err)
		}
	}
}

// A leader above a rep reads the sessions managers below them logged with
// that rep: the notes and commitments of shared ones only, and never a
// rep's rating or comment. Their own sessions, and those of managers in
// other trees, are not in it; someone who is not a leader above the rep
// reads nothing.
func TestLeaderHistoryShowsSharedNotesBelowOnly(t *testing.T) {
	svc, _ := treeOrg(t)
	ctx := context.Background()
	log := func(manager, key, notes string, vis coaching.Visibility, on string) coaching.Session {
		t.Helper()
		d := oneOnOne("USAM")
		d.Notes, d.Visibility, d.OccurredOn = notes, vis, day(on)
		s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: manager, Draft: d, Key: key})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	private := log("UMAX", "a", "private to Max", coaching.VisibilityPrivate, "2026-11-20")
	shared := log("UMAX", "b", "shared by Max", coaching.VisibilityShared, "2026-11-23")
	log("ULOU", "c", "Lou's, another tree", coaching.VisibilityShared, "2026-11-24")
	log("UVERA", "d", "Vera's own", coaching.VisibilityShared, "2026-11-25")
	a := coaching.RepAction{SessionID: shared.ID, RepID: "USAM", ActorID: "USAM", Version: shared.Version}
	if _, err := svc.Confirm(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Rate(ctx, a, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Comment(ctx, a, "too rushed"); err != nil {
		t.Fatal(err)
	}

	for _, leader := range []string{"UVERA", "UDAN"} {
		got, below, err := svc.LeaderHistory(ctx, leader, "USAM", 10)
		if err != nil || !below {
			t.Fatalf("%s: below %v, err %v; want a leader above Sam", leader, below, err)
		}
		if len(got) != 2 || got[0].ID != shared.ID || got[1].ID != private.ID {
			t.Fatalf("%s reads %+v; want Max's shared then private session", leader, got)
		}
		if got[0].Notes != "shared by Max" || len(got[0].Commitments) != 2 {
			t.Errorf("%s: the shared session's notes %q and %d commitments; want both", leader, got[0].Notes, len(got[0].Commitments))
		}
		if got[1].Notes != "" || len(got[1].Commitments) != 0 {
			t.Errorf("%s: the private session shows notes %q and %d commitments", leader, got[1].Notes, len(got[1].Commitments))
		}
		r, _ := got[0].Rep("USAM")
		if r.Status != coaching.StatusConfirmed || r.Rating != 0 || r.Comment != "" {
			t.Errorf("%s: Sam's side %+v; want confirmed, without rating or comment", leader, r)
		}
	}
	for _, viewer := range []string{"ULEO", "UMAX", "UMIA", "USAM", "UNOBODY"} {
		if got, below, err := svc.LeaderHistory(ctx, viewer, "USAM", 10); err != nil || below || len(got) != 0 {
			t.Errorf("%s reads %d sessions (below %v, err %v); want none", viewer, len(got), below, err)
		}
	}
	if got, below, _ := svc.LeaderHistory(ctx, "UVERA", "UOLLY", 10); below || len(got) != 0 {
		t.Errorf("Vera reads a rep outside her tree: %d sessions, below %v", len(got), below)
	}
}

// A rep's own open commitments come from every manager's sessions.
func TestMyCommitmentsAreTheRepsOwnFromEveryManager(t *testing.T) {
	svc, _ := treeOrg(t)
	ctx := context.Background()
	for i, m := range []string{"UMAX", "ULOU"} {
		d := oneOnOne("USAM")
		d.Commitments = []string{"from " + m}
		if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: m, Draft: d, Key: string(rune('a' + i))}); err != nil {
			t.Fatal(err)
		}
	}
	got, more, err := svc.MyCommitments(ctx, "USAM")
	if err != nil || len(got) != 2 || got[0].Text != "from UMAX" || got[1].Text != "from ULOU" || more != 0 {
		t.Errorf("Sam's commitments = %+v and %d more, %v; want Max's then Lou's", got, more, err)
	}
	if got, _, err := svc.MyCommitments(ctx, "UMAX"); err != nil || len(got) != 0 {
		t.Errorf("Max's own commitments as a rep = %+v, %v; want none", got, err)
	}
	// Past MaxOpenCommitments, the oldest are listed and the rest counted,
	// from every manager's sessions.
	d := oneOnOne("USAM")
	d.Commitments = nil
	for i := range coaching.MaxOpenCommitments {
		d.Commitments = append(d.Commitments, fmt.Sprintf("more %d", i))
	}
	if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "ULOU", Draft: d, Key: "c"}); err != nil {
		t.Fatal(err)
	}
	got, more, err = svc.MyCommitments(ctx, "USAM")
	if err != nil || len(got) != coaching.MaxOpenCommitments || got[0].Text != "from UMAX" || more != 2 {
		t.Errorf("Sam's commitments of 12: %d listed, the first %q, and %d more, %v; want 10 from Max's, and 2 more", len(got), got[0].Text, more, err)
	}
}

// A comment goes with a confirmed session: submitted once the session is
// pending again or marked not accurate, it is refused, not stored where no
// DM shows it.
func TestACommentNeedsAConfirmedSession(t *testing.T) {
	svc, _ := treeOrg(t)
	ctx := context.Background()
	s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMAX", Draft: oneOnOne("USAM"), Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	a := coaching.RepAction{SessionID: s.ID, RepID: "USAM", ActorID: "USAM", Version: s.Version}
	if _, err := svc.Comment(ctx, a, "before confirming"); coaching.ErrorCode(err) != coaching.EInvalid {
		t.Errorf("a comment on a pending session: %v; want it refused", err)
	}
	if _, err := svc.Confirm(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, err := svc.Comment(ctx, a, "good call"); err != nil || got.Reps[0].Comment != "good call" {
		t.Fatalf("a comment on the confirmed session: %+v, %v", got.Reps, err)
	}
	if _, err := svc.Dispute(ctx, a, "it was 20 minutes"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Comment(ctx, a, "after the dispute"); coaching.ErrorCode(err) != coaching.EInvalid {
		t.Errorf("a comment on a disputed session: %v; want it refused", err)
	}
}
