package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// ImportResult says what a roster import changed: each person in the file
// is added (new to the roster), back (on it before, deactivated since),
// changed (a field the file sets differs) or unchanged.
type ImportResult struct {
	Added, Back, Changed, Unchanged, Deactivated int
	// EmailsCleared lists the people of the file whose empty email cell
	// would have kept an address another row of the file gives, in file
	// order: theirs is cleared (or Slack's, read by the import, replaces
	// it), and they count as changed.
	EmailsCleared []EmailCleared
}

// EmailCleared is a person's kept email (Email) that another row of the
// file (By) gives, cleared by the import.
type EmailCleared struct {
	ID, Email, By string
}

// EmailClashError refuses a roster import that would leave two people of
// the file with one address, neither row giving it: each kept what
// Coachlog had (an earlier file's, or Slack's). A performance file naming
// the address could name neither; the admin gives it to the one it is.
type EmailClashError struct {
	Clashes []EmailClash // in file order
}

// EmailClash is one address the people IDs (in file order) would share.
type EmailClash struct {
	Email string
	IDs   []string
}

func (e *EmailClashError) Error() string {
	parts := make([]string, len(e.Clashes))
	for i, c := range e.Clashes {
		parts[i] = fmt.Sprintf("%s would be the email of %s", c.Email, strings.Join(c.IDs, " and "))
	}
	return strings.Join(parts, "; ") + ": give each address in the file to the one it is"
}

// keptEmails decides, before anything is written, what the rows with an
// empty email cell (or only Slack's address, read by the import) end
// with: the address stored for them, as putPersonQuery keeps it, unless
// another row of the file gives that address. The file is the whole
// roster and says whose it is now; kept beside it, a performance file
// naming it would be refused as two people's, and nothing else would
// show it. Those are cleared, returned in file order. Two people still
// ending with one address are an EmailClashError: no row says whose it
// is. known is everyone stored, by id.
func keptEmails(people []coaching.Person, known map[string]coaching.Person) ([]EmailCleared, error) {
	given := map[string]string{} // an address the file gives, to whose row
	for _, p := range people {
		if p.Email != "" && !p.EmailFromSlack {
			given[strings.ToLower(p.Email)] = p.ID
		}
	}
	var cleared []EmailCleared
	holders := map[string][]string{} // each address after the import, to its people
	var order []string               // the addresses, as first met in the file
	for _, p := range people {
		final := strings.ToLower(p.Email) // the file's, Slack's or none
		if final == "" || p.EmailFromSlack {
			if kept := strings.ToLower(known[p.ID].Email); kept != "" {
				if by, ok := given[kept]; ok && by != p.ID {
					cleared = append(cleared, EmailCleared{ID: p.ID, Email: kept, By: by})
				} else {
					final = kept // Slack's fills only an empty one
				}
			}
		}
		if final == "" {
			continue
		}
		if len(holders[final]) == 0 {
			order = append(order, final)
		}
		holders[final] = append(holders[final], p.ID)
	}
	var clash EmailClashError
	for _, email := range order {
		if ids := holders[email]; len(ids) > 1 {
			clash.Clashes = append(clash.Clashes, EmailClash{Email: email, IDs: ids})
		}
	}
	if len(clash.Clashes) > 0 {
		return nil, &clash
	}
	return cleared, nil
}

// ImportRoster makes people the whole roster, in one transaction: everyone
// in it is upserted and active; anyone imported before and missing now is
// deactivated, their history kept. A changed manager or tier applies from
// today, recorded in reporting_history. A person's since is kept unless the
// file gives one or their manager changed; new people default to today,
// with the import's moment beside it (since_at), whose day each clock
// reads for itself, as it reads rostered_at's. Slack's zone and name, as
// the import read them from users.list (ProfileAt), do not replace a
// newer profile stored since: the read may take minutes before this
// write, while the bot stores user_change events.
func (s *Store) ImportRoster(ctx context.Context, people []coaching.Person, today coaching.Date) (ImportResult, error) {
	return s.ImportRosterChecked(ctx, people, today, nil)
}

// MissingCheck is given, in a roster import's transaction and before it
// writes anything, the people active on the roster whom the file leaves
// out, and how many are active on it: an error refuses the import, and
// is returned as it is (wrapped), nothing written.
type MissingCheck func(missing []coaching.Person, onRoster int) error

