package slackbot

import (
	"maps"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
)

func TestErrorsAckKeysOnlyInputBlocksOfTheView(t *testing.T) {
	logForm := view{Blocks: []viewBlock{{"context", "notice"}, {"input", "reps"}, {"input", "duration"}, {"actions", "tools"}}}
	reasonForm := view{Blocks: []viewBlock{{"input", "reason"}}}
	for _, tc := range []struct {
		name string
		v    view
		fe   coaching.FieldErrors
		want map[string]string // nil: no errors ack
	}{
		{"fields that are inputs", logForm, coaching.FieldErrors{"reps": "Pick a rep.", "duration": "1 to 480."},
			map[string]string{"reps": "Pick a rep.", "duration": "1 to 480."}},
		{"a domain field the form names otherwise", reasonForm, coaching.FieldErrors{"comment": "Keep it short."},
			map[string]string{"reason": "Keep it short."}},
		{"unknown fields share the first input", logForm, coaching.FieldErrors{"notice": "a", "tools": "b", "reps": "c"},
			map[string]string{"reps": "c a b"}},
		{"a view without inputs", view{Blocks: []viewBlock{{"section", "s"}}}, coaching.FieldErrors{"x": "y"}, nil},
		{"no errors", logForm, nil, nil},
	} {
		got := errorsAck(tc.v, tc.fe)
		if tc.want == nil {
			if got != nil {
				t.Errorf("%s: %+v, want no errors ack", tc.name, got)
			}
			continue
		}
		if got == nil || got.ResponseAction != "errors" || !maps.Equal(got.Errors, tc.want) {
			t.Errorf("%s: %+v, want errors %v", tc.name, got, tc.want)
		}
	}
	if r := errorAck(reasonForm, "This session changed since; look at the latest message."); r == nil || r.Errors["reason"] == "" {
		t.Errorf("errorAck = %+v", r)
	}
}
