package slackbot

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/textcut"
)

// Slack shows a view_submission's errors only under input blocks of the
// submitted view; an error keyed by anything else makes Slack show the
// person a generic "We had some trouble connecting" and drops the message
// (https://docs.slack.dev/surfaces/modals, errors are keyed by block_id).
// The domain names its fields in its own words ("comment", "reason",
// "reps"), so the edge maps them onto the view it is answering.

// viewBlock is a block of a submitted view, as far as errors need it.
type viewBlock struct {
	Type    string `json:"type"`
	BlockID string `json:"block_id"`
}

// inputBlockIDs are the block_ids of the view's input blocks, in order.
func (v view) inputBlockIDs() []string {
	var ids []string
	for _, b := range v.Blocks {
		if b.Type == "input" && b.BlockID != "" {
			ids = append(ids, b.BlockID)
		}
	}
	return ids
}

// inputFor is the block id of v's input for the field named name: its
// name, or its name revised ("date.2", see inputFields), the latest
// revision if v had two; "" when v has none.
func (v view) inputFor(name string) string {
	return latestRevision(v.inputBlockIDs(), name)
}

// maxErrorRunes is the most characters Coachlog puts in one inline error.
// Slack's modal guide and view reference document no limit for an
// errors message, so this is Coachlog's own bound, not Slack's: a line
// under an input stays readable, and messages joined under one input
// (errorsAck) cannot grow without end.
const maxErrorRunes = 150

// errorsAck answers a submission with fe shown under the view's inputs: a
// field goes under the input block that names it, as the view has it
// (reps, or reps.2 once an update replaced its value); anything else is
// added, in field order, after the first input's own message, the whole
// kept within maxErrorRunes as errorAck's one message is (joinFair). With
// no input block to show them on, it returns nil (an empty ack, which
// closes the modal).
func errorsAck(v view, fe coaching.FieldErrors) *slack.ViewSubmissionResponse {
	inputs := v.inputBlockIDs()
	if len(inputs) == 0 || len(fe) == 0 {
		return nil
	}
	out := map[string]string{}
	var others []string
	for f, msg := range fe {
		if id := v.inputFor(string(f)); id != "" {
			out[id] = msg
		} else {
			others = append(others, string(f))
		}
	}
	if len(others) == 0 {
		return slack.NewErrorsViewSubmissionResponse(out)
	}
	slices.Sort(others) // the same message every time
	var joined []string
	if msg, ok := out[inputs[0]]; ok {
		joined = append(joined, msg)
	}
	for _, f := range others {
		joined = append(joined, fe[coaching.Field(f)])
	}
	out[inputs[0]] = joinFair(joined, maxErrorRunes)
	return slack.NewErrorsViewSubmissionResponse(out)
}

// joinFair joins msgs with spaces within limit runes. Each is cut to its
// share of the room rather than the joined text at its end, which could
// drop a later field's reason whole behind a long first one: every
// reason shows at least its start. A message shorter than its share
// leaves what it does not use to the longer ones.
func joinFair(msgs []string, limit int) string {
	room := limit - (len(msgs) - 1) // the spaces between them
	lens := make([]int, len(msgs))
	for i, m := range msgs {
		lens[i] = utf8.RuneCountInString(m)
	}
	// The shortest take theirs first, so that what they leave is shared
	// among the rest; the longest, last, takes what remains.
	order := make([]int, len(msgs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return lens[a] - lens[b] })
	keep := make([]int, len(msgs))
	for k, i := range order {
		keep[i] = max(0, min(lens[i], room/(len(order)-k)))
		room -= keep[i]
	}
	parts := make([]string, 0, len(msgs))
	for i, m := range msgs {
		if c := textcut.CutTrimmed(m, keep[i]); c != "" {
			parts = append(parts, c)
		}
	}
	return strings.Join(parts, " ")
}

// errorAck shows one message, cut to maxErrorRunes, under the view's
// first input block. Slack shows a submission's errors only under inputs,
// so a message about the whole form (the database failed, the session
// changed) sits under the first, at the top; on a form of several inputs
// it says first that the field it sits under is not the problem.
func errorAck(v view, msg string) *slack.ViewSubmissionResponse {
	inputs := v.inputBlockIDs()
	if len(inputs) == 0 {
		return nil
	}
	if len(inputs) > 1 {
		msg = formWide + msg
	}
	return slack.NewErrorsViewSubmissionResponse(map[string]string{inputs[0]: textcut.Cut(msg, maxErrorRunes)})
}

// formWide begins errorAck's message on a form of several inputs.
const formWide = "Not saved (nothing wrong with this field): "
