package slackbot

import (
	"slices"

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

// errorsAck answers a submission with fe shown under the view's inputs: a
// field whose name is an input block's id goes there; anything else is
// added, in field order, after the first input's own message. With no
// input block to show them on, it returns nil (an empty ack, which closes
// the modal).
func errorsAck(v view, fe coaching.FieldErrors) *slack.ViewSubmissionResponse {
	inputs := v.inputBlockIDs()
	if len(inputs) == 0 || len(fe) == 0 {
		return nil
	}
	out := map[string]string{}
	var others []string
	for f, msg := range fe {
		if slices.Contains(inputs, string(f)) {
			out[string(f)] = msg
		} else {
			others = append(others, string(f))
		}
	}
	slices.Sort(others) // the same message every time
	for _, f := range others {
		msg := fe[coaching.Field(f)]
		if prev, ok := out[inputs[0]]; ok {
			msg = prev + " " + msg
		}
		out[inputs[0]] = msg
	}
	return slack.NewErrorsViewSubmissionResponse(out)
}

// errorAck shows one message, cut to 150 characters, under the view's
// first input block.
func errorAck(v view, msg string) *slack.ViewSubmissionResponse {
	inputs := v.inputBlockIDs()
	if len(inputs) == 0 {
		return nil
	}
	return errorsAck(v, coaching.FieldErrors{coaching.Field(inputs[0]): textcut.Cut(msg, 150)})
}
