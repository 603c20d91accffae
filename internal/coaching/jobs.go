package coaching

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// JobOptions shape a scheduled run.
type JobOptions struct {
	NudgeHour      int  // local hour for nudges and reminders
	DefaultCadence int  // days
	IgnoreWindow   bool // `coachlog nudge`: now, whatever the hour or weekday
	DryRun         bool // decide and report; write and send nothing
}

// NudgeRun reports what a nudge run decided.
type NudgeRun struct {
	Evaluated int     // managers whose nudge was due
	Nudges    []Nudge // queued (or, in a dry run, that would be)
	// Managers left out, counted so that a run that evaluates nobody can
	// say why (`coachlog nudge --dry-run` after the day's run): Claimed,
	// their day already claimed in the job ledger (nudged, or found with
	// nothing to act on); Recent, nudged less than NudgeApart ago (for
	// another local day); Held, away, deactivated or snoozed.
	Claimed, Recent, Held int
}

// NudgeApart is the least time between two nudges to a manager. The
// ledger holds one nudge per local day, but the day is read in the
// manager's zone as it is now: a zone changed in Slack from Auckland to
// Honolulu right after Thursday's nudge there makes it Wednesday morning,
// a day not nudged; from Los Angeles to Auckland, Tuesday's nine o'clock
// comes hours after Monday's. Twelve hours refuse those and leave every
// ordinary next-day nudge free (see NudgeGraceHours), and a `coachlog
// nudge` an admin runs in the afternoon or evening does not take the next
// morning's (one run after 21:00 puts it off until 12 hours on, within
// the morning's window until a run past midnight). A zone change whose
// next nine o'clock comes 12 to 21 hours on, on another local day, gets
// that day's nudge: a day of theirs. The ledger's ran_at says when: no
// column of its own is needed.
const NudgeApart = 12 * time.Hour

// nudgeNothingDue is the ledger's detail of a nudge's day claimed with
// nothing to act on: no DM went, so it does not count for NudgeApart.
const nudgeNothingDue = "nothing due"

// RunNudges evaluates the managers whose nudge is due at now and queues a
// DM for each with something to act on. Each manager's local day is claimed
// in the job ledger in the same transaction as the DM, so a day's nudge is
// sent once whether the bot restarts, two processes run, or the CLI ran it
// first; a manager with nothing to act on has the day claimed and gets
// nothing. Nor is a manager nudged less than NudgeApart after their last
// nudge, whatever day their zone says it is now.
func (s *Service) RunNudges(ctx context.Context, now time.Time, o JobOptions) (NudgeRun, error) {
	managers, err := s.store.NudgeManagers(ctx)
	if err != nil {
		return NudgeRun{}, fmt.Errorf("list managers: %w", err)
	}
	var unread map[string]bool
	if !o.IgnoreWindow { // `coachlog nudge` evaluates everyone now, on whatever clock is known
		unread = s.readZones(ctx, managers, now)
	}
	var due []Person
	var claimed, recent, held int
	earliest := DateOf(now, time.UTC).AddDays(1)
	for _, m := range managers {
		if unread[m.ID] {
			continue // their nine o'clock is not known yet: a later run reads it
		}
		day, ok := NudgeDue(now, s.locationOf(m), o.NudgeHour, o.IgnoreWindow)
		if !ok {
			continue
		}
		if nudgeHeld(m, day, now) {
			held++
			continue
		}
		if ran, err := s.store.JobRan(ctx, NudgeJob(m.ID), day.String()); err != nil || ran {
			if err != nil {
				return NudgeRun{}, err
			}
			claimed++
			continue
		}
		if sent, err := s.store.JobRanSince(ctx, NudgeJob(m.ID), now.Add(-NudgeApart), nudgeNothingDue); err != nil || sent {
			if err != nil {
				return NudgeRun{}, err
			}
			recent++
			continue
		}
		due = append(due, m)
		if day.Before(earliest) {
			earliest = day
		}
	}
	run := NudgeRun{Evaluated: len(due), Claimed: claimed, Recent: recent, Held: held}
	if len(due) == 0 {
		return run, nil
	}
	nudges, err := s.evaluateNudges(ctx, due, earliest, now, o.DefaultCadence)
	if err != nil {
		return run, err
	}
	for _, n := range nudges {
		if o.DryRun {
			if !n.Empty() {
				run.Nudges = append(run.Nudges, n)
			}
			continue
		}
		queued, err := s.queueNudge(ctx, n, now)
		if err != nil {
			return run, err
		}
		if queued {
			run.Nudges = append(run.Nudges, n)
		}
	}
	return run, nil
}

