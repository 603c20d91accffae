package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// viewSubmission is a submission of the log modal as the bot opens it
// (blocks, as Slack sends them back with every submission), filled in for
// one of o's managers and their reps.
func viewSubmission(o sqlite.SeedOptions, i int, blocks []any) map[string]any {
	m := i % o.Managers
	rep := sqlite.SeedRepID(m*o.RepsPerManager + i%o.RepsPerManager)
	val := func(typ, k string, v any) map[string]any { return map[string]any{"type": typ, k: v} }
	return map[string]any{
		"type": "view_submission", "team": map[string]any{"id": "T0FAKE", "domain": "fake"},
		"user":       map[string]any{"id": sqlite.SeedManagerID(m), "username": "m", "name": "m", "team_id": "T0FAKE"},
		"api_app_id": "A0FAKE", "token": "t", "trigger_id": "1.2.3", "is_enterprise_install": false,
		"view": map[string]any{
			"id": fmt.Sprintf("VL%09d", i), "hash": "1.abc", "callback_id": "log_session", "type": "modal",
			"private_metadata": `{"src":"modal"}`, "blocks": blocks,
			"state": map[string]any{"values": map[string]any{
				"reps":        map[string]any{"reps": val("multi_users_select", "selected_users", []string{rep})},
				"kind":        map[string]any{"kind": val("static_select", "selected_option", map[string]any{"value": "one_on_one"})},
				"date":        map[string]any{"date": val("datepicker", "selected_date", "2026-11-25")},
				"duration":    map[string]any{"duration": val("number_input", "value", "30")},
				"notes":       map[string]any{"notes": val("plain_text_input", "value", benchNote(i))},
				"commitments": map[string]any{"commitments": val("plain_text_input", "value", "Send recap\nBook role-play")},
			}},
		},
		"response_urls": []any{},
	}
}

// benchNote is submission i's notes: they tell its session apart, so that
// a benchmark can count what was stored of each.
func benchNote(i int) string {
	return fmt.Sprintf("Walked through discovery questions, bench submission %d", i)
}

// benchOrgs are the organisations the serve benchmarks run on: the shared
// harness's (../shared/bench: 200 managers of 10 reps, no history yet),
// and a year of a 20,000-rep organisation (PRODUCT.md's ack target).
var benchOrgs = []struct {
	name string
	org  sqlite.SeedOptions
}{
	{"harness-org", sqlite.SeedOptions{Leaders: 1, Managers: 200, RepsPerManager: 10, Days: 1,
		Now: sqlitetest.YearOrg.Now, Seed: 3}},
	{"year-org", sqlitetest.YearOrg},
}

// benchStore is a database the serve benchmarks run `coachlog serve` on,
// with how many replicas share it.
type benchStore struct {
	name     string
	postgres bool
	replicas int
	orgs     []int // indexes into benchOrgs
}

// benchStores: SQLite, as shipped, on both organisations; PostgreSQL (when
// COACHLOG_TEST_POSTGRES is set) with one and with two replicas on the
// harness's organisation (a year's 520,000 sessions would be copied into
// the server on every run).
var benchStores = []benchStore{
	{name: "sqlite", replicas: 1, orgs: []int{0, 1}},
	{name: "postgres", postgres: true, replicas: 1, orgs: []int{0}},
	{name: "postgres-2-replicas", postgres: true, replicas: 2, orgs: []int{0}},
}

// benchDB returns a fresh database seeded with org: a copy of the cached
// SQLite file, or that file copied by `coachlog copy`'s code into a schema
// of its own on the PostgreSQL server under test (skipped without one).
func benchDB(b *testing.B, org sqlite.SeedOptions, postgres bool) string {
	if !postgres {
		return sqlitetest.SeededCopy(b, org)
	}
	url := sqlitetest.PostgresDB(b)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if _, err := sqlite.CopyToPostgres(ctx, sqlitetest.SeededCopy(b, org), url, sqlite.Options{}, nil); err != nil {
		b.Fatal(err)
	}
	return url
}

// serveChildren runs n real `coachlog serve` processes as children on db,
// each with its own Socket Mode connection to one fake Slack that knows
// org's people, and returns once every socket is up and the start-up work
// (catching up schedules, garbage) is done. Several are started as the
// replica test starts them.
func serveChildren(b *testing.B, org sqlite.SeedOptions, db string, n int, opts ...fakeslack.Option) (*fakeslack.Server, []*child) {
	fake := fakeslack.New(opts...)
	if err := fake.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { fake.Close() })
	// Slack knows everyone: a profile read on first sight then sticks, as
	// in a real workspace, instead of being asked again every time.
	for m := range org.Managers {
		fake.AddUser(fakeslack.User{ID: sqlite.SeedManagerID(m), Name: fmt.Sprint("manager", m), TZ: "UTC"})
	}
	for r := range org.Managers * org.RepsPerManager {
		fake.AddUser(fakeslack.User{ID: sqlite.SeedRepID(r), Name: fmt.Sprint("rep", r), TZ: "UTC"})
	}
	quiet := []string{"COACHLOG_LOG_LEVEL=warn", "COACHLOG_TIMEZONE=UTC"}
	var cs []*child
	for i := 1; i <= n; i++ {
		var c *child
		if n == 1 {
			c = startChild(b, fake, db, 1, quiet...)
		} else {
			c = startReplica(b, fake, db, i, quiet...).child
		}
		b.Cleanup(func() {
			if b.Failed() {
				b.Logf("serve %d:\n%s", i, c.logs)
			}
		})
		cs = append(cs, c)
	}
	for _, c := range cs {
		waitQuiet(b, c.cmd.Process.Pid)
	}
	return fake, cs
}

