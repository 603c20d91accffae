// Package slacktext holds Slack's escaping of its three control
// characters, which more than one package must undo (the slash command's
// reader in slackbot, the quick-capture line's length check, the model's
// word check in llm, the demo's transcript) or do (slackbot's messages,
// the digest's). Those import each other (slackbot imports llm, llm
// imports quickcapture), so the one copy lives in a leaf of the standard
// library that any of them may import.
package slacktext

import "strings"

// entities are the only three Slack encodes in the text it sends: &, < and
// > are its control characters (api.slack.com/reference/surfaces/formatting,
// "Escaping text").
var entities = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// Unescape turns Slack's &amp;, &lt; and &gt; back into &, < and >, in one
// pass: "&amp;lt;" is what someone who typed "&lt;" sends, and must stay
// "&lt;". Mentions and links (<@U123|sam>) are left as they are.
func Unescape(s string) string { return entities.Replace(s) }

// escapes are the three Slack asks to be escaped in text it renders as
// mrkdwn, for the same reason.
var escapes = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Escape makes s show as written in mrkdwn: what someone typed, a name,
// never read as a mention, a link or a channel. Text with none of the
// three comes back as it is, without a copy.
func Escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	return escapes.Replace(s)
}
