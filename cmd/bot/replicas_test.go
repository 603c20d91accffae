package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/slackbot"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// Two replicas' schedulers on one database and one clock fire the nudge
// pass at the same moment: the job ledger lets one of them run it, and
// each manager due gets one nudge, whoever delivers it.
func TestTwoReplicasRunTheDaysNudgesOnce(t *testing.T) {
	t.Parallel()
	for name, db := range replicaStores() {
		t.Run(name, func(t *testing.T) { twoReplicasNudgeOnce(t, db(t)) })
	}
}

func twoReplicasNudgeOnce(t *testing.T, db string) {
	fake := startFake(t)
	addUTCUsers(fake, "U0MA", "U0MB", "U0RA", "U0RB")
	dir := t.TempDir()
	vars := map[string]string{"SLACK_APP_TOKEN": fake.AppToken(), "SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL(),
		"COACHLOG_DB": db}
	csv := filepath.Join(dir, "team.csv")
	if err := os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
		"U0MA,,Mia,manager,,,UTC\nU0MB,,Ben,manager,,,UTC\nU0RA,,Ada,rep,U0MA,,\nU0RB,,Bob,rep,U0MB,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	imported := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
	if out, err := cliAt(t, imported, vars, "roster", "import", csv); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	now := time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC) // past the nudge hour; neither rep coached in 16 days
	clock := func() time.Time { return now }
	cfg, err := loadConfig(func(k string) string { return vars[k] }, needs{appToken: true, botToken: true})
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	e := env{getenv: func(k string) string { return vars[k] }, stdout: &logs, stderr: &logs, now: clock}
	var apps []*app
	for range 2 {
		a, err := wire(context.Background(), e, cfg, slackbot.Workspace{}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer a.store.Close()
		apps = append(apps, a)
	}
	var wg sync.WaitGroup
	for _, a := range apps {
		for range 3 { // and the same replica's pass a few times over
			wg.Go(func() {
				if err := (jobs{a}).Nudges(context.Background(), now); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	for _, a := range apps { // both deliver, as if each held the role in turn
		if err := a.worker.Drain(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []string{"U0MA", "U0MB"} {
		if n := len(fake.Messages(m)); n != 1 {
			t.Errorf("%s got %d nudges from two replicas' passes, want 1\n%s", m, n, logs.String())
		}
	}
}

// replicaStores are the databases the replica end-to-end test runs on: a
// SQLite file, which two processes on one host share in WAL mode, and
// PostgreSQL when COACHLOG_TEST_POSTGRES holds a URL.
func replicaStores() map[string]func(t *testing.T) string {
	stores := map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string { return filepath.Join(t.TempDir(), "coachlog.db") },
	}
	if sqlitetest.PostgresURL() != "" {
		stores["postgres"] = func(t *testing.T) string { return sqlitetest.PostgresDB(t) }
	}
	return stores
}

// replica is a serve process among several, with its /healthz.
type replica struct {
	*child
	addr string
	conn fakeslack.ConnID // its socket on the fake
}

// testLease is the replicas' sender lease: short, so a takeover is quick.
const testLease = 2 * time.Second

func startReplica(t testing.TB, fake *fakeslack.Server, db string, n int, extraEnv ...string) *replica {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	// Each plays a host of its own: a dead sender's role is waited out.
	env := []string{"COACHLOG_SENDER_LEASE=" + testLease.String(), "COACHLOG_HTTP_ADDR=" + addr,
		fmt.Sprintf("COACHLOG_TEST_HOST=host-%d", n)}
	c := startChild(t, fake, db, n, append(env, extraEnv...)...)
	return &replica{child: c, addr: addr, conn: fakeslack.ConnID(n)}
}

// health reads the replica's /healthz (200 or 503, both with the body).
func (r *replica) health() (store string, sender bool, err error) {
	resp, err := http.Get("http://" + r.addr + "/healthz")
	if err != nil {
		return "", false, err
	}
	defer resp.Body.Close()
	var h struct {
		Store  string `json:"store"`
		Sender bool   `json:"sender_role"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		return "", false, err
	}
	return h.Store, h.Sender, nil
}

func (r *replica) sender() bool { _, s, err := r.health(); return err == nil && s }

// waitUntil polls cond until it holds or d passes.
func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(d)
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("timed out after %s waiting for %s", d, what)
		case <-tick.C:
		}
	}
}

// Two serve processes on one database and one fake Slack with a socket
// each: quick captures come spread over both sockets, half of them sent to
// both; reps confirm; the replica holding the sender role is killed -9
// the moment it acknowledges a capture, before acting on it. Every capture
// acknowledged is stored once, each rep DM'd once about it (the one the
// dead replica acknowledged included, acted on by the survivor), the
// survivor takes over the sender role within its lease, and Slack never
// sees chat.postMessage faster than its per-channel rate.
func TestReplicasShareTheWorkAndSurviveKill9(t *testing.T) {
	t.Parallel()
	for name, db := range replicaStores() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testReplicasSurviveKill9(t, db(t))
		})
	}
}

func testReplicasSurviveKill9(t *testing.T, db string) {
	fake := newCrashFake(t)
	fake.AddUser(fakeslack.User{ID: rep2, Name: "ria", RealName: "Ria Rep", TZ: "Asia/Kolkata"})
	a := startReplica(t, fake, db, 1)
	b := startReplica(t, fake, db, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	var s, o *replica // the sender and the other
	waitUntil(t, 10*time.Second, "one replica to hold the sender role", func() bool {
		as, bs := a.sender(), b.sender()
		switch {
		case as && bs:
			t.Fatal("both replicas hold the sender role")
		case as:
			s, o = a, b
		case bs:
			s, o = b, a
		}
		return s != nil
	})
	if store, _, err := o.health(); err != nil || store != storeKind(db) {
		t.Fatalf("healthz store = %q (%v), want %q", store, err, storeKind(db))
	}

	// Each capture's duration (10 + its number, in minutes) tells its
	// session apart in the export, which leaves notes out.
	type capture struct {
		rep      string
		minutes  int
		envelope string
	}
	var acked []capture
	send := func(i int, r string, dup bool) {
		t.Helper()
		in, err := fake.SlashCommand(ctx, mgr, "/coach", fmt.Sprintf("<@%s|x> 1:1 %dm stream note %d", r, 10+i, i))
		if err != nil {
			t.Fatal(err)
		}
		if dup { // the same envelope on the other socket too
			if err := fake.Resend(ctx, in.EnvelopeID); err != nil {
				t.Fatal(err)
			}
		}
		actx, acancel := context.WithTimeout(ctx, 4*time.Second)
		defer acancel()
		if _, err := fake.AwaitAck(actx, in.EnvelopeID); err == nil {
			acked = append(acked, capture{r, 10 + i, in.EnvelopeID})
		}
	}
	dmCount := func() int { return len(fake.Messages(rep)) + len(fake.Messages(rep2)) }

	// The first half go to one rep, as fast as they are acked, so that two
	// senders would show as twice the channel's rate.
	for i := range 6 {
		send(i, rep, i%2 == 0)
	}
	waitUntil(t, 20*time.Second, "the first DMs", func() bool { return dmCount() == len(acked) })
	spread := map[int]bool{}
	for _, c := range acked {
		for _, conn := range fake.DeliveredOn(c.envelope) {
			spread[conn] = true
		}
	}
	if len(spread) != 2 {
		t.Fatalf("the captures reached sockets %v, want both", spread)
	}
	// The rep confirms each: clicks spread over both sockets, each acked
	// once its write is committed.
	clicked := fake.Messages(rep)
	for _, dm := range clicked {
		in, err := fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_confirm")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fake.AwaitAck(ctx, in.EnvelopeID); err != nil {
			t.Fatal(err)
		}
	}

	// The sender dies -9 the moment it acks its next envelope: a capture,
	// stored in its inbox, not acted on (Slack's profile look-ups, which
	// come first, are not instant).
	fake.SetLatency("users.info", 300*time.Millisecond)
	var killedAt time.Time
	var killedMu sync.Mutex
	fake.OnAck(func(ack fakeslack.Ack) {
		if ack.Conn == s.conn {
			killedMu.Lock()
			if killedAt.IsZero() {
				killedAt = time.Now()
				_ = s.cmd.Process.Signal(syscall.SIGKILL)
			}
			killedMu.Unlock()
		}
	})
	for i := 6; ; i++ {
		send(i, rep2, false)
		killedMu.Lock()
		done := !killedAt.IsZero()
		killedMu.Unlock()
		if done || i > 20 {
			break
		}
	}
	s.waitKilled()
	fake.SetLatency("users.info", 0)
	waitUntil(t, 10*time.Second, "the dead replica's socket to close", func() bool { return fake.ActiveConnections() == 1 })
	// The survivor, on another host, cannot tell the sender is dead: it
	// takes the role when the lease runs out, within a lease and a renewal.
	waitUntil(t, testLease+testLease/3+time.Second, "the survivor to take over the sender role", o.sender)
	killedMu.Lock()
	took := time.Since(killedAt)
	killedMu.Unlock()
	t.Logf("sender role taken over %s after the kill (lease %s)", took.Round(time.Millisecond), testLease)
	// The survivor tries once a renewal after the lease ran out, plus the
	// time its own try takes (a write), and this measure adds the health
	// check's round trip: a second of slack for those on a busy machine
	// (200 ms failed once in a while under -race). Under two leases still
	// rules out a survivor that waits out a lease of its own.
	if took > testLease+testLease/3+time.Second || took >= 2*testLease {
		t.Errorf("the role was taken over %s after the kill, past the lease %s and a renewal", took, testLease)
	}
	for i := 30; i < 34; i++ {
		send(i, rep2, i%2 == 0)
	}
	waitUntil(t, 30*time.Second, "a DM for every acked capture", func() bool { return dmCount() >= len(acked) })
	o.stop()
	if !strings.Contains(o.logs.String(), "acting on a command left pending since its ack") {
		t.Error("the survivor never acted on the capture the dead replica acknowledged")
	}
	if !strings.Contains(a.logs.String()+b.logs.String(), "envelope handled by another replica") {
		t.Error("no duplicate was refused by the other replica's claim")
	}

	rows := exportDB(t, db)
	if len(rows) != len(acked) {
		t.Errorf("%d sessions stored, %d captures acked", len(rows), len(acked))
	}
	stored := map[int]int{}
	confirmed := 0
	for _, r := range rows {
		stored[r.DurationMin]++
		if r.Status == "confirmed" {
			confirmed++
		}
	}
	for _, c := range acked {
		if stored[c.minutes] != 1 {
			t.Errorf("the %d-minute capture for %s stored %d times, want once", c.minutes, c.rep, stored[c.minutes])
		}
	}
	if confirmed != len(clicked) {
		t.Errorf("%d sessions confirmed, want the %d the rep confirmed", confirmed, len(clicked))
	}
	if n := dmCount(); n != len(acked) {
		t.Errorf("%d rep DMs for %d acked captures", n, len(acked))
	}
	checkPostRate(t, fake)
}

// checkPostRate fails the test when chat.postMessage reached one channel
// faster than Slack allows: about one a second, with a burst of three
// (the outbox's pacer; one more for timing noise).
func checkPostRate(t *testing.T, fake *fakeslack.Server) {
	t.Helper()
	byChannel := map[string][]time.Time{}
	for _, c := range fake.CallsTo("chat.postMessage") {
		byChannel[c.Param("channel")] = append(byChannel[c.Param("channel")], c.Time)
	}
	for ch, ts := range byChannel {
		slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
		for i := range ts {
			for j := i; j < len(ts); j++ {
				allowed := 3 + int(ts[j].Sub(ts[i])/time.Second) + 1
				if j-i+1 > allowed {
					t.Fatalf("%d posts to %s within %s, more than Slack's rate allows (%d)", j-i+1, ch, ts[j].Sub(ts[i]), allowed)
				}
			}
		}
	}
}

// /metrics says which store serves and whether this replica sends; the
// first replica up takes the role.
func TestMetricsSayTheStoreAndTheSenderRole(t *testing.T) {
	t.Parallel()
	addr := startBot(t, "COACHLOG_HTTP_ADDR", freePort(t)).httpAddr()
	eventually(t, "the sender role in /metrics", func() bool {
		_, m := get(t, "http://"+addr+"/metrics")
		return strings.Contains(m, "\ncoachlog_sender_role 1\n")
	})
	if _, m := get(t, "http://"+addr+"/metrics"); !strings.Contains(m, `coachlog_store_info{store="sqlite"} 1`) {
		t.Fatalf("/metrics lacks the store:\n%s", grepLines(m, "coachlog_store"))
	}
}
