package main

import (
	"strings"
	"testing"
)

// Each token mistake an admin makes stops the start with one line naming
// the variable and saying what to do, never echoing the token. A token
// wrapped in quotes (docker's --env-file and Kubernetes' env files keep
// them: SLACK_BOT_TOKEN="xoxb-…") was told to start with "xoxb-", which it
// visibly does.
func TestEachTokenMistakeIsOneLineNamingTheVariable(t *testing.T) {
	t.Parallel()
	const secret = "1234-secret"
	for _, tt := range []struct {
		name, app, bot string
		want           string
	}{
		{"no app token", "", "xoxb-" + secret, "SLACK_APP_TOKEN: missing; set it to the Slack app-level token (xapp-...)"},
		{"no bot token", "xapp-" + secret, "", "SLACK_BOT_TOKEN: missing; set it to the Slack bot token (xoxb-...)"},
		{"the two swapped", "xoxb-" + secret, "xapp-" + secret, "SLACK_APP_TOKEN: holds a xoxb... token; it needs the app-level token (xapp-...) from Basic Information > App-Level Tokens"},
		{"an app token as the bot's", "xapp-" + secret, "xapp-" + secret, "SLACK_BOT_TOKEN: holds an app-level token (xapp-); it needs the bot token (xoxb-...)"},
		{"a user token", "xapp-" + secret, "xoxp-" + secret, `SLACK_BOT_TOKEN: must be a Slack bot token starting with "xoxb-"`},
		{"double quotes", "xapp-" + secret, `"xoxb-` + secret + `"`, "SLACK_BOT_TOKEN: is wrapped in quotes, which are not part of the value (an env file read as it is, such as docker's --env-file, keeps them): remove them"},
		{"single quotes", "'xapp-" + secret + "'", "xoxb-" + secret, "SLACK_APP_TOKEN: is wrapped in quotes, which are not part of the value (an env file read as it is, such as docker's --env-file, keeps them): remove them"},
	} {
		vars := map[string]string{"SLACK_APP_TOKEN": tt.app, "SLACK_BOT_TOKEN": tt.bot}
		_, err := loadConfig(func(k string) string { return vars[k] }, needs{appToken: true, botToken: true})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: %v\nwant %s", tt.name, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("%s: the error echoes the token: %v", tt.name, err)
		}
	}
}

// Any setting wrapped in quotes is said to be, naming it, never echoing its
// value: an env file read as it is keeps the quotes of
// COACHLOG_TIMEZONE="Europe/Paris" ("unknown time zone" named a zone that
// looked right), COACHLOG_DB="coachlog.db" (a database file whose name
// held the quotes, created without a word) and OPENAI_API_KEY='sk-…' (an
// LLM that answered 401 at the first digest).
func TestAnySettingWrappedInQuotesIsSaidToBe(t *testing.T) {
	t.Parallel()
	const secret = "sk-1234-secret"
	for _, name := range []string{"COACHLOG_TIMEZONE", "COACHLOG_DB", "OPENAI_API_KEY", "COACHLOG_DIGEST_SCHEDULE", "COACHLOG_NUDGE_HOUR"} {
		good := map[string]string{"COACHLOG_TIMEZONE": "Europe/Paris", "COACHLOG_DB": "coachlog.db", "OPENAI_API_KEY": secret,
			"COACHLOG_DIGEST_SCHEDULE": "0 8 * * MON", "COACHLOG_NUDGE_HOUR": "9"}
		for _, q := range []string{`"`, `'`} {
			vars := map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1"}
			for k, v := range good {
				vars[k] = v
			}
			vars[name] = q + good[name] + q
			_, err := loadConfig(func(k string) string { return vars[k] }, needs{appToken: true, botToken: true})
			want := name + ": is wrapped in quotes, which are not part of the value (an env file read as it is, such as docker's --env-file, keeps them): remove them"
			if err == nil || err.Error() != want {
				t.Errorf("%s=%s…%s: %v\nwant %s", name, q, q, err, want)
			}
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Errorf("%s: the error echoes the value: %v", name, err)
			}
		}
	}
}
