package coaching

import (
	"fmt"
	"time"
)

// Month is a calendar month, as performance records and the correlation of
// coaching with results count them.
type Month struct {
	Year  int
	Month time.Month
}

// MonthOf returns the month a date falls in.
func MonthOf(d Date) Month { return Month{d.Year, d.Month} }

// ParseMonth reads YYYY-MM.
func ParseMonth(s string) (Month, error) {
	d, err := ParseDate(s + "-01")
	if err != nil || len(s) != 7 {
		return Month{}, fmt.Errorf("month %q is not YYYY-MM", s)
	}
	return MonthOf(d), nil
}

// IsZero reports whether m is unset.
func (m Month) IsZero() bool { return m == Month{} }

// String formats m as YYYY-MM.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, m.Month) }

// First returns the month's first day.
func (m Month) First() Date { return Date{m.Year, m.Month, 1} }

// Last returns the month's last day.
func (m Month) Last() Date { return Date{m.Year, m.Month, daysIn(m.Month, m.Year)} }

// Add returns the month n months later (n may be negative).
func (m Month) Add(n int) Month {
	i := m.Year*12 + int(m.Month) - 1 + n
	return Month{i / 12, time.Month(i%12 + 1)}
}

// Before reports whether m is strictly earlier than o.
func (m Month) Before(o Month) bool { return m.First().Before(o.First()) }

// After reports whether m is strictly later than o.
func (m Month) After(o Month) bool { return m.First().After(o.First()) }

// Attainment is a performance record: a rep's quota attainment in a month,
// in percent, as imported from the CRM.
type Attainment struct {
	RepID   string
	Month   Month
	Percent float64
}
