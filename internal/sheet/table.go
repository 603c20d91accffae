package sheet

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// Table is a sheet read past its header.
type Table struct {
	// Cols maps each column the header names (lower-cased) to its position.
	Cols map[string]int
	// names is Cols the other way: each position's column, in order.
	names []string
	// HeaderLine is the header's line, for problems of the file as a whole.
	HeaderLine int

	cr    *csv.Reader
	width int
	what  string
	// folded counts the line breaks read so far inside quoted cells. A
	// spreadsheet shows such a cell on one row, so every line after it is
	// that many lines higher than in the file as text: a problem is
	// reported on the row the admin sees, as the header being row 1.
	folded int
}

// Open reads the header of a sheet; what names the file in errors
// ("roster file"). Every required column must be there, optional ones may
// be, and any other is a problem. A header with problems is reported on
// its own: with the columns unknown, every row would only repeat them.
func Open(r io.Reader, what string, required, optional []string) (*Table, error) {
	cr := NewReader(r)
	cr.FieldsPerRecord = -1 // a short or long row is reported on its line, not as a fatal read error
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, Errors{{Line: 1, Message: "the file is empty; the first line must be the header " + strings.Join(required, ",")}}
	}
	if pe, ok := errors.AsType[*csv.ParseError](err); ok {
		return nil, Errors{parseProblem(pe, header, nil, 0)}
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	line, _ := cr.FieldPos(0)
	if problem := foreignFormat(header); problem != "" {
		return nil, Errors{{Line: line, Message: problem}}
	}
	cols, errs := parseHeader(header, line, required, optional)
	if len(errs) > 0 {
		return nil, errs.OrNil()
	}
	names := make([]string, len(header))
	for name, i := range cols {
		names[i] = name
	}
	return &Table{Cols: cols, names: names, HeaderLine: line, cr: cr, width: len(header), what: what, folded: lineBreaks(header)}, nil
}

// foreignFormat recognises the saves of a spreadsheet that are not a CSV
// UTF-8 file, from its header: Excel's "Unicode Text" (UTF-16, every
// other byte a NUL), the CSV of locales whose list separator is a
// semicolon, and tab-separated text (Excel's "Text (Tab delimited)", or
// cells copied and pasted into a file). Read as CSV, each would only list
// its columns as unknown.
func foreignFormat(header []string) string {
	joined := strings.Join(header, ",")
	switch {
	case strings.ContainsRune(joined, 0) || strings.HasPrefix(joined, "\xff\xfe") || strings.HasPrefix(joined, "\xfe\xff"):
		return "the file is UTF-16 text, not CSV; save it as \"CSV UTF-8 (Comma delimited)\""
	case len(header) == 1 && strings.Contains(header[0], ";"):
		return "the columns are separated by semicolons; save the file as \"CSV UTF-8 (Comma delimited)\", or replace the semicolons with commas"
	case len(header) == 1 && strings.Contains(header[0], "\t"):
		return "the columns are separated by tabs (a \"Text (Tab delimited)\" file, or a copy of the cells); save the file as \"CSV UTF-8 (Comma delimited)\""
	}
	return ""
}

// parseHeader maps each known column name to its position.
func parseHeader(header []string, line int, required, optional []string) (map[string]int, Errors) {
	var errs Errors
	known := append(slices.Clip(required), optional...)
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
	for _, name := range required {
		if _, ok := cols[name]; !ok {
			errs.Add(line, name, "required column is missing")
		}
	}
	return cols, errs
}

// Rows calls fn with every row after the header, blank rows left out. A
// row that is not CSV, or has another number of fields than the header,
// is reported in errs instead; complete is false when there was one. err
// is a failure to read the file at all.
func (t *Table) Rows(errs *Errors, fn func(line int, rec []string)) (complete bool, err error) {
	complete = true
	for {
		rec, err := t.cr.Read()
		if errors.Is(err, io.EOF) {
			return complete, nil
		}
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			*errs = append(*errs, parseProblem(pe, rec, t.names, t.folded))
			t.folded += pe.Line - pe.StartLine
			complete = false
			continue
		}
		if err != nil {
			return false, fmt.Errorf("read %s: %w", t.what, err)
		}
		line, _ := t.cr.FieldPos(0)
		line -= t.folded
		t.folded += lineBreaks(rec)
		switch {
		case IsBlank(rec):
			continue
		case len(rec) != t.width:
			errs.Add(line, "", "has %d fields; the header has %d", len(rec), t.width)
			complete = false
			continue
		}
		fn(line, rec)
	}
}

// lineBreaks counts the line breaks inside the cells of rec (the reader
// has turned each CRLF in a quoted cell into one LF).
func lineBreaks(rec []string) int {
	n := 0
	for _, f := range rec {
		n += strings.Count(f, "\n")
	}
	return n
}

// CheckUTF8 reports each field of rec that is not UTF-8 text, in the
// order of the columns (the same file always reads the same), and returns
// their names. The caller checks those fields no further: whatever else
// their bytes get wrong, the fix is to save the file as UTF-8, and a
// problem is reported once.
func (t *Table) CheckUTF8(line int, rec []string, errs *Errors) (notText map[string]bool) {
	for i, name := range t.names {
		if name != "" && !utf8.ValidString(rec[i]) {
			errs.Add(line, name, "is not UTF-8 text; save the file as \"CSV UTF-8\"")
			if notText == nil {
				notText = map[string]bool{}
			}
			notText[name] = true
		}
	}
	return notText
}
