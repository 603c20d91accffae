package roster

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
)

func people(n int, name func(i int) string) []coaching.Person {
	ps := make([]coaching.Person, n)
	for i := range ps {
		ps[i] = coaching.Person{ID: fmt.Sprintf("U%04d", i), Name: name(i)}
	}
	return ps
}

func TestCheckMissingRefusesOnlyAFileThatDropsManyAndAThirdOfTheRoster(t *testing.T) {
	for _, c := range []struct {
		name              string
		missing, onRoster int
		refused           bool
	}{
		{"a few leavers", 3, 40, false},
		{"one short of many, most of a small roster", 24, 30, false},
		{"many, exactly a third", 25, 75, false},
		{"many, just over a third", 25, 74, true},
		{"a yearly churn of a large company", 600, 20_000, false},
		{"one team's file against the company", 1_990, 2_000, true},
		{"a file cut short at line 1,000", 1_000, 2_000, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CheckMissing(people(c.missing, func(int) string { return "" }), c.onRoster)
			var many *TooManyMissingError
			if got := errors.As(err, &many); got != c.refused {
				t.Fatalf("%d missing of %d: refused %v (%v), want %v", c.missing, c.onRoster, got, err, c.refused)
			}
		})
	}
}

// The refusal names a few of those left out, in name order, so the admin
// sees at a glance which part of the company the file lacks.
func TestTooManyMissingNamesTheFirstFewByNameAndCountsTheRest(t *testing.T) {
	names := []string{"zoe", "Yann", "", "bob", "Ada", "Cleo", "dan", "Eve"}
	ps := people(30, func(i int) string {
		if i < len(names) {
			return names[i]
		}
		return fmt.Sprintf("Zz%02d", i)
	})
	err := CheckMissing(ps, 40)
	if err == nil {
		t.Fatal("30 of 40 left out: not refused")
	}
	msg := err.Error()
	for _, want := range []string{
		"leaves out 30 of the 40 people on the roster (Ada (U0004), bob (U0003), Cleo (U0005), dan (U0006), Eve (U0007) and 25 more)",
		"--confirm-deactivations",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if msg := (&TooManyMissingError{Missing: people(1_200, func(int) string { return "x" }), OnRoster: 20_000}).Error(); !strings.Contains(msg, "1,200 of the 20,000 people") || !strings.Contains(msg, "and 1,195 more") {
		t.Errorf("large counts not grouped: %s", msg)
	}
}
