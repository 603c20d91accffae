package coaching

import (
	"fmt"
	"testing"
	"time"
)

func TestLocationOfPrefersRosterThenSlackThenOrg(t *testing.T) {
	org, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2026, 11, 25, 23, 30, 0, 0, time.UTC) // already the 26th in Paris and Tokyo
	s := NewService(Config{DefaultTZ: org, Now: func() time.Time { return now }})
	for _, tt := range []struct {
		p     Person
		zone  string
		today string
	}{
		{Person{TZ: "America/New_York", SlackTZ: "Asia/Tokyo"}, "America/New_York", "2026-11-25"},
		{Person{SlackTZ: "Asia/Tokyo"}, "Asia/Tokyo", "2026-11-26"},
		{Person{TZ: "Not/AZone", SlackTZ: "Asia/Tokyo"}, "Asia/Tokyo", "2026-11-26"},
		{Person{TZ: "Not/AZone"}, "Europe/Paris", "2026-11-26"},
		{Person{}, "Europe/Paris", "2026-11-26"},
		{Person{TZ: "America/New_York"}, "America/New_York", "2026-11-25"}, // from the cache
	} {
		if got := s.locationOf(tt.p).String(); got != tt.zone {
			t.Errorf("locationOf(%+v) = %s, want %s", tt.p, got, tt.zone)
		}
		if got := s.TodayOf(tt.p).String(); got != tt.today {
			t.Errorf("TodayOf(%+v) = %s, want %s", tt.p, got, tt.today)
		}
		if got, want := s.locationOf(tt.p), tt.p.Location(org); got.String() != want.String() {
			t.Errorf("locationOf and Person.Location disagree for %+v: %s, %s", tt.p, got, want)
		}
	}
}

func TestZoneCacheIsBounded(t *testing.T) {
	var z zones
	for i := range maxZones + 50 {
		if z.load(fmt.Sprintf("Not/Zone%d", i)) != nil {
			t.Fatal("a made-up name loaded as a zone")
		}
	}
	if len(z.m) != maxZones {
		t.Fatalf("cache holds %d names, want at most %d", len(z.m), maxZones)
	}
	if z.load("Asia/Tokyo") == nil {
		t.Fatal("a real zone did not load with the cache full")
	}
}
