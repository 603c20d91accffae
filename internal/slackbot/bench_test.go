package slackbot

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

var yearOrg = sqlitetest.YearOrg

func seededDB(b *testing.B, o sqlite.SeedOptions) string { return sqlitetest.SeededCopy(b, o) }

type nopNotifier struct{}

func (nopNotifier) Notify() {}

// benchBot is a Bot on a seeded database whose acks are recorded instead of
// written to a socket.
func benchBot(b *testing.B) (*Bot, chan time.Time, *sqlite.Store) {
	st, err := sqlite.Open(context.Background(), seededDB(b, yearOrg), sqlite.Options{Now: func() time.Time { return yearOrg.Now }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	svc := coaching.NewService(coaching.Config{Store: st, Now: func() time.Time { return yearOrg.Now }})
	bot := New(Config{AppToken: "xapp-x", BotToken: "xoxb-x", APIURL: "http://127.0.0.1:1/", Service: svc, Outbox: nopNotifier{}})
	acks := make(chan time.Time, 1<<16)
	bot.ackFn = func(id string, payload any) error {
		if payload != nil {
			if _, err := json.Marshal(payload); err != nil {
				return err
			}
		}
		acks <- time.Now()
		return nil
	}
	return bot, acks, st
}

// modalBlocks are the blocks of the log modal as the bot opens it: Slack
// sends them back in every view_submission, and decoding them is much of
// what a submission costs (slack-go's Socket Mode client reads them all).
var modalBlocks = sync.OnceValue(func() []any {
	raw, err := json.Marshal(logModal{Skills: coaching.DefaultSkills()}.view())
	if err != nil {
		panic(err)
	}
	var v struct {
		Blocks []any `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		panic(err)
	}
	return v.Blocks
})

// submission is a view_submission envelope as Slack sends it, for one of the
// seeded managers and their reps.
func submission(i int) []byte {
	m := i % yearOrg.Managers
	rep := sqlite.SeedRepID(m*yearOrg.RepsPerManager + i%yearOrg.RepsPerManager)
	payload := map[string]any{
		"type": "view_submission", "team": map[string]any{"id": "T1", "domain": "acme"},
		"user":       map[string]any{"id": sqlite.SeedManagerID(m), "username": "m", "name": "m", "team_id": "T1"},
		"api_app_id": "A1", "token": "t", "trigger_id": "1.2.3", "is_enterprise_install": false, "enterprise": nil,
		"view": map[string]any{
			"id": fmt.Sprintf("VB%09d", i), "hash": "1.abc", "callback_id": cbLog, "type": "modal",
			"private_metadata": `{"src":"modal"}`, "blocks": modalBlocks(),
			"state": map[string]any{"values": map[string]any{
				"reps":        map[string]any{"reps": map[string]any{"type": "multi_users_select", "selected_users": []string{rep}}},
				"kind":        map[string]any{"kind": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": "one_on_one"}}},
				"date":        map[string]any{"date": map[string]any{"type": "datepicker", "selected_date": "2026-11-25"}},
				"duration":    map[string]any{"duration": map[string]any{"type": "number_input", "value": "30"}},
				"notes":       map[string]any{"notes": map[string]any{"type": "plain_text_input", "value": "Walked through discovery questions"}},
				"commitments": map[string]any{"commitments": map[string]any{"type": "plain_text_input", "value": "Send recap\nBook role-play"}},
			}},
		},
		"response_urls": []any{},
	}
	env, _ := json.Marshal(map[string]any{"envelope_id": fmt.Sprintf("env-%d", i), "type": "interactive",
		"accepts_response_payload": true, "payload": payload})
	return env
}

// slackGoDecode decodes a frame as slack-go's Socket Mode client does:
// into a request, and its payload into an interaction callback.
func slackGoDecode(b *testing.B, frame []byte) (socketmode.Request, slack.InteractionCallback) {
	var req socketmode.Request
	if err := json.Unmarshal(frame, &req); err != nil {
		b.Fatal(err)
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal(req.Payload, &cb); err != nil {
		b.Fatal(err)
	}
	return req, cb
}

// deliver does what slack-go's client does with a frame, then hands the
// event to the bot as the client would.
func deliver(b *testing.B, bot *Bot, frame []byte) {
	req, cb := slackGoDecode(b, frame)
	bot.onEvent(context.Background(), socketmode.Event{Type: socketmode.EventTypeInteractive, Data: cb, Request: &req})
}

// deliverUndecoded hands the bot a frame read as far as its envelope, as
// slack-go's client reads it, the payload left raw.
func deliverUndecoded(b *testing.B, bot *Bot, frame []byte) {
	var req socketmode.Request
	if err := json.Unmarshal(frame, &req); err != nil {
		b.Fatal(err)
	}
	bot.onEvent(context.Background(), socketmode.Event{Type: socketmode.EventTypeInteractive, Request: &req})
}

func percentile(ds []time.Duration, p float64) time.Duration {
	slices.Sort(ds)
	return ds[min(len(ds)-1, int(float64(len(ds))*p))]
}

// BenchmarkSubmissionAckAt200PerSecond paces view submissions at Slack's
// 200 envelopes per second and reports the p50 and p99 time from the frame
// arriving to the ack being handed to the socket: decode, validate,
// commit, ack.
func BenchmarkSubmissionAckAt200PerSecond(b *testing.B) {
	bot, acks, st := benchBot(b)
	frames := make([][]byte, b.N)
	for i := range frames {
		frames[i] = submission(i)
	}
	lat := make([]time.Duration, 0, b.N)
	var mu sync.Mutex
	var wg sync.WaitGroup
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		<-tick.C
		wg.Add(1)
		go func(frame []byte) {
			defer wg.Done()
			start := time.Now()
			deliver(b, bot, frame)
			// acks arrive in any order; each goroutine takes one and the
			// distribution is what matters.
			got := <-acks
			mu.Lock()
			lat = append(lat, got.Sub(start))
			mu.Unlock()
		}(frames[i])
	}
	wg.Wait()
	b.StopTimer()
	bot.inflight.Wait()
	b.ReportMetric(float64(percentile(lat, 0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99-ms")
	// Writes wait while the log is started over (sqlite's resetWAL): the
	// longest wait shows in the p99 once it passes a few milliseconds.
	b.ReportMetric(float64(st.Checkpoints().Longest.Microseconds())/1000, "longest-wal-reset-ms")
}

// BenchmarkSubmissionThroughput sends submissions as fast as they are taken
// and reports sustained submissions per second through the whole path.
func BenchmarkSubmissionThroughput(b *testing.B) { submissionThroughput(b, deliver) }

// BenchmarkSubmissionThroughputReadByTheBot is BenchmarkSubmissionThroughput
// with the payload left to the bot's own reader (readInteraction, what it
// uses for a frame slack-go could not read), as if slack-go's client
// handed the envelope over undecoded: the difference is what slack-go's
// reading of each interaction (the whole view Slack sends back, every
// block and option of the form) costs. slack-go offers no way to skip
// it; the figure is for choosing whether to patch or replace its reader
// (README, Performance).
func BenchmarkSubmissionThroughputReadByTheBot(b *testing.B) {
	submissionThroughput(b, deliverUndecoded)
}

func submissionThroughput(b *testing.B, deliver func(*testing.B, *Bot, []byte)) {
	bot, acks, _ := benchBot(b)
	// A submission refused (an ack with errors) is fast and stores
	// nothing: a reading that lost a field would pass for a faster one.
	var refused atomic.Int64
	ack := bot.ackFn
	bot.ackFn = func(id string, payload any) error {
		if payload != nil {
			refused.Add(1)
		}
		return ack(id, payload)
	}
	frames := make([][]byte, b.N)
	for i := range frames {
		frames[i] = submission(1_000_000 + i)
	}
	b.ResetTimer()
	start, cpu := time.Now(), sqlitetest.ProcCPU(0)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64) // envelopes in flight, as on a busy socket
	for i := 0; i < b.N; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func(frame []byte) {
			defer wg.Done()
			deliver(b, bot, frame)
			<-acks
			<-sem
		}(frames[i])
	}
	wg.Wait()
	b.StopTimer()
	bot.inflight.Wait()
	if n := refused.Load(); n > 0 {
		b.Fatalf("%d of %d submissions refused", n, b.N)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "submissions/s")
	// CPU per submission holds on a shared machine, where the rate moves
	// with everyone else's load; it includes the payload's decoding.
	b.ReportMetric(float64((sqlitetest.ProcCPU(0)-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	b.ReportMetric(sqlitetest.ProcMB(0, "VmRSS"), "rss-MB")
}

// BenchmarkSubmissionWALFrames reports the pages one submission writes to
// the log when it commits alone, as every submission does below a few
// hundred a second: each page is a WAL frame (two pwrites and a checksum
// of the page), which a checkpoint then reads and writes again into the
// database. Every index a submission touches costs a frame, so this is
// the figure to watch when indexes are added or merged. A submission
// during which the log was started over is not counted.
func BenchmarkSubmissionWALFrames(b *testing.B) {
	bot, acks, st := benchBot(b)
	i := 0
	submit := func() {
		deliver(b, bot, submission(3_000_000+i))
		i++
		<-acks
		bot.inflight.Wait()
	}
	submit() // the log and its index exist from the first write on
	shm := st.Path() + "-shm"
	var frames, counted int64
	for b.Loop() {
		before := readWALIndex(b, shm)
		submit()
		after := readWALIndex(b, shm)
		if before.salt != after.salt || after.frames < before.frames {
			continue
		}
		frames += int64(after.frames - before.frames)
		counted++
	}
	if counted == 0 {
		b.Fatal("the log was started over during every submission: nothing measured")
	}
	b.ReportMetric(float64(frames)/float64(counted), "wal-frames/op")
}

// walIndex is what the header of SQLite's wal-index (the -shm file) says
// of the log: how many frames it holds, and the salt that changes each
// time it is started over (sqlite.org/walformat.html, the WalIndexHdr, in
// the machine's byte order).
type walIndex struct {
	frames uint32
	salt   uint64
}

func readWALIndex(b *testing.B, path string) walIndex {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var hdr [48]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		b.Fatalf("read the wal-index header of %s: %v", path, err)
	}
	return walIndex{frames: binary.NativeEndian.Uint32(hdr[16:20]), salt: binary.NativeEndian.Uint64(hdr[32:40])}
}

// BenchmarkDecodeSubmission measures what reading one view submission of
// the log modal costs: slack-go's Socket Mode client decodes every frame
// into a socketmode.Request and a slack.InteractionCallback, serially on
// one goroutine, before the bot sees it (a floor the bot cannot lower
// while it uses that client), and the bot's own lenient reading, which a
// submission no longer needs (decoded.go).
func BenchmarkDecodeSubmission(b *testing.B) {
	frame := submission(0)
	b.Run("slack-go", func(b *testing.B) {
		b.SetBytes(int64(len(frame)))
		for b.Loop() {
			slackGoDecode(b, frame)
		}
	})
	b.Run("own", func(b *testing.B) {
		var req socketmode.Request
		if err := json.Unmarshal(frame, &req); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(frame)))
		for b.Loop() {
			var in interaction
			if err := json.Unmarshal(req.Payload, &in); err != nil {
				b.Fatal(err)
			}
		}
	})
}
