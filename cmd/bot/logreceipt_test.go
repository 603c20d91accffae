package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// A form opened by a Log coaching button in a message (/coach team's, the
// nudge's) answers, once saved, as /coach's does: privately, through the
// click's response_url, with what was logged and Edit / Undo. From the
// nudge DM that receipt is a new ephemeral message: the nudge stays.
func TestLogCoachingButtonsAnswerWithAReceipt(t *testing.T) {
	t.Parallel()
	for _, from := range []string{"team", "nudge"} {
		t.Run(from, func(t *testing.T) {
			b := surfacesOrg(t)
			ctx := ctxT(t)
			var click fakeslack.Interaction
			var err error
			var nudge fakeslack.Message
			switch from {
			case "team":
				in, err := b.fake.SlashCommand(ctx, mgr, "/coach", "team")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL }); err != nil {
					t.Fatal(err)
				}
				click, err = b.fake.ClickResponseButton(ctx, mgr, in.ResponseURL, "log_for_rep", fakeslack.ButtonValue(cy))
			case "nudge":
				var out syncBuffer
				if err := runEnv(ctx, []string{"nudge"}, env{getenv: b.getenv, stdout: &out, stderr: &out, now: b.now}); err != nil {
					t.Fatalf("nudge: %v\n%s", err, out.String())
				}
				eventually(t, "Max's nudge", func() bool { return len(b.fake.Messages(mgr)) >= 1 })
				msgs := b.fake.Messages(mgr)
				nudge = msgs[len(msgs)-1]
				click, err = b.fake.ClickButton(ctx, mgr, nudge.Channel, nudge.TS, "log_for_rep")
			}
			if err != nil {
				t.Fatal(err)
			}
			if click.ResponseURL == "" {
				t.Fatal("the click carries no response_url")
			}
			viewID := b.openedView(click)
			if _, ack := b.submit(viewID, values([]string{cy}, "one_on_one", b.today("America/New_York"), "30", "")); len(ack) != 0 {
				t.Fatalf("ack = %s", ack)
			}
			r, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == click.ResponseURL })
			if err != nil {
				t.Fatal(err)
			}
			mustContain(t, "the receipt", blocksText(r.Blocks), "Logged", "<@"+cy+">")
			if ids := actionIDs(r.Blocks); !slices.Contains(ids, "session_edit") || !slices.Contains(ids, "session_undo") {
				t.Errorf("receipt buttons %v, want Edit and Undo", ids)
			}
			if r.ResponseType != "ephemeral" || r.ReplaceOriginal || r.Error != "" {
				t.Errorf("receipt went as %q, replace_original %v, error %q: want a new ephemeral message", r.ResponseType, r.ReplaceOriginal, r.Error)
			}
			if from == "nudge" {
				for _, m := range b.fake.Messages(mgr) {
					if m.TS == nudge.TS && !strings.Contains(blocksText(m.Blocks), "<@"+cy+">") {
						t.Errorf("the nudge was replaced:\n%s", blocksText(m.Blocks))
					}
				}
			}
			noProblems(t, b.fake)
		})
	}
}
