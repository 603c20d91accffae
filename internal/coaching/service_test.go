package coaching_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// clock is a settable clock for tests.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// migratedDB is a new SQLite path holding a copy of a migrated database
// (sqlitetest.Migrated): these tests are of the service, not of the
// database's creation, and the 27 migrations a new file needs were most
// of this package's test time.
func migratedDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "c.db")
	sqlitetest.Migrated(t, db)
	return db
}

func newService(t *testing.T) (*coaching.Service, *sqlite.Store, *clock) {
	t.Helper()
	return newServiceOn(t, migratedDB(t))
}

// newServiceOn is newService on db, a SQLite path or a PostgreSQL URL.
func newServiceOn(t *testing.T, db string) (*coaching.Service, *sqlite.Store, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)}
	st, err := sqlite.Open(context.Background(), db, sqlite.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return coaching.NewService(coaching.Config{Store: st, Now: clk.Now}), st, clk
}

func day(s string) coaching.Date {
	d, err := coaching.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func oneOnOne(reps ...string) coaching.Draft {
	return coaching.Draft{RepIDs: reps, Kind: coaching.KindOneOnOne, OccurredOn: day("2026-11-25"), DurationMin: 30,
		Notes: "worked on discovery", Commitments: []string{"Send recap", "Book follow-up"}}
}

func TestLogSessionStoresOnceAndQueuesDMs(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, _ := newServiceOn(t, db)
		req := coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UREP"), Source: coaching.SourceModal, Key: "view:V1"}
		s1, err := svc.LogSession(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := svc.LogSession(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if s1.ID != s2.ID {
			t.Fatalf("same key logged twice: %d and %d", s1.ID, s2.ID)
		}
		got, err := st.Session(ctx, s1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Reps) != 1 || got.Reps[0].Status != coaching.StatusPending || len(got.Commitments) != 2 {
			t.Fatalf("stored session = %+v", got)
		}
		due, err := st.ClaimOutbox(ctx, "test", time.Now().Add(time.Hour), time.Minute, 10, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 1 || due[0].Message.Kind != coaching.MsgRepDM || due[0].Message.To != "UREP" {
			t.Fatalf("outbox = %+v, want one rep DM", due)
		}
	})
}

func TestLogSessionValidates(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, _, _ := newServiceOn(t, db)
		tests := []struct {
			name  string
			edit  func(*coaching.Draft)
			field coaching.Field
		}{
			{"no reps", func(d *coaching.Draft) { d.RepIDs = nil }, coaching.FieldReps},
			{"self", func(d *coaching.Draft) { d.RepIDs = []string{"UMGR"} }, coaching.FieldReps},
			{"future", func(d *coaching.Draft) { d.OccurredOn = day("2026-11-27") }, coaching.FieldDate},
			{"zero minutes", func(d *coaching.Draft) { d.DurationMin = 0 }, coaching.FieldDuration},
			{"481 minutes", func(d *coaching.Draft) { d.DurationMin = 481 }, coaching.FieldDuration},
			{"ride-along without role", func(d *coaching.Draft) { d.Kind = coaching.KindRideAlong }, coaching.FieldRole},
			{"long notes", func(d *coaching.Draft) { d.Notes = strings.Repeat("n", 3001) }, coaching.FieldNotes},
			{"1:1 with two", func(d *coaching.Draft) { d.RepIDs = []string{"U1", "U2"} }, coaching.FieldReps},
			{"follow-up before the session", func(d *coaching.Draft) { d.FollowUpOn = day("2026-11-24") }, coaching.FieldFollowUp},
			{"follow-up over a year after", func(d *coaching.Draft) { d.FollowUpOn = day("2027-11-27") }, coaching.FieldFollowUp},
			{"follow-up in 2099", func(d *coaching.Draft) { d.FollowUpOn = day("2099-11-25") }, coaching.FieldFollowUp},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				d := oneOnOne("UREP")
				tt.edit(&d)
				_, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: d, Key: tt.name})
				fe, ok := coaching.FieldErrorsOf(err)
				if !ok || fe[tt.field] == "" {
					t.Fatalf("err = %v, want a field error on %s", err, tt.field)
				}
			})
		}
	})
}

