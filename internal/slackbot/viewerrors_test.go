package slackbot

import (
	"errors"
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
	// A field's own message under its input is left whole, however long.
	long := coaching.FieldErrors{"reps": strings.Repeat("r", 100), "tools": strings.Repeat("t", 100), "duration": strings.Repeat("d", 200)}
	if r := errorsAck(logForm, long); r == nil || r.Errors["duration"] != long["duration"] {
		t.Errorf("errorsAck of long messages = %+v; want duration's own whole", r)
	}
	if r := errorAck(reasonForm, "This session changed since; look at the latest message."); r == nil || r.Errors["reason"] == "" {
		t.Errorf("errorAck = %+v", r)
	}
	if r := errorAck(revisedForm, "Something went wrong."); r == nil || len(r.Errors) != 1 || r.Errors["reps.2"] == "" {
		t.Errorf("errorAck on a revised form = %+v, want the message under reps.2", r)
	}
	// A failure of the whole form (the database, not the reps) does not
	// read as a problem with the field it sits under.
	failed := coaching.ErrorMessage(errors.New("begin: FATAL: terminating connection due to administrator command (SQLSTATE 57P01)"))
	if r := errorAck(logForm, failed); r == nil || r.Errors["reps"] != "Not saved (nothing wrong with this field): "+failed {
		t.Errorf("errorAck of a failed save = %+v, want the reps input saying the field is not the problem", r)
	}
	if r := errorAck(reasonForm, "Something went wrong."); r == nil || r.Errors["reason"] != "Something went wrong." {
		t.Errorf("errorAck on a one-input form = %+v, want the message alone", r)
	}
}

// Messages joined under the first input are kept within maxErrorRunes as
// errorAck's one is, each cut to its share rather than the joined text at
// its end: a long first reason must not drop a later field's whole.
func TestErrorsAckKeepsEveryJoinedReason(t *testing.T) {
	logForm := view{Blocks: []viewBlock{{"input", "reps"}, {"input", "duration"}}}
	r, d, n, t100 := strings.Repeat("r", 200), strings.Repeat("d", 200), "Note the reason.", strings.Repeat("t", 100)
	for _, tc := range []struct {
		name string
		fe   coaching.FieldErrors
		want string // under reps
	}{
		{"all fit", coaching.FieldErrors{"reps": "Pick a rep.", "notice": "Too long."}, "Pick a rep. Too long."},
		{"a long own message and a short other", coaching.FieldErrors{"reps": r, "notice": n},
			strings.Repeat("r", 132) + "… " + n},
		{"two long others", coaching.FieldErrors{"notice": r, "tools": t100},
			strings.Repeat("r", 74) + "… " + strings.Repeat("t", 73) + "…"},
		{"a short one leaves its room to the long", coaching.FieldErrors{"reps": d, "notice": n, "tools": t100},
			strings.Repeat("d", 65) + "… " + n + " " + strings.Repeat("t", 65) + "…"},
		{"the long one last", coaching.FieldErrors{"reps": n, "tools": r},
			n + " " + strings.Repeat("r", 132) + "…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := errorsAck(logForm, tc.fe)
			if got == nil {
				t.Fatal("no errors ack")
			}
			msg := got.Errors["reps"]
			if msg != tc.want || utf8.RuneCountInString(msg) > maxErrorRunes {
				t.Errorf("under reps (%d characters):\n%q\nwant (%d):\n%q", utf8.RuneCountInString(msg), msg, utf8.RuneCountInString(tc.want), tc.want)
			}
			for f, m := range tc.fe {
				if start := m[:min(len(m), 8)]; !strings.Contains(msg, start) {
					t.Errorf("%s's reason %q… is not under reps: %q", f, start, msg)
				}
			}
		})
	}
}

// A capture the database could not store gives back what was typed,
// escaped and quoted, so the manager can send it again.
func TestTypedBackQuotesWhatWasTyped(t *testing.T) {
	got := typedBack("@Ana 1:1 30m notes <b>\nsecond line")
	want := "\nHere is what you typed, to send again:\n> @Ana 1:1 30m notes &lt;b&gt;\n> second line"
	if got != want {
		t.Errorf("typedBack = %q, want %q", got, want)
	}
	if typedBack("  ") != "" {
		t.Error("nothing typed is given back as a quote")
	}
}
