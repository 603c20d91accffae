package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// child is a real `coachlog serve` in a process of its own (this test
// binary run as serve: see TestMain), against a fake Slack in the test's
// process, so that a test can kill -9 it.
type child struct {
	t    testing.TB
	fake *fakeslack.Server
	db   string
	cmd  *exec.Cmd
	logs *syncBuffer
	done chan struct{}
}

// newCrashFake is a fake Slack with the test workspace's people. Max is in
// UTC, the child's default zone: serve runs in a child process on the real
// clock, and a manager it does not know yet gets the form on the default
// zone's today, moved once his profile is read to his own date under a new
// block id (openLogModal). In New York that move came between 00:00 and
// 05:00 UTC, and a submission keyed by the block ids the form opened with
// found none; these tests are about crashes, not zones.
func newCrashFake(t *testing.T) *fakeslack.Server {
	t.Helper()
	fake := startFake(t, fakeslack.WithPingInterval(time.Second))
	for _, u := range []fakeslack.User{
		{ID: mgr, Name: "max", RealName: "Max Manager", TZ: "UTC"},
		{ID: rep, Name: "sam", RealName: "Sam Rep", TZ: "Europe/Paris"},
	} {
		fake.AddUser(u)
	}
	return fake
}

// startChild starts serve on db and waits for its socket: the fake's n-th.
func startChild(t testing.TB, fake *fakeslack.Server, db string, n int, extraEnv ...string) *child {
	t.Helper()
	c := &child{t: t, fake: fake, db: db, logs: &syncBuffer{}, done: make(chan struct{})}
	c.cmd = exec.Command(os.Args[0], "-test.run=^$")
	c.cmd.Env = append(os.Environ(), "COACHLOG_SERVE_CHILD=1", "SLACK_APP_TOKEN="+fake.AppToken(), "SLACK_BOT_TOKEN="+fake.BotToken(),
		"SLACK_API_URL="+fake.APIURL(), "COACHLOG_DB="+db, "COACHLOG_LOG_LEVEL=debug")
	c.cmd.Env = append(c.cmd.Env, extraEnv...)
	c.cmd.Stdout, c.cmd.Stderr = c.logs, c.logs
	c.launch(t, n)
	return c
}

// launch starts c's command, kills it when the test ends, and waits for
// its socket: the fake's n-th.
func (c *child) launch(t testing.TB, n int) {
	t.Helper()
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = c.cmd.Wait(); close(c.done) }()
	t.Cleanup(func() {
		_ = c.cmd.Process.Kill()
		<-c.done
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.fake.WaitConnected(ctx, n); err != nil {
		t.Fatalf("serve did not connect: %v\n%s", err, c.logs)
	}
}

// killAtAck arms the fake to SIGKILL the child the moment the next ack
// arrives: whatever the child had not committed by its ack is lost.
func (c *child) killAtAck() {
	c.fake.OnAck(func(fakeslack.Ack) {
		_ = c.cmd.Process.Signal(syscall.SIGKILL)
	})
}

// waitKilled waits for the child to die of the SIGKILL.
func (c *child) waitKilled() {
	c.t.Helper()
	select {
	case <-c.done:
	case <-time.After(20 * time.Second):
		c.t.Fatal("the child was not killed")
	}
	c.fake.OnAck(nil)
	ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		c.t.Fatalf("the child ended with %v, want killed by SIGKILL\n%s", c.cmd.ProcessState, c.logs)
	}
}

// stop ends the child as SIGTERM would: it delivers what it queued first.
func (c *child) stop() {
	c.t.Helper()
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(20 * time.Second):
		c.t.Fatal("serve did not stop on SIGTERM")
	}
	if !c.cmd.ProcessState.Success() {
		c.t.Fatalf("serve exited with %v\n%s", c.cmd.ProcessState, c.logs)
	}
}

// exportDB runs `coachlog export` on db.
func exportDB(t *testing.T, db string) []exportRow {
	t.Helper()
	var out syncBuffer
	getenv := func(k string) string { return map[string]string{"COACHLOG_DB": db}[k] }
	if err := run(context.Background(), []string{"export", "--format", "json"}, getenv, &out, &out); err != nil {
		t.Fatalf("export: %v\n%s", err, out.String())
	}
	var rows []exportRow
	if err := json.Unmarshal([]byte(out.String()), &rows); err != nil {
		t.Fatalf("export: %v\n%s", err, out.String())
	}
	return rows
}

// okResponses lists the posts to url Slack accepted.
func okResponses(fake *fakeslack.Server, url string) []fakeslack.Response {
	var out []fakeslack.Response
	for _, r := range fake.Responses() {
		if r.URL == url && r.Status == http.StatusOK {
			out = append(out, r)
		}
	}
	return out
}

