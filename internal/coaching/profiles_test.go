package coaching_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// directory is a Slack directory in memory. People in slow never answer:
// their look-ups wait for the caller's deadline.
type directory struct {
	mu             sync.Mutex
	people         map[string]coaching.Person
	slow           map[string]bool
	limited        map[string]time.Time // Slack asks to slow down until then
	inFlight, peak int
	calls          int
	// onRead, when set, runs while a look-up is on its way, before Slack's
	// answer reaches the caller: a user_change landing meanwhile.
	onRead func(id string)
}

func (d *directory) UserInfo(ctx context.Context, id string) (coaching.Person, error) {
	d.mu.Lock()
	d.calls++
	d.inFlight++
	d.peak = max(d.peak, d.inFlight)
	p, ok := d.people[id]
	slow := d.slow[id]
	until, limited := d.limited[id]
	onRead := d.onRead
	d.mu.Unlock()
	defer func() { d.mu.Lock(); d.inFlight--; d.mu.Unlock() }()
	if onRead != nil {
		onRead(id)
	}
	if slow {
		<-ctx.Done()
		return coaching.Person{}, ctx.Err()
	}
	if limited {
		return coaching.Person{}, &coaching.RateLimited{Until: until}
	}
	if !ok {
		return coaching.Person{}, coaching.Errorf(coaching.ENotFound, "%s is not a member", id)
	}
	return p, nil
}

// stats returns the most look-ups seen at once and the number of calls.
func (d *directory) stats() (peak, calls int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.peak, d.calls
}

func (d *directory) reset() {
	d.mu.Lock()
	d.peak, d.calls = 0, 0
	d.mu.Unlock()
}

func newServiceWithDirectory(t *testing.T, dir *directory) (*coaching.Service, *sqlite.Store, *clock) {
	t.Helper()
	return newServiceWithDirectoryOn(t, migratedDB(t), dir)
}

// newServiceWithDirectoryOn is newServiceWithDirectory on db, a SQLite
// path or a PostgreSQL URL.
func newServiceWithDirectoryOn(t *testing.T, db string, dir *directory) (*coaching.Service, *sqlite.Store, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)}
	st, err := sqlite.Open(context.Background(), db, sqlite.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := coaching.NewService(coaching.Config{Store: st, Directory: dir, Now: clk.Now, LookupBudget: 50 * time.Millisecond})
	return svc, st, clk
}

func TestRepsAreCheckedWithSlackAtSubmission(t *testing.T) {
	ctx := context.Background()
	dir := &directory{
		people: map[string]coaching.Person{
			"UMGR": {Name: "Max"}, "UANA": {Name: "Ana"}, "UBEN": {Name: "Ben"},
			"UBOT": {Name: "<!channel> Robot", IsBot: true}, "UGONE": {Name: "Gone", Deleted: true},
			"UEXT": {Name: "Pat Partner", External: true},
		},
		slow: map[string]bool{"USLOW": true, "USLOW2": true, "UROSTER": true},
	}
	svc, st, _ := newServiceWithDirectory(t, dir)
	if _, err := st.ImportRoster(ctx, []coaching.Person{{ID: "UROSTER", Name: "Rosa", Roles: []string{"rep"}}, {ID: "UROSTER2", Name: "Ros", Roles: []string{"rep"}}}, day("2026-11-01")); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		reps []string
		want string // a part of the reps error; "" when logged
	}{
		{"people", []string{"UANA"}, ""},
		{"an app never seen", []string{"UBOT"}, "<!channel> Robot is an app"},
		{"a deactivated account never seen", []string{"UANA", "UGONE"}, "Gone is deactivated"},
		{"someone of another organisation", []string{"UEXT"}, "Pat Partner is outside your company (Slack Connect) and can't be logged as a rep"},
		{"one of a team from another organisation", []string{"UANA", "UEXT"}, "Pat Partner is outside your company"},
		{"no such member", []string{"UNOBODY"}, "not a member"},
		{"Slack too slow for someone never seen", []string{"UBEN", "USLOW"}, "try again"},
		{"Slack too slow for someone in the roster", []string{"UROSTER"}, ""},
		{"no such member, says Slack of someone in the roster", []string{"UROSTER2"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := oneOnOne(tt.reps...)
			d.Kind = coaching.KindTeamMeeting
			_, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: d, Key: tt.name})
			fe, _ := coaching.FieldErrorsOf(err)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("err = %v, want it logged", err)
			case tt.want != "" && !strings.Contains(fe[coaching.FieldReps], tt.want):
				t.Fatalf("err = %v, want a reps error saying %q", err, tt.want)
			}
		})
	}
	if p, err := st.Person(ctx, "UBOT"); err != nil || !p.IsBot {
		t.Errorf("the app's profile was not kept: %+v %v", p, err)
	}

	// Look-ups run side by side: two slow people cost one budget, not two.
	dir.reset()
	d := oneOnOne("USLOW", "USLOW2")
	d.Kind = coaching.KindTeamMeeting
	if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: d, Key: "two slow"}); err == nil {
		t.Fatal("two reps Slack could not say anything about were logged")
	}
	if peak, _ := dir.stats(); peak != 2 {
		t.Errorf("%d look-ups ran at once, want both", peak)
	}

	// A profile read lately is trusted without asking Slack again.
	dir.reset()
	if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UANA"), Key: "again"}); err != nil {
		t.Fatal(err)
	}
	if _, calls := dir.stats(); calls != 0 {
		t.Errorf("%d look-ups for people read minutes ago", calls)
	}
}