// nudgeHeld reports whether m gets no nudge on day: away, or deactivated
// in Slack (Absent: Slack would refuse the DM every day until the roster
// catches up), or snoozed.
func nudgeHeld(m Person, day Date, now time.Time) bool {
	return m.Absent(day, now) || m.Snoozed(day)
}

// evaluateNudges loads the teams of managers, each nudged on a day from
// earliest on, and evaluates each one's nudge at now on their clock: one
// a manager, in their order (Store.Teams). Five weeks of sessions before
// earliest cover a nudge day's week and the four full weeks before it.
func (s *Service) evaluateNudges(ctx context.Context, managers []Person, earliest Date, now time.Time, defaultCadence int) ([]Nudge, error) {
	teams, err := s.store.Teams(ctx, managers, earliest.AddDays(-35))
	if err != nil {
		return nil, fmt.Errorf("load teams: %w", err)
	}
	out := make([]Nudge, len(teams))
	for i, t := range teams {
		out[i] = EvaluateNudge(t, now, s.locationOf(t.Manager), defaultCadence)
	}
	return out, nil
}

// zoneReadsPerRun bounds the Slack profiles one nudge run reads for
// managers whose time zone it has never had: runs come every minute, so a
// first start with 2,000 such managers reads them all within two hours,
// at a fifth of users.info's tier (100+ a minute), leaving the rest to
// the forms.
const zoneReadsPerRun = 20

// zoneReadBudget bounds the time one run spends reading zones: the run
// holds the scheduler, and the reminders and the digest wait behind it.
const zoneReadBudget = 5 * time.Second

// zoneRetryAfter is how long after a failed read Slack is asked again, and
// zoneGiveUpAfter how long reads may fail before the manager is nudged on
// the organisation's clock meanwhile: one 429 must not send a nudge at
// night, and a Slack that keeps refusing (a missing scope) must not stop
// the nudges.
const (
	zoneRetryAfter  = 10 * time.Minute
	zoneGiveUpAfter = time.Hour
)

// readZones reads from Slack, in place, the profiles of managers whose
// time zone Coachlog has never had: the roster gave none and no profile
// was read (a roster imported without SLACK_BOT_TOKEN asks Slack nothing;
// with it, the import fills everyone's Slack zone), so
// their nudge would come at nine on the organisation's clock, at night for
// a manager on another continent. It returns the managers to leave out of
// this run: those it did not get to, and those whose reads have failed
// for less than zoneGiveUpAfter. Without a directory (the CLI offline)
// nothing is read.
func (s *Service) readZones(ctx context.Context, managers []Person, now time.Time) map[string]bool {
	if s.dir == nil {
		return nil
	}
	rctx, cancel := context.WithTimeout(ctx, zoneReadBudget)
	defer cancel()
	later := map[string]bool{}
	reads := 0
	for i, m := range managers {
		if m.TZ != "" || m.SlackTZ != "" || !m.ResolvedAt.IsZero() {
			continue // known: the roster's, the import's read of Slack, or a profile's
		}
		if s.zoneMisses.retry(m.ID, now) {
			if reads == zoneReadsPerRun || rctx.Err() != nil {
				later[m.ID] = true
				continue
			}
			reads++
			p, err := s.readProfile(rctx, m.ID)
			if err == nil {
				managers[i] = p
				s.zoneMisses.clear(m.ID)
				continue
			}
			s.zoneMisses.note(m.ID, now)
			s.log.WarnContext(ctx, "manager's time zone not read from Slack", "manager_id", m.ID, "err", err)
		}
		if !s.zoneMisses.givenUp(m.ID, now) {
			later[m.ID] = true
		}
	}
	return later
}

