package quickcapture

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
)

// wednesday is "today" in tests unless a test says otherwise.
var wednesday = coaching.Date{Year: 2026, Month: 11, Day: 25}

func TestParseWholeLines(t *testing.T) {
	for _, tt := range []struct {
		line string
		want Result
	}{
		{
			line: "<@U123|sam> ride-along 45m lead great discovery, rushed pricing",
			want: Result{Draft: coaching.Draft{
				RepIDs: []string{"U123"}, Kind: coaching.KindRideAlong, OccurredOn: wednesday,
				DurationMin: 45, Role: coaching.RoleLead, Notes: "great discovery, rushed pricing",
			}},
		},
		{
			line: "<@U123|sam> 1:1 30m yesterday",
			want: Result{DateGiven: true, Draft: coaching.Draft{
				RepIDs: []string{"U123"}, Kind: coaching.KindOneOnOne,
				OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 24}, DurationMin: 30,
			}},
		},
		{
			line: "<@U1|ann> <@U2|bo>, <@W0ABC|sam.smith> team meeting 1h 30m on the Acme demo",
			want: Result{Draft: coaching.Draft{
				RepIDs: []string{"U1", "U2", "W0ABC"}, Kind: coaching.KindTeamMeeting, OccurredOn: wednesday,
				DurationMin: 90, Notes: "on the Acme demo",
			}},
		},
		{ // a sentence: its kind is a guess, and the notes are all of it
			line: "rode along with @sam on the Acme demo",
			want: Result{
				Draft:      coaching.Draft{Kind: coaching.KindRideAlong, OccurredOn: wednesday, Notes: "rode along with @sam on the Acme demo"},
				Unresolved: []string{"@sam"}, Typed: []string{"@sam"},
				Missing: []coaching.Field{coaching.FieldReps, coaching.FieldDuration, coaching.FieldRole},
				Guessed: []coaching.Field{coaching.FieldKind},
			},
		},
		{
			line: "",
			want: Result{
				Draft:   coaching.Draft{OccurredOn: wednesday},
				Missing: []coaching.Field{coaching.FieldReps, coaching.FieldKind, coaching.FieldDuration},
			},
		},
	} {
		got := Parse(tt.line, wednesday)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) =\n%+v\nwant\n%+v", tt.line, got, tt.want)
		}
	}
}

func TestSubcommandWordsAreNeverACapture(t *testing.T) {
	for _, tt := range []struct{ line, sub, args string }{
		{"help", "help", ""},
		{"?", "help", ""},
		{"  HELP  me please ", "help", "me please"},
		{"stats", "stats", ""},
		{"team", "team", ""},
		{"team meeting <@U1> 30m", "team", "meeting <@U1> 30m"},
		{"history <@U1|sam>", "history", "<@U1|sam>"},
		{"report", "report", ""},
		{"away 2026-12-24", "away", "2026-12-24"},
		{"cadence <@U9|mo> 7", "cadence", "<@U9|mo> 7"},
		{"Export", "export", ""},
		{"prep <@U1|sam>", "prep", "<@U1|sam>"},
		{"help?", "help", ""},
		{"stats, please", "stats", "please"},
	} {
		got := Parse(tt.line, wednesday)
		want := Result{Subcommand: tt.sub, Args: tt.args}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Parse(%q) = %+v, want only subcommand %q with args %q", tt.line, got, tt.sub, tt.args)
		}
	}
	for _, line := range []string{"helping <@U1> 1:1 30m", "<@U1> help 1:1 30m", "teams 30m", "?? 30m"} {
		if got := Parse(line, wednesday); got.Subcommand != "" {
			t.Errorf("Parse(%q).Subcommand = %q, want a capture", line, got.Subcommand)
		}
	}
}

func TestSubcommandsListsTheReservedWords(t *testing.T) {
	want := []string{"help", "stats", "team", "history", "report", "away", "cadence", "export", "prep"}
	if got := Subcommands(); !slices.Equal(got, want) {
		t.Errorf("Subcommands() = %v, want %v", got, want)
	}
	Subcommands()[0] = "changed"
	if Subcommands()[0] != "help" {
		t.Error("Subcommands shares its slice with callers")
	}
}

