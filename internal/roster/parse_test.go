package roster_test

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/roster"
)

const header = "slack_id,email,name,role,manager,tier,timezone"

// importDate is the "today" of every test import.
func importDate() coaching.Date { return coaching.Date{Year: 2026, Month: time.November, Day: 26} }

// file joins lines into a roster file with Unix line endings.
func file(lines ...string) io.Reader { return strings.NewReader(strings.Join(lines, "\n") + "\n") }

func TestParseAccepts(t *testing.T) {
	today := importDate()
	for _, tt := range []struct {
		name string
		in   io.Reader
		want []roster.Entry
	}{
		{
			name: "a leader, a manager and a rep",
			in: file(header,
				"U01,ann@example.com,Ann,leader,,,Europe/Berlin",
				"U02,,Bob,manager,U01,,",
				"W03,,Cat,rep,U02,top,"),
			want: []roster.Entry{
				{Line: 2, SlackID: "U01", Email: "ann@example.com", Name: "Ann", Roles: []string{"leader"}, TZ: "Europe/Berlin"},
				{Line: 3, SlackID: "U02", Name: "Bob", Roles: []string{"manager"}, ManagerRef: "U01"},
				{Line: 4, SlackID: "W03", Name: "Cat", Roles: []string{"rep"}, ManagerRef: "U02", Tier: coaching.TierTop},
			},
		},
		{
			name: "Excel's byte order mark and CRLF line endings",
			in:   strings.NewReader("\ufeff" + header + "\r\nU01,,Ann,manager,,,\r\nU02,,Bob,rep,U01,bottom,\r\n"),
			want: []roster.Entry{
				{Line: 2, SlackID: "U01", Name: "Ann", Roles: []string{"manager"}},
				{Line: 3, SlackID: "U02", Name: "Bob", Roles: []string{"rep"}, ManagerRef: "U01", Tier: coaching.TierBottom},
			},
		},
		{
			name: "columns in any order, names in any case and padded",
			in:   file(" Tier , NAME,Role,Slack_ID,timezone,manager,EMAIL", "middle,Ann,rep,U01,,,ann@example.com"),
			want: []roster.Entry{
				{Line: 2, SlackID: "U01", Email: "ann@example.com", Name: "Ann", Roles: []string{"rep"}, Tier: coaching.TierMiddle},
			},
		},
		{
			name: "optional cadence_days and since, each may be empty",
			in: file("since,"+header+",cadence_days",
				"2025-01-15,U01,,Ann,manager,,,,7",
				",U02,,Bob,rep,U01,,,",
				"2026-11-26,U03,,Cat,rep,U01,,,365",
				"1900-01-01,U04,,Dan,rep,U01,,,"),
			want: []roster.Entry{
				{Line: 2, SlackID: "U01", Name: "Ann", Roles: []string{"manager"}, CadenceDays: 7, Since: coaching.Date{Year: 2025, Month: time.January, Day: 15}},
				{Line: 3, SlackID: "U02", Name: "Bob", Roles: []string{"rep"}, ManagerRef: "U01"},
				{Line: 4, SlackID: "U03", Name: "Cat", Roles: []string{"rep"}, ManagerRef: "U01", CadenceDays: 365, Since: coaching.Date{Year: 2026, Month: time.November, Day: 26}},
				{Line: 5, SlackID: "U04", Name: "Dan", Roles: []string{"rep"}, ManagerRef: "U01", Since: coaching.Date{Year: 1900, Month: time.January, Day: 1}},
			},
		},
		{
			name: "blank lines and rows of bare commas are skipped but keep their line numbers",
			in:   file(header, "", "U01,,Ann,manager,,,", ",,,,,,", "  ", "U02,,Bob,rep,U01,,"),
			want: []roster.Entry{
				{Line: 3, SlackID: "U01", Name: "Ann", Roles: []string{"manager"}},
				{Line: 6, SlackID: "U02", Name: "Bob", Roles: []string{"rep"}, ManagerRef: "U01"},
			},
		},
		{
			// Spaces, hyphens and underscores in a name are one: a CRM
			// writes Slack ID and Time Zone.
			name: "column names as a CRM writes them",
			in:   file("Slack ID, Email ,NAME,Role,Manager,Tier,Time Zone,Cadence-Days,SINCE", "U01,ann@example.com,Ann,rep,,,Europe/Berlin,7,"),
			want: []roster.Entry{
				{Line: 2, SlackID: "U01", Email: "ann@example.com", Name: "Ann", Roles: []string{"rep"}, TZ: "Europe/Berlin", CadenceDays: 7},
			},
		},
		{
			// UTC by any of its names, and a place's zone by its old name
			// (US/Eastern is America/New_York), mean what they say.
			name: "UTC and a place's zone by an old name",
			in:   file(header, "U01,,Ann,manager,,,UTC", "U02,,Bob,rep,U01,,GMT", "U03,,Cat,rep,U01,,Etc/UTC", "U04,,Dan,rep,U01,,US/Eastern", "U05,,Eve,rep,U01,,America/Argentina/Buenos_Aires"),
			want: []roster.Entry{
				{Line: 2, SlackID: "U01", Name: "Ann", Roles: []string{"manager"}, TZ: "UTC"},
				{Line: 3, SlackID: "U02", Name: "Bob", Roles: []string{"rep"}, ManagerRef: "U01", TZ: "GMT"},
				{Line: 4, SlackID: "U03", Name: "Cat", Roles: []string{"rep"}, ManagerRef: "U01", TZ: "Etc/UTC"},
				{Line: 5, SlackID: "U04", Name: "Dan", Roles: []string{"rep"}, ManagerRef: "U01", TZ: "US/Eastern"},
				{Line: 6, SlackID: "U05", Name: "Eve", Roles: []string{"rep"}, ManagerRef: "U01", TZ: "America/Argentina/Buenos_Aires"},
			},
		},
		{
			name: "email-only rows, emails and manager emails compared case-insensitively",
			in:   file(header, "U01,Ann@Example.COM,Ann,manager,,,", ",bob@example.com,Bob,rep,ANN@example.com,,"),
			want: []roster.Entry{
				{Line: 2, SlackID: "U01", Email: "ann@example.com", Name: "Ann", Roles: []string{"manager"}},
				{Line: 3, Email: "bob@example.com", Name: "Bob", Roles: []string{"rep"}, ManagerRef: "ann@example.com"},
			},
		},
		{
			name: "roles joined by +, in any case, a repeat counted once; quoted names; trimmed fields",
			in:   file(header, `U01,, "Smith, Ann",Leader+ADMIN,,,`, "U02,,Bob, rep + manager + rep ,U01,,"),
			want: []roster.Entry{
				{Line: 2, SlackID: "U01", Name: "Smith, Ann", Roles: []string{"leader", "admin"}},
				{Line: 3, SlackID: "U02", Name: "Bob", Roles: []string{"rep", "manager"}, ManagerRef: "U01"},
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := roster.Parse(tt.in, today)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// problem is an expected LineError: its line and field, and a telling part
// of its message.
type problem struct {
	line     int
	field    string
	contains string
}

func TestParseRejects(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   string
		want []problem
	}{
		{"an empty file", "", []problem{{1, "", "file is empty"}}},
		{"semicolons, as Excel saves CSV in many locales", "slack_id;email;name;role;manager;tier;timezone\nU01;;Ann;rep;;;\n", []problem{{1, "", "separated by semicolons"}}},
		{"tabs, as Excel saves Text (Tab delimited)", "slack_id\temail\tname\trole\tmanager\ttier\ttimezone\r\nU01\t\tAnn\trep\t\t\t\r\n", []problem{{1, "", "separated by tabs"}}},
		{"a header that is not CSV", "slack_id,\"email\"x\n", []problem{{1, "", "unreadable CSV in column 2"}}},
		{"a header and nobody", header + "\n", []problem{{1, "", "nobody"}}},
		{"a missing column", "slack_id,email,name,role,manager,timezone\nU01,,Ann,rep,,\n", []problem{{1, "tier", "required column is missing"}}},
		{"an unknown column", header + ",team\nU01,,Ann,rep,,,,x\n", []problem{{1, "team", "unknown column; the columns are slack_id, email"}}},
		// A CRM's export: a name with a word more, or a typo, is one
		// column's near miss; it is not taken for it.
		{"a CRM's column names", "Slack ID,Email Address,Full Name,Role,Manager,Tier,Time Zone,Territory,Cadence Dyas\nU01,a@b.co,Ann,rep,,,,EMEA,7\n", []problem{
			{1, "email address", "unknown column; did you mean email? The columns are slack_id, email, name"},
			{1, "full name", "unknown column; did you mean name?"},
			{1, "territory", "unknown column; the columns are slack_id"},
			{1, "cadence dyas", "unknown column; did you mean cadence_days?"},
			{1, "email", "required column is missing"}, {1, "name", "required column is missing"}}},
		{"typos in column names", "slack_id,emial,name,rol,manger,teir,timezone,email\n", []problem{
			{1, "emial", "unknown column; the columns are"}, // email is there
			{1, "rol", "did you mean role?"}, {1, "manger", "did you mean manager?"}, {1, "teir", "did you mean tier?"},
			{1, "role", "required column is missing"}, {1, "manager", "required column is missing"}, {1, "tier", "required column is missing"}}},
		{"a column twice", header + ",Tier\n", []problem{{1, "tier", "twice"}}},
		{"a column without a name, with data", header + ",\nU01,,Ann,rep,,,,x\n", []problem{{1, "", "column 8 has no name, and line 2 has something in it"}}},
		{"a row of the wrong length", header + "\nU01,,Ann,rep,,\n", []problem{{2, "", "has 6 fields; the header has 7"}}},
		{
			"an unreadable row, without noise about those reporting to it",
			header + "\nU01,,Ann,manager,,\nU02,,Bob,rep,U01,,\n",
			[]problem{{2, "", "has 6 fields"}},
		},
		// A broken quote names the field the reader stopped in, counted as
		// the reader split the line: a byte column would miscount after a
		// quoted comma or line break.
		{"a bare quote", header + "\nU01,,An\"n,rep,,,\nU02,,Bob,rep,,gold,\n", []problem{{2, "name", `bare "`}, {3, "tier", "gold"}}},
		{"text after a closing quote", header + "\nU01,,\"Ann\" Smith,rep,,,\n", []problem{{2, "name", `extraneous or missing "`}}},
		{"a quote never closed, read to the end of the file", header + "\nU01,,\"Ann,rep,,,\nU02,,Bob,rep,,gold,\n", []problem{{2, "name", "runs on to line 3"}}},
		{"a bare quote after a quoted comma", header + "\nU01,,\"Smith, Ann\",re\"p,,,\n", []problem{{2, "role", `bare "`}}},
		{"a bare quote after a quoted line break", header + "\nU01,,\"Ann\nSmith\",re\"p,,,\n", []problem{{2, "role", `bare "`}}},
		{"text after a closing quote, after letters of several bytes", header + "\nU01,zoë@example.com,Zoë Ørsted,rep,,\"top\"x,\n", []problem{{2, "tier", "quote"}}},
		{"a bare quote past the last column", header + "\nU01,,Ann,rep,,,,x\"y\n", []problem{{2, "", "unreadable CSV in column 8"}}},
		{"a lower-case slack_id", header + "\nu01,,Ann,rep,,,\n", []problem{
			{2, "slack_id", `"u01" is not a Slack user id: Slack ids are in capitals, write U01`}}},
		{"a lower-case manager id of a row", header + "\nU01SAM,,Sam,manager,,,\nU02,,Bob,rep,u01sam,,\n", []problem{
			{3, "manager", `"u01sam" is not the slack_id or email of anyone in this file (the file is the whole roster): Slack ids are in capitals, write U01SAM`}}},
		{"a slack_id that is a channel", header + "\nC01,,Ann,rep,,,\n", []problem{{2, "slack_id", "not a Slack user id"}}},
		{"neither slack_id nor email", header + "\n,,Ann,rep,,,\n", []problem{{2, "slack_id", "give a slack_id, or an email"}}},
		{"an email without @", header + "\n,ann.example.com,Ann,rep,,,\n", []problem{{2, "email", "not an email address"}}},
		{"an email without a dot in the domain", header + "\n,ann@example,Ann,rep,,,\n", []problem{{2, "email", "not an email address"}}},
		{"an email with two @", header + "\n,ann@x@example.com,Ann,rep,,,\n", []problem{{2, "email", "not an email address"}}},
		{"an email with a line break", header + "\nU01,\"ann\nsmith@example.com\",Ann,rep,,,\n", []problem{{2, "email", "line break"}}},
		{"an email with a space inside", header + "\n,ann smith@example.com,Ann,rep,,,\n", []problem{{2, "email", "space"}}},
		{"an email with a zero-width space, pasted from a web page", header + "\n,ann@example.com\u200b,Ann,rep,,,\n", []problem{{2, "email", "invisible character"}}},
		{"an email as a mailto: link", header + "\nU01,mailto:ann@example.com,Ann,rep,,,\nU02,Mailto:Bob@Example.com,Bob,rep,,,\n", []problem{
			{2, "email", `"mailto:ann@example.com" is a link: write the address without mailto: (ann@example.com)`},
			{3, "email", `"mailto:bob@example.com" is a link: write the address without mailto: (bob@example.com)`}}},
		{"a manager as a mailto: link", header + "\nU01,ann@example.com,Ann,manager,,,\nU02,,Bob,rep,mailto:ann@example.com,,\n", []problem{
			{3, "manager", `"mailto:ann@example.com" is a link: write the address without mailto: (ann@example.com)`}}},
		{"no role", header + "\nU01,,Ann,,,,\n", []problem{{2, "role", "give one or more of rep, manager, leader, admin"}}},
		{"a name across two lines", header + "\nU01,,\"Ann\nSmith\",rep,,,\n", []problem{{2, "name", "line break"}}},
		// A spreadsheet shows a cell with a line break on one row: the
		// lines after it are numbered as its rows, not as the text's lines.
		{
			"lines after a cell across lines, numbered as a spreadsheet's rows",
			header + "\nU01,,\"Ann\r\nvon\r\nSmith\",manager,,,\r\nU02,,Bob,rep,U01,gold,\r\nU01,,Cat,rep,U01,,\r\n",
			[]problem{{2, "name", "line break"}, {3, "tier", "gold"}, {4, "slack_id", "U01 is also on line 2"}},
		},
		{
			"an unreadable line after a cell across lines",
			header + "\nU01,,\"Ann\nSmith\",rep,,,\nU02,,Bo\"b,rep,,,\nU03,,\"Cat,rep,,,\nU04,,Dan,rep,,,\n",
			[]problem{{2, "name", "line break"}, {3, "name", `bare "`}, {4, "name", "runs on to line 5"}},
		},
		{"a name with a tab", header + "\nU01,,\"Ann\tSmith\",rep,,,\n", []problem{{2, "name", "control character"}}},
		{"a name a cell long", header + "\nU01,," + strings.Repeat("A", 251) + ",rep,,,\n", []problem{{2, "name", "is 251 characters; a name has at most 250"}}},
		{"a name a paragraph long", header + "\nU01,," + strings.Repeat("A", 1200) + ",rep,,,\n", []problem{{2, "name", "is 1,200 characters; a name has at most 250"}}},
		{"an unknown role", header + "\nU01,,Ann,rep+boss,,,\n", []problem{{2, "role", `"boss" is not one of rep, manager, leader, admin`}}},
		{"an empty role between +", header + "\nU01,,Ann,rep+,,,\n", []problem{{2, "role", `"" is not one of`}}},
		{"an unknown tier", header + "\nU01,,Ann,rep,,gold,\n", []problem{{2, "tier", `"gold" is not one of top, middle, bottom`}}},
		{"an unknown time zone", header + "\nU01,,Ann,rep,,,Mars/Olympus\n", []problem{{2, "timezone", "not an IANA time zone"}}},
		{"the server's time zone", header + "\nU01,,Ann,rep,,,Local\n", []problem{{2, "timezone", "not an IANA time zone"}}},
		// Zones tzdata has that are not what an admin means: a New York
		// team on EST would be nudged an hour off half the year.
		{"zones that are valid but not a place's", header + "\nU01,,A,rep,,,EST\nU02,,B,rep,,,MST\nU03,,C,rep,,,HST\nU04,,D,rep,,,CET\nU05,,E,rep,,,EST5EDT\nU06,,F,rep,,,PST8PDT\nU07,,G,rep,,,Japan\nU08,,H,rep,,,Factory\nU09,,I,rep,,,WET\n", []problem{
			{2, "timezone", `"EST" is UTC-5 all year, without daylight saving: write a city's zone such as America/New_York`},
			{3, "timezone", `"MST" is UTC-7 all year, without daylight saving: write a city's zone`},
			{4, "timezone", `"HST" is UTC-10 all year, without daylight saving: write a city's zone`},
			{5, "timezone", `"CET" is a legacy zone name, kept for old systems: write a city's zone such as America/New_York`},
			{6, "timezone", `"EST5EDT" is a legacy zone name`}, {7, "timezone", `"PST8PDT" is a legacy zone name`},
			{8, "timezone", `"Japan" is a legacy zone name`}, {9, "timezone", `"Factory" is a legacy zone name`},
			{10, "timezone", `"WET" is a legacy zone name`}}},
		{"a fixed offset, its sign the other way round", header + "\nU01,,A,rep,,,Etc/GMT+1\nU02,,B,rep,,,Etc/GMT-14\nU03,,C,rep,,,etc/gmt+5\n", []problem{
			{2, "timezone", `"Etc/GMT+1" is UTC-1, not UTC+1 (these names give the sign the other way round), all year, without daylight saving: write a city's zone such as Europe/Berlin`},
			{3, "timezone", `"Etc/GMT-14" is UTC+14, not UTC-14`},
			{4, "timezone", `"Etc/GMT+5" is UTC-5, not UTC+5`}}},
		{"an offset for a zone", header + "\nU01,,A,rep,,,GMT+1\nU02,,B,rep,,,UTC-05:00\n", []problem{
			{2, "timezone", `"GMT+1" is an offset, not a zone: an offset keeps no daylight saving; write a city's zone such as Europe/Berlin or America/New_York`},
			{3, "timezone", `"UTC-05:00" is an offset, not a zone`}}},
		{"a zone in the wrong case", header + "\nU01,,A,rep,,,europe/london\nU02,,B,rep,,,Europe/london\nU03,,C,rep,,,AMERICA/PORT-AU-PRINCE\nU04,,D,rep,,,est\n", []problem{
			{2, "timezone", `"europe/london" is not an IANA time zone name: write Europe/London (the names are case-sensitive)`},
			{3, "timezone", `"Europe/london" is not an IANA time zone name: write Europe/London`},
			{4, "timezone", `write America/Port-au-Prince`},
			{5, "timezone", `"EST" is UTC-5 all year`}}},
		// A zone written as a person says it: the name tzdata has is given.
		{"a zone in words", header + "\nU01,,A,rep,,,America/Sao Paulo\nU02,,B,rep,,,America / New York\nU03,,C,rep,,,New York\nU04,,D,rep,,,london\nU05,,E,rep,,,Buenos Aires\nU06,,F,rep,,,Springfield\n", []problem{
			{2, "timezone", `"America/Sao Paulo" is not an IANA time zone name: write America/Sao_Paulo (the names join a city's words with _ and start with its area)`},
			{3, "timezone", `"America / New York" is not an IANA time zone name: write America/New_York`},
			{4, "timezone", `"New York" is not an IANA time zone name: write America/New_York`},
			{5, "timezone", `"london" is not an IANA time zone name: write Europe/London`},
			{6, "timezone", `"Buenos Aires" is not an IANA time zone name: write America/Argentina/Buenos_Aires`},
			{7, "timezone", `"Springfield" is not an IANA time zone name (like Europe/Berlin or America/New_York)`}}},
		{"a cadence of 0", header + ",cadence_days\nU01,,Ann,manager,,,,0\n", []problem{{2, "cadence_days", "1 to 365"}}},
		{"a cadence over a year", header + ",cadence_days\nU01,,Ann,manager,,,,366\n", []problem{{2, "cadence_days", "1 to 365"}}},
		{"a cadence in words", header + ",cadence_days\nU01,,Ann,manager,,,,two weeks\n", []problem{{2, "cadence_days", "1 to 365"}}},
		{"a since in another format", header + ",since\nU01,,Ann,rep,,,,26/11/2026\n", []problem{{2, "since", "not a date (YYYY-MM-DD)"}}},
		// What to type is read from the value, both ways when it reads
		// two, and never the import date (2026-11-26): typed as said, that
		// would move the date.
		{"a since Excel reformatted", header + ",since\nU01,,Ann,rep,,,,3/1/2026\nU02,,Bo,rep,,,,13/1/2026\nU03,,Cy,rep,,,,1-Mar-26\nU04,,Di,rep,,,,Oct-26\nU05,,Ed,rep,,,,1.1.2026\n",
			[]problem{
				{2, "since", `"3/1/2026" is not a date (YYYY-MM-DD); Excel reformats dates: format the column as Text, then type 2026-03-01 if 3/1/2026 was written month first, 2026-01-03 if day first`},
				{3, "since", `"13/1/2026" is not a date (YYYY-MM-DD); Excel reformats dates: format the column as Text, then type 2026-01-13`},
				{4, "since", `"1-Mar-26" is not a date (YYYY-MM-DD); Excel reformats dates: format the column as Text, then type 2026-03-01`},
				{5, "since", `"Oct-26" is not a date (YYYY-MM-DD); Excel reformats dates: format the column as Text, then type it as YYYY-MM-DD, such as 2026-03-01 for 1 March 2026`},
				{6, "since", `"1.1.2026" is not a date (YYYY-MM-DD); Excel reformats dates: format the column as Text, then type 2026-01-01`},
			}},
		{"a since that is no date at all", header + ",since\nU01,,Ann,rep,,,,soon\n", []problem{{2, "since", `"soon" is not a date (YYYY-MM-DD)`}}},
		{"semicolons, the names quoted", `"slack_id";"email";"name";"role";"manager";"tier";"timezone"` + "\n\"U01\";;\"Ann\";\"rep\";;;\n", []problem{{1, "", "separated by semicolons"}}},
		{"a since that does not exist", header + ",since\nU01,,Ann,rep,,,,2026-02-30\n", []problem{{2, "since", "not a date"}}},
		{"a since after the import date", header + ",since\nU01,,Ann,rep,,,,2026-11-27\n", []problem{{2, "since", "2026-11-27 is after the import date 2026-11-26"}}},
		{"a since in year 9999", header + ",since\nU01,,Ann,rep,,,,9999-12-31\n", []problem{{2, "since", "9999-12-31 is after the import date 2026-11-26"}}},
		// A year before 1900 is a typo or an export's "no date" (Go's
		// 0001-01-01, Excel's day 0), taken for the day they joined.
		{"a since before 1900", header + ",since\nU01,,Ann,rep,,,,0001-01-01\nU02,,Bob,rep,,,,1899-12-30\nU03,,Cat,rep,,,,0226-03-01\n", []problem{
			{2, "since", "0001-01-01 is before 1900: check the year, or leave the cell empty if the date is not known"},
			{3, "since", "1899-12-30 is before 1900"},
			{4, "since", "0226-03-01 is before 1900"}}},
		{"a name that is not UTF-8", header + "\nU01,,Ren\xe9,rep,,,\n", []problem{{2, "name", "UTF-8"}}},
		// A field that is not UTF-8 is reported once, for that, and not
		// again by its own check, its row's or the file's.
		{
			"every field not UTF-8",
			header + ",cadence_days,since\nU\xd601,ren\xe9@example.com,Ren\xe9,r\xe9p,U\xd602,t\xf6p,Europe/Z\xfcrich,\xb77,2026-11-\xb27\n",
			[]problem{{2, "slack_id", "UTF-8"}, {2, "email", "UTF-8"}, {2, "name", "UTF-8"}, {2, "role", "UTF-8"}, {2, "manager", "UTF-8"},
				{2, "tier", "UTF-8"}, {2, "timezone", "UTF-8"}, {2, "cadence_days", "UTF-8"}, {2, "since", "UTF-8"}},
		},
		// U+FFFD is what a tool that read the file in the wrong encoding
		// put for each character it could not: the name is lost, not
		// misspelt, and a damaged address would be nobody's.
		{"a cell that lost characters when saved", header + ",since\nU01,,S\uFFFDbastien,rep,,,,\nU02,jos\uFFFD@example.com,Jos,rep,,,,\n\uFFFD01,,Ann,rep\uFFFD,,,,2026-01-0\uFFFD\n", []problem{
			{2, "name", `"S�bastien" has �, a character lost when the file was saved: export it again as "CSV UTF-8"`},
			{3, "email", `"jos�@example.com" has �`},
			{4, "slack_id", `"�01" has �`}, {4, "role", `"rep�" has �`}, {4, "since", `"2026-01-0�" has �`}}},
		// A NUL is no character: a tool damaged the file. Early in the
		// file it was taken for UTF-16 text.
		{"a NUL in a cell", header + ",cadence_days,since\nU01,,S\x00am,rep,,,,,\nU02,b\x00@example.com,Bob,rep,,mid\x00dle,,,\n", []problem{
			{2, "name", `holds a NUL byte, which text never has: export the file again as "CSV UTF-8"`},
			{3, "email", "holds a NUL byte"}, {3, "tier", "holds a NUL byte"}}},
		{"an email not UTF-8 and no slack_id", header + "\n,ren\xe9@example.com,Ren,rep,,,\n", []problem{{2, "email", "UTF-8"}}},
		{
			"a slack_id not UTF-8 twice",
			header + "\nU\xd601,,Ann,manager,,,\nU\xd601,,Bob,rep,U01,,\nU01,,Cat,manager,,,\n",
			[]problem{{2, "slack_id", "UTF-8"}, {3, "slack_id", "UTF-8"}},
		},
		{
			"the same slack_id twice, on the later line",
			header + "\nU01,,Ann,manager,,,\nU02,,Bob,rep,U01,,\nU01,,Ann again,rep,,,\n",
			[]problem{{4, "slack_id", "U01 is also on line 2"}},
		},
		{
			"the same email twice, in another case",
			header + "\nU01,ann@example.com,Ann,manager,,,\n,ANN@example.com,Ann,rep,,,\n",
			[]problem{{3, "email", "ann@example.com is also on line 2"}},
		},
		{"a manager not in the file", header + "\nU01,,Ann,rep,U09,,\n", []problem{{2, "manager", `"U09" is not the slack_id or email of anyone in this file`}}},
		{"a manager email not in the file", header + "\nU01,,Ann,rep,Zed@example.com,,\n", []problem{{2, "manager", `"zed@example.com" is not`}}},
		{"one's own manager by slack_id", header + "\nU01,,Ann,manager,U01,,\n", []problem{{2, "manager", "can't be their own manager"}}},
		{"one's own manager by email", header + "\nU01,ann@example.com,Ann,manager,ann@example.com,,\n", []problem{{2, "manager", "can't be their own manager"}}},
		{
			"a cycle of two, named once on its first line",
			header + "\nU01,,Ann,manager,U02,,\nU02,,Bob,manager,U01,,\n",
			[]problem{{2, "manager", "reporting cycle: Ann (line 2) → Bob (line 3) → Ann"}},
		},
		{
			"a cycle of three, with someone reporting into it and people named by id or email when unnamed",
			header + "\nU09,,Zed,rep,U01,,\nU01,,,manager,U03,,\n,bob@example.com,,manager,U01,,\nU03,,Cat,manager,bob@example.com,,\n",
			[]problem{{3, "manager", "reporting cycle: U01 (line 3) → Cat (line 5) → bob@example.com (line 4) → U01"}},
		},
		{
			"every problem of the file, in line order",
			header + "\n\nu01,,Ann,boss,,gold,\nU02,,Bob,rep,U01,,Nowhere\n",
			[]problem{{3, "slack_id", "u01"}, {3, "role", "boss"}, {3, "tier", "gold"}, {4, "timezone", "Nowhere"}, {4, "manager", "U01"}},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := roster.Parse(strings.NewReader(tt.in), importDate())
			assertProblems(t, err, tt.want)
		})
	}
}

func assertProblems(t *testing.T, err error, want []problem) {
	t.Helper()
	errs, ok := errors.AsType[roster.Errors](err)
	if !ok {
		t.Fatalf("error = %v, want roster.Errors", err)
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(errs), len(want), err)
	}
	for i, w := range want {
		e := errs[i]
		if e.Line != w.line || e.Field != w.field || !strings.Contains(e.Message, w.contains) {
			t.Errorf("problem %d = %q\nwant line %d, field %q, containing %q", i, e.Error(), w.line, w.field, w.contains)
		}
	}
}

func TestParseReadFailure(t *testing.T) {
	boom := errors.New("disk on fire")
	for name, r := range map[string]io.Reader{
		"before the header": iotest.ErrReader(boom),
		"after the header":  io.MultiReader(strings.NewReader(header+"\nU01,,Ann,rep,,,\n"), iotest.ErrReader(boom)),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := roster.Parse(r, importDate())
			if !errors.Is(err, boom) {
				t.Errorf("error = %v, want it to wrap %v", err, boom)
			}
		})
	}
}

func TestErrorNamesLineAndField(t *testing.T) {
	in := file(header, "U01,,Ann,leader,,,", "", "U02,,Bob,manager,U01,,", "U03,,Cat,rep,U02,,", "U04,,Dan,rep,U02,,", "U05,,Eve,rep,U02,gold,")
	_, err := roster.Parse(in, importDate())
	want := `line 7, field tier: "gold" is not one of top, middle, bottom`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

func TestErrorMessageIsCapped(t *testing.T) {
	lines := []string{header}
	for range 25 {
		lines = append(lines, ",,,rep,,,")
	}
	_, err := roster.Parse(file(lines...), importDate())
	errs, ok := errors.AsType[roster.Errors](err)
	if !ok || len(errs) != 25 {
		t.Fatalf("error = %v, want 25 roster.Errors", err)
	}
	msg := strings.Split(err.Error(), "\n")
	if len(msg) != 22 || msg[0] != "25 problems in the file:" || msg[20] != errs[19].Error() || msg[21] != "and 5 more" {
		t.Errorf("message =\n%s\nwant a count, the first 20 problems, and \"and 5 more\"", err)
	}
}