func TestAFollowUpUpToAYearAfterTheSessionIsTaken(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		svc, _, _ := newServiceOn(t, db)
		for _, on := range []string{"2026-11-25", "2027-11-26"} { // the session's day; 366 days on
			d := oneOnOne("UREP")
			d.FollowUpOn = day(on)
			if _, err := svc.LogSession(context.Background(), coaching.LogRequest{ManagerID: "UMGR", Draft: d, Key: "follow-up " + on}); err != nil {
				t.Errorf("follow-up on %s: %v, want it taken", on, err)
			}
		}
	})
}

// An edit that moves the follow-up moves it on the session's open
// commitments too: they show it when carried over and in the prep brief.
func TestAnEditMovesTheFollowUpOfOpenCommitments(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, _, _ := newServiceOn(t, db)
		d := oneOnOne("UREP")
		d.FollowUpOn = day("2026-11-30")
		s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: d, Key: "k1"})
		if err != nil {
			t.Fatal(err)
		}
		d.FollowUpOn = day("2026-12-07")
		if _, err := svc.EditSession(ctx, coaching.EditRequest{ActorID: "UMGR", SessionID: s.ID, Version: 1, Draft: d, Key: "e1"}); err != nil {
			t.Fatal(err)
		}
		open, err := svc.OpenCommitments(ctx, "UMGR", "UREP")
		if err != nil || len(open.Own) != 2 {
			t.Fatalf("open commitments %+v, %v; want the session's 2", open, err)
		}
		for _, c := range open.Own {
			if c.FollowUpOn != day("2026-12-07") {
				t.Errorf("%q follows up on %s, want the edited 2026-12-07", c.Text, c.FollowUpOn)
			}
		}
	})
}

func TestConfirmEditUndo(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, _ := newServiceOn(t, db)
		s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UREP"), Key: "k1"})
		if err != nil {
			t.Fatal(err)
		}
		a := coaching.RepAction{ActorID: "UOTHER", SessionID: s.ID, RepID: "UREP", Version: 1}
		if _, err := svc.Confirm(ctx, a); coaching.ErrorCode(err) != coaching.EForbidden {
			t.Fatalf("another user confirming: err = %v, want forbidden", err)
		}
		a.ActorID = "UREP"
		if _, err := svc.Confirm(ctx, a); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Rate(ctx, a, 4); err != nil {
			t.Fatal(err)
		}
		d := oneOnOne("UREP")
		d.DurationMin = 45
		edited, err := svc.EditSession(ctx, coaching.EditRequest{ActorID: "UMGR", SessionID: s.ID, Version: 1, Draft: d, Key: "e1"})
		if err != nil {
			t.Fatal(err)
		}
		r, _ := edited.Rep("UREP")
		if edited.Version != 2 || r.Status != coaching.StatusPending || r.Rating != 0 || r.ChangeNote == "" {
			t.Fatalf("after edit of duration: version %d rep %+v", edited.Version, r)
		}
		if _, err := svc.Confirm(ctx, a); coaching.ErrorCode(err) != coaching.EStale {
			t.Fatalf("stale confirm: err = %v, want stale", err)
		}
		if _, err := svc.UndoSession(ctx, "UREP", s.ID); coaching.ErrorCode(err) != coaching.EForbidden {
			t.Fatalf("rep undoing: err = %v", err)
		}
		if _, err := svc.UndoSession(ctx, "UMGR", s.ID); err != nil {
			t.Fatal(err)
		}
		hist, err := st.ManagerSessions(ctx, "UMGR", "", 10)
		if err != nil || len(hist) != 0 {
			t.Fatalf("history after undo = %v, %v", hist, err)
		}
	})
}

