package coaching

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// DefaultLookupBudget bounds the Slack profile reads a submission waits
// for. A modal submission is acknowledged after its commit, within a 2 s
// deadline; this leaves the other second to the commit.
const DefaultLookupBudget = time.Second

// maxParallelLookups bounds how many users.info calls one submission makes
// at once (a team meeting may name 50 people; Slack's tier 4 allows 100+ a
// minute, with bursts).
const maxParallelLookups = 8

// repProfile is what a submission knows of one rep it names.
type repProfile struct {
	Person
	vouched  bool // read from Slack at some point, or in the roster: known to be a member
	noMember bool // Slack says no such user
	slow     bool // Slack did not answer within the budget
	limited  bool // Slack asked to slow down (users.info's rate limit): not asked, or refused
	failed   bool // Slack answered with an error
}

// profiles is what lookupProfiles found.
type profiles struct {
	reps   []repProfile
	zone   *time.Location    // the manager's
	stored map[string]Person // the manager and the reps who are stored
	// managerLimited: the manager's profile was to be read and Slack
	// asked to slow down instead.
	managerLimited bool
	// retryAt is when the reads Slack asked to slow down may be made
	// again: the earliest any of them may (zero: none was limited).
	retryAt time.Time
}

// limitedAt notes a read Slack asked to slow down, to be made again from
// until.
func (p *profiles) limitedAt(until time.Time) {
	if p.retryAt.IsZero() || until.Before(p.retryAt) {
		p.retryAt = until
	}
}

// lookupProfiles reads from Slack, in parallel and within the lookup
// budget, the profiles a submission needs and Coachlog can't vouch for: the
// manager's when never read or read more than refreshAfter ago (their time
// zone decides "today"; someone of another organisation may not log), and
// each rep's when never seen, never read, or read more than refreshAfter
// ago (a bot, a deactivated account or someone of another organisation
// must be refused, PRODUCT.md "Who may do what"). Fresh profiles are
// stored, and each is judged on the person as then stored: Slack's fields
// under the roster's own (its name, when it gave one), or a newer profile
// a user_change stored meanwhile.
//
// When Slack is too slow, asks to slow down (its rate limit) or fails: the
// manager's date falls back to the organisation's zone; a rep with an
// older profile or a roster entry is judged on that; a rep Coachlog has
// never been able to read is refused with a "try again" (checkReps), since
// it might be an app or a deactivated account. Nothing is lost: the form
// stays open with everything typed. A refusal only for the rate limit says
// so, and when to try again (validate: RateLimited).
//
// A profile read more than refreshAfter ago is read again, the manager's
// too: someone of another organisation (Slack Connect) may neither log nor
// be logged with, and Slack may have said so since.
//
// Slack is not asked about the reps of keep (those an edit keeps): they
// are not judged again (see validate), and asking would spend the ack
// path's budget and Slack's users.info limit on an answer nobody reads.
//
// It also returns the manager's time zone, from the profile it read
// anyway, and those of the manager and the reps who are stored (read, or
// stored from Slack here): people are never deleted, so the write need not
// make sure of them again.
func (s *Service) lookupProfiles(ctx context.Context, managerID string, repIDs, keep []string) (profiles, error) {
	ids := repIDs
	if managerID != "" {
		ids = append([]string{managerID}, repIDs...)
	}
	known, err := s.store.PeopleByID(ctx, ids)
	if err != nil {
		return profiles{}, err
	}
	reps := make([]repProfile, len(repIDs))
	type ask struct {
		id      string
		rep     int  // index in reps; -1 for the manager
		vouched bool // a refresh: see NowDirectory
	}
	var asks []ask
	for i, id := range repIDs {
		p, ok := known[id]
		if !ok {
			p = Person{ID: id}
		}
		reps[i] = repProfile{Person: p, vouched: p.InRoster || !p.ResolvedAt.IsZero()}
		if s.dir != nil && !slices.Contains(keep, id) && (p.ResolvedAt.IsZero() || s.now().Sub(p.ResolvedAt) >= refreshAfter) {
			asks = append(asks, ask{id, i, reps[i].vouched})
		}
	}
	zone := s.defaultTZ
	m, mok := known[managerID]
	if mok {
		zone = s.locationOf(m)
	}
	if s.dir != nil && managerID != "" && (!mok || m.ResolvedAt.IsZero() || s.now().Sub(m.ResolvedAt) >= refreshAfter) {
		asks = append(asks, ask{managerID, -1, mok && (m.InRoster || !m.ResolvedAt.IsZero())})
	}
	out := profiles{reps: reps, zone: zone, stored: known}
	if len(asks) == 0 {
		return out, nil
	}

	type answer struct {
		p   Person
		err error
	}
	answers := make([]answer, len(asks))
	asked := s.now()
	lctx, cancel := context.WithTimeout(ctx, s.lookupBudget)
	defer cancel()
	sem := make(chan struct{}, maxParallelLookups)
	var wg sync.WaitGroup
	for i, a := range asks {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-lctx.Done():
				answers[i].err = lctx.Err()
				return
			}
			defer func() { <-sem }()
			answers[i].p, answers[i].err = s.userInfo(lctx, a.id, a.vouched)
		})
	}
	wg.Wait()

	var read []string // the people whose answer was stored, read back below
	for i, a := range asks {
		ans := answers[i]
		if ans.err != nil {
			until, limited := RateLimitedUntil(ans.err)
			if limited {
				out.limitedAt(until)
				s.log.InfoContext(ctx, "Slack profile not read at submission: Slack asked to slow down", "user_id", a.id, "err", ans.err)
			} else {
				s.log.WarnContext(ctx, "Slack profile not read at submission", "user_id", a.id, "err", ans.err)
			}
			// A manager Slack says is no member, and nothing else vouches
			// for, is told so for good: "try again" would not change it.
			if a.rep < 0 && ErrorCode(ans.err) == ENotFound && !(mok && (m.InRoster || !m.ResolvedAt.IsZero())) {
				return profiles{}, Errorf(EForbidden, "Slack does not list you as a member of this workspace, so nothing was saved: Coachlog logs coaching by its own people only.")
			}
			if a.rep < 0 {
				out.managerLimited = limited
				continue
			}
			r := &reps[a.rep]
			switch {
			case ErrorCode(ans.err) == ENotFound:
				r.noMember = true
			case limited:
				r.limited = true
			case errors.Is(ans.err, context.DeadlineExceeded) || errors.Is(ans.err, context.Canceled):
				r.slow = true
			default:
				r.failed = true
			}
			continue
		}
		fresh := ans.p
		fresh.ID = a.id
		if _, err := s.storeProfile(ctx, fresh, asked); err != nil {
			return profiles{}, err // the store names whose profile
		}
		read = append(read, a.id)
	}
	if len(read) == 0 {
		return out, nil
	}
	// Each is judged on the person as stored, as readProfile returns them:
	// Slack's answer under the roster's own fields (the name the roster
	// gave wins over Slack's, as everywhere Coachlog names someone), or a
	// newer profile a user_change stored while the answer was on its way
	// (say a deactivation the answer predates). One read for them all.
	stored, err := s.store.PeopleByID(ctx, read)
	if err != nil {
		return profiles{}, fmt.Errorf("read the profiles just stored: %w", err)
	}
	for _, a := range asks {
		p, ok := stored[a.id]
		if !ok {
			continue // Slack did not answer: judged as flagged above
		}
		known[a.id] = p
		if a.rep >= 0 {
			reps[a.rep] = repProfile{Person: p, vouched: true}
		} else {
			out.zone = s.locationOf(p) // the roster's zone still wins over Slack's
		}
	}
	return out, nil
}