// misses remembers, per manager, when reading their profile first failed
// and when it last did.
type misses struct {
	mu sync.Mutex
	at map[string][2]time.Time // first, last
}

// retry reports whether id's profile may be read now: never failed, or
// last failed zoneRetryAfter ago.
func (m *misses) retry(id string, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.at[id]
	return !ok || now.Sub(t[1]) >= zoneRetryAfter
}

// givenUp reports whether reads of id have failed for zoneGiveUpAfter.
func (m *misses) givenUp(id string, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.at[id]
	return ok && now.Sub(t[0]) >= zoneGiveUpAfter
}

func (m *misses) note(id string, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.at == nil {
		m.at = map[string][2]time.Time{}
	}
	t, ok := m.at[id]
	if !ok {
		t[0] = now
	}
	t[1] = now
	m.at[id] = t
}

func (m *misses) clear(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.at, id)
}

func (s *Service) queueNudge(ctx context.Context, n Nudge, now time.Time) (bool, error) {
	payload, err := json.Marshal(n)
	if err != nil {
		return false, fmt.Errorf("encode nudge: %w", err)
	}
	detail := nudgeNothingDue
	if !n.Empty() {
		detail = fmt.Sprintf("%d overdue, slow week %v", len(n.Overdue), n.SlowWeek)
	}
	queued := false
	err = s.store.Update(ctx, func(tx Tx) error {
		queued = false // a retried write reports what its last attempt did
		// Read again in the write: another run may have nudged the manager
		// for another day since this one looked (on PostgreSQL the read
		// waits for that run's write).
		sent, err := tx.JobRanSince(ctx, NudgeJob(n.ManagerID), now.Add(-NudgeApart), nudgeNothingDue)
		if err != nil || sent {
			return err
		}
		claimed, err := tx.ClaimJob(ctx, NudgeJob(n.ManagerID), n.Day.String(), detail, now)
		if err != nil || !claimed || n.Empty() {
			return err
		}
		queued = true
		return tx.Enqueue(ctx, Message{Kind: MsgNudge, Op: OpPost, Key: NudgeJob(n.ManagerID) + ":" + n.Day.String(),
			To: n.ManagerID, Payload: payload})
	})
	if err != nil {
		return false, fmt.Errorf("queue nudge for %s: %w", n.ManagerID, err)
	}
	if queued {
		s.log.InfoContext(ctx, "nudge queued", "manager_id", n.ManagerID, "day", n.Day.String(), "overdue", len(n.Overdue), "slow_week", n.SlowWeek)
	}
	return queued, nil
}

// NudgeAsSent is a queued nudge as it stands when it goes. Nudges are
// queued at the manager's nudge hour and wait their turn under Slack's
// pace (2,000 on a Monday take minutes), and the run read the manager
// outside the write that queued it: a manager who snoozed meanwhile, or
// coached an overdue rep, would hear of what they had just dealt with.
// The team is evaluated again now, for the nudge's day and cadence (a
// cadence set since is the manager's); ok is false when nothing is left
// to act on, or the manager has snoozed or is away: it is not sent.
func (s *Service) NudgeAsSent(ctx context.Context, n Nudge) (_ Nudge, ok bool, err error) {
	m, err := s.store.Person(ctx, n.ManagerID)
	if err != nil {
		return Nudge{}, false, fmt.Errorf("read manager %s for the nudge: %w", n.ManagerID, err)
	}
	now := s.now()
	if nudgeHeld(m, n.Day, now) {
		return Nudge{}, false, nil
	}
	nudges, err := s.evaluateNudges(ctx, []Person{m}, n.Day, now, n.CadenceDays)
	if err != nil {
		return Nudge{}, false, fmt.Errorf("evaluate the nudge of %s again: %w", n.ManagerID, err)
	}
	if len(nudges) == 0 { // Teams returns one a manager; should it not, no nudge rather than a panic
		return Nudge{}, false, nil
	}
	cur := nudges[0]
	cur.Day = n.Day // the day it was queued for, whatever the clock says now
	return cur, !cur.Empty(), nil
}

