package main

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// replacedWith waits for a post through url that replaces the message
// clicked and whose blocks say want.
func (b *bot) replacedWith(url, want string) fakeslack.Response {
	b.t.Helper()
	r, err := b.fake.WaitForResponse(ctxT(b.t), func(r fakeslack.Response) bool {
		return r.URL == url && r.ReplaceOriginal && strings.Contains(blocksText(r.Blocks), want)
	})
	if err != nil {
		b.t.Fatalf("no replacement through the click's response_url saying %q: %v", want, err)
	}
	return r
}

// clickInHistory lists the manager's /coach history (args as typed after
// it) and clicks actionID on its first session.
func (b *bot) clickInHistory(args, actionID string) fakeslack.Interaction {
	b.t.Helper()
	hist := b.history(args)
	return b.must(b.fake.ClickResponseButton(ctxT(b.t), mgr, hist.URL, actionID))
}

// A team meeting edited from /coach history (Sam taken off, the date moved)
// shows the history again in place, saying what changed, with the line as
// it is now: the list no longer reads as before the edit.
func TestAnEditFromHistoryShowsTheHistoryAgainWithWhatChanged(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	viewID, _ := b.openModal("")
	today := b.today("America/New_York")
	if _, ack := b.submit(viewID, values([]string{rep, rep2}, "team_meeting", today, "30", "")); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	b.dm(rep, 1)
	in := b.clickInHistory("<@"+rep2+"|ria>", "session_edit")
	if _, ack := b.submit(b.openedView(in), values([]string{rep2}, "team_meeting", "2026-11-17", "30", "")); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}
	r := b.replacedWith(in.ResponseURL, "Updated: took <@"+rep+"> off")
	text := blocksText(r.Blocks)
	if !strings.Contains(text, "date ") || !strings.Contains(text, "recent coaching with <@"+rep2+">") || strings.Contains(text, "<@"+rep+"> and") {
		t.Fatalf("history after the edit = %s, want what changed over the list as it is now", text)
	}
	if !slices.Contains(actionIDs(r.Blocks), "session_edit") {
		t.Fatalf("history after the edit has no Edit: %v", actionIDs(r.Blocks))
	}
}

// Undo from /coach history replaces the list, the session gone and the word
// at its top, instead of a note under a list still offering Edit and Undo.
func TestUndoFromHistoryReplacesTheList(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.logPending()
	in := b.clickInHistory("", "session_undo")
	r := b.replacedWith(in.ResponseURL, "Undone:")
	if ids := actionIDs(r.Blocks); slices.Contains(ids, "session_undo") || !strings.Contains(blocksText(r.Blocks), "Your recent coaching") {
		t.Fatalf("history after Undo = %s %v, want the list without the session", blocksText(r.Blocks), ids)
	}
	for _, x := range b.fake.Responses() {
		if x.URL == in.ResponseURL && !x.ReplaceOriginal {
			t.Fatalf("Undo from history posted a new message: %s", blocksText(x.Blocks))
		}
	}
}

// An edit from the receipt replaces it with what changed, not "Logged" as
// if the session were new; Edit and Undo stay.
func TestAnEditFromTheReceiptSaysWhatChanged(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	cmd, err := b.fake.SlashCommand(ctx, mgr, "/coach", "")
	if err != nil {
		t.Fatal(err)
	}
	today := b.today("America/New_York")
	if _, ack := b.submit(b.openedView(cmd), values([]string{rep}, "one_on_one", today, "30", "")); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	b.dm(rep, 1)
	// The receipt goes through the outbox: its Edit is there once posted.
	if _, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == cmd.ResponseURL }); err != nil {
		t.Fatal(err)
	}
	in, err := b.fake.ClickResponseButton(ctx, mgr, cmd.ResponseURL, "session_edit")
	if err != nil {
		t.Fatal(err)
	}
	if _, ack := b.submit(b.openedView(in), values([]string{rep}, "one_on_one", today, "50", "")); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}
	r := b.replacedWith(in.ResponseURL, "Updated: duration 30 → 50 min")
	if text := blocksText(r.Blocks); strings.Contains(text, "Logged") {
		t.Fatalf("receipt after the edit = %s, want no \"Logged\"", text)
	}
	if ids := actionIDs(r.Blocks); !slices.Contains(ids, "session_edit") || !slices.Contains(ids, "session_undo") {
		t.Fatalf("receipt after the edit has %v, want Edit and Undo", ids)
	}
}

// The Edit of a not-accurate DM: once saved, a reply in the DM's thread
// editFromDisputeNotice logs a 30-minute 1:1 with rep, has the rep mark
// it not accurate, and clicks Edit on the manager's notice: today, the
// notice, and the edit form it opened.
func (b *bot) editFromDisputeNotice() (today string, notice fakeslack.Message, view string) {
	b.t.Helper()
	today = b.today("America/New_York")
	viewID, _ := b.openModal("")
	b.submit(viewID, values([]string{rep}, "one_on_one", today, "30", ""))
	b.dispute(b.dm(rep, 1), "It was 15 minutes, not 30")
	notice = b.dm(mgr, 1)
	in, err := b.fake.ClickButton(ctxT(b.t), mgr, notice.Channel, notice.TS, "session_edit")
	if err != nil {
		b.t.Fatal(err)
	}
	return today, notice, b.openedView(in)
}

