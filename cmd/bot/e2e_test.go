package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// openModal types /coach and returns the view the bot opened with the
// command's own trigger.
func (b *bot) openModal(text string) (viewID string, view map[string]any) {
	b.t.Helper()
	ctx := ctxT(b.t)
	in, err := b.fake.SlashCommand(ctx, mgr, "/coach", text)
	if err != nil {
		b.t.Fatal(err)
	}
	if ack, err := b.fake.AwaitAck(ctx, in.EnvelopeID); err != nil || len(ack.Payload) != 0 {
		b.t.Fatalf("slash command ack = %s, %v; want an empty ack", ack.Payload, err)
	}
	call, err := b.fake.WaitForCall(ctx, "views.open", func(c fakeslack.Call) bool { return c.Param("trigger_id") == in.TriggerID })
	if err != nil {
		b.t.Fatal(err)
	}
	if call.Error != "" {
		b.t.Fatalf("views.open failed: %s\n%s", call.Error, call.Response)
	}
	var resp struct {
		View struct {
			ID string `json:"id"`
		} `json:"view"`
	}
	if err := json.Unmarshal(call.Response, &resp); err != nil {
		b.t.Fatal(err)
	}
	if err := call.Decode("view", &view); err != nil {
		b.t.Fatal(err)
	}
	return resp.View.ID, view
}

// viewsOpen waits for the views.open made with an interaction's trigger.
func (b *bot) viewsOpen(in fakeslack.Interaction) fakeslack.Call {
	b.t.Helper()
	call, err := b.fake.WaitForCall(ctxT(b.t), "views.open", func(c fakeslack.Call) bool { return c.Param("trigger_id") == in.TriggerID })
	if err != nil {
		b.t.Fatal(err)
	}
	return call
}

// openedView waits for the views.open made with an interaction's trigger
// and returns the opened view's id.
func (b *bot) openedView(in fakeslack.Interaction) string {
	b.t.Helper()
	call := b.viewsOpen(in)
	if call.Error != "" {
		b.t.Fatalf("views.open failed: %s\n%s", call.Error, call.Response)
	}
	var opened struct {
		View struct{ ID string } `json:"view"`
	}
	if err := json.Unmarshal(call.Response, &opened); err != nil {
		b.t.Fatal(err)
	}
	// The envelope is acked too before the test goes on: a test that then
	// moves the clock would otherwise make the ack late (fakeslack
	// ignores an ack after Slack's 3 s, as Slack does).
	if _, err := b.fake.AwaitAck(ctxT(b.t), in.EnvelopeID); err != nil {
		b.t.Fatal(err)
	}
	return opened.View.ID
}

// values fills the log modal. Its skills are two of the default ones
// (coaching.DefaultSkills): the fake, like Slack, takes only picks the
// form offers, so a bot configured with other skills needs others.
func values(reps []string, kind, date, minutes, role string) map[string]map[string]any {
	v := map[string]map[string]any{
		"reps":        {"reps": fakeslack.UsersValue(reps...)},
		"kind":        {"kind": fakeslack.OptionValue(kind)},
		"date":        {"date": fakeslack.DateValue(date)},
		"duration":    {"duration": fakeslack.NumberValue(minutes)},
		"notes":       {"notes": fakeslack.TextValue("Strong discovery; rushed the pricing part")},
		"commitments": {"commitments": fakeslack.TextValue("Send the recap to Acme\nBook a pricing role-play")},
		"skills":      {"skills": fakeslack.OptionsValue("discovery", "negotiation")},
	}
	if role != "" {
		v["role"] = map[string]any{"role": fakeslack.RadioValue(role)}
	}
	return v
}

// submit submits a view and returns the ack payload.
func (b *bot) submit(viewID string, v map[string]map[string]any) (envelopeID string, ack json.RawMessage) {
	b.t.Helper()
	ctx := ctxT(b.t)
	in, err := b.fake.SubmitView(ctx, mgr, viewID, v)
	if err != nil {
		b.t.Fatal(err)
	}
	a, err := b.fake.AwaitAck(ctx, in.EnvelopeID)
	if err != nil {
		b.t.Fatal(err)
	}
	return in.EnvelopeID, a.Payload
}