func TestPeople(t *testing.T) {
	for _, tt := range []struct {
		line       string
		reps       []string
		unresolved []string
	}{
		{"<@U123|sam> 1:1", []string{"U123"}, nil},
		{"<@U123> 1:1", []string{"U123"}, nil},
		{"<@W0ABC|sam.smith> 1:1", []string{"W0ABC"}, nil},
		{"with <@U1> and <@U2> huddle", []string{"U1", "U2"}, nil},
		{"<@U1>,<@U2>, <@U1|ann> huddle", []string{"U1", "U2"}, nil},
		{"<@U1><@U2> huddle", []string{"U1", "U2"}, nil},
		{"<@U1|ann> huddle great, thanks <@U2|bo>", []string{"U1"}, nil},
		{"huddle 30m great job <@U2|bo> and <@U3>", []string{"U2", "U3"}, nil},
		{"1:1 30m (<@U2|bo>) was great", []string{"U2"}, nil},
		{"@sam 1:1", nil, []string{"@sam"}},
		{"<@U1> @sam huddle", []string{"U1"}, []string{"@sam"}},
		{"<!subteam^S123|@sales> huddle", nil, []string{"@sales"}},
		{"<!subteam^S123> huddle", nil, []string{"@S123"}},
		{"<!here> huddle", nil, []string{"@here"}},
		{"<@B01|bot> 1:1", nil, []string{"@bot"}},
		{"<@u12> 1:1", nil, []string{"@u12"}},
		{"<@U1> 1:1 thanks @bob", []string{"U1"}, nil},
		{"<#C1|deals> 1:1 <@U1>", []string{"U1"}, nil},
		{"1:1 sam@acme.com", nil, nil},
	} {
		got := Parse(tt.line, wednesday)
		if !slices.Equal(got.Draft.RepIDs, tt.reps) || !slices.Equal(got.Unresolved, tt.unresolved) {
			t.Errorf("Parse(%q): reps %v, unresolved %v; want %v, %v",
				tt.line, got.Draft.RepIDs, got.Unresolved, tt.reps, tt.unresolved)
		}
	}
}

// People glue a separator between two names ("Sam+Ria", "Sam/Ria") as
// they put it between them with spaces: each joins two reps, and the
// header goes on. An audit found "<@U1>+<@U2>" ended the header, its reps
// guessed from the notes and the kind and duration after it lost.
func TestMentionsJoinedBySeparatorsAreAllReps(t *testing.T) {
	for _, tt := range []struct {
		line  string
		reps  []string
		notes string
	}{
		{"<@U1>+<@U2> huddle 30m went over pricing", []string{"U1", "U2"}, "went over pricing"},
		{"<@U1|sam>+<@U2|ria> huddle 30m went over pricing", []string{"U1", "U2"}, "went over pricing"},
		{"huddle 30m <@U1>+<@U2> went over pricing", []string{"U1", "U2"}, "went over pricing"},
		{"huddle 30m <@U1>+<@U2>+<@W3> went over pricing", []string{"U1", "U2", "W3"}, "went over pricing"},
		{"<@U1>&amp;<@U2> huddle 30m went over pricing", []string{"U1", "U2"}, "went over pricing"}, // & as Slack sends it
		{"<@U1>/<@U2> huddle 30m went over pricing", []string{"U1", "U2"}, "went over pricing"},
		{"<@U1>, +<@U2> huddle 30m", []string{"U1", "U2"}, ""},
		// Already read as two reps; the glued + must agree with them.
		{"<@U1> + <@U2> huddle 30m went over pricing", []string{"U1", "U2"}, "went over pricing"},
		{"<@U1> &amp; <@U2> huddle 30m went over pricing", []string{"U1", "U2"}, "went over pricing"},
		{"<@U1>, <@U2> huddle 30m went over pricing", []string{"U1", "U2"}, "went over pricing"},
		{"<@U1>,<@U2> huddle 30m went over pricing", []string{"U1", "U2"}, "went over pricing"},
		{"<@U1> and <@U2> huddle 30m went over pricing", []string{"U1", "U2"}, "went over pricing"},
		// A separator glued to one name only, or to a word, joins nothing.
		{"huddle 30m <@U1>+ went over pricing", []string{"U1"}, "<@U1>+ went over pricing"},
		{"huddle 30m <@U1>+sam went over pricing", []string{"U1"}, "<@U1>+sam went over pricing"},
	} {
		got := Parse(tt.line, wednesday)
		if !slices.Equal(got.Draft.RepIDs, tt.reps) || got.Draft.Notes != tt.notes {
			t.Errorf("Parse(%q): reps %v, notes %q; want %v, %q", tt.line, got.Draft.RepIDs, got.Draft.Notes, tt.reps, tt.notes)
		}
		if len(tt.reps) > 1 && (!got.Clear() || got.Draft.Kind != coaching.KindTeamMeeting) {
			t.Errorf("Parse(%q): kind %q, clear %v; want a clear team meeting (missing %v, guessed %v)",
				tt.line, got.Draft.Kind, got.Clear(), got.Missing, got.RepsGuessed)
		}
	}
}