// reminderAfterDays is how long a session waits for a rep before one
// reminder: days on the rep's own clock (reminderDueAt).
const reminderAfterDays = 3

// ReminderAfter is how long a request to confirm waits before its
// reminder, about: reminderAfterDays of 24 hours. A request asked within
// it is still young: the rep has not been reminded, and a finding that
// counts it unconfirmed says so.
const ReminderAfter = reminderAfterDays * 24 * time.Hour

// reminderLeeway widens the store's list of pending reps past
// reminderAfterDays of 24 hours, which RunReminders then narrows rep by
// rep: three days on a clock that moves forward in spring are 71 hours
// (2 hours the most any zone moves: Antarctica/Troll). A zone that
// skipped more (Samoa's day in 2011) would see its reminder late, not
// lost.
const reminderLeeway = 3 * time.Hour

// reminderDueAt is when a rep asked at asked, on the clock loc, is due
// their reminder: the same wall time three days on, so that a change of
// daylight saving between makes it neither an hour early nor, past the
// end of the working day, a day late. A wall time the spring change skips
// is the instant Go gives for it.
func reminderDueAt(asked time.Time, loc *time.Location) time.Time {
	return asked.In(loc).AddDate(0, 0, reminderAfterDays)
}

// The rep's working day, in which reminders go out: from the nudge hour
// when it falls in the day, else from reminderDefaultFrom, to
// reminderUntil.
const (
	reminderEarliest    = 7
	reminderDefaultFrom = 9
	reminderUntil       = 18
)

// reminderDue reports whether a rep on the clock loc may get a reminder at
// now: on a weekday, in their working day. It starts at the nudge hour, so
// that an organisation's messages come together, unless that hour is not
// in a working day (nudges set for 20:00 would leave no hour before 18:00,
// and the reminder would never go out; set for 03:00, it would come at
// night): then at 09:00.
func reminderDue(now time.Time, loc *time.Location, nudgeHour int) bool {
	return inWorkingDay(now, loc, reminderFrom(nudgeHour))
}

// reminderFrom is the hour the rep's working day starts for reminders
// given the nudge hour (reminderDue).
func reminderFrom(nudgeHour int) int {
	if nudgeHour < reminderEarliest || nudgeHour >= reminderUntil {
		return reminderDefaultFrom
	}
	return nudgeHour
}

// inWorkingDay reports whether now is in a working day on the clock loc
// that starts at the hour from: a weekday, from that hour to 18:00.
func inWorkingDay(now time.Time, loc *time.Location, from int) bool {
	_, started := nudgeStarted(now, loc, from, false) // a weekday, from that hour on
	return started && now.In(loc).Hour() < reminderUntil
}

// nextWorkingDay is the start of the first working day on the clock loc
// (a weekday, from the hour from) after now: today's when now is before
// it, else a later weekday's, a Friday evening's being Monday's.
func nextWorkingDay(now time.Time, loc *time.Location, from int) time.Time {
	d := DateOf(now, loc)
	for {
		start := time.Date(d.Year, d.Month, d.Day, from, 0, 0, 0, loc)
		if !weekend(d) && start.After(now) {
			return start
		}
		d = d.AddDays(1)
	}
}

// repWorkingDay reports whether now is in rep's working day on the clock
// loc, from the hour from: a weekday (inWorkingDay) on which they are not
// away (Person.Away: /coach away through a day, or a Slack status that
// says so). A reminder is for the days they work, not their holiday: one
// that fell due while they were away waits for their first working day
// back.
func repWorkingDay(rep Person, now time.Time, loc *time.Location, from int) bool {
	return inWorkingDay(now, loc, from) && !rep.Away(DateOf(now, loc), now)
}

