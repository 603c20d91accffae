// Package slacktext holds what Slack does to the text it sends that more
// than one package must undo: the slash command's reader (slackbot), the
// quick-capture line's length check (quickcapture), the model's word check
// (llm) and the demo's transcript. Those import each other (slackbot
// imports llm, llm imports quickcapture), so the one copy lives in a leaf
// of the standard library that any of them may import.
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
