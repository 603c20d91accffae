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
	"strconv"
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

func isNumber(s string) bool {
	if s[0] == '\t' || s[0] == '\r' {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
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