// repNextWorkingDay is when rep's next working day (repWorkingDay) starts
// after now, as their away stands now: nextWorkingDay's, or, when they
// are away then, the first working hour after the day /coach away set,
// or after their status expires (an expiry within a working day is that
// moment: a status until 15:00 has the reminder at 15:00). A status with
// no expiry says nothing of when they are back: the first working hour
// found is looked at again when it comes, as the reminder goes
// (ReminderGoes), the next morning's when they are away now. It is now
// itself when that is in their working day.
func repNextWorkingDay(rep Person, now time.Time, loc *time.Location, from int) time.Time {
	t := now
	// Each step moves past a night, a weekend or one end of the away (the
	// day, or the status's expiry) that another may reach past: a few
	// steps do.
	for range 8 {
		if !inWorkingDay(t, loc, from) {
			t = nextWorkingDay(t, loc, from)
		}
		switch {
		case !rep.Away(DateOf(t, loc), t):
			return t
		case !rep.AwayUntil.IsZero() && !DateOf(t, loc).After(rep.AwayUntil):
			t = rep.AwayUntil.AddDays(1).Time(loc)
		case !rep.Status.Expires.IsZero() && t.Before(rep.Status.Expires):
			t = rep.Status.Expires
		case t.Equal(now):
			return nextWorkingDay(now, loc, from) // away with no end known: looked at again then
		default:
			return t
		}
	}
	return t
}

// RunReminders reminds, once per asking, each rep whose session has been
// pending for three days since they were asked (logged, or asked again by
// an edit), in the thread of their DM, during their working day. A rep
// deactivated in Slack since is not reminded, as they count in no nudge
// (Person.Absent): nobody would read it, and Slack refuses the DM; nor is
// one who left the roster since (deactivated: "no longer nudged or
// counted"). Their reminder is not spent: back, they get it. One queued
// before they went is withheld when it goes (ReminderGoes).
func (s *Service) RunReminders(ctx context.Context, now time.Time, o JobOptions) (int, error) {
	pending, err := s.store.PendingReps(ctx, now.Add(-reminderAfterDays*24*time.Hour+reminderLeeway))
	if err != nil {
		return 0, fmt.Errorf("list pending reps: %w", err)
	}
	n := 0
	for _, p := range pending {
		if !remindable(p.Rep) {
			continue
		}
		loc := s.locationOf(p.Rep)
		if now.Before(reminderDueAt(p.Since, loc)) {
			continue
		}
		if !o.IgnoreWindow && !reminderDue(now, loc, o.NudgeHour) {
			continue
		}
		// Away (repWorkingDay), the rep is reminded on their first
		// working day back, when a pass finds them so: not queued now,
		// the reminder is not spent. Queued now, it would wait in the
		// outbox for all of the away (ReminderGoes holds it), its age
		// read on /healthz as an outbox stuck.
		if p.Rep.Away(DateOf(now, loc), now) {
			continue
		}
		if o.DryRun {
			n++
			continue
		}
		job := ReminderKey(p.SessionID, p.Rep.ID, p.Ask)
		queued := false // set in the write, counted after it: a store may run a write again
		err := s.store.Update(ctx, func(tx Tx) error {
			queued = false
			sess, err := tx.Session(ctx, p.SessionID)
			if err != nil {
				return err
			}
			// Asked again since the list was read: that asking is not
			// three days old, and marking the rep reminded now would
			// spend its reminder.
			if r, ok := sess.Rep(p.Rep.ID); !ok || r.Ask != p.Ask {
				return nil
			}
			claimed, err := tx.ClaimJob(ctx, job, "", "", now)
			queued = err == nil && claimed
			if err != nil || !claimed {
				return err
			}
			if err := tx.MarkReminded(ctx, p.SessionID, p.Rep.ID, p.Ask, now); err != nil {
				return err
			}
			payload, err := json.Marshal(Reminder{Version: sess.Version, From: reminderFrom(o.NudgeHour)})
			if err != nil {
				return err
			}
			return tx.Enqueue(ctx, Message{Kind: MsgRepReminder, Op: OpPost, Key: job, To: p.Rep.ID,
				SessionID: p.SessionID, RepID: p.Rep.ID, ThreadKey: RepDMKey(p.SessionID, p.Rep.ID), Payload: payload})
		})
		if err != nil {
			return n, fmt.Errorf("queue reminder for %s: %w", p.Rep.ID, err)
		}
		if queued {
			n++
		}
	}
	return n, nil
}