// serveChild is serveChildren's one process on a SQLite copy of org.
func serveChild(b *testing.B, org sqlite.SeedOptions, opts ...fakeslack.Option) (*fakeslack.Server, *exec.Cmd) {
	fake, cs := serveChildren(b, org, sqlitetest.SeededCopy(b, org), 1, opts...)
	return fake, cs[0].cmd
}

// waitQuiet waits until the child has used under 5% of a core for a
// quarter of a second: start-up jobs done, before idle memory is read and
// CPU is counted.
func waitQuiet(b *testing.B, pid int) {
	const step = 250 * time.Millisecond
	deadline := time.Now().Add(time.Minute)
	last := sqlitetest.ProcCPU(pid)
	for time.Now().Before(deadline) {
		time.Sleep(step) // polling another process's CPU time: there is nothing to wait on
		now := sqlitetest.ProcCPU(pid)
		if now-last < step/20 {
			return
		}
		last = now
	}
	b.Fatal("coachlog serve kept busy for a minute after start")
}

// openedModalBlocks opens the log modal once through /coach and returns its
// blocks as the bot rendered them.
func openedModalBlocks(ctx context.Context, b *testing.B, fake *fakeslack.Server) []any {
	in, err := fake.SlashCommand(ctx, sqlite.SeedManagerID(0), "/coach", "")
	if err != nil {
		b.Fatal(err)
	}
	call, err := fake.WaitForCall(ctx, "views.open", func(c fakeslack.Call) bool { return c.Param("trigger_id") == in.TriggerID })
	if err != nil {
		b.Fatal(err)
	}
	var v struct {
		Blocks []any `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(call.Param("view")), &v); err != nil || len(v.Blocks) == 0 {
		b.Fatalf("read the opened modal's blocks: %v (%d blocks)", err, len(v.Blocks))
	}
	return v.Blocks
}

// ms is d in milliseconds, for ReportMetric.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// cpuPerOp is the child's CPU time since before, per operation, in ms:
// the figure that holds on a shared machine, where rates move with the
// load of everything else.
func cpuPerOp(pid int, before time.Duration, n int) float64 {
	return ms(sqlitetest.ProcCPU(pid)-before) / float64(n)
}

// BenchmarkServeUnderLoad drives view submissions of the real modal
// through a fake Slack's Socket Mode WebSockets to real `coachlog serve`
// processes as fast as they are acknowledged (64 in flight), on each
// benchStore, and reports throughput, ack latency seen from Slack's side
// (p50, p99), the children's CPU per submission (all replicas together),
// and memory idle and at peak (the largest process). It then counts the
// stored sessions: every acked submission once, none missing or doubled.
func BenchmarkServeUnderLoad(b *testing.B) {
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			for _, i := range st.orgs {
				o := benchOrgs[i]
				b.Run(o.name, func(b *testing.B) {
					db := benchDB(b, o.org, st.postgres)
					serveUnderLoad(b, o.org, db, st.replicas)
				})
			}
		})
	}
}

func serveUnderLoad(b *testing.B, org sqlite.SeedOptions, db string, replicas int) {
	fake, cs := serveChildren(b, org, db, replicas)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var idle float64
	for _, c := range cs {
		idle = max(idle, sqlitetest.ProcMB(c.cmd.Process.Pid, "VmRSS"))
	}
	cpuNow := func() time.Duration {
		var sum time.Duration
		for _, c := range cs {
			sum += sqlitetest.ProcCPU(c.cmd.Process.Pid)
		}
		return sum
	}
	blocks := openedModalBlocks(ctx, b, fake)
	payloads := make([]map[string]any, b.N)
	for i := range payloads {
		payloads[i] = viewSubmission(org, i, blocks)
	}

	b.ResetTimer()
	start, cpu := time.Now(), cpuNow()
	ids := make(map[string]bool, b.N)
	var mu sync.Mutex
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for i := 0; i < b.N; i++ {
		sem <- struct{}{}
		id, err := fake.Send(ctx, "interactive", payloads[i])
		if err != nil {
			b.Fatal(err)
		}
		mu.Lock()
		ids[id] = true
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			if a, err := fake.AwaitAck(ctx, id); err != nil {
				b.Error(err)
			} else if a.Payload != nil {
				b.Errorf("submission %s answered %s, want an empty ack (saved)", id, a.Payload)
			}
			<-sem
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	cpuMS := ms(cpuNow()-cpu) / float64(b.N)

	lat := make([]time.Duration, 0, b.N)
	for _, a := range fake.Acks() {
		if ids[a.EnvelopeID] {
			lat = append(lat, a.Latency())
		}
	}
	slices.Sort(lat)
	var peak float64
	for _, c := range cs {
		peak = max(peak, sqlitetest.ProcMB(c.cmd.Process.Pid, "VmHWM"))
	}
	if replicas > 1 && b.N >= replicas {
		conns := map[int]int{}
		for id := range ids {
			for _, c := range fake.DeliveredOn(id) {
				conns[c]++
			}
		}
		if len(conns) != replicas {
			b.Errorf("submissions reached sockets %v, want all %d replicas'", conns, replicas)
		}
	}
	checkStoredOnce(ctx, b, db, b.N)

	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "submissions/s")
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ack-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ack-ms")
	b.ReportMetric(cpuMS, "cpu-ms/op")
	b.ReportMetric(idle, "idle-rss-MB")
	b.ReportMetric(peak, "peak-rss-MB")
}

// checkStoredOnce fails the benchmark unless each of the n submissions
// (all acked as saved) left exactly one session in db, told apart by its
// notes: a figure that lost or doubled work would be worth nothing.
func checkStoredOnce(ctx context.Context, b *testing.B, db string, n int) {
	driver, dsn := "sqlite", "file:"+db+"?mode=ro"
	if sqlite.IsPostgres(db) {
		driver, dsn = "pgx", db
	}
	conn, err := sql.Open(driver, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT notes, COUNT(*) FROM sessions WHERE notes LIKE '%bench submission %' GROUP BY notes`)
	if err != nil {
		b.Fatalf("count stored sessions: %v", err)
	}
	defer rows.Close()
	stored := map[string]int{}
	for rows.Next() {
		var note string
		var k int
		if err := rows.Scan(&note, &k); err != nil {
			b.Fatal(err)
		}
		stored[note] = k
	}
	if err := rows.Err(); err != nil {
		b.Fatalf("count stored sessions: %v", err)
	}
	bad := 0
	for i := range n {
		if k := stored[benchNote(i)]; k != 1 {
			if bad++; bad <= 5 {
				b.Errorf("submission %d stored %d times, want once", i, k)
			}
		}
	}
	if len(stored) != n || bad > 0 {
		b.Fatalf("%d of %d acked submissions not stored exactly once; %d distinct stored", bad, n, len(stored))
	}
}