// A mention glued to the kind after it is the rep, then the kind, as with
// a space between: on a phone, picking from Slack's @ list and typing on
// leaves no space, and Slack sends "<@U123|ana>1:1". A review found the
// form opened for it, and later for a duration ("<@U1>30m") or a role
// after "as" ("<@U1>as lead") glued the same way. Anything else glued to
// a mention (a word, a role alone, "'s", a comma before a duration)
// stays as it was: the line is a sentence, or its notes.
func TestAMentionGluedToTheKindDurationOrRoleIsReadApart(t *testing.T) {
	for _, tt := range []struct {
		line  string
		reps  []string
		kind  coaching.Kind
		notes string
		clear bool
	}{
		{"<@U123|ana>1:1 30m", []string{"U123"}, coaching.KindOneOnOne, "", true},
		{"<@U123|ana>1:1, 30m pricing", []string{"U123"}, coaching.KindOneOnOne, "pricing", true},
		{"<@U123>1on1 30m", []string{"U123"}, coaching.KindOneOnOne, "", true},
		{"<@U1>ride-along 45m lead great call", []string{"U1"}, coaching.KindRideAlong, "great call", true},
		{"<@U1>team meeting 30m", []string{"U1"}, coaching.KindTeamMeeting, "", true},
		{"<@U1>+<@U2>huddle 30m", []string{"U1", "U2"}, coaching.KindTeamMeeting, "", true},
		{"30m <@U123|ana>1:1", []string{"U123"}, coaching.KindOneOnOne, "", true},
		{"<@U123|ana>'s 1:1 30m", []string{"U123"}, coaching.KindOneOnOne, "<@U123|ana>'s 1:1 30m", false},
		{"<@U1>lead 1:1 30m", []string{"U1"}, coaching.KindOneOnOne, "<@U1>lead 1:1 30m", false},
		{"<@U1>team 30m", []string{"U1"}, "", "<@U1>team 30m", false},
		{"<@U1>1:1s 30m", []string{"U1"}, "", "<@U1>1:1s 30m", false},
		{"<#C1|sales>1:1 30m", nil, "", "<#C1|sales>1:1 30m", false}, // a channel is nobody
		// A duration, or a role after "as", glued the same way.
		{"<@U1>30m 1:1 pricing", []string{"U1"}, coaching.KindOneOnOne, "pricing", true},
		{"1:1 <@U123|ana>30m pricing", []string{"U123"}, coaching.KindOneOnOne, "pricing", true},
		{"1:1 <@U1>1h 30 pricing", []string{"U1"}, coaching.KindOneOnOne, "pricing", true},
		{"1:1 <@U1>45 min pricing", []string{"U1"}, coaching.KindOneOnOne, "pricing", true},
		{"<@U1>+<@U2>45m huddle", []string{"U1", "U2"}, coaching.KindTeamMeeting, "", true},
		{"ride-along 45m <@U1>as lead great call", []string{"U1"}, coaching.KindRideAlong, "great call", true},
		{"ride-along 45m <@U1|ana>as a silent observer", []string{"U1"}, coaching.KindRideAlong, "", true},
		{"<@U1>1to1 30m", []string{"U1"}, coaching.KindOneOnOne, "", true},
		{"1:1 <@U1>30 deals", []string{"U1"}, coaching.KindOneOnOne, "<@U1>30 deals", false},
		{"1:1 <@U1>,5h pricing", []string{"U1"}, coaching.KindOneOnOne, "<@U1>,5h pricing", false},
		{"ride-along 45m <@U1>as a new lead", []string{"U1"}, coaching.KindRideAlong, "<@U1>as a new lead", false},
		{"1:1 <@U1>2nd call 30m", []string{"U1"}, coaching.KindOneOnOne, "<@U1>2nd call 30m", false},
	} {
		got := Parse(tt.line, wednesday)
		if !slices.Equal(got.Draft.RepIDs, tt.reps) || got.Draft.Kind != tt.kind || got.Draft.Notes != tt.notes || got.Clear() != tt.clear {
			t.Errorf("Parse(%q): reps %v, kind %q, notes %q, clear %v; want %v, %q, %q, %v",
				tt.line, got.Draft.RepIDs, got.Draft.Kind, got.Draft.Notes, got.Clear(), tt.reps, tt.kind, tt.notes, tt.clear)
		}
	}
}

