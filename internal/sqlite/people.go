package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/coachlog/coachlog/internal/coaching"
)

// UpsertPerson records what Slack says about someone (name, email, time zone,
// bot, deactivated or of another organisation, status), leaving the roster's fields alone. Slack
// retries an event it thinks undelivered and may deliver it after a newer
// one, and a users.info read may answer before a user_change committed
// meanwhile is stored: a profile older than the one stored (ProfileAt
// before profile_at) changes nothing and reports false. A tie applies:
// Slack's times are whole seconds, and two profiles of the same second
// cannot be told apart.
//
// Slack gives an address to one member of a workspace at a time, so the
// address a profile gives is theirs now, and, in the same transaction,
// anyone else stored with it from Slack (their own profile, or an
// import's users.list) loses it: theirs is stale, say an address moved
// to a new hire, and two people with one address would make a
// performance file naming it refused. Not one a roster file gave
// (email_by_roster), which is the admin's word against Slack's, as the
// roster import's check against users.list is: both keep it, and a
// performance file must name them by Slack id until a roster says whose
// it is. Nor one whose holder's profile is newer than this one: Slack's
// late retry does not take back an address since moved.
func (s *Store) UpsertPerson(ctx context.Context, p coaching.Person) (bool, error) {
	email := strings.ToLower(p.Email)
	var applied bool
	err := s.Update(ctx, func(ctx2 coaching.Tx) error {
		t := ctx2.(*tx)
		now := t.now()
		var expires int64
		if !p.Status.Expires.IsZero() {
			expires = p.Status.Expires.Unix()
		}
		res, err := t.q.ExecContext(ctx, upsertProfileQuery,
			p.ID, email, p.Name, p.SlackTZ, b2i(p.IsBot), b2i(p.Deleted), b2i(p.External), p.TeamID, ms(p.ResolvedAt),
			p.Status.Text, p.Status.Emoji, expires, ms(p.ProfileAt), now, now)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		applied = n > 0
		if !applied || email == "" {
			return nil
		}
		_, err = t.q.ExecContext(ctx, staleEmailQuery, now, email, p.ID, ms(p.ProfileAt))
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store profile of %s: %w", p.ID, err)
	}
	return applied, nil
}

const (
	upsertProfileQuery = `INSERT INTO people (id, email, name, slack_tz, is_bot, deleted, is_external, team_id, resolved_at,
			status_text, status_emoji, status_expiration, profile_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			email = CASE WHEN excluded.email <> '' THEN excluded.email ELSE people.email END,
			-- an address Slack gives is Slack's, whoever gave it before
			email_by_roster = CASE WHEN excluded.email <> '' THEN 0 ELSE people.email_by_roster END,
			-- the roster's name, when it gave one, wins (migration 0017)
			name = CASE WHEN excluded.name <> '' AND people.roster_named = 0 THEN excluded.name ELSE people.name END,
			slack_tz = excluded.slack_tz, is_bot = excluded.is_bot, deleted = excluded.deleted, is_external = excluded.is_external,
			team_id = excluded.team_id,
			resolved_at = excluded.resolved_at, status_text = excluded.status_text,
			status_emoji = excluded.status_emoji, status_expiration = excluded.status_expiration,
			profile_at = excluded.profile_at, updated_at = excluded.updated_at
		WHERE excluded.profile_at >= people.profile_at`
	// staleEmailQuery takes an address Slack now gives someone (the
	// third parameter) from the others who hold it from Slack, by a
	// profile no newer than the one giving it (migration 0024).
	staleEmailQuery = `UPDATE people SET email = '', updated_at = ?
		WHERE email <> '' AND email = ? AND id <> ? AND email_by_roster = 0 AND profile_at <= ?`
)

// RejudgeOutsiders judges again who is stored as of another organisation
// now that the app's workspace, teamID, is known to be in an Enterprise
// Grid organisation (coaching.Store). Someone Slack homes in teamID is the
// company's, whatever their profile named: the verdict, made while the
// workspace knew no organisation (it was migrated into one as the bot
// ran), is cleared. Anyone else stored as of another organisation may be
// of the new one (a sibling workspace migrated with it): their profile is
// made stale, read once but long ago, so that Slack is asked again the
// next time a session names them. It returns how many verdicts it cleared.
func (s *Store) RejudgeOutsiders(ctx context.Context, teamID string) (int64, error) {
	var cleared int64
	err := s.Update(ctx, func(ctx2 coaching.Tx) error {
		t := ctx2.(*tx)
		now := t.now()
		res, err := t.q.ExecContext(ctx, `UPDATE people SET is_external = 0, updated_at = ?
			WHERE is_external = 1 AND team_id <> '' AND team_id = ?`, now, teamID)
		if err != nil {
			return err
		}
		if cleared, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = t.q.ExecContext(ctx, `UPDATE people SET resolved_at = 1, updated_at = ?
			WHERE is_external = 1 AND resolved_at > 1`, now)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("judge again who is of another organisation: %w", err)
	}
	return cleared, nil
}
