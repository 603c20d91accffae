package slackbot

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// storeClaims claims envelopes in the database, as serve wires it.
type storeClaims struct{ st *sqlite.Store }

func (c storeClaims) Claim(ctx context.Context, key string, stale time.Duration) (bool, error) {
	return c.st.ClaimEnvelope(ctx, key, time.Now(), stale)
}

// BenchmarkSlashCommandToViewsOpen paces /coach at 200 per second and
// reports how long after the envelope arrives the views.open request
// reaches Slack (a fake Slack on 127.0.0.1): with envelopes deduplicated
// in memory only (one replica), and claimed in the database first, as
// replicas do. views.open's tier is lifted (fakeslack.Untiered): past
// it, the bot retrying after Retry-After is cmd/bot's viewretry_test.go's
// subject.
func BenchmarkSlashCommandToViewsOpen(b *testing.B) {
	b.Run("memory", func(b *testing.B) { benchSlashToViewsOpen(b, false) })
	b.Run("db-claims", func(b *testing.B) { benchSlashToViewsOpen(b, true) })
}

func benchSlashToViewsOpen(b *testing.B, claims bool) {
	fake := fakeslack.New(fakeslack.Untiered("views.open"))
	if err := fake.Start(); err != nil {
		b.Fatal(err)
	}
	defer fake.Close()
	st, err := sqlite.Open(context.Background(), seededDB(b, yearOrg), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := coaching.NewService(coaching.Config{Store: st})
	cfg := Config{AppToken: fake.AppToken(), BotToken: fake.BotToken(), APIURL: fake.APIURL(), Service: svc, Outbox: nopNotifier{}}
	if claims {
		cfg.Claims = storeClaims{st}
	}
	bot := New(cfg)
	bot.ackFn = func(string, any) error { return nil }
	type sent struct {
		trigger string
		at      time.Time
	}
	starts := make([]sent, b.N)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		<-tick.C
		m := i % yearOrg.Managers
		trig := fake.IssueTrigger(sqlite.SeedManagerID(m))
		payload, _ := json.Marshal(map[string]any{"command": "/coach", "text": "", "user_id": sqlite.SeedManagerID(m),
			"channel_id": "C1", "team_id": "T1", "trigger_id": trig, "response_url": fake.URL() + "/response/x"})
		starts[i] = sent{trig, time.Now()}
		bot.handle(context.Background(), envelope{Type: "slash_commands", EnvelopeID: fmt.Sprint("s", i), Payload: payload})
	}
	bot.inflight.Wait()
	b.StopTimer()
	opened := map[string]time.Time{}
	for _, c := range fake.CallsTo("views.open") {
		if c.Error != "" {
			b.Fatalf("views.open for trigger %s answered %s", c.Param("trigger_id"), c.Error)
		}
		opened[c.Param("trigger_id")] = c.Time
	}
	var lat []time.Duration
	for _, s := range starts {
		at, ok := opened[s.trigger]
		if !ok {
			b.Fatalf("no views.open for trigger %s", s.trigger)
		}
		lat = append(lat, at.Sub(s.at))
	}
	b.ReportMetric(float64(percentile(lat, 0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99-ms")
}