// ImportRosterChecked is ImportRoster, the people it would deactivate
// first put to check (nil: none).
func (s *Store) ImportRosterChecked(ctx context.Context, people []coaching.Person, today coaching.Date, check MissingCheck) (ImportResult, error) {
	var res ImportResult
	// A statement per person, each parsed anew in the transaction unless
	// prepared before it: 100,000 people took 14 s, two thirds of it
	// parsing, with every other write waiting.
	s.wq.c.prepare(ctx, putPersonQuery, historyQuery, deactivateQuery)
	err := s.Update(ctx, func(ctx2 coaching.Tx) error {
		t := ctx2.(*tx)
		res = ImportResult{} // a retried import counts again from nothing
		if err := t.lockImport(ctx, "roster"); err != nil {
			return err
		}
		known, err := t.reader.rosterIndex(ctx)
		if err != nil {
			return err
		}
		// Read in the transaction, as the import writes over it: a
		// profile event stored meanwhile is seen.
		if res.EmailsCleared, err = keptEmails(people, known); err != nil {
			return err
		}
		seen := make(map[string]bool, len(people))
		for _, p := range people {
			seen[p.ID] = true
		}
		// Read in the transaction too: what the check is shown is what
		// the import deactivates.
		var missing []coaching.Person
		onRoster := 0
		for id, old := range known {
			if !old.InRoster || !old.Active {
				continue
			}
			onRoster++
			if !seen[id] {
				missing = append(missing, old)
			}
		}
		if check != nil {
			if err := check(missing, onRoster); err != nil {
				return err
			}
		}
		clear := map[string]bool{}
		for _, c := range res.EmailsCleared {
			clear[c.ID] = true
		}
		for _, p := range people {
			old, exists := known[p.ID]
			if exists && !old.RosterNamed && p.RosterNamed && p.Name == old.Name {
				// The file repeats the name Slack gave (roster export
				// writes it, so that each line says who it is): it stays
				// Slack's, and follows Slack's changes.
				p.RosterNamed = false
			}
			if clear[p.ID] {
				// Before the upsert, so that Slack's address, read by the
				// import, fills the emptied one as it fills any.
				if _, err := t.q.ExecContext(ctx, clearEmailQuery, t.now(), p.ID); err != nil {
					return fmt.Errorf("clear the email of %s: %w", p.ID, err)
				}
			}
			if err := t.putRosterPerson(ctx, p, old, exists, today); err != nil {
				return err
			}
			switch {
			case !exists || !old.InRoster:
				res.Added++
			case !old.Active:
				res.Back++
			case rosterChanged(old, p) || clear[p.ID]:
				res.Changed++
			default:
				res.Unchanged++
			}
		}
		for _, old := range missing {
			if _, err := t.q.ExecContext(ctx, deactivateQuery, t.now(), old.ID); err != nil {
				return fmt.Errorf("deactivate %s: %w", old.ID, err)
			}
			if err := t.history(ctx, old.ID, today, old.ManagerID, old.Tier, false); err != nil {
				return err
			}
			res.Deactivated++
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("import roster: %w", err)
	}
	return res, nil
}

// rosterChanged reports whether importing p changes what is stored for
// old, an active person of the roster, in a field the roster sets: an
// admin reads "5 changed" to check the file did what they meant, so it
// follows putPersonQuery and putRosterPerson field by field. Empty cells
// keep what is stored (an email: Slack's or an earlier file's; a
// cadence: one set with /coach cadence), so they change nothing. Slack's
// name, zone and email change with the profile, not the file, unless the
// file names them. Since changes as rosterSince moves it, or the moment
// beside it.
func rosterChanged(old, p coaching.Person) bool {
	since, sinceAt, kept := rosterSince(p, old, true)
	return old.ManagerID != p.ManagerID || old.Tier != p.Tier || !slices.Equal(old.Roles, p.Roles) ||
		(p.CadenceDays > 0 && old.CadenceDays != p.CadenceDays) || old.TZ != p.TZ ||
		(p.Email != "" && !p.EmailFromSlack && !strings.EqualFold(old.Email, p.Email)) ||
		old.RosterNamed != p.RosterNamed || (p.RosterNamed && old.Name != p.Name) ||
		!kept || since != old.Since || !sinceAt.Equal(old.SinceAt)
}

// rosterSince is the since importing p stores over old, and the import's
// moment beside it. A since the file gives stands as given and clears
// the moment (a defaulted since becomes a plain date, read alike on
// every clock). Without one, old's stays while they stay on the roster,
// active, under the same manager; otherwise, or when they have none,
// kept is false: the import stores its own day and moment.
func rosterSince(p, old coaching.Person, exists bool) (since coaching.Date, at time.Time, kept bool) {
	if !p.Since.IsZero() {
		return p.Since, time.Time{}, true
	}
	if !exists || !old.InRoster || !old.Active || old.ManagerID != p.ManagerID || old.Since.IsZero() {
		return coaching.Date{}, time.Time{}, false
	}
	return old.Since, old.SinceAt, true
}

func (r reader) rosterIndex(ctx context.Context) (map[string]coaching.Person, error) {
	all, err := r.People(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]coaching.Person, len(all))
	for _, p := range all {
		out[p.ID] = p
	}
	return out, nil
}

// The roster import's statements, run once per person.
const (
	putPersonQuery = `INSERT INTO people (id, email, name, tz, slack_tz, roles, manager_id, tier, cadence_days,
			since, since_at, active, in_roster, roster_named, profile_at, rostered_at, created_at, updated_at, email_by_roster)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			-- the first import that lists them starts their clock, not a
			-- profile event that made the row before (migration 0016)
			rostered_at = CASE WHEN people.rostered_at = 0 THEN excluded.rostered_at ELSE people.rostered_at END,
			-- an empty cell is no address, not an order to forget one:
			-- the email Slack gave (users.info, user_change) is kept;
			-- Slack's, read by the import's users.list for an empty cell
			-- (the last parameter is 1), only fills an empty one
			email = CASE WHEN excluded.email <> '' AND (? = 0 OR people.email = '')
				THEN excluded.email ELSE people.email END,
			-- whose word the address is (migration 0024): the file's, or
			-- Slack's where users.list gave it, or gave the one stored
			email_by_roster = CASE WHEN excluded.email_by_roster = 1 THEN 1
				WHEN excluded.email <> '' AND (people.email = '' OR people.email = excluded.email) THEN 0
				ELSE people.email_by_roster END,
			-- the file's name stands; Slack's, read by the import's
			-- users.list, only when no newer profile is stored (0019)
			name = CASE WHEN excluded.name <> '' AND (excluded.roster_named = 1 OR excluded.profile_at >= people.profile_at)
				THEN excluded.name ELSE people.name END,
			roster_named = excluded.roster_named,
			-- Slack's zone as the import's users.list read it, unless a
			-- profile newer than that read is stored: the read may take
			-- minutes before the write, while the bot stores user_changes;
			-- a file without Slack's zone keeps the one Slack gave
			tz = excluded.tz, slack_tz = CASE WHEN excluded.slack_tz <> '' AND excluded.profile_at >= people.profile_at
				THEN excluded.slack_tz ELSE people.slack_tz END,
			profile_at = CASE WHEN excluded.slack_tz <> '' AND excluded.profile_at > people.profile_at
				THEN excluded.profile_at ELSE people.profile_at END,
			roles = excluded.roles, manager_id = excluded.manager_id,
			tier = excluded.tier, since = excluded.since, since_at = excluded.since_at,
			-- a file without a cadence keeps one set with /coach cadence
			cadence_days = CASE WHEN excluded.cadence_days > 0 THEN excluded.cadence_days ELSE people.cadence_days END,
			active = 1, in_roster = 1, updated_at = excluded.updated_at`
	historyQuery = `INSERT INTO reporting_history (person_id, valid_from, manager_id, tier, active)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (person_id, valid_from) DO UPDATE SET
		manager_id = excluded.manager_id, tier = excluded.tier, active = excluded.active`
	deactivateQuery = `UPDATE people SET active = 0, updated_at = ? WHERE id = ?`
	clearEmailQuery = `UPDATE people SET email = '', email_by_roster = 0, updated_at = ? WHERE id = ?`
)

func (t *tx) putRosterPerson(ctx context.Context, p, old coaching.Person, exists bool, today coaching.Date) error {
	now := t.now()
	since, at, kept := rosterSince(p, old, exists)
	sinceAt := ms(at)
	if !kept {
		since, sinceAt = today, now
	}
	var manager any
	if p.ManagerID != "" {
		manager = p.ManagerID
	}
	_, err := t.q.ExecContext(ctx, putPersonQuery,
		p.ID, strings.ToLower(p.Email), p.Name, p.TZ, p.SlackTZ, strings.Join(p.Roles, "+"), manager, p.Tier, p.CadenceDays,
		since.String(), sinceAt, b2i(p.RosterNamed), ms(p.ProfileAt), now, now, now,
		b2i(p.Email != "" && !p.EmailFromSlack), b2i(p.EmailFromSlack))
	if err != nil {
		return fmt.Errorf("store %s: %w", p.ID, err)
	}
	if exists && old.InRoster && old.Active && old.ManagerID == p.ManagerID && old.Tier == p.Tier {
		return nil
	}
	return t.history(ctx, p.ID, today, p.ManagerID, p.Tier, true)
}

func (t *tx) history(ctx context.Context, id string, from coaching.Date, managerID string, tier coaching.Tier, active bool) error {
	var manager any
	if managerID != "" {
		manager = managerID
	}
	_, err := t.q.ExecContext(ctx, historyQuery,
		id, from.String(), manager, tier, b2i(active))
	if err != nil {
		return fmt.Errorf("record reporting line of %s: %w", id, err)
	}
	return nil
}

// Reporting is a person's manager and tier from a date on.
type Reporting struct {
	ValidFrom coaching.Date
	ManagerID string
	Tier      coaching.Tier
	Active    bool
}

// ReportingHistory lists a person's reporting lines, oldest first.
func (s *Store) ReportingHistory(ctx context.Context, id string) ([]Reporting, error) {
	rows, err := s.rq.QueryContext(ctx, `SELECT valid_from, coalesce(manager_id, ''), tier, active FROM reporting_history
		WHERE person_id = ? ORDER BY valid_from`, id)
	if err != nil {
		return nil, fmt.Errorf("read reporting history of %s: %w", id, err)
	}
	defer rows.Close()
	var out []Reporting
	for rows.Next() {
		var r Reporting
		var from string
		if err := rows.Scan(&from, &r.ManagerID, &r.Tier, &r.Active); err != nil {
			return nil, fmt.Errorf("read reporting history of %s: %w", id, err)
		}
		r.ValidFrom = parseDate(from)
		out = append(out, r)
	}
	return out, rows.Err()
}
