package quickcapture

import (
	"slices"
	"testing"
)

// A subcommand mistyped, alone or before what it would take, is taken
// for that subcommand; a line that names someone, a kind, a role or a
// duration, or starts with a word the grammar knows, is a capture, never
// a typo, however close its first word is to a subcommand.
func TestMeantSubcommand(t *testing.T) {
	for _, tt := range []struct {
		line, want string
	}{
		// Near misses.
		{"histroy", "history"},
		{"stat", "stats"},
		{"reprot", "report"},
		{"exprt", "export"},
		{"Histroy", "history"},
		{"hsitory", "history"},
		{"teams", "team"},
		{"hlep", "help"},
		{"cadance", "cadence"},
		{"reprot last week", "report"},
		{"exprt --from 2026-01-01", "export"},
		{"awya fri", "away"},
		{"perp", "prep"},
		{"awya until dec 24", "away"},
		{"awya 2w", "away"},
		{"reprot 2026-W48", "report"},
		// Notes whose first word is a subcommand's near miss: the form
		// opens on them, as on any note.
		{"teams call with ria about pricing went well", ""},
		{"preps for the QBR with ria", ""},
		{"hepl me", ""},
		{"stat review went well", ""},
		// Real captures and words the grammar knows.
		{"1:1", ""},
		{"1:1 30m notes", ""},
		{"ride-along 45m lead", ""},
		{"ride", ""},
		{"team meeting", ""},
		{"team meeting 30m", ""},
		{"huddle", ""},
		{"lead", ""},
		{"led the call", ""},
		{"career", ""},
		{"practice", ""},
		{"call", ""},
		{"call with sam", ""},
		{"histroy <@U1|sam>", ""},
		{"stat <@U1|sam> 1:1 30m", ""},
		{"<@U1|sam> histroy", ""},
		{"stat @sam", ""},
		{"stat 30m", ""},
		{"stat 1:1", ""},
		{"hstory <!subteam^S1|@sales>", ""},
		{"tem 30m went over pricing", ""},
		{"today", ""},
		{"sat", ""},
		{"with", ""},
		{"sam", ""},
		{"tom", ""},
		{"read", ""},
		{"hi", ""},
		{"st", ""},
		{"hist0ry", ""},
		{"great call, rushed pricing", ""},
	} {
		if got := Parse(tt.line, wednesday).Meant; got != tt.want {
			t.Errorf("Parse(%q).Meant = %q, want %q", tt.line, got, tt.want)
		}
	}
}

// A subcommand taking a mention, mistyped before the one person it
// names, is still a capture (a line naming someone is one), but the form
// is told what may have been meant; anything a capture has, a second
// person, or notes, and it is only a capture.
func TestMaybeMeantSubcommand(t *testing.T) {
	for _, tt := range []struct {
		line, want string
	}{
		{"histroy <@U1|sam>", "history"},
		{"Histroy <@U1|sam>", "history"},
		{"perp <@U1|sam>", "prep"},
		{"reprot <@U1|sam> last week", "report"},
		{"awya <@U1|sam> fri", "away"},
		{"cadance <@U1|sam> 14", "cadence"},
		{"hsitory <@U1>", "history"},
		// Subcommands that take no one, or no typo at all.
		{"stat <@U1|sam>", ""},
		{"tem <@U1|sam>", ""},
		{"<@U1|sam> histroy", ""},
		{"<@U1|sam>", ""},
		// What a capture has, or more than one person.
		{"histroy <@U1|sam> 30m", ""},
		{"histroy <@U1|sam> 1:1", ""},
		{"histroy <@U1|sam> <@U2|ria>", ""},
		{"histroy <@U1|sam> went over pricing", ""},
		{"histroy @sam", ""},
		{"histroy <!subteam^S1|@sales>", ""},
		{"histroy <@U1|sam> on 2026-12-31", ""},
		// A typo with nobody named is Meant's, not this.
		{"histroy", ""},
	} {
		if got := Parse(tt.line, wednesday).MaybeMeant; got != tt.want {
			t.Errorf("Parse(%q).MaybeMeant = %q, want %q", tt.line, got, tt.want)
		}
	}
}

// A channel picked where a person was meant is told of when the header
// names nobody; one in the notes of a capture naming its reps is prose.
func TestChannelsWherePeopleWereMeant(t *testing.T) {
	for _, tt := range []struct {
		line string
		want []string
	}{
		{"<#C0SALES|sales> 1:1 30m notes", []string{"<#C0SALES|sales>"}},
		{"<#C0SALES> <#C0SALES> <#G0OPS|ops> 1:1", []string{"<#C0SALES>", "<#G0OPS|ops>"}},
		{"<@U1|sam> 1:1 30m posted in <#C0SALES|sales>", nil},
		{"1:1 30m with sam", nil},
	} {
		if got := Parse(tt.line, wednesday).Channels; !slices.Equal(got, tt.want) {
			t.Errorf("Parse(%q).Channels = %q, want %q", tt.line, got, tt.want)
		}
	}
}
