package coaching

import (
	"strings"
	"time"
)

// awayEmoji are the Slack status emoji that mean someone is away.
func awayEmoji() []string { return []string{":palm_tree:", ":face_with_thermometer:"} }

// awayWords in a status text mean someone is away.
func awayWords() []string { return []string{"vacation", "holiday", "out of office", "ooo"} }

// Away reports whether p is away on day (their local date) at now: away
// until a date with /coach away, or a Slack status that says so and has not
// expired.
func (p Person) Away(day Date, now time.Time) bool {
	if !p.AwayUntil.IsZero() && !day.After(p.AwayUntil) {
		return true
	}
	return p.Status.away(now)
}

// Snoozed reports whether p snoozed their nudges through day.
func (p Person) Snoozed(day Date) bool {
	return !p.SnoozedUntil.IsZero() && !day.After(p.SnoozedUntil)
}

func (s SlackStatus) away(now time.Time) bool {
	if s.Text == "" && s.Emoji == "" {
		return false
	}
	if !s.Expires.IsZero() && !now.Before(s.Expires) {
		return false
	}
	for _, e := range awayEmoji() {
		if s.Emoji == e {
			return true
		}
	}
	text := strings.ToLower(s.Text)
	for _, w := range awayWords() {
		if w == "ooo" {
			if containsWord(text, w) {
				return true
			}
			continue
		}
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// containsWord finds w as a whole word, so "ooo" matches "OOO till Monday"
// but not "cooool".
func containsWord(text, w string) bool {
	for _, f := range strings.FieldsFunc(text, func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
	}) {
		if f == w {
			return true
		}
	}
	return false
}
