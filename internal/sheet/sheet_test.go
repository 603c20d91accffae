package sheet_test

import (
	"testing"

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
