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
// safe too). dir is asked once, and only when some row lacks a slack_id;
// then it also fills in the Slack time zone, and the name where the file
// gives none. People come back in entry order, active and in the roster.
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
	if lines := emailOnlyLines(entries); len(lines) > 0 {
		if dir == nil {
			verb := "gives"
			if len(lines) > 1 {
				verb = "give"
			}
			return nil, fmt.Errorf("%s %s an email but no slack_id: %w", describeLines(lines), verb, ErrNoDirectory)
		}
		members, err := dir.Members(ctx)
		if err != nil {
			return nil, fmt.Errorf("list Slack members to resolve roster emails: %w", err)
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

// fillFromMembers gives email-only people their Slack id, and everyone found
// in the directory their Slack time zone and, where the file has none, name.
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
		if e.SlackID == "" {
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
		}
		if m, ok := dir.ids[p.ID]; ok {
			p.SlackTZ = m.TZ
			if p.Name == "" {
				p.Name = m.Name
			}
		}
	}
	return errs.OrNil()
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

func live(m Member) bool { return !m.Deleted && !m.IsBot }

// byEmail finds the live human with this address. The messages say why an
// address did not resolve, so an admin knows whether to fix the file or Slack.
func (ix memberIndex) byEmail(email string) (Member, error) {
	m, ok := ix.emails[email]
	switch {
	case ok && m.Deleted:
		return Member{}, fmt.Errorf("%s belongs to a deactivated Slack user", email)
	case ok && m.IsBot:
		return Member{}, fmt.Errorf("%s belongs to a bot, not a person", email)
	case ok:
		return m, nil
	case len(ix.emails) == 0:
		// Slack hides every email from a bot without this scope.
		return Member{}, fmt.Errorf("%s not found: Slack showed no member emails at all; the bot needs the users:read.email scope", email)
	}
	return Member{}, fmt.Errorf("%s is not the email of any member of this Slack workspace", email)
}