// A rep Slack is asked about at submission is judged on the person as
// stored: the name the roster gave, not Slack's, names them in the form's
// error, as in every other place Coachlog names someone (README, "The
// roster": a name the roster gives stays until a roster changes it).
// Where the roster gave none, Slack's is the name.
func TestASubmissionNamesARepAsTheRosterDoes(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		dir := &directory{people: map[string]coaching.Person{
			"UMGR":  {Name: "Max"},
			"UROSA": {Name: "rosa.d", Email: "rosa@acme.com", Deleted: true},
			"URAY":  {Name: "Ray S.", Deleted: true},
			"UBOT":  {Name: "Helper Bot", IsBot: true},
		}}
		svc, st, clk := newServiceWithDirectoryOn(t, db, dir)
		// Imported without a Slack token: never read from Slack, so the
		// submission asks.
		if _, err := st.ImportRoster(ctx, []coaching.Person{
			{ID: "UMGR", Name: "Max", RosterNamed: true, Roles: []string{"manager"}},
			{ID: "UROSA", Name: "Rosa Delgado", RosterNamed: true, Roles: []string{"rep"}, ManagerID: "UMGR"},
			{ID: "URAY", Roles: []string{"rep"}, ManagerID: "UMGR"},
			{ID: "UBOT", Name: "Bea (ops)", RosterNamed: true, Roles: []string{"rep"}, ManagerID: "UMGR"},
		}, coaching.DateOf(clk.t, time.UTC)); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			rep, want string
		}{
			{"UROSA", "Rosa Delgado is deactivated in Slack"},
			{"URAY", "Ray S. is deactivated in Slack"},
			{"UBOT", "Bea (ops) is an app"},
		} {
			t.Run(tt.rep, func(t *testing.T) {
				_, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne(tt.rep), Key: tt.rep})
				fe, _ := coaching.FieldErrorsOf(err)
				if !strings.Contains(fe[coaching.FieldReps], tt.want) {
					t.Fatalf("err = %v, want a reps error saying %q", err, tt.want)
				}
			})
		}
		// The roster's name stays stored, beside Slack's email.
		if p, err := st.Person(ctx, "UROSA"); err != nil || p.Name != "Rosa Delgado" || p.Email != "rosa@acme.com" || !p.InRoster {
			t.Errorf("Rosa stored as %+v, %v", p, err)
		}
	})
}

// A submission is judged on the newest profile of a rep, Slack's answer or
// a user_change stored while that answer was on its way: Ana was
// deactivated after Slack made the answer that says she is active, so she
// can't be logged with, and the store keeps her deactivated. A user_change
// older than the answer loses to it.
func TestASubmissionIsJudgedOnTheNewestProfile(t *testing.T) {
	for _, tc := range []struct {
		name      string
		changedBy time.Duration // the user_change's time, from Slack's answer
		want      string        // a part of the reps error; "" when logged
	}{
		{"deactivated after the answer", time.Minute, "Ana is deactivated"},
		{"deactivated before the answer, back since", -time.Minute, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			dir := &directory{people: map[string]coaching.Person{"UMGR": {Name: "Max"}}}
			svc, st, clk := newServiceWithDirectory(t, dir)
			answered := clk.Now().Add(-time.Hour)
			dir.people["UANA"] = coaching.Person{Name: "Ana", ProfileAt: answered}
			changed := coaching.Person{ID: "UANA", Name: "Ana", Deleted: true, ProfileAt: answered.Add(tc.changedBy)}
			dir.onRead = func(id string) {
				if id != "UANA" {
					return
				}
				if err := svc.ProfileChanged(ctx, changed); err != nil {
					t.Errorf("user_change: %v", err)
				}
			}
			_, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UANA"), Key: tc.name})
			fe, _ := coaching.FieldErrorsOf(err)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("err = %v, want it logged", err)
			case tc.want != "" && !strings.Contains(fe[coaching.FieldReps], tc.want):
				t.Fatalf("err = %v, want a reps error saying %q", err, tc.want)
			}
			p, err := st.Person(ctx, "UANA")
			if wantDeleted := tc.want != ""; err != nil || p.Deleted != wantDeleted {
				t.Errorf("Ana stored as %+v, %v; want deleted %v", p, err, wantDeleted)
			}
		})
	}
}

