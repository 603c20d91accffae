package coaching

import (
	"fmt"
	"strconv"
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

// SnoozeEnd is the last day a snooze of days from today covers, and the
// day nudges resume. Nudges come on weekdays only, so an end on a weekend
// moves to the Monday after it: "Snooze 1 day" on a Friday would
// otherwise snooze Saturday, which has no nudge, and skip nothing.
func SnoozeEnd(today Date, days int) (until, resume Date) {
	until = today.AddDays(days)
	for weekend(until) {
		until = until.AddDays(1)
	}
	resume = until.AddDays(1)
	for weekend(resume) {
		resume = resume.AddDays(1)
	}
	return until, resume
}

func weekend(d Date) bool { return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday }

// Absent reports whether p is out of reach on day at now: away, or
// deactivated in Slack (gone, though the roster may not say so yet).
// Nobody could coach or nudge them: the nudge rule and the figures leave
// them out.
func (p Person) Absent(day Date, now time.Time) bool { return p.Deleted || p.Away(day, now) }

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
	// "Out-of-office", "out of the office": people write the same words
	// many ways; hyphens and a "the" are read as the plain phrase.
	text := strings.NewReplacer("-", " ", "_", " ").Replace(strings.ToLower(s.Text))
	text = strings.ReplaceAll(text, "out of the office", "out of office") // a second pass: the hyphens are spaces now
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

// ParseUntil reads the end of an away period or snooze, as people type it:
// an ISO date, "tomorrow", a weekday name (the next one after today), or a
// span such as "3d", "2 weeks". "off" (or "back", "clear") clears it: the
// zero date with ok true.
func ParseUntil(s string, today Date) (Date, error) {
	f := strings.Fields(strings.ToLower(strings.TrimSpace(s)))
	if len(f) == 0 {
		return Date{}, fmt.Errorf("say until when: a date like %s, a weekday, \"2w\", or \"off\"", today.AddDays(7))
	}
	switch word := strings.Join(f, " "); word {
	case "off", "back", "clear", "none":
		return Date{}, nil
	case "today":
		return today, nil
	case "tomorrow":
		return today.AddDays(1), nil
	}
	if d, err := ParseDate(f[0]); err == nil {
		return d, nil
	}
	for i, names := range weekdayNames() {
		for _, n := range names {
			if f[0] == n {
				ahead := (i - int(today.Weekday()) + 7) % 7
				if ahead == 0 {
					ahead = 7
				}
				return today.AddDays(ahead), nil
			}
		}
	}
	if n, unit, ok := span(f); ok {
		return today.AddDays(n * unit), nil
	}
	return Date{}, fmt.Errorf("%q is not a date: try %s, a weekday, \"2w\", or \"off\"", excerpt(s, 40), today.AddDays(7))
}

// excerpt is at most n characters of what someone typed, marked "…"
// where cut, for quoting it back: a pasted paragraph quoted whole would
// bury the help after it, and overflow the message it is shown in. It is
// textcut.Cut, copied: the domain imports nothing but the standard
// library, and a test keeps the two alike.
func excerpt(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	return string(r[:n-1]) + "…"
}

func weekdayNames() [7][]string {
	return [7][]string{
		{"sun", "sunday"}, {"mon", "monday"}, {"tue", "tues", "tuesday"}, {"wed", "weds", "wednesday"},
		{"thu", "thur", "thurs", "thursday"}, {"fri", "friday"}, {"sat", "saturday"},
	}
}

// span reads "3d", "3 days", "2w", "2 weeks" as a count and a unit in days.
func span(f []string) (n, unit int, ok bool) {
	s := strings.Join(f, "")
	num := strings.TrimRightFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	rest := strings.TrimPrefix(s, num)
	v, err := strconv.Atoi(num)
	if err != nil || v < 1 || v > 365 {
		return 0, 0, false
	}
	switch rest {
	case "d", "day", "days":
		return v, 1, true
	case "w", "wk", "wks", "week", "weeks":
		return v, 7, true
	}
	return 0, 0, false
}
