package roster

import (
	"errors"
	"fmt"
	"strings"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sheet"
)

// ErrNoDirectory is returned, wrapped, when rows give an email without a
// slack_id and no Slack directory is available to look them up.
var ErrNoDirectory = errors.New("set SLACK_BOT_TOKEN so their Slack ids can be looked up by email")

// LineError is one problem in a roster file, by line and column.
type LineError = sheet.LineError

// Errors is every problem found in a roster file, in line order.
type Errors = sheet.Errors

// describeLines lists line numbers for a message: "line 3", "lines 3, 5 and 8".
func describeLines(lines []int) string {
	if len(lines) == 1 {
		return fmt.Sprintf("line %d", lines[0])
	}
	shown := lines[:min(len(lines), sheet.MaxShown)]
	parts := make([]string, len(shown))
	for i, l := range shown {
		parts[i] = fmt.Sprint(l)
	}
	if rest := len(lines) - len(shown); rest > 0 {
		return fmt.Sprintf("lines %s and %s more", strings.Join(parts, ", "), coaching.Count(rest))
	}
	return fmt.Sprintf("lines %s and %s", strings.Join(parts[:len(parts)-1], ", "), parts[len(parts)-1])
}