// remindable reports whether rep may be reminded now: not deactivated in
// Slack, and still on the roster (RunReminders).
func remindable(rep Person) bool { return !rep.Deleted && rep.Active }

// ReminderGoes says whether the reminder m of sess, about to be posted,
// still goes: it stands (Session.ReminderStands), and its rep is still
// one RunReminders would remind. A reminder waits its turn in the outbox
// (a Monday backlog, Slack's 429s); a rep deactivated in Slack or taken
// off the roster meanwhile is "no longer nudged or counted", and would
// otherwise get a reminder none would be queued for now. The reminder
// withheld here is spent, unlike one never queued: the job was claimed
// when it was queued.
//
// One that would go outside the rep's working day, now on their clock (it
// was queued near 18:00, or waited behind Slack's pace past it), or while
// they are away (marked away since it was queued), does not go now: later
// is the start of their next working day (repNextWorkingDay), when it
// goes instead (zero otherwise). A reminder is for their working day, not
// their evening, their Saturday or their holiday.
func (s *Service) ReminderGoes(ctx context.Context, sess Session, m Message) (goes bool, later time.Time, err error) {
	if !sess.ReminderStands(m) {
		return false, time.Time{}, nil
	}
	rep, err := s.store.Person(ctx, m.RepID)
	switch {
	case ErrorCode(err) == ENotFound:
		return false, time.Time{}, nil // nobody left to remind
	case err != nil:
		return false, time.Time{}, fmt.Errorf("read rep %s for their reminder: %w", m.RepID, err)
	}
	if !remindable(rep) {
		return false, time.Time{}, nil
	}
	var due Reminder
	if len(m.Payload) > 0 {
		_ = json.Unmarshal(m.Payload, &due) // unreadable: from 09:00, as one queued before From
	}
	from := reminderFrom(due.From)
	now, loc := s.now(), s.locationOf(rep)
	if !repWorkingDay(rep, now, loc, from) {
		return false, repNextWorkingDay(rep, now, loc, from), nil
	}
	return true, time.Time{}, nil
}

// reminderFollows is the update of a rep's reminder that a change in where
// they stand on a session causes (their answer, an edit asking them again
// or changing what the session is, a withdrawal), when one was queued:
// left alone, it would go on asking for an answer given, or about a
// session withdrawn. A rep never reminded gets none: there is no message
// to update.
// The outbox settles the rest: a reminder still queued is updated once
// posted, and one withheld because the rep answered first stays unsent.
//
// A rep asked again may have a reminder of each asking in the DM's thread:
// each says where the rep stands now, so every one queued follows, not
// only the latest asking's (that of an earlier asking would go on asking
// for an answer given since). r is the rep's record after the change.
func reminderFollows(ctx context.Context, tx Reader, sessionID int64, r SessionRep) ([]Message, error) {
	var out []Message
	for ask := 0; ask <= r.Ask; ask++ {
		key := ReminderKey(sessionID, r.RepID, ask)
		queued, err := tx.JobRan(ctx, key, "")
		if err != nil {
			return nil, err
		}
		if queued {
			out = append(out, Message{Kind: MsgRepReminder, Op: OpUpdate, Key: key, To: r.RepID, SessionID: sessionID, RepID: r.RepID})
		}
	}
	return out, nil
}

