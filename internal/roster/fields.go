package roster

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sheet"
)

// maxCadenceDays bounds cadence_days: a cadence over a year is a typo.
const maxCadenceDays = 365

// checkSlackID accepts an empty id (the row gives an email) or a Slack user
// id (sheet.IsSlackUserID).
func checkSlackID(id string) error {
	if id == "" {
		return nil
	}
	if hint := sheet.SlackIDCase(id); hint != "" {
		return fmt.Errorf("%q is not a Slack user id%s", id, hint)
	}
	if !sheet.IsSlackUserID(id) {
		return fmt.Errorf("%q is not a Slack user id (U or W and then capital letters and digits, like U024BE7LH)", id)
	}
	return nil
}

// checkEmail accepts an empty or plausible address: the roster only needs to
// catch slips like a missing @, not to validate RFC 5322.
func checkEmail(email string) error {
	if email == "" {
		return nil
	}
	if err := sheet.MailtoProblem(email); err != nil {
		return err
	}
	if sheet.HasGap(email) {
		return fmt.Errorf("%q is not an email address: it has a space, a line break or an invisible character in it", email)
	}
	if !sheet.IsEmail(email) {
		return fmt.Errorf("%q is not an email address", email)
	}
	return nil
}

// normaliseRef lower-cases an email reference so it matches the email column;
// Slack ids are left as they are, being upper-case by definition.
func normaliseRef(ref string) string {
	if strings.Contains(ref, "@") {
		return strings.ToLower(ref)
	}
	return ref
}

func personRoles() []string {
	return []string{coaching.PersonRep, coaching.PersonManager, coaching.PersonLeader, coaching.PersonAdmin}
}

// parseRoles reads roles joined by "+", such as "rep+manager"; a repeated
// role counts once.
func parseRoles(s string) ([]string, error) {
	all := strings.Join(personRoles(), ", ")
	if s == "" {
		return nil, fmt.Errorf("is empty; give one or more of %s, joined by +", all)
	}
	var roles []string
	for part := range strings.SplitSeq(s, "+") {
		r := strings.ToLower(strings.TrimSpace(part))
		if !slices.Contains(personRoles(), r) {
			return nil, fmt.Errorf("%q is not one of %s (join several with +)", strings.TrimSpace(part), all)
		}
		if !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	return roles, nil
}

func parseTier(s string) (coaching.Tier, error) {
	switch t := coaching.Tier(strings.ToLower(s)); t {
	case coaching.TierNone, coaching.TierTop, coaching.TierMiddle, coaching.TierBottom:
		return t, nil
	}
	return "", fmt.Errorf("%q is not one of top, middle, bottom", s)
}

func parseCadence(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxCadenceDays {
		return 0, fmt.Errorf("%q is not a whole number of days from 1 to %d", s, maxCadenceDays)
	}
	return n, nil
}

// parseSince reads the date a person joined their reporting line. A date
// after the import is refused: the roster describes the organisation as it
// is today, so such a date is a typo. So is one before sheet.FirstYear,
// or a spreadsheet's stand-in for a date nobody knows, which an empty
// cell says (the import date for someone new, or what is stored).
func parseSince(s string, today coaching.Date) (coaching.Date, error) {
	d, err := coaching.ParseDate(s)
	if err != nil && sheet.ExcelReformatted(s) {
		// What to type is read from the value, never today: typed as
		// said, it would move the date.
		return coaching.Date{}, fmt.Errorf("%q is not a date (YYYY-MM-DD); Excel reformats dates: format the column as Text, then %s",
			s, sheet.TypeInstead(s, "YYYY-MM-DD", "2026-03-01 for 1 March 2026", func(d sheet.ExcelDate) string {
				if d.Day == 0 {
					return ""
				}
				return coaching.Date{Year: d.Year, Month: d.Month, Day: d.Day}.String()
			}))
	}
	if err != nil {
		return coaching.Date{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	if d.After(today) {
		return coaching.Date{}, fmt.Errorf("%s is after the import date %s", d, today)
	}
	if d.Year < sheet.FirstYear {
		return coaching.Date{}, fmt.Errorf("%s is before %d: check the year, or leave the cell empty if the date is not known", d, sheet.FirstYear)
	}
	return d, nil
}