// Someone of another organisation (a Slack Connect user) is not the
// company's manager: what they log is refused whole, nothing is stored and
// no rep is DMed. A manager's profile read more than a week ago is read
// again, so one read before Slack said where they belong is judged anew.
func TestSomeoneOfAnotherOrganisationMayNotLog(t *testing.T) {
	ctx := context.Background()
	dir := &directory{people: map[string]coaching.Person{
		"UMGR": {Name: "Max"}, "UANA": {Name: "Ana"}, "UEXT": {Name: "Pat Partner", External: true},
	}}
	svc, st, clk := newServiceWithDirectory(t, dir)
	refused := func(manager, key string) {
		t.Helper()
		_, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: manager, Draft: oneOnOne("UANA"), Key: key})
		if coaching.ErrorCode(err) != coaching.EForbidden || !strings.Contains(coaching.ErrorMessage(err), "outside this company (Slack Connect)") {
			t.Fatalf("%s logging: err = %v, want a refusal saying they are outside the company", manager, err)
		}
	}
	refused("UEXT", "first")
	if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UANA"), Key: "max"}); err != nil {
		t.Fatal(err)
	}
	// Max's profile, read as the company's, turns out to be another
	// organisation's: his account moved to a partner's workspace.
	dir.mu.Lock()
	dir.people["UMGR"] = coaching.Person{Name: "Max", External: true}
	dir.mu.Unlock()
	clk.t = clk.t.Add(8 * 24 * time.Hour)
	refused("UMGR", "moved")
	if stats, err := st.OutboxStats(ctx, time.Time{}); err != nil || stats.Pending != 1 {
		t.Errorf("outbox = %+v, %v; want Ana's DM of Max's first session only", stats, err)
	}
}

