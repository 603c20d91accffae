package slackbot

import (
	"maps"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/coaching"
)

func TestErrorsAckKeysOnlyInputBlocksOfTheView(t *testing.T) {
	logForm := view{Blocks: []viewBlock{{"context", "notice"}, {"input", "reps"}, {"input", "duration"}, {"actions", "tools"}}}
	reasonForm := view{Blocks: []viewBlock{{"input", "reason"}}}
	// A log form whose reps and date an update replaced (see inputFields).
	revisedForm := view{Blocks: []viewBlock{{"context", "notice"}, {"input", "reps.2"}, {"input", "date.1"}, {"input", "duration"}, {"input", "kept:U0A"}}}
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
		{"fields under revised block ids", revisedForm, coaching.FieldErrors{"reps": "Pick a rep.", "date": "Not in the future.", "duration": "1 to 480."},
			map[string]string{"reps.2": "Pick a rep.", "date.1": "Not in the future.", "duration": "1 to 480."}},
		{"unknown fields share a revised first input", revisedForm, coaching.FieldErrors{"tools": "b", "reps": "c"},
			map[string]string{"reps.2": "c b"}},
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
	// Messages joined under one input are cut as errorAck's one is; a
	// field's own message under its input is left whole.
	long := coaching.FieldErrors{"reps": strings.Repeat("r", 100), "tools": strings.Repeat("t", 100), "duration": strings.Repeat("d", 200)}
	if r := errorsAck(logForm, long); r == nil || utf8.RuneCountInString(r.Errors["reps"]) != maxErrorRunes ||
		!strings.HasPrefix(r.Errors["reps"], strings.Repeat("r", 100)+" t") || r.Errors["duration"] != long["duration"] {
		t.Errorf("errorsAck of long messages = %+v; want the joined one cut to %d characters, the other whole", r, maxErrorRunes)
	}
	if r := errorAck(reasonForm, "This session changed since; look at the latest message."); r == nil || r.Errors["reason"] == "" {
		t.Errorf("errorAck = %+v", r)
	}
	if r := errorAck(revisedForm, "Something went wrong."); r == nil || len(r.Errors) != 1 || r.Errors["reps.2"] == "" {
		t.Errorf("errorAck on a revised form = %+v, want the message under reps.2", r)
	}
}
