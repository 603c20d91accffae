package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

type fakeJobs struct {
	mu      sync.Mutex
	calls   []string
	digests []time.Time
	block   chan struct{}
	started chan struct{} // closed when Nudges begins, if set
}

func (f *fakeJobs) record(name string) {
	f.mu.Lock()
	f.calls = append(f.calls, name)
	f.mu.Unlock()
}

func (f *fakeJobs) Nudges(context.Context, time.Time) error {
	if f.started != nil {
		close(f.started)
	}
	if f.block != nil {
		<-f.block
	}
	f.record("nudges")
	return nil
}
func (f *fakeJobs) Reminders(context.Context, time.Time) error { f.record("reminders"); return nil }
func (f *fakeJobs) Digest(_ context.Context, at time.Time) error {
	f.record("digest")
	f.mu.Lock()
	f.digests = append(f.digests, at)
	f.mu.Unlock()
	return nil
}

func TestDigestDueWithinTheGraceOnly(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	s, err := New(&fakeJobs{}, Config{DigestSpec: "0 8 * * MON", Loc: paris})
	if err != nil {
		t.Fatal(err)
	}
	monday8 := time.Date(2026, 11, 30, 8, 0, 0, 0, paris)
	for _, tt := range []struct {
		name string
		now  time.Time
		want bool
	}{
		{"a minute before", monday8.Add(-time.Minute), false},
		{"on time", monday8, true},
		{"the bot was down until Tuesday", monday8.Add(30 * time.Hour), true},
		{"just inside 48 hours", monday8.Add(48*time.Hour - time.Minute), true},
		{"past 48 hours: skipped for good", monday8.Add(48*time.Hour + time.Minute), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			at, ok := s.DigestDue(tt.now)
			if ok != tt.want || (ok && !at.Equal(monday8)) {
				t.Fatalf("DigestDue(%v) = %v, %v; want %v at %v", tt.now, at, ok, tt.want, monday8)
			}
		})
	}
}

// NextDigest reads the schedule on the organisation's wall clock, as
// DigestDue does, in winter time and in summer time alike.
func TestNextDigestIsOnTheOrganisationsWallClock(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	s, err := New(&fakeJobs{}, Config{DigestSpec: "0 8 * * MON", Loc: paris})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ after, want time.Time }{
		{time.Date(2026, 11, 29, 23, 59, 59, 0, paris), time.Date(2026, 11, 30, 8, 0, 0, 0, paris)},
		{time.Date(2026, 11, 30, 8, 0, 0, 0, paris), time.Date(2026, 12, 7, 8, 0, 0, 0, paris)},
		{time.Date(2027, 6, 6, 23, 0, 0, 0, time.UTC), time.Date(2027, 6, 7, 8, 0, 0, 0, paris)}, // 01:00 Monday in Paris
	} {
		if got, ok := s.NextDigest(tt.after); !ok || !got.Equal(tt.want) {
			t.Errorf("NextDigest(%v) = %v, %v; want %v", tt.after, got, ok, tt.want)
		}
	}
	if _, ok := (&Scheduler{}).NextDigest(time.Now()); ok {
		t.Error("a next digest with no schedule")
	}
}

func TestNoDigestWithoutASchedule(t *testing.T) {
	s, err := New(&fakeJobs{}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.DigestDue(time.Now()); ok {
		t.Fatal("a digest is due with no schedule")
	}
}

func TestABadDigestScheduleIsRefused(t *testing.T) {
	if _, err := New(&fakeJobs{}, Config{DigestSpec: "every monday"}); err == nil {
		t.Fatal("accepted a schedule that is not cron")
	}
}

// The job ledger holds one digest a week, claimed by the week's first run:
// a schedule that runs twice in some week (every day, Monday and Friday)
// would post the week so far on its first run and never the full week, so
// it is refused at start, whichever week it is that doubles up. A week
// is the one a run reports, the week of the day before it. Autumn's
// repeated hour is one run on the wall clock, as it is when the digest
// goes out.
func TestADigestScheduleRunningTwiceInAWeekIsRefused(t *testing.T) {
	for _, tt := range []struct {
		spec string
		ok   bool
	}{
		{"0 8 * * MON", true},
		{"@weekly", true},
		{"0 16 * * FRI", true},
		{"30 1 * * SUN", true}, // twice, an hour apart, on autumn's night in Europe: once on the wall clock
		{"0 8 1 1 *", true},    // once a year
		{"* * * * *", false},
		{"0 8 * * *", false},
		{"@daily", false},
		{"@hourly", false},
		{"0 8 * * MON,FRI", false},
		{"0 8 * * MON-FRI", false},
		{"0 8,20 * * MON", false},
		{"0 8 * * SUN,MON", false}, // Sunday's and Monday's both report the week ending that Sunday
		{"0 8 1 * MON", false},     // the first of the month and each Monday: twice when the first is not a Monday
		{"0 8 29 2 THU", false},    // February 29 and Thursdays: twice in 2028, when the 29th is a Tuesday
	} {
		t.Run(tt.spec, func(t *testing.T) {
			_, err := ParseDigestSpec(tt.spec)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseDigestSpec(%q) = %v; want accepted %v", tt.spec, err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "more than once in a week") {
				t.Errorf("ParseDigestSpec(%q) = %v; want it to say the schedule runs more than once in a week", tt.spec, err)
			}
		})
	}
}

