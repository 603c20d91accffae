package roster

import (
	"context"
	"fmt"
	"strings"

	"github.com/coachlog/coachlog/internal/coaching"
)

// Resolve turns checked entries into people: email-only rows get their Slack
// id from dir, managers are resolved to ids, and unknown managers and
// reporting cycles are rejected (again, so entries not built by Parse are
// safe too). With a dir, it is asked once, whatever the file holds, and
// every row is checked against it: a slack_id must be a live human member
// of the workspace (not a bot, not deactivated, not of another
// organisation), like an email; everyone
// gets their Slack time zone, and the name and email where the file gives
// none.
// Without one, slack_ids are taken as the file gives them and email-only
// rows are refused. People come back in entry order, active and in the
// roster.
func Resolve(ctx context.Context, entries []Entry, dir Directory) ([]coaching.Person, error) {
	var errs Errors
	checkReporting(entries, &errs)
	if err := errs.OrNil(); err != nil {
		return nil, err
	}
	people := make([]coaching.Person, len(entries))
	for i, e := range entries {
		people[i] = e.person()
	}
	if dir == nil {
		if lines := emailOnlyLines(entries); len(lines) > 0 {
			verb := "gives"
			if len(lines) > 1 {
				verb = "give"
			}
			return nil, fmt.Errorf("%s %s an email but no slack_id: %w", describeLines(lines), verb, ErrNoDirectory)
		}
	} else {
		members, err := dir.Members(ctx)
		if err != nil {
			return nil, fmt.Errorf("list Slack members to check the roster: %w", err)
		}
		if err := fillFromMembers(people, entries, members); err != nil {
			return nil, err
		}
	}
	ix := newIndex(entries)
	for i, e := range entries {
		if e.ManagerRef != "" {
			people[i].ManagerID = people[ix[e.ManagerRef]].ID
		}
	}
	return people, nil
}

func emailOnlyLines(entries []Entry) []int {
	var lines []int
	for _, e := range entries {
		if e.SlackID == "" {
			lines = append(lines, e.Line)
		}
	}
	return lines
}

// fillFromMembers checks every row against the directory: email-only people
// get their Slack id, a slack_id must be a live human member, and everyone
// gets their Slack time zone and, where the file has none, name. Each bad
// row is a problem on its line, so nothing is written.
func fillFromMembers(people []coaching.Person, entries []Entry, members []Member) error {
	dir := newMemberIndex(members)
	given := map[string]int{} // slack ids the file names, to their lines
	for _, e := range entries {
		if e.SlackID != "" {
			given[e.SlackID] = e.Line
		}
	}
	var errs Errors
	for i, e := range entries {
		p := &people[i]
		if e.SlackID != "" {
			m, err := dir.byID(e.SlackID)
			if err != nil {
				errs.Add(e.Line, colSlackID, "%s", err.Error())
				continue
			}
			// An address that is someone else's in Slack is a slip in one of
			// the two columns; kept, a performance file naming that address
			// would credit this person. One Slack does not know may be an
			// alias, and stands.
			if other, ok := dir.emails[p.Email]; ok && p.Email != "" && live(other) && other.ID != m.ID {
				errs.Add(e.Line, colEmail, "%s is the email of Slack user %s (%s), not of %s; correct the slack_id or the email",
					p.Email, other.ID, other.Name, e.SlackID)
				continue
			}
			fill(p, m)
			continue
		}
		m, err := dir.byEmail(p.Email)
		if err != nil {
			errs.Add(e.Line, colEmail, "%s", err.Error())
			continue
		}
		if line, ok := given[m.ID]; ok {
			errs.Add(e.Line, colEmail, "%s is Slack user %s, who is also on line %d", p.Email, m.ID, line)
			continue
		}
		p.ID = m.ID
		fill(p, m)
	}
	return errs.OrNil()
}

// fill gives p what Slack knows of them: their time zone, and their name
// and email where the file gives none, with when Slack said so. The email
// lets a performance file name someone the roster gave only a slack_id.
func fill(p *coaching.Person, m Member) {
	p.SlackTZ, p.ProfileAt = m.TZ, m.ProfileAt
	if p.Name == "" {
		p.Name = m.Name
	}
	if email := strings.ToLower(strings.TrimSpace(m.Email)); p.Email == "" && email != "" {
		p.Email, p.EmailFromSlack = email, true
	}
}

// memberIndex is the directory keyed both ways.
type memberIndex struct {
	ids, emails map[string]Member
}

func newMemberIndex(members []Member) memberIndex {
	ix := memberIndex{ids: map[string]Member{}, emails: map[string]Member{}}
	for _, m := range members {
		ix.ids[m.ID] = m
		key := strings.ToLower(strings.TrimSpace(m.Email))
		// A deactivated account may share an address with its live successor;
		// the live one is the person meant.
		if old, seen := ix.emails[key]; key != "" && (!seen || !live(old)) {
			ix.emails[key] = m
		}
	}
	return ix
}

func live(m Member) bool { return !m.Deleted && !m.IsBot && !m.External }

// byID finds the live human with this Slack id. A bot or a deactivated
// account would be nudged and counted as a person who never answers;
// someone of another organisation would be DMed the company's coaching.
func (ix memberIndex) byID(id string) (Member, error) {
	m, ok := ix.ids[id]
	switch {
	case !ok:
		return Member{}, fmt.Errorf("%s is not in this Slack workspace", id)
	case m.Deleted:
		return Member{}, fmt.Errorf("%s is deactivated in Slack", id)
	case m.IsBot:
		return Member{}, fmt.Errorf("%s is a bot, not a person", id)
	case m.External:
		return Member{}, fmt.Errorf("%s is outside your company (Slack Connect), not one of its people", id)
	}
	return m, nil
}

// byEmail finds the live human with this address. The messages say why an
// address did not resolve, so an admin knows whether to fix the file or Slack.
func (ix memberIndex) byEmail(email string) (Member, error) {
	m, ok := ix.emails[email]
	switch {
	case ok && m.Deleted:
		return Member{}, fmt.Errorf("%s belongs to a deactivated Slack user", email)
	case ok && m.IsBot:
		return Member{}, fmt.Errorf("%s belongs to a bot, not a person", email)
	case ok && m.External:
		return Member{}, fmt.Errorf("%s belongs to someone outside your company (Slack Connect)", email)
	case ok:
		return m, nil
	case len(ix.emails) == 0:
		// Slack hides every email from a bot without this scope.
		return Member{}, fmt.Errorf("%s not found: Slack showed no member emails at all; the bot needs the users:read.email scope", email)
	}
	return Member{}, fmt.Errorf("%s is not the email of any member of this Slack workspace", email)
}
