package main

import (
	"database/sql"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// A database an older build served holds messages it failed for good that
// were no failures (an update of a reminder whose post had failed, a reply
// under the old demo's history DMs): upgraded, /healthz answered 503 "5
// scheduled messages failed for good in the last 24 h (rep_reminder)" for
// a day, and an orchestrator using it as a healthcheck replaced the tasks
// all day. Migrated, only the one real failure among them counts, on
// /healthz and in both failed gauges.
func TestFailuresAnOlderBuildRecordedForNoFailureAreNotCounted(t *testing.T) {
	t.Parallel()
	b := startBot(t, "COACHLOG_HTTP_ADDR", freePort(t))
	b.stop()
	db, err := sql.Open("sqlite", "file:"+b.db+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	now := b.now()
	type row struct {
		kind, op, key, thread, status, reason string
		ago                                   time.Duration
	}
	// Oldest first, as the ids went: /healthz's read finds a day's rows by id.
	rows := []row{
		// The old demo's seeded DM; Sam's DM failed, then his reminder in
		// its thread; his answer and the manager's edit since updated it.
		{"rep_dm", "post", "rep_dm:2:" + rep2, "", "superseded", "", 5 * 24 * time.Hour},
		{"rep_dm", "post", "rep_dm:1:" + rep, "", "failed", "chat.postMessage: cannot_dm_bot", 4 * 24 * time.Hour},
		{"rep_reminder", "post", "reminder:1:" + rep, "rep_dm:1:" + rep, "failed", "the message to update was never posted (failed)", 30 * time.Hour},
		{"rep_reminder", "update", "reminder:1:" + rep, "", "failed", "the message to update was never posted (failed)", 3 * time.Hour},
		{"rep_reminder", "update", "reminder:1:" + rep, "", "failed", "the message to update was never posted (failed)", 2 * time.Hour},
		// The reminders the old demo's clock brought under its DM.
		{"rep_reminder", "post", "reminder:2:" + rep2, "rep_dm:2:" + rep2, "failed", "the message to update was never posted (superseded)", 90 * time.Minute},
		{"rep_reminder", "post", "reminder:2:" + rep2 + ":1", "rep_dm:2:" + rep2, "failed", "the message to update was never posted (superseded)", 80 * time.Minute},
		// A reminder Slack refused: the one real failure of the day.
		{"rep_reminder", "post", "reminder:3:" + rep, "rep_dm:3:" + rep, "failed", "chat.postMessage: channel_not_found", time.Hour},
	}
	for _, r := range rows {
		at := now.Add(-r.ago).UnixMilli()
		args := `{"thread_key":"` + r.thread + `"}`
		if r.thread == "" {
			args = "{}"
		}
		if _, err := db.Exec(`INSERT INTO outbox (kind, op, msg_key, recipient, args, status, attempts, next_at, last_error, created_at, done_at)
			VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`, r.kind, r.op, r.key, rep, args, r.status, at-60_000, r.reason, at-60_000, at); err != nil {
			t.Fatal(err)
		}
	}
	// As if the database had not had this build's migrations yet.
	if _, err := db.Exec(`DELETE FROM schema_migrations WHERE version = 26`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	b.start()
	addr := b.httpAddr()
	code, problems := healthProblems(t, addr)
	want := "1 scheduled message failed for good in the last 24 h (rep_reminder)"
	if code != http.StatusServiceUnavailable || !slices.Equal(problems, []string{want}) {
		t.Errorf("healthz = %d %q, want 503 with %q alone", code, problems, want)
	}
	_, metrics := get(t, "http://"+addr+"/metrics")
	for _, line := range []string{`coachlog_scheduled_failed{kind="rep_reminder"} 1`, "coachlog_outbox_failed 1"} {
		if !strings.Contains(metrics, "\n"+line+"\n") {
			t.Errorf("/metrics lacks %q:\n%s", line, grepLines(metrics, "_failed"))
		}
	}
}
