package main

import (
	"bytes"
	"context"
	"database/sql"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// lastWeek is the last full ISO week in UTC (COACHLOG_TIMEZONE's default)
// and its Wednesday, a day that is in that week on every clock.
func (b *bot) lastWeek() (coaching.Week, string) {
	w := coaching.WeekOf(coaching.DateOf(b.now(), time.UTC).AddDays(-7))
	return w, w.Monday().AddDays(2).String()
}

// coachLastWeek logs, through Slack, Max's week: two 1:1s with Sam (top)
// and one with Ria (bottom), 30 minutes each.
func (b *bot) coachLastWeek() {
	b.t.Helper()
	_, wed := b.lastWeek()
	for i, r := range []string{rep, rep, rep2} {
		if _, err := b.fake.SlashCommand(ctxT(b.t), mgr, "/coach", "<@"+r+"> 1:1 30m "+wed); err != nil {
			b.t.Fatal(err)
		}
		n := 1 + i
		if r == rep2 {
			n = 1
		}
		b.dm(r, n)
	}
}

// checkDigestPosted checks the digest in C0LEADS: one message naming Max
// with his counts and no rep, and the chart, a PNG, shared once in its
// thread through Slack's upload flow.
func checkDigestPosted(t *testing.T, fake *fakeslack.Server, week coaching.Week) {
	t.Helper()
	msgs := fake.Messages("C0LEADS")
	if len(msgs) != 1 {
		t.Fatalf("%d messages in the leaders' channel, want 1", len(msgs))
	}
	text := blocksText(msgs[0].Blocks)
	for _, want := range []string{"Coaching digest · " + week.String(), "*Max* · 3 sessions", "90 min", "coverage 100% (2 of 2)", "0 overdue",
		"top 67% vs 50%", "bottom 33% vs 50%"} {
		if !strings.Contains(text, want) {
			t.Errorf("the digest does not say %q:\n%s", want, text)
		}
	}
	for _, never := range []string{"Sam", "Ria", "1:1 30m", "<@"} {
		if strings.Contains(text, never) {
			t.Errorf("the digest in a channel carries %q:\n%s", never, text)
		}
	}
	var done []fakeslack.File
	for _, f := range fake.Files() {
		if f.Completed {
			done = append(done, f)
		}
	}
	if len(done) != 1 {
		t.Fatalf("%d files shared, want the chart once: %+v", len(done), fake.Files())
	}
	f := done[0]
	if f.Channel != "C0LEADS" || f.ThreadTS != msgs[0].TS || f.Name != "coachlog-digest-"+week.String()+".png" || f.Length != len(f.Content) {
		t.Errorf("chart %s (%d of %d bytes) shared in %s, thread %q; want C0LEADS in the digest's thread %s",
			f.Name, len(f.Content), f.Length, f.Channel, f.ThreadTS, msgs[0].TS)
	}
	if _, err := png.Decode(bytes.NewReader(f.Content)); err != nil {
		t.Errorf("the chart is not a PNG: %v", err)
	}
	for _, m := range []string{"files.getUploadURLExternal", fakeslack.MethodUpload, "files.completeUploadExternal"} {
		if len(fake.CallsTo(m)) == 0 {
			t.Errorf("no %s call: the chart did not go through Slack's upload flow", m)
		}
	}
	if len(fake.CallsTo("files.upload")) > 0 {
		t.Error("the retired files.upload was called")
	}
}

// `coachlog digest` posts the week's digest to the channel with its chart,
// once: a dry run before posts and claims nothing, a second run posts
// nothing new and says so.
func TestDigestCommand(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		b := startBot(t, "COACHLOG_DB", db) // no digest scheduled: the command alone posts it
		b.fake.AddChannel("C0LEADS", true)
		b.importRoster(t)
		b.coachLastWeek()
		week, _ := b.lastWeek()

		chart := filepath.Join(t.TempDir(), "chart.png")
		out, err := b.cli("digest", "--dry-run", "--chart", chart)
		if err != nil {
			t.Fatalf("digest --dry-run: %v\n%s", err, out)
		}
		for _, want := range []string{"Coaching digest · " + week.String(), "Max · 3 sessions", "Chart written to " + chart, "nothing posted"} {
			if !strings.Contains(out, want) {
				t.Errorf("the dry run does not say %q:\n%s", want, out)
			}
		}
		if raw, err := os.ReadFile(chart); err != nil {
			t.Errorf("no chart file: %v", err)
		} else if _, err := png.Decode(bytes.NewReader(raw)); err != nil {
			t.Errorf("the chart file is not a PNG: %v", err)
		}
		if n := len(b.fake.Messages("C0LEADS")) + len(b.fake.CallsTo("files.getUploadURLExternal")); n != 0 {
			t.Fatalf("the dry run posted or uploaded %d things", n)
		}

		out, err = b.cli("digest", "--channel", "C0LEADS")
		if err != nil {
			t.Fatalf("digest: %v\n%s", err, out)
		}
		if !strings.Contains(out, "Posted the digest of "+week.String()+" to C0LEADS: 1 message and the chart.") {
			t.Errorf("digest said:\n%s", out)
		}
		checkDigestPosted(t, b.fake, week)

		out, err = b.cli("digest", "--channel", "C0LEADS", "--week", week.String())
		if err != nil || !strings.Contains(out, "nothing new posted") {
			t.Errorf("a second run: %v\n%s", err, out)
		}
		if n, files := len(b.fake.Messages("C0LEADS")), len(b.fake.Files()); n != 1 || files != 1 {
			t.Errorf("after a second run: %d messages and %d files, want 1 and 1", n, files)
		}
	})
}

