package coaching

import (
	"sync"
	"time"
)

// maxZones bounds the zone cache. There are about 600 IANA names; names
// that are not zones are remembered too, and the bound keeps a stream of
// odd profile values from growing it.
const maxZones = 1024

// zones remembers time zones by name. time.LoadLocation opens and parses
// the zone file on every call, and the ack path needs a manager's zone for
// every command and submission ("today" is theirs).
type zones struct {
	mu sync.RWMutex
	m  map[string]*time.Location // nil: not a zone
}

func (z *zones) load(name string) *time.Location {
	z.mu.RLock()
	loc, ok := z.m[name]
	z.mu.RUnlock()
	if ok {
		return loc
	}
	loc = loadLocation(name)
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.m == nil {
		z.m = map[string]*time.Location{}
	}
	if len(z.m) < maxZones {
		z.m[name] = loc
	}
	return loc
}

// loadLocation is time.LoadLocation, nil when name is not a zone.
func loadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	return loc
}

// locationOf is p.Location with the zones cached: the roster's zone, else
// Slack's, else the organisation's.
func (s *Service) locationOf(p Person) *time.Location {
	return p.locationBy(s.zones.load, s.defaultTZ)
}

// LocationOf returns p's time zone as their nudge reads it: the roster's,
// else Slack's, else the organisation's.
func (s *Service) LocationOf(p Person) *time.Location { return s.locationOf(p) }

// TodayOf returns today's date in p's time zone, for a caller that has
// just read p.
func (s *Service) TodayOf(p Person) Date {
	return DateOf(s.now(), s.locationOf(p))
}

// ZoneCache gives many people's time zones, each zone loaded once: for a
// caller outside the Service that reads a whole organisation (a metrics
// run), on the same rule as the Service's (locationOf).
type ZoneCache struct{ z zones }

// LocationOf is p's time zone as their nudge reads it: the roster's, else
// Slack's, else def (the organisation's).
func (c *ZoneCache) LocationOf(p Person, def *time.Location) *time.Location {
	return p.locationBy(c.z.load, def)
}
