package performance

import (
	"io"

	"github.com/coachlog/coachlog/internal/coaching"
)

// Resolve turns checked entries into performance records, finding each rep
// among people (everyone Coachlog knows) by Slack id or email. A rep nobody
// knows is an error on their line: import the roster first. An email is
// the active person's who has it: someone a roster dropped keeps their
// address with their history, and a later roster may give it to someone
// else. Two active people with one address, or only deactivated ones,
// are an error: give the Slack id. Two rows that name the same person for
// the same month, one by id and one by email, are an error too.
func Resolve(entries []Entry, people []coaching.Person) ([]coaching.Attainment, error) {
	byID := make(map[string]bool, len(people))
	byEmail := make(map[string][]string, len(people))
	active := map[string][]string{} // byEmail, but only the active
	for _, p := range people {
		byID[p.ID] = true
		if p.Email != "" {
			byEmail[p.Email] = append(byEmail[p.Email], p.ID)
			if p.Active {
				active[p.Email] = append(active[p.Email], p.ID)
			}
		}
	}
	for email, ids := range active {
		if len(ids) == 1 {
			byEmail[email] = ids
		}
	}
	type key struct {
		id    string
		month coaching.Month
	}
	seen := map[key]int{}
	var errs Errors
	out := make([]coaching.Attainment, 0, len(entries))
	for _, e := range entries {
		id := e.RepRef
		switch ids := byEmail[e.RepRef]; {
		case len(ids) == 1:
			id = ids[0]
		case len(ids) > 1:
			errs.Add(e.Line, colRep, "%s is the email of %d people; give the Slack id", e.RepRef, len(ids))
			continue
		case !byID[id]:
			errs.Add(e.Line, colRep, "%s is not known to Coachlog; import the roster first, or check the id or email", e.RepRef)
			continue
		}
		k := key{id, e.Month}
		if first, ok := seen[k]; ok {
			errs.Add(e.Line, colRep, "%s is the same rep as on line %d, for the same month %s", e.RepRef, first, e.Month)
			continue
		}
		seen[k] = e.Line
		out = append(out, coaching.Attainment{RepID: id, Month: e.Month, Percent: e.Attainment})
	}
	if err := errs.OrNil(); err != nil {
		return nil, err
	}
	return out, nil
}

// Load reads, checks and resolves a whole file: Parse, then Resolve.
func Load(r io.Reader, thisMonth coaching.Month, people []coaching.Person) ([]coaching.Attainment, error) {
	entries, err := Parse(r, thisMonth)
	if err != nil {
		return nil, err
	}
	return Resolve(entries, people)
}
