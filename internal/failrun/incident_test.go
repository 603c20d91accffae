package failrun_test

import (
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/failrun"
)

// An incident is logged at its first failure, its repeats only counted,
// and its end says how many and over how long. A failure long after the
// last, with nothing said to work in between, is a new incident.
func TestAnIncidentIsLoggedAtItsFirstFailureAndItsEnd(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var in failrun.Incident
	if _, _, ended := in.OK(t0); ended {
		t.Fatal("OK ended an incident before any failure")
	}
	for s := range 22 {
		if first := in.Fail(t0.Add(time.Duration(s) * time.Second)); first != (s == 0) {
			t.Fatalf("failure %d: first = %v", s+1, first)
		}
	}
	n, lasted, ended := in.OK(t0.Add(20 * time.Second))
	if !ended || n != 22 || lasted != 20*time.Second {
		t.Fatalf("OK = %d, %v, %v; want 22 failures over 20s", n, lasted, ended)
	}
	if got, want := failrun.Recovered("claiming envelopes", n, lasted), "claiming envelopes: recovered after 22 failures over 20s"; got != want {
		t.Errorf("Recovered = %q, want %q", got, want)
	}
	if _, _, ended := in.OK(t0.Add(21 * time.Second)); ended {
		t.Error("a second OK ended the incident again")
	}
	if !in.Fail(t0.Add(time.Minute)) {
		t.Error("a failure after the recovery is not a new incident")
	}
	if !in.Fail(t0.Add(time.Minute + failrun.Quiet)) {
		t.Error("a failure Quiet after the last is not a new incident")
	}
	if n, _, _ := in.OK(t0.Add(time.Hour)); n != 1 {
		t.Errorf("the new incident had %d failures, want 1", n)
	}
}
