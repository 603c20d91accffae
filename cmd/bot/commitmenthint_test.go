package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// The form says the limits of its commitments before they are broken: a
// commitment over 300 characters was only ever an error on saving.
func TestCommitmentsHintSaysTheLimits(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	in, err := b.fake.SlashCommand(ctxT(t), mgr, "/coach", "")
	if err != nil {
		t.Fatal(err)
	}
	var view struct {
		Blocks []struct {
			Hint    struct{ Text string } `json:"hint"`
			Element struct {
				ActionID string `json:"action_id"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(b.viewsOpen(in).Param("view")), &view); err != nil {
		t.Fatal(err)
	}
	hint := ""
	for _, bl := range view.Blocks {
		if bl.Element.ActionID == "commitments" {
			hint = bl.Hint.Text
		}
	}
	if !strings.Contains(hint, "one per line") || !strings.Contains(hint, "300 characters") || !strings.Contains(hint, "20") {
		t.Errorf("the commitments hint %q does not say one per line, up to 20, 300 characters each", hint)
	}
	noProblems(t, b.fake)
}
