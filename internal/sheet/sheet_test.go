package sheet_test

import (
	"testing"

	"github.com/coachlog/coachlog/internal/sheet"
)

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
	} {
		if got := sheet.IsEmail(tt.s); got != tt.want {
			t.Errorf("IsEmail(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}