// AwayToday is the today on which /coach away reads the date actorID
// typed when marking personID away (AwayToday's answer is SetAway's
// today). An away date is read on the day of the manager whose nudge it
// holds back (EvaluateNudge counts a rep away on the manager's today, and
// a manager's own nudge is held on theirs): so it is the actor's today
// when they mark themselves or their own rep, and otherwise, for an admin
// marking someone, the person's manager's today, or the person's own when
// they have no manager. An admin in Kolkata marking a New York manager's
// rep at 06:30 on Friday there means the manager's Thursday by "today".
// A person not known yet is read on the actor's today.
func (s *Service) AwayToday(ctx context.Context, actorID, personID string) Date {
	if actorID == personID {
		return s.Today(ctx, actorID)
	}
	p, err := s.store.Person(ctx, personID)
	if err != nil {
		return s.Today(ctx, actorID)
	}
	switch p.ManagerID {
	case actorID:
		return s.Today(ctx, actorID)
	case "":
		return s.TodayOf(p)
	}
	return s.Today(ctx, p.ManagerID)
}

// SetAway marks someone away through a date (zero clears it). Anyone may
// mark themselves; a manager their own reps in the roster as it is now;
// admins anyone. today is AwayToday(actorID, personID), on which the
// actor typed the date: a date before it is refused as in the past. The
// person's own today is not the one: a manager in New York marking a rep
// in Kolkata at 20:00 on Thursday means Thursday by "today", the day
// their nudge counts from, though it is Friday in Kolkata.
func (s *Service) SetAway(ctx context.Context, actorID, personID string, until, today Date, admin bool) error {
	if actorID != personID && !admin {
		ok, err := s.manages(ctx, actorID, personID)
		if err != nil {
			return err
		}
		if !ok {
			return Errorf(EForbidden, "You can mark yourself or your own reps away.")
		}
	}
	if !until.IsZero() && until.Before(today) {
		return Errorf(EInvalid, "%s is in the past.", until.Human())
	}
	return s.store.Update(ctx, func(tx Tx) error {
		if err := tx.EnsurePerson(ctx, personID); err != nil {
			return err
		}
		if err := tx.SetAway(ctx, personID, until); err != nil {
			return err
		}
		return tx.Audit(ctx, AuditEntry{At: s.now(), ActorID: actorID, Action: "away",
			Detail: map[string]any{"person_id": personID, "until": until.String()}})
	})
}

// Snooze stops a manager's nudges through a date.
func (s *Service) Snooze(ctx context.Context, managerID string, until Date) error {
	return s.store.Update(ctx, func(tx Tx) error { return tx.SetSnooze(ctx, managerID, until) })
}

// MsgCadenceAdmins refuses /coach cadence to anyone but an admin, before
// anything they typed is read.
const MsgCadenceAdmins = "Only admins can change a manager's cadence."

// CadenceWait says whether a cadence SetCadence stored applies now and,
// if not, what it waits for, so that the answer can say which.
type CadenceWait int

const (
	// CadenceApplies: a manager now, whose reps it judges at once.
	CadenceApplies CadenceWait = iota
	// CadenceWaitsForTeam: no reps in the roster yet (a manager about to
	// be added to it).
	CadenceWaitsForTeam
	// CadenceWaitsForReturn: an import took them off the roster; the
	// cadence is theirs again if one puts them back.
	CadenceWaitsForReturn
)

