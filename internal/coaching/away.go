package coaching

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
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
// an ISO date, "tomorrow" (and "yesterday" or "last friday", days in the
// past that SetAway refuses as such, as it does a past ISO date), a weekday
// name (the next one after today, and a weekday before a date, "fri 20
// nov", or a day number, "fri 20", only when that date is one), a day of
// a month ("dec 24", "24 december": the next one, today or later; "dec
// 24 2026": that year's), a day number as an ordinal ("the 24th": the
// next one, today or later), the end of a month or of next week ("end
// of the month", "eom", "next week": see periodEnd), or a span such as
// "3d", "2 weeks", "a week", after an "until", "till", "next", "for" or
// "to" if they are said ("for 2 weeks" was refused beside "2 weeks", as
// not a date). "back monday" (or "back on monday") is the day someone is back:
// away through the day before (ReadAway says so). "off" (or "back",
// "clear") clears it: the zero date with ok true. A day written with a
// slash reads only when it can be read one way: "12/24" is 24 December,
// "3/4" is refused, as it is 4 March in the US and 3 April almost
// everywhere else.
//
// Every word counts: "fri afternoon" or "2026-12-24 blah" is refused, not
// read as its first word, since a date set from part of a line may be one
// the person did not mean. Only words that change no date are read past
// at the end: "please", "thanks", an emoji (courtesyWords).
//
// Words are read as they look (CommandText): a direction mark or a
// zero-width joiner pasted into "2w" does not hide it. A line ending as a
// sentence does ("fri.", "off!") is read without its end
// (TrimSentenceEnd) when it reads no other way: a phone puts a full stop
// there for a double space, and "\"fri.\" is not a date" said to
// someone who typed a weekday is wrong.
func ParseUntil(s string, today Date) (Date, error) {
	d, _, err := ReadAway(s, today)
	return d, err
}

// ReadAway is ParseUntil, and reports whether the line named the day
// someone is back ("back monday") rather than their last day away: the
// date is then the day before it, and a confirmation that shows the date
// can say why it is not the day typed.
func ReadAway(s string, today Date) (until Date, back bool, err error) {
	until, back, err = readAway(s, today)
	if err == nil {
		return until, back, nil
	}
	if t := TrimSentenceEnd(strings.TrimSpace(CommandText(s))); t != "" && t != strings.TrimSpace(CommandText(s)) {
		return readAway(t, today)
	}
	return until, back, err
}

func readAway(s string, today Date) (Date, bool, error) {
	f := withoutCourtesy(strings.Fields(strings.ToLower(CommandText(s))))
	for len(f) > 1 && untilWords[f[0]] && !(f[0] == "next" && f[1] == "week") { // "next week" is a week, not "week"
		f = f[1:]
	}
	if len(f) == 0 {
		return Date{}, false, fmt.Errorf("say until when: a date like %s, a weekday, \"2w\", or \"off\"", today.AddDays(7))
	}
	if ch, ok := channelNamed(s); ok {
		return Date{}, false, &ChannelNotPerson{Channel: ch}
	}
	if err := partOfDay(f, s, today); err != nil {
		return Date{}, false, err
	}
	if f[0] == "back" && len(f) > 1 {
		d, err := backOn(f[1:], s, today)
		return d, true, err
	}
	d, err := parseUntil(f, s, today)
	return d, false, err
}

