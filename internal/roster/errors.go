package roster

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// maxShown caps how many problems an error message lists: past that, a
// spreadsheet has a systematic mistake and the first ones show what it is.
const maxShown = 20

// ErrNoDirectory is returned, wrapped, when rows give an email without a
// slack_id and no Slack directory is available to look them up.
var ErrNoDirectory = errors.New("set SLACK_BOT_TOKEN so their Slack ids can be looked up by email")

// LineError is one problem in a roster file, tied to the line and column a
// person fixes in their spreadsheet. Field is empty for a whole-line problem.
type LineError struct {
	Line    int
	Field   string
	Message string
}

func (e LineError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	}
	return fmt.Sprintf("line %d, field %s: %s", e.Line, e.Field, e.Message)
}

// Errors is every problem found in a roster file, in line order. All of them
// are reported at once so an admin can fix the file in one go; the caller
// can range over them (errors.As) to show them another way.
type Errors []LineError

func (errs Errors) Error() string {
	if len(errs) == 1 {
		return errs[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d problems in the roster file:", len(errs))
	for _, e := range errs[:min(len(errs), maxShown)] {
		b.WriteString("\n")
		b.WriteString(e.Error())
	}
	if len(errs) > maxShown {
		fmt.Fprintf(&b, "\nand %d more", len(errs)-maxShown)
	}
	return b.String()
}

func (errs *Errors) add(line int, field, format string, args ...any) {
	*errs = append(*errs, LineError{Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

// orNil sorts errs by line, keeping the column order within a line, and
// returns nil when there are none, so callers never hold a non-nil empty
// error.
func (errs Errors) orNil() error {
	if len(errs) == 0 {
		return nil
	}
	slices.SortStableFunc(errs, func(a, b LineError) int { return a.Line - b.Line })
	return errs
}

// describeLines lists line numbers for a message: "line 3", "lines 3, 5 and 8".
func describeLines(lines []int) string {
	if len(lines) == 1 {
		return fmt.Sprintf("line %d", lines[0])
	}
	shown := lines[:min(len(lines), maxShown)]
	parts := make([]string, len(shown))
	for i, l := range shown {
		parts[i] = fmt.Sprint(l)
	}
	if rest := len(lines) - len(shown); rest > 0 {
		return fmt.Sprintf("lines %s and %d more", strings.Join(parts, ", "), rest)
	}
	return fmt.Sprintf("lines %s and %s", strings.Join(parts[:len(parts)-1], ", "), parts[len(parts)-1])
}