// SetCadence sets a manager's cadence (0 restores the default); admins only.
// The person must be one of the company's people: in the roster or, asked
// now, a member of the workspace Slack vouches for, neither an app, nor
// deactivated, nor of another organisation (Slack Connect). Anyone else is
// refused and nothing is written: no row is made for an id Slack does not
// know. Someone without reps in the roster (a manager about to be added
// to it, or one an import took off it, who may come back) keeps the
// cadence for when they have some: waits says which.
func (s *Service) SetCadence(ctx context.Context, actorID, managerID string, days int, admin bool) (waits CadenceWait, err error) {
	if !admin {
		return 0, Errorf(EForbidden, MsgCadenceAdmins)
	}
	if days < 0 || days > 365 {
		return 0, Errorf(EInvalid, "A cadence is 1 to 365 days.")
	}
	p, err := s.cadenceTarget(ctx, managerID)
	if err != nil {
		return 0, err
	}
	manager, err := s.IsManager(ctx, p)
	if err != nil {
		return 0, err
	}
	err = s.store.Update(ctx, func(tx Tx) error {
		if err := tx.SetCadence(ctx, managerID, days); err != nil {
			return err
		}
		return tx.Audit(ctx, AuditEntry{At: s.now(), ActorID: actorID, Action: "cadence",
			Detail: map[string]any{"manager_id": managerID, "days": days}})
	})
	switch {
	case manager:
		return CadenceApplies, err
	case p.InRoster && !p.Active: // an import named them, and a later one left them out
		return CadenceWaitsForReturn, err
	}
	return CadenceWaitsForTeam, err
}

// cadenceTarget is the person /coach cadence names, as stored: someone the
// roster or an earlier read vouches for, or else read from Slack now and
// stored only when Slack vouches for them. Slack's answer is judged
// before it is stored, so that nobody Coachlog refuses gets a row.
func (s *Service) cadenceTarget(ctx context.Context, id string) (Person, error) {
	p, err := s.store.Person(ctx, id)
	switch {
	case err == nil && (p.InRoster || !p.ResolvedAt.IsZero()):
		return p, outsider(p)
	case err != nil && ErrorCode(err) != ENotFound:
		return Person{}, err
	case s.dir == nil:
		return Person{}, Errorf(EInvalid, "<@%s> is not in the roster, so no cadence was set: a cadence is for a manager the roster names.", id)
	}
	lctx, cancel := context.WithTimeout(ctx, s.lookupBudget)
	defer cancel()
	asked := s.now()
	fresh, err := s.dir.UserInfo(lctx, id)
	if err != nil {
		if ErrorCode(err) == ENotFound {
			return Person{}, Errorf(EInvalid, "Slack does not know <@%s> as a member of this workspace, so no cadence was set.", id)
		}
		if _, limited := RateLimitedUntil(err); limited {
			return Person{}, Errorf(EBusy, "Slack asked Coachlog to slow down for a few seconds, so it could not check who <@%s> is and nothing was saved. Try again in a few seconds.", id)
		}
		s.log.WarnContext(ctx, "Slack profile not read for a cadence", "user_id", id, "err", err)
		return Person{}, Errorf(EBusy, "Slack could not say who <@%s> is just now, so nothing was saved; try again in a moment.", id)
	}
	fresh.ID = id
	if err := outsider(fresh); err != nil {
		return Person{}, err
	}
	if _, err := s.storeProfile(ctx, fresh, asked); err != nil {
		return Person{}, err
	}
	return s.store.Person(ctx, id)
}

// outsider refuses a cadence for someone who is not one of the company's
// people, as a session refuses them as its rep (checkReps).
func outsider(p Person) error {
	switch {
	case p.External:
		return Errorf(EInvalid, "<@%s> is outside your company (Slack Connect): a cadence is for your company's managers, so none was set.", p.ID)
	case p.IsBot:
		return Errorf(EInvalid, "<@%s> is an app, not a person, so no cadence was set.", p.ID)
	case p.Deleted:
		return Errorf(EInvalid, "<@%s> is deactivated in Slack, so no cadence was set.", p.ID)
	}
	return nil
}

// manages reports whether repID reports to managerID in the current roster.
func (s *Service) manages(ctx context.Context, managerID, repID string) (bool, error) {
	m, err := s.store.Person(ctx, managerID)
	if ErrorCode(err) == ENotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	rep, err := s.store.Person(ctx, repID)
	if ErrorCode(err) == ENotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return m.Manages(rep), nil
}