// BenchmarkServeSlashCommands sends /coach to a real `coachlog serve` at
// Slack's 200 envelopes per second and reports, from Slack's side, the
// ack's latency and how long after the envelope views.open arrives (p50,
// p99), with the child's CPU per command. views.open's tier is lifted
// (fakeslack.Untiered): past it, the bot retrying after Retry-After is
// viewretry_test.go's subject.
func BenchmarkServeSlashCommands(b *testing.B) {
	for _, o := range benchOrgs {
		b.Run(o.name, func(b *testing.B) { serveSlashCommands(b, o.org) })
	}
}

func serveSlashCommands(b *testing.B, org sqlite.SeedOptions) {
	fake, cmd := serveChild(b, org, fakeslack.Untiered("views.open"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	type sent struct {
		env, trigger string
		at           time.Time
	}
	sends := make([]sent, 0, b.N)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	b.ResetTimer()
	cpu := sqlitetest.ProcCPU(cmd.Process.Pid)
	for i := 0; i < b.N; i++ {
		<-tick.C
		at := time.Now()
		in, err := fake.SlashCommand(ctx, sqlite.SeedManagerID(i%org.Managers), "/coach", "")
		if err != nil {
			b.Fatal(err)
		}
		sends = append(sends, sent{in.EnvelopeID, in.TriggerID, at})
	}
	var ackLat, openLat []time.Duration
	for _, s := range sends {
		a, err := fake.AwaitAck(ctx, s.env)
		if err != nil {
			b.Fatal(err)
		}
		ackLat = append(ackLat, a.Latency())
		c, err := fake.WaitForCall(ctx, "views.open", func(c fakeslack.Call) bool { return c.Param("trigger_id") == s.trigger })
		if err != nil {
			b.Fatal(err)
		}
		if c.Error != "" {
			b.Fatalf("views.open answered %s", c.Error)
		}
		openLat = append(openLat, c.Time.Sub(s.at))
	}
	b.StopTimer()
	cpuMS := cpuPerOp(cmd.Process.Pid, cpu, b.N)
	slices.Sort(ackLat)
	slices.Sort(openLat)
	b.ReportMetric(ms(ackLat[len(ackLat)/2]), "p50-ack-ms")
	b.ReportMetric(ms(ackLat[len(ackLat)*99/100]), "p99-ack-ms")
	b.ReportMetric(ms(openLat[len(openLat)/2]), "p50-views.open-ms")
	b.ReportMetric(ms(openLat[len(openLat)*99/100]), "p99-views.open-ms")
	b.ReportMetric(cpuMS, "cpu-ms/op")
	b.ReportMetric(sqlitetest.ProcMB(cmd.Process.Pid, "VmHWM"), "peak-rss-MB")
}
