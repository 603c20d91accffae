package coaching

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// Directory reads people's Slack profiles (users.info). The Person's
// ProfileAt is when Slack's answer was true (the user object's `updated`),
// zero when Slack did not say.
type Directory interface {
	UserInfo(ctx context.Context, id string) (Person, error)
}

// NowDirectory is a Directory that paces its reads under Slack's rate
// limit and can read a profile only if that costs no wait: UserInfoNow
// answers a *RateLimited at once when users.info's tier has no room now.
// A submission asks it about the people Coachlog vouches for already (in
// the roster, or read before): their read is a refresh, and a wait for it
// on the ack path would only delay an answer that does not need it.
type NowDirectory interface {
	Directory
	UserInfoNow(ctx context.Context, id string) (Person, error)
}

// Service applies the coaching rules: logging, editing and undoing sessions,
// and the rep's confirmation. It decides; the Store remembers and the Slack
// edge carries messages in and out.
type Service struct {
	store        Store
	dir          Directory
	lookupBudget time.Duration
	now          func() time.Time
	defaultTZ    *time.Location
	skills       []Skill
	log          *slog.Logger
	zones        zones
	zoneMisses   misses // managers whose zone Slack did not give (readZones)
}

// Config wires a Service. Now, DefaultTZ, Skills, Logger and LookupBudget
// have defaults.
type Config struct {
	Store     Store
	Directory Directory // nil: people stay as first named
	// LookupBudget bounds the Slack profile reads one submission waits for
	// (DefaultLookupBudget when zero): they run before the commit, which
	// must be acknowledged within Slack's deadline.
	LookupBudget time.Duration
	Now          func() time.Time
	DefaultTZ    *time.Location
	Skills       []Skill
	Logger       *slog.Logger
}