// A link, mailto or channel right after the reps starts the notes, kept
// as Slack sent it (the bot unescapes it into what was typed, as any link
// in the notes). An audit found "<@U1>,<mailto:…>" (an address glued
// after the rep) ended the header before the rep: the rep was guessed
// from the notes and the form opened, notes reading "@sam,sam@acme.com".
func TestALinkAfterTheRepsStartsTheNotesAsTyped(t *testing.T) {
	const mail = "<mailto:sam@acme.com|sam@acme.com>"
	for _, tt := range []struct {
		line  string
		reps  []string
		notes string
		clear bool
	}{
		{"1:1 30m <@U1> " + mail + " asked about renewal", []string{"U1"}, mail + " asked about renewal", true},
		{"1:1 30m <@U1>," + mail + " asked about renewal", []string{"U1"}, mail + " asked about renewal", true},
		{"1:1 30m <@U1|sam>" + mail + " asked about renewal", []string{"U1"}, mail + " asked about renewal", true},
		{"1:1 30m <@U1>+<mailto:sam+crm@acme.com|sam+crm@acme.com> asked", []string{"U1"}, "<mailto:sam+crm@acme.com|sam+crm@acme.com> asked", true},
		{"huddle 30m <@U1>+<@U2>," + mail + " asked", []string{"U1", "U2"}, mail + " asked", true},
		{"huddle 30m <@U1>+<@U2> <mailto:a+b@acme.com|a+b@acme.com>", []string{"U1", "U2"}, "<mailto:a+b@acme.com|a+b@acme.com>", true},
		{"1:1 30m <@U1>,<http://acme.com|acme.com> pricing", []string{"U1"}, "<http://acme.com|acme.com> pricing", true},
		{"1:1 30m <@U1><#C1|deals> recap", []string{"U1"}, "<#C1|deals> recap", true},
		// The link ends the header wherever it stands, as with a space.
		{"<@U1>," + mail + " 1:1 30m asked", []string{"U1"}, mail + " 1:1 30m asked", false},
		{"<@U1> " + mail + " 1:1 30m asked", []string{"U1"}, mail + " 1:1 30m asked", false},
	} {
		got := Parse(tt.line, wednesday)
		if !slices.Equal(got.Draft.RepIDs, tt.reps) || got.Draft.Notes != tt.notes || got.Clear() != tt.clear {
			t.Errorf("Parse(%q): reps %v, notes %q, clear %v; want %v, %q, %v (guessed %v)",
				tt.line, got.Draft.RepIDs, got.Draft.Notes, got.Clear(), tt.reps, tt.notes, tt.clear, got.RepsGuessed)
		}
	}
}

