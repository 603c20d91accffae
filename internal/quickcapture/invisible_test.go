package quickcapture

import (
	"reflect"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
)

// The header's words read as they look: a character that shows nothing (a
// zero-width space or joiner, a direction mark, NUL), pasted in with
// right-to-left text or by a phone's keyboard, does not hide a duration,
// a kind, a date or a rep, and full-width forms read as the ASCII they
// look like. The notes keep every character as written, emoji sequences
// and direction marks included.
func TestHeaderWordsReadAsTheyLook(t *testing.T) {
	yesterday := wednesday.AddDays(-1)
	for _, tt := range []struct {
		line    string
		minutes int
		kind    coaching.Kind
		on      coaching.Date
		notes   string
	}{
		{"<@U1> 1:1 30m\u200b great", 30, coaching.KindOneOnOne, wednesday, "great"},
		{"<@U1> 1:1 3\u200d0m \u200fשיחה טובה", 30, coaching.KindOneOnOne, wednesday, "\u200fשיחה טובה"},
		{"<@U1> 1:1 \u200f45m 👩\u200d💻 demo", 45, coaching.KindOneOnOne, wednesday, "👩\u200d💻 demo"},
		{"<@U1> 1:1 45m\x00 notes", 45, coaching.KindOneOnOne, wednesday, "notes"},
		{"<@U1> 1:1 1h\u2060 30m notes", 90, coaching.KindOneOnOne, wednesday, "notes"},
		{"<@U1> 1:1 30m, \ufeffyesterday notes", 30, coaching.KindOneOnOne, yesterday, "notes"},
		{"<@U1> 1:1 30m 2026-11-24\u200e notes", 30, coaching.KindOneOnOne, yesterday, "notes"},
		{"<@U1> 1:1\u200b 30m notes", 30, coaching.KindOneOnOne, wednesday, "notes"},
		{"<@U1> ride\u200d-along 45m lead notes", 45, coaching.KindRideAlong, wednesday, "notes"},
		{"\u200f<@U1> 1:1 30m notes", 30, coaching.KindOneOnOne, wednesday, "notes"},
		{"<@U1> \u200b 1:1 30m notes", 30, coaching.KindOneOnOne, wednesday, "notes"},
		// Full-width forms, as an East Asian input method types them.
		{"<@U1> 1:1 ３０m notes", 30, coaching.KindOneOnOne, wednesday, "notes"},
		{"<@U1> 1:1 ３０ｍ， notes", 30, coaching.KindOneOnOne, wednesday, "notes"},
		{"<@U1> １:１ １ｈ３０ notes", 90, coaching.KindOneOnOne, wednesday, "notes"},
		{"<@U1> 1:1 ４５ ＭＩＮ ２０２６-１１-２４ notes", 45, coaching.KindOneOnOne, yesterday, "notes"},
	} {
		r := Parse(tt.line, wednesday)
		d := r.Draft
		if d.DurationMin != tt.minutes || d.Kind != tt.kind || d.OccurredOn != tt.on || d.Notes != tt.notes ||
			!reflect.DeepEqual(d.RepIDs, []string{"U1"}) || !r.Clear() {
			t.Errorf("Parse(%q) = %d minutes, %s, %s, reps %v, notes %q, clear %v (%+v); want %d, %s, %s, [U1], %q, clear",
				tt.line, d.DurationMin, d.Kind, d.OccurredOn, d.RepIDs, d.Notes, r.Clear(), r, tt.minutes, tt.kind, tt.on, tt.notes)
		}
	}
}

// A subcommand word reads as it looks too: "/coach away" with a
// zero-width space in it is /coach away, never a capture.
func TestSubcommandWordsReadAsTheyLook(t *testing.T) {
	for _, tt := range []struct{ line, sub, args string }{
		{"\u200baway 2w", "away", "2w"},
		{"away\u200f 2w", "away", "2w"},
		{"ａｗａｙ 2w", "away", "2w"},
		{"\u2066？\u2069", "help", ""},
	} {
		r := Parse(tt.line, wednesday)
		if r.Subcommand != tt.sub || r.Args != tt.args {
			t.Errorf("Parse(%q) = subcommand %q, args %q; want %q, %q", tt.line, r.Subcommand, r.Args, tt.sub, tt.args)
		}
	}
}
