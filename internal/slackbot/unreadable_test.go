package slackbot

import "testing"

func TestSubmissionInputPicksAnInputBlockOfTheView(t *testing.T) {
	for _, tt := range []struct {
		name, payload, want string
	}{
		{"the callback's known first input", `{"view":{"callback_id":"log_session","blocks":[
			{"type":"context","block_id":"notice"},{"type":"input","block_id":"kind"},{"type":"input","block_id":"reps"}]}}`, "reps"},
		{"the callback's first input, revised", `{"view":{"callback_id":"log_session","blocks":[
			{"type":"context","block_id":"notice"},{"type":"input","block_id":"kind"},{"type":"input","block_id":"reps.2"}]}}`, "reps.2"},
		{"a reason modal", `{"view":{"callback_id":"dispute_session","blocks":[{"type":"input","block_id":"reason"}]}}`, "reason"},
		{"an unknown view: its first input", `{"view":{"callback_id":"other","blocks":[
			{"type":"section","block_id":"s"},{"type":"input","block_id":"b2"},{"type":"input","block_id":"b3"}]}}`, "b2"},
		{"an odd block is skipped", `{"view":{"callback_id":"other","blocks":[{"type":7},{"type":"input","block_id":"b2"}]}}`, "b2"},
		{"blocks unreadable, own view", `{"view":{"callback_id":"edit_session","blocks":"nope"}}`, "reps"},
		{"blocks unreadable, unknown view", `{"view":{"callback_id":"other","blocks":"nope"}}`, ""},
		{"no input at all", `{"view":{"callback_id":"other","blocks":[{"type":"section","block_id":"s"}]}}`, ""},
		{"not even an object", `"view"`, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, got := submissionInput([]byte(tt.payload)); got != tt.want {
				t.Fatalf("block = %q, want %q", got, tt.want)
			}
		})
	}
}
