package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/typo"
)

// Table is a sheet read past its header.
type Table struct {
	// Cols maps each column the header names to its position, by the
	// column's own name (columnName: Slack ID is slack_id).
	Cols map[string]int
	// names is Cols the other way: each position's column, in order.
	names []string
	// HeaderLine is the header's line, for problems of the file as a whole.
	HeaderLine int

	cr    *csv.Reader
	width int
	// named is one past the rightmost named column: a row may stop there.
	named int
	// unnamed are the positions of the columns without a name, ignored
	// while their cells are empty; withData is the first line with a cell
	// in each that has something, by position.
	unnamed  []int
	withData map[int]int
	what     string
	// known is the columns a header may name, for isHeader.
	known []string
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
	br := bufio.NewReader(r)
	skipBOM(br)
	skipSepHint(br)
	// What is not CSV text at all is told from its first bytes, before
	// the CSV parser reads a zip or a UTF-16 file as a line of broken
	// quotes.
	head, _ := br.Peek(sniffLen)
	if isWorkbook(head) {
		return nil, fmt.Errorf("the %s is %w", what, ErrWorkbook)
	}
	if isUTF16(head) {
		// Text still, saved in the wrong encoding: told on its first line,
		// as a semicolon-separated file is.
		return nil, Errors{{Line: 1, Message: "the file is UTF-16 text, not CSV; save it as \"CSV UTF-8 (Comma delimited)\""}}
	}
	if isBinary(head) {
		return nil, fmt.Errorf("the %s is not a text file (it holds binary data): save the sheet as \"CSV UTF-8 (Comma delimited)\" and import that file", what)
	}
	// Before the parser too: a semicolon-separated file whose names are
	// quoted ("slack_id";"email") breaks it at the first quote.
	if problem := foreignFormat(head); problem != "" {
		return nil, Errors{{Line: 1 + bytes.Count(head[:len(head)-len(bytes.TrimLeft(head, "\r\n"))], []byte("\n")), Message: problem}}
	}
	var in io.Reader = br
	if endsLinesWithCR(head) {
		in = crLines{br}
	}
	cr := csv.NewReader(in)
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
	cols, unnamed, errs := parseHeader(header, line, required, optional)
	if len(errs) > 0 {
		return nil, errs.OrNil()
	}
	names := make([]string, len(header))
	named := 0
	for name, i := range cols {
		names[i] = name
		named = max(named, i+1)
	}
	return &Table{Cols: cols, names: names, HeaderLine: line, cr: cr, width: len(header), named: named,
		unnamed: unnamed, what: what, known: append(slices.Clip(required), optional...), folded: lineBreaks(header)}, nil
}

// sniffLen is how much of a file's start notText looks at: a workbook's
// signature is in its first bytes, and UTF-16 text shows its NULs within
// a line.
const sniffLen = 512

// ErrWorkbook is returned, wrapped, for a spreadsheet's own file given
// instead of a CSV: an .xlsx or .ods (a zip), or an old .xls.
var ErrWorkbook = errors.New("a spreadsheet workbook (Excel/LibreOffice), not CSV: save it as CSV UTF-8 (File → Save As → CSV UTF-8)")

// endsLinesWithCR reports whether the file's first line ends with a
// carriage return alone, as Excel for Mac's "Macintosh Comma Separated"
// ends every line: encoding/csv breaks lines at LF only, and would read
// the whole file as one header whose column names are the data's cells.
// A break inside a quoted cell is the cell's, not the line's: quotes are
// counted to pass over it.
func endsLinesWithCR(head []byte) bool {
	quoted := false
	for i, b := range head {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == '\n':
			return false
		case b == '\r':
			return i+1 < len(head) && head[i+1] != '\n'
		}
	}
	return false
}

// crLines reads a file whose lines end with a lone CR as if they ended
// with LF, so that encoding/csv sees its lines and counts them. A CR that
// an LF follows is left for the reader, which takes CRLF as one break; a
// lone CR inside a quoted cell becomes an LF there, as much a line break
// in the cell as it was.
type crLines struct{ br *bufio.Reader }

func (c crLines) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		b, err := c.br.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if b == '\r' {
			if next, err := c.br.Peek(1); err != nil || next[0] != '\n' {
				b = '\n'
			}
		}
		p[n] = b
		n++
		if c.br.Buffered() == 0 {
			break // return what is read rather than wait for more
		}
	}
	return n, nil
}

// isWorkbook recognises, from its first bytes, a spreadsheet's own file
// given instead of its CSV: a zip, as .xlsx and .ods are, or the OLE2
// compound file of an .xls. Read as CSV, it would be a line of broken
// quotes, or taken for UTF-16 for its NULs.
func isWorkbook(head []byte) bool {
	return bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"))
}