// A one-line capture acknowledged to Slack is kept: serve is killed -9 the
// moment Slack sees the ack (while the manager's and rep's profiles are
// still being read from Slack), and after a restart the session is logged,
// the manager gets their receipt and the rep their DM, once each.
func TestAnAcknowledgedQuickCaptureSurvivesKill9(t *testing.T) {
	t.Parallel()
	fake := newCrashFake(t)
	db := filepath.Join(t.TempDir(), "coachlog.db")
	c := startChild(t, fake, db, 1)
	fake.SetLatency("users.info", 300*time.Millisecond) // Slack's profile look-ups are not instant
	refuseFirstSends(fake)
	c.killAtAck()
	in, err := fake.SlashCommand(ctxT(t), mgr, "/coach", "<@"+rep+"|sam> 1:1 30m great discovery")
	if err != nil {
		t.Fatal(err)
	}
	c.waitKilled()
	fake.SetLatency("users.info", 0)

	c = startChild(t, fake, db, 2)
	ctx := ctxT(t)
	if _, err := fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL && r.Status == http.StatusOK }); err != nil {
		t.Fatalf("no receipt after the restart: %v\n%s", err, c.logs)
	}
	eventually(t, "the rep's DM", func() bool { return len(fake.Messages(rep)) == 1 })
	c.stop()

	rows := exportDB(t, db)
	if len(rows) != 1 || rows[0].RepID != rep || rows[0].Kind != "one_on_one" || rows[0].DurationMin != 30 || rows[0].Source != "quick" {
		t.Fatalf("after kill -9 and restart: %+v", rows)
	}
	receipts := okResponses(fake, in.ResponseURL)
	if len(receipts) != 1 || !slices.Contains(actionIDs(receipts[0].Blocks), "session_undo") {
		t.Fatalf("%d receipts, want one with Edit and Undo", len(receipts))
	}
	if n := len(fake.Messages(rep)); n != 1 {
		t.Fatalf("the rep got %d DMs, want 1", n)
	}
}

// A Confirm acknowledged to Slack is kept. Another process holds the
// database's write lock when the rep clicks, so the confirmation has to wait
// for it: no ack may come meanwhile. serve is killed -9 the moment Slack
// sees the ack; after a restart the rep is confirmed and their DM updated,
// once, through the click's response_url. (The ack leaves through slack-go's
// writer while the outbox may already be sending the update; Slack refuses
// the first try, 500, so what the dying process may send is not taken, and
// the one update Slack accepts comes after the restart. A send Slack accepts
// just before a crash is the documented duplicate window, not tested here.)
func TestAnAcknowledgedConfirmSurvivesKill9(t *testing.T) {
	t.Parallel()
	fake := newCrashFake(t)
	db := filepath.Join(t.TempDir(), "coachlog.db")
	c := startChild(t, fake, db, 1)
	ctx := ctxT(t)
	if _, err := fake.SlashCommand(ctx, mgr, "/coach", "<@"+rep+"|sam> 1:1 30m"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the rep's DM", func() bool { return len(fake.Messages(rep)) == 1 })
	dm := fake.Messages(rep)[0]
	eventually(t, "the receipt", func() bool { return len(fake.Responses()) == 1 })

	release := sqlitetest.HoldWriteLock(t, db)
	fake.FailNext(fakeslack.MethodResponseURL, 1, fakeslack.Fault{Status: http.StatusInternalServerError})
	c.killAtAck()
	in, err := fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_confirm")
	if err != nil {
		t.Fatal(err)
	}
	early, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	_, err = fake.AwaitAck(early, in.EnvelopeID)
	cancel()
	if err == nil {
		t.Error("the click was acknowledged while its confirmation could not be written")
	} else if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatal(err)
	}
	release()
	c.waitKilled()

	c = startChild(t, fake, db, 2)
	if _, err := fake.WaitForResponse(ctxT(t), func(r fakeslack.Response) bool { return r.URL == in.ResponseURL && r.Status == http.StatusOK }); err != nil {
		t.Fatalf("the DM was not updated after the restart: %v\n%s", err, c.logs)
	}
	c.stop()

	if rows := exportDB(t, db); len(rows) != 1 || rows[0].Status != "confirmed" {
		t.Fatalf("after kill -9 and restart: %+v", rows)
	}
	updates := okResponses(fake, in.ResponseURL)
	if len(updates) != 1 || !updates[0].ReplaceOriginal || updates[0].MessageTS != dm.TS {
		t.Fatalf("%d DM updates through the click accepted, want one replacing the DM", len(updates))
	}
	if n := len(fake.CallsTo("chat.update")); n != 0 {
		t.Fatalf("%d chat.update calls, want none", n)
	}
	m, _ := fake.Message(dm.Channel, dm.TS)
	if !strings.Contains(blocksText(m.Blocks), "You confirmed this") {
		t.Fatalf("the DM reads %s", blocksText(m.Blocks))
	}
}

