package schedule

import "testing"

// BenchmarkParseDigestSpec is the start's check of COACHLOG_DIGEST_SCHEDULE,
// run at every configuration load (each CLI command, each bot start): the
// schedules people write (weekly), one the full walk still reads to the
// end (monthly, accepted) and one it refuses at once.
func BenchmarkParseDigestSpec(b *testing.B) {
	for _, spec := range []string{"0 8 * * MON", "@weekly", "0 8 1 * *", "0 8 * * *"} {
		b.Run(spec, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseDigestSpec(spec); err != nil && spec != "0 8 * * *" {
					b.Fatal(err)
				}
			}
		})
	}
}
