package slackbot

import "sync"

// seenSet remembers the last n keys, to drop redelivered envelopes. It is
// bounded so that a long-running bot does not grow without end.
type seenSet struct {
	mu   sync.Mutex
	keys map[string]struct{}
	ring []string
	next int
}

func newSeenSet(n int) *seenSet {
	// The map grows as envelopes come: made at full size it would hold
	// about 0.2 MB written from the start (a swiss table sets every
	// group it makes).
	return &seenSet{keys: map[string]struct{}{}, ring: make([]string, n)}
}

// add records key and reports whether it was already there.
func (s *seenSet) add(key string) bool {
	if key == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[key]; ok {
		return true
	}
	if old := s.ring[s.next]; old != "" {
		delete(s.keys, old)
	}
	s.ring[s.next] = key
	s.keys[key] = struct{}{}
	s.next = (s.next + 1) % len(s.ring)
	return false
}