// A digest scheduled for Monday 18:00, for the week that ended the day
// before, is not caught up by a start on Wednesday after the first roster
// import, nor posted by the command: nobody was known that week, and it
// would read as a week in which nobody was coached.
func TestNoDigestOfTheWeekBeforeTheFirstImport(t *testing.T) {
	t.Parallel()
	b := startBot(t, "COACHLOG_DIGEST_CHANNEL", "C0LEADS", "COACHLOG_DIGEST_SCHEDULE", "0 18 * * MON")
	b.fake.AddChannel("C0LEADS", true)
	b.importRoster(t)
	b.stop()
	b.start()          // within 48 hours of Monday 18:00: the catch-up pass
	b.quickLog(rep, 1) // the bot is up and has ticked
	// Had the catch-up claimed the week, the command would say it was
	// posted before.
	week, _ := b.lastWeek()
	out, err := b.cli("digest", "--channel", "C0LEADS")
	if err != nil || !strings.Contains(out, week.String()+" ended before the roster named any team") {
		t.Fatalf("digest of the week before the roster: %v\n%s", err, out)
	}
	if n := len(b.fake.Messages("C0LEADS")); n != 0 {
		t.Fatalf("%d messages in the leaders' channel, want none", n)
	}
}

// A failed upload is retried: the chart is shared once, on the second
// attempt, and the command succeeds.
func TestDigestChartUploadIsRetried(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	b.coachLastWeek()
	b.fake.FailNext("files.completeUploadExternal", 1, fakeslack.Fault{Status: 500})
	out, err := b.cli("digest", "--channel", "C0LEADS")
	if err != nil {
		t.Fatalf("digest: %v\n%s", err, out)
	}
	week, _ := b.lastWeek()
	checkDigestPosted(t, b.fake, week)
	if n := len(b.fake.CallsTo("files.completeUploadExternal")); n != 2 {
		t.Errorf("%d completions, want the failed one and its retry", n)
	}
}