func TestNotesAreWhatFollowsTheHeader(t *testing.T) {
	for _, tt := range []struct{ line, notes string }{
		{"<@U1> 1:1 30m", ""},
		{"<@U1> 1:1 30m great call", "great call"},
		{"<@U1> 1:1, 30m, yesterday: great call", "great call"},
		{"<@U1> 1:1 30m, pricing", "pricing"}, // a list's comma, never a decimal one
		{"<@U1> 1:1 30m ,pricing", ",pricing"},
		{"<@U1> ride along 45m lead - rushed pricing", "rushed pricing"},
		{"<@U1> ride along 45m lead — rushed pricing", "rushed pricing"},
		{"<@U1> ride along 45m lead | rushed pricing", "rushed pricing"},
		{"<@U1> ride along 45m lead :fire: great discovery", ":fire: great discovery"}, // an emoji, not a separator
		{"<@U1> 1:1 30m -5% discount agreed", "-5% discount agreed"},
		{"<@U1> 1:1 30m -- good one", "good one"},
		{"<@U1> 1:1 30m with", ""},
		{"<@U1> 1:1 30m on the Acme renewal", "on the Acme renewal"},
		{"<@U1> 1:1 30m. Will practice the lead-in mon", "Will practice the lead-in mon"},
		{"<@U1> 1:1 30m talked\nabout  <#C1|deals>  ", "talked\nabout  <#C1|deals>"},
		{"<@U1> 1:1 45 minutes about 2 deals", "about 2 deals"},
		{"<@U1> 1:1 45 deals", "45 deals"},
		// A bare number joins the hour before it only when it could be
		// its minutes (1 to 59) and follows it directly.
		{"<@U1> ride along lead 1h 30 great discovery", "great discovery"},
		{"<@U1> 1:1 1h 75 calls made", "75 calls made"},
		{"<@U1> 1:1 1h, 30 calls made", "30 calls made"},
		{"<@U1> 1:1 1h 0 calls made", "0 calls made"},
		{"<@U1> 1:1 1h30 20 calls made", "20 calls made"},
		{"<@U1> 1:1 1.5h 20 calls made", "20 calls made"},
		// A second duration where the notes start is the notes' (a
		// review found "30 min" and "5 min" cut from them).
		{"<@U1> 1:1 30m 30 min discovery call next week", "30 min discovery call next week"},
		{"<@U1> 1:1 30m 5 min late, then pricing", "5 min late, then pricing"},
		{"<@U1> ride along 45m lead - 10m on pricing", "10m on pricing"},
		{"great call <@U1> 1:1 30m", "great call <@U1> 1:1 30m"},
		// Once the header is complete, words that could be read as a day,
		// a role or a kind start the notes (an audit found them eaten).
		{"<@U1> 1:1 30m sat in on his pricing call", "sat in on his pricing call"},
		{"<@U1> 1:1 30m lead generation ideas for Q1", "lead generation ideas for Q1"},
		{"<@U1> ride-along 45m lead led the call", "led the call"},
		{"<@U1> ride-along 45m observer observed a great close", "observed a great close"},
		{"<@U1> 1:1 30m career goals for next year", "career goals for next year"},
		{"<@U1> 1:1 30m yesterday sun was out", "sun was out"},
		{"<@U1> 1:1 30m wed great call", "wed great call"}, // a day maybe, asked: TestAWeekdayWhereTheNotesStartIsAGuess
		// Punctuation starting the notes is the notes' own, unless it is a
		// separator standing alone (an audit found ":)" dropped).
		{"<@U1> 1:1 30m :) great call", ":) great call"},
		{"<@U1> 1:1 30m :( rough call", ":( rough call"},
		{"<@U1> 1:1 30m ;) great call", ";) great call"},
		{"<@U1> 1:1 30m :-) great call", ":-) great call"},
		{"<@U1> 1:1 30m :-( rough call", ":-( rough call"},
		{"<@U1> 1:1 30m :D great call", ":D great call"},
		{"<@U1> 1:1 30m :| flat call", ":| flat call"}, // a face, though made of separators
		{"<@U1> 1:1 30m - :-|", ":-|"},
		{"<@U1> 1:1 30m :)", ":)"},
		{"<@U1> 1:1 30m with :)", "with :)"},
		{"<@U1> 1:1 30m - :) great call", ":) great call"},
		{"<@U1> 1:1 30m, :) great call", ":) great call"},
		{"<@U1> 1:1 30m - | great call", "great call"},
		{"<@U1> 1:1 30m -", ""},
		{"<@U1> 1:1 30m with -", ""},
		{"<@U1> 1:1 30m ... then he closed", "... then he closed"},
		{"<@U1> 1:1 30m !! big win", "!! big win"},
		{"<@U1> 1:1 30m ?? no next step", "?? no next step"},
		{"<@U1> 1:1 30m & pricing", "& pricing"}, // as "&amp; pricing", as Slack sends it
		{"<@U1> 1:1 30m &amp; pricing", "&amp; pricing"},
		{"<@U1> 1:1 30m + pricing", "+ pricing"},
		{"<@U1> 1:1 30m => next steps", "=> next steps"},
		{"<@U1> / 1:1 / 30m great", "great"}, // between header words it joins them
	} {
		if got := Parse(tt.line, wednesday).Draft.Notes; got != tt.notes {
			t.Errorf("Parse(%q) notes %q, want %q", tt.line, got, tt.notes)
		}
	}
}

