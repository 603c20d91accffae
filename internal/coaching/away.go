package coaching

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// awayEmoji are the Slack status emoji that mean someone is away.
func awayEmoji() []string { return []string{":palm_tree:", ":face_with_thermometer:"} }

// awayWords in a status text mean someone is away.
func awayWords() []string { return []string{"vacation", "holiday", "out of office", "ooo"} }

// Away reports whether p is away on day at now (the nudge passes its
// manager's today, on which /coach away's date was read too): away
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
// an ISO date, "tomorrow" (and "yesterday", a day in the past that
// SetAway refuses as such, as it does a past ISO date), a weekday name (the next one after today), a day
// of a month ("dec 24", "24 december": the next one, today or later), or a
// span such as "3d", "2 weeks", "a week", after an "until", "till",
// "next", "for" or "to" if they are said ("for 2 weeks" was refused
// beside "2 weeks", as not a date). "off" (or "back", "clear") clears it: the zero date with ok
// true. A day written with a slash reads only when it can be read one way:
// "12/24" is 24 December, "3/4" is refused, as it is 4 March in the US and
// 3 April almost everywhere else.
//
// Words are read as they look (CommandText): a direction mark or a
// zero-width joiner pasted into "2w" does not hide it. A line ending as a
// sentence does ("fri.", "off!") is read without its end
// (TrimSentenceEnd) when it reads no other way: a phone puts a full stop
// there for a double space, and "\"fri.\" is not a date" said to
// someone who typed a weekday is wrong.
func ParseUntil(s string, today Date) (Date, error) {
	d, err := parseUntil(s, today)
	if err == nil {
		return d, nil
	}
	if t := TrimSentenceEnd(strings.TrimSpace(CommandText(s))); t != "" && t != strings.TrimSpace(CommandText(s)) {
		return parseUntil(t, today)
	}
	return d, err
}

