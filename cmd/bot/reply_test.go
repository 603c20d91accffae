package main

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// responsesTo lists the posts made to one response_url.
func responsesTo(b *bot, url string) []fakeslack.Response {
	var out []fakeslack.Response
	for _, r := range b.fake.Responses() {
		if r.URL == url {
			out = append(out, r)
		}
	}
	return out
}

// receiptDM waits for the manager's receipt posted as a DM, and checks it
// carries Edit and Undo.
func (b *bot) receiptDM() fakeslack.Message {
	b.t.Helper()
	m := b.dm(mgr, 1)
	if !strings.Contains(m.Text, "Logged") || !slices.Contains(actionIDs(m.Blocks), "session_edit") || !slices.Contains(actionIDs(m.Blocks), "session_undo") {
		b.t.Fatalf("the manager's DM = %q %v, want the receipt with Edit and Undo", m.Text, actionIDs(m.Blocks))
	}
	return m
}

// A form kept open past the 30 minutes Slack takes its response_url for
// still gets its receipt: as a DM to the manager, with Edit and Undo that
// work. The dead URL is not even tried.
func TestAFormSubmittedAfterItsResponseURLExpiredSendsTheReceiptAsADM(t *testing.T) {
	t.Parallel()
	clk := &testClock{}
	clk.Advance(time.Until(midweek)) // New York's today is UTC's: the form's date is not moved
	b := startBotAt(t, clk.Now)
	ctx := ctxT(t)
	in, err := b.fake.SlashCommand(ctx, mgr, "/coach", "")
	if err != nil {
		t.Fatal(err)
	}
	viewID := b.openedView(in)
	clk.Advance(31 * time.Minute)
	if _, ack := b.submit(viewID, values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", "")); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	receipt := b.receiptDM()
	// The text is the DM's notification: what was logged, with whom.
	if want := "Logged: 1:1 with <@" + rep + "> on "; !strings.HasPrefix(receipt.Text, want) {
		t.Errorf("the receipt's text = %q, want it to start %q", receipt.Text, want)
	}
	if got := responsesTo(b, in.ResponseURL); len(got) != 0 {
		t.Errorf("the expired response_url was posted to %d times", len(got))
	}
	undo, err := b.fake.ClickButton(ctx, mgr, receipt.Channel, receipt.TS, "session_undo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool {
		return r.URL == undo.ResponseURL && r.ReplaceOriginal && strings.HasPrefix(r.Text, "Undone: 1:1 with <@"+rep+"> on ")
	}); err != nil {
		t.Fatal(err)
	}
	if rows := b.export(); len(rows) != 0 {
		t.Fatalf("Undo from the DM receipt left %+v", rows)
	}
}

// When Slack refuses a receipt's response_url (404 used_url, or 200 with
// {"ok":false,"error":"expired_url"}, a shape clients such as Sentry's
// read), the same outbox delivery sends the receipt as a DM instead:
// nothing is lost.
func TestAReceiptWhoseResponseURLSlackRefusesArrivesAsADM(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		fault fakeslack.Fault
	}{
		{"404 used_url", fakeslack.Fault{Status: http.StatusNotFound, Error: "used_url"}},
		{"200 ok:false expired_url", fakeslack.Fault{Error: "expired_url"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := startBot(t)
			b.fake.FailNext(fakeslack.MethodResponseURL, 1, tt.fault)
			in, err := b.fake.SlashCommand(ctxT(t), mgr, "/coach", "<@"+rep+"|sam> 1:1 30m")
			if err != nil {
				t.Fatal(err)
			}
			b.receiptDM()
			got := responsesTo(b, in.ResponseURL)
			if len(got) != 1 || got[0].Error != tt.fault.Error {
				t.Fatalf("posts to the response_url = %+v, want the one Slack refused", got)
			}
			b.dm(rep, 1)
		})
	}
}

// A receipt Slack refuses for its content fails for good, whether Slack
// says so with a 400 or with 200 and {"ok":false,"error":"invalid_blocks"}:
// it is not counted as delivered, the log says why with Slack's code, and
// nothing else is sent in its stead (the same message would be refused
// again).
func TestAReceiptSlackRefusesFailsForGoodHoweverSlackSaysIt(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		fault fakeslack.Fault
	}{
		{"400 invalid_blocks", fakeslack.Fault{Status: http.StatusBadRequest, Error: "invalid_blocks"}},
		{"200 ok:false invalid_blocks", fakeslack.Fault{Error: "invalid_blocks"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := startBot(t)
			b.fake.FailNext(fakeslack.MethodResponseURL, 1, tt.fault)
			in, err := b.fake.SlashCommand(ctxT(t), mgr, "/coach", "<@"+rep+"|sam> 1:1 30m")
			if err != nil {
				t.Fatal(err)
			}
			b.dm(rep, 1)
			var failed string
			eventually(t, "the receipt failed for good", func() bool {
				failed = grepLines(b.logs.String(), "outbox message failed for good")
				return failed != ""
			})
			if !strings.Contains(failed, "kind=capture_reply") || !strings.Contains(failed, "invalid_blocks") {
				t.Fatalf("failure logged as %q, want the receipt and Slack's code", failed)
			}
			if got := responsesTo(b, in.ResponseURL); len(got) != 1 || got[0].Error != "invalid_blocks" {
				t.Fatalf("posts to the response_url = %+v, want the one Slack refused", got)
			}
			if msgs := b.fake.Messages(mgr); len(msgs) != 0 {
				t.Fatalf("the manager got %+v, want nothing in the refused receipt's stead", msgs)
			}
		})
	}
}