// A dash glued between the duration and the notes is the separator it
// would be standing alone, as a phone's keyboard leaves it ("--" becomes
// "—"): a review found "30m—pricing" opened the form asking how long.
// What follows is read as it would be after " - ": a date, a day still to
// come. A dash that makes the duration a range or an estimate ("30m-1h",
// "30m-ish") is no separator, and the form opens.
func TestADashGluedAfterTheDurationSeparatesTheNotes(t *testing.T) {
	for _, tt := range []struct {
		line    string
		minutes int
		notes   string
		clear   bool
	}{
		{"<@U1> 1:1 30m—pricing", 30, "pricing", true},
		{"<@U1> 1:1 30m-pricing", 30, "pricing", true},
		{"<@U1> 1:1 30m–rushed pricing", 30, "rushed pricing", true},
		{"<@U1> 1:1 30m--rushed pricing", 30, "rushed pricing", true},
		{"<@U1> ride-along lead 1h30—great discovery", 90, "great discovery", true},
		{"<@U1> 1:1 45 min—pricing", 45, "pricing", true},
		{"<@U1> 1:1 30m—Q4 pipeline", 30, "Q4 pipeline", true},
		{"<@U1> 1:1 30m-yesterday", 30, "", true},
		{"<@U1> 1:1 30m—tomorrow we talk pricing", 30, "tomorrow we talk pricing", false},
		{"<@U1> ride-along 30m—lead", 30, "", true},
		{"<@U1> 1:1 30m-ish", 0, "30m-ish", false},
		{"<@U1> 1:1 30m-ish—pricing", 0, "30m-ish—pricing", false},
		{"<@U1> 1:1 30m-long call", 0, "30m-long call", false},
		{"<@U1> 1:1 30m-plus", 0, "30m-plus", false},
		{"<@U1> 1:1 30m-1h", 0, "30m-1h", false},
		{"<@U1> 1:1 1h-1h30", 0, "1h-1h30", false},
		{"<@U1> 1:1 30m-", 0, "30m-", false},
		{"<@U1> 1:1 5 m-commerce deals", 0, "5 m-commerce deals", false},
		{"<@U1> 1:1 5 h-index", 0, "5 h-index", false},
	} {
		got := Parse(tt.line, wednesday)
		if got.Draft.DurationMin != tt.minutes || got.Draft.Notes != tt.notes || got.Clear() != tt.clear {
			t.Errorf("Parse(%q): %d minutes, notes %q, clear %v; want %d, %q, %v",
				tt.line, got.Draft.DurationMin, got.Draft.Notes, got.Clear(), tt.minutes, tt.notes, tt.clear)
		}
	}
}

