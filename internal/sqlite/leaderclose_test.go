package sqlite_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// newLeaderRace is newCommitmentRace with the session shared with leaders
// and UL1, a leader, above UM1 in the roster: UL1 may close the recap.
func newLeaderRace(t *testing.T, db string) *commitmentRace {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, time.November, 16, 12, 0, 0, 0, time.UTC)
	r := &commitmentRace{t: t, st: open(t, db, sqlite.Options{}), clock: func() time.Time { return now },
		draft: coaching.Draft{RepIDs: []string{"UR1"}, Kind: coaching.KindOneOnOne, OccurredOn: date(2026, time.October, 26),
			DurationMin: 30, Commitments: []string{"send recap"}, Visibility: coaching.VisibilityShared}}
	person := func(id, role, manager string) coaching.Person {
		return coaching.Person{ID: id, Name: id, Roles: []string{role}, ManagerID: manager}
	}
	if _, err := r.st.ImportRoster(ctx, []coaching.Person{person("UL1", "leader", ""), person("UM1", "manager", "UL1"),
		person("UR1", "rep", "UM1")}, date(2026, time.October, 1)); err != nil {
		t.Fatal(err)
	}
	r.logFirst(ctx)
	return r
}

// auditLine is one line of the audit trail as stored.
type auditLine struct {
	Actor, Action string
	Detail        map[string]any
}

// closeAudits reads the close_commitment and reopen_commitment lines,
// oldest first.
func closeAudits(t *testing.T, r *commitmentRace) []auditLine {
	t.Helper()
	var raw string
	if err := r.st.QueryRow(context.Background(), `SELECT coalesce(string_agg(actor_id || '|' || action || '|' || detail, '`+"\n"+`' ORDER BY id), '')
		FROM audit WHERE action IN ('close_commitment', 'reopen_commitment')`, &raw); err != nil {
		t.Fatal(err)
	}
	var out []auditLine
	for _, line := range strings.Split(raw, "\n") {
		if line == "" {
			continue
		}
		parts := strings.SplitN(line, "|", 3)
		a := auditLine{Actor: parts[0], Action: parts[1]}
		if err := json.Unmarshal([]byte(parts[2]), &a.Detail); err != nil {
			t.Fatalf("audit detail %q: %v", parts[2], err)
		}
		out = append(out, a)
	}
	return out
}

// Whoever closes a commitment, the audit trail names them: a leader's
// close from history, their Undo, and their tick in a form's session
// each leave a line with the leader as actor and the session's manager
// beside; the manager's own tick in a form leaves none (the session's
// own record says it).
func TestALeadersCloseIsAuditedWithTheLeaderAsActor(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		r := newLeaderRace(t, db)
		svc := r.service(r.st)
		if _, err := svc.CloseCommitment(ctx, "UL1", r.recap, coaching.CommitmentNotKept); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ReopenCommitment(ctx, "UL1", r.recap, coaching.CommitmentNotKept); err != nil {
			t.Fatal(err)
		}
		d := r.draft
		d.Commitments, d.KeptCommitments = nil, []int64{r.recap}
		s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UL1", Key: "leader", Source: coaching.SourceModal, Draft: d})
		if err != nil {
			t.Fatal(err)
		}
		got := closeAudits(t, r)
		want := []struct {
			action, status string
			inSession      int64
		}{{"close_commitment", "not_kept", 0}, {"reopen_commitment", "", 0}, {"close_commitment", "kept", s.ID}}
		if len(got) != len(want) {
			t.Fatalf("audit lines %+v; want %d", got, len(want))
		}
		for i, w := range want {
			g := got[i]
			if g.Actor != "UL1" || g.Action != w.action || g.Detail["manager"] != "UM1" || g.Detail["commitment_id"] != float64(r.recap) {
				t.Errorf("audit line %d: %+v; want %s by UL1 of commitment %d, manager UM1", i, g, w.action, r.recap)
			}
			if w.status != "" && g.Detail["status"] != w.status {
				t.Errorf("audit line %d: status %v, want %s", i, g.Detail["status"], w.status)
			}
			if w.inSession != 0 && g.Detail["in_session"] != float64(w.inSession) {
				t.Errorf("audit line %d: in_session %v, want the leader's session %d", i, g.Detail["in_session"], w.inSession)
			}
		}
		if c, err := r.st.Commitment(ctx, r.recap); err != nil || c.Status != coaching.CommitmentKept {
			t.Errorf("after the leader's tick: %+v, %v; want kept", c, err)
		}
	})
}

// A leader's close from /coach history racing the manager's edit that
// makes the session private ends as whichever touched the session first:
// the edit first, the close is refused (a private session's commitments
// are the manager's alone) and nothing is written; the close first, it
// stands, then the edit. On PostgreSQL the close reads the session through
// its row lock, so it waits for the edit and reads it private, rather
// than closing on what it read before the edit committed.
func TestALeadersCloseRacingAnEditMakingTheSessionPrivate(t *testing.T) {
	for _, editFirst := range []bool{true, false} {
		name := map[bool]string{true: "edit first", false: "close first"}[editFirst]
		t.Run(name, func(t *testing.T) {
			sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
				ctx := context.Background()
				r := newLeaderRace(t, db)
				r.waitOn = "sessions"
				editErr, closeErr := r.raceInOrder(editFirst, func(st coaching.Store) error {
					d := r.draft
					d.Visibility = coaching.VisibilityPrivate
					_, err := r.service(st).EditSession(ctx, coaching.EditRequest{
						ActorID: "UM1", SessionID: r.session.ID, Version: r.session.Version, Draft: d, Key: "private"})
					return err
				}, func(st coaching.Store) error {
					_, err := r.service(st).CloseCommitment(ctx, "UL1", r.recap, coaching.CommitmentNotKept)
					return err
				})
				r.ranOnce()
				if editErr != nil {
					t.Fatalf("the edit: %v", editErr)
				}
				c, err := r.st.Commitment(ctx, r.recap)
				if err != nil {
					t.Fatal(err)
				}
				if c.Visibility != coaching.VisibilityPrivate {
					t.Errorf("the session is %s after the edit, want private", c.Visibility)
				}
				audits := closeAudits(t, r)
				if editFirst {
					if coaching.ErrorCode(closeErr) != coaching.EForbidden {
						t.Errorf("the leader's close after the edit: %v; want forbidden", closeErr)
					}
					if c.Status != coaching.CommitmentOpen || len(audits) != 0 {
						t.Errorf("the commitment is %s, audited %+v; want it open and nothing audited", c.Status, audits)
					}
				} else {
					if closeErr != nil {
						t.Errorf("the leader's close before the edit: %v", closeErr)
					}
					if c.Status != coaching.CommitmentNotKept || len(audits) != 1 || audits[0].Actor != "UL1" {
						t.Errorf("the commitment is %s, audited %+v; want not_kept, audited as the leader's", c.Status, audits)
					}
				}
			})
		})
	}
}
