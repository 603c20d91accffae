package performance_test

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/performance"
)

var thisMonth = coaching.Month{Year: 2026, Month: 11}

func file(lines ...string) *strings.Reader {
	return strings.NewReader(strings.Join(lines, "\n") + "\n")
}

func month(s string) coaching.Month {
	m, err := coaching.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

func TestParseAccepts(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   *strings.Reader
		want []performance.Entry
	}{
		{
			name: "ids and emails, whole and decimal percents, a percent sign",
			in:   file("rep,month,attainment", "U01,2026-10,87", "Ann@Example.com,2026-11,101.5", "W02,2025-12,99.9%"),
			want: []performance.Entry{
				{Line: 2, RepRef: "U01", Month: month("2026-10"), Attainment: 87},
				{Line: 3, RepRef: "ann@example.com", Month: month("2026-11"), Attainment: 101.5},
				{Line: 4, RepRef: "W02", Month: month("2025-12"), Attainment: 99.9, PercentSign: true},
			},
		},
		{
			name: "Excel's byte order mark, CRLF, any column order and case, blank rows",
			in:   strings.NewReader("\ufeffAttainment, Month ,REP\r\n0,2026-01,U01\r\n,,\r\n1000,2026-02,U01\r\n"),
			want: []performance.Entry{
				{Line: 2, RepRef: "U01", Month: month("2026-01"), Attainment: 0},
				{Line: 4, RepRef: "U01", Month: month("2026-02"), Attainment: 1000},
			},
		},
		{
			name: "the first month of 1900",
			in:   file("rep,month,attainment", "U01,1900-01,87"),
			want: []performance.Entry{{Line: 2, RepRef: "U01", Month: month("1900-01"), Attainment: 87}},
		},
		{
			// A spreadsheet shows a cell with a line break on one row.
			name: "lines after a cell across lines numbered as a spreadsheet's rows",
			in:   strings.NewReader("rep,month,attainment\r\n\"U01\r\n\",2026-01,87\r\nU01,2026-02,88\r\n"),
			want: []performance.Entry{
				{Line: 2, RepRef: "U01", Month: month("2026-01"), Attainment: 87},
				{Line: 3, RepRef: "U01", Month: month("2026-02"), Attainment: 88},
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := performance.Parse(tt.in, thisMonth)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseNamesEveryBadLineAndField(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   *strings.Reader
		want []string // each problem as printed, in order
	}{
		{"empty", strings.NewReader(""), []string{"line 1: the file is empty"}},
		{"header only", file("rep,month,attainment"), []string{"line 1: the file has a header but no rows"}},
		{"missing and unknown columns", file("rep,month,quota"), []string{
			"line 1, field quota: unknown column; the columns are rep, month, attainment", "line 1, field attainment: required column is missing"}},
		{"a CRM's column names", file("Rep Email,Month,Attainment %,Region", "ann@example.com,2026-10,87"), []string{
			"line 1, field rep email: unknown column; did you mean rep? The columns are rep, month, attainment",
			"line 1, field attainment %: unknown column; did you mean attainment?",
			"line 1, field region: unknown column; the columns are",
			"line 1, field rep: required column is missing", "line 1, field attainment: required column is missing"}},
		{"a lower-case Slack id", file("rep,month,attainment", "u01ria,2026-10,87"), []string{
			`line 2, field rep: "u01ria" is neither a Slack user id (like U024BE7LH) nor an email: Slack ids are in capitals, write U01RIA`}},
		{"every field wrong", file("rep,month,attainment",
			"sam,2026-13,lots",
			"U01,2026-12,87",
			"U01,2026-10,-1",
			"x@y,2026-10,87,5",
			"U01,2026-10,1000.1",
			"U02,2026-10,87,5",
			"U03,2026-10,NaN",
			"U04,Oct 2026,87",
			"U05,2026-10,"), []string{
			`line 2, field rep: "sam" is neither a Slack user id`,
			`line 2, field month: "2026-13" is not a month`,
			`line 2, field attainment: "lots" is not a number`,
			`line 3, field month: 2026-12 is after this month (2026-11)`,
			`line 4, field attainment: -1 is outside 0 to 1000`,
			`line 5: has 4 fields; the header has 3`,
			`line 6, field attainment: 1000.1 is outside 0 to 1000`,
			`line 7: has 4 fields; the header has 3`,
			`line 8, field attainment: "NaN" is not a number`,
			`line 9, field month: "Oct 2026" is not a month`,
			`line 10, field attainment: is empty`,
		}},
		{"a comma for a decimal point, quoted", file("rep,month,attainment", `U01,2026-10,"87,5"`),
			[]string{`line 2, field attainment: "87,5": write decimals with a point`}},
		// 1,000 is a thousand with a separator, not 1.000; 87,500 so read
		// would be out of bounds, and is a decimal comma.
		{"a thousands separator", file("rep,month,attainment", `U01,2026-10,"1,000"`, `U02,2026-10,"87,500"`, `U03,2026-10,"1,000.0%"`),
			[]string{`line 2, field attainment: "1,000": write 1000 without a thousands separator`,
				`line 3, field attainment: "87,500": write decimals with a point`,
				`line 4, field attainment: "1,000.0%": write 1000.0 without a thousands separator`}},
		// What Excel shows, and exports, for 2026-10 typed into a cell it
		// takes for a date. What to type is read from the value, both ways
		// when it reads two, and never this month (2026-11): an admin who
		// typed that would file October under November.
		{"a month Excel reformatted", file("rep,month,attainment", "U01,Oct-26,87", "U02,3/1/2026,87", "U03,10/2026,87", "U04,Oct 2026,87",
			"U05,26-Oct,87", "U06,Q4,87", "U07,13/1/2026,87", "U08,1.10.2026,87", "U09,Okt-26,87", "U10,September 2025,87"),
			[]string{`line 2, field month: "Oct-26" is not a month (YYYY-MM); Excel reformats dates: format the column as Text, then type 2026-10`,
				`line 3, field month: "3/1/2026" is not a month (YYYY-MM); Excel reformats dates: format the column as Text, then type 2026-03 if 3/1/2026 was written month first, 2026-01 if day first`,
				`line 4, field month: "10/2026" is not a month (YYYY-MM); Excel reformats dates: format the column as Text, then type 2026-10`,
				`line 5, field month: "Oct 2026" is not a month (YYYY-MM); Excel reformats dates: format the column as Text, then type 2026-10`,
				`line 6, field month: "26-Oct" is not a month (YYYY-MM); Excel reformats dates: format the column as Text, then type it as YYYY-MM, such as 2026-03 for March 2026`,
				`line 7, field month: "Q4" is not a month (YYYY-MM, like 2026-11)`,
				`line 8, field month: "13/1/2026" is not a month (YYYY-MM); Excel reformats dates: format the column as Text, then type 2026-01`,
				`line 9, field month: "1.10.2026" is not a month (YYYY-MM); Excel reformats dates: format the column as Text, then type 2026-01 if 1.10.2026 was written month first, 2026-10 if day first`,
				`line 10, field month: "Okt-26" is not a month (YYYY-MM); Excel reformats dates: format the column as Text, then type it as YYYY-MM, such as 2026-03 for March 2026`,
				`line 11, field month: "September 2025" is not a month (YYYY-MM); Excel reformats dates: format the column as Text, then type 2025-09`}},
		{"semicolons, the names quoted", file(`"rep";"month";"attainment"`, `"U01";"2026-10";"87,5"`),
			[]string{"line 1: the columns are separated by semicolons"}},
		{"tabs, the names quoted", file("\"rep\"\t\"month\"\t\"attainment\"", "U01\t2026-10\t87.5"),
			[]string{"line 1: the columns are separated by tabs"}},
		// Go reads these as numbers; a spreadsheet's percent is digits
		// with an optional decimal point, and anything else is a mistake.
		{"numbers only Go would read", file("rep,month,attainment", "U01,2026-10,8_7", "U02,2026-10,0x1p4", "U03,2026-10,1e2", "U04,2026-10,+87", "U05,2026-10,.5"),
			[]string{`line 2, field attainment: "8_7" is not a number`, `line 3, field attainment: "0x1p4" is not a number`,
				`line 4, field attainment: "1e2" is not a number`, `line 5, field attainment: "+87" is not a number`,
				`line 6, field attainment: ".5" is not a number`}},
		// A field that is not UTF-8 is reported for that alone, not again
		// as a bad value.
		{"fields not UTF-8", file("attainment,month,rep", "\xfe87,\xff2026-10,U\xfe01", "87,2026-1\xb0,U01"), []string{
			"line 2, field attainment: is not UTF-8", "line 2, field month: is not UTF-8", "line 2, field rep: is not UTF-8",
			"line 3, field month: is not UTF-8"}},
		{"fields that lost characters when saved", file("rep,month,attainment", "jos\uFFFD@example.com,2026-10,87", "U01,2026-1\uFFFD,8\uFFFD"), []string{
			`line 2, field rep: "jos�@example.com" has �, a character lost when the file was saved: export it again as "CSV UTF-8"`,
			`line 3, field month: "2026-1�" has �`, `line 3, field attainment: "8�" has �`}},
		{"broken quotes", file("rep,month,attainment", `U0"1,2026-10,87`, `U02,2026-10,"87`),
			[]string{`line 2, field rep: unreadable CSV: bare "`, `line 3, field attainment: unreadable CSV: extraneous or missing "`}},
		{"semicolons, as Excel saves CSV in many locales", file("rep;month;attainment", "U01;2026-10;87,5"),
			[]string{"line 1: the columns are separated by semicolons"}},
		{"tabs, as Excel saves Text (Tab delimited)", file("rep\tmonth\tattainment", "U01\t2026-10\t87.5"),
			[]string{"line 1: the columns are separated by tabs"}},
		{"UTF-16, as Excel saves Unicode Text", strings.NewReader("\xff\xfer\x00e\x00p\x00,\x00m\x00o\x00n\x00t\x00h\x00\n\x00"),
			[]string{"line 1: the file is UTF-16 text, not CSV"}},
		{"an email with a line break, a space or an invisible character",
			file("rep,month,attainment", "\"ann\nsmith@example.com\",2026-10,87", "bob smith@example.com,2026-10,87", "cat@example.com\u200b,2026-10,87"),
			[]string{`line 2, field rep: "ann\nsmith@example.com" has a space, a line break or an invisible character`,
				`line 3, field rep: "bob smith@example.com" has a space`, `line 4, field rep: "cat@example.com\u200b" has a space, a line break or an invisible character`}},
		// As the roster checks it: such an address is on nobody's row, and
		// "not an email address" says more than "not known to Coachlog".
		{"an email whose domain starts or ends with its dot", file("rep,month,attainment", "ann@.com,2026-10,87", "bob@example.,2026-10,87"),
			[]string{`line 2, field rep: "ann@.com" is not an email address`, `line 3, field rep: "bob@example." is not an email address`}},
		// A link's address, copied from a mail client or a CRM: stored as
		// it is, it would be nobody's.
		{"an email as a mailto: link", file("rep,month,attainment", "mailto:ann@example.com,2026-10,87", "MAILTO:Bob@Example.com,2026-10,87"),
			[]string{`line 2, field rep: "mailto:ann@example.com" is a link: write the address without mailto: (ann@example.com)`,
				`line 3, field rep: "MAILTO:Bob@Example.com" is a link: write the address without mailto: (Bob@Example.com)`}},
		{"a rep and month twice", file("rep,month,attainment", "U01,2026-10,87", "U02,2026-10,90", "U01,2026-10,88"),
			[]string{"line 4, field rep: U01 already has 2026-10 on line 2"}},
		// A year before 1900 is a typo: stored, the month would be one no
		// report reads. One after this month is refused as ever.
		{"a month before 1900, or far ahead", file("rep,month,attainment", "U01,0999-08,87", "U02,1899-12,87", "U03,0026-10,87", "U04,9999-01,87"),
			[]string{"line 2, field month: 0999-08 is before 1900: check the year",
				"line 3, field month: 1899-12 is before 1900", "line 4, field month: 0026-10 is before 1900",
				"line 5, field month: 9999-01 is after this month (2026-11)"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := performance.Parse(tt.in, thisMonth)
			var errs performance.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("err = %v, want performance.Errors", err)
			}
			if len(errs) != len(tt.want) {
				t.Fatalf("%d problems, want %d:\n%v", len(errs), len(tt.want), err)
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(errs[i].Error(), w) {
					t.Errorf("problem %d = %q, want it to start with %q", i+1, errs[i].Error(), w)
				}
			}
		})
	}
}

func TestResolveFindsRepsByIDOrEmail(t *testing.T) {
	people := []coaching.Person{{ID: "U01", Email: "ann@example.com"}, {ID: "U02", Email: "bob@example.com"},
		{ID: "U03", Email: "twin@example.com"}, {ID: "U04", Email: "twin@example.com"}}
	entries, err := performance.Parse(file("rep,month,attainment",
		"U01,2026-10,80", "bob@example.com,2026-10,90.5"), thisMonth)
	if err != nil {
		t.Fatal(err)
	}
	got, err := performance.Resolve(entries, people)
	want := []coaching.Attainment{{RepID: "U01", Month: month("2026-10"), Percent: 80}, {RepID: "U02", Month: month("2026-10"), Percent: 90.5}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, %v; want %+v", got, err, want)
	}

	entries, err = performance.Parse(file("rep,month,attainment",
		"U09,2026-10,80", "nobody@example.com,2026-10,1", "twin@example.com,2026-10,5", "U02,2026-10,1", "bob@example.com,2026-10,2"), thisMonth)
	if err != nil {
		t.Fatal(err)
	}
	_, err = performance.Resolve(entries, people)
	for _, w := range []string{
		"line 2, field rep: U09 is not known to Coachlog",
		"line 3, field rep: nobody@example.com is not known to Coachlog",
		"line 4, field rep: twin@example.com is the email of 2 people",
		"line 6, field rep: bob@example.com is the same rep as on line 5",
	} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}

// A deactivated person keeps their email (their history is kept), and a
// later roster may give the address to someone else: the file names the
// active one. Two active people, or two deactivated and none active,
// are still refused.
func TestResolvePrefersTheActivePersonOfAnEmail(t *testing.T) {
	people := []coaching.Person{
		{ID: "U01", Email: "bob@example.com", InRoster: true},               // left the roster
		{ID: "U02", Email: "bob@example.com", InRoster: true, Active: true}, // given the address since
		{ID: "U03", Email: "twin@example.com", InRoster: true, Active: true},
		{ID: "U04", Email: "twin@example.com", Active: true}, // read from Slack, never in the roster
		{ID: "U05", Email: "gone@example.com", InRoster: true},
		{ID: "U06", Email: "gone@example.com", InRoster: true},
	}
	for _, tt := range []struct {
		rep, want, err string
	}{
		{rep: "bob@example.com", want: "U02"},
		{rep: "U01", want: "U01"},
		{rep: "twin@example.com", err: "line 2, field rep: twin@example.com is the email of 2 people; give the Slack id"},
		{rep: "gone@example.com", err: "line 2, field rep: gone@example.com is the email of 2 people; give the Slack id"},
	} {
		t.Run(tt.rep, func(t *testing.T) {
			entries, err := performance.Parse(file("rep,month,attainment", tt.rep+",2026-10,80"), thisMonth)
			if err != nil {
				t.Fatal(err)
			}
			got, err := performance.Resolve(entries, people)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %+v, %v; want %q", got, err, tt.err)
				}
				return
			}
			if err != nil || len(got) != 1 || got[0].RepID != tt.want {
				t.Fatalf("got %+v, %v; want %s", got, err, tt.want)
			}
		})
	}
}

