package roster

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/coachlog/coachlog/internal/coaching"
)

// A roster file is the whole roster, so everyone it leaves out is
// deactivated. A file that holds only part of the company (one team's
// export, a file cut short by a spreadsheet, the old file of a
// reorganised division) would take hundreds off the roster at once:
// their nudges stop, they drop out of every figure and the admin rights
// the roster gave end. An import that leaves out at least manyMissing
// people and more than a third of those on the roster is refused unless
// the admin confirms it; leavers and small reorganisations stay far
// below both.
const manyMissing = 25

// MissingNamed is how many of the people left out the refusal names, so
// that the admin recognises the file's mistake (one team's people, the
// second half of the alphabet) without a page of names.
const MissingNamed = 5

// TooManyMissingError refuses an import that would deactivate many of
// the people on the roster (CheckMissing).
type TooManyMissingError struct {
	Missing  []coaching.Person // by name (id where none), then id
	OnRoster int               // active on the roster before the import
}

func (e *TooManyMissingError) Error() string {
	names := make([]string, 0, MissingNamed)
	for _, p := range e.Missing[:min(len(e.Missing), MissingNamed)] {
		names = append(names, personRef(p))
	}
	list := strings.Join(names, ", ")
	if more := len(e.Missing) - len(names); more > 0 {
		list += " and " + coaching.Count(more) + " more"
	}
	return fmt.Sprintf("the file leaves out %s of the %s people on the roster (%s), and a roster file is the whole roster: "+
		"importing it would deactivate them all (their history is kept; their nudges, figures and roles end). "+
		"If the file holds only part of the company (one team's export, a file cut short), import the whole roster "+
		"(coachlog roster export writes the one Coachlog has, to edit); "+
		"if they have all left, import it again with --confirm-deactivations",
		coaching.Count(len(e.Missing)), coaching.Count(e.OnRoster), list)
}

// byName orders people as a person looks for them in a list: by name,
// any case, the id standing for a missing name, then by id.
func byName(a, b coaching.Person) int {
	return cmp.Or(cmp.Compare(strings.ToLower(personRef(a)), strings.ToLower(personRef(b))), cmp.Compare(a.ID, b.ID))
}

// personRef is how a list names someone: "Ana Diaz (U01ANA)", or the id
// alone when there is no name.
func personRef(p coaching.Person) string {
	if p.Name == "" || p.Name == p.ID {
		return p.ID
	}
	return p.Name + " (" + p.ID + ")"
}

// CheckMissing refuses, with a *TooManyMissingError, an import that would
// deactivate missing, the people active on the roster whom the file
// leaves out, when they are many (manyMissing) and more than a third of
// the onRoster people active on it. It sorts missing.
func CheckMissing(missing []coaching.Person, onRoster int) error {
	if len(missing) < manyMissing || 3*len(missing) <= onRoster {
		return nil
	}
	slices.SortFunc(missing, byName)
	return &TooManyMissingError{Missing: missing, OnRoster: onRoster}
}

// LeftOut is the people active on the roster whom no entry names, by
// slack_id or by email, and how many are active on it: read before Slack
// resolves the file's emails, for CheckMissing to refuse a file at once
// rather than after users.list (minutes on a large workspace). Each of
// them is left out whatever Slack says (an email can only resolve to
// someone else), so a file refused here is refused after; the import's
// own check, on what Slack resolved, may find a few more.
func LeftOut(entries []Entry, people []coaching.Person) (missing []coaching.Person, onRoster int) {
	named := make(map[string]bool, 2*len(entries))
	for _, e := range entries {
		if e.SlackID != "" {
			named[e.SlackID] = true
		}
		if e.Email != "" {
			named[e.Email] = true // lower-cased by Parse
		}
	}
	for _, p := range people {
		if !p.InRoster || !p.Active {
			continue
		}
		onRoster++
		if !named[p.ID] && (p.Email == "" || !named[strings.ToLower(p.Email)]) {
			missing = append(missing, p)
		}
	}
	return missing, onRoster
}
