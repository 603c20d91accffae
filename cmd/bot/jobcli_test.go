package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// cliStarted runs a coachlog command in the background, on the clock now,
// until stop (Ctrl-C) or its end; wait waits for its error, as often as
// asked. The command is stopped and waited for when the test ends.
func cliStarted(t *testing.T, vars map[string]string, now func() time.Time, out *syncBuffer, args ...string) (stop context.CancelFunc, wait func() error, ended func() bool) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var err error
	go func() {
		defer close(done)
		err = runEnv(ctx, args, env{getenv: func(k string) string { return vars[k] }, stdout: out, stderr: out, now: now})
	}()
	wait = func() error {
		<-done
		return err
	}
	t.Cleanup(func() {
		cancel()
		wait()
	})
	ended = func() bool {
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
	return cancel, wait, ended
}

// oneManagerDue imports Mia (UTC) with her reps Ada and Cy, never coached,
// and returns the command's variables and a day both are overdue.
func oneManagerDue(t *testing.T, fake *fakeslack.Server, db string) (map[string]string, time.Time) {
	t.Helper()
	addUTCUsers(fake, "U0MA", "U0RA", "U0RC")
	vars := map[string]string{"SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL(), "COACHLOG_DB": db}
	csv := filepath.Join(t.TempDir(), "team.csv")
	os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
		"U0MA,,Mia,manager,,,UTC\nU0RA,,Ada,rep,U0MA,top,\nU0RC,,Cy,rep,U0MA,bottom,\n"), 0o600)
	imported := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
	if out, err := cliAt(t, imported, vars, "roster", "import", csv); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	return vars, imported.Add(16 * 24 * time.Hour) // Wed 2 Dec
}

// `coachlog nudge` prints each nudge as it queues it, as README says, not
// once delivery ends (up to 15 minutes later): while Slack holds the
// first post back, the line is already out. Stopped then (Ctrl-C), it
// says what stays queued and who sends it, rather than "context canceled".
func TestNudgeCommandPrintsWhatItQueuedBeforeDeliveringIt(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		fake := startFake(t)
		vars, now := oneManagerDue(t, fake, db)
		// Slack holds every post back: the clock stands still, so
		// Retry-After never passes.
		fake.FailNext("chat.postMessage", 1000, fakeslack.Fault{Status: 429, RetryAfter: 60})
		var out syncBuffer
		stop, wait, ended := cliStarted(t, vars, func() time.Time { return now }, &out, "nudge")
		waitUntil(t, 10*time.Second, "the nudge's first try", func() bool { return len(fake.CallsTo("chat.postMessage")) > 0 })
		waitUntil(t, 10*time.Second, "the queued nudge printed while its delivery is held back:\n"+out.String(), func() bool {
			s := out.String()
			return strings.Contains(s, "queued a nudge to Mia (U0MA) for 2026-12-02: ") && strings.Contains(s, "Managers due: 1; nudges queued: 1.\n")
		})
		if ended() {
			t.Fatalf("the nudge command ended while Slack held its post back: %v\n%s", wait(), out.String())
		}
		stop()
		err := wait()
		const want = "deliver nudges: interrupted, stopped before delivering everything: 1 nudge stays queued; the bot sends it when it runs"
		if err == nil || err.Error() != want {
			t.Fatalf("nudge stopped by Ctrl-C: err = %v, want %q\n%s", err, want, out.String())
		}
		if strings.Contains(out.String(), "Nudges delivered") {
			t.Errorf("a run stopped before delivering says how many it delivered:\n%s", out.String())
		}
		st, err := sqlite.Open(context.Background(), db, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if got, err := st.OutboxStatus(context.Background(), []string{"nudge:U0MA:2026-12-02"}); err != nil || got["nudge:U0MA:2026-12-02"] != "pending" {
			t.Errorf("the nudge left undelivered is %v, %v; want it pending, for the bot", got, err)
		}
	})
}

// A run says at its end how many nudges reached Slack: one withheld as it
// went (Mia coached both reps while Slack held it back) is not counted as
// delivered.
func TestNudgeCommandSaysHowManyItDelivered(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		fake := startFake(t)
		vars, now := oneManagerDue(t, fake, db)
		fake.FailNext("chat.postMessage", 1000, fakeslack.Fault{Status: 429, RetryAfter: 1})
		var out syncBuffer
		// The clock runs from now: the outbox waits out Retry-After on it.
		_, wait, _ := cliStarted(t, vars, clockFrom(now), &out, "nudge")
		waitUntil(t, 10*time.Second, "the nudge's first try", func() bool { return len(fake.CallsTo("chat.postMessage")) > 0 })
		st, err := sqlite.Open(context.Background(), db, sqlite.Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		svc := coaching.NewService(coaching.Config{Store: st, Now: func() time.Time { return now }})
		d := coaching.Draft{RepIDs: []string{"U0RA", "U0RC"}, Kind: coaching.KindTeamMeeting, DurationMin: 30, OccurredOn: coaching.DateOf(now, time.UTC)}
		if _, err := svc.LogSession(context.Background(), coaching.LogRequest{ManagerID: "U0MA", Draft: d, Key: "meanwhile"}); err != nil {
			t.Fatal(err)
		}
		st.Close()
		fake.ClearFaults("chat.postMessage")
		if err := wait(); err != nil {
			t.Fatalf("nudge: %v\n%s", err, out.String())
		}
		if n := len(fake.Messages("U0MA")); n != 0 {
			t.Fatalf("Mia, who coached both reps meanwhile, got %d nudges", n)
		}
		const want = "Nudges delivered: 0 of 1 queued; not sent, with nothing left to act on or the manager snoozed or away by then: 1.\n"
		if !strings.HasSuffix(out.String(), want) {
			t.Errorf("the run does not end with %q:\n%s", want, out.String())
		}
	})
}

// `coachlog digest` stopped by Ctrl-C while Slack holds its messages back
// says they stay queued and who sends them, and the next run does.
func TestADigestStoppedMidDeliverySaysWhatStaysQueued(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.fake.AddChannel("C0LEADS", true)
	b.importRoster(t)
	b.coachLastWeek()
	b.stop() // cron alone posts the digest
	week, _ := b.lastWeek()

	// Slack holds every post back, each time for a second: the next run
	// need not wait out more.
	b.fake.FailNext("chat.postMessage", 1000, fakeslack.Fault{Status: 429, RetryAfter: 1})
	before := len(b.fake.CallsTo("chat.postMessage")) // the reps' DMs
	var out syncBuffer
	stop, wait, _ := cliStarted(t, b.env, b.now, &out, "digest", "--channel", "C0LEADS")
	waitUntil(t, 10*time.Second, "the digest's first try", func() bool { return len(b.fake.CallsTo("chat.postMessage")) > before })
	stop()
	err := wait()
	want := fmt.Sprintf("deliver the digest of %s: interrupted, stopped before delivering everything: 2 messages stay queued; the bot, or the next run, sends them", week)
	if err == nil || err.Error() != want {
		t.Fatalf("digest stopped by Ctrl-C: err = %v, want %q\n%s", err, want, out.String())
	}

	b.fake.ClearFaults("chat.postMessage")
	o, err := b.cli("digest", "--channel", "C0LEADS")
	if err != nil || !strings.Contains(o, "2 messages of the digest of "+week.String()+" were queued before and not delivered yet") {
		t.Fatalf("the next run: %v\n%s", err, o)
	}
	checkDigestPosted(t, b.fake, week)
}