// A chart Slack refuses for good (the bot is not in the channel) fails the
// command, visibly, rather than being retried for an hour.
func TestDigestCommandFailsWhenTheChannelRefuses(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.fake.AddChannel("C0LEADS", false) // the bot was never invited
	b.importRoster(t)
	b.coachLastWeek()
	out, err := b.cli("digest", "--channel", "C0LEADS")
	if err == nil || !strings.Contains(err.Error(), "failed to deliver") {
		t.Fatalf("digest into a channel the bot is not in: %v\n%s", err, out)
	}
	if !strings.Contains(b.logs.String()+out, "not_in_channel") {
		t.Errorf("Slack's reason is not in the log:\n%s", out)
	}
	week := coaching.WeekOf(coaching.DateOf(b.now(), time.UTC).AddDays(-7)).String()
	if logs := b.logs.String() + out; !strings.Contains(logs, "coachlog digest --week "+week) {
		t.Errorf("the failure does not say how to send the week once mended:\n%s", logs)
	}
	// The admin invites the bot and runs it again: what Slack refused is
	// sent now, once; the leaders get the week after all. A third run
	// finds it posted and posts nothing.
	b.fake.AddChannel("C0LEADS", true)
	out, err = b.cli("digest", "--channel", "C0LEADS")
	// It counts in English, no "message(s)".
	if err != nil || !strings.Contains(out, "Slack refused 2 messages of the digest of "+week+" before: sending them again, to C0LEADS (they failed in C0LEADS: not_in_channel).") ||
		strings.Contains(out, "(s)") || !strings.Contains(out, "Posted the digest of") {
		t.Fatalf("a second run after the first failed: %v\n%s", err, out)
	}
	msgs := b.fake.Messages("C0LEADS")
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Coaching digest") {
		t.Fatalf("after the retry the channel holds %d messages, want the digest once: %+v", len(msgs), msgs)
	}
	out, err = b.cli("digest", "--channel", "C0LEADS")
	if err != nil || !strings.Contains(out, "was posted before") {
		t.Errorf("a third run: %v\n%s", err, out)
	}
	if n := len(b.fake.Messages("C0LEADS")); n != 1 {
		t.Errorf("%d messages in the channel after a third run, want 1", n)
	}
}

// A week whose digest failed for a wrong channel reaches the right one:
// the admin runs the command again with the channel mended (in
// COACHLOG_DIGEST_CHANNEL or --channel) and what Slack refused goes there,
// the command saying where it sends and where it failed. It was sent to
// the mistyped channel again, every run, and the week never reached the
// leaders. A week posted is still never posted twice, to any channel.
func TestADigestThatFailedInAWrongChannelIsSentToTheRightOne(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		over map[string]string // the second run's environment
		args []string          // and its flags
	}{
		{"--channel", nil, []string{"digest", "--channel", "C0LEADS"}},
		{"COACHLOG_DIGEST_CHANNEL", map[string]string{"COACHLOG_DIGEST_CHANNEL": "C0LEADS"}, []string{"digest"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := startBot(t)
			b.fake.AddChannel("C0LEADS", true)
			b.importRoster(t)
			b.coachLastWeek()
			b.fake.AddChannel("C0OTHER", true)
			week, _ := b.lastWeek()

			// An install made before the app asked for channels:read: the
			// command cannot look at the channel first, and Slack refuses
			// the digest when it is posted.
			b.fake.FailNext("conversations.info", 1, fakeslack.Fault{Error: "missing_scope"})
			out, err := b.cli("digest", "--channel", "C0TYPO")
			if err == nil || !strings.Contains(err.Error(), "2 of 2 messages of the digest of "+week.String()+" failed to deliver") {
				t.Fatalf("a digest into a channel Slack does not know: %v\n%s", err, out)
			}
			// Slack's answer gets its own advice: check the id; not only
			// "invite the bot", which a mistyped id does not mend.
			for _, want := range []string{"in C0TYPO: channel_not_found", "check the id"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the failure does not say %q: %v", want, err)
				}
			}

			out, err = b.cliWith(tt.over, tt.args...)
			if err != nil {
				t.Fatalf("a run again with the right channel: %v\n%s", err, out)
			}
			for _, want := range []string{
				"Slack refused 2 messages of the digest of " + week.String() + " before: sending them again, to C0LEADS (they failed in C0TYPO: channel_not_found).",
				"Posted the digest of " + week.String() + " to C0LEADS",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("the run again does not say %q:\n%s", want, out)
				}
			}
			checkDigestPosted(t, b.fake, week)

			// Posted once: a run naming another channel posts nothing
			// there, and says where the week went.
			out, err = b.cli("digest", "--channel", "C0OTHER")
			if err != nil || !strings.Contains(out, "The digest of "+week.String()+" was posted before, to C0LEADS (a week is posted once: not again to C0OTHER)") {
				t.Errorf("a third run: %v\n%s", err, out)
			}
			if n := len(b.fake.Messages("C0LEADS")) + len(b.fake.Messages("C0OTHER")); n != 1 {
				t.Errorf("%d messages posted in all, want the digest once", n)
			}
		})
	}
}

