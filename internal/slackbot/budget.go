package slackbot

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
)

// messageText is the block text a message built from lists of any length
// keeps under: Slack answers msg_blocks_too_long past about 11,000
// characters of it (SLACK-NOTES.md; undocumented, seen refused at 11,341 in
// github.com/slackapi/bolt-js/issues/2867), and the margin covers Slack
// counting a little differently from blockText.
const messageText = 10000

// blockText counts the characters of the text objects in blocks, as Slack
// counts them towards msg_blocks_too_long.
func blockText(blocks ...slack.Block) int {
	raw, err := json.Marshal(blocks)
	if err != nil {
		return 0 // slack-go's blocks always marshal
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0
	}
	return textIn(v)
}

func textIn(v any) int {
	n := 0
	switch x := v.(type) {
	case map[string]any:
		if t, _ := x["type"].(string); t == "plain_text" || t == "mrkdwn" {
			if s, ok := x["text"].(string); ok {
				n += utf8.RuneCountInString(s)
			}
		}
		for _, y := range x {
			n += textIn(y)
		}
	case []any:
		for _, y := range x {
			n += textIn(y)
		}
	}
	return n
}

// namedReps is how many reps a line about a group session names before
// saying how many others there are: a 50-rep team meeting named in full
// takes about 800 characters, and ten such lines fill a message.
const namedReps = 3

// fewMentions names ids as mentions does, but past namedReps+1 only the
// first namedReps and how many others; first, when among ids, is named
// first (the rep a list is about).
func fewMentions(ids []string, first string) string {
	if len(ids) <= namedReps+1 {
		return mentions(ids)
	}
	if i := slices.Index(ids, first); i > 0 {
		ids = append([]string{first}, slices.Delete(slices.Clone(ids), i, i+1)...)
	}
	parts := make([]string, namedReps)
	for i, id := range ids[:namedReps] {
		parts[i] = mention(id)
	}
	return fmt.Sprintf("%s and %d others", strings.Join(parts, ", "), len(ids)-namedReps)
}

// shortSummary is summary naming a group's reps with fewMentions, repID
// among those named: a line in a list, where ten sessions share a message.
func shortSummary(s coaching.Session, repID string) string {
	return summaryNaming(s, fewMentions(s.ActiveRepIDs(), repID))
}
