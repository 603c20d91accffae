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
		{"blocks unreadable, own view: its state's first input, revised", `{"view":{"callback_id":"log_session","blocks":"nope",
			"private_metadata":"{\"rv\":2}","state":{"values":{"date.2":{},"reps.1":{"reps":{}},"notes":{}}}}}`, "reps.1"},
		{"blocks unreadable, own view: its state's blocks", `{"view":{"callback_id":"log_session","blocks":"nope",
			"state":{"values":{"notes":{},"date.1":{}}}}}`, "date.1"},
		{"blocks and state unreadable, own view", `{"view":{"callback_id":"log_session","blocks":"nope","state":7}}`, "reps"},
		{"a view that is not an object", `{"view":"nope"}`, ""},
		{"blocks unreadable, unknown view", `{"view":{"callback_id":"other","blocks":"nope"}}`, ""},
		{"blocks unreadable, unknown view: its state is not read", `{"view":{"callback_id":"other","blocks":"nope",
			"state":{"values":{"b2":{}}}}}`, ""},
		{"an own view without inputs: its state", `{"view":{"callback_id":"dispute_session","blocks":[],
			"state":{"values":{"reason":{}}}}}`, "reason"},
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
