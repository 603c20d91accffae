package outbox_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// instantSlack accepts everything at once: the worker's own pacing is all
// that stands between the backlog and Slack.
type instantSlack struct{ sent atomic.Int64 }

func (s *instantSlack) Send(_ context.Context, m coaching.Message, prior *coaching.Posted) (*coaching.Posted, error) {
	s.sent.Add(1)
	if prior != nil {
		return nil, nil
	}
	return &coaching.Posted{Channel: "D" + m.To, TS: "1.0"}, nil
}

// BenchmarkWorkerUnderBacklog runs the worker, on the real clock and
// Slack's limits, for two seconds against a backlog of 10,000 DMs to
// 10,000 reps and 10,000 updates of DMs already posted (chat.update's
// Tier 3 holds those to about one a second), and reports the database
// writes per message delivered. Profile it with
// go test -run '^$' -bench WorkerUnderBacklog -cpuprofile cpu.out ./internal/outbox/
func BenchmarkWorkerUnderBacklog(b *testing.B) {
	const n = 10_000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ctx := context.Background()
		st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "c.db"), sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		var msgs []coaching.Message
		for k := range n {
			rep := fmt.Sprintf("U%05d", k)
			msgs = append(msgs, coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpPost, Key: "new:" + rep, To: rep},
				coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpUpdate, Key: "old:" + rep, To: rep})
			if err := st.Exec(ctx, `INSERT INTO slack_messages (msg_key, channel, ts, posted_at) VALUES (?, ?, '1.0', 0)`, "old:"+rep, "D"+rep); err != nil {
				b.Fatal(err)
			}
		}
		if err := st.Update(ctx, func(tx coaching.Tx) error { return tx.Enqueue(ctx, msgs...) }); err != nil {
			b.Fatal(err)
		}
		q := &countingQueue{Store: st}
		slack := &instantSlack{}
		w := outbox.NewWorker(q, slack, outbox.Options{})
		rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		b.StartTimer()
		if err := w.Run(rctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cancel()
		sent := slack.sent.Load()
		b.ReportMetric(float64(sent), "sent")
		b.ReportMetric(float64(q.writes.Load()), "writes")
		b.ReportMetric(float64(q.writes.Load())/float64(max(sent, 1)), "writes/sent")
		b.ReportMetric(float64(q.postpones.Load()), "postpones")
		st.Close()
	}
}
