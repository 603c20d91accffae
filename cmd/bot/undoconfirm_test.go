package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// Undo cannot be taken back, and it sits one slip from Edit: every Undo of
// a session (the receipt's, the App Home's, /coach history's) asks first,
// in Slack's confirmation dialog naming the session, "Undo it" or "Keep
// it". The fake checks the dialog against Slack's limits.
func TestEveryUndoAsksFirst(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	in, err := b.fake.SlashCommand(ctx, mgr, "/coach", "<@"+rep+"|sam> 1:1 30m yesterday good call")
	if err != nil {
		t.Fatal(err)
	}
	receipt, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.fake.AppHomeOpened(ctx, mgr, "home"); err != nil {
		t.Fatal(err)
	}
	var home json.RawMessage
	eventually(t, "Max's Home with the session", func() bool {
		_, home = homeBlocks(t, b, mgr)
		return strings.Contains(string(home), "session_undo")
	})
	for _, c := range []struct {
		where  string
		blocks json.RawMessage
	}{{"the receipt", receipt.Blocks}, {"the App Home", home}, {"/coach history", b.history("").Blocks}} {
		var undos int
		eachObject(c.blocks, func(o map[string]any) {
			if o["type"] != "button" || o["action_id"] != "session_undo" {
				return
			}
			undos++
			raw, _ := json.Marshal(o["confirm"])
			var conf struct {
				Title, Text, Confirm, Deny struct{ Text string }
				Style                      string
			}
			json.Unmarshal(raw, &conf)
			if conf.Title.Text == "" || conf.Confirm.Text != "Undo it" || conf.Deny.Text != "Keep it" ||
				!strings.Contains(conf.Text.Text, "*1:1* with <@"+rep+">") || !strings.Contains(conf.Text.Text, "30 min") {
				t.Errorf("%s: Undo's confirm = %s, want a dialog naming the 1:1 with Sam, Undo it / Keep it", c.where, raw)
			}
		})
		if undos != 1 {
			t.Errorf("%s: %d Undo buttons, want 1", c.where, undos)
		}
	}
	noProblems(t, b.fake)
}