// A rep's own click updates their DM through the click's response_url
// (replace_original), which is immediate and not held to chat.update's
// Tier 3: Confirm, a rating, and a comment through its modal.
func TestARepsClickUpdatesTheirDMThroughItsResponseURL(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	viewID, _ := b.openModal("")
	b.submit(viewID, values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", ""))
	dm := b.dm(rep, 1)

	replaced := func(what, url, want string) {
		t.Helper()
		r, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == url })
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if !r.ReplaceOriginal || r.Status != http.StatusOK || r.MessageTS != dm.TS || r.ResponseType == "ephemeral" {
			t.Fatalf("%s answered %+v, want the DM replaced in place", what, r)
		}
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		if !strings.Contains(blocksText(m.Blocks), want) || m.Ephemeral {
			t.Fatalf("%s: the DM reads %s, want %q", what, blocksText(m.Blocks), want)
		}
	}
	in, err := b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_confirm")
	if err != nil {
		t.Fatal(err)
	}
	replaced("Confirm", in.ResponseURL, "How useful was it?")
	in, err = b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_rate_4")
	if err != nil {
		t.Fatal(err)
	}
	replaced("a rating", in.ResponseURL, "rated it *4/5*")
	in, err = b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_comment")
	if err != nil {
		t.Fatal(err)
	}
	commentView := b.openedView(in)
	sub, err := b.fake.SubmitView(ctx, rep, commentView, map[string]map[string]any{"reason": {"reason": fakeslack.TextValue("Very useful, thanks")}})
	if err != nil {
		t.Fatal(err)
	}
	if ack, err := b.fake.AwaitAck(ctx, sub.EnvelopeID); err != nil || len(ack.Payload) != 0 {
		t.Fatalf("comment ack = %s, %v", ack.Payload, err)
	}
	replaced("a comment", in.ResponseURL, "Your comment: Very useful, thanks")

	if n := len(b.fake.CallsTo("chat.update")); n != 0 {
		t.Fatalf("%d chat.update calls for updates the rep's own clicks caused", n)
	}
	if n := len(b.fake.Messages(rep)); n != 1 {
		t.Fatalf("the rep has %d messages, want their one DM", n)
	}
}

// When the click's response_url can't be used, the DM is updated with
// chat.update instead: Slack refused it (404), or the rep kept the Not
// accurate form open past its 30 minutes.
func TestADMUpdateFallsBackToChatUpdate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		answer func(b *bot, clk *testClock, dm fakeslack.Message) (url string)
		want   string
	}{
		{"Slack refuses the response_url", func(b *bot, _ *testClock, dm fakeslack.Message) string {
			b.fake.FailNext(fakeslack.MethodResponseURL, 1, fakeslack.Fault{Status: http.StatusNotFound, Error: "expired_url"})
			in, err := b.fake.ClickButton(ctxT(b.t), rep, dm.Channel, dm.TS, "rep_confirm")
			if err != nil {
				b.t.Fatal(err)
			}
			return in.ResponseURL
		}, "How useful was it?"},
		{"Slack refuses the response_url with 200 ok:false expired_url", func(b *bot, _ *testClock, dm fakeslack.Message) string {
			b.fake.FailNext(fakeslack.MethodResponseURL, 1, fakeslack.Fault{Error: "expired_url"})
			in, err := b.fake.ClickButton(ctxT(b.t), rep, dm.Channel, dm.TS, "rep_confirm")
			if err != nil {
				b.t.Fatal(err)
			}
			return in.ResponseURL
		}, "How useful was it?"},
		{"the Not accurate form stays open 31 minutes", func(b *bot, clk *testClock, dm fakeslack.Message) string {
			ctx := ctxT(b.t)
			in, err := b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_dispute")
			if err != nil {
				b.t.Fatal(err)
			}
			viewID := b.openedView(in)
			clk.Advance(31 * time.Minute)
			sub, err := b.fake.SubmitView(ctx, rep, viewID, map[string]map[string]any{"reason": {"reason": fakeslack.TextValue("It was 15 minutes")}})
			if err != nil {
				b.t.Fatal(err)
			}
			if ack, err := b.fake.AwaitAck(ctx, sub.EnvelopeID); err != nil || len(ack.Payload) != 0 {
				b.t.Fatalf("dispute ack = %s, %v", ack.Payload, err)
			}
			return in.ResponseURL
		}, "not accurate"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clk := &testClock{}
			clk.Advance(time.Until(midweek)) // New York's today is UTC's: the form's date is not moved
			b := startBotAt(t, clk.Now)
			viewID, _ := b.openModal("")
			b.submit(viewID, values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", ""))
			dm := b.dm(rep, 1)
			// The manager's receipt is out before a fault is injected.
			if _, err := b.fake.WaitForResponse(ctxT(t), func(r fakeslack.Response) bool { return strings.Contains(r.Text, "Logged") }); err != nil {
				t.Fatal(err)
			}
			url := tt.answer(b, clk, dm)
			call, err := b.fake.WaitForCall(ctxT(t), "chat.update", func(c fakeslack.Call) bool { return c.Param("ts") == dm.TS })
			if err != nil {
				t.Fatal(err)
			}
			if call.Error != "" {
				t.Fatalf("chat.update failed: %s", call.Error)
			}
			m, _ := b.fake.Message(dm.Channel, dm.TS)
			if !strings.Contains(blocksText(m.Blocks), tt.want) {
				t.Fatalf("the DM reads %s, want %q", blocksText(m.Blocks), tt.want)
			}
			for _, r := range responsesTo(b, url) {
				if r.Status == http.StatusOK && r.Error == "" {
					t.Fatalf("the response_url was also used: %+v", r)
				}
			}
			if n := len(b.fake.Messages(rep)); n != 1 {
				t.Fatalf("the rep has %d messages, want their one DM", n)
			}
		})
	}
}
