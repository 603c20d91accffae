package panics

import (
	"errors"
	"strings"
	"testing"
)

func TestTextKeepsOnlyWhatTheRuntimeWrote(t *testing.T) {
	runtimeErr := func() (p any) {
		defer func() { p = recover() }()
		var s []int
		_ = s[3]
		return nil
	}()
	for _, tt := range []struct {
		name      string
		p         any
		want      string
		forbidden string
	}{
		{"a runtime error", runtimeErr, "index out of range", ""},
		{"a string", "notes: Sam struggled with pricing", "a string", "pricing"},
		{"an error", errors.New("post https://hooks.slack.com/actions/T1/1/secret: token xoxb-1"), "a *errors.errorString", "xoxb"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Text(tt.p)
			if !strings.Contains(got, tt.want) || tt.forbidden != "" && strings.Contains(got, tt.forbidden) {
				t.Errorf("Text = %q, want it to say %q and not %q", got, tt.want, tt.forbidden)
			}
		})
	}
}