// storeProfile stores a profile Slack gave of p.ID, read from it now. A
// profile without Slack's own time (ProfileAt: a user object's `updated`,
// a user_change's event time) counts as of asked, when Slack was asked:
// the answer is no older than the question, and a user_change stored
// while it was on its way and newer than that still wins. A zero asked is
// a profile Slack sent unasked, which counts as of its arrival, now. It
// reports false when the store keeps a newer profile, which then stands;
// callers that need the person as stored read it back.
func (s *Service) storeProfile(ctx context.Context, p Person, asked time.Time) (bool, error) {
	p.ResolvedAt = s.now()
	if p.ProfileAt.IsZero() {
		p.ProfileAt = asked
		if asked.IsZero() {
			p.ProfileAt = p.ResolvedAt
		}
	}
	return s.store.UpsertPerson(ctx, p)
}

// checkReps returns a field error when a rep is someone coaching can't be
// logged with: a bot, a deactivated account, someone of another
// organisation (Slack Connect: a note must not leave the company), someone
// Slack does not know, or someone Slack could not be asked about in time.
// Someone in the roster or read from Slack before is judged on that when
// Slack can't answer now. limited says the refusal is only Slack asking
// to slow down: the same reps may be checked again in a few seconds.
func checkReps(reps []repProfile) (msg string, limited bool) {
	for _, r := range reps {
		switch {
		case r.noMember && !r.vouched:
			return fmt.Sprintf("%s is not a member of this Slack workspace: pick the rep you coached.", r.DisplayName()), false
		case r.IsBot:
			return fmt.Sprintf("%s is an app, not a person: pick the rep you coached.", r.DisplayName()), false
		case r.Deleted:
			return fmt.Sprintf("%s is deactivated in Slack.", r.DisplayName()), false
		case r.External:
			return fmt.Sprintf("%s is outside your company (Slack Connect) and can't be logged as a rep.", r.DisplayName()), false
		}
	}
	for _, r := range reps {
		switch {
		case r.vouched:
		case r.limited:
			return MsgRepsLimited, true
		case r.slow:
			return "Slack did not answer in time to say who you picked; try again in a moment.", false
		case r.failed:
			return "Slack could not say who you picked just now; try again in a moment.", false
		}
	}
	return "", false
}

// MsgRepsLimited and MsgManagerLimited say that nothing was saved only
// because Slack asked Coachlog to slow down before it could check who is
// named (a launch morning: many people's first profile reads at once).
// Nothing is wrong with what was typed; submitting it again in a few
// seconds saves it.
const (
	MsgRepsLimited    = "Slack asked Coachlog to slow down for a few seconds, so it could not yet check who you picked. Nothing is lost: submit again in a few seconds."
	MsgManagerLimited = "Slack asked Coachlog to slow down for a few seconds, so it could not yet check who you are, and nothing was saved. Try again in a few seconds."
)

// userInfo reads id's profile from Slack; one Coachlog vouches for
// already (vouched) only if that costs no wait for Slack's rate limit,
// where the directory can tell (NowDirectory).
func (s *Service) userInfo(ctx context.Context, id string, vouched bool) (Person, error) {
	if nd, ok := s.dir.(NowDirectory); ok && vouched {
		return nd.UserInfoNow(ctx, id)
	}
	return s.dir.UserInfo(ctx, id)
}
