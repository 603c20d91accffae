// Package performance reads the monthly attainment file an admin imports
// from the CRM: one row per rep and month, `rep,month,attainment`. Imports
// are all-or-nothing, so the whole file is checked, and every rep resolved
// to someone Coachlog knows, before anything is written; the caller stores
// the records in one transaction. It never touches a database itself.
package performance

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sheet"
)

// Column names as the header spells them (case and spaces aside).
const (
	colRep        = "rep"
	colMonth      = "month"
	colAttainment = "attainment"
)

func columns() []string { return []string{colRep, colMonth, colAttainment} }

// MaxAttainment bounds attainment: past 1000% of quota, a figure is a
// typo (a fraction read as percent is caught the other way round only by
// eye, so the README asks for percent).
const MaxAttainment = 1000

// Entry is one checked row, its rep not resolved yet.
type Entry struct {
	Line       int    // 1-based, the header being line 1, as a spreadsheet shows it
	RepRef     string // a Slack user id, or a lower-cased email
	Month      coaching.Month
	Attainment float64 // percent
	// PercentSign is whether the cell gave a % sign: such a cell is a
	// percent whatever its size, never a fraction of quota.
	PercentSign bool
}

// Parse reads and checks a whole file. thisMonth is the current month in
// the organisation's zone: a later month is a typo. Every problem is
// returned at once, as Errors.
func Parse(r io.Reader, thisMonth coaching.Month) ([]Entry, error) {
	t, err := sheet.Open(r, "performance file", columns(), nil)
	if err != nil {
		return nil, err
	}
	var entries []Entry
	var errs Errors
	if _, err := t.Rows(&errs, func(line int, rec []string) {
		if e, ok := parseRow(line, rec, t, thisMonth, &errs); ok {
			entries = append(entries, e)
		}
	}); err != nil {
		return nil, err
	}
	if len(entries) == 0 && len(errs) == 0 {
		errs.Add(t.HeaderLine, "", "the file has a header but no rows")
	}
	checkDuplicates(entries, &errs)
	if err := errs.OrNil(); err != nil {
		return nil, err
	}
	return entries, nil
}

// parseRow checks one row field by field, a problem per bad field.
func parseRow(line int, rec []string, t *sheet.Table, thisMonth coaching.Month, errs *Errors) (Entry, bool) {
	n := len(*errs)
	// A field that is not text is reported there, not again as a bad value.
	notText := t.CheckText(line, rec, errs)
	get := func(name string) string { return strings.TrimSpace(rec[t.Cols[name]]) }
	check := func(field string, err error) {
		if err != nil && !notText[field] {
			errs.Add(line, field, "%s", err.Error())
		}
	}
	e := Entry{Line: line}
	var err error
	e.RepRef, err = parseRep(get(colRep))
	check(colRep, err)
	e.Month, err = parseMonth(get(colMonth), thisMonth)
	check(colMonth, err)
	e.Attainment, e.PercentSign, err = parseAttainment(get(colAttainment))
	check(colAttainment, err)
	return e, len(*errs) == n
}

// parseRep accepts a Slack user id or an email address.
func parseRep(s string) (string, error) {
	switch {
	case s == "":
		return "", fmt.Errorf("is empty; give the rep's Slack id or email")
	case sheet.HasGap(s):
		return "", fmt.Errorf("%q has a space, a line break or an invisible character in it; give the rep's Slack id or email", s)
	case strings.Contains(s, "@"):
		if err := sheet.MailtoProblem(s); err != nil {
			return "", err
		}
		if !sheet.IsEmail(s) {
			return "", fmt.Errorf("%q is not an email address", s)
		}
		return strings.ToLower(s), nil
	}
	if !sheet.IsSlackUserID(s) {
		return "", fmt.Errorf("%q is neither a Slack user id (like U024BE7LH) nor an email%s", s, sheet.SlackIDCase(s))
	}
	return s, nil
}

func parseMonth(s string, thisMonth coaching.Month) (coaching.Month, error) {
	m, err := coaching.ParseMonth(s)
	if err != nil && sheet.ExcelReformatted(s) {
		// What to type is read from the value, never this month: typed
		// as said, it would file the month under another.
		return coaching.Month{}, fmt.Errorf("%q is not a month (YYYY-MM); Excel reformats dates: format the column as Text, then %s",
			s, sheet.TypeInstead(s, "YYYY-MM", "2026-03 for March 2026", func(d sheet.ExcelDate) string {
				return coaching.Month{Year: d.Year, Month: d.Month}.String()
			}))
	}
	if err != nil {
		return coaching.Month{}, fmt.Errorf("%q is not a month (YYYY-MM, like %s)", s, thisMonth)
	}
	if m.After(thisMonth) {
		return coaching.Month{}, fmt.Errorf("%s is after this month (%s)", m, thisMonth)
	}
	if m.Year < sheet.FirstYear {
		return coaching.Month{}, fmt.Errorf("%s is before %d: check the year", m, sheet.FirstYear)
	}
	return m, nil
}

var (
	attainmentRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
	// thousandsRE is a number with commas between groups of three digits.
	thousandsRE = regexp.MustCompile(`^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$`)
)

// parseAttainment reads a percentage: 87, 87.5 or 87.5%; percentSign is
// whether it gave the %.
func parseAttainment(s string) (v float64, percentSign bool, err error) {
	num, percentSign := strings.CutSuffix(s, "%")
	num = strings.TrimSpace(num)
	if num == "" {
		return 0, false, fmt.Errorf("is empty; give the percent of quota attained, like 87.5")
	}
	if thousandsRE.MatchString(num) {
		// 1,000 read with a thousands separator is within bounds; 87,500
		// so read is not, and is a decimal comma.
		if v, err := strconv.ParseFloat(strings.ReplaceAll(num, ",", ""), 64); err == nil && v <= MaxAttainment {
			return 0, false, fmt.Errorf("%q: write %s without a thousands separator", s, strings.ReplaceAll(num, ",", ""))
		}
	}
	if strings.Contains(num, ",") {
		return 0, false, fmt.Errorf("%q: write decimals with a point, like 87.5", s)
	}
	// Digits with an optional decimal point: strconv alone would also take
	// 8_7, 0x1p4, 1e2, NaN and Inf, which no spreadsheet writes for a
	// percent; a number too long for a float64 still fails in strconv.
	v, err = strconv.ParseFloat(num, 64)
	if !attainmentRE.MatchString(num) || err != nil {
		return 0, false, fmt.Errorf("%q is not a number; give the percent of quota attained, like 87.5", s)
	}
	if v < 0 || v > MaxAttainment {
		return 0, false, fmt.Errorf("%s is outside 0 to %d (percent of quota)", num, MaxAttainment)
	}
	if v == 0 {
		v = 0 // "-0" parses as negative zero, which formats as -0
	}
	return v, percentSign, nil
}

// checkDuplicates reports a rep and month seen before, on the later line.
func checkDuplicates(entries []Entry, errs *Errors) {
	type key struct {
		rep   string
		month coaching.Month
	}
	seen := map[key]int{}
	for _, e := range entries {
		k := key{e.RepRef, e.Month}
		if first, ok := seen[k]; ok {
			errs.Add(e.Line, colRep, "%s already has %s on line %d", e.RepRef, e.Month, first)
			continue
		}
		seen[k] = e.Line
	}
}