// parseUntil reads the words f of s (lower case, the words before the
// date left out) as the last day away.
func parseUntil(f []string, s string, today Date) (Date, error) {
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
	if len(f) == 2 && f[0] == "last" {
		// "last friday", read as yesterday is: the day, refused as past.
		if wd, ok := weekdayNamed(f[1]); ok {
			return today.AddDays(-((int(today.Weekday())-int(wd)+6)%7 + 1)), nil
		}
	}
	if d, ok, err := periodEnd(f, s, today); ok {
		return d, err
	}
	if wd, ok := weekdayNamed(f[0]); ok {
		if len(f) == 1 {
			return today.AddDays((int(wd)-int(today.Weekday())+6)%7 + 1), nil
		}
		if d, ok, err := weekdayNumbered(f[1:], wd, s, today); ok {
			return d, err
		}
		// "fri 20 nov": the date, when the weekday said is its own; a
		// weekday that is not is a slip in one of the two, and which
		// cannot be told.
		d, ok, err := calendarDay(f[1:], s, today)
		switch {
		case !ok:
			return Date{}, NotADate(s, today)
		case err != nil:
			return Date{}, err
		case d.Weekday() != wd:
			return Date{}, fmt.Errorf("%s: the date is %s, not a %s; say which day you mean", QuoteTyped(s), d.Human(), wd)
		}
		return d, nil
	}
	if n, unit, ok := span(f); ok {
		return today.AddDays(n * unit), nil
	}
	if n, ok := dayNumber(f, false); ok {
		return nextNumbered(n, today), nil
	}
	if d, ok, err := calendarDay(f, s, today); ok {
		return d, err
	}
	return Date{}, NotADate(s, today)
}

// calendarDay reads f as a day of the calendar: an ISO date, a day of a
// month by its name, with its year or without, or a slashed day. ok is
// false when f is none of them; err refuses one that reads as a date but
// is none ("feb 30") or reads two ways ("3/4").
func calendarDay(f []string, s string, today Date) (d Date, ok bool, err error) {
	if len(f) == 1 {
		if d, err := ParseDate(f[0]); err == nil {
			return d, true, nil
		}
	}
	if len(f) > 2 && f[0] == "the" {
		if _, ok := DayOfMonth(f[1]); ok {
			f = f[1:] // "the 24th of december"
		}
	}
	if d, ok, err := withYear(f, s); ok {
		return d, true, err
	}
	if m, day, ok := monthDay(f); ok {
		d, err := nextMonthDay(m, day, today)
		return d, true, quoted(s, err)
	}
	if len(f) == 1 && strings.Count(f[0], "/") == 1 {
		if m, day, ok := slashDay(f[0]); ok {
			d, err := nextMonthDay(m, day, today)
			return d, true, quoted(s, err)
		}
		if us, rest, ok := slashBoth(f[0], today); ok {
			return Date{}, true, fmt.Errorf("%s is %s in the US and %s in most other places: say which, as %s or %s",
				QuoteTyped(s), us.Human(), rest.Human(), us, rest)
		}
	}
	if len(f) == 1 && strings.Count(f[0], "/") == 2 {
		if d, ok, err := slashYear(f[0], s); ok {
			return d, true, err
		}
	}
	return Date{}, false, nil
}

