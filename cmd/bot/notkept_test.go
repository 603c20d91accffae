package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// closeOption returns the value of the option labelled label in the
// close menu beside the commitment whose text holds text, "" when none.
func closeOption(blocks json.RawMessage, text, label string) string {
	value := ""
	eachObject(blocks, func(o map[string]any) {
		t, _ := o["text"].(map[string]any)
		acc, _ := o["accessory"].(map[string]any)
		if o["type"] != "section" || acc == nil || acc["action_id"] != "commitment_close" || !strings.Contains(t["text"].(string), text) {
			return
		}
		for _, x := range acc["options"].([]any) {
			opt := x.(map[string]any)
			if opt["text"].(map[string]any)["text"] == label {
				value = opt["value"].(string)
			}
		}
	})
	return value
}

// managerMetric reads one metric of a manager from `coachlog metrics` for
// the single day on.
func (b *bot) managerMetric(managerID, on, key string) any {
	b.t.Helper()
	out, err := b.cli("metrics", "--from", on, "--to", on)
	if err != nil {
		b.t.Fatalf("metrics: %v\n%s", err, out)
	}
	var doc struct {
		Managers []map[string]any `json:"managers"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		b.t.Fatalf("metrics output: %v\n%s", err, out)
	}
	for _, m := range doc.Managers {
		if m["id"] == managerID {
			return m[key]
		}
	}
	b.t.Fatalf("no manager %s in the metrics:\n%s", managerID, out)
	return nil
}

// historyOfALog starts a bot, logs a one-on-one with Sam today with the
// form's two commitments, and lists /coach history @sam as his manager:
// it returns the bot, today in the manager's zone, the list and the value
// of its Not kept beside the recap, failing the test if there is none.
func historyOfALog(t *testing.T) (b *bot, now string, hist fakeslack.Response, notKept string) {
	t.Helper()
	b = startBot(t)
	b.importRoster(t)
	now = b.today("America/New_York")
	viewID, _ := b.openModal("")
	if _, ack := b.submit(viewID, values([]string{rep}, "one_on_one", now, "30", "")); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	hist = b.history("<@" + rep + "|sam>")
	notKept = closeOption(hist.Blocks, "Send the recap to Acme", "Not kept")
	if notKept == "" {
		t.Fatalf("history offers no Not kept:\n%s", hist.Blocks)
	}
	return b, now, hist, notKept
}

// A commitment the rep did not keep is closed from /coach history, where
// the manager who logged it finds it: the history is updated in place,
// the next log form no longer offers it, and the metrics count it as made
// and not kept. Before, nothing could close it but deleting its line.
func TestAManagerMarksACommitmentNotKeptFromHistory(t *testing.T) {
	t.Parallel()
	b, now, hist, notKept := historyOfALog(t)
	ctx := ctxT(t)
	if closeOption(hist.Blocks, "Book a pricing role-play", "Kept") == "" {
		t.Fatalf("history offers no Kept / Not kept beside each open commitment:\n%s", hist.Blocks)
	}

	// Shown to the rep by a slip of the bot's, the menu does nothing for
	// him: only the manager who logged the session closes it.
	shown := b.misdeliverEphemeral(rep, hist.Text, hist.Blocks)
	in := b.must(b.fake.ClickButton(ctx, rep, shown.Channel, shown.TS, "commitment_close", fakeslack.PickOption(notKept)))
	b.responseSaying(in.ResponseURL, "only commitments from sessions you logged")

	in = b.must(b.fake.ClickResponseButton(ctx, mgr, hist.URL, "commitment_close", fakeslack.PickOption(notKept)))
	r := b.response(in.ResponseURL)
	text := blocksText(r.Blocks)
	if !r.ReplaceOriginal || r.MessageTS != hist.MessageTS || r.Status != 200 {
		t.Errorf("the answer to the pick: replace %v, message %s (history %s), status %d; want the history replaced in place",
			r.ReplaceOriginal, r.MessageTS, hist.MessageTS, r.Status)
	}
	if !strings.Contains(text, "Marked *not kept*: Send the recap to Acme") || closeOption(r.Blocks, "Send the recap to Acme", "Not kept") != "" ||
		closeOption(r.Blocks, "Book a pricing role-play", "Not kept") == "" {
		t.Errorf("the history after the pick should say it was marked not kept, and list only the other:\n%s", text)
	}

	// A second pick on the list as first shown is answered kindly, and
	// changes nothing.
	again := b.must(b.fake.ClickStale(ctx, mgr, fakeslack.Message{Channel: r.Channel, TS: hist.MessageTS, Blocks: hist.Blocks,
		Ephemeral: true, Recipient: mgr}, "commitment_close", fakeslack.PickOption(strings.Replace(notKept, "not_kept", "kept", 1))))
	if got := blocksText(b.response(again.ResponseURL).Blocks); !strings.Contains(got, "was marked not kept already") {
		t.Errorf("a stale pick: %s", got)
	}

	// The next form for Sam offers the other commitment alone; ticking it
	// kept leaves one made and kept, one made and not kept.
	viewID, view := b.openModalAs(mgr, "<@"+rep+"|sam> 1:1")
	offered := keptOptions(view, rep)
	var keptID string
	for id, label := range offered {
		keptID = id
		if !strings.Contains(label, "Book a pricing role-play") {
			t.Errorf("the form offers %q", label)
		}
	}
	if len(offered) != 1 {
		t.Fatalf("the form offers %v, want the commitment still open alone", offered)
	}
	v := values([]string{rep}, "one_on_one", now, "20", "")
	v["commitments"] = map[string]any{"commitments": fakeslack.TextValue("")}
	v["kept:"+rep] = map[string]any{"kept": fakeslack.CheckboxesValue(keptID)}
	if ack := b.submitAs(mgr, viewID, v); len(ack.Payload) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	if got := b.managerMetric(mgr, now, "commitments_kept"); got != 0.5 {
		t.Errorf("commitments_kept = %v, want 0.5: two made, one kept, one not kept", got)
	}
}

// A Not kept picked by mistake is taken back with the Undo under the
// notice: the commitment is open again, back in the history with its menu
// and in the next log form.
func TestAManagerTakesBackANotKeptPickedByMistake(t *testing.T) {
	t.Parallel()
	b, _, hist, notKept := historyOfALog(t)
	ctx := ctxT(t)
	in := b.must(b.fake.ClickResponseButton(ctx, mgr, hist.URL, "commitment_close", fakeslack.PickOption(notKept)))
	r := b.response(in.ResponseURL)
	if closeOption(r.Blocks, "Send the recap to Acme", "Not kept") != "" {
		t.Fatalf("the commitment is still listed after Not kept:\n%s", blocksText(r.Blocks))
	}

	undo := b.must(b.fake.ClickResponseButton(ctx, mgr, in.ResponseURL, "commitment_reopen"))
	r = b.response(undo.ResponseURL)
	text := blocksText(r.Blocks)
	if !r.ReplaceOriginal || !strings.Contains(text, "Reopened: Send the recap to Acme") ||
		closeOption(r.Blocks, "Send the recap to Acme", "Not kept") == "" {
		t.Errorf("after Undo: replace %v; want the history in place saying it was reopened, the commitment listed again:\n%s",
			r.ReplaceOriginal, text)
	}
	_, view := b.openModalAs(mgr, "<@"+rep+"|sam> 1:1")
	found := false
	for _, label := range keptOptions(view, rep) {
		found = found || strings.Contains(label, "Send the recap to Acme")
	}
	if !found {
		t.Errorf("the next form does not offer the reopened commitment: %v", keptOptions(view, rep))
	}
}