// A rating offered as the first (the rep's App Home, RepAction.Unrated)
// is stored on an unrated session, and its repeat changes nothing; on a
// session rated meanwhile (in the DM) it is refused, ERated, and the
// rating given stands, with no DM update queued. The DM's own rating
// buttons change a rating freely.
func TestAFirstRatingNeverOverwritesOneGivenMeanwhile(t *testing.T) {
	for _, tt := range []struct {
		name    string
		before  int // the rating given first, in the DM; 0: none
		unrated bool
		rating  int
		code    string
		want    int
		updates int // DM updates the rating queued
	}{
		{"first rating from the Home", 0, true, 4, "", 4, 1},
		{"the Home's rating again", 4, true, 4, "", 4, 0},
		{"the Home after a rating in the DM", 2, true, 4, coaching.ERated, 2, 0},
		{"the DM changes its rating", 2, false, 4, "", 4, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
				ctx := context.Background()
				svc, st, _ := newServiceOn(t, db)
				s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UREP"), Key: "k1"})
				if err != nil {
					t.Fatal(err)
				}
				a := coaching.RepAction{ActorID: "UREP", SessionID: s.ID, RepID: "UREP", Version: 1}
				if _, err := svc.Confirm(ctx, a); err != nil {
					t.Fatal(err)
				}
				if tt.before > 0 {
					if _, err := svc.Rate(ctx, a, tt.before); err != nil {
						t.Fatal(err)
					}
				}
				key := fmt.Sprintf("rep_dm:%d:UREP", s.ID)
				before, err := st.PendingUpdates(ctx, key)
				if err != nil {
					t.Fatal(err)
				}
				a.Unrated = tt.unrated
				_, err = svc.Rate(ctx, a, tt.rating)
				if got := coaching.ErrorCode(err); got != tt.code || (tt.code == "") != (err == nil) {
					t.Fatalf("rate %d: err = %v, want code %q", tt.rating, err, tt.code)
				}
				if tt.code == coaching.ERated && !strings.Contains(coaching.ErrorMessage(err), "2/5") {
					t.Errorf("the refusal %q does not name the rating that stands", coaching.ErrorMessage(err))
				}
				got, err := st.Session(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				if r, _ := got.Rep("UREP"); r.Rating != tt.want {
					t.Errorf("rating stored = %d, want %d", r.Rating, tt.want)
				}
				after, err := st.PendingUpdates(ctx, key)
				if err != nil {
					t.Fatal(err)
				}
				if n := len(after) - len(before); n != tt.updates {
					t.Errorf("%d DM updates queued by the rating, want %d", n, tt.updates)
				}
			})
		})
	}
}

