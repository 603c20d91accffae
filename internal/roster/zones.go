package roster

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // time zone names must check the same on every host
)

// zonesByLower maps each zone name, lower-cased, to the name itself, for
// a name written in another case: time.LoadLocation is case-sensitive,
// but for a host whose file system is not (macOS), where europe/london
// loads and would be stored as written.
var zonesByLower = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, len(zoneNames))
	for _, n := range zoneNames {
		m[strings.ToLower(n)] = n
	}
	return m
})

// offsetRE is an offset written for a zone: GMT+1, UTC-05:00, UTC+5:30.
var offsetRE = regexp.MustCompile(`(?i)^(GMT|UTC)\s*[+-−]\s*[0-9]{1,2}(:?[0-9]{2})?$`)

// ParseTimezone accepts the name of a place's zone in Go's tz database,
// as written there, or UTC. It refuses, saying what to write instead,
// the names that tzdata has but that do not say what an admin means:
// legacy names without a slash, such as EST (UTC-5 all year: a New York
// team on it would be nudged an hour off half the year), CET or
// PST8PDT, and Etc/GMT+1, which is UTC-1. "Local" is not a name there:
// it would mean the server's zone, not the person's. The roster's
// timezone column and COACHLOG_TIMEZONE are read by it alike.
func ParseTimezone(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	// Written as tzdata writes it, the name is found without the
	// lower-case map, which is built (and kept) only for one that is not:
	// COACHLOG_TIMEZONE is read at every start.
	name, ok := s, false
	if _, ok = slices.BinarySearch(zoneNames, s); !ok {
		name, ok = zonesByLower()[strings.ToLower(s)]
	}
	if !ok {
		if offsetRE.MatchString(s) {
			return "", fmt.Errorf("%q is an offset, not a zone: an offset keeps no daylight saving; write a city's zone such as Europe/Berlin or America/New_York", s)
		}
		if meant := spelledAsWords(s); meant != "" {
			return "", fmt.Errorf("%q is not an IANA time zone name: write %s (the names join a city's words with _ and start with its area)", s, meant)
		}
		return "", fmt.Errorf("%q is not an IANA time zone name (like Europe/Berlin or America/New_York)", s)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return "", fmt.Errorf("%q is not an IANA time zone name (like Europe/Berlin or America/New_York)", s)
	}
	if problem := zoneProblem(name, loc); problem != "" {
		return "", fmt.Errorf("%q %s", name, problem)
	}
	if name != s {
		return "", fmt.Errorf("%q is not an IANA time zone name: write %s (the names are case-sensitive)", s, name)
	}
	return name, nil
}

// spelledAsWords is the zone s names as a person writes it, with spaces
// ("America/Sao Paulo", "America / New York") or without its area ("New
// York", "london"), as tzdata spells it; "" when s names none, or names
// a city in more than one area. A city tzdata names twice in one area,
// its old name kept as a link (America/Buenos_Aires beside
// America/Argentina/Buenos_Aires), is given by its longer, current name.
func spelledAsWords(s string) string {
	key := strings.ToLower(strings.Join(strings.Fields(strings.ReplaceAll(s, "/", " / ")), "_"))
	key = strings.ReplaceAll(key, "_/_", "/")
	if name, ok := zonesByLower()[key]; ok {
		return name
	}
	if strings.Contains(key, "/") {
		return ""
	}
	meant := ""
	for _, n := range zoneNames {
		area, city, ok := strings.Cut(n, "/")
		if !ok || strings.ToLower(city[strings.LastIndex(city, "/")+1:]) != key {
			continue
		}
		switch was, _, _ := strings.Cut(meant, "/"); {
		case meant == "" || (was == area && len(n) > len(meant)):
			meant = n
		case was != area:
			return ""
		}
	}
	return meant
}

// zoneProblem says what is wrong with a zone of tzdata's as the zone of
// a person, or "" for a place's zone or UTC by any of its names.
func zoneProblem(name string, loc *time.Location) string {
	winterAbbr, winter := time.Date(2026, time.January, 15, 12, 0, 0, 0, time.UTC).In(loc).Zone()
	_, summer := time.Date(2026, time.July, 15, 12, 0, 0, 0, time.UTC).In(loc).Zone()
	isUTC := winter == 0 && summer == 0 && (winterAbbr == "UTC" || winterAbbr == "GMT")
	area, _, hasArea := strings.Cut(name, "/")
	switch {
	case isUTC:
		return ""
	case area == "Etc":
		// POSIX's sign: Etc/GMT+1 is an hour behind UTC.
		return fmt.Sprintf("is %s, not %s (these names give the sign the other way round), all year, without daylight saving: "+
			"write a city's zone such as Europe/Berlin", utcOffset(winter), utcOffset(-winter))
	case hasArea:
		return ""
	case winter == summer && winterAbbr == name:
		// EST, MST, HST: named for a zone's standard time, which the
		// places that keep it leave half the year.
		return fmt.Sprintf("is %s all year, without daylight saving: write a city's zone such as America/New_York", utcOffset(winter))
	}
	return "is a legacy zone name, kept for old systems: write a city's zone such as America/New_York or Europe/Paris"
}

// utcOffset writes an offset east of UTC in seconds as UTC+1, UTC-5 or
// UTC+5:30.
func utcOffset(seconds int) string {
	sign := "+"
	if seconds < 0 {
		sign, seconds = "-", -seconds
	}
	s := fmt.Sprintf("UTC%s%d", sign, seconds/3600)
	if m := seconds % 3600 / 60; m != 0 {
		s += fmt.Sprintf(":%02d", m)
	}
	return s
}
