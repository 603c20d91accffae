package main

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// noticeNow waits for the manager's not-accurate notice to read all of
// want, edited in place with no Edit button left, and returns its text:
// it is updated once the dispute it told of no longer stands.
func (b *bot) noticeNow(notice fakeslack.Message, after string, want ...string) string {
	b.t.Helper()
	var text string
	var ids []string
	reads := func() bool {
		m, _ := b.fake.Message(notice.Channel, notice.TS)
		text, ids = blocksText(m.Blocks), actionIDs(m.Blocks)
		if !m.Edited || slices.Contains(ids, "session_edit") {
			return false
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				return false
			}
		}
		return true
	}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for !reads() {
		select {
		case <-deadline:
			b.t.Fatalf("the not-accurate notice after %s reads %q with %v, want %q and no Edit", after, text, ids, want)
		case <-tick.C:
		}
	}
	return text
}

// answerTheEdit has the rep answer the DM as an edit left it (asking
// again): Confirm, or Not accurate with reason.
func (b *bot) answerTheEdit(dm fakeslack.Message, confirm bool, reason string) {
	b.t.Helper()
	var cur fakeslack.Message
	eventually(b.t, "the rep's DM asking again", func() bool {
		cur, _ = b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(cur.Blocks), "Please confirm again")
	})
	if !confirm {
		b.dispute(cur, reason)
		return
	}
	if _, err := b.fake.ClickButton(ctxT(b.t), rep, dm.Channel, dm.TS, "rep_confirm"); err != nil {
		b.t.Fatal(err)
	}
	eventually(b.t, "confirmed", func() bool { return b.export()[0].Status == "confirmed" })
}

// The manager's not-accurate notice, once the rep confirms the session as
// the manager's edit left it, says so in place: the warning and its Edit
// button gone, the rep's reason kept for what the edit was about. Before
// the rep answers, the edit alone leaves it as it was.
func TestTheNotAccurateNoticeSaysTheRepConfirmedAfterTheEdit(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	today, notice, view := b.editFromDisputeNotice()
	if _, ack := b.submit(view, values([]string{rep}, "one_on_one", today, "15", "")); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}
	dm := b.dm(rep, 1)
	eventually(t, "the reply saying the edit was saved", func() bool {
		return slices.ContainsFunc(b.fake.Messages(mgr), func(m fakeslack.Message) bool { return m.ThreadTS == notice.TS })
	})
	if m, _ := b.fake.Message(notice.Channel, notice.TS); m.Edited || !slices.Contains(actionIDs(m.Blocks), "session_edit") {
		t.Fatalf("the notice changed before the rep answered the edit: %s %v", blocksText(m.Blocks), actionIDs(m.Blocks))
	}

	b.answerTheEdit(dm, true, "")
	text := b.noticeNow(notice, "the rep's Confirm", "<@"+rep+"> confirmed your *1:1* with them on", "(15 min) after your edit",
		"They had said: It was 15 minutes, not 30")
	if strings.Contains(text, ":warning:") || strings.Contains(text, "is *not accurate*") {
		t.Errorf("the notice still warns: %s", text)
	}
	if c := b.fake.CallsTo("chat.update"); len(c) == 0 || c[len(c)-1].Param("channel") != notice.Channel {
		t.Errorf("the notice was not updated by chat.update in its DM channel")
	}
}

// Undone while the rep still disputes it, the session's notice says it
// was undone, without the Edit button of a session no longer there.
func TestTheNotAccurateNoticeSaysTheSessionWasUndone(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.dispute(b.logPending(), "We never talked pricing")
	notice := b.dm(mgr, 1)
	u := b.clickInHistory("", "session_undo")
	b.replacedWith(u.ResponseURL, "Undone:")
	b.noticeNow(notice, "the undo", "This session was undone", "They had said: We never talked pricing")
}

// A rep who disputed a team meeting and was taken off it by the edit
// that answered them: the notice says they were taken off, not that the
// dispute still waits for a fix.
func TestTheNotAccurateNoticeSaysTheRepWasTakenOff(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	today := b.today("America/New_York")
	viewID, _ := b.openModal("")
	if _, ack := b.submit(viewID, values([]string{rep, rep2}, "team_meeting", today, "30", "")); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	b.dispute(b.dm(rep, 1), "I was not in that meeting")
	notice := b.dm(mgr, 1)
	in := b.must(b.fake.ClickButton(ctxT(t), mgr, notice.Channel, notice.TS, "session_edit"))
	if _, ack := b.submit(b.openedView(in), values([]string{rep2}, "team_meeting", today, "30", "")); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}
	b.noticeNow(notice, "taking the rep off", "<@"+rep+"> was taken off the *Team meeting*", "They had said: I was not in that meeting")
}

// A second "not accurate" after the manager's edit has a notice of its
// own, with the new reason and an Edit button; the first notice says the
// edit was answered by it, rather than stay a second open dispute beside
// it with a reason that is no longer the rep's word.
func TestASecondDisputeAfterTheEditClosesTheFirstNotice(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	today, notice, view := b.editFromDisputeNotice()
	if _, ack := b.submit(view, values([]string{rep}, "one_on_one", today, "25", "")); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}
	b.answerTheEdit(b.dm(rep, 1), false, "Still wrong: 20 minutes")
	b.noticeNow(notice, "a second dispute", "is still *not accurate* after your edit; a newer message says why",
		"They had said: It was 15 minutes, not 30")

	var second fakeslack.Message
	eventually(t, "the second notice", func() bool {
		for _, m := range b.fake.Messages(mgr) {
			if m.ThreadTS == "" && m.TS != notice.TS {
				second = m
				return true
			}
		}
		return false
	})
	if text := blocksText(second.Blocks); !strings.Contains(text, "Still wrong: 20 minutes") || !slices.Contains(actionIDs(second.Blocks), "session_edit") ||
		strings.Contains(text, "15 minutes, not 30") {
		t.Errorf("the second notice reads %q with %v, want the new reason and Edit", text, actionIDs(second.Blocks))
	}
}

// The notice's update is queued with the rep's answer: Slack failing it,
// and the bot stopping before it is tried again, do not lose it. It goes
// once the bot is back, read from the audit trail then (the reason the
// edit cleared from the rep's record included).
func TestTheNotAccurateNoticesUpdateSurvivesARestart(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	today, notice, view := b.editFromDisputeNotice()
	if _, ack := b.submit(view, values([]string{rep}, "one_on_one", today, "15", "")); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}
	dm := b.dm(rep, 1)
	eventually(t, "the rep's DM asking again", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(m.Blocks), "Please confirm again")
	})
	b.fake.FailNext("chat.update", 1_000_000, fakeslack.Fault{Status: http.StatusInternalServerError})
	b.answerTheEdit(dm, true, "")
	eventually(t, "a first try of the notice's update, refused", func() bool {
		return slices.ContainsFunc(b.fake.CallsTo("chat.update"), func(c fakeslack.Call) bool { return c.Param("ts") == notice.TS })
	})
	b.stop()
	b.fake.ClearFaults("chat.update")
	b.start()
	b.noticeNow(notice, "the restart", "confirmed your *1:1* with them on", "after your edit", "They had said: It was 15 minutes, not 30")
}
