package slackbot

import "testing"

// A weekly average reads the same in /coach stats and report as in the
// digest (internal/digest's dec): one decimal, halves away from zero. The
// 4 weeks before holding one session is 0.25 a week, which the digest
// prints 0.3; Go's %.1f alone printed 0.2.
func TestPerWeekRoundsAsTheDigest(t *testing.T) {
	for _, tt := range []struct {
		in   float64
		want string
	}{
		{0.25, "0.3"},
		{6.25, "6.3"},
		{0.75, "0.8"},
		{118.75, "118.8"},
		{2.5, "2.5"},
		{1, "1"},
		{0, "0"},
		{7.5, "7.5"},
	} {
		if got := perWeek(tt.in); got != tt.want {
			t.Errorf("perWeek(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
