package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// importBigRoster imports Max's team and 40 managers more, with long names
// and no reps yet: enough for the digest to be a headline in the channel
// and replies in its thread.
func (b *bot) importBigRoster(t *testing.T) {
	t.Helper()
	rows := "slack_id,email,name,role,manager,tier,timezone\n" + mgr + ",,Max,manager,,,America/New_York\n" +
		rep + ",,Sam,rep," + mgr + ",top,\n" + rep2 + ",,Ria,rep," + mgr + ",bottom,\n" + other + ",,Olly,admin,,,\n"
	for i := range 40 {
		id := fmt.Sprintf("U0MGR%04d", i)
		b.fake.AddUser(fakeslack.User{ID: id, Name: strings.ToLower(id), RealName: "Manager " + id, TZ: "UTC"})
		rows += fmt.Sprintf("%s,,Manager %02d %s,manager,,,\n", id, i, strings.Repeat("Long-Name ", 5))
	}
	csv := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(csv, []byte(rows), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := b.cli("roster", "import", csv); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
}

var threadedRE = regexp.MustCompile(`a headline and (\d+) in its thread`)

// digestThread is the digest's live headline in C0LEADS and the live
// replies under it, failing the test unless there is exactly one.
func digestThread(t *testing.T, fake *fakeslack.Server) (head fakeslack.Message, replies []fakeslack.Message) {
	t.Helper()
	var heads []fakeslack.Message
	msgs := fake.Messages("C0LEADS")
	for _, m := range msgs {
		if m.ThreadTS == "" {
			heads = append(heads, m)
		}
	}
	if len(heads) != 1 {
		t.Fatalf("%d live headlines in the channel, want 1", len(heads))
	}
	for _, m := range msgs {
		if m.ThreadTS == heads[0].TS {
			replies = append(replies, m)
		}
	}
	return heads[0], replies
}

// checkFreshThread checks that the digest's live headline holds every reply
// (want of them) and the chart last shared.
func checkFreshThread(t *testing.T, fake *fakeslack.Server, want int) {
	t.Helper()
	head, replies := digestThread(t, fake)
	if len(replies) != want {
		t.Errorf("%d replies under the live headline, want %d", len(replies), want)
	}
	var last fakeslack.File
	for _, f := range fake.Files() {
		if f.Completed {
			last = f
		}
	}
	if last.ThreadTS != head.TS {
		t.Errorf("the chart last shared is in thread %q, not under the live headline %s", last.ThreadTS, head.TS)
	}
}

// A headline deleted in the channel as soon as it is posted (a person
// deleting it while its replies wait for their turn) gets its first reply
// thread_not_found from Slack: the sender posts the headline again, once,
// and the whole thread (the chart again too) under it. Deleted again, the
// replies fail for good, the headline posted twice in all, never more;
// `coachlog digest --week` then posts it again, on an admin's word, with
// every reply in a fresh thread, not into the deleted one.
func TestADigestWhoseHeadlineIsDeletedIsPostedAgainWithItsThread(t *testing.T) {
	t.Parallel()
	heads := func(fake *fakeslack.Server) int {
		n := 0
		for _, c := range fake.CallsTo("chat.postMessage") {
			if c.Param("channel") == "C0LEADS" && c.Param("thread_ts") == "" && c.Error == "" {
				n++
			}
		}
		return n
	}
	t.Run("deleted once", func(t *testing.T) {
		t.Parallel()
		b := startBot(t)
		b.fake.AddChannel("C0LEADS", true)
		b.importBigRoster(t)
		b.coachLastWeek()
		b.fake.DeleteNextPosts("C0LEADS", 1)
		out, err := b.cli("digest", "--channel", "C0LEADS")
		if err != nil {
			t.Fatalf("digest: %v\n%s", err, out)
		}
		m := threadedRE.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("the digest is not threaded:\n%s", out)
		}
		n, _ := strconv.Atoi(m[1])
		if got := heads(b.fake); got != 2 {
			t.Errorf("the headline was posted %d times, want 2", got)
		}
		checkFreshThread(t, b.fake, n)
	})
	t.Run("deleted twice, then run again", func(t *testing.T) {
		t.Parallel()
		b := startBot(t)
		b.fake.AddChannel("C0LEADS", true)
		b.importBigRoster(t)
		b.coachLastWeek()
		week, _ := b.lastWeek()
		b.fake.DeleteNextPosts("C0LEADS", 2)
		out, err := b.cli("digest", "--channel", "C0LEADS")
		if err == nil || !strings.Contains(err.Error(), "failed to deliver") {
			t.Fatalf("a digest whose headline is deleted twice: %v\n%s", err, out)
		}
		if got := heads(b.fake); got != 2 {
			t.Errorf("the headline was posted %d times, want 2 (once again, never more)", got)
		}
		out, err = b.cli("digest", "--channel", "C0LEADS", "--week", week.String())
		if err != nil {
			t.Fatalf("digest run again: %v\n%s", err, out)
		}
		m := regexp.MustCompile(`posting it again there, with its (\d+) replies in a fresh thread\.`).FindStringSubmatch(out)
		if m == nil || !strings.Contains(out, "The headline of the digest of "+week.String()+" was deleted in C0LEADS") {
			t.Fatalf("the run again does not say it posts the headline again:\n%s", out)
		}
		n, _ := strconv.Atoi(m[1])
		if got := heads(b.fake); got != 3 {
			t.Errorf("the headline was posted %d times in all, want 3", got)
		}
		// n counts the chart too: a file, not a message of the thread.
		checkFreshThread(t, b.fake, n-1)
		for _, c := range b.fake.CallsTo("chat.postMessage") {
			if c.Error == "thread_not_found" && c.Param("thread_ts") == "" {
				t.Errorf("a headline was refused: %+v", c)
			}
		}
	})
}
