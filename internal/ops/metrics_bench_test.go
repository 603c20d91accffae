package ops_test

import (
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/ops"
)

// The Socket Mode handlers count every envelope and time every ack, from
// many goroutines at once: this is the metrics' hot path.
func BenchmarkEnvelopeAndAckedParallel(b *testing.B) {
	m := ops.NewMetrics()
	types := []string{"events_api", "slash_commands", "interactive", "events_api"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			typ := types[i%len(types)]
			m.Envelope(typ)
			m.Acked(typ, time.Duration(i%4096)*time.Microsecond)
			i++
		}
	})
}
