package sqlite_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// Older builds (schema 20 and before) failed for good messages that were
// no failures, and /healthz and the failed gauges counted them for the
// 24 h after an upgrade (an orchestrator using /healthz replaced the tasks
// all day).
// Migration 0026 stores them as this build would have: an update of a post
// that failed for good is superseded (the post's failure is the one
// counted), and the demo's history DMs, which it marked superseded, are
// withheld posts (sent, with no message), so the rep reminders that failed
// as replies to them are replies dropped under a post nobody saw (sent).
// Every other failure stands, the old binary's words for a reply under a
// failed post included: this build fails that too.
func TestMigration0026CountsOnlyWhatThisBuildWouldHaveFailed(t *testing.T) {
	sqlitetest.Each(t, func(t *testing.T, db string) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		clk := &clock{t: now.Add(-4 * 24 * time.Hour)}
		st := open(t, db, sqlite.Options{Now: clk.now})
		const (
			neverUpdated   = "the message to update was never posted (failed)"     // the old words for an update and for a reply
			neverThreaded  = "the message to update was never posted (superseded)" // a reply under the old demo's DMs
			neverQueued    = "the message to update was never posted (none)"
			dmRefused      = "chat.postMessage: cannot_dm_bot"
			channelMissing = "chat.postMessage: channel_not_found"
		)
		type row struct {
			kind        coaching.MessageKind
			op          coaching.Op
			key, thread string
			status      string // as the old binary left it
			reason      string
			ago         time.Duration // when it was done
			want        string        // its status after the migration
		}
		rows := []row{
			// Sam's DM failed, and his reminder in its thread; the edits
			// since updated both, each update failing in the old build.
			{coaching.MsgRepDM, coaching.OpPost, "rep_dm:1:UR1", "", "failed", dmRefused, 80 * time.Hour, "failed"},
			{coaching.MsgRepReminder, coaching.OpPost, "reminder:1:UR1", "rep_dm:1:UR1", "failed", neverUpdated, 30 * time.Hour, "failed"},
			{coaching.MsgRepDM, coaching.OpUpdate, "rep_dm:1:UR1", "", "failed", neverUpdated, 3 * time.Hour, "superseded"},
			{coaching.MsgRepReminder, coaching.OpUpdate, "reminder:1:UR1", "", "failed", neverUpdated, 3 * time.Hour, "superseded"},
			{coaching.MsgRepReminder, coaching.OpUpdate, "reminder:1:UR1", "", "failed", neverUpdated, 2 * time.Hour, "superseded"},
			// The old demo's seeded DM, and the reminder its clock brought.
			{coaching.MsgRepDM, coaching.OpPost, "rep_dm:2:UR2", "", "superseded", "", 0, "sent"},
			{coaching.MsgRepReminder, coaching.OpPost, "reminder:2:UR2", "rep_dm:2:UR2", "failed", neverThreaded, 90 * time.Minute, "sent"},
			{coaching.MsgRepDM, coaching.OpUpdate, "rep_dm:2:UR2", "", "superseded", "", 0, "superseded"},
			// Failures this build makes too.
			{coaching.MsgRepReminder, coaching.OpPost, "reminder:3:UR3", "rep_dm:3:UR3", "failed", channelMissing, time.Hour, "failed"},
			{coaching.MsgRepReminder, coaching.OpPost, "reminder:4:UR4", "rep_dm:4:UR4", "failed", neverUpdated, 50 * time.Minute, "failed"},
			{coaching.MsgRepReminder, coaching.OpUpdate, "reminder:5:UR5", "", "failed", neverQueued, 40 * time.Minute, "failed"},
			{coaching.MsgNudge, coaching.OpPost, "nudge:UM1", "", "failed", "chat.postMessage: invalid_blocks", 30 * time.Minute, "failed"},
		}
		doneAt := func(r row) int64 {
			if r.status == "superseded" {
				return 0 // the old demo's UPDATE outbox SET status = 'superseded'
			}
			return now.Add(-r.ago).UnixMilli()
		}
		for _, r := range rows {
			clk.t = now.Add(-r.ago - time.Minute)
			if err := st.Update(ctx, func(tx coaching.Tx) error {
				return tx.Enqueue(ctx, coaching.Message{Kind: r.kind, Op: r.op, Key: r.key, To: "U1", ThreadKey: r.thread})
			}); err != nil {
				t.Fatal(err)
			}
			if err := st.Exec(ctx, `UPDATE outbox SET status = ?, attempts = 1, last_error = ?, done_at = ?
				WHERE id = (SELECT max(id) FROM outbox)`, r.status, r.reason, doneAt(r)); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Exec(ctx, `DELETE FROM schema_migrations WHERE version = 26`); err != nil {
			t.Fatal(err)
		}
		st.Close()
		clk.t = now
		st = open(t, db, sqlite.Options{Now: clk.now})

		for _, r := range rows {
			var got string
			if err := st.QueryRow(ctx, fmt.Sprintf(`SELECT coalesce(string_agg(status, ','), '') FROM outbox WHERE msg_key = '%s' AND op = '%s' AND done_at = %d`,
				r.key, r.op, doneAt(r)), &got); err != nil {
				t.Fatal(err)
			}
			if got != r.want {
				t.Errorf("%s %s (%s: %q) is %q after the migration, want %s", r.op, r.key, r.status, r.reason, got, r.want)
			}
		}
		since := now.Add(-24 * time.Hour)
		stats, err := st.OutboxStats(ctx, since)
		if err != nil || stats.Failed != 4 {
			t.Errorf("outbox stats = %+v, %v; want 4 failed in the last 24 h (reminders 3, 4 and 5, the nudge)", stats, err)
		}
		got, err := st.RecentFailures(ctx, coaching.ScheduledKinds, since)
		want := []sqlite.KindFailures{{Kind: coaching.MsgNudge, Failed: 1, Failing: true}, {Kind: coaching.MsgRepReminder, Failed: 3, Failing: true}}
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("RecentFailures = %+v, %v; want %+v", got, err, want)
		}
		var reasons string
		if err := st.QueryRow(ctx, `SELECT coalesce(string_agg(last_error, ','), '') FROM outbox WHERE status <> 'failed' AND last_error <> ''`, &reasons); err != nil {
			t.Fatal(err)
		}
		if reasons != "" {
			t.Errorf("messages no longer failed keep a failure's reason: %s", reasons)
		}
	})
}
