package roster

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/csvsafe"
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
	t, err := sheet.Open(r, "roster file", requiredColumns(), optionalColumns())
	if err != nil {
		return nil, err
	}
	var entries []Entry
	var errs Errors
	complete, err := t.Rows(&errs, func(line int, rec []string) {
		entries = append(entries, parseRow(line, rec, t, today, &errs))
	})
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 && len(errs) == 0 {
		// The file is the whole roster: an empty one would deactivate everybody.
		errs.Add(t.HeaderLine, "", "the file has a header but nobody in it")
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

// parseRow checks one row field by field, adding a problem per bad field so
// that one pass over the file shows them all.
func parseRow(line int, rec []string, t *sheet.Table, today coaching.Date, errs *Errors) Entry {
	// A field that is not text is reported there and only there: it reads
	// as empty, so that neither the row's checks nor the file's (duplicates,
	// managers) report it again.
	notText := t.CheckText(line, rec, errs)
	cols := t.Cols
	get := func(name string) string {
		if i, ok := cols[name]; ok && !notText[name] {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	check := func(field string, err error) {
		if err != nil && !notText[field] {
			errs.Add(line, field, "%s", err.Error())
		}
	}
	e := Entry{
		Line:       line,
		SlackID:    get(colSlackID),
		Email:      strings.ToLower(get(colEmail)),
		Name:       csvsafe.Uncell(get(colName)), // as roster export wrote it
		ManagerRef: normaliseRef(get(colManager)),
	}
	check(colSlackID, checkSlackID(e.SlackID))
	check(colEmail, checkEmail(e.Email))
	check(colName, checkName(e.Name))
	if e.SlackID == "" && e.Email == "" && !notText[colSlackID] && !notText[colEmail] {
		errs.Add(line, colSlackID, "is empty; give a slack_id, or an email to look it up in Slack")
	}
	var err error
	e.Roles, err = parseRoles(get(colRole))
	check(colRole, err)
	e.Tier, err = parseTier(get(colTier))
	check(colTier, err)
	e.TZ, err = ParseTimezone(get(colTimezone))
	check(colTimezone, err)
	e.CadenceDays, err = parseCadence(get(colCadence))
	check(colCadence, err)
	if s := get(colSince); s != "" {
		e.Since, err = parseSince(s, today)
		check(colSince, err)
	}
	return e
}

// maxNameLen bounds a name: Slack's own display names stop at 80
// characters and real names at 250.
const maxNameLen = 250

// checkName refuses what a spreadsheet cell can hold and a name cannot: a
// line break or another control character (a paste gone wrong, shown
// across lines in every message naming the person), or a cell's worth of
// text.
func checkName(name string) error {
	if strings.ContainsFunc(name, unicode.IsControl) {
		return errors.New("has a line break or another control character; keep a name on one line")
	}
	if n := utf8.RuneCountInString(name); n > maxNameLen {
		return fmt.Errorf("is %s characters; a name has at most %d", coaching.Count(n), maxNameLen)
	}
	return nil
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
