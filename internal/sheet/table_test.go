package sheet_test

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/sheet"
)

// read opens in as a sheet of columns a,b (c optional) and reads every
// row, returning the rows read, each led by its line number, and the
// error a caller would print.
func read(in string) ([][]string, error) {
	t, err := sheet.Open(strings.NewReader(in), "test file", []string{"a", "b"}, []string{"c"})
	if err != nil {
		return nil, err
	}
	var rows [][]string
	var errs sheet.Errors
	if _, err := t.Rows(&errs, func(line int, rec []string) {
		rows = append(rows, append([]string{strconv.Itoa(line)}, rec...))
	}); err != nil {
		return nil, err
	}
	return rows, errs.OrNil()
}

// checkRead reads in and checks it gives the rows want, or, when problem
// is not empty, an error starting with problem.
func checkRead(t *testing.T, in string, want [][]string, problem string) {
	t.Helper()
	rows, err := read(in)
	if problem == "" {
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("rows = %q, want %q", rows, want)
		}
		return
	}
	if err == nil || !strings.HasPrefix(err.Error(), problem) {
		t.Fatalf("got %v, want %q", err, problem)
	}
}

// A spreadsheet's own file given instead of its CSV is told as such from
// its first bytes, not as broken quotes or as UTF-16 text.
func TestOpenRefusesWhatIsNotText(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
		workbook       bool
	}{
		{"an .xlsx (a zip)", "PK\x03\x04\x14\x00\x00\x00\x08\x00\xa2\xb0~]Er\xe2'x\x00\x00\x00[Content_Types].xml\x1d\x8cA\x0e\"", "spreadsheet workbook", true},
		{"an .ods stored, not deflated", "PK\x03\x04\x0a\x00\x00\x00\x00\x00\x00\x00mimetypeapplication/vnd.oasis.opendocument.spreadsheet", "spreadsheet workbook", true},
		{"an .xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + strings.Repeat("\x00", 40) + "\x3e\x00\x03\x00\xfe\xff", "spreadsheet workbook", true},
		{"UTF-16 with its byte order mark", "\xff\xfea\x00,\x00b\x00\r\x00\n\x00", "UTF-16 text, not CSV", false},
		{"UTF-16 without one", "a\x00,\x00b\x00\r\x00\n\x001\x00,\x002\x00", "UTF-16 text, not CSV", false},
		{"UTF-16 big-endian", "\x00a\x00,\x00b\x00\n", "UTF-16 text, not CSV", false},
		{"UTF-16 without one, a line of letters beyond ASCII", "s\x00l\x00a\x00c\x00k\x00_\x00i\x00d\x00,\x00n\x00a\x00m\x00e\x00\n\x00U\x000\x001\x00,\x00\x1b\x04\x35\x04\x3d\x04\x30\x04", "UTF-16 text, not CSV", false},
		{"binary data, its NULs in runs", "GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!", "binary data", false},
		{"binary data, not UTF-8", "\x1f\x8b\x08\x00a,b\x00\xe4\x02", "binary data", false},
		{"another binary file", "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00", "binary data", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := read(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want it to say %q", err, tt.want)
			}
			if errors.Is(err, sheet.ErrWorkbook) != tt.workbook {
				t.Errorf("errors.Is(%v, ErrWorkbook) = %v, want %v", err, !tt.workbook, tt.workbook)
			}
			if strings.Contains(err.Error(), "unreadable CSV") || strings.ContainsFunc(err.Error(), func(r rune) bool { return r < ' ' && r != '\n' }) {
				t.Errorf("got %q: a parser's complaint, or raw bytes of the file", err)
			}
		})
	}
}

// A stray NUL in a UTF-8 file is not UTF-16, whose every other byte is a
// NUL, nor a binary file, whose NULs come in runs: the file is read, and
// the line with it is refused, by field where its row is whole.
func TestOpenReadsAStrayNULAsText(t *testing.T) {
	for _, tt := range []struct{ name, in, problem string }{
		{"a NUL in a cell", "a,b\n1,\x002\n", ""},
		{"NULs in cells of two rows, CRLF", "a,b\r\n1,2\r\n3\x00,4\r\n5,6\x00\r\n", ""},
		{"a NUL after the last line", "a,b\n1,2\n\x00", "line 3: holds a NUL byte, which text never has: export the file again as \"CSV UTF-8\""},
		{"a NUL in a row of the wrong length", "a,b\n1,2\n3\x00\n", "line 3: holds a NUL byte"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := read(tt.in)
			if tt.problem == "" && err != nil {
				t.Errorf("got %v, want the rows read", err)
			}
			if tt.problem != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.problem)) {
				t.Errorf("got %v, want %q", err, tt.problem)
			}
		})
	}
}

// Excel for Mac's "Macintosh Comma Separated" ends lines with a lone CR:
// each is a line, as LF and CRLF are, counted as a spreadsheet counts
// its rows.
func TestRowsReadLinesEndedByCRAlone(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     [][]string
	}{
		{"CR", "a,b\r1,2\r3,4\r", [][]string{{"2", "1", "2"}, {"3", "3", "4"}}},
		{"CR, no break at the end", "a,b\r1,2\r3,4", [][]string{{"2", "1", "2"}, {"3", "3", "4"}}},
		{"CR, a line break in a quoted cell", "a,b\r\"x\ry\",2\r3,4\r", [][]string{{"2", "x\ny", "2"}, {"3", "3", "4"}}},
		{"CR, blank rows", "a,b\r,\r1,2\r\r", [][]string{{"3", "1", "2"}}},
		{"CRLF still", "a,b\r\n1,2\r\n\"x\r\ny\",4\r\n", [][]string{{"2", "1", "2"}, {"3", "x\ny", "4"}}},
		{"LF with a CR in a quoted cell", "a,b\n\"x\ry\",2\n", [][]string{{"2", "x\ry", "2"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := read(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rows, tt.want) {
				t.Errorf("rows = %q, want %q", rows, tt.want)
			}
		})
	}
}

