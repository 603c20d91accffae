// Package sheet reads the CSV files people keep in a spreadsheet (the
// roster, attainment) and reports what is wrong with them the way a
// person fixes it: by line and column, every problem at once.
package sheet

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
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
	fmt.Fprintf(&b, "%d problems in the file:", len(errs))
	for _, e := range errs[:min(len(errs), MaxShown)] {
		b.WriteString("\n")
		b.WriteString(e.Error())
	}
	if len(errs) > MaxShown {
		fmt.Fprintf(&b, "\nand %d more", len(errs)-MaxShown)
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

// IsEmail reports whether s is a plausible email address: something, one
// @, and a domain with a dot inside it (not first, not last); no gap
// (HasGap), nor any of <>,; that mark an address copied with its name or
// two run together. It catches a spreadsheet's slips, not every address
// RFC 5322 refuses: Slack's directory is the judge of the rest. The
// roster and the attainment file share it, so an address one takes the
// other takes too.
func IsEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	dot := strings.LastIndexByte(domain, '.')
	return ok && local != "" && !strings.Contains(domain, "@") && dot > 0 && dot < len(domain)-1 &&
		!HasGap(s) && !strings.ContainsAny(s, "<>,;")
}

// excelDateRE matches what a spreadsheet shows, and exports, for a month
// or a date typed as 2026-10 or 2026-10-01 into a cell it formats as a
// date: Oct-26, Oct 2026, 26-Oct, 10/2026, 10/1/2026, 1.10.2026.
var excelDateRE = regexp.MustCompile(`^(?i:[a-z]{3,9}[- ]?[0-9]{2,4}|[0-9]{1,2}[- ][a-z]{3,9}([- ][0-9]{2,4})?|[0-9]{1,2}[/.][0-9]{2,4}|[0-9]{1,2}[/.][0-9]{1,2}[/.][0-9]{2,4})$`)

// ExcelReformatted reports whether s looks like a month or date a
// spreadsheet reformatted from what was typed, for a hint on how to keep
// it as typed.
func ExcelReformatted(s string) bool { return excelDateRE.MatchString(strings.TrimSpace(s)) }