// A rep who disputed is asked again after any edit; a rep who confirmed
// keeps their answer through an edit of the notes.
func TestAnEditAfterADisputeAsksAgain(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, _ := newServiceOn(t, db)
		d := oneOnOne("UANA", "UBEN")
		d.Kind = coaching.KindTeamMeeting
		s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: d, Key: "k1"})
		if err != nil {
			t.Fatal(err)
		}
		ana := coaching.RepAction{ActorID: "UANA", SessionID: s.ID, RepID: "UANA", Version: 1}
		ben := coaching.RepAction{ActorID: "UBEN", SessionID: s.ID, RepID: "UBEN", Version: 1}
		if _, err := svc.Dispute(ctx, ana, "we never met"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Confirm(ctx, ben); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Rate(ctx, ben, 5); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name, notes, note string
			version           int
		}{
			{"notes edited", "we met on Tuesday", "notes", 2},
			{"saved with nothing changed", "we met on Tuesday", "looked at again, nothing changed", 3},
		} {
			t.Run(tt.name, func(t *testing.T) {
				d.Notes = tt.notes
				cur, err := st.Session(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				edited, err := svc.EditSession(ctx, coaching.EditRequest{ActorID: "UMGR", SessionID: s.ID, Version: cur.Version, Draft: d, Key: "e" + tt.name})
				if err != nil {
					t.Fatal(err)
				}
				a, _ := edited.Rep("UANA")
				b, _ := edited.Rep("UBEN")
				if edited.Version != tt.version || a.Status != coaching.StatusPending || a.ChangeNote != tt.note || a.DisputeReason != "" {
					t.Errorf("the disputing rep after the edit: version %d, %+v", edited.Version, a)
				}
				if b.Status != coaching.StatusConfirmed || b.Rating != 5 {
					t.Errorf("the confirming rep after the edit: %+v", b)
				}
				if _, err := svc.Confirm(ctx, ana); coaching.ErrorCode(err) != coaching.EStale {
					t.Errorf("a click on the DM before the edit: err = %v, want stale", err)
				}
				ana.Version = edited.Version
				if _, err := svc.Dispute(ctx, ana, "still wrong"); err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}

// A NUL typed or pasted into a note, a commitment, a comment or a dispute
// reason is dropped: PostgreSQL refuses it in text, and the save failed
// there with nothing said but "something went wrong".
func TestANulInWhatPeopleTypeIsDroppedOnEveryEngine(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, _, _ := newServiceOn(t, db)
		d := oneOnOne("UREP")
		d.Notes, d.Commitments = "pricing\x00 slipped", []string{"send\x00 the deck", "\x00"}
		s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: d, Key: "k1"})
		if err != nil {
			t.Fatalf("log with a NUL in the notes: %v", err)
		}
		a := coaching.RepAction{ActorID: "UREP", SessionID: s.ID, RepID: "UREP", Version: 1}
		if _, err := svc.Confirm(ctx, a); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Comment(ctx, a, "useful\x00"); err != nil {
			t.Fatalf("comment with a NUL: %v", err)
		}
		got, err := svc.Session(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := got.Rep("UREP")
		if got.Notes != "pricing slipped" || r.Comment != "useful" {
			t.Errorf("notes %q, comment %q; want the NULs dropped", got.Notes, r.Comment)
		}
		var texts []string
		for _, c := range got.Commitments {
			texts = append(texts, c.Text)
		}
		if !slices.Equal(texts, []string{"send the deck"}) {
			t.Errorf("commitments %q, want the NUL dropped and an empty line gone", texts)
		}

		s2, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UREP"), Key: "k2"})
		if err != nil {
			t.Fatal(err)
		}
		a2 := coaching.RepAction{ActorID: "UREP", SessionID: s2.ID, RepID: "UREP", Version: 1}
		if _, err := svc.Dispute(ctx, a2, "never\x00 met"); err != nil {
			t.Fatalf("dispute with a NUL in the reason: %v", err)
		}
	})
}

// A session more than a year old can still be edited where the edit keeps
// its date: its notes, or the re-ask a rep's dispute calls for. The date
// passed when the session was saved; judged against today again, no save
// of it was possible. A date the edit changes is judged in full.
func TestASessionOverAYearOldCanBeEditedKeepingItsDate(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, clk := newServiceOn(t, db)
		d := oneOnOne("UREP") // 2026-11-25, the day before the clock's
		s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: d, Key: "k1"})
		if err != nil {
			t.Fatal(err)
		}
		clk.t = clk.t.AddDate(1, 1, 0) // 2026-12-26: 13 months on
		rep := coaching.RepAction{ActorID: "UREP", SessionID: s.ID, RepID: "UREP", Version: 1}
		if _, err := svc.Dispute(ctx, rep, "it was 20 minutes"); err != nil {
			t.Fatal(err)
		}
		for i, tc := range []struct {
			name    string
			edit    func(d *coaching.Draft)
			refused string // the date's field error; empty: saved
		}{
			{"the notes, answering the dispute", func(d *coaching.Draft) { d.Notes = "20 minutes on discovery" }, ""},
			{"the commitments", func(d *coaching.Draft) { d.Commitments = []string{"Send recap"} }, ""},
			{"the date, to another over a year ago", func(d *coaching.Draft) { d.OccurredOn = day("2026-11-20") }, "The date is more than a year ago: the earliest you can log is Sat 26 Dec 2026."},
			{"the date, to one in the future", func(d *coaching.Draft) { d.OccurredOn = day("2027-12-27") }, "The date can't be in the future (today is Sun 26 Dec 2027)."},
			{"the date, to a year ago to the day", func(d *coaching.Draft) { d.OccurredOn = day("2026-12-26") }, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := d
				tc.edit(&e)
				cur, edited, err := editAsItStands(t, svc, st, s.ID, e, fmt.Sprintf("e%d", i))
				if tc.refused == "" {
					if err != nil {
						t.Fatalf("edit refused: %v", err)
					}
					d = e
					if r, _ := edited.Rep("UREP"); edited.OccurredOn != e.OccurredOn || edited.Notes != e.Notes || r.Status != coaching.StatusPending {
						t.Errorf("saved %s %q, the rep %s; want %s %q, asked again", edited.OccurredOn, edited.Notes, r.Status, e.OccurredOn, e.Notes)
					}
					return
				}
				if fe, _ := coaching.FieldErrorsOf(err); fe[coaching.FieldDate] != tc.refused {
					t.Errorf("edit: %v; want the date refused: %q", err, tc.refused)
				}
				if after, _ := st.Session(ctx, s.ID); after.OccurredOn != cur.OccurredOn || after.Version != cur.Version {
					t.Errorf("a refused edit changed the session: %s v%d, was %s v%d", after.OccurredOn, after.Version, cur.OccurredOn, cur.Version)
				}
			})
		}
	})
}

