package fakeslack

import "context"

// TokensRevoked revokes the bot token (every call with it answers
// token_revoked from now on) and sends tokens_revoked, as Slack does to an
// app subscribed to it: the inner event's tokens lists, by kind, the user
// ids whose tokens went, here the bot user's under "bot"
// (https://docs.slack.dev/reference/events/tokens_revoked:
// {"type":"tokens_revoked","tokens":{"oauth":["UXXXXXXXX"],"bot":["UXXXXXXXX"]}}).
// oauth lists the users whose user tokens were revoked, none by default.
func (s *Server) TokensRevoked(ctx context.Context, oauth ...string) (string, error) {
	s.RevokeToken()
	tokens := map[string]any{"bot": []string{s.botUserID}}
	if len(oauth) > 0 {
		tokens["oauth"] = oauth
	}
	return s.Event(ctx, map[string]any{"type": "tokens_revoked", "tokens": tokens})
}

// UserTokensRevoked sends tokens_revoked for user tokens alone (the
// "oauth" kind), which leaves the bot token working.
func (s *Server) UserTokensRevoked(ctx context.Context, users ...string) (string, error) {
	return s.Event(ctx, map[string]any{"type": "tokens_revoked", "tokens": map[string]any{"oauth": users}})
}

// AppUninstalled revokes the bot token and sends app_uninstalled, as Slack
// does when the app is removed from the workspace: the inner event is its
// type alone, the envelope's team_id naming the workspace
// (https://api.slack.com/events/app_uninstalled:
// {"type":"app_uninstalled"}). Slack sends tokens_revoked too, in no
// set order; this sends only app_uninstalled.
func (s *Server) AppUninstalled(ctx context.Context) (string, error) {
	s.RevokeToken()
	return s.Event(ctx, map[string]any{"type": "app_uninstalled"})
}
