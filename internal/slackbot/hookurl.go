package slackbot

import (
	"errors"
	"net/url"
)

// errNotSlackHook refuses a response_url on a host Slack gives none on.
var errNotSlackHook = errors.New("post to response_url refused: not a Slack response_url (hooks.slack.com, or SLACK_API_URL's host)")

// slackHook reports whether raw is a response_url Slack could have given:
// https on hooks.slack.com (hooks.slack-gov.com on GovSlack), or on the
// host SLACK_API_URL names (a fake Slack, a proxy in front of Slack). A
// response_url comes back to the bot in a form's private_metadata, where
// the bot put it; checked before every post, a value altered there (a
// replay, a bug) cannot make the bot POST a receipt to an address inside
// the network (no token goes with it, but the request is the bot's).
func (b *Bot) slackHook(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.User != nil {
		return false
	}
	if u.Scheme == "https" && (u.Host == "hooks.slack.com" || u.Host == "hooks.slack-gov.com") {
		return true
	}
	api, err := url.Parse(b.apiURL)
	return err == nil && b.apiURL != "" && u.Scheme == api.Scheme && u.Host == api.Host
}
