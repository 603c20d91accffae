// Package roster reads the roster CSV an admin imports: who is in the sales
// organisation, their roles, tiers and who they report to. Imports are
// all-or-nothing, so the whole file is checked before anything is written.
// With a Slack directory, every row is checked against Slack's member list
// in one pass: rows that give only an email are resolved to their Slack id,
// a slack_id that is a bot, deactivated, of another organisation or not in
// the workspace is a bad line, and everyone gets their Slack time zone. The package hands people
// back to the caller, which stores them in one transaction; it never
// touches a database itself.
package roster

import (
	"context"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// Entry is one checked row of a roster file, before its Slack id (for
// email-only rows) and its manager's id are known.
type Entry struct {
	Line        int    // 1-based, the header being line 1, as a spreadsheet shows it
	SlackID     string // empty when the row gives only an email
	Email       string // lower-cased
	Name        string
	Roles       []string // coaching.PersonRep and friends, at least one
	ManagerRef  string   // slack_id or lower-cased email of another row; empty at the top
	Tier        coaching.Tier
	TZ          string        // IANA name; empty means the Slack profile's
	CadenceDays int           // 0: the default cadence
	Since       coaching.Date // zero when the file gives none: the store keeps a known person's date, else uses the import date
}

// Directory lists the workspace's members once (Slack's paged users.list),
// deactivated ones and bots included, so that the roster can tell them from
// people. It is defined here, where it is used, so the roster needs no Slack
// client.
type Directory interface {
	Members(ctx context.Context) ([]Member, error)
}

// Member is a workspace member as the Directory reports it. IsBot is true
// for Slackbot too, which Slack itself lists with is_bot false. External
// is someone of another organisation (Slack Connect), should Slack list
// one. ProfileAt is when Slack's answer was true (its user object's
// `updated`), so the store can tell it from a newer profile
// (coaching.Person.ProfileAt).
type Member struct {
	ID, Email, Name, TZ      string
	IsBot, Deleted, External bool
	ProfileAt                time.Time
}

// Load reads, checks and resolves a whole roster file: Parse, then Resolve.
// today is the import date. The people come back in file order.
func Load(ctx context.Context, r io.Reader, today coaching.Date, dir Directory) ([]coaching.Person, error) {
	entries, err := Parse(r, today)
	if err != nil {
		return nil, err
	}
	return Resolve(ctx, entries, dir)
}

// person is e as a roster member; its ManagerID is filled by Resolve.
func (e Entry) person() coaching.Person {
	return coaching.Person{
		ID:          e.SlackID,
		Email:       strings.ToLower(e.Email),
		Name:        e.Name,
		RosterNamed: e.Name != "", // resolving may fill Name from Slack; this says the file gave it
		TZ:          e.TZ,
		Roles:       slices.Clone(e.Roles),
		Tier:        e.Tier,
		CadenceDays: e.CadenceDays,
		Since:       e.Since,
		Active:      true,
		InRoster:    true,
	}
}

// label names the row's person in messages about other rows.
func (e Entry) label() string {
	for _, s := range []string{e.Name, e.SlackID, e.Email} {
		if s != "" {
			return s
		}
	}
	return "?"
}