// A retry of a logged submission gets its session back, even when the form
// would be refused now: the rep's account was deactivated since.
func TestARedeliveredSubmissionGetsItsSessionBack(t *testing.T) {
	ctx := context.Background()
	dir := &directory{people: map[string]coaching.Person{"UMGR": {Name: "Max"}, "UANA": {Name: "Ana"}}}
	svc, _, clk := newServiceWithDirectory(t, dir)
	req := coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UANA"), Key: "view:V1"}
	first, err := svc.LogSession(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	dir.mu.Lock()
	dir.people["UANA"] = coaching.Person{Name: "Ana", Deleted: true}
	dir.mu.Unlock()
	clk.t = clk.t.Add(8 * 24 * time.Hour) // Ana's profile is read again

	req.Redelivery = true
	again, err := svc.LogSession(ctx, req)
	if err != nil || again.ID != first.ID {
		t.Fatalf("retry = session %d, %v; want session %d back", again.ID, err, first.ID)
	}
	// The same form as a new submission is judged on today's profile.
	req.Key, req.Redelivery = "view:V2", false
	if _, err := svc.LogSession(ctx, req); err == nil {
		t.Fatal("a deactivated rep was logged")
	}
}

// racingStore's reads miss every submission, as the read before
// validation does when a retry arrives while its first delivery is still
// being saved.
type racingStore struct{ *sqlite.Store }

func (racingStore) SubmissionSession(context.Context, string) (int64, bool, error) {
	return 0, false, nil
}

// An edit's retry racing its first delivery gets the session as saved,
// not "this session changed since you opened the form" from the version
// its own first delivery bumped, and the edit is applied once.
func TestAnEditSavedMeanwhileGetsItsSessionBack(t *testing.T) {
	ctx := context.Background()
	_, st, clk := newService(t)
	svc := coaching.NewService(coaching.Config{Store: racingStore{st}, Now: clk.Now})
	s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UREP"), Key: "view:V1"})
	if err != nil {
		t.Fatal(err)
	}
	d := oneOnOne("UREP")
	d.DurationMin = 50
	req := coaching.EditRequest{ActorID: "UMGR", SessionID: s.ID, Version: s.Version, Draft: d, Key: "view:V2"}
	first, err := svc.EditSession(ctx, req)
	if err != nil || first.Version != 2 {
		t.Fatalf("edit = version %d, %v", first.Version, err)
	}
	for _, redelivered := range []bool{false, true} {
		req.Redelivery = redelivered
		again, err := svc.EditSession(ctx, req)
		if err != nil || again.ID != s.ID || again.Version != 2 || again.DurationMin != 50 {
			t.Fatalf("the same edit again (retry %v) = version %d, %v; want the session as saved", redelivered, again.Version, err)
		}
	}
	// The rep's DM, and one update of it for the one edit applied.
	if stats, err := st.OutboxStats(ctx, time.Time{}); err != nil || stats.Pending != 2 {
		t.Errorf("outbox = %+v, %v; want the DM and one update", stats, err)
	}
}

// Someone Slack has never vouched for is not let through because Slack
// could not answer: a partner's user in a shared channel, while users.info
// fails, would log a session, DM the company's rep and get the rep's
// answers back. A manager the roster names, or whose profile was read
// before, is judged on that, as a rep is.
func TestAManagerSlackCannotVouchForMayNotLog(t *testing.T) {
	ctx := context.Background()
	dir := &directory{
		people: map[string]coaching.Person{"UMGR": {Name: "Max"}, "UANA": {Name: "Ana"}, "UEXT": {Name: "Pat Partner", External: true}},
		slow:   map[string]bool{},
	}
	svc, st, clk := newServiceWithDirectory(t, dir)
	if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UANA"), Key: "max read"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportRoster(ctx, []coaching.Person{{ID: "URST", Name: "Rosa", Roles: []string{"manager"}, Active: true, InRoster: true}}, coaching.DateOf(clk.t, time.UTC)); err != nil {
		t.Fatal(err)
	}
	clk.t = clk.t.Add(8 * 24 * time.Hour) // every profile is due a refresh
	dir.mu.Lock()
	for _, id := range []string{"UMGR", "UEXT", "URST"} {
		dir.slow[id] = true
	}
	dir.mu.Unlock()
	for _, tc := range []struct{ manager, why, code, says string }{
		{"UEXT", "never read, Slack slow", coaching.EBusy, "try again"},
		{"UNOBODY", "never read, not a member", coaching.EForbidden, "does not list you as a member"},
	} {
		_, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: tc.manager, Draft: oneOnOne("UANA"), Key: tc.manager})
		if coaching.ErrorCode(err) != tc.code || !strings.Contains(coaching.ErrorMessage(err), tc.says) {
			t.Errorf("%s (%s): err = %v, want a %s refusal saying %q", tc.manager, tc.why, err, tc.code, tc.says)
		}
	}
	for _, manager := range []string{"UMGR", "URST"} {
		if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: manager, Draft: oneOnOne("UANA"), Key: manager}); err != nil {
			t.Errorf("%s, vouched for before, logging while Slack is slow: %v", manager, err)
		}
	}
	if stats, err := st.OutboxStats(ctx, time.Time{}); err != nil || stats.Pending != 3 {
		t.Errorf("outbox = %+v, %v; want Ana's DMs of Max's two sessions and Rosa's, none of the refused", stats, err)
	}
}