// says what changed; the DM itself, the rep's reason in it, stays.
func TestAnEditFromTheDisputeNoticeSaysItWasSaved(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	today, notice, view := b.editFromDisputeNotice()
	if _, ack := b.submit(view, values([]string{rep}, "one_on_one", today, "15", "")); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}
	eventually(t, "a reply under the not-accurate DM says the edit was saved", func() bool {
		for _, m := range b.fake.Messages(mgr) {
			if m.ThreadTS == notice.TS && strings.Contains(blocksText(m.Blocks), "Updated: duration 30 → 15 min") {
				return true
			}
		}
		return false
	})
	if m, _ := b.fake.Message(notice.Channel, notice.TS); !strings.Contains(blocksText(m.Blocks), "15 minutes, not 30") {
		t.Fatalf("the not-accurate DM lost the reason: %s", blocksText(m.Blocks))
	}
}

// An edit saved from the not-accurate DM before the bot has heard back
// where Slack put that DM gets its reply in the DM's thread all the same.
// Slack shows a post as soon as it has it; the bot learns its ts from
// Slack's answer and records it after, which a slow answer or a busy
// database can put behind the manager's edit. The reply was sent to the
// manager's DM, outside the thread, as if the form had been crafted to
// name another thread.
func TestAnEditSavedBeforeTheNoticeIsRecordedRepliesInItsThread(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	today := b.today("America/New_York")
	viewID, _ := b.openModal("")
	b.submit(viewID, values([]string{rep}, "one_on_one", today, "30", ""))
	dm := b.dm(rep, 1)
	// Every post to the manager is in their DM for them to click while
	// Slack's answer to the bot waits.
	release := b.fake.HoldAnswers("chat.postMessage", func(c fakeslack.Call) bool { return c.Param("channel") == mgr })
	t.Cleanup(release)
	b.dispute(dm, "It was 15 minutes, not 30")
	notice := b.dm(mgr, 1)
	in, err := b.fake.ClickButton(ctxT(t), mgr, notice.Channel, notice.TS, "session_edit")
	if err != nil {
		t.Fatal(err)
	}
	if _, ack := b.submit(b.openedView(in), values([]string{rep}, "one_on_one", today, "15", "")); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}
	release()
	var reply fakeslack.Message
	eventually(t, "the reply that the edit was saved", func() bool {
		for _, m := range b.fake.Messages(mgr) {
			if strings.Contains(blocksText(m.Blocks), "Updated: duration 30 → 15 min") {
				reply = m
				return true
			}
		}
		return false
	})
	if reply.ThreadTS != notice.TS {
		t.Fatalf("the reply that the edit was saved went in thread %q, want the not-accurate DM's, %s", reply.ThreadTS, notice.TS)
	}
	if strings.Contains(b.logs.String(), "no not-accurate notice") {
		t.Fatalf("the not-accurate DM was taken for a thread a crafted form named:\n%s", b.logs)
	}
}

// logReceipted is logPending once the log's own receipt is posted: it
// goes through its response_url from the outbox, and a failure a test
// sets up for a later post could take it instead (it then comes as a DM).
func (b *bot) logReceipted() {
	b.t.Helper()
	b.logPending()
	eventually(b.t, "the log's receipt", func() bool {
		return slices.ContainsFunc(b.fake.Responses(), func(r fakeslack.Response) bool { return strings.HasPrefix(r.Text, "Logged: ") })
	})
}

// A history whose click's response_url Slack no longer takes (its five
// posts used, or expired) is left as it was after an edit from it: the
// edit is saved, nothing else is posted to the manager, and no warning is
// logged for a courtesy Slack refused.
func TestAnEditFromHistoryPastItsResponseURLIsSavedQuietly(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.logReceipted()
	in := b.clickInHistory("", "session_edit")
	viewID := b.openedView(in)
	b.fake.FailNext(fakeslack.MethodResponseURL, 1, fakeslack.Fault{Status: http.StatusNotFound, Error: "used_url"})
	if _, ack := b.submit(viewID, values([]string{rep}, "one_on_one", b.today("America/New_York"), "50", "")); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}
	eventually(t, "the edit saved", func() bool { return b.export()[0].DurationMin == 50 })
	eventually(t, "the history refused once", func() bool {
		return slices.ContainsFunc(b.fake.Responses(), func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
	})
	if n := len(b.fake.Messages(mgr)); n != 0 {
		t.Fatalf("the manager got %d messages after the history's URL was refused", n)
	}
	if strings.Contains(b.logs.String(), "response_url post failed") {
		t.Fatalf("a refused courtesy was logged as a failure:\n%s", b.logs)
	}
}