// backOn reads "back monday" (f is what follows "back"): the day someone
// is back, so away through the day before it, today when they are back
// tomorrow. A day back of today or before leaves no day to be away, and is
// refused naming it: "in the past" said of the day before would name a
// day nobody typed.
func backOn(f []string, s string, today Date) (Date, error) {
	if len(f) > 1 && (f[0] == "on" || f[0] == "next") {
		f = f[1:]
	}
	day, err := parseUntil(f, s, today)
	switch {
	case err != nil:
		return Date{}, err
	case day.IsZero(): // "back off", "back clear"
		return Date{}, NotADate(s, today)
	case !day.After(today):
		return Date{}, fmt.Errorf("%s is %s: away runs through the day before it, already past; \"off\" clears an away", QuoteTyped(s), day.Human())
	}
	return day.AddDays(-1), nil
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

// quoted puts the line s before err, as every other refusal of a date
// quotes what was typed: "February has no day 30" alone left the
// manager to find which words it meant.
func quoted(s string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", QuoteTyped(s), err)
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

// weekdayNamed reads a weekday's name, full or short, a comma after it
// as people write one before a date ("friday, dec 24").
func weekdayNamed(w string) (time.Weekday, bool) {
	w = strings.TrimSuffix(w, ",")
	for i, names := range weekdayNames() {
		if slices.Contains(names, w) {
			return time.Weekday(i), true
		}
	}
	return 0, false
}

// courtesyWords end a line without changing its date: "fri please",
// "2w thanks". They are the only words read past; any other is refused
// with the line, as a word read past may be one that changes the day.
var courtesyWords = map[string]bool{"please": true, "pls": true, "plz": true, "thanks": true, "thx": true, "ty": true, "cheers": true}

// emojiRE is one emoji code or several, as Slack's message box sends
// them (":palm_tree:", ":wave::skin-tone-2:"): a picture, not a day.
var emojiRE = regexp.MustCompile(`^(:[a-z0-9_+'-]+:)+$`)

// withoutCourtesy is f without the courtesy words and emoji that end it
// ("fri, thanks :palm_tree:" is "fri"), and without the comma or full
// stop they leave behind; f alone is never left empty.
func withoutCourtesy(f []string) []string {
	n := len(f)
	for len(f) > 1 {
		last := strings.TrimRight(TrimSentenceEnd(f[len(f)-1]), ",;")
		switch {
		case courtesyWords[last] || emojiRE.MatchString(last):
			f = f[:len(f)-1]
		case last == "you" && len(f) > 2 && f[len(f)-2] == "thank":
			f = f[:len(f)-2]
		default:
			if len(f) < n {
				f = append(slices.Clone(f[:len(f)-1]), strings.TrimRight(TrimSentenceEnd(f[len(f)-1]), ",;"))
			}
			return f
		}
	}
	if len(f) < n {
		f = []string{strings.TrimRight(TrimSentenceEnd(f[0]), ",;")}
	}
	return f
}

// dayParts are words for a part of a day or an hour: away lasts whole
// days, so "fri afternoon" read as "fri" would be away all Friday, and as
// Friday's afternoon alone is nothing Coachlog can do.
var dayParts = map[string]bool{
	"morning": true, "afternoon": true, "evening": true, "night": true, "tonight": true, "noon": true, "midday": true,
	"lunch": true, "lunchtime": true, "eod": true, "cob": true, "am": true, "pm": true, "a.m": true, "p.m": true, // "a.m." is read once its last full stop, a sentence's end, is gone
}

// clockRE is an hour as people type one: "5pm", "9:30am", "17:00".
var clockRE = regexp.MustCompile(`^\d{1,2}(:\d{2})?(am|pm|a\.m\.?|p\.m\.?)$|^\d{1,2}:\d{2}$`)

// partOfDay refuses a line that names part of a day or an hour ("fri
// afternoon", "eod friday", "dec 24 5pm", "end of day"), saying that
// away is by whole days and, when the rest of the line is a day, what it
// would set.
func partOfDay(f []string, s string, today Date) error {
	line := " " + strings.Join(f, " ") + " "
	line = strings.NewReplacer(" end of the day ", " eod ", " end of day ", " eod ").Replace(line)
	var rest []string
	found := false
	for _, w := range strings.Fields(line) {
		w := strings.TrimRight(TrimSentenceEnd(w), ",;")
		switch {
		case dayParts[w] || clockRE.MatchString(w):
			found = true
		case w == "at" || w == "in" || w == "the":
		default:
			rest = append(rest, w)
		}
	}
	if !found {
		return nil
	}
	if len(rest) > 0 {
		if d, _, err := readAway(strings.Join(rest, " "), today); err == nil && !d.IsZero() && !d.Before(today) {
			return fmt.Errorf("%s: away is by whole days, from today through the day you name: %s is through %s",
				QuoteTyped(s), QuoteTyped(strings.Join(rest, " ")), d.Human())
		}
	}
	return fmt.Errorf("%s: away is by whole days, from today through the day you name: try %s, a weekday, \"2w\", or \"off\"",
		QuoteTyped(s), today.AddDays(7))
}