// NewService returns a Service for c.
func NewService(c Config) *Service {
	s := &Service{store: c.Store, dir: c.Directory, lookupBudget: c.LookupBudget, now: c.Now, defaultTZ: c.DefaultTZ,
		skills: c.Skills, log: c.Logger}
	if s.lookupBudget <= 0 {
		s.lookupBudget = DefaultLookupBudget
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.defaultTZ == nil {
		s.defaultTZ = time.UTC
	}
	if len(s.skills) == 0 {
		s.skills = DefaultSkills()
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

// Skills returns the configured focus skills.
func (s *Service) Skills() []Skill { return s.skills }

// Now returns the service's current time.
func (s *Service) Now() time.Time { return s.now() }

// Location returns a person's time zone: the roster's, else Slack's, else the
// organisation's. Unknown people get the organisation's.
func (s *Service) Location(ctx context.Context, userID string) *time.Location {
	p, err := s.store.Person(ctx, userID)
	if err != nil {
		return s.defaultTZ
	}
	return s.locationOf(p)
}

// Today returns today's date in a person's time zone.
func (s *Service) Today(ctx context.Context, userID string) Date {
	return s.DateAt(ctx, userID, s.now())
}

// DateAt returns the date it was at t in a person's time zone: what
// "today" meant in a command received then.
func (s *Service) DateAt(ctx context.Context, userID string, t time.Time) Date {
	return DateOf(t, s.Location(ctx, userID))
}

// ManagerZones lists, once each, the time zones of the managers with a
// team (those the nudge considers), as their sessions' dates read them:
// one read, for checks made at start.
func (s *Service) ManagerZones(ctx context.Context) ([]*time.Location, error) {
	managers, err := s.store.NudgeManagers(ctx)
	if err != nil {
		return nil, fmt.Errorf("managers' time zones: %w", err)
	}
	seen := map[string]bool{}
	var out []*time.Location
	for _, m := range managers {
		if loc := s.locationOf(m); !seen[loc.String()] {
			seen[loc.String()] = true
			out = append(out, loc)
		}
	}
	return out, nil
}

// Person returns someone Coachlog knows.
func (s *Service) Person(ctx context.Context, id string) (Person, error) {
	return s.store.Person(ctx, id)
}

// refreshAfter is how long a profile read from Slack is trusted; user_change
// events keep it fresher than that.
const refreshAfter = 7 * 24 * time.Hour

// Refresh makes sure a person is known with a recent Slack profile, reading
// it from the directory when not. It is meant for off the ack path.
func (s *Service) Refresh(ctx context.Context, id string) (Person, error) {
	p, err := s.store.Person(ctx, id)
	if err == nil && (s.dir == nil || !p.ResolvedAt.IsZero() && s.now().Sub(p.ResolvedAt) < refreshAfter) {
		return p, nil
	}
	if err != nil && ErrorCode(err) != ENotFound {
		return Person{}, err
	}
	if s.dir == nil {
		return Person{}, Errorf(ENotFound, "<@%s> is not known yet.", id)
	}
	fresh, rerr := s.readProfile(ctx, id)
	if errors.Is(rerr, errSlack) && err == nil {
		return p, nil // a stale profile beats none
	}
	return fresh, rerr
}

// errSlack marks a profile read that failed in Slack, not in the store.
var errSlack = errors.New("Slack did not give the profile")

// readProfile reads id's profile from Slack, stores it, and returns the
// person as stored: Slack's fields with the roster's own.
func (s *Service) readProfile(ctx context.Context, id string) (Person, error) {
	asked := s.now()
	fresh, err := s.dir.UserInfo(ctx, id)
	if err != nil {
		return Person{}, fmt.Errorf("look up %s in Slack: %w (%w)", id, err, errSlack)
	}
	fresh.ID = id
	if _, err := s.storeProfile(ctx, fresh, asked); err != nil {
		return Person{}, err // the store names whose profile
	}
	return s.store.Person(ctx, id)
}

// validate runs the draft rules and the checks that need the store and
// Slack. The profiles it needs and can't vouch for are read first, in one
// bounded batch (see lookupProfiles). It returns those of the manager and
// the reps who are stored, so that the write makes sure only of the others.
// k is what an edit keeps of the stored session (keptOf); zero for a new
// session.
func (s *Service) validate(ctx context.Context, d Draft, k kept, managerID string) (map[string]Person, error) {
	found, err := s.lookupProfiles(ctx, managerID, d.RepIDs, k.reps)
	if err != nil {
		return nil, err
	}
	reps, zone, stored := found.reps, found.zone, found.stored
	// Someone of another organisation, in a channel shared with it, is
	// not the company's manager: their sessions would DM its reps and
	// count in its figures.
	m := stored[managerID]
	if err := RefuseOutsider(m); err != nil {
		return nil, err
	}
	// Nor is someone Slack could not vouch for: no roster entry and no
	// profile ever read (Slack slow or failing, or not a member). Let
	// through, an outsider's session would DM the company's reps and
	// bring their answers, a dispute's reason too, back to the outsider.
	// A rep is refused alike (checkReps).
	if s.dir != nil && managerID != "" && !m.InRoster && m.ResolvedAt.IsZero() {
		if found.managerLimited {
			return nil, &RateLimited{Until: found.retryAt, Err: Errorf(EBusy, MsgManagerLimited)}
		}
		return nil, Errorf(EBusy, "Slack could not say who you are just now, so nothing was saved; try again in a moment.")
	}
	errs := validateDraft(d, k, managerID, DateOf(s.now(), zone), s.skills)
	// A rep the edit keeps is not judged again: deactivated since (they
	// left the company), their sessions must still take a correction.
	var added []repProfile
	for _, r := range reps {
		if !slices.Contains(k.reps, r.ID) {
			added = append(added, r)
		}
	}
	repsLimited := false
	if _, bad := errs[FieldReps]; !bad && len(d.RepIDs) > 0 {
		if msg, limited := checkReps(added); msg != "" {
			if errs == nil {
				errs = FieldErrors{}
			}
			errs[FieldReps], repsLimited = msg, limited
		}
	}
	if errs != nil {
		verr := &ValidationError{Fields: errs}
		// Only Slack's rate limit stands in the way: a caller that can
		// wait may try the same draft again from retryAt.
		if repsLimited && len(errs) == 1 {
			return nil, &RateLimited{Until: found.retryAt, Err: verr}
		}
		return nil, verr
	}
	return stored, nil
}

// ensurePeople makes sure everyone of ids not known to be stored is, as a
// placeholder until the roster or Slack says more.
func ensurePeople(ctx context.Context, tx Tx, stored map[string]Person, ids ...string) error {
	for _, id := range ids {
		if _, ok := stored[id]; ok {
			continue
		}
		if err := tx.EnsurePerson(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// FieldErrorsOf returns the field errors in err, if it is a validation error.
func FieldErrorsOf(err error) (FieldErrors, bool) {
	if v, ok := errors.AsType[*ValidationError](err); ok {
		return v.Fields, true
	}
	return nil, false
}
