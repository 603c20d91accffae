package roster

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/csvsafe"
)

// Write writes the people on the roster now (active, listed by an import)
// as a roster file: Parse reads it back, and importing it unchanged
// changes nothing. So an admin edits the roster Coachlog has rather than
// rebuilding it, which a file being the whole roster makes risky. The
// name is written whoever gave it, so that each line says who it is (an
// import reads Slack's name repeated as Slack's); otherwise a cell holds
// only what a file gave or an admin set: an email or a zone Slack gave
// is left empty, as importing it would make it the file's (Slack's later
// changes would no longer reach it), and a since that defaulted to an
// import's day too, as the import keeps it.
// The order is by name (the id where there is none), then id.
func Write(w io.Writer, people []coaching.Person) error {
	var listed []coaching.Person
	for _, p := range people {
		if p.InRoster && p.Active {
			listed = append(listed, p)
		}
	}
	slices.SortFunc(listed, byName)
	cw := csvsafe.NewWriter(w)
	if err := cw.Write(append(requiredColumns(), optionalColumns()...)); err != nil {
		return fmt.Errorf("write the roster: %w", err)
	}
	for _, p := range listed {
		if err := cw.Write(row(p)); err != nil {
			return fmt.Errorf("write the roster: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write the roster: %w", err)
	}
	return nil
}

// row is p's line, in the columns of requiredColumns then
// optionalColumns.
func row(p coaching.Person) []string {
	var email, cadence, since string
	if p.EmailByRoster {
		email = p.Email
	}
	if p.CadenceDays > 0 {
		cadence = strconv.Itoa(p.CadenceDays)
	}
	if !p.Since.IsZero() && p.SinceAt.IsZero() {
		since = p.Since.String()
	}
	return []string{p.ID, email, p.Name, strings.Join(p.Roles, "+"), p.ManagerID, string(p.Tier), p.TZ, cadence, since}
}
