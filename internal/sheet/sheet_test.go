package sheet_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/sheet"
)

// Both imports take the same ids: a person's, never a channel's or a bot's.
func TestIsSlackUserID(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"U024BE7LH", true},
		{"W012A3CDE", true}, // Enterprise Grid
		{"", false},
		{"U", false},
		{"u024be7lh", false},
		{"C024BE7LH", false}, // a channel
		{"B024BE7LH", false}, // a bot
		{"U024-BE7", false},
		{"U024BE7LH ", false},
	} {
		if got := sheet.IsSlackUserID(tt.s); got != tt.want {
			t.Errorf("IsSlackUserID(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestSlackIDCase(t *testing.T) {
	for _, tt := range []struct{ s, want string }{
		{"u01sam", ": Slack ids are in capitals, write U01SAM"},
		{"U01sam", ": Slack ids are in capitals, write U01SAM"},
		{"w012a3cde", ": Slack ids are in capitals, write W012A3CDE"},
		{"U01SAM", ""},     // right already
		{"ursula", ""},     // a name, not an id
		{"c01general", ""}, // a channel's
		{"u01-sam", ""},    // not an id in any case
		{"ann@x.com", ""},
	} {
		if got := sheet.SlackIDCase(tt.s); got != tt.want {
			t.Errorf("SlackIDCase(%q) = %q, want %q", tt.s, got, tt.want)
		}
	}
}

func TestIsEmailCatchesASpreadsheetsSlips(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"ann@example.com", true},
		{"Ann.Archer+coaching@mail.example.co.uk", true},
		{"a@b.c", true},
		{"", false},
		{"ann.example.com", false},   // no @
		{"@example.com", false},      // nothing before it
		{"ann@x@example.com", false}, // two
		{"ann@example", false},       // no dot in the domain
		{"ann@.com", false},          // the dot first
		{"ann@example.", false},      // the dot last
		{"ann@example.com.", false},  // a full stop typed after it
		{"ann smith@example.com", false},
		{"ann@example.com\t", false},
		{"ann@example.com\u200b", false}, // pasted from a web page
		{"Ann <ann@example.com>", false},
		{"ann@example.com,bob@example.com", false},
		{"ann@example.com;", false},
		{"mailto:ann@example.com", false}, // a link's address
		{"ann:smith@example.com", false},
	} {
		if got := sheet.IsEmail(tt.s); got != tt.want {
			t.Errorf("IsEmail(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// A reformatted date is read only as far as the value says: both readings
// of a day and month that could be either, none of a value that hides its
// year or a day that does not exist.
func TestReadExcelDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []sheet.ExcelDate
	}{
		{"Oct-26", []sheet.ExcelDate{{Year: 2026, Month: time.October}}},
		{"Oct 2026", []sheet.ExcelDate{{Year: 2026, Month: time.October}}},
		{"september2025", []sheet.ExcelDate{{Year: 2025, Month: time.September}}},
		{"Sept-26", []sheet.ExcelDate{{Year: 2026, Month: time.September}}},
		{"Dec-99", []sheet.ExcelDate{{Year: 1999, Month: time.December}}},
		{"10/2026", []sheet.ExcelDate{{Year: 2026, Month: time.October}}},
		{"26-Oct-2026", []sheet.ExcelDate{{Year: 2026, Month: time.October, Day: 26}}},
		{"3/1/2026", []sheet.ExcelDate{{Year: 2026, Month: time.March, Day: 1, Order: "month first"}, {Year: 2026, Month: time.January, Day: 3, Order: "day first"}}},
		{"13/1/26", []sheet.ExcelDate{{Year: 2026, Month: time.January, Day: 13}}},
		{"1/13/2026", []sheet.ExcelDate{{Year: 2026, Month: time.January, Day: 13}}},
		{"5.5.2026", []sheet.ExcelDate{{Year: 2026, Month: time.May, Day: 5}}},
		{"26-Oct", nil},      // no year
		{"10/26", nil},       // October 26, or October 2026
		{"Okt-26", nil},      // not an English name
		{"29/2/2025", nil},   // no such day either way
		{"30-Feb-2026", nil}, // no such day
		{"13/2026", nil},     // no such month
		{"3/1/202", nil},     // a year of three digits
		{"2026-10", nil},     // not reformatted at all
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := sheet.ReadExcelDate(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("ReadExcelDate(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

// A company's file with a mistake on every line has thousands of
// problems, counted as the import counts the people it imports.
func TestErrorsCountThousands(t *testing.T) {
	for _, tt := range []struct {
		n           int
		first, last string
	}{
		{2, "2 problems in the file:", "line 3: bad"},
		{25, "25 problems in the file:", "and 5 more"},
		{1200, "1,200 problems in the file:", "and 1,180 more"},
	} {
		var errs sheet.Errors
		for i := range tt.n {
			errs.Add(i+2, "", "bad")
		}
		msg := strings.Split(errs.Error(), "\n")
		if msg[0] != tt.first || msg[len(msg)-1] != tt.last {
			t.Errorf("%d problems: message begins %q and ends %q, want %q and %q", tt.n, msg[0], msg[len(msg)-1], tt.first, tt.last)
		}
	}
}