// A click whose write cannot be committed within the ack deadline (another
// process holds the write lock) is acknowledged in time and answered
// "try again", ephemerally; nothing of it is written, then or later.
func TestAClickThatCannotBeWrittenInTimeIsAnsweredTryAgain(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	b.quickLog(rep, 1)
	dm := b.dm(rep, 1)
	eventually(t, "the receipt", func() bool { return len(b.fake.Responses()) == 1 })

	release := sqlitetest.HoldWriteLock(t, b.db)
	in, err := b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_confirm")
	if err != nil {
		t.Fatal(err)
	}
	ack, err := b.fake.AwaitAck(ctx, in.EnvelopeID)
	if err != nil {
		t.Fatal(err)
	}
	if ack.Latency() >= 3*time.Second {
		t.Errorf("acknowledged after %v, past Slack's 3 s", ack.Latency())
	}
	r, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
	if err != nil {
		t.Fatal(err)
	}
	if r.ReplaceOriginal || r.ResponseType != "ephemeral" || !strings.Contains(r.Text, "try again") {
		t.Fatalf("answered %+v, want an ephemeral try again", r)
	}
	release()
	b.stop() // delivers whatever was queued
	if rows := b.export(); len(rows) != 1 || rows[0].Status != "pending" {
		t.Fatalf("after a click given up: %+v", rows)
	}
	if m, _ := b.fake.Message(dm.Channel, dm.TS); m.Edited || len(b.fake.CallsTo("chat.update")) != 0 {
		t.Fatalf("the DM changed after a click given up: %s", blocksText(m.Blocks))
	}
}

// Commands a crash left between their ack and their work are acted on when
// serve starts again, with "yesterday" as it was when they came; answers
// whose response_url has expired meanwhile come as DMs: the receipt of one
// logged, and why another (naming an app as the rep) was not. Acted on,
// they are done: a further restart does nothing again.
func TestCommandsLeftPendingAreActedOnAtStart(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.stop()
	received := b.now().Add(-40 * time.Minute)
	svc, done := b.sideService()
	for i, text := range []string{"<@" + rep + "|sam> 1:1 30m yesterday", "<@" + b.fake.BotUserID() + "|coachlog> 1:1 30m"} {
		payload, _ := json.Marshal(map[string]string{"command": "/coach", "text": text, "user_id": mgr, "trigger_id": fmt.Sprint("T-down-", i),
			"response_url": b.fake.URL() + fmt.Sprint("/response/down", i)})
		if _, _, err := svc.Accept(context.Background(), coaching.Command{Key: fmt.Sprint("cmd:T-down-", i), UserID: mgr, Payload: payload, ReceivedAt: received}); err != nil {
			t.Fatal(err)
		}
	}
	done()

	b.start()
	eventually(t, "the receipt and the refusal as DMs", func() bool { return len(b.fake.Messages(mgr)) == 2 })
	var texts []string
	for _, m := range b.fake.Messages(mgr) {
		texts = append(texts, m.Text+" "+blocksText(m.Blocks))
	}
	all := strings.Join(texts, "\n")
	if !strings.Contains(all, "Logged") || !strings.Contains(all, "Not logged") || !strings.Contains(all, "an app") {
		t.Fatalf("the manager's DMs:\n%s\nwant the receipt and why the other was not logged", all)
	}
	ny, _ := time.LoadLocation("America/New_York")
	rows := b.export()
	if len(rows) != 1 || rows[0].RepID != rep || rows[0].OccurredOn != received.In(ny).AddDate(0, 0, -1).Format(time.DateOnly) {
		t.Fatalf("export = %+v, want the 1:1 of the day before the command came", rows)
	}
	b.dm(rep, 1)

	b.stop()
	b.start()
	b.quickLog(rep2, 1) // the bot serves; the old commands stay done
	if n, m := len(b.export()), len(b.fake.Messages(mgr)); n != 2 || m != 2 {
		t.Fatalf("after another restart: %d sessions, %d DMs to the manager; want 2 and 2", n, m)
	}
}

