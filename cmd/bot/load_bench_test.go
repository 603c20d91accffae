package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

func viewSubmission(i int) map[string]any {
	o := sqlitetest.YearOrg
	m := i % o.Managers
	rep := sqlite.SeedRepID(m*o.RepsPerManager + i%o.RepsPerManager)
	val := func(typ, k string, v any) map[string]any { return map[string]any{"type": typ, k: v} }
	return map[string]any{
		"type": "view_submission", "team": map[string]any{"id": "T0FAKE", "domain": "fake"},
		"user":       map[string]any{"id": sqlite.SeedManagerID(m), "username": "m", "name": "m", "team_id": "T0FAKE"},
		"api_app_id": "A0FAKE", "token": "t", "trigger_id": "1.2.3", "is_enterprise_install": false,
		"view": map[string]any{
			"id": fmt.Sprintf("VL%09d", i), "hash": "1.abc", "callback_id": "log_session", "type": "modal",
			"private_metadata": `{"src":"modal"}`, "blocks": []any{},
			"state": map[string]any{"values": map[string]any{
				"reps":        map[string]any{"reps": val("multi_users_select", "selected_users", []string{rep})},
				"kind":        map[string]any{"kind": val("static_select", "selected_option", map[string]any{"value": "one_on_one"})},
				"date":        map[string]any{"date": val("datepicker", "selected_date", "2026-11-25")},
				"duration":    map[string]any{"duration": val("number_input", "value", "30")},
				"notes":       map[string]any{"notes": val("plain_text_input", "value", "Walked through discovery questions")},
				"commitments": map[string]any{"commitments": val("plain_text_input", "value", "Send recap\nBook role-play")},
			}},
		},
		"response_urls": []any{},
	}
}

// BenchmarkServeUnderLoad runs the real `coachlog serve` as a child process
// on a year of a 20,000-rep organisation, drives view submissions through
// a fake Slack's Socket Mode WebSocket as fast as they are acknowledged (64
// in flight), and reports throughput, ack latency seen from Slack's side,
// and the child's memory idle and at peak.
func BenchmarkServeUnderLoad(b *testing.B) {
	fake := fakeslack.New()
	if err := fake.Start(); err != nil {
		b.Fatal(err)
	}
	defer fake.Close()
	db := sqlitetest.SeededCopy(b, sqlitetest.YearOrg)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "COACHLOG_SERVE_CHILD=1", "SLACK_APP_TOKEN="+fake.AppToken(), "SLACK_BOT_TOKEN="+fake.BotToken(),
		"SLACK_API_URL="+fake.APIURL(), "COACHLOG_DB="+db, "COACHLOG_LOG_LEVEL=warn", "COACHLOG_TIMEZONE=UTC")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := fake.WaitConnected(ctx, 1); err != nil {
		b.Fatal(err)
	}
	time.Sleep(2 * time.Second) // let start-up garbage be collected before reading idle memory
	idle := sqlitetest.ProcMB(cmd.Process.Pid, "VmRSS")

	b.ResetTimer()
	start := time.Now()
	ids := make([]string, b.N)
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for i := 0; i < b.N; i++ {
		sem <- struct{}{}
		id, err := fake.Send(ctx, "interactive", viewSubmission(i))
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = id
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := fake.AwaitAck(ctx, id); err != nil {
				b.Error(err)
			}
			<-sem
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()

	lat := make([]time.Duration, 0, b.N)
	for _, a := range fake.Acks() {
		lat = append(lat, a.Latency())
	}
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "submissions/s")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ack-ms")
	b.ReportMetric(idle, "idle-rss-MB")
	b.ReportMetric(sqlitetest.ProcMB(cmd.Process.Pid, "VmHWM"), "peak-rss-MB")
}