// Slack asking to slow down (users.info's rate limit) is not Slack
// failing: a save that could not check someone it names only for that
// says so, in words that tell the person nothing they typed is wrong, and
// says when the same draft may be tried again, so that a caller able to
// wait (a quick capture) can. Any other problem with the draft is said
// as usual, and a rep or manager vouched for before is judged on that.
func TestSlackAskingToSlowDownIsToldApartFromOtherFailures(t *testing.T) {
	ctx := context.Background()
	until := time.Date(2026, 11, 26, 15, 0, 3, 0, time.UTC)
	dir := &directory{
		people:  map[string]coaching.Person{"UMGR": {Name: "Max"}, "UANA": {Name: "Ana"}},
		slow:    map[string]bool{"USLOW": true},
		limited: map[string]time.Time{"UNEW": until, "UNEWMGR": until, "UROSTER": until},
	}
	svc, st, _ := newServiceWithDirectory(t, dir)
	if _, err := st.ImportRoster(ctx, []coaching.Person{{ID: "UROSTER", Name: "Rosa", Roles: []string{"rep"}}}, day("2026-11-01")); err != nil {
		t.Fatal(err)
	}
	log := func(manager string, d coaching.Draft) error {
		_, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: manager, Draft: d, Key: manager + strings.Join(d.RepIDs, ",")})
		return err
	}

	err := log("UMGR", oneOnOne("UNEW"))
	fe, _ := coaching.FieldErrorsOf(err)
	if at, ok := coaching.RateLimitedUntil(err); !ok || !at.Equal(until) || fe[coaching.FieldReps] != coaching.MsgRepsLimited {
		t.Errorf("a rep never seen, Slack asking to slow down: %v (until %v, %v), want rate limited until %v with the reps field saying so", err, at, ok, until)
	}
	err = log("UNEWMGR", oneOnOne("UANA"))
	if at, ok := coaching.RateLimitedUntil(err); !ok || !at.Equal(until) || coaching.ErrorCode(err) != coaching.EBusy || coaching.ErrorMessage(err) != coaching.MsgManagerLimited {
		t.Errorf("a manager never seen, Slack asking to slow down: %v, want rate limited until %v, busy, saying so", err, until)
	}
	// Something else wrong: said as usual, not to be tried again as it is.
	bad := oneOnOne("UNEW")
	bad.DurationMin = 0
	if err := log("UMGR", bad); isRateLimited(err) {
		t.Errorf("a draft with a bad duration came back as only rate limited: %v", err)
	}
	if err := log("UMGR", oneOnOne("UANA", "USLOW")); isRateLimited(err) || err == nil {
		t.Errorf("a rep Slack was slow about: %v, want refused, not as rate limited", err)
	}
	if err := log("UMGR", oneOnOne("UROSTER")); err != nil {
		t.Errorf("a rep in the roster, Slack asking to slow down: %v, want logged", err)
	}
}

func isRateLimited(err error) bool {
	_, ok := coaching.RateLimitedUntil(err)
	return ok
}

// nowDirectory is a directory that can read without waiting for Slack's
// rate limit (coaching.NowDirectory), which has no room now: UserInfoNow
// answers rate limited, and records whom it was asked about.
type nowDirectory struct {
	*directory
	mu  sync.Mutex
	now []string
}

func (d *nowDirectory) UserInfoNow(_ context.Context, id string) (coaching.Person, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.now = append(d.now, id)
	return coaching.Person{}, &coaching.RateLimited{Until: time.Date(2026, 11, 26, 15, 1, 0, 0, time.UTC)}
}

// A submission reads the profiles of people Coachlog vouches for already
// (the roster's, or read before) only if that costs no wait for Slack's
// rate limit: their read is a refresh, and they are judged on what is
// stored without it. Someone never seen is read, waiting for a slot,
// since nothing else can vouch for them. Waiting for a refresh made one
// submission in the shared harness wait 800 ms for its ack.
func TestARefreshOnTheAckPathDoesNotWaitForSlacksRateLimit(t *testing.T) {
	ctx := context.Background()
	dir := &nowDirectory{directory: &directory{people: map[string]coaching.Person{"UNEW": {Name: "Nia"}}}}
	clk := &clock{t: time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)}
	st, err := sqlite.Open(ctx, migratedDB(t), sqlite.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := coaching.NewService(coaching.Config{Store: st, Directory: dir, Now: clk.Now, LookupBudget: 50 * time.Millisecond})
	if _, err := st.ImportRoster(ctx, []coaching.Person{
		{ID: "UMGR", Name: "Max", Roles: []string{"manager"}}, {ID: "UROSA", Name: "Rosa", Roles: []string{"rep"}, ManagerID: "UMGR"},
	}, day("2026-11-01")); err != nil {
		t.Fatal(err)
	}
	d := oneOnOne("UROSA", "UNEW")
	d.Kind = coaching.KindTeamMeeting
	if _, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: d, Key: "k"}); err != nil {
		t.Fatalf("a session with a roster rep whose refresh had to wait: %v, want it logged", err)
	}
	dir.mu.Lock()
	asked := slices.Clone(dir.now)
	dir.mu.Unlock()
	slices.Sort(asked)
	if !slices.Equal(asked, []string{"UMGR", "UROSA"}) {
		t.Errorf("read only if at once: %v, want the roster's UMGR and UROSA", asked)
	}
	if _, calls := dir.stats(); calls != 1 {
		t.Errorf("%d reads that may wait, want 1: UNEW, never seen", calls)
	}
}