// A private channel the bot was never invited to is one Slack says it
// cannot find (channel_not_found), as for a mistyped id: the failure says
// both, and to invite the bot if the channel is private. Once invited, a
// run sends the week there.
func TestADigestIntoAPrivateChannelTheBotIsNotInSaysToCheckTheIdOrInvite(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.fake.AddPrivateChannel("C0BOARD", false)
	b.importRoster(t)
	b.coachLastWeek()
	week, _ := b.lastWeek()
	b.fake.FailNext("conversations.info", 1, fakeslack.Fault{Error: "missing_scope"}) // the command cannot look first
	out, err := b.cli("digest", "--channel", "C0BOARD")
	if err == nil {
		t.Fatalf("a digest into a private channel the bot is not in succeeded:\n%s", out)
	}
	for _, want := range []string{"in C0BOARD: channel_not_found", "private channel the bot is not in", "/invite @Coachlog"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the failure does not say %q: %v", want, err)
		}
	}
	b.fake.AddPrivateChannel("C0BOARD", true)
	out, err = b.cli("digest", "--channel", "C0BOARD")
	if err != nil || !strings.Contains(out, "sending them again, to C0BOARD (they failed in C0BOARD: channel_not_found)") {
		t.Fatalf("a run once the bot was invited: %v\n%s", err, out)
	}
	if msgs := b.fake.Messages("C0BOARD"); len(msgs) != 1 || !strings.Contains(msgs[0].Text, week.String()) {
		t.Errorf("the private channel holds %+v, want the digest of %s once", msgs, week)
	}
}

// An archived channel is not mended by an invitation: the failure says to
// unarchive it or set another, and the week goes to the one set.
func TestADigestIntoAnArchivedChannelSaysToUnarchiveOrSetAnother(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.fake.AddChannel("C0OLD", true)
	b.fake.ArchiveChannel("C0OLD")
	b.fake.AddChannel("C0LEADS", true)
	b.importRoster(t)
	b.coachLastWeek()
	week, _ := b.lastWeek()
	b.fake.FailNext("conversations.info", 1, fakeslack.Fault{Error: "missing_scope"}) // the command cannot look first
	out, err := b.cli("digest", "--channel", "C0OLD")
	if err == nil || !strings.Contains(err.Error(), "in C0OLD: is_archived: the channel is archived; unarchive it, or set another channel") ||
		strings.Contains(err.Error(), "/invite") {
		t.Fatalf("a digest into an archived channel: %v\n%s", err, out)
	}
	if out, err := b.cliWith(map[string]string{"COACHLOG_DIGEST_CHANNEL": "C0LEADS"}, "digest"); err != nil ||
		!strings.Contains(out, "sending them again, to C0LEADS (they failed in C0OLD: is_archived)") {
		t.Fatalf("a run with another channel set: %v\n%s", err, out)
	}
	checkDigestPosted(t, b.fake, week)
}

