package coaching

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// MaxNudgeReps is how many overdue reps a nudge lists before "and N more".
const MaxNudgeReps = 10

// Team is what deciding one manager's nudge needs: the manager, their
// reps, and their recent sessions.
type Team struct {
	Manager  Person
	Reps     []TeamRep
	Sessions []SessionStub // the manager's sessions since a given date (five weeks back, for nudges)
}

// SessionStub is the little about a session that cadence and pace need.
type SessionStub struct {
	On      Date
	Minutes int
}

// TeamRep is a rep with the date they were last coached (by anyone).
type TeamRep struct {
	Person
	LastSession Date // zero: never coached
}

// OverdueRep is a rep whose cadence slipped.
type OverdueRep struct {
	RepID string
	Name  string
	Days  int  // since their last session, or since the clock started
	Never bool // never coached, by anyone
	// For a rep Never coached, that the clock started when Coachlog first
	// knew them, not when they joined the team (Days are then not their
	// time in it), so that the nudge says nothing untrue.
	SinceKnown bool
}

// Nudge is what a manager is told, and why.
type Nudge struct {
	ManagerID   string
	ManagerName string
	Day         Date // the manager's local day: one nudge per day
	CadenceDays int
	Overdue     []OverdueRep // most overdue first; the DM lists MaxNudgeReps
	// A slow week: fewer sessions so far this week than half the 4-week
	// average, pro-rated to the weekday.
	SlowWeek   bool
	WeekToDate int
	WeeklyAvg  float64
}

// Empty reports whether there is nothing to act on.
func (n Nudge) Empty() bool { return len(n.Overdue) == 0 && !n.SlowWeek }

// Why says in a sentence why the nudge was sent.
func (n Nudge) Why() string {
	switch {
	case len(n.Overdue) > 0 && n.SlowWeek:
		return fmt.Sprintf("%s past your %d-day cadence, and this week is slow: %s so far against %s a week lately.",
			repCount(len(n.Overdue)), n.CadenceDays, sessionCount(n.WeekToDate), tenths(n.WeeklyAvg))
	case len(n.Overdue) > 0:
		return fmt.Sprintf("%s past your %d-day coaching cadence.", repCount(len(n.Overdue)), n.CadenceDays)
	case n.SlowWeek:
		return fmt.Sprintf("This week is slow: %s so far against %s a week over the last four weeks.", sessionCount(n.WeekToDate), tenths(n.WeeklyAvg))
	}
	return ""
}

// Tenths is a weekly average in the tenths every surface prints it to
// (the nudge here, the digest and /coach stats through metrics), halves
// rounded away from zero: the 4 weeks before holding one session is 0.25
// a week, 0.3 everywhere, where Go's %.1f alone (halves to even) prints
// 0.2.
func Tenths(perWeek float64) int { return int(math.Round(perWeek * 10)) }

// tenths shows a weekly average to one decimal, as Tenths rounds it.
func tenths(perWeek float64) string {
	return fmt.Sprintf("%.1f", float64(Tenths(perWeek))/10)
}

// sessionCount is n sessions in words: "no sessions", "1 session", "2 sessions".
func sessionCount(n int) string {
	switch n {
	case 0:
		return "no sessions"
	case 1:
		return "1 session"
	}
	return fmt.Sprintf("%d sessions", n)
}

// Waited says how long an overdue rep has waited, and what is true of
// their past, in the words of every place that lists them (the nudge, the
// App Home, /coach team, coachlog nudge's output), so that a manager reads
// the same of a rep on the same day wherever they look. A rep never
// coached (OverdueFrom) has been in the team longer than Coachlog has
// counted, or not. whose is the team's owner as the reader knows them:
// "your" in the manager's DM, "the" elsewhere.
func (o OverdueRep) Waited(whose string) string {
	switch {
	case !o.Never:
		return dayCount(o.Days) + " since their last session"
	case o.SinceKnown: // in the team longer than Coachlog has counted
		return "no session logged yet, " + dayCount(o.Days) + " since Coachlog started counting"
	}
	return "not coached yet, " + dayCount(o.Days) + " in " + whose + " team"
}