func TestMissing(t *testing.T) {
	var (
		reps     = coaching.FieldReps
		kind     = coaching.FieldKind
		duration = coaching.FieldDuration
		role     = coaching.FieldRole
	)
	for _, tt := range []struct {
		line string
		want []coaching.Field
	}{
		{"<@U1> 1:1 30m", nil},
		{"<@U1> ride along 30m observed", nil},
		{"<@U1> ride along 30m", []coaching.Field{role}},
		{"<@U1> 1:1", []coaching.Field{duration}},
		{"<@U1> 30m", []coaching.Field{kind}},
		{"1:1 30m", []coaching.Field{reps}},
		{"@sam 1:1 30m", []coaching.Field{reps}},
		{"ride along", []coaching.Field{reps, duration, role}},
		{"<@U1> 1:1 600m", nil}, // read, out of range: a problem (TestProblems), not missing
		{"whatever", []coaching.Field{reps, kind, duration}},
	} {
		if got := Parse(tt.line, wednesday).Missing; !slices.Equal(got, tt.want) {
			t.Errorf("Parse(%q) missing %v, want %v", tt.line, got, tt.want)
		}
	}
}

func TestProblems(t *testing.T) {
	for _, tt := range []struct {
		line string
		want []string
	}{
		{"<@U1> 1:1 30m", nil},
		{"<@U1> 1:1 deal review 30m", []string{"two kinds given: 1:1 and deal review"}},
		{"<@U1> 1:1 one-on-one 30m", nil},
		{"<@U1> ride along lead observer 30m", []string{"two roles given: lead and observer"}},
		{"<@U1> 1:1 45m 30m", []string{"two durations given: 45m and 30m"}},
		{"<@U1> 1:1 1h 60 min", nil},
		{"<@U1> 1:1 30m 30 min discovery call", nil},
		{"<@U1> 1:1 30m 5 min late, then pricing", []string{"two durations given: 30m and 5 min"}},
		{"<@U1> 1:1 600m", []string{"600 minutes is more than 480, the most a session can be"}},
		{"<@U1> 1:1 9h", []string{"540 minutes is more than 480, the most a session can be"}},
		{"<@U1> 1:1 0m", []string{"0 minutes is less than 1, the least a session can be"}},
		{"<@U1> 1:1 30m 2026-12-01", []string{"2026-12-01 is in the future"}},
		{"<@U1> 1:1 30m 2026-02-30", []string{"2026-02-30 is not a real date"}},
		{"<@U1> 1:1 30m 2025-11-01", []string{"2025-11-01 is more than a year ago: the earliest you can log is Tue 25 Nov 2025"}},
		{"<@U1> 1:1 30m 2025-11-24", []string{"2025-11-24 is more than a year ago: the earliest you can log is Tue 25 Nov 2025"}}, // 366 days back: a day over a year
		{"<@U1> 1:1 30m 2025-11-25", nil},
		{"<@U1> 1:1 30m nov 3 2025", []string{"nov 3 2025 is more than a year ago: the earliest you can log is Tue 25 Nov 2025"}},
		{"<@U1> 1:1 30m mon yesterday", []string{"two dates given: mon and yesterday"}},
		{"<@U1> 1:1 30m yesterday tue", nil},
		{"<@U1> <@U2> 1:1 30m", []string{"a 1:1 is with one rep, but 2 are named"}},
		{"<@U1> <@U2> career 30m", []string{"a Career conversation is with one rep, but 2 are named"}},
	} {
		if got := Parse(tt.line, wednesday).Problems; !slices.Equal(got, tt.want) {
			t.Errorf("Parse(%q) problems %q, want %q", tt.line, got, tt.want)
		}
	}
}

