package slackbot

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// countingMetrics counts recovered panics.
type countingMetrics struct {
	noMetrics
	panics int
}

func (m *countingMetrics) Panicked() { m.panics++ }

// A recovered panic is counted and logged with its stack, and with what
// it was only as far as that cannot be someone's text: a runtime error's
// own words, otherwise the value's type. A panic carrying a note, or an
// error naming a token or a response_url, leaves them out of the log.
func TestAPanicIsLoggedWithoutTheTextItCarries(t *testing.T) {
	index := func(xs []int, i int) int { return xs[i] }
	for _, tt := range []struct {
		name   string
		panics func()
		want   string
		secret string // never in the log
	}{
		{"a string", func() { panic("notes: PRIVATE Sam's personal matter, rushed pricing") }, "a string", "PRIVATE"},
		{"an error", func() { panic(errors.New("post https://hooks.slack.com/actions/T1/123/SECRET with xoxb-TOKEN")) },
			"a *errors.errorString", "SECRET"},
		{"a runtime error", func() { index(nil, 5) }, "runtime error: index out of range [5] with length 0", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			m := &countingMetrics{}
			b := New(Config{Logger: slog.New(slog.NewJSONHandler(&log, nil)), Metrics: m})
			func() {
				defer func() {
					if p := recover(); p != nil {
						b.logPanic("handler panicked", p, "envelope_type", "interactive")
					}
				}()
				tt.panics()
			}()
			got := log.String()
			if !strings.Contains(got, `"panic":"`+tt.want+`"`) || !strings.Contains(got, `"envelope_type":"interactive"`) ||
				!strings.Contains(got, "panic_test.go") {
				t.Errorf("log = %s\nwant the panic as %q, the attributes and the stack", got, tt.want)
			}
			if tt.secret != "" && strings.Contains(got, tt.secret) {
				t.Errorf("the log carries the panic's text: %s", got)
			}
			if m.panics != 1 {
				t.Errorf("counted %d panics, want 1", m.panics)
			}
		})
	}
}