// isUTF16 reports whether head is UTF-16 text (Excel's "Unicode Text"):
// it starts with UTF-16's byte order mark, or without one, the NUL of each
// ASCII character is always on the same side of its pair, no pair is two
// NULs, and at least half the pairs have one, as a header of ASCII column
// names gives. A binary file's NULs fall on both sides or in runs, and a
// stray NUL in UTF-8 text is one among hundreds of bytes: neither is
// taken for UTF-16.
func isUTF16(head []byte) bool {
	if bytes.HasPrefix(head, []byte("\xFF\xFE")) || bytes.HasPrefix(head, []byte("\xFE\xFF")) {
		return true
	}
	var even, odd int
	pairs := len(head) / 2
	for i := 0; i+1 < len(head); i += 2 {
		a, b := head[i] == 0, head[i+1] == 0
		switch {
		case a && b:
			return false
		case a:
			even++
		case b:
			odd++
		}
	}
	return (even > 0) != (odd > 0) && 2*(even+odd) >= pairs
}

// isBinary reports whether head, which is not UTF-16 (isUTF16), is some
// binary file rather than text: it holds a NUL, and the NULs come in
// runs, as a binary file's padding does, or the bytes besides them are
// not UTF-8. A stray NUL in UTF-8 text (a tool's damage) leaves it text:
// the line that holds it is refused, by line and field (CheckText).
func isBinary(head []byte) bool {
	if bytes.IndexByte(head, 0) < 0 {
		return false
	}
	if bytes.Contains(head, []byte{0, 0}) {
		return true
	}
	text := bytes.ReplaceAll(head, []byte{0}, nil)
	// The sample may end inside a character.
	for i := len(text) - 1; i >= 0 && i >= len(text)-utf8.UTFMax; i-- {
		if utf8.RuneStart(text[i]) {
			if !utf8.FullRune(text[i:]) {
				text = text[:i]
			}
			break
		}
	}
	return !utf8.Valid(text)
}

// foreignFormat recognises, from the header line at the start of head
// (blank lines skipped, as the CSV reader skips them), the saves of a
// spreadsheet that are text but not comma-separated: the CSV of locales
// whose list separator is a semicolon, and tab-separated text (Excel's
// "Text (Tab delimited)", or cells copied and pasted into a file). Read as
// CSV, each would only list its columns as unknown, or break at a quote.
// Only what is outside quotes counts: a quoted name may hold anything.
func foreignFormat(head []byte) string {
	var commas, semicolons, tabs int
	quoted := false
scan:
	for _, b := range bytes.TrimLeft(head, "\r\n") {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == '\n' || b == '\r':
			break scan
		case b == ',':
			commas++
		case b == ';':
			semicolons++
		case b == '\t':
			tabs++
		}
	}
	switch {
	case commas > 0:
		return ""
	case semicolons > 0:
		return "the columns are separated by semicolons; save the file as \"CSV UTF-8 (Comma delimited)\", or replace the semicolons with commas"
	case tabs > 0:
		return "the columns are separated by tabs (a \"Text (Tab delimited)\" file, or a copy of the cells); save the file as \"CSV UTF-8 (Comma delimited)\""
	}
	return ""
}

// parseHeader maps each known column name to its position, and lists the
// positions of the columns without a name: the rows tell whether they
// are the empty columns a spreadsheet exports with its used range, or
// hold data. An unknown name that is one column's near miss says which.
func parseHeader(header []string, line int, required, optional []string) (cols map[string]int, unnamed []int, errs Errors) {
	known := append(slices.Clip(required), optional...)
	cols = make(map[string]int, len(header))
	var unknown []int // in errs, told once every name is read
	for i, h := range header {
		name := columnName(h, known)
		switch _, dup := cols[name]; {
		case name == "":
			unnamed = append(unnamed, i)
		case !slices.Contains(known, name):
			unknown = append(unknown, len(errs))
			errs.Add(line, name, "")
		case dup:
			errs.Add(line, name, "column appears twice")
		default:
			cols[name] = i
		}
	}
	for _, i := range unknown {
		// A column the header has already is not what another name meant.
		errs[i].Message = "unknown column; the columns are " + strings.Join(known, ", ")
		if hint := nearMiss(errs[i].Field, known, cols); hint != "" {
			errs[i].Message = fmt.Sprintf("unknown column; did you mean %s? The columns are %s", hint, strings.Join(known, ", "))
		}
	}
	for _, name := range required {
		if _, ok := cols[name]; !ok {
			errs.Add(line, name, "required column is missing")
		}
	}
	return cols, unnamed, errs
}

// columnName reads a header cell as the name of the column it gives:
// trimmed and lower-cased, and a known column's own name where the cell
// differs from it only in spaces, hyphens and underscores, as a CRM
// writes them (Slack ID, Time Zone, Cadence-Days).
func columnName(cell string, known []string) string {
	name := strings.ToLower(strings.TrimSpace(cell))
	for _, k := range known {
		if squash(k) == squash(name) {
			return k
		}
	}
	return name
}

// squash takes the spaces, hyphens and underscores out of a name.
func squash(name string) string {
	return strings.NewReplacer(" ", "", "-", "", "_", "").Replace(name)
}