// editAsItStands submits Max's edit of session id to e, at the version
// the session has now, as his edit form would; cur is the session before.
func editAsItStands(t *testing.T, svc *coaching.Service, st *sqlite.Store, id int64, e coaching.Draft, key string) (cur, edited coaching.Session, err error) {
	t.Helper()
	ctx := context.Background()
	cur, err = st.Session(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	edited, err = svc.EditSession(ctx, coaching.EditRequest{ActorID: "UMGR", SessionID: id, Version: cur.Version, Draft: e, Key: key})
	return cur, edited, err
}

// An edit judges again only what it changes against how things stand
// today: a rep deactivated since the session (they left the company) or
// a focus skill retired from COACHLOG_SKILLS does not make every later
// correction of it impossible, the re-ask of a dispute included. A rep or
// skill the edit adds is judged in full.
func TestAnEditKeepingAGoneRepOrARetiredSkillIsSaved(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, clk := newServiceOn(t, db)
		d := oneOnOne("UREP")
		d.Skills = []string{"closing"}
		s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: d, Key: "k1"})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"UREP", "UGONE"} {
			if err := svc.ProfileChanged(ctx, coaching.Person{ID: id, Name: id, Deleted: true}); err != nil {
				t.Fatal(err)
			}
		}
		// "closing" is no longer configured.
		svc = coaching.NewService(coaching.Config{Store: st, Now: clk.Now, Skills: []coaching.Skill{{ID: "discovery", Label: "Discovery"}}})
		for i, tc := range []struct {
			name    string
			edit    func(d *coaching.Draft)
			field   coaching.Field // the field refused; empty: saved
			refused string
		}{
			{"the notes", func(d *coaching.Draft) { d.Notes = "20 minutes on discovery" }, "", ""},
			{"a skill still configured added", func(d *coaching.Draft) { d.Skills = []string{"closing", "discovery"} }, "", ""},
			{"a retired skill added", func(d *coaching.Draft) { d.Skills = []string{"closing", "negotiation"} }, coaching.FieldSkills, `"negotiation" is not a known focus skill.`},
			{"a deactivated rep added", func(d *coaching.Draft) {
				d.Kind, d.RepIDs = coaching.KindTeamMeeting, []string{"UREP", "UGONE"}
			}, coaching.FieldReps, "UGONE is deactivated in Slack."},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := d
				tc.edit(&e)
				cur, edited, err := editAsItStands(t, svc, st, s.ID, e, fmt.Sprintf("g%d", i))
				if tc.field == "" {
					if err != nil {
						t.Fatalf("edit refused: %v", err)
					}
					d = e
					if edited.Notes != e.Notes || !slices.Equal(edited.Skills, e.Skills) {
						t.Errorf("saved %q %v; want %q %v", edited.Notes, edited.Skills, e.Notes, e.Skills)
					}
					return
				}
				if fe, _ := coaching.FieldErrorsOf(err); fe[tc.field] != tc.refused {
					t.Errorf("edit: %v; want %s refused: %q", err, tc.field, tc.refused)
				}
				if after, _ := st.Session(ctx, s.ID); after.Version != cur.Version {
					t.Errorf("a refused edit changed the session: v%d, was v%d", after.Version, cur.Version)
				}
			})
		}
	})
}
