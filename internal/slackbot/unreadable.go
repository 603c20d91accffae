package slackbot

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
)

// unreadableText is the inline error of a submission the bot could not read.
const unreadableText = "This form could not be read, so nothing was saved. Check what you entered and submit again."

// unreadableSubmission answers a view submission whose payload could not be
// decoded. An empty ack would close the modal as if it had been saved, and
// what was typed would be lost; an inline error keeps it open. Slack shows
// errors only under input blocks of that view (any other key gives the user
// a generic error), so the view is read again, leniently, for one (see
// submissionInput).
func (b *Bot) unreadableSubmission(a *acker, payload json.RawMessage, cause error) {
	callbackID, block := submissionInput(payload)
	b.log.Warn("unreadable view submission answered with an inline error", "callback_id", callbackID, "err", cause)
	if block == "" {
		a.ack(nil) // no input to show an error under
		return
	}
	a.ack(slack.NewErrorsViewSubmissionResponse(map[string]string{block: unreadableText}))
}

// submissionInput reads a submission's callback_id and picks an input
// block of the view to key an error on. Each part of the view is read on
// its own, and each block too, so one odd part cannot hide the others:
//   - the view's input blocks: the callback's known first input (reps, or
//     reps.2 once an update replaced it, see inputFields), else the first;
//   - for Coachlog's own modals, whose stateful elements are all in input
//     blocks, the blocks the view's state reports values for, the known
//     first input preferred;
//   - for those modals again, when neither can be read, the first input
//     under its own name.
//
// That last one is right for every form no update gave a revised block id,
// and for most that had one (an update revises only the fields whose value
// it replaces: a date corrected, what a prose reading changed), but it is
// a guess: private_metadata's revision (modalMeta.Rev) counts the updates,
// not which fields they revised, so it cannot tell "reps" from "reps.1".
// A wrong guess makes Slack show its generic error and keep the form
// open, which is still better than an empty ack that closes it unsaved.
func submissionInput(payload json.RawMessage) (callbackID, block string) {
	var p struct {
		View map[string]json.RawMessage `json:"view"`
	}
	if json.Unmarshal(payload, &p) != nil {
		return "", ""
	}
	part := func(key string, into any) bool {
		raw, ok := p.View[key]
		return ok && json.Unmarshal(raw, into) == nil
	}
	part("callback_id", &callbackID)
	first := firstBlock(callbackID)
	if id := pickInput(viewInputs(p.View["blocks"]), first); id != "" {
		return callbackID, id
	}
	if !ownModal(callbackID) {
		return callbackID, ""
	}
	var state struct {
		Values map[string]json.RawMessage `json:"values"`
	}
	if part("state", &state) {
		ids := slices.Sorted(maps.Keys(state.Values))
		if len(ids) > 0 && ids[0] == "" { // sorted first: no block to show an error under
			ids = ids[1:]
		}
		if id := pickInput(ids, first); id != "" {
			return callbackID, id
		}
	}
	return callbackID, first
}

// viewInputs are the block_ids of the input blocks in raw, a view's
// blocks, each block read on its own; none if raw is not a list.
func viewInputs(raw json.RawMessage) []string {
	var blocks []json.RawMessage
	if json.Unmarshal(raw, &blocks) != nil {
		return nil
	}
	var ids []string
	for _, b := range blocks {
		var blk struct {
			Type    string `json:"type"`
			BlockID string `json:"block_id"`
		}
		if json.Unmarshal(b, &blk) == nil && blk.Type == "input" && blk.BlockID != "" {
			ids = append(ids, blk.BlockID)
		}
	}
	return ids
}

// pickInput is, of ids, the one that names first, revised or not (the
// latest revision if two do), else the first of ids; "" for none.
func pickInput(ids []string, first string) string {
	id := latestRevision(ids, first)
	if id == "" && len(ids) > 0 {
		id = ids[0]
	}
	return id
}

// ownModal reports whether callbackID is one of Coachlog's own modals,
// which always have an input block.
func ownModal(callbackID string) bool {
	switch callbackID {
	case cbLog, cbEdit, cbDispute, cbComment:
		return true
	}
	return false
}

// firstBlock is the first input block of one of Coachlog's own modals.
func firstBlock(callbackID string) string {
	if callbackID == cbDispute || callbackID == cbComment {
		return "reason"
	}
	return string(coaching.FieldReps)
}
