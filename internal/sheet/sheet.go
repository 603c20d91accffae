// Package sheet reads the CSV files people keep in a spreadsheet (the
// roster, attainment) and reports what is wrong with them the way a
// person fixes it: by line and column, every problem at once.
package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/coachlog/coachlog/internal/coaching"
)

// MaxShown caps how many problems an error message lists: past that, a
// file has a systematic mistake and the first ones show what it is.
const MaxShown = 20

// LineError is one problem in a file, tied to the line and column a
// person fixes in their spreadsheet. Field is empty for a whole-line
// problem.
type LineError struct {
	Line    int
	Field   string
	Message string
}

func (e LineError) Error() string {
	msg := escapeControls(e.Message)
	if e.Field == "" {
		return fmt.Sprintf("line %d: %s", e.Line, msg)
	}
	field := e.Field
	if strings.ContainsFunc(field, unicode.IsControl) {
		// A header cell holding a line break or a CR, quoted as Go does so
		// that the terminal shows it rather than acting on it.
		field = strconv.Quote(field)
	}
	return fmt.Sprintf("line %d, field %s: %s", e.Line, field, msg)
}

// escapeControls writes each control character of s as its escape (\r,
// \x1b): a raw CR printed to a terminal sends the cursor back over the
// message, and an escape sequence could do worse. Messages quote the
// cells they show with %q; this is the net for one that does not.
func escapeControls(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Errors is every problem found in a file, in line order, reported at
// once so that an admin fixes the file in one go; a caller can range over
// them (errors.As) to show them another way.
type Errors []LineError

func (errs Errors) Error() string {
	if len(errs) == 1 {
		return errs[0].Error()
	}
	var b strings.Builder
	// Counted as the import's summary counts the people it imported.
	fmt.Fprintf(&b, "%s problems in the file:", coaching.Count(len(errs)))
	for _, e := range errs[:min(len(errs), MaxShown)] {
		b.WriteString("\n")
		b.WriteString(e.Error())
	}
	if len(errs) > MaxShown {
		fmt.Fprintf(&b, "\nand %s more", coaching.Count(len(errs)-MaxShown))
	}
	return b.String()
}

// Add records a problem on line, in field ("" for the whole line).
func (errs *Errors) Add(line int, field, format string, args ...any) {
	*errs = append(*errs, LineError{Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

// OrNil sorts errs by line, keeping the column order within a line, and
// returns nil when there are none, so callers never hold a non-nil empty
// error.
func (errs Errors) OrNil() error {
	if len(errs) == 0 {
		return nil
	}
	slices.SortStableFunc(errs, func(a, b LineError) int { return a.Line - b.Line })
	return errs
}

// bom is the byte order mark Excel puts before "CSV UTF-8" files.
const bom = "\uFEFF"

// skipBOM takes off the byte order marks at the start of a file, which
// would otherwise stick to the first column's name: every one, as a file
// saved again by a tool that adds its own mark has two.
func skipBOM(br *bufio.Reader) {
	for {
		if b, err := br.Peek(len(bom)); err != nil || string(b) != bom {
			return
		}
		_, _ = br.Discard(len(bom))
	}
}

// skipSepHint takes off Excel's separator hint, a first line "sep=,"
// that exports made for Excel carry: Excel reads it as the separator to
// use, not as a row, and shows the header as row 1. Read as the header,
// it was an unknown column "sep=" with every column missing. A hint for
// another separator is left, for foreignFormat to say what it is.
func skipSepHint(br *bufio.Reader) {
	const hint = "sep=,"
	b, _ := br.Peek(len(hint) + 2)
	if len(b) < len(hint) || !strings.EqualFold(string(b[:len(hint)]), hint) {
		return
	}
	n, rest := len(hint), b[len(hint):]
	switch {
	case bytes.HasPrefix(rest, []byte("\r\n")):
		n += 2
	case len(rest) > 0 && (rest[0] == '\n' || rest[0] == '\r'):
		n++
	case len(rest) > 0:
		return // "sep=,x" is no hint
	}
	_, _ = br.Discard(n)
}

// parseProblem reports a record that is not CSV (a bare quote, or a
// quoted cell not closed right: the only ParseErrors a reader with
// FieldsPerRecord -1 gives) on the line the record starts on, in the field
// that broke. rec is the partial record Read returns with the error, the
// fields before the broken one, so its length is that field's position,
// counted as the reader split the record. pe.Column could not say as much:
// it is a byte offset into pe.Line, which a quoted comma or line break
// before it would make a wrong count of fields. names are the columns by
// position (nil for the header); a field past them is told by its number.
// folded is the line breaks read inside quoted cells before the record,
// taken off its lines so that they count as a spreadsheet's rows do.
func parseProblem(pe *csv.ParseError, rec, names []string, folded int) LineError {
	msg := pe.Err.Error()
	start := pe.StartLine - folded
	if pe.Line > pe.StartLine {
		// A quote left open takes the lines after it into its cell, up to
		// the end of the file when it is never closed: say where, since
		// those lines are not checked and their rows not counted.
		msg += fmt.Sprintf("; the quoted cell runs on to line %d", pe.Line-folded)
	}
	i := len(rec)
	if i >= len(names) || names[i] == "" {
		return LineError{Line: start, Message: fmt.Sprintf("unreadable CSV in column %d: %s", i+1, msg)}
	}
	return LineError{Line: start, Field: names[i], Message: "unreadable CSV: " + msg}
}

// IsBlank reports whether a row has nothing in it; spreadsheets export
// trailing rows of bare commas.
func IsBlank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// HasGap reports whether s holds a space, a line break, another control
// character or an invisible one (a zero-width space or a direction mark,
// pasted from a web page with an address): none belongs in an email or an
// id, and the invisible ones would make an address never match Slack's.
func HasGap(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
	})
}

// IsSlackUserID reports whether s is a Slack user id: U, or W on
// Enterprise Grid, then capital letters and digits (U024BE7LH). The roster
// and the attainment file share it, as they share IsEmail.
func IsSlackUserID(s string) bool {
	if len(s) < 2 || (s[0] != 'U' && s[0] != 'W') {
		return false
	}
	for _, c := range s[1:] {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// SlackIDCase is what to write for s, a Slack user id in lower case
// (u01sam, as a spreadsheet or a person typed it): ": Slack ids are in
// capitals, write U01SAM"; "" when s is no such id. An id has a digit,
// and a name does not: Ursula is not told to write URSULA.
func SlackIDCase(s string) string {
	if up := strings.ToUpper(s); up != s && IsSlackUserID(up) && strings.ContainsAny(s, "0123456789") {
		return ": Slack ids are in capitals, write " + up
	}
	return ""
}

// IsEmail reports whether s is a plausible email address: something, one
// @, and a domain with a dot inside it (not first, not last); no gap
// (HasGap), nor any of <>,; that mark an address copied with its name or
// two run together, nor a colon, which no address has outside quotes
// and a link's (mailto:ann@example.com) has. It catches a spreadsheet's slips, not every address
// RFC 5322 refuses: Slack's directory is the judge of the rest. The
// roster and the attainment file share it, so an address one takes the
// other takes too.
func IsEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	dot := strings.LastIndexByte(domain, '.')
	return ok && local != "" && !strings.Contains(domain, "@") && dot > 0 && dot < len(domain)-1 &&
		!HasGap(s) && !strings.ContainsAny(s, "<>,;:")
}

// MailtoProblem says what is wrong with s when it is an address written
// as a link, mailto:ann@example.com, as a mail client or a CRM copies
// one, and is nil for anything else. Stored as it is, the address would
// be nobody's: a file naming ann@example.com would not find it.
func MailtoProblem(s string) error {
	if len(s) < len("mailto:") || !strings.EqualFold(s[:len("mailto:")], "mailto:") || !IsEmail(s[len("mailto:"):]) {
		return nil
	}
	return fmt.Errorf("%q is a link: write the address without mailto: (%s)", s, s[len("mailto:"):])
}

// FirstYear is the earliest year of a date or month a file may give.
// Nothing the files record (the day someone joined their reporting line,
// a month's attainment) is older: an earlier year is a typo (0226 for
// 2026) or an export's "no date" (Go's 0001-01-01, Excel's day 0 shown
// as 1899-12-30), which read as a date would be stored as one.
const FirstYear = 1900

// excelDateRE matches what a spreadsheet shows, and exports, for a month
// or a date typed as 2026-10 or 2026-10-01 into a cell it formats as a
// date: Oct-26, Oct 2026, 26-Oct, 10/2026, 10/1/2026, 1.10.2026.
var excelDateRE = regexp.MustCompile(`^(?i:[a-z]{3,9}[- ]?[0-9]{2,4}|[0-9]{1,2}[- ][a-z]{3,9}([- ][0-9]{2,4})?|[0-9]{1,2}[/.][0-9]{2,4}|[0-9]{1,2}[/.][0-9]{1,2}[/.][0-9]{2,4})$`)

// ExcelReformatted reports whether s looks like a month or date a
// spreadsheet reformatted from what was typed, for a hint on how to keep
// it as typed.
func ExcelReformatted(s string) bool { return excelDateRE.MatchString(strings.TrimSpace(s)) }

// ExcelDate is one reading of a value a spreadsheet reformatted as a date.
type ExcelDate struct {
	Year  int
	Month time.Month
	Day   int // 0 when the value shows no day (Oct-26, 10/2026)
	// Order is "month first" or "day first" for a value such as 3/1/2026,
	// which reads both ways; "" for one that reads one way only.
	Order string
}

var (
	excelMonthYearRE = regexp.MustCompile(`^([a-z]{3,9})[- ]?([0-9]{2,4})$`)
	excelDayMonthRE  = regexp.MustCompile(`^([0-9]{1,2})[- ]([a-z]{3,9})[- ]([0-9]{2,4})$`)
	excelNumMonthRE  = regexp.MustCompile(`^([0-9]{1,2})[/.]([0-9]{4})$`)
	excelNumDateRE   = regexp.MustCompile(`^([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{2,4})$`)
)

// ReadExcelDate reads what can be read for sure of a value
// ExcelReformatted matched, so that a message can say what to type
// instead: Oct-26 is 2026-10, 26-Oct-2026 is 2026-10-26; 3/1/2026 is
// March 1 written month first and 3 January day first, and both readings
// are given (one only when the other is no date, as for 13/1/2026). A
// value that does not say its year (26-Oct), that could be a day rather
// than a year (10/26) or whose month is not an English name gives none.
// A two-digit year is read as Excel reads it typed: 00 to 29 in the 2000s,
// 30 to 99 in the 1900s.
func ReadExcelDate(s string) []ExcelDate {
	s = strings.ToLower(strings.TrimSpace(s))
	if m := excelMonthYearRE.FindStringSubmatch(s); m != nil {
		return readings(ExcelDate{Year: excelYear(m[2]), Month: monthNamed(m[1])})
	}
	if m := excelDayMonthRE.FindStringSubmatch(s); m != nil {
		return readings(ExcelDate{Year: excelYear(m[3]), Month: monthNamed(m[2]), Day: atoi(m[1])})
	}
	if m := excelNumMonthRE.FindStringSubmatch(s); m != nil {
		return readings(ExcelDate{Year: excelYear(m[2]), Month: time.Month(atoi(m[1]))})
	}
	m := excelNumDateRE.FindStringSubmatch(s)
	if m == nil {
		return nil
	}
	a, b, y := atoi(m[1]), atoi(m[2]), excelYear(m[3])
	if a == b {
		return readings(ExcelDate{Year: y, Month: time.Month(a), Day: b})
	}
	out := readings(ExcelDate{Year: y, Month: time.Month(a), Day: b, Order: "month first"},
		ExcelDate{Year: y, Month: time.Month(b), Day: a, Order: "day first"})
	if len(out) == 1 {
		out[0].Order = ""
	}
	return out
}

// readings keeps the candidates that are dates (or months, Day 0).
func readings(cands ...ExcelDate) []ExcelDate {
	var out []ExcelDate
	for _, c := range cands {
		day := max(c.Day, 1)
		if c.Year <= 0 || c.Month < time.January || c.Month > time.December ||
			time.Date(c.Year, c.Month, day, 0, 0, 0, 0, time.UTC).Day() != day {
			continue
		}
		out = append(out, c)
	}
	return out
}

// excelYear reads a year of two or four digits; 0 for any other.
func excelYear(s string) int {
	switch n := atoi(s); len(s) {
	case 4:
		return n
	case 2:
		if n < 30 {
			return 2000 + n
		}
		return 1900 + n
	}
	return 0
}

// monthNamed reads an English month name or its abbreviation of three
// letters or more (Oct, Sept, October); 0 for anything else.
func monthNamed(s string) time.Month {
	for m := time.January; m <= time.December; m++ {
		if strings.HasPrefix(strings.ToLower(m.String()), s) {
			return m
		}
	}
	return 0
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// TypeInstead says what to type in place of s, a value ExcelReformatted
// matched, as show writes a reading of it (show returns "" for one it
// cannot write, such as a month without a day for a date): the one
// reading, both with their order, or, when the value cannot be read for
// sure, format with example, which says it is one. Never a date of its
// own making: an admin may type what it says as it says it.
func TypeInstead(s, format, example string, show func(ExcelDate) string) string {
	var got []string
	var orders []string
	for _, d := range ReadExcelDate(s) {
		if v := show(d); v != "" && !slices.Contains(got, v) {
			got, orders = append(got, v), append(orders, d.Order)
		}
	}
	switch {
	case len(got) == 1:
		return "type " + got[0]
	case len(got) == 2 && orders[0] != "" && orders[1] != "":
		return fmt.Sprintf("type %s if %s was written %s, %s if %s", got[0], s, orders[0], got[1], orders[1])
	}
	return "type it as " + format + ", such as " + example
}
