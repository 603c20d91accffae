package quickcapture

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/coaching"
)

// FuzzParse checks what callers rely on whatever a manager (or anyone with
// the slash command) types: Parse never panics, a clear result can be logged
// as it is, and nothing invented leaks into the draft.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"<@U123|sam> ride-along 45m lead great discovery, rushed pricing",
		"<@U123|sam> 1:1 30m yesterday",
		"<@U1|ann> <@U2|bo>, <@W0ABC|sam.smith> team meeting 1h 30m on the Acme demo",
		"<@U1><@U2> huddle 1.5 hours last mon - <#C1|deals> recap",
		"with <@U1> and @sam took the lead on a joint call 1h30m 2026-11-20",
		"<!subteam^S1|@sales> <!here> group role-play 90 min",
		"<@U1> 1:1 deal review 45m 30m 2026-02-30 2026-12-01",
		"<@U1> <@U2> career 0m 600 minutes",
		"help", "?", "team meeting <@U1> 30m", "cadence <@U9|mo> 7", "away",
		"rode along with @sam on the Acme demo, mostly watched",
		"joined <@U1|sam> on a call for an hour and took the lead, yesterday",
		"had a 30-minute one-on-one with <@U1> on 20 nov, he led, half an hour",
		"<@U1> 1:1 30m 11/20 pricing", "<@U1> 1:1 30m 3/4/26 yday last week 3 days ago",
		"<@U1> ride 1 h 30 m silent observer — lead-in on mon",
		"<@B01|bot> <@u1> <@> <!subteam^> <@U1|a b c> 1 on 1 999999999h",
		"<<@U1>> <@U1 <@U1|> > 1h 60 min",
		"\x00\x01<@U1>\xff\xfe 1:1 30m \u2028notes\u00a0here",
		"<@U1>\t1:1\n30m\r\nnotes",
		strings.Repeat("and ", 500) + "<@U1> 1:1 30m",
		strings.Repeat("<@U1> ", 300),
		"<" + strings.Repeat("x", 300) + "> 1:1",
	} {
		f.Add(seed, 0)
	}
	base := coaching.Date{Year: 2026, Month: 11, Day: 25}
	f.Fuzz(func(t *testing.T, line string, shift int) {
		today := base.AddDays(shift % 4000)
		r := Parse(line, today)
		checkResult(t, line, today, r)
		if again := Parse(line, today); !reflect.DeepEqual(r, again) {
			t.Fatalf("Parse(%q) is not deterministic:\n%+v\n%+v", line, r, again)
		}
	})
}

var userID = regexp.MustCompile(`^[UW][A-Z0-9]+$`)

func checkResult(t *testing.T, line string, today coaching.Date, r Result) {
	t.Helper()
	d := r.Draft
	if r.Subcommand != "" {
		if !slices.Contains(Subcommands(), r.Subcommand) {
			t.Fatalf("Parse(%q): unknown subcommand %q", line, r.Subcommand)
		}
		if !reflect.DeepEqual(r, Result{Subcommand: r.Subcommand, Args: r.Args}) {
			t.Fatalf("Parse(%q): subcommand %q with more parsed: %+v", line, r.Subcommand, r)
		}
		return
	}
	if d.DurationMin != 0 && (d.DurationMin < 1 || d.DurationMin > coaching.MaxDurationMin) {
		t.Fatalf("Parse(%q): duration %d out of range", line, d.DurationMin)
	}
	for i, id := range d.RepIDs {
		if !userID.MatchString(id) || slices.Contains(d.RepIDs[:i], id) {
			t.Fatalf("Parse(%q): rep ids %q not unique user ids", line, d.RepIDs)
		}
		if !strings.Contains(line, "<@"+id) {
			t.Fatalf("Parse(%q): rep %s is not mentioned", line, id)
		}
	}
	for _, who := range r.Unresolved {
		if !strings.HasPrefix(who, "@") {
			t.Fatalf("Parse(%q): unresolved %q does not read as a name", line, who)
		}
	}
	if (d.Kind != "" && !d.Kind.Valid()) || (d.Role != "" && !d.Role.Valid()) {
		t.Fatalf("Parse(%q): kind %q, role %q not known", line, d.Kind, d.Role)
	}
	if !r.DateGiven && d.OccurredOn != today {
		t.Fatalf("Parse(%q): no date given, yet occurred on %s, not today %s", line, d.OccurredOn, today)
	}
	if !strings.Contains(line, d.Notes) {
		t.Fatalf("Parse(%q): notes %q are not from the line", line, d.Notes)
	}
	if utf8.ValidString(line) && !utf8.ValidString(d.Notes) {
		t.Fatalf("Parse(%q): notes %q are not valid UTF-8", line, d.Notes)
	}
	if r.Clear() {
		if len(d.RepIDs) == 0 || d.Kind == "" || d.DurationMin == 0 || (d.Kind == coaching.KindRideAlong && d.Role == "") {
			t.Fatalf("Parse(%q): clear but incomplete: %+v", line, d)
		}
		if errs := coaching.ValidateDraft(d, "", today, nil); errs != nil {
			t.Fatalf("Parse(%q): clear but the domain refuses it: %v", line, errs)
		}
	}
}
