package coaching_test

import (
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
)

func TestCountGroupsThousands(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{
		{0, "0"},
		{7, "7"},
		{999, "999"},
		{1000, "1,000"},
		{20000, "20,000"},
		{151000, "151,000"},
		{1000000, "1,000,000"},
		{-1200, "-1,200"},
	} {
		if got := coaching.Count(tt.n); got != tt.want {
			t.Errorf("Count(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