// A digest run stopped by a token Slack refused leaves the week's
// messages pending, not failed. An operator posting digests from cron runs
// no bot to deliver them: the next run must, and fail if they fail. It
// said they were "still waiting to be delivered (the bot delivers it)",
// exited 0 and sent nothing.
func TestDigestRunAgainDeliversWhatAnEarlierRunLeftQueued(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.fake.AddChannel("C0LEADS", true)
	b.importRoster(t)
	b.coachLastWeek()
	b.stop() // cron alone posts the digest
	week, _ := b.lastWeek()

	b.fake.FailNext("chat.postMessage", 1, fakeslack.Fault{Error: "invalid_auth"})
	if out, err := b.cli("digest", "--channel", "C0LEADS"); err == nil {
		t.Fatalf("a run whose token Slack refused succeeded:\n%s", out)
	}
	if n := len(b.fake.Messages("C0LEADS")); n != 0 {
		t.Fatalf("%d messages posted with a refused token", n)
	}

	// The next run delivers them; where Slack now refuses them for good
	// (the bot was taken out of the channel), it fails.
	b.fake.AddChannel("C0LEADS", false)
	out, err := b.cli("digest", "--channel", "C0LEADS")
	if err == nil || !strings.Contains(err.Error(), "failed to deliver") || !strings.Contains(out, "2 messages of the digest of "+week.String()+" were queued before and not delivered yet: delivering them now, to C0LEADS.") {
		t.Fatalf("a run again into a channel the bot is not in: %v\n%s", err, out)
	}

	// Invited, the next run sends them once; a run after that, nothing.
	b.fake.AddChannel("C0LEADS", true)
	out, err = b.cli("digest", "--channel", "C0LEADS")
	if err != nil || !strings.Contains(out, "Posted the digest of "+week.String()) {
		t.Fatalf("a run again once invited: %v\n%s", err, out)
	}
	checkDigestPosted(t, b.fake, week)
	if out, err := b.cli("digest", "--channel", "C0LEADS"); err != nil || !strings.Contains(out, "was posted before") {
		t.Errorf("a run after the week was posted: %v\n%s", err, out)
	}
	if n := len(b.fake.Messages("C0LEADS")); n != 1 {
		t.Errorf("%d messages in the channel, want the digest once", n)
	}
}

func TestDigestCommandRefusesBadInput(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	// A file at --chart is refused, as `coachlog backup` refuses one,
	// and left as it was: the dry run wrote the chart over it.
	taken := filepath.Join(t.TempDir(), "report.png")
	if err := os.WriteFile(taken, []byte("the quarter's slides"), 0o600); err != nil {
		t.Fatal(err)
	}
	future := coaching.WeekOf(coaching.DateOf(b.now(), time.UTC).AddDays(14)).String()
	current := coaching.WeekOf(coaching.DateOf(b.now(), time.UTC)).String()
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"digest"}, nil, "COACHLOG_DIGEST_CHANNEL or give --channel"},
		{[]string{"digest", "--channel", "leads"}, nil, "not a channel id"},
		{[]string{"digest", "--channel", "C0LEADS", "--week", "2026-W60"}, nil, "--week: 2026 has no week 60: its weeks run from 2026-W01 to 2026-W53"},
		{[]string{"digest", "--dry-run", "--week", "2026-W99"}, nil, "2026 has no week 99"},
		// The chart's place is checked before the digest is built and printed.
		{[]string{"digest", "--dry-run", "--chart", "/nonexistent/x.png"}, nil, "the directory /nonexistent does not exist"},
		{[]string{"digest", "--dry-run", "--chart", taken}, nil,
			"--chart " + taken + " already exists; give the path of a file that does not exist yet (the chart never overwrites one)"},
		{[]string{"digest", "--channel", "C0LEADS", "--week", future}, nil, "has not started"},
		{[]string{"digest", "--channel", "C0LEADS", "--week", current}, nil, "has not ended"},
		{[]string{"digest", "--chart", "x.png"}, nil, "--chart goes with --dry-run"},
		{[]string{"digest", "--channel", "C0LEADS"}, map[string]string{"SLACK_BOT_TOKEN": ""}, "SLACK_BOT_TOKEN"},
		{[]string{"digest", "--dry-run"}, map[string]string{"COACHLOG_DB": filepath.Join(t.TempDir(), "none.db")}, "does not exist"},
	} {
		if out, err := b.cliWith(c.env, c.args...); err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(out, "Coaching digest") {
			t.Errorf("%v: %v, want an error saying %q, and nothing else printed\n%s", c.args, err, c.want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(b.db), "none.db")); err == nil {
		t.Error("a dry run created a database")
	}
	if raw, err := os.ReadFile(taken); err != nil || string(raw) != "the quarter's slides" {
		t.Errorf("the file at --chart holds %.40q now (%v)", raw, err)
	}
	if n := len(b.fake.Messages("C0LEADS")); n != 0 {
		t.Errorf("%d messages posted by refused commands", n)
	}
}

