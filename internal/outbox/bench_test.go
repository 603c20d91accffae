package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// limitedSlack accepts at most rate posts a second (with a small burst)
// and answers 429 with Retry-After beyond that, as Slack does.
type limitedSlack struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	tokens  float64
	at      time.Time
	got     map[string]int
	limited int
}

func (l *limitedSlack) Send(_ context.Context, m coaching.Message, _ *coaching.Posted) (*coaching.Posted, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	l.tokens = min(l.burst, l.tokens+now.Sub(l.at).Seconds()*l.rate)
	l.at = now
	if l.tokens < 1 {
		l.limited++
		return nil, &outbox.Error{Class: outbox.RateLimited, Method: "chat.postMessage", RetryAfter: time.Second, Err: errors.New("429")}
	}
	l.tokens--
	l.got[m.To]++
	return &coaching.Posted{Channel: "D" + m.To, TS: "1"}, nil
}

// BenchmarkDeliverThousandDMs delivers 1,000 DMs to 1,000 people through a
// Slack limited to 200 posts a second, the worker paced to match, and
// reports how close it came to the minimum time that allows.
func BenchmarkDeliverThousandDMs(b *testing.B) {
	const n, burst = 1000, 10.0
	rate := 200.0
	for i := 0; i < b.N; i++ {
		st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "c.db"), sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		var msgs []coaching.Message
		var keys []string
		for k := 0; k < n; k++ {
			key := fmt.Sprintf("dm:%d", k)
			msgs = append(msgs, coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpPost, Key: key, To: fmt.Sprintf("U%05d", k)})
			keys = append(keys, key)
		}
		if err := st.Update(context.Background(), func(tx coaching.Tx) error { return tx.Enqueue(context.Background(), msgs...) }); err != nil {
			b.Fatal(err)
		}
		slack := &limitedSlack{rate: rate, burst: burst, tokens: burst, at: time.Now(), got: map[string]int{}}
		// Paced a little under the limit: a 429 costs its Retry-After, a
		// whole second here, far more than the margin.
		every := time.Duration(float64(time.Second) / (0.95 * rate))
		pace := outbox.NewPacer(outbox.Limits{Method: map[string]outbox.Limit{
			"chat.postMessage": {Every: every, Burst: int(burst)}}}, time.Now)
		w := outbox.NewWorker(st, slack, outbox.Options{Pacer: pace})
		b.StartTimer()
		start := time.Now()
		failed, err := w.Deliver(context.Background(), keys)
		elapsed := time.Since(start)
		b.StopTimer()
		if err != nil || len(failed) > 0 {
			b.Fatalf("deliver: %v, failed %d", err, len(failed))
		}
		for k := 0; k < n; k++ {
			if got := slack.got[fmt.Sprintf("U%05d", k)]; got != 1 {
				b.Fatalf("U%05d got %d DMs, want exactly 1", k, got)
			}
		}
		minimum := time.Duration((n - burst) / rate * float64(time.Second))
		b.ReportMetric(elapsed.Seconds(), "seconds")
		b.ReportMetric(minimum.Seconds(), "min-seconds")
		b.ReportMetric(float64(slack.limited), "429s")
		st.Close()
	}
}

// latentSlack answers every call after a round trip's latency.
type latentSlack struct {
	latency time.Duration
	mu      sync.Mutex
	last    time.Time
	got     int
}

func (l *latentSlack) Send(ctx context.Context, m coaching.Message, _ *coaching.Posted) (*coaching.Posted, error) {
	select {
	case <-time.After(l.latency):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got++
	l.last = time.Now()
	return &coaching.Posted{Channel: "D" + m.To, TS: "1"}, nil
}

// BenchmarkHundredsOfClicksAtOnce: 300 reps press Confirm in the same
// instant and each click's reply goes through its response_url, a round
// trip of 150 ms to Slack, under Slack's limits as the bot paces them.
// PRODUCT.md: a rep's click updates their DM within a second even when
// hundreds click at once. Reports when the last reply was answered.
func BenchmarkHundredsOfClicksAtOnce(b *testing.B) {
	const n = 300
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "c.db"), sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		var msgs []coaching.Message
		var keys []string
		for k := 0; k < n; k++ {
			m := coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpRespond, Key: fmt.Sprintf("dm:%d", k), To: fmt.Sprintf("U%05d", k),
				RepID: fmt.Sprintf("U%05d", k), ResponseURL: fmt.Sprintf("https://hooks.slack.test/r/%d", k), ResponseAt: start, Replace: true}
			msgs = append(msgs, m)
			keys = append(keys, m.Key)
		}
		if err := st.Update(context.Background(), func(tx coaching.Tx) error { return tx.Enqueue(context.Background(), msgs...) }); err != nil {
			b.Fatal(err)
		}
		slack := &latentSlack{latency: 150 * time.Millisecond}
		w := outbox.NewWorker(st, slack, outbox.Options{Pacer: outbox.NewPacer(outbox.SlackLimits(), time.Now)})
		b.StartTimer()
		start = time.Now()
		failed, err := w.Deliver(context.Background(), keys)
		b.StopTimer()
		if err != nil || len(failed) > 0 || slack.got != n {
			b.Fatalf("deliver: %v, failed %d, answered %d of %d", err, len(failed), slack.got, n)
		}
		b.ReportMetric(slack.last.Sub(start).Seconds(), "last-reply-s")
		st.Close()
	}
}