func parseUntil(s string, today Date) (Date, error) {
	f := strings.Fields(strings.ToLower(CommandText(s)))
	for len(f) > 1 && untilWords[f[0]] {
		f = f[1:]
	}
	if len(f) == 0 {
		return Date{}, fmt.Errorf("say until when: a date like %s, a weekday, \"2w\", or \"off\"", today.AddDays(7))
	}
	if ch, ok := channelNamed(s); ok {
		return Date{}, &ChannelNotPerson{Channel: ch}
	}
	switch word := strings.Join(f, " "); word {
	case "off", "back", "clear", "none":
		return Date{}, nil
	case "today":
		return today, nil
	case "tomorrow":
		return today.AddDays(1), nil
	case "yesterday":
		// Read so that it is refused as in the past (SetAway), as a past
		// 2026-11-01 is: "not a date" told someone who typed a day that
		// the word was wrong, not the day.
		return today.AddDays(-1), nil
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
	if m, d, ok := monthDay(f); ok {
		return nextMonthDay(m, d, today)
	}
	if len(f) == 1 && strings.Count(f[0], "/") == 1 {
		if m, d, ok := slashDay(f[0]); ok {
			return nextMonthDay(m, d, today)
		}
		if us, rest, ok := slashBoth(f[0], today); ok {
			return Date{}, fmt.Errorf("%s is %s in the US and %s in most other places: say which, as %s or %s",
				QuoteTyped(s), us.Human(), rest.Human(), us, rest)
		}
	}
	if len(f) == 1 && strings.Count(f[0], "/") == 2 {
		if d, ok, err := slashYear(f[0], s); ok {
			return d, err
		}
	}
	return Date{}, NotADate(s, today)
}

// NotADate is ParseUntil's refusal of s, read on today.
func NotADate(s string, today Date) error {
	return fmt.Errorf("%s is not a date: try %s, a weekday, \"2w\", or \"off\"", QuoteTyped(s), today.AddDays(7))
}

// slashYear reads "1/4/2027" (or "1/4/27") as slashDay reads "1/4", with
// its year: one reading only is a date, and a day read either way is
// refused naming both (typed is the whole line, to quote back). ok is
// false when w is no such date at all.
func slashYear(w, typed string) (d Date, ok bool, err error) {
	i := strings.LastIndex(w, "/")
	y, errY := strconv.Atoi(w[i+1:])
	switch n := len(w[i+1:]); {
	case errY != nil || n != 2 && n != 4:
		return Date{}, false, nil
	case n == 2:
		y += 2000
	}
	if m, day, ok := slashDay(w[:i]); ok {
		if d, ok := MakeDate(y, m, day); ok {
			return d, true, nil
		}
		return Date{}, false, nil
	}
	x, z, ok := slashNumbers(w[:i])
	us, okA := MakeDate(y, time.Month(x), z)
	rest, okB := MakeDate(y, time.Month(z), x)
	if !ok || !okA || !okB {
		return Date{}, false, nil
	}
	return Date{}, true, fmt.Errorf("%s is %s in the US and %s in most other places: say which, as %s or %s",
		QuoteTyped(typed), us.Human(), rest.Human(), us, rest)
}

// channelNamed reports whether s starts with a channel, as Slack sends
// one picked from its # list ("<#C0SALES|sales>") or as it shows ("#sales"),
// and names it as it shows: someone marking a rep away picked a channel
// where the rep was meant.
func channelNamed(s string) (string, bool) {
	f := strings.Fields(CommandText(s))
	if len(f) == 0 || !strings.HasPrefix(f[0], "#") && !strings.HasPrefix(f[0], "<#") {
		return "", false
	}
	name := f[0]
	if body, ok := strings.CutPrefix(name, "<#"); ok {
		id, label, _ := strings.Cut(strings.TrimSuffix(body, ">"), "|")
		name = "#" + cmp.Or(label, id)
	}
	if len(name) < 2 {
		return "", false
	}
	return name, true
}

// ChannelNotPerson is ParseUntil's refusal of a channel named where a
// person was meant. Its Error begins with Channel, a name someone else
// chose, so that the edge can show that name literally (its formatting
// marks too) and the words after it as they are.
type ChannelNotPerson struct{ Channel string }

func (e *ChannelNotPerson) Error() string {
	return e.Channel + " is a channel, not a person: to mark one of your reps away, pick them from Slack's @ list " +
		"(/coach away @sam fri); a date alone marks you away"
}

// QuoteTyped quotes back what someone typed, without the characters that
// show nothing (Visible), trimmed and cut to 40 characters (excerpt),
// between plain quotes: %q would add Go's escapes (\") to a quote they
// typed, and an invisible character kept would make `"2w" is not a date`
// of a refusal whose cause nobody can see. It is the one way a message
// quotes a typo back, here and at the Slack edge (an option of /coach
// export).
func QuoteTyped(s string) string { return "\"" + excerpt(strings.TrimSpace(Visible(s)), 40) + "\"" }

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

// untilWords are the words people put before the date itself: "until
// friday", "till dec 24", "next monday" (the next Monday after today, as
// "monday" alone is).
var untilWords = map[string]bool{"until": true, "till": true, "til": true, "thru": true, "through": true, "next": true, "for": true, "to": true}

// monthDay reads a day of a month written with the month's name, either
// way round: "dec 24", "24 dec", "december 24th", "24th of december".
func monthDay(f []string) (time.Month, int, bool) {
	if len(f) == 3 && f[1] == "of" {
		f = []string{f[0], f[2]}
	}
	if len(f) != 2 {
		return 0, 0, false
	}
	if m, ok := MonthNamed(f[0]); ok {
		d, ok := DayOfMonth(strings.TrimSuffix(f[1], ","))
		return m, d, ok
	}
	if m, ok := MonthNamed(f[1]); ok {
		d, ok := DayOfMonth(f[0])
		return m, d, ok
	}
	return 0, 0, false
}

// slashDay reads "12/24" or "24/12" where only one reading is a date; "3/4"
// is not read.
func slashDay(w string) (time.Month, int, bool) {
	x, y, ok := slashNumbers(w)
	if !ok {
		return 0, 0, false
	}
	switch {
	case x == y && x <= 12:
		return time.Month(x), y, true
	case x <= 12 && y > 12 && y <= 31:
		return time.Month(x), y, true
	case y <= 12 && x > 12 && x <= 31:
		return time.Month(y), x, true
	}
	return 0, 0, false
}

// slashBoth is both readings of a slashed day that is read either way:
// month first, then day first.
func slashBoth(w string, today Date) (us, rest Date, ok bool) {
	x, y, ok := slashNumbers(w)
	if !ok || x > 12 || y > 12 {
		return Date{}, Date{}, false
	}
	us, errA := nextMonthDay(time.Month(x), y, today)
	rest, errB := nextMonthDay(time.Month(y), x, today)
	return us, rest, errA == nil && errB == nil
}

// slashNumbers reads the two positive numbers either side of w's slash.
func slashNumbers(w string) (x, y int, ok bool) {
	a, b, _ := strings.Cut(w, "/")
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	return x, y, errA == nil && errB == nil && x >= 1 && y >= 1
}

// nextMonthDay is the next day d of month m, today or later: "dec 24" said
// in December after the 24th means next year's, "feb 29" the next leap
// year's.
func nextMonthDay(m time.Month, d int, today Date) (Date, error) {
	if d > daysIn(m, 2000) { // 2000 was a leap year: the most days m ever has
		return Date{}, fmt.Errorf("%s has no day %d", m, d)
	}
	for y := today.Year; y <= today.Year+4; y++ {
		if date, ok := MakeDate(y, m, d); ok && !date.Before(today) {
			return date, nil
		}
	}
	return Date{}, fmt.Errorf("%s %d is not ahead", m, d)
}

func weekdayNames() [7][]string {
	return [7][]string{
		{"sun", "sunday"}, {"mon", "monday"}, {"tue", "tues", "tuesday"}, {"wed", "weds", "wednesday"},
		{"thu", "thur", "thurs", "thursday"}, {"fri", "friday"}, {"sat", "saturday"},
	}
}

// span reads "3d", "3 days", "2w", "2 weeks", "a week" as a count and a
// unit in days.
func span(f []string) (n, unit int, ok bool) {
	if len(f) == 2 && (f[0] == "a" || f[0] == "an" || f[0] == "one") {
		f = []string{"1", f[1]} // "a week", as "1 week"
	}
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
