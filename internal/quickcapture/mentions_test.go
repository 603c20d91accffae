package quickcapture

import (
	"slices"
	"testing"
)

func TestMentions(t *testing.T) {
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"", nil},
		{"rode along with <@U1|sam>, great call", []string{"U1"}},
		{"<@U1> and <@W0ABC|ann.lee> then <@U1|sam> again", []string{"U1", "W0ABC"}},
		{"(<@U2|bo>)'s pitch, <@U3>.", []string{"U2", "U3"}},
		{"@sam typed by hand, <!here>, <!subteam^S1|@sales>, <#C1|deals>, <@B01|bot>, <@u12>", nil},
		{"stray < and <@U4|x", nil},
	} {
		if got := Mentions(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("Mentions(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestRepsGuessedWhenTheHeaderNamesNobody(t *testing.T) {
	for _, tt := range []struct {
		line string
		want bool
	}{
		{"<@U1|sam> 1:1 30m great call", false},
		{"<@U1> @sam huddle", false},
		{"rode along with <@U1|sam> on the Acme demo", true},
		{"huddle 30m great job <@U2|bo> and <@U3>", true},
		{"@sam 1:1 30m", false},
		{"whatever", false},
	} {
		if got := Parse(tt.line, wednesday).RepsGuessed; got != tt.want {
			t.Errorf("Parse(%q).RepsGuessed = %v, want %v", tt.line, got, tt.want)
		}
	}
}