// A digest scheduled at the start of midweek's Wednesday has "just been
// missed": the catch-up pass at start posts it once, to the leaders'
// channel, with its chart in its thread, and a restart in the same week
// does not post it again.
func TestDigestCaughtUpAtStartOncePerWeek(t *testing.T) {
	t.Parallel()
	b := startBot(t, "COACHLOG_DIGEST_CHANNEL", "C0LEADS", "COACHLOG_DIGEST_SCHEDULE", "0 0 * * WED")
	b.fake.AddChannel("C0LEADS", true)
	b.importRoster(t)
	b.quickLog(rep, 1)
	b.stop()
	b.start()
	eventually(t, "the digest and its chart in the leaders' channel", func() bool {
		fs := b.fake.Files()
		return len(b.fake.Messages("C0LEADS")) >= 1 && len(fs) >= 1 && fs[len(fs)-1].Completed
	})
	digest := b.fake.Messages("C0LEADS")[0]
	text := blocksText(digest.Blocks)
	if !strings.Contains(text, "Coaching digest") || !strings.Contains(text, "*Max* · 1 session") {
		t.Fatalf("digest:\n%s", text)
	}
	if strings.Contains(text, "1:1 30m") || strings.Contains(text, "Sam") {
		t.Fatalf("the digest carries session text or a rep's name into a channel:\n%s", text)
	}
	if f := b.fake.Files()[0]; f.Channel != "C0LEADS" || f.ThreadTS != digest.TS {
		t.Errorf("chart shared in %s thread %q, want C0LEADS in %s", f.Channel, f.ThreadTS, digest.TS)
	}
	b.stop()
	b.start()
	b.quickLog(rep, 2) // the bot is up and has ticked
	if n, f := len(b.fake.Messages("C0LEADS")), len(b.fake.Files()); n != 1 || f != 1 {
		t.Fatalf("%d digests and %d charts after a restart in the same week, want 1 and 1", n, f)
	}
}

// TestADigestOfAWeekNotOverIsJudgedAsOfToday: a dry run of this week on
// its Wednesday (as a digest scheduled for a weekday would run) counts
// coverage and overdue as of today. Sam and Ria were last coached on the
// 5th: 13 days ago, within the 14-day cadence; on Sunday it would be 17.
func TestADigestOfAWeekNotOverIsJudgedAsOfToday(t *testing.T) {
	t.Parallel()
	clk := &testClock{}
	clk.Advance(time.Until(time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC)))
	b := startBotAt(t, clk.Now)
	b.importRoster(t)
	clk.Advance(midweek.Sub(clk.Now()))
	for _, r := range []string{rep, rep2} {
		if _, err := b.fake.SlashCommand(ctxT(t), mgr, "/coach", "<@"+r+"> 1:1 30m 2026-11-05"); err != nil {
			t.Fatal(err)
		}
		b.dm(r, 1)
	}
	out, err := b.cli("digest", "--dry-run", "--week", coaching.WeekOf(coaching.DateOf(midweek, time.UTC)).String(),
		"--chart", filepath.Join(t.TempDir(), "chart.png"))
	if err != nil {
		t.Fatalf("digest --dry-run: %v\n%s", err, out)
	}
	for _, want := range []string{"to Wed 18 Nov 2026 (so far)", "Coverage: 100% of 2 reps", "Overdue reps: 0",
		"counts against their weekly average, pro-rated to the days so far"} {
		if !strings.Contains(out, want) {
			t.Errorf("the dry run does not say %q:\n%s", want, out)
		}
	}
}