// dm waits for the bot's DM to a rep and returns it.
func (b *bot) dm(repID string, n int) fakeslack.Message {
	b.t.Helper()
	var msgs []fakeslack.Message
	eventually(b.t, "the DM to "+repID, func() bool {
		msgs = b.fake.Messages(repID)
		return len(msgs) >= n
	})
	return msgs[n-1]
}

func TestCaptureLoopEndToEnd(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		b := startBot(t, "COACHLOG_DB", db)
		ctx := ctxT(t)

		viewID, view := b.openModal("")
		for _, block := range []string{"reps", "kind", "date", "duration", "role", "skills", "notes", "visibility", "commitments", "follow_up"} {
			if !strings.Contains(mustJSON(view), `"block_id":"`+block+`"`) {
				t.Errorf("modal has no %q input", block)
			}
		}
		_, ack := b.submit(viewID, values([]string{rep}, "ride_along", b.today("America/New_York"), "45", "lead"))
		if len(ack) != 0 {
			t.Fatalf("valid submission answered %s, want an empty ack that closes the modal", ack)
		}
		// Acknowledged means committed: the CLI sees it at once.
		rows := b.export()
		if len(rows) != 1 || rows[0].RepID != rep || rows[0].Kind != "ride_along" || rows[0].DurationMin != 45 ||
			rows[0].Role == nil || *rows[0].Role != "lead" || rows[0].Status != "pending" || !slices.Equal(rows[0].Skills, []string{"discovery", "negotiation"}) {
			t.Fatalf("export after submit = %+v", rows)
		}

		dm := b.dm(rep, 1)
		text := blocksText(dm.Blocks)
		if !strings.Contains(text, "<@"+mgr+">") || !strings.Contains(text, "Ride-along") || !strings.Contains(text, "Strong discovery") {
			t.Errorf("rep DM does not say who logged what:\n%s", text)
		}
		if ids := actionIDs(dm.Blocks); !slices.Contains(ids, "rep_confirm") || !slices.Contains(ids, "rep_dispute") {
			t.Fatalf("rep DM buttons = %v, want Confirm and Not accurate", ids)
		}

		// Someone else clicking Confirm (on a copy of the DM: Slack shows
		// the rep's DM to nobody else) is refused, ephemerally, and
		// nothing changes.
		shown := b.misdeliver(other, dm.Text, dm.Blocks)
		in, err := b.fake.ClickButton(ctx, other, shown.Channel, shown.TS, "rep_confirm")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool {
			return r.URL == in.ResponseURL && !r.ReplaceOriginal && strings.Contains(r.Text+string(r.Blocks), "Only <@"+rep+">")
		}); err != nil {
			t.Fatal(err)
		}
		if rows := b.export(); rows[0].Status != "pending" {
			t.Fatalf("status after another user's click = %s", rows[0].Status)
		}

		// The rep confirms: the same message is updated in place with ratings.
		if _, err := b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_confirm"); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the DM updated with rating buttons", func() bool {
			m, _ := b.fake.Message(dm.Channel, dm.TS)
			return slices.Contains(actionIDs(m.Blocks), "rep_rate_4") && m.Edited
		})
		if rows := b.export(); rows[0].Status != "confirmed" {
			t.Fatalf("status after the rep's Confirm = %s", rows[0].Status)
		}
		if len(b.fake.Messages(rep)) != 1 {
			t.Errorf("confirm posted a new message instead of updating: %d messages", len(b.fake.Messages(rep)))
		}
		if _, err := b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_rate_4"); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the rating stored", func() bool {
			r := b.export()[0]
			return r.Rating != nil && *r.Rating == 4
		})
		// The DM's text, its notification, says where the rep stands now.
		eventually(t, "the DM's text saying it is confirmed and rated", func() bool {
			m, _ := b.fake.Message(dm.Channel, dm.TS)
			return strings.HasSuffix(m.Text, ": you confirmed it (rated 4/5)")
		})
	})
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