// A cell shown in an error never reaches the terminal raw: a CR would
// send the cursor back over the message.
func TestErrorsShowNoControlCharacter(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"a column name with a CR", "a,b,\"x\ry\"\n", `line 1, field "x\ry": unknown column`},
		{"a Mac file's row of the wrong length", "a,b\r1,2,3,4\r", "line 2: has 4 fields; the header has 2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := read(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %q, want it to say %q", err, tt.want)
			}
			if strings.ContainsFunc(err.Error(), func(r rune) bool { return r < ' ' && r != '\n' }) {
				t.Errorf("got %q: a control character", err)
			}
		})
	}
	if got := (sheet.LineError{Line: 3, Field: "a", Message: "odd \x1b[2J cell"}).Error(); got != `line 3, field a: odd \x1b[2J cell` {
		t.Errorf("a message holding an escape = %q", got)
	}
}

// Excel exports its used range: columns right of the data that have no
// name and nothing in them, or a spacer column. They are ignored; an
// unnamed column with something in it is not.
func TestUnnamedColumns(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     [][]string
		problem  string
	}{
		{"empty columns right of the data", "a,b,,\r\n1,2,,\r\n3,4, ,\r\n,,,\r\n", [][]string{{"2", "1", "2", "", ""}, {"3", "3", "4", "", ""}}, ""},
		{"an empty spacer column", "a,,b\n1,,2\n", [][]string{{"2", "1", "", "2"}}, ""},
		{"rows stopping before the unnamed columns", "a,b,,\n1,2\n3,4,\n", [][]string{{"2", "1", "2", "", ""}, {"3", "3", "4", "", ""}}, ""},
		{"an unnamed column with data", "a,b,,\n1,2,,\n3,4,,note\n5,6,,more\n", nil, "line 1: column 4 has no name, and line 3 has something in it: name the column, or delete it"},
		{"an unnamed spacer with data", "a,,b\n1,x,2\n", nil, "line 1: column 2 has no name, and line 2 has something in it"},
		{"a row with empty cells past the header", "a,b\n1,2\n3,4,,\n", nil, "line 3: has 4 fields; the header has 2, and the ones past it are empty: delete the empty columns right of the data"},
		{"a row with a cell past the header", "a,b\n1,2,x\n", nil, "line 2: has 3 fields; the header has 2"},
		{"a row short of a named column", "a,b,,c\n1,2\n", nil, "line 2: has 2 fields; the header has 4"},
	} {
		t.Run(tt.name, func(t *testing.T) { checkRead(t, tt.in, tt.want, tt.problem) })
	}
}

// Two exports joined into one file, each with its byte order mark, and a
// file saved again with a second mark.
func TestByteOrderMarksAndARepeatedHeader(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     [][]string
		problem  string
	}{
		{"one byte order mark", "\uFEFFa,b\n1,2\n", [][]string{{"2", "1", "2"}}, ""},
		{"two", "\uFEFF\uFEFFa,b\n1,2\n", [][]string{{"2", "1", "2"}}, ""},
		{"the header again", "a,b\n1,2\na,b\n3,4\n", nil, "line 3: repeats the header (two files joined into one?); delete the line"},
		{"the header again, with its mark", "\uFEFFa,b,c\r\n1,2,3\r\n\uFEFFA, B ,c\r\n3,4,5\r\n", nil, "line 3: repeats the header"},
		{"the header again, in another order", "a,b\n1,2\nb,a\n", nil, "line 3: repeats the header"},
		{"the header again, without the optional column", "a,b,c\n1,2,3\na,b\n", nil, "line 3: repeats the header"},
	} {
		t.Run(tt.name, func(t *testing.T) { checkRead(t, tt.in, tt.want, tt.problem) })
	}
}

// Excel's separator hint, a first line "sep=," that exports made for
// Excel carry, is read as Excel reads it: a hint, not the header. It was
// refused as an unknown column "sep=" with every column missing. Excel
// shows the header as row 1 then, and lines are numbered so.
func TestExcelsSeparatorHint(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     [][]string
		problem  string
	}{
		{"the hint", "sep=,\na,b\n1,2\n", [][]string{{"2", "1", "2"}}, ""},
		{"after a byte order mark, with CRLF", "\uFEFFsep=,\r\na,b\r\n1,2\r\n", [][]string{{"2", "1", "2"}}, ""},
		{"in capitals", "SEP=,\na,b\n1,2\n", [][]string{{"2", "1", "2"}}, ""},
		{"a problem numbered as Excel shows it", "sep=,\na,b\n1,2,3,4\n", nil, "line 2: has 4 fields"},
		{"a hint for semicolons", "sep=;\na;b\n1;2\n", nil, "line 1: the columns are separated by semicolons"},
		{"the hint alone", "sep=,\n", nil, "line 1: the file is empty"},
	} {
		t.Run(tt.name, func(t *testing.T) { checkRead(t, tt.in, tt.want, tt.problem) })
	}
}
