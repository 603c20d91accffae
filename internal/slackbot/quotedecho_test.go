package slackbot

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/quickcapture"
)

// A review found refusals quoting what someone typed turn its marks into
// formatting: `"*2w*" is not a date` showed 2w in bold, the quotes bare,
// and a backtick opened code that swallowed the help after it. Quoted
// echoes of typed text now show literally, as names do; the marks
// Coachlog writes itself (`/coach away`) still format.
func TestQuotedTypedTextShowsLiterally(t *testing.T) {
	_, awayErr := coaching.ParseUntil("*2w*", coaching.Date{Year: 2026, Month: 12, Day: 1})
	for _, tt := range []struct{ name, got, typed string }{
		{"away", escQuoted(awayErr.Error()), "*2w*"},
		{"refusal", escKeepMentions(`"_x_" is not an option of /coach export; ask <@U1>.`), "_x_"},
		{"doubt", notUnderstood(quickcapture.Parse("<@U1> 1:1 30m 3 days_ ago pricing", coaching.Date{Year: 2026, Month: 12, Day: 1})), "3 days_ ago"},
		{"ahead", aheadPart("`tmrw"), "`tmrw"},
	} {
		if want := `"` + escName(tt.typed) + `"`; !strings.Contains(tt.got, want) || escName(tt.typed) == tt.typed {
			t.Errorf("%s: %q does not quote %q literally as %q", tt.name, tt.got, tt.typed, want)
		}
	}
	// What Coachlog writes around the quote keeps its formatting, and a
	// mention its markup.
	if got := escKeepMentions("`/coach export`: \"*x*\" for <@U1>"); !strings.HasPrefix(got, "`/coach export`: ") || !strings.HasSuffix(got, " for <@U1>") {
		t.Errorf("escKeepMentions: %q", got)
	}
}
