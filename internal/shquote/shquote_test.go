package shquote

import (
	"os/exec"
	"testing"
)

func TestQuoteIsReadBackByAShellAsOneWord(t *testing.T) {
	for _, s := range []string{"roster.csv", "/srv/Roster (1).csv", "it's.csv", "", "a&b;c", "$HOME/x", "postgres://u@h:5432/db?sslmode=disable"} {
		out, err := exec.Command("sh", "-c", `printf '%s|' `+Quote(s)).Output()
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if got := string(out); got != s+"|" {
			t.Errorf("Quote(%q) = %s, read back by sh as %q", s, Quote(s), got)
		}
	}
}