// A dry run with no team says what the real command says, instead of
// printing a digest that would never be posted.
func TestADigestDryRunWithNoTeamSaysSo(t *testing.T) {
	t.Parallel()
	b := startBot(t) // no roster imported
	out, err := b.cli("digest", "--dry-run", "--chart", filepath.Join(t.TempDir(), "chart.png"))
	if err != nil || !strings.Contains(out, "No manager has a team yet") || strings.Contains(out, "Coaching digest") {
		t.Fatalf("digest --dry-run with no team: %v\n%s", err, out)
	}
}

// Right after the first roster import, a dry run of the week before says
// what the real command says of it, with its exit status, instead of
// previewing a digest of zeros the real command would never post.
func TestADigestDryRunOfTheWeekBeforeTheFirstImportSaysSo(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	week, _ := b.lastWeek()
	real, realErr := b.cli("digest", "--channel", "C0LEADS")
	out, err := b.cli("digest", "--dry-run", "--chart", filepath.Join(t.TempDir(), "chart.png"))
	if (err == nil) != (realErr == nil) || !strings.Contains(real, week.String()+" ended before the roster named any team") {
		t.Fatalf("the real command: %v\n%s\nthe dry run: %v\n%s", realErr, real, err, out)
	}
	if !strings.Contains(out, strings.TrimSuffix(real, ".\n")) || !strings.Contains(out, "Dry run: nothing posted") || strings.Contains(out, "Coaching digest") {
		t.Fatalf("digest --dry-run of %s, before the roster (the real command said %q): %v\n%s", week, real, err, out)
	}
}

// A digest that runs before the week it reports has ended on a manager's
// clock is warned about at start (beside it: the check may end after the
// bot connects), once: Monday 08:00 in UTC (the default)
// is Sunday 22:00 in Honolulu, and a session logged there that evening is
// dated in a week already posted. A run after Sunday's end there, or one
// reporting the week so far (a Friday's), is not. The run named is one to
// come: this week's, on the Monday before the start, is past.
func TestServeWarnsOfADigestBeforeSundayEndsForAManager(t *testing.T) {
	t.Parallel()
	const early = "the weekly digest runs before the week it reports has ended"
	for _, c := range []struct {
		zone, schedule string
		runsThere      string // "": no warning
	}{
		{"Pacific/Honolulu", "", "Sun 22 Nov 22:00"},
		{"Pacific/Pago_Pago", "0 10 * * MON", "Sun 22 Nov 23:00"},
		{"Pacific/Honolulu", "0 10 * * MON", ""},
		{"America/New_York", "", ""},
		{"Pacific/Honolulu", "0 16 * * FRI", ""},
		// Monday 00:00 in Santiago's summer, Sunday 23:00 once Chile's
		// clocks go back in April: found months ahead.
		{"America/Santiago", "0 3 * * MON", "Sun 4 Apr 23:00"},
	} {
		t.Run(c.zone+" "+c.schedule, func(t *testing.T) {
			env := []string{"COACHLOG_DIGEST_CHANNEL", "C0LEADS"}
			if c.schedule != "" {
				env = append(env, "COACHLOG_DIGEST_SCHEDULE", c.schedule)
			}
			b := startBot(t, env...) // Wed 18 Nov 2026, in UTC
			csv := filepath.Join(t.TempDir(), "team.csv")
			os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
				mgr+",,Max,manager,,,"+c.zone+"\n"+rep+",,Sam,rep,"+mgr+",top,\n"), 0o600)
			if out, err := b.cli("roster", "import", csv); err != nil {
				t.Fatalf("roster import: %v\n%s", err, out)
			}
			b.stop()
			from := len(b.logs.String())
			b.start() // the check reads the managers at start, beside it
			eventually(t, "the digest's schedule checked", func() bool {
				l := b.logs.String()[from:]
				return strings.Contains(l, early) || strings.Contains(l, "digest's schedule checked")
			})
			b.stop() // serve waits for the check: a second warning would be in by now
			logs := b.logs.String()[from:]
			if strings.Contains(logs, "could not check the digest's schedule") {
				t.Fatalf("the check was given up:\n%s", logs)
			}
			lines := grepLines(logs, early)
			if c.runsThere == "" {
				if lines != "" {
					t.Errorf("warned of an early digest:\n%s", lines)
				}
				return
			}
			if n := strings.Count(lines, early); n != 1 {
				t.Fatalf("%d warnings of an early digest, want 1:\n%s", n, lines)
			}
			for _, want := range []string{"level=WARN", "setting=COACHLOG_DIGEST_SCHEDULE", "manager_zone=" + c.zone, `runs_there="` + c.runsThere + `"`} {
				if !strings.Contains(lines, want) {
					t.Errorf("the warning lacks %s:\n%s", want, lines)
				}
			}
		})
	}
}

