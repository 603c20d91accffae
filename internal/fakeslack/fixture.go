package fakeslack

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Fixture is the payload of testdata/name, a real Slack payload (see
// testdata/README.md): that of its Socket Mode envelope, or the file
// itself when Slack sent it over HTTP. It is for other packages' tests,
// which feed the bot the payloads this package checks its own against.
// The file is read from this package's source directory, which a test
// has; the fixtures are not embedded, as the bot's binary imports this
// package for its demo.
func Fixture(name string) (json.RawMessage, error) {
	_, src, _, ok := runtime.Caller(0)
	if !ok {
		return nil, fmt.Errorf("fixture %s: no source directory to read it from", name)
	}
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(src), "testdata", name))
	if err != nil {
		return nil, fmt.Errorf("fixture %s: %w", name, err)
	}
	var env struct {
		EnvelopeID string          `json:"envelope_id"`
		Payload    json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, fmt.Errorf("fixture %s: %w", name, err)
	}
	if env.EnvelopeID != "" && len(env.Payload) > 0 {
		return env.Payload, nil
	}
	return raw, nil
}
