package fakeslack

import (
	"context"
	"fmt"
	"time"
)

// MigrateToGrid moves the workspace into the Enterprise Grid organisation
// enterpriseID while the bot runs, as Slack's migration does: from now on
// auth.test names the organisation (enterprise_id) and the workspace's
// users carry it (enterprise_user), with their team_id unchanged. It
// sends nothing: GridMigrationFinished tells the app, as Slack does when
// the migration ends.
func (s *Server) MigrateToGrid(enterpriseID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.enterpriseID = enterpriseID
}

// GridMigrationFinished sends grid_migration_finished, which Slack sends an
// app subscribed to it (no scope needed) when the workspace it is
// installed in has been migrated into an Enterprise Grid organisation: the
// inner event names only the organisation, the wrapper's team_id the
// workspace (https://docs.slack.dev/reference/events/grid_migration_finished/).
// It names the organisation MigrateToGrid gave the workspace.
func (s *Server) GridMigrationFinished(ctx context.Context, opts ...EnvelopeOption) (string, error) {
	s.mu.Lock()
	ent := s.enterpriseID
	s.mu.Unlock()
	if ent == "" {
		return "", fmt.Errorf("grid_migration_finished: the workspace is in no organisation (MigrateToGrid first)")
	}
	return s.Event(ctx, map[string]any{"type": "grid_migration_finished", "enterprise_id": ent}, opts...)
}

// AppRateLimited sends app_rate_limited, which Slack sends any app, without
// a subscription, when it limits the events it delivers from the
// workspace (more than 30,000 an hour, or too many not answered): no inner
// event and no event_id, the minute the limit began in
// minute_rate_limited, a Unix time rounded to the minute
// (https://docs.slack.dev/reference/events/app_rate_limited/).
func (s *Server) AppRateLimited(ctx context.Context, since time.Time, opts ...EnvelopeOption) (string, error) {
	payload := map[string]any{
		"token": VerificationToken, "type": "app_rate_limited", "team_id": s.teamID,
		"minute_rate_limited": since.Truncate(time.Minute).Unix(), "api_app_id": s.appID,
	}
	s.mu.Lock()
	return s.sendLocked(ctx, "events_api", payload, &envelope{}, newEnvelopeConfig(opts))
}
