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
func (s *Store) UpsertPerson(ctx context.Context, p coaching.Person) (bool, error) {
	now := ms(s.now())
	var expires int64
	if !p.Status.Expires.IsZero() {
		expires = p.Status.Expires.Unix()
	}
	res, err := s.execW(ctx, `INSERT INTO people (id, email, name, slack_tz, is_bot, deleted, is_external, resolved_at,
			status_text, status_emoji, status_expiration, profile_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			email = CASE WHEN excluded.email <> '' THEN excluded.email ELSE people.email END,
			-- the roster's name, when it gave one, wins (migration 0017)
			name = CASE WHEN excluded.name <> '' AND people.roster_named = 0 THEN excluded.name ELSE people.name END,
			slack_tz = excluded.slack_tz, is_bot = excluded.is_bot, deleted = excluded.deleted, is_external = excluded.is_external,
			resolved_at = excluded.resolved_at, status_text = excluded.status_text,
			status_emoji = excluded.status_emoji, status_expiration = excluded.status_expiration,
			profile_at = excluded.profile_at, updated_at = excluded.updated_at
		WHERE excluded.profile_at >= people.profile_at`,
		p.ID, strings.ToLower(p.Email), p.Name, p.SlackTZ, b2i(p.IsBot), b2i(p.Deleted), b2i(p.External), ms(p.ResolvedAt),
		p.Status.Text, p.Status.Emoji, expires, ms(p.ProfileAt), now, now)
	if err != nil {
		return false, fmt.Errorf("store profile of %s: %w", p.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store profile of %s: %w", p.ID, err)
	}
	return n > 0, nil
}