// A line with several fields that are not UTF-8 names them in the order of
// the columns, the same every time the file is read.
func TestFieldsNotUTF8AreNamedInColumnOrder(t *testing.T) {
	for range 20 {
		_, err := performance.Parse(file("attainment,month,rep", "\xfe87,\xff2026-10,U\xfe01"), thisMonth)
		var errs performance.Errors
		if !errors.As(err, &errs) {
			t.Fatalf("err = %v, want performance.Errors", err)
		}
		var fields []string
		for _, e := range errs {
			if strings.Contains(e.Error(), "not UTF-8") {
				fields = append(fields, e.Field)
			}
		}
		if strings.Join(fields, ",") != "attainment,month,rep" {
			t.Fatalf("not UTF-8 in %v, want attainment,month,rep in that order:\n%v", fields, err)
		}
	}
}

// A minus sign before a zero ("-0", "-0.0%", as some CRMs write a month
// with nothing booked) is zero: stored as IEEE's negative zero, it would
// print as -0 wherever a number is formatted from it, and PostgreSQL keeps
// the sign.
func TestAMinusZeroAttainmentIsZero(t *testing.T) {
	got, err := performance.Parse(file("rep,month,attainment", "U01,2026-10,-0", "U01,2026-11,-0.0%"), thisMonth)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range got {
		if e.Attainment != 0 || math.Signbit(e.Attainment) {
			t.Errorf("line %d: attainment %v (sign bit %v), want 0", e.Line, e.Attainment, math.Signbit(e.Attainment))
		}
	}
	if len(got) != 2 {
		t.Fatalf("got %d entries, want 2", len(got))
	}
}
