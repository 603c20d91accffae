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
// counts them towards msg_blocks_too_long. Every rep DM is measured (it is
// rendered for each submission, on the capture path's CPU), so the blocks
// Coachlog's messages are made of are read directly; any other is counted
// from its JSON.
func blockText(blocks ...slack.Block) int {
	n := 0
	for _, b := range blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			if b.Accessory != nil {
				n += jsonText(b)
				continue
			}
			n += objText(b.Text)
			for _, f := range b.Fields {
				n += objText(f)
			}
		case *slack.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				if t, ok := e.(*slack.TextBlockObject); ok {
					n += objText(t)
				} else {
					n += jsonText(e)
				}
			}
		case *slack.ActionBlock:
			if b.Elements == nil {
				continue
			}
			for _, e := range b.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok {
					n += objText(btn.Text)
					if c := btn.Confirm; c != nil { // every Undo has one: each receipt and history line
						n += objText(c.Title) + objText(c.Text) + objText(c.Confirm) + objText(c.Deny)
					}
				} else {
					n += jsonText(e)
				}
			}
		case *slack.DividerBlock:
		case *slack.HeaderBlock:
			n += objText(b.Text)
		default:
			n += jsonText(b)
		}
	}
	return n
}

// objText is the characters of one text object, none for nil.
func objText(t *slack.TextBlockObject) int {
	if t == nil {
		return 0
	}
	return utf8.RuneCountInString(t.Text)
}

// jsonText counts the text objects anywhere in v's JSON: what blockText
// does not read directly.
func jsonText(v any) int {
	raw, err := json.Marshal(v)
	if err != nil {
		return 0 // slack-go's blocks always marshal
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return 0
	}
	return textIn(tree)
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

// dmCuts say how many characters of each of its longer parts a rep's DM
// shows. Each part has its own cap (a section's 3,000 characters, less for
// a context or a field), and together they can pass what one message
// holds: a 50-rep team meeting's edit, with its change note, full notes,
// twenty commitments and a hundred skills, made 10,714 characters.
type dmCuts struct {
	fewReps bool // the head names a few of the other reps (fewMentions), not all
	change  int  // the change note of an edit
	skills  int  // the focus skills' labels
	// commitments is the rep's commitments, one a line; reason the
	// dispute's reason or the rating's comment, with its lead-in.
	commitments, reason int
}

// fullDM is each part's cap alone; the notes are never cut below theirs
// (3,000, as typed) and never lose their start.
var fullDM = dmCuts{change: 2500, skills: 1900, commitments: 3000, reason: 3000}

// dmMinPart is the least a cut part keeps: enough to say what it was.
const dmMinPart = 100

// dmLengths are the lengths of a DM's parts uncut, as dmCuts counts them.
func dmLengths(s coaching.Session, repID string, skills []coaching.Skill) dmCuts {
	r, _ := s.Rep(repID)
	reason := "What you said: " + r.DisputeReason
	if r.Status == coaching.StatusConfirmed {
		reason = "Your comment: " + r.Comment
	}
	return dmCuts{
		change:      utf8.RuneCountInString(escKeepMentions(ownChangeNote(r))),
		skills:      utf8.RuneCountInString(skillLabels(s.Skills, skills)),
		commitments: utf8.RuneCountInString(commitmentsText(s, repID)),
		reason:      utf8.RuneCountInString(reason),
	}
}

// shorter gives over characters back by cutting the longest parts first,
// all of those cut to one length (no part below dmMinPart): a 1,700
// character change note gives room before 300 characters of commitments
// lose any. length are the parts' lengths uncut.
func (c dmCuts) shorter(length dmCuts, over int) dmCuts {
	parts := []*int{&c.change, &c.skills, &c.commitments, &c.reason}
	full := []int{length.change, length.skills, length.commitments, length.reason}
	shown := make([]int, len(parts))
	top := 0
	for i, p := range parts {
		shown[i] = min(*p, full[i])
		top = max(top, shown[i])
	}
	// The greatest level whose cut gives over back.
	given := func(level int) int {
		n := 0
		for _, l := range shown {
			n += max(l-level, 0)
		}
		return n
	}
	level := top
	for level > dmMinPart && given(level) < over {
		level -= max((over-given(level))/len(parts), 1)
	}
	level = max(level, dmMinPart)
	for i, p := range parts {
		*p = min(shown[i], level)
	}
	return c
}
