package assist_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/assist"
	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/llm"
	"github.com/coachlog/coachlog/internal/metrics"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// org is Vera (leader) above Max and Ned, and Leo (leader) above Mia; Max
// coaches Sam and Ria, Ned coaches Zoe, Mia coaches Tom. The week is
// 2026-W48.
func org(t *testing.T) (*coaching.Service, *sqlite.Store, *metrics.Engine) {
	t.Helper()
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), sqlite.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p := func(id, name, role, manager string) coaching.Person {
		return coaching.Person{ID: id, Name: name, Roles: []string{role}, ManagerID: manager, TZ: "UTC"}
	}
	if _, err := st.ImportRoster(context.Background(), []coaching.Person{
		p("UVERA", "Vera Lind", "leader", ""), p("UMAX", "Max Power", "manager", "UVERA"), p("USAM", "Sam Okafor", "rep", "UMAX"),
		p("URIA", "Ria Sen", "rep", "UMAX"), p("ULEO", "Leo Brandt", "leader", ""), p("UMIA", "Mia Wong", "manager", "ULEO"),
		p("UTOM", "Tom Hale", "rep", "UMIA"), p("UNED", "Ned Ames", "manager", "UVERA"), p("UZOE", "Zoe Park", "rep", "UNED"),
	}, coaching.Date{Year: 2026, Month: 11, Day: 1}); err != nil {
		t.Fatal(err)
	}
	svc := coaching.NewService(coaching.Config{Store: st, Now: clock})
	return svc, st, metrics.New(metrics.Config{Store: st, Now: clock})
}

func TestNarrativeInputIsEachLeadersWeekWithoutAName(t *testing.T) {
	svc, st, engine := org(t)
	ctx := context.Background()
	day := func(d int) coaching.Date { return coaching.Date{Year: 2026, Month: 11, Day: d} }
	n := 0
	log := func(manager string, d coaching.Draft) coaching.Session {
		n++
		s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: manager, Draft: d, Key: string(rune('a' + n))})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	log("UMAX", coaching.Draft{RepIDs: []string{"USAM", "URIA"}, Kind: coaching.KindTeamMeeting, OccurredOn: day(24), DurationMin: 60,
		Skills: []string{"discovery"}, Notes: "Sam Okafor led the pricing drill", Visibility: coaching.VisibilityShared,
		Commitments: []string{"rework the deck"}})
	log("UMAX", coaching.Draft{RepIDs: []string{"USAM"}, Kind: coaching.KindOneOnOne, OccurredOn: day(26), DurationMin: 30,
		Skills: []string{"discovery", "closing"}, Notes: "private worries"})
	log("UMAX", coaching.Draft{RepIDs: []string{"URIA"}, Kind: coaching.KindOneOnOne, OccurredOn: day(16), DurationMin: 30}) // the week before
	log("UMIA", coaching.Draft{RepIDs: []string{"UTOM"}, Kind: coaching.KindDealReview, OccurredOn: day(25), DurationMin: 45})
	log("UNED", coaching.Draft{RepIDs: []string{"UZOE"}, Kind: coaching.KindOneOnOne, OccurredOn: day(17), DurationMin: 30}) // the week before

	week := coaching.Week{Year: 2026, Week: 48}
	r, err := engine.Run(ctx, metrics.WeekPeriod(week), metrics.Options{Summary: true})
	if err != nil {
		t.Fatal(err)
	}
	n2 := &assist.Narrator{Store: st, Skills: coaching.DefaultSkills()}
	in, err := n2.Input(ctx, week, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Leaders) != 2 || in.Leaders[0].LeaderID != "ULEO" || in.Leaders[1].LeaderID != "UVERA" {
		t.Fatalf("leaders %+v, want Leo and Vera, by name", in.Leaders)
	}
	vera := in.Leaders[1]
	// Ned, below Vera too, logged nothing this week: the week's sessions
	// are by one manager, as the digest's headline counts them.
	if vera.ManagersCoaching != 1 || vera.Sessions != 2 || vera.Minutes != 90 || vera.CommitmentsMade != 2 || vera.CommitmentsOpen != 2 {
		t.Errorf("Vera's week %+v", vera)
	}
	if !slices.Equal(vera.Skills, []llm.Count{{Label: "Discovery", N: 2}, {Label: "Closing", N: 1}}) ||
		!slices.Equal(vera.Kinds, []llm.Count{{Label: "1:1", N: 1}, {Label: "Team meeting", N: 1}}) {
		t.Errorf("Vera's skills %v and kinds %v", vera.Skills, vera.Kinds)
	}
	if len(vera.Notes) != 2 || vera.Notes[0].Visibility != coaching.VisibilityShared || vera.Notes[1].Visibility != coaching.VisibilityPrivate {
		t.Errorf("Vera's notes %+v: want both, with their visibility (llm sends only the shared one)", vera.Notes)
	}
	// Every name is kept out of every narrative: Vera's channel must not
	// read of Tom, in Leo's tree, nor of Leo.
	if want := []string{"Leo Brandt", "Max Power", "Mia Wong", "Ned Ames", "Ria Sen", "Sam Okafor", "Tom Hale", "Vera Lind", "Zoe Park"}; !slices.Equal(in.Names, want) {
		t.Errorf("names kept out of the narratives %v, want %v", in.Names, want)
	}
	if leo := in.Leaders[0]; leo.Sessions != 1 || len(leo.Notes) != 0 {
		t.Errorf("Leo's week %+v", leo)
	}
}