// "@every 168h" is a week apart, but counted from whenever it is asked:
// looking back over the grace, its next run is always a week ahead, so a
// digest on it would never be due. It is refused at start, saying why.
func TestAnEveryDigestScheduleIsRefused(t *testing.T) {
	for _, tt := range []struct {
		spec     string
		neverDue bool // what it would do if accepted
	}{
		{"@every 168h", true},
		{"@every 336h", true},
		{"@every 1m", false}, // due, but more than once a week
	} {
		t.Run(tt.spec, func(t *testing.T) {
			_, err := ParseDigestSpec(tt.spec)
			if err == nil || !strings.Contains(err.Error(), "not on a day and time of the week") || !strings.Contains(err.Error(), "0 8 * * MON") {
				t.Fatalf("ParseDigestSpec(%q) = %v; want it refused as not on a day and time, with an example", tt.spec, err)
			}
			if !tt.neverDue {
				return
			}
			sched, err := cron.ParseStandard(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			s := &Scheduler{cfg: Config{Loc: time.UTC, DigestGrace: 48 * time.Hour}, digest: sched}
			start := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
			for now := start; now.Before(start.AddDate(0, 0, 56)); now = now.Add(time.Hour) {
				if at, ok := s.DigestDue(now); ok {
					t.Fatalf("%q would be due at %v (now %v): the refusal's reason no longer holds", tt.spec, at, now)
				}
			}
		})
	}
}

func TestTickRunsEachJobAndSkipsWhileAPassRuns(t *testing.T) {
	f := &fakeJobs{block: make(chan struct{}), started: make(chan struct{})}
	s, err := New(f, Config{DigestSpec: "0 8 * * MON"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	done := make(chan struct{})
	go func() { s.Tick(context.Background(), at); close(done) }()
	// A second tick while the first is blocked in Nudges does nothing. The
	// test waits on Nudges itself: probing the lock with TryLock could take
	// it for an instant and make the first Tick skip its pass.
	select {
	case <-f.started:
	case <-time.After(5 * time.Second):
		t.Fatal("timed out waiting for the first pass to start")
	}
	s.Tick(context.Background(), at)
	close(f.block)
	<-done
	if len(f.calls) != 3 || f.calls[0] != "nudges" || f.calls[1] != "reminders" || f.calls[2] != "digest" {
		t.Fatalf("calls = %v, want one pass: nudges, reminders, digest", f.calls)
	}
	if runs := s.Runs(); runs["nudges"] != 1 || runs["digest"] != 1 {
		t.Fatalf("runs = %v", runs)
	}
}

func TestStartCatchesUpAtOnce(t *testing.T) {
	f := &fakeJobs{}
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	s, err := New(f, Config{DigestSpec: "0 8 * * MON", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	wait(t, "the catch-up pass at start", s.Start(context.Background()))
	s.Stop()
	if len(f.digests) != 1 {
		t.Fatalf("digests caught up at start: %v, want one", f.digests)
	}
	if !f.digests[0].Equal(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("digest caught up for %v", f.digests[0])
	}
}

// Start's channel closes once the pass at start has finished, not when it
// begins, so that whoever starts the bot acts after that pass. When a
// tick's pass was running and the start's skipped, it closes once that
// pass has done the work.
func TestStartSaysWhenItsFirstPassHasFinished(t *testing.T) {
	for _, tickFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("a tick's pass running first: %v", tickFirst), func(t *testing.T) {
			f := &fakeJobs{block: make(chan struct{}), started: make(chan struct{})}
			logs := &lockedLog{}
			s, err := New(f, Config{Logger: slog.New(slog.NewTextHandler(logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			if tickFirst {
				go s.Tick(context.Background(), time.Now())
				wait(t, "the tick's pass to start", f.started)
			}
			first := s.Start(context.Background())
			// On a failure, the blocked pass is let go before Stop waits for it.
			release := sync.OnceFunc(func() { close(f.block) })
			t.Cleanup(s.Stop)
			t.Cleanup(release)
			if tickFirst {
				poll(t, "the pass at start to skip", func() bool { return strings.Contains(logs.String(), "scheduler pass skipped") })
			} else {
				wait(t, "the pass at start to begin", f.started)
			}
			select {
			case <-first:
				t.Fatal("Start's channel closed while a pass was still in Nudges")
			default:
			}
			release()
			wait(t, "the first pass to finish", first)
			f.mu.Lock()
			defer f.mu.Unlock()
			if len(f.calls) != 2 || f.calls[0] != "nudges" || f.calls[1] != "reminders" {
				t.Fatalf("when Start's channel closed the calls were %v, want nudges and reminders", f.calls)
			}
		})
	}
}

// lockedLog is a log a scheduler writes from its goroutines.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// wait waits for ch to close, five seconds at most.
func wait(t *testing.T, what string, ch <-chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// poll checks cond on a ticker until it holds or five seconds pass.
func poll(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	deadline := time.After(5 * time.Second)
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}

// A digest scheduled at a wall-clock time that the spring change of
// daylight saving skips (02:30 on the night clocks go from 02:00 to 03:00)
// still goes out that week, right after the change, as cron itself runs
// such jobs; robfig/cron alone finds no 02:30 that night and the week's
// digest would never be posted. Autumn's repeated hour runs it once.
func TestADigestInTheHourDaylightSavingSkipsStillRuns(t *testing.T) {
	zone := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	ny, london, sydney, auckland := zone("America/New_York"), zone("Europe/London"), zone("Australia/Sydney"), zone("Pacific/Auckland")
	for _, tt := range []struct {
		name string
		spec string
		now  time.Time
		want string // the digest's week; "" for none due
	}{
		{"New York, spring, just after 03:00", "30 2 * * SUN", time.Date(2026, 3, 8, 3, 1, 0, 0, ny), "2026-W10"},
		{"New York, spring, later that day", "30 2 * * SUN", time.Date(2026, 3, 8, 11, 0, 0, 0, ny), "2026-W10"},
		{"New York, spring, before the change", "30 2 * * SUN", time.Date(2026, 3, 8, 1, 59, 0, 0, ny), ""},
		{"London, spring", "30 1 * * SUN", time.Date(2026, 3, 29, 2, 0, 30, 0, london), "2026-W13"},
		{"Sydney, spring", "30 2 * * SUN", time.Date(2026, 10, 4, 3, 5, 0, 0, sydney), "2026-W40"},
		{"Auckland, spring", "15 2 * * SUN", time.Date(2026, 9, 27, 4, 0, 0, 0, auckland), "2026-W39"},
		{"New York, autumn, first 01:30", "30 1 * * SUN", time.Date(2026, 11, 1, 1, 40, 0, 0, ny), "2026-W44"},
		{"an ordinary Monday", "0 8 * * MON", time.Date(2026, 3, 9, 8, 0, 0, 0, ny), "2026-W10"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(&fakeJobs{}, Config{DigestSpec: tt.spec, Loc: tt.now.Location()})
			if err != nil {
				t.Fatal(err)
			}
			at, ok := s.DigestDue(tt.now)
			got := ""
			if ok {
				y, w := at.In(tt.now.Location()).Add(-24 * time.Hour).ISOWeek()
				got = fmt.Sprintf("%04d-W%02d", y, w)
				if at.After(tt.now) {
					t.Errorf("DigestDue(%v) = %v: after now", tt.now, at)
				}
			}
			if got != tt.want {
				t.Fatalf("DigestDue(%v) = %v, %v: week %q, want %q", tt.now, at, ok, got, tt.want)
			}
		})
	}
}

// Stop waits for the pass Start began, even when that pass has not taken
// the lock yet: a bot that stops right after starting (its listener
// failed) closes its store after Stop, and the pass must not run on it.
func TestStopWaitsForThePassAtStartThatHasNotBegun(t *testing.T) {
	f := &fakeJobs{}
	atNow, goOn := make(chan struct{}), make(chan struct{})
	var once sync.Once
	s, err := New(f, Config{Now: func() time.Time {
		// Start's goroutine reads the time before its pass takes the lock.
		once.Do(func() { close(atNow); <-goOn })
		return time.Now()
	}})
	if err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	wait(t, "Start's pass to read the time", atNow)
	stopped := make(chan struct{})
	go func() { s.Stop(); close(stopped) }()
	select {
	case <-stopped:
		t.Error("Stop returned before the pass at start ran")
	case <-time.After(100 * time.Millisecond): // Stop, wrong, returns at once
	}
	close(goOn)
	wait(t, "Stop", stopped)
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		t.Error("the pass at start never ran")
	}
}

// A digest at a wall time the spring change skips runs at the change, the
// first instant after the gap, in every zone, and NextDigest names that
// instant: time.Date alone gives such a time before the jump in some zones
// (Los Angeles' 02:30 was 01:30 PST, Santiago's Sunday 00:30 Saturday's
// 23:30, a digest of the wrong week) and after it in others.
func TestADigestInTheSpringGapRunsAtTheChange(t *testing.T) {
	zone := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	la, santiago, havana, london, lordHowe := zone("America/Los_Angeles"), zone("America/Santiago"), zone("America/Havana"), zone("Europe/London"), zone("Australia/Lord_Howe")
	for _, tt := range []struct {
		name string
		spec string
		now  time.Time // after the change, within the grace
		want time.Time // when the digest is due, and NextDigest the day before
	}{
		{"Los Angeles, 02:30", "30 2 * * SUN", time.Date(2027, 3, 14, 9, 0, 0, 0, la), time.Date(2027, 3, 14, 3, 0, 0, 0, la)},
		{"Los Angeles, 02:00", "0 2 * * SUN", time.Date(2027, 3, 14, 3, 0, 0, 0, la), time.Date(2027, 3, 14, 3, 0, 0, 0, la)},
		{"Santiago, Sunday 00:30", "30 0 * * SUN", time.Date(2026, 9, 6, 12, 0, 0, 0, santiago), time.Date(2026, 9, 6, 1, 0, 0, 0, santiago)},
		{"Havana, Sunday 00:30", "30 0 * * SUN", time.Date(2027, 3, 14, 12, 0, 0, 0, havana), time.Date(2027, 3, 14, 1, 0, 0, 0, havana)},
		{"London, 01:30", "30 1 * * SUN", time.Date(2027, 3, 28, 2, 15, 0, 0, london), time.Date(2027, 3, 28, 2, 0, 0, 0, london)},
		{"Lord Howe, half an hour's gap", "15 2 * * SUN", time.Date(2026, 10, 4, 2, 50, 0, 0, lordHowe), time.Date(2026, 10, 4, 2, 30, 0, 0, lordHowe)},
		{"Los Angeles, an ordinary Monday", "0 9 * * MON", time.Date(2027, 3, 15, 10, 0, 0, 0, la), time.Date(2027, 3, 15, 9, 0, 0, 0, la)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(&fakeJobs{}, Config{DigestSpec: tt.spec, Loc: tt.now.Location()})
			if err != nil {
				t.Fatal(err)
			}
			if at, ok := s.DigestDue(tt.now); !ok || !at.Equal(tt.want) {
				t.Errorf("DigestDue(%v) = %v, %v; want %v", tt.now, at, ok, tt.want)
			}
			before := tt.want.Add(-24 * time.Hour)
			if next, ok := s.NextDigest(before); !ok || !next.Equal(tt.want) {
				t.Errorf("NextDigest(%v) = %v, %v; want %v", before, next, ok, tt.want)
			}
		})
	}
}

// The start's twice-a-week check answers at once for a schedule that
// provably runs at most once a week and walks 28 years of runs for any
// other: it must accept and refuse exactly the specs the walk alone does,
// with the same messages, and answer at once for the weekly schedules
// people write (fast). robfig matches a day on EITHER the day of the
// month or of the week when both are restricted ("*" is not: "1-31" is),
// so "0 8 1 * MON" and "0 8 1-31 * MON" are not weekly.
func TestTheQuickTwiceInAWeekCheckAnswersAsTheFullWalk(t *testing.T) {
	for _, tt := range []struct {
		spec string
		fast bool // answered without the walk
	}{
		// weekly
		{"0 8 * * MON", true},
		{"0 8 * * 1", true},
		{"0 8 * * mon", true},
		{"30 23 * * SUN", true},
		{"0 0 * * 0", true},
		{"59 23 * * SAT", true},
		{"0 8 ? * MON", true},     // "?" is "*"
		{"0 8 */1 * MON", true},   // a step of 1 keeps the star
		{"0 8 * * MON-MON", true}, // a range of one day
		{"0 8 * * */7", true},     // Sundays only
		{"0 8 * * 1/7", true},     // Mondays only
		{"0 8 * 1-12 MON", true},  // every month, written out
		{"0 8 * JAN MON", true},   // Mondays of January
		{"0 8 * */2 FRI", true},   // Fridays of odd months
		{"0 8 * 2 THU", true},     // Thursdays of February
		{"@weekly", true},         // Sunday midnight
		// @every: refused before the check, whatever its interval
		{"@every 168h", false},
		{"@every 169h", false},
		{"@every 336h", false},
		{"@every 7000h", false},
		{"@every 167h59m", false},
		{"@every 167h59m59.9s", false},
		{"@every 160h", false},
		{"@every 144h", false},
		{"@every 24h", false},
		{"@every 1m", false},
		// daily, hourly and more
		{"0 8 * * *", false},
		{"* * * * *", false},
		{"@daily", false},
		{"@midnight", false},
		{"@hourly", false},
		{"0 * * * MON", false},
		{"*/30 8 * * MON", false},
		{"0 8,20 * * MON", false},
		{"0 8-9 * * MON", false},
		{"0 0/12 * * MON", false},
		{"0 8 * * ?", false},
		// several weekdays
		{"0 8 * * MON,FRI", false},
		{"0 8 * * MON-FRI", false},
		{"0 8 * * SUN,MON", false},
		{"0 8 * * SAT,SUN", false},
		{"0 8 * * MON,TUE", false},
		{"0 8 * * MON/2", false},
		{"0 8 * * MON,MON", true}, // one day, named twice
		// day of the month
		{"0 8 1 * *", false},
		{"@monthly", false},
		{"@yearly", false},
		{"@annually", false},
		{"0 8 15 * *", false},
		{"0 8 1,15 * *", false},
		{"0 8 1,8 * *", false},
		{"0 8 1,7 * *", false},
		{"0 8 31 * *", false},
		{"0 8 28-31 * *", false},
		{"0 8 */7 * *", false},
		{"0 8 1-31 * *", false},
		{"0 8 1 1 *", false},
		// February 29, and days that never come
		{"0 8 29 2 *", false},
		{"0 8 29 2 THU", false},
		{"0 8 29 2 ?", false},
		{"0 8 30 2 *", false},
		{"0 8 31 4 *", false},
		// both the day of the month and of the week: either matches
		{"0 8 1 * MON", false},
		{"0 8 1-7 * MON", false},
		{"0 8 1-31 * MON", false}, // every day
		{"0 8 */2 * MON", false},  // a step drops the star
		{"0 8 15 * FRI", false},
		{"0 8 1 1 MON", false},
		// refused before the check: no such schedule, a zone of its own
		{"every monday", false},
		{"", false},
		{"60 8 * * MON", false},
		{"0 8 * * MON *", false},
		{"0 8 * * 7", false},
		{"CRON_TZ=Europe/Paris 0 8 * * MON", false},
		{"TZ=UTC 0 8 * * MON", false},
	} {
		t.Run(tt.spec, func(t *testing.T) {
			_, quickErr := parseDigestSpec(tt.spec, twiceInAWeek)
			_, walkErr := parseDigestSpec(tt.spec, walkTwiceInAWeek)
			if fmt.Sprint(quickErr) != fmt.Sprint(walkErr) {
				t.Fatalf("ParseDigestSpec(%q) = %v; the full walk alone: %v", tt.spec, quickErr, walkErr)
			}
			fast := false
			if s, err := cron.ParseStandard(tt.spec); err == nil {
				fast = atMostWeekly(s)
			}
			if fast != tt.fast {
				t.Errorf("ParseDigestSpec(%q) answers without the walk: %v, want %v", tt.spec, fast, tt.fast)
			}
		})
	}
}
