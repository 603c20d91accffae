package metrics

import (
	"context"
	"errors"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
)

// repStore serves one rep's coaching from memory, filtered as a store
// would.
type repStore struct {
	coached []Coached
	err     error
	asked   [2]coaching.Date
}

func (s *repStore) RepCoached(_ context.Context, repID string, from, to coaching.Date) ([]Coached, coaching.Date, error) {
	s.asked = [2]coaching.Date{from, to}
	var out []Coached
	var last coaching.Date
	for _, c := range s.coached {
		if c.RepID != repID || c.On.After(to) {
			continue
		}
		if last.IsZero() || c.On.After(last) {
			last = c.On
		}
		if !c.On.Before(from) {
			out = append(out, c)
		}
	}
	return out, last, s.err
}

func TestRepTrendOverTheLastFourWeeksAndTheFourBefore(t *testing.T) {
	today := coaching.Date{Year: 2026, Month: 11, Day: 26}
	day := func(n int) coaching.Date { return today.AddDays(-n) }
	st := &repStore{coached: []Coached{
		{RepID: "R", On: day(0), Minutes: 30},
		{RepID: "R", On: day(27), Minutes: 15}, // a team meeting of 60 minutes with 4 reps: their share
		{RepID: "R", On: day(28), Minutes: 22.5},
		{RepID: "R", On: day(55), Minutes: 22.5},
		{RepID: "R", On: day(56), Minutes: 90}, // before both windows
		{RepID: "R", On: today.AddDays(1), Minutes: 45},
		{RepID: "OTHER", On: day(1), Minutes: 60},
	}}
	got, err := RepTrendOn(context.Background(), st, "R", today)
	if err != nil {
		t.Fatal(err)
	}
	want := RepTrend{Sessions: 2, Minutes: 45, PrevSessions: 2, PrevMinutes: 45, LastSession: today}
	if got != want {
		t.Errorf("trend %+v, want %+v", got, want)
	}
	if st.asked != [2]coaching.Date{day(55), today} {
		t.Errorf("asked the store for %v, want the 8 weeks ending today", st.asked)
	}

	st = &repStore{coached: []Coached{{RepID: "R", On: day(90), Minutes: 30}}}
	if got, _ := RepTrendOn(context.Background(), st, "R", today); got != (RepTrend{LastSession: day(90)}) {
		t.Errorf("a rep last coached 90 days ago: %+v", got)
	}
	if got, _ := RepTrendOn(context.Background(), &repStore{}, "R", today); got != (RepTrend{}) {
		t.Errorf("a rep never coached: %+v", got)
	}
	if _, err := RepTrendOn(context.Background(), &repStore{err: errors.New("disk")}, "R", today); err == nil {
		t.Error("a store error was swallowed")
	}
}
