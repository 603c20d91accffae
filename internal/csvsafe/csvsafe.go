// Package csvsafe writes CSV that spreadsheets open as data, never as
// formulas. Excel, LibreOffice and Google Sheets run a cell that starts
// with =, +, - or @ (and, after trimming, tab or CR) as a formula: a Slack
// display name such as `=HYPERLINK("https://evil","x")` in an export would
// run on the analyst's machine. Every CSV Coachlog writes goes through
// this package.
package csvsafe

import (
	"encoding/csv"
	"io"
	"strings"
)

// Cell returns s prefixed with a single quote when a spreadsheet would read
// it as a formula. A plain number such as -3 or +1.5 is left alone: it is
// data in every spreadsheet, and BI tools must still read it as a number.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if isNumber(s) {
			return s
		}
		return "'" + s
	}
	return s
}

// Uncell undoes Cell: a cell Cell wrote behind a quote reads as it was
// before, so a file Coachlog wrote (`coachlog roster export`) imports
// back unchanged. Any other cell is returned as it is.
func Uncell(s string) string {
	if len(s) > 1 && s[0] == '\'' && Cell(s[1:]) == s {
		return s[1:]
	}
	return s
}

// isNumber reports whether s is a plain decimal number: a sign, digits,
// and an optional fraction, as Coachlog writes its numbers. It is an allow
// list on purpose: strconv.ParseFloat would also pass -Inf, -0x1p4, -1_000,
// -1e5 and -.5, which a spreadsheet may read as text, a formula or not at
// all, so a cell like that is escaped like any other.
func isNumber(s string) bool {
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	whole, frac, hasPoint := strings.Cut(s, ".")
	return allDigits(whole) && (!hasPoint || allDigits(frac))
}

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// Writer is a csv.Writer whose cells are made safe with Cell.
type Writer struct {
	w   *csv.Writer
	buf []string
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one record, each cell made safe.
func (w *Writer) Write(record []string) error {
	w.buf = w.buf[:0]
	for _, c := range record {
		w.buf = append(w.buf, Cell(c))
	}
	return w.w.Write(w.buf)
}

// Flush writes any buffered data to the underlying writer.
func (w *Writer) Flush() { w.w.Flush() }

// Error reports any error from a previous Write or Flush.
func (w *Writer) Error() error { return w.w.Error() }