// The history shown again after an edit is retried once when Slack
// answers its first post with a blip (a 500), as every answer through a
// response_url is: the courtesy is not lost to one bad moment.
func TestAnEditFromHistoryRetriesABlip(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.logReceipted()
	in := b.clickInHistory("", "session_edit")
	viewID := b.openedView(in)
	b.fake.FailNext(fakeslack.MethodResponseURL, 1, fakeslack.Fault{Status: http.StatusInternalServerError})
	if _, ack := b.submit(viewID, values([]string{rep}, "one_on_one", b.today("America/New_York"), "50", "")); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}
	// The refused first post never matches: the retry is the post Slack took.
	b.replacedWith(in.ResponseURL, "Updated: duration 30 → 50 min")
}

// An edit saved from a history clicked 29½ minutes before is not
// followed by the history shown again: the bot stops posting to a
// response_url a minute before Slack's 30, as the outbox does, rather than
// post what Slack may refuse on arrival. The edit is saved.
func TestAnEditFromHistoryNearItsResponseURLsEndIsNotShownAgain(t *testing.T) {
	t.Parallel()
	clk := &testClock{}
	clk.Advance(time.Until(midweek)) // New York's today is UTC's: the form's date is not moved
	b := startBotAt(t, clk.Now)
	b.logPending()
	in := b.clickInHistory("", "session_edit")
	viewID := b.openedView(in)
	clk.Advance(29*time.Minute + 30*time.Second)
	if _, ack := b.submit(viewID, values([]string{rep}, "one_on_one", b.today("America/New_York"), "50", "")); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}
	eventually(t, "the edit saved", func() bool { return b.export()[0].DurationMin == 50 })
	eventually(t, "the history's response_url judged expired", func() bool {
		return strings.Contains(b.logs.String(), "the history's response_url has expired")
	})
	if got := responsesTo(b, in.ResponseURL); len(got) != 0 {
		t.Fatalf("the history was posted to %d times through a response_url 29½ minutes old", len(got))
	}
}

// The reply under the not-accurate DM is queued with the edit, in its
// transaction: Slack failing when it is first sent, and the bot stopping
// before it is sent again, no longer lose it (it was posted directly,
// once, after the commit). It goes once the bot is back, in the thread.
func TestTheReplyToAnEditFromTheDisputeNoticeSurvivesARestart(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	today, notice, view := b.editFromDisputeNotice()
	b.fake.FailNext("chat.postMessage", 1_000_000, fakeslack.Fault{Status: http.StatusInternalServerError})
	if _, ack := b.submit(view, values([]string{rep}, "one_on_one", today, "15", "")); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}
	replies := func() (n int) {
		for _, c := range b.fake.CallsTo("chat.postMessage") {
			if c.Param("thread_ts") == notice.TS {
				n++
			}
		}
		return n
	}
	eventually(t, "a first try of the reply, refused", func() bool { return replies() > 0 })
	b.stop()
	b.fake.ClearFaults("chat.postMessage")
	b.start()
	eventually(t, "the reply under the not-accurate DM after the restart", func() bool {
		for _, m := range b.fake.Messages(mgr) {
			if m.ThreadTS == notice.TS && strings.Contains(blocksText(m.Blocks), "Updated: duration 30 → 15 min") {
				return true
			}
		}
		return false
	})
}

// The reply under the not-accurate DM, held back (Slack refusing posts)
// until the manager had undone the session, says it was undone, as the
// receipt does: not "Updated: … Now: …" of a session that no longer
// counts.
func TestTheReplyToAnEditFromTheDisputeNoticeSaysASessionUndoneSinceWasUndone(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	today, notice, view := b.editFromDisputeNotice()
	// Every post is refused, as Slack's rate limit would, with a
	// Retry-After of a second: the reply waits, tried again every second.
	b.fake.FailNext("chat.postMessage", 1_000_000, fakeslack.Fault{Status: http.StatusTooManyRequests, RetryAfter: 1})
	if _, ack := b.submit(view, values([]string{rep}, "one_on_one", today, "15", "")); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}
	eventually(t, "a first try of the reply, refused", func() bool {
		return slices.ContainsFunc(b.fake.CallsTo("chat.postMessage"), func(c fakeslack.Call) bool { return c.Param("thread_ts") == notice.TS })
	})
	u := b.clickInHistory("", "session_undo")
	b.replacedWith(u.ResponseURL, "Undone:")
	b.fake.ClearFaults("chat.postMessage")

	var reply string
	eventually(t, "the reply under the not-accurate DM", func() bool {
		for _, m := range b.fake.Messages(mgr) {
			if m.ThreadTS == notice.TS {
				reply = blocksText(m.Blocks)
				return true
			}
		}
		return false
	})
	if !strings.Contains(reply, "Undone:") || strings.Contains(reply, "Updated:") || strings.Contains(reply, "Now:") {
		t.Errorf("reply under the not-accurate DM, after the undo = %q, want it to say the session was undone", reply)
	}
}