// The start's check of the digest's schedule against the managers' zones
// is advice: with the people table locked on PostgreSQL (a long
// migration, another replica's stuck transaction) the bot still connects
// to Slack, the check given up with a warning, rather than waiting on the
// lock before Socket Mode and /healthz.
func TestServeStartsWhileTheDigestCheckCannotReadTheManagers(t *testing.T) {
	t.Parallel()
	db := sqlitetest.PostgresMigrated(t)
	b := startBot(t, "COACHLOG_DB", db, "COACHLOG_DIGEST_CHANNEL", "C0LEADS")
	b.importRoster(t)
	b.stop()
	ctx := context.Background() // the lock outlives a wait that times out
	lock := lockPeople(t, ctx, db)
	n := b.fake.Connections()
	serveCtx, stop := context.WithCancel(context.Background())
	defer stop() // a failure below stops serve too
	exited := make(chan error, 1)
	go func() {
		exited <- runEnv(serveCtx, []string{"serve"}, env{getenv: b.getenv, stdout: b.logs, stderr: b.logs, now: b.now})
	}()
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	connErr := b.fake.WaitConnected(wctx, n+1)
	// The check runs beside the start: it gives up (earlyDigestCheck)
	// while the lock is still held.
	gaveUp := false
	if connErr == nil {
		eventually(t, "the check given up", func() bool {
			gaveUp = strings.Contains(b.logs.String(), "could not check the digest's schedule")
			return gaveUp
		})
	}
	if err := lock.Rollback(); err != nil {
		t.Fatal(err)
	}
	stop()
	if err := <-exited; err != nil {
		t.Errorf("serve returned %v", err)
	}
	if connErr != nil {
		t.Fatalf("the bot did not connect while the people table was locked: %v\nlogs:\n%s", connErr, b.logs)
	}
	if !gaveUp {
		t.Errorf("no warning that the check was given up:\n%s", b.logs)
	}
}

// lockPeople takes PostgreSQL's lock on the people table at db, as a long
// migration or another replica's stuck transaction would, until the
// returned transaction is rolled back (at the test's end at the latest).
func lockPeople(t *testing.T, ctx context.Context, db string) *sql.Tx {
	t.Helper()
	pg, err := sql.Open("pgx", db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	lock, err := pg.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lock.Rollback() }) //nolint:errcheck // released by the test first; a no-op then
	if _, err := lock.ExecContext(ctx, `LOCK TABLE people IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	return lock
}
