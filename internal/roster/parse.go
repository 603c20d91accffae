package roster

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sheet"
)

// Column names as the header spells them (case and spaces aside).
const (
	colSlackID  = "slack_id"
	colEmail    = "email"
	colName     = "name"
	colRole     = "role"
	colManager  = "manager"
	colTier     = "tier"
	colTimezone = "timezone"
	colCadence  = "cadence_days"
	colSince    = "since"
)

func requiredColumns() []string {
	return []string{colSlackID, colEmail, colName, colRole, colManager, colTier, colTimezone}
}

func optionalColumns() []string { return []string{colCadence, colSince} }

// Parse reads and checks a whole roster file; today is the import date and
// the default for the since column. It checks everything that needs no Slack
// look-up, managers and reporting cycles included, and returns every problem
// at once as Errors.
func Parse(r io.Reader, today coaching.Date) ([]Entry, error) {
	cr := sheet.NewReader(r)
	cr.FieldsPerRecord = -1 // a short or long row is reported on its line, not as a fatal read error
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, Errors{{Line: 1, Message: "the file is empty; the first line must be the header " + strings.Join(requiredColumns(), ",")}}
	}
	if err != nil {
		return nil, sheet.ReadError(err, "roster file")
	}
	headerLine, _ := cr.FieldPos(0)
	cols, errs := parseHeader(header, headerLine)
	if len(errs) > 0 {
		// With the columns unknown, every row would only repeat the problem.
		return nil, errs.OrNil()
	}
	entries, complete, err := readRows(cr, len(header), cols, today, &errs)
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 && len(errs) == 0 {
		// The file is the whole roster: an empty one would deactivate everybody.
		errs.Add(headerLine, "", "the file has a header but nobody in it")
	}
	checkDuplicates(entries, &errs)
	if complete {
		// A row that could not be read may be someone's manager; checking the
		// tree without it would blame every row below it.
		checkReporting(entries, &errs)
	}
	if err := errs.OrNil(); err != nil {
		return nil, err
	}
	return entries, nil
}

// readRows parses every row after the header. complete is false when some
// row could not be read at all.
func readRows(cr *csv.Reader, width int, cols map[string]int, today coaching.Date, errs *Errors) ([]Entry, bool, error) {
	var entries []Entry
	complete := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return entries, complete, nil
		}
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			errs.Add(pe.StartLine, "", "unreadable CSV: %v", pe.Err)
			complete = false
			continue
		}
		if err != nil {
			return nil, false, fmt.Errorf("read roster file: %w", err)
		}
		line, _ := cr.FieldPos(0)
		switch {
		case sheet.IsBlank(rec):
			continue
		case len(rec) != width:
			errs.Add(line, "", "has %d fields; the header has %d", len(rec), width)
			complete = false
			continue
		}
		entries = append(entries, parseRow(line, rec, cols, today, errs))
	}
}

// parseHeader maps each known column name to its position.
func parseHeader(header []string, line int) (map[string]int, Errors) {
	var errs Errors
	known := append(requiredColumns(), optionalColumns()...)
	cols := make(map[string]int, len(header))
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch _, dup := cols[name]; {
		case name == "":
			errs.Add(line, "", "column %d has no name", i+1)
		case !slices.Contains(known, name):
			errs.Add(line, name, "unknown column; the columns are %s", strings.Join(known, ", "))
		case dup:
			errs.Add(line, name, "column appears twice")
		default:
			cols[name] = i
		}
	}
	for _, name := range requiredColumns() {
		if _, ok := cols[name]; !ok {
			errs.Add(line, name, "required column is missing")
		}
	}
	return cols, errs
}

// parseRow checks one row field by field, adding a problem per bad field so
// that one pass over the file shows them all.
func parseRow(line int, rec []string, cols map[string]int, today coaching.Date, errs *Errors) Entry {
	for name, i := range cols {
		if !utf8.ValidString(rec[i]) {
			errs.Add(line, name, "is not UTF-8 text; save the file as \"CSV UTF-8\"")
		}
	}
	get := func(name string) string {
		if i, ok := cols[name]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	check := func(field string, err error) {
		if err != nil {
			errs.Add(line, field, "%s", err.Error())
		}
	}
	e := Entry{
		Line:       line,
		SlackID:    get(colSlackID),
		Email:      strings.ToLower(get(colEmail)),
		Name:       get(colName),
		ManagerRef: normaliseRef(get(colManager)),
	}
	check(colSlackID, checkSlackID(e.SlackID))
	check(colEmail, checkEmail(e.Email))
	if e.SlackID == "" && e.Email == "" {
		errs.Add(line, colSlackID, "is empty; give a slack_id, or an email to look it up in Slack")
	}
	var err error
	e.Roles, err = parseRoles(get(colRole))
	check(colRole, err)
	e.Tier, err = parseTier(get(colTier))
	check(colTier, err)
	e.TZ, err = parseTimezone(get(colTimezone))
	check(colTimezone, err)
	e.CadenceDays, err = parseCadence(get(colCadence))
	check(colCadence, err)
	if s := get(colSince); s != "" {
		e.Since, err = parseSince(s, today)
		check(colSince, err)
	}
	return e
}

// checkDuplicates reports a slack_id or email seen before on the later line,
// naming the earlier one, since that is the row an admin most likely added by
// mistake.
func checkDuplicates(entries []Entry, errs *Errors) {
	ids, emails := map[string]int{}, map[string]int{}
	for _, e := range entries {
		for _, c := range []struct {
			field, value string
			seen         map[string]int
		}{{colSlackID, e.SlackID, ids}, {colEmail, e.Email, emails}} {
			if c.value == "" {
				continue
			}
			if first, ok := c.seen[c.value]; ok {
				errs.Add(e.Line, c.field, "%s is also on line %d", c.value, first)
				continue
			}
			c.seen[c.value] = e.Line
		}
	}
}
