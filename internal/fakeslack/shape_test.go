package fakeslack

import (
	"fmt"
	"testing"
)

// errorsT records what a check reports instead of failing the test.
type errorsT struct {
	testing.TB
	errs []string
}

func (e *errorsT) Errorf(format string, args ...any) {
	e.errs = append(e.errs, fmt.Sprintf(format, args...))
}

// The fake is checked against real payloads by each key's JSON kind, not
// only its name: a bool where Slack sends a string (or an object where it
// sends an array) passes a name check and breaks a real decoder. A null in
// the fixture fixes no kind; the fields Slack sends in two forms take
// either, and only those.
func TestSameKeysComparesKinds(t *testing.T) {
	fixture := []byte(`{"id":"V1","n":3,"ok":true,"x":null,"team":{"id":"T1"},"list":[],"is_enterprise_install":false,"close":{"type":"plain_text"}}`)
	want := keysAt(t, fixture)
	for _, tt := range []struct {
		name, got string
		ok        bool
	}{
		{"the fixture itself", string(fixture), true},
		{"a bool sent as a string", `{"id":"V1","n":3,"ok":"true","x":null,"team":{},"list":[],"is_enterprise_install":false,"close":{}}`, false},
		{"a number sent as a string", `{"id":"V1","n":"3","ok":true,"x":null,"team":{},"list":[],"is_enterprise_install":false,"close":{}}`, false},
		{"an object sent as null", `{"id":"V1","n":3,"ok":true,"x":null,"team":null,"list":[],"is_enterprise_install":false,"close":{}}`, false},
		{"an array sent as an object", `{"id":"V1","n":3,"ok":true,"x":null,"team":{},"list":{},"is_enterprise_install":false,"close":{}}`, false},
		{"a string sent as a number", `{"id":1,"n":3,"ok":true,"x":null,"team":{},"list":[],"is_enterprise_install":false,"close":{}}`, false},
		{"a missing key", `{"id":"V1","n":3,"ok":true,"x":null,"team":{},"list":[],"is_enterprise_install":false}`, false},
		{"any kind where the fixture has null", `{"id":"V1","n":3,"ok":true,"x":{"a":1},"team":{},"list":[],"is_enterprise_install":false,"close":{}}`, true},
		{`is_enterprise_install as "false"`, `{"id":"V1","n":3,"ok":true,"x":null,"team":{},"list":[],"is_enterprise_install":"false","close":{}}`, true},
		{"is_enterprise_install as a number", `{"id":"V1","n":3,"ok":true,"x":null,"team":{},"list":[],"is_enterprise_install":0,"close":{}}`, false},
		{"a view without a close button", `{"id":"V1","n":3,"ok":true,"x":null,"team":{},"list":[],"is_enterprise_install":false,"close":null}`, true},
		{"a close button as a string", `{"id":"V1","n":3,"ok":true,"x":null,"team":{},"list":[],"is_enterprise_install":false,"close":"Cancel"}`, false},
	} {
		rec := &errorsT{TB: t}
		sameKeys(rec, tt.name, keysAt(t, []byte(tt.got)), want)
		if ok := len(rec.errs) == 0; ok != tt.ok {
			t.Errorf("%s: passed %v (%q), want %v", tt.name, ok, rec.errs, tt.ok)
		}
	}
}