func TestClear(t *testing.T) {
	for _, tt := range []struct {
		line string
		want bool
	}{
		{"<@U123|sam> ride-along 45m lead great discovery, rushed pricing", true},
		{"<@U123|sam> 1:1 30m yesterday", true},
		{"<@U1> <@U2> role-play 1h", true},
		{"<@U1|sam> &amp; <@U2|ria> team meeting 30m", true}, // & as Slack sends it
		{"<@U1> ride-along 45m", false},                      // role missing
		{"<@U1> @bob huddle 45m", false},                     // @bob unresolved
		{"<@U1> 1:1 30m 2026-12-01", false},                  // future date
		{"help", false},                                      // a subcommand
		{"<@U1> 1:1 30m thanks @bob", true},                  // @bob is in the notes
		{"<@U1> 1:1 30m <!subteam^S1|@x>", false},            // a user group
		// A rep only in the notes is a guess: asked, not logged (an audit
		// found it logged as a 1:1 with Ria).
		{"1:1 30m with Sam, went over how <@U2|ria> handles pricing", false},
	} {
		if got := Parse(tt.line, wednesday).Clear(); got != tt.want {
			t.Errorf("Parse(%q).Clear() = %v, want %v", tt.line, got, tt.want)
		}
	}
}

func TestLimitsTheDomainSets(t *testing.T) {
	var many strings.Builder
	for i := range coaching.MaxReps + 1 {
		fmt.Fprintf(&many, "<@U%d> ", i)
	}
	for _, tt := range []struct{ line, problem string }{
		{many.String() + "huddle 30m", "51 reps are named; at most 50 can be"},
		{"<@U1> 1:1 30m " + strings.Repeat("é", coaching.MaxNotesLen+1), "the notes are 3,001 characters; at most 3,000 fit"},
	} {
		if got := Parse(tt.line, wednesday).Problems; !slices.Equal(got, []string{tt.problem}) {
			t.Errorf("problems %q, want %q", got, tt.problem)
		}
	}
	if got := Parse("<@U1> 1:1 30m "+strings.Repeat("é", coaching.MaxNotesLen), wednesday); !got.Clear() {
		t.Errorf("3000 characters of notes: problems %q, want clear", got.Problems)
	}
	// 1,600 characters as typed, 3,199 as Slack sends them (& as &amp;).
	if got := Parse("<@U1> 1:1 30m "+strings.Repeat("Q&amp;A ", 400), wednesday); !got.Clear() {
		t.Errorf("1,600 typed characters of notes: problems %q, want clear", got.Problems)
	}
}

// Pasted or hostile text must cost little: people are deduplicated without
// searching, and only the first words are read for structure.
func TestHugeLines(t *testing.T) {
	var mentions strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&mentions, "<@U%d>", i)
	}
	got := Parse(mentions.String()+" huddle 30m", wednesday)
	if len(got.Draft.RepIDs) != 20000 || got.Draft.Kind != coaching.KindTeamMeeting {
		t.Errorf("20,000 glued mentions: %d reps, kind %q; want 20000, team meeting", len(got.Draft.RepIDs), got.Draft.Kind)
	}
	got = Parse(strings.Repeat("and ", 1000)+"<@U1> 1:1 30m", wednesday)
	if len(got.Draft.RepIDs) != 1 || got.Draft.Kind != "" || !strings.HasSuffix(got.Draft.Notes, "and <@U1> 1:1 30m") {
		t.Errorf("1,000 filler words first: reps %v, kind %q; want only the mention found, in the notes", got.Draft.RepIDs, got.Draft.Kind)
	}
	got = Parse(strings.Repeat("<", 1<<20), wednesday)
	if got.Draft.Notes == "" {
		t.Error("a megabyte of '<' lost its text")
	}
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		Parse("<@U123|sam> ride-along 45m lead great discovery, rushed pricing", wednesday)
	}
}