// dayCount is n days in words: "1 day", "14 days".
func dayCount(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

func repCount(n int) string {
	if n == 1 {
		return "1 rep is"
	}
	return Count(n) + " reps are"
}

// Cadence returns a manager's cadence: their own, else the default.
func Cadence(manager Person, defaultDays int) int {
	if manager.CadenceDays > 0 {
		return manager.CadenceDays
	}
	return defaultDays
}

// EvaluateNudge decides what, if anything, a manager should be told at
// now, on their own clock loc (the zone their nudge hour is read in): the
// nudge is for their local day. It is a pure function of the team, so the
// same data gives the same nudge in the bot, the CLI and tests.
//
// A rep is overdue when their last session (by anyone, in this team or
// before it) is older than the cadence, or, never coached, once they have
// been in the team for longer: the clock of a rep never coached starts
// when they joined the team or when Coachlog first knew them, whichever
// is later (PRODUCT.md, "overdue reps"). Reps
// who are away, or whose Slack account was deactivated (gone, though the
// roster may not say so yet: nobody could coach them), are not counted. A
// slow week is never called on a Monday. Only the reps on the manager's
// team (InTeam) count, and someone with nobody on it is not a manager
// (IsManager): they get nothing.
func EvaluateNudge(t Team, now time.Time, loc *time.Location, defaultCadence int) Nudge {
	today := DateOf(now, loc)
	n := Nudge{ManagerID: t.Manager.ID, ManagerName: t.Manager.DisplayName(), Day: today, CadenceDays: Cadence(t.Manager, defaultCadence)}
	manager := false
	for _, r := range t.Reps {
		if !InTeam(t.Manager, r.Person) {
			continue
		}
		manager = true
		if r.Absent(today, now) {
			continue
		}
		if o, ok := OverdueFrom(r, today, r.JoinedOn(loc), r.KnownOn(loc), n.CadenceDays); ok {
			n.Overdue = append(n.Overdue, o)
		}
	}
	if !manager {
		return n
	}
	slices.SortStableFunc(n.Overdue, func(a, b OverdueRep) int {
		if a.Never != b.Never {
			return boolCmp(a.Never, b.Never) // never-coached first: they have waited longest
		}
		return b.Days - a.Days
	})
	n.SlowWeek, n.WeekToDate, n.WeeklyAvg = slowWeek(t.Sessions, today)
	return n
}

// OverdueOn is the nudge rule for one rep on today (the manager's local
// date for a nudge, or the last day of a period for metrics): overdue when
// their last session (on or before today, by anyone, whenever) is more
// than cadence days old, or, never coached, once their clock's start is
// more than cadence days ago. A session before start counts: a rep who
// moved to another manager, or was left out of one roster import and put
// back by the next, has waited since their last session all the same
// (coverage counts it too), and calling them "never coached" from the
// move hid them from every overdue list for up to a whole cadence. start is a day on today's clock: for the team the
// roster gives them now, r.ClockStart of that clock (a first import at
// 20:00 UTC is the next morning for a manager at UTC+13, one at 03:00 UTC
// still the evening before for a manager at UTC−8). It ignores away;
// callers skip reps who are away.
func OverdueOn(r TeamRep, today, start Date, cadence int) (OverdueRep, bool) {
	o := OverdueRep{RepID: r.ID, Name: r.DisplayName()}
	if !r.LastSession.IsZero() {
		o.Days = today.DaysSince(r.LastSession)
		return o, o.Days > cadence
	}
	if start.IsZero() {
		return o, false
	}
	o.Days, o.Never = today.DaysSince(start), true
	// The same boundary as a coached rep's: overdue after more than the
	// cadence, so a rep who joined 14 days ago is no more overdue on a
	// 14-day cadence than one coached 14 days ago (and the nudge never
	// says "past your 14-day cadence" at 14 days).
	return o, o.Days > cadence
}

// OverdueFrom is OverdueOn with the clock started on the later of joined
// (the day the rep joined the team) and known (the day Coachlog first knew
// them), as Person.ClockStart starts it, and with what may be said of a
// rep never coached: SinceKnown, that the clock started when Coachlog
// first knew them, not when they joined. The nudge
// and the metrics' team view (/coach team, the App Home) both call it, so
// the same rep is described the same way on the same day.
func OverdueFrom(r TeamRep, today, joined, known Date, cadence int) (OverdueRep, bool) {
	start, sinceKnown := joined, known.After(joined)
	if sinceKnown {
		start = known
	}
	o, late := OverdueOn(r, today, start, cadence)
	o.SinceKnown = o.Never && sinceKnown
	return o, late
}

// slowWeek compares this week's sessions so far with half the average of
// the four full weeks before, pro-rated to the working days gone by.
func slowWeek(sessions []SessionStub, today Date) (slow bool, wtd int, avg float64) {
	monday := today.AddDays(-((int(today.Weekday()) + 6) % 7))
	elapsed := min(today.DaysSince(monday), 5) // Tue 1 ... Fri 4, weekend 5
	var prior int
	for _, s := range sessions {
		d := s.On
		switch {
		case !d.Before(monday) && !d.After(today):
			wtd++
		case !d.Before(monday.AddDays(-28)) && d.Before(monday):
			prior++
		}
	}
	avg = float64(prior) / 4
	if elapsed == 0 || avg == 0 {
		return false, wtd, avg
	}
	return float64(wtd) < 0.5*avg*float64(elapsed)/5, wtd, avg
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

// NudgeGraceHours is how long after the nudge hour a manager's nudge is
// still due that day, on their wall clock (nudges at 09:00: until 11:59).
// A nudge the bot missed (down, restarting) or held back (the manager away
// until a Slack status expired or was cleared) goes out if the morning
// still has it; past that, the day's nudge is skipped: a nudge to plan the
// day's coaching is no use at 22:30, and one at whatever hour a hold ended
// reads as a malfunction. Three hours cover a deploy or a morning's outage
// and keep the nudge in the working morning. They leave the next day's
// nudge clear of NudgeApart: a day's last chance is before hour+3, the
// next day's first at the hour, 21 hours on (20 across a spring-forward
// night).
const NudgeGraceHours = 3

// NudgeDue reports whether a manager's nudge for their local day is due at
// now: on a weekday, from the nudge hour on their own clock until
// NudgeGraceHours after it (not past the day's end). It depends only on
// the wall clock in their zone, so zones at half and quarter hours work
// and a daylight-saving change neither skips nor doubles a day: an hour
// the spring change skips is due right after the jump, and an hour the
// autumn change repeats runs once (the ledger holds one run per local
// day). ignoreWindow is for `coachlog nudge`, which evaluates now whatever
// the hour or weekday.
func NudgeDue(now time.Time, loc *time.Location, hour int, ignoreWindow bool) (Date, bool) {
	day, started := nudgeStarted(now, loc, hour, ignoreWindow)
	if !started || ignoreWindow {
		return day, started
	}
	return day, now.In(loc).Hour() < hour+NudgeGraceHours
}

// nudgeStarted reports whether the nudge hour has come on a weekday at
// now on loc's wall clock, however long ago: the working day of the
// reminders starts with it too.
func nudgeStarted(now time.Time, loc *time.Location, hour int, ignoreWindow bool) (Date, bool) {
	day := DateOf(now, loc)
	if ignoreWindow {
		return day, true
	}
	if weekend(day) {
		return day, false
	}
	return day, now.In(loc).Hour() >= hour
}

// NudgeJob names a manager's nudge in the job ledger; the period is their
// local date.
func NudgeJob(managerID string) string { return "nudge:" + managerID }