// A quick capture that cannot be stored within the ack deadline (another
// process holds the write lock) is acknowledged in time with an ephemeral
// "try again", and nothing of it is stored or logged, then or later.
func TestAQuickCaptureThatCannotBeStoredInTimeIsAnsweredTryAgain(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	release := sqlitetest.HoldWriteLock(t, b.db)
	in, err := b.fake.SlashCommand(ctx, mgr, "/coach", "<@"+rep+"|sam> 1:1 30m")
	if err != nil {
		t.Fatal(err)
	}
	ack, err := b.fake.AwaitAck(ctx, in.EnvelopeID)
	if err != nil {
		t.Fatal(err)
	}
	var reply struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	if err := json.Unmarshal(ack.Payload, &reply); err != nil || reply.ResponseType != "ephemeral" || !strings.Contains(reply.Text, "try again") {
		t.Fatalf("ack = %s, want an ephemeral try again", ack.Payload)
	}
	if ack.Latency() >= 3*time.Second {
		t.Errorf("acknowledged after %v, past Slack's 3 s", ack.Latency())
	}
	release()
	b.stop()
	b.start() // nothing pending is acted on either
	b.quickLog(rep2, 1)
	if rows := b.export(); len(rows) != 1 || rows[0].RepID != rep2 {
		t.Fatalf("after a capture given up: %+v", rows)
	}
	if n := len(b.fake.Messages(rep)); n != 0 {
		t.Fatalf("the rep of the capture given up got %d DMs", n)
	}
}

// A modal submission acknowledged to Slack is kept. It is served from
// slack-go's own decoding of the payload (decoded.go), and the ack still
// waits for the commit: serve is killed -9 the moment Slack sees the ack,
// and after a restart the session is there with every field of the form,
// and the rep gets their DM once.
func TestAnAcknowledgedModalSubmissionSurvivesKill9(t *testing.T) {
	t.Parallel()
	fake := newCrashFake(t)
	db := filepath.Join(t.TempDir(), "coachlog.db")
	c := startChild(t, fake, db, 1)
	ctx := ctxT(t)
	in, err := fake.SlashCommand(ctx, mgr, "/coach", "")
	if err != nil {
		t.Fatal(err)
	}
	call, err := fake.WaitForCall(ctx, "views.open", func(c fakeslack.Call) bool { return c.Param("trigger_id") == in.TriggerID })
	if err != nil || call.Error != "" {
		t.Fatalf("views.open: %v %s\n%s", err, call.Error, c.logs)
	}
	var opened struct {
		View struct{ ID string } `json:"view"`
	}
	if err := json.Unmarshal(call.Response, &opened); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.AwaitAck(ctx, in.EnvelopeID); err != nil {
		t.Fatal(err)
	}
	day := time.Now().In(time.UTC).AddDate(0, 0, -2).Format(time.DateOnly) // in the past in every zone
	refuseFirstSends(fake)
	c.killAtAck()
	sub, err := fake.SubmitView(ctx, mgr, opened.View.ID, values([]string{rep}, "ride_along", day, "45", "observer"))
	if err != nil {
		t.Fatal(err)
	}
	c.waitKilled()
	if a, ok := ackOf(fake, sub.EnvelopeID); !ok || a.Payload != nil {
		t.Fatalf("the submission was answered %+v, want an empty ack (saved)", a)
	}

	c = startChild(t, fake, db, 2)
	eventually(t, "the rep's DM", func() bool { return len(fake.Messages(rep)) == 1 })
	c.stop()
	rows := exportDB(t, db)
	if len(rows) != 1 {
		t.Fatalf("after kill -9 and restart: %d rows, want 1: %+v", len(rows), rows)
	}
	r := rows[0]
	if r.RepID != rep || r.Kind != "ride_along" || r.DurationMin != 45 || r.Role == nil || *r.Role != "observer" ||
		r.OccurredOn != day || r.Source != "modal" || !slices.Equal(r.Skills, []string{"discovery", "negotiation"}) {
		t.Fatalf("after kill -9 and restart: %+v", r)
	}
	if n := len(fake.Messages(rep)); n != 1 {
		t.Fatalf("the rep got %d DMs, want 1", n)
	}
}

// refuseFirstSends has Slack refuse, 500, the next DM post and the next
// reply through a response_url. The outbox may already be sending while the
// ack leaves, so a process killed at its ack may have posted just before it
// died: that is the documented duplicate window, which these tests do not
// measure. Refused, what the dying process sends is not taken, and the one
// message Slack accepts comes from the restarted process (at once, or after
// one retry when the refusal falls to it).
func refuseFirstSends(fake *fakeslack.Server) {
	fake.FailNext("chat.postMessage", 1, fakeslack.Fault{Status: http.StatusInternalServerError})
	fake.FailNext(fakeslack.MethodResponseURL, 1, fakeslack.Fault{Status: http.StatusInternalServerError})
}

// ackOf is the ack Slack saw for an envelope.
func ackOf(fake *fakeslack.Server, envelopeID string) (fakeslack.Ack, bool) {
	for _, a := range fake.Acks() {
		if a.EnvelopeID == envelopeID {
			return a, true
		}
	}
	return fakeslack.Ack{}, false
}
