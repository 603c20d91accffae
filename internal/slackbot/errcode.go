package slackbot

import (
	"errors"

	"github.com/slack-go/slack"
)

// SlackErrorCode is Slack's error code in err (token_revoked,
// channel_not_found...), "" when err is not an answer from Slack. Codes
// come from Slack's fixed vocabulary, so they may be shown to operators
// where raw error text may not.
func SlackErrorCode(err error) string {
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		return se.Err
	}
	return ""
}
