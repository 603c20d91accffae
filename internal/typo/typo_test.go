package typo

import "testing"

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"history", "history", 0},
		{"histroy", "history", 1},
		{"stat", "stats", 1},
		{"exprt", "export", 1},
		{"hsitroy", "history", 2},
		{"ca", "abc", 3}, // each character edited once: no swap then insert
		{"", "team", 4},
		{"émail", "email", 1}, // a character, not its two bytes
	} {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