// nearMiss is the one known column, not in cols already, that name
// misses by a typo or two (emial, manger) or names with a word more
// (Email Address, Attainment %), or "" when no column, or more than one,
// is.
func nearMiss(name string, known []string, cols map[string]int) string {
	words := strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	var found []string
	for _, k := range known {
		if _, there := cols[k]; there {
			continue
		}
		typos := 1
		if len(squash(k)) > 5 {
			typos = 2
		}
		if typo.Distance(squash(name), squash(k)) <= typos || slices.Contains(words, squash(k)) {
			found = append(found, k)
		}
	}
	if len(found) != 1 {
		return ""
	}
	return found[0]
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
			// Every row was read whole: the rows' checks stand.
			t.unnamedWithData(errs)
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
		if len(rec) < t.width && len(rec) >= t.named {
			// Only unnamed columns are missing from the row's end: nothing
			// of the named ones is out of place.
			rec = append(rec, make([]string, t.width-len(rec))...)
		}
		switch {
		case IsBlank(rec):
			continue
		case len(rec) != t.width && slices.ContainsFunc(rec, hasNUL):
			// Not a row of the sheet's, and why is not to be seen in it.
			errs.Add(line, "", "%s", nulProblem)
			complete = false
			continue
		case t.isHeader(rec):
			errs.Add(line, "", "repeats the header (two files joined into one?); delete the line")
			complete = false
			continue
		case len(rec) > t.width && IsBlank(rec[t.width:]):
			errs.Add(line, "", "has %d fields; the header has %d, and the ones past it are empty: delete the empty columns right of the data",
				len(rec), t.width)
			complete = false
			continue
		case len(rec) != t.width:
			errs.Add(line, "", "has %d fields; the header has %d", len(rec), t.width)
			complete = false
			continue
		}
		for _, i := range t.unnamed {
			if _, seen := t.withData[i]; !seen && strings.TrimSpace(rec[i]) != "" {
				if t.withData == nil {
					t.withData = map[int]int{}
				}
				t.withData[i] = line
			}
		}
		fn(line, rec)
	}
}

// isHeader reports whether rec is the header again: what two exports
// pasted into one file give, the second one's byte order mark and all,
// its columns maybe in another order or fewer of them. Every cell is a
// column's name, and no data row is that. Its cells would otherwise be
// reported one by one as values that are not a slack_id, an email or a
// month.
func (t *Table) isHeader(rec []string) bool {
	seen := map[string]bool{}
	for _, f := range rec {
		name := columnName(strings.TrimLeft(f, bom), t.known)
		if name == "" {
			continue
		}
		if _, ok := t.Cols[name]; !ok || seen[name] {
			return false
		}
		seen[name] = true
	}
	return len(seen) >= min(2, len(t.Cols))
}

// unnamedWithData reports each column without a name that has something
// in it, on the header's line. One whose cells are all empty is a
// spreadsheet's used range reaching past the data, and is ignored.
func (t *Table) unnamedWithData(errs *Errors) {
	for _, i := range t.unnamed {
		if line, ok := t.withData[i]; ok {
			errs.Add(t.HeaderLine, "", "column %d has no name, and line %d has something in it: name the column, or delete it", i+1, line)
		}
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

// CheckText reports each field of rec that is not text as typed, in the
// order of the columns (the same file always reads the same), and returns
// their names: a field that is not UTF-8, that holds a NUL, or U+FFFD, the
// replacement character a tool puts for each character it could not
// read when it opened the file in the wrong encoding and saved it again
// (S\uFFFDbastien for Sébastien: the letter is lost, and a damaged address
// would be nobody's). The caller checks those fields no further: whatever
// else their bytes get wrong, the fix is to save, or export, the file as
// UTF-8, and a problem is reported once.
func (t *Table) CheckText(line int, rec []string, errs *Errors) (notText map[string]bool) {
	for i, name := range t.names {
		if name == "" {
			continue
		}
		switch {
		case !utf8.ValidString(rec[i]):
			errs.Add(line, name, "is not UTF-8 text; save the file as \"CSV UTF-8\"")
		case hasNUL(rec[i]):
			errs.Add(line, name, "%s", nulProblem)
		case strings.ContainsRune(rec[i], utf8.RuneError):
			errs.Add(line, name, "%q has \uFFFD, a character lost when the file was saved: export it again as \"CSV UTF-8\"", strings.TrimSpace(rec[i]))
		default:
			continue
		}
		if notText == nil {
			notText = map[string]bool{}
		}
		notText[name] = true
	}
	return notText
}

// nulProblem is what is said of a NUL in a line: no text holds one, and
// no name or address may (PostgreSQL refuses text with it).
const nulProblem = "holds a NUL byte, which text never has: export the file again as \"CSV UTF-8\""

func hasNUL(s string) bool { return strings.IndexByte(s, 0) >= 0 }
