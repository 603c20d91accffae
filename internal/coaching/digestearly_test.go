package coaching_test

import (
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// A digest run is early for a zone when the week it reports has ended on
// the organisation's clock but not on that zone's: what a manager there
// logs before their Sunday ends is dated in a week already claimed.
func TestDigestEarlyIn(t *testing.T) {
	utc := time.UTC
	honolulu, pago, ny, paris := zone(t, "Pacific/Honolulu"), zone(t, "Pacific/Pago_Pago"), zone(t, "America/New_York"), zone(t, "Europe/Paris")
	monday8 := time.Date(2026, 11, 16, 8, 0, 0, 0, utc)
	for _, c := range []struct {
		name  string
		at    time.Time
		loc   *time.Location
		zones []*time.Location
		want  *time.Location
	}{
		{"Monday 08:00 UTC: Sunday 22:00 in Honolulu", monday8, utc, []*time.Location{paris, honolulu, ny}, honolulu},
		{"the westernmost of two still in Sunday", monday8, utc, []*time.Location{honolulu, pago, ny}, pago},
		{"Monday 08:00 UTC is Monday in New York and Paris", monday8, utc, []*time.Location{ny, paris}, nil},
		{"Monday 11:00 UTC is Monday 00:00 in Pago Pago", time.Date(2026, 11, 16, 11, 0, 0, 0, utc), utc, []*time.Location{pago}, nil},
		{"a Friday run reports the week so far", time.Date(2026, 11, 20, 8, 0, 0, 0, utc), utc, []*time.Location{pago}, nil},
		{"on New York's clock, Monday 00:30 is Sunday in Honolulu", time.Date(2026, 11, 16, 0, 30, 0, 0, ny), ny, []*time.Location{honolulu}, honolulu},
		{"no managers", monday8, utc, nil, nil},
	} {
		if got := coaching.DigestEarlyIn(c.at, c.loc, c.zones); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
