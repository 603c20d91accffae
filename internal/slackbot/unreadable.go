package slackbot

import (
	"encoding/json"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
)

// unreadableText is the inline error of a submission the bot could not read.
const unreadableText = "This form could not be read, so nothing was saved. Check what you entered and submit again."

// unreadableSubmission answers a view submission whose payload could not be
// decoded. An empty ack would close the modal as if it had been saved, and
// what was typed would be lost; an inline error keeps it open. Slack shows
// errors only under input blocks of that view (any other key gives the user
// a generic error), so the view is read again, leniently, for one: the
// known first input of the callback, else the first input block.
func (b *Bot) unreadableSubmission(a *acker, payload json.RawMessage, cause error) {
	callbackID, block := submissionInput(payload)
	b.log.Warn("unreadable view submission answered with an inline error", "callback_id", callbackID, "err", cause)
	if block == "" {
		a.ack(nil) // no input to show an error under
		return
	}
	a.ack(slack.NewErrorsViewSubmissionResponse(map[string]string{block: unreadableText}))
}

// submissionInput reads a submission's callback_id and picks the input
// block to key an error on. Each block is read on its own, so one odd block
// cannot hide the others.
func submissionInput(payload json.RawMessage) (callbackID, block string) {
	var p struct {
		View struct {
			CallbackID string            `json:"callback_id"`
			Blocks     []json.RawMessage `json:"blocks"`
		} `json:"view"`
	}
	if json.Unmarshal(payload, &p) != nil {
		var lenient struct {
			View struct {
				CallbackID string `json:"callback_id"`
			} `json:"view"`
		}
		_ = json.Unmarshal(payload, &lenient)
		return lenient.View.CallbackID, ownFirstInput(lenient.View.CallbackID)
	}
	var inputs []string
	for _, raw := range p.View.Blocks {
		var blk struct {
			Type    string `json:"type"`
			BlockID string `json:"block_id"`
		}
		if json.Unmarshal(raw, &blk) == nil && blk.Type == "input" && blk.BlockID != "" {
			inputs = append(inputs, blk.BlockID)
		}
	}
	if len(inputs) == 0 {
		return p.View.CallbackID, ownFirstInput(p.View.CallbackID)
	}
	for _, id := range inputs {
		if name, _ := splitBlockID(id); name == firstBlock(p.View.CallbackID) { // reps, or reps.2 (see inputFields)
			return p.View.CallbackID, id
		}
	}
	return p.View.CallbackID, inputs[0]
}

// ownFirstInput is the first input block of Coachlog's own modals, which
// always have it; "" for a view that is not one of them. It is a guess
// for a view whose blocks could not be read: a log form whose reps an
// update replaced has it as "reps.2", and Slack refuses an error keyed
// "reps" there (the person then sees Slack's generic error).
func ownFirstInput(callbackID string) string {
	switch callbackID {
	case cbLog, cbEdit, cbDispute, cbComment:
		return firstBlock(callbackID)
	}
	return ""
}

// firstBlock is the first input block of one of Coachlog's own modals.
func firstBlock(callbackID string) string {
	if callbackID == cbDispute || callbackID == cbComment {
		return "reason"
	}
	return string(coaching.FieldReps)
}
