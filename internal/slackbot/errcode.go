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

// NeededScope is the scope Slack says a refused call needed, in a
// missing_scope answer's needed field (chat:write), "" when it said none.
func NeededScope(err error) string {
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok && se.Err == "missing_scope" {
		return se.Needed
	}
	return ""
}
