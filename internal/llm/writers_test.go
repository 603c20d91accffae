package llm

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeopenai"
)

func TestPlainBrief(t *testing.T) {
	got := PlainBrief(prepInput())
	want := `Prep for Samantha Okafor
Last 4 weeks: 2 sessions, 75 min (the 4 weeks before: 1 session, 30 min). Last session 3 days ago (cadence: every 14 days).

Recent sessions:
• Sat 21 Nov 2026 · Ride-along, 45 min, took the lead · Discovery
  Your notes: Marmalade pricing slipped again, Samantha stayed calm
  They confirmed: Gooseberry comment from the rep
• Sat 14 Nov 2026 · 1:1, 30 min
  Your notes: Quokka divorce worries
  They said it was not accurate: Platypus it was only ten minutes

Open commitments:
• Walrus follow-up deck (made 10 days ago)`
	if got != want {
		t.Errorf("plain brief:\n%s\n\nwant:\n%s", got, want)
	}
	empty := PlainBrief(PrepInput{RepName: "Ria", Today: tuesday})
	if !strings.Contains(empty, "No sessions logged with them yet.") || strings.Contains(empty, "Open commitments") {
		t.Errorf("brief for a rep never coached:\n%s", empty)
	}
}

// The trend's minutes are the rep's share of a group session's: beside a
// team meeting listed at its whole length they are said to be, as "2
// sessions, 75 min" over a 90-minute team meeting and a 30-minute 1:1
// read as a wrong sum. With no group session in the trend's weeks, the
// line says nothing of it.
func TestPlainBriefSaysATeamMeetingsMinutesAreShared(t *testing.T) {
	const shared = "(the 4 weeks before: 0 sessions, 0 min; a group session's minutes shared among its reps)."
	for _, tt := range []struct {
		name    string
		reps    int
		daysAgo int
		want    bool
	}{
		{"a team meeting this week", 2, 1, true},
		{"a team meeting in the 4 weeks before", 3, 40, true},
		{"a team meeting older than the trend", 2, 60, false},
		{"a 1:1", 1, 1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := PrepInput{RepName: "Ria", Today: tuesday,
				Sessions: []PrepSession{
					{On: tuesday.AddDays(-tt.daysAgo), Kind: coaching.KindTeamMeeting, DurationMin: 90, Reps: tt.reps, Status: coaching.StatusPending},
					{On: tuesday.AddDays(-2), Kind: coaching.KindOneOnOne, DurationMin: 30, Reps: 1, Status: coaching.StatusPending},
				},
				Trend: Trend{Sessions: 2, Minutes: 75, LastSession: tuesday.AddDays(-1), CadenceDays: 14}}
			if got := PlainBrief(in); strings.Contains(got, shared) != tt.want {
				t.Errorf("brief:\n%s\nsays %q: %v, want %v", got, shared, !tt.want, tt.want)
			}
		})
	}
}

// A rep's minutes over 4 weeks, and commitments left open over years,
// pass a thousand: the brief counts them as the App Home does.
func TestPlainBriefGroupsThousands(t *testing.T) {
	in := prepInput()
	in.Trend.Minutes, in.Trend.PrevMinutes, in.MoreCommitments = 1250, 1100, 1200
	got := PlainBrief(in)
	for _, want := range []string{"Last 4 weeks: 2 sessions, 1,250 min (the 4 weeks before: 1 session, 1,100 min).", "\nand 1,200 more"} {
		if !strings.Contains(got, want) {
			t.Errorf("brief lacks %q:\n%s", want, got)
		}
	}
}

func TestPlainBriefStaysShort(t *testing.T) {
	in := prepInput()
	in.Sessions[0].Notes = strings.Repeat("long notes ", 500)
	for range 30 {
		in.Commitments = append(in.Commitments, OpenCommitment{Text: "c", MadeOn: tuesday})
	}
	got := PlainBrief(in)
	if n := len([]rune(got)); n > 3000 {
		t.Errorf("brief of %d characters does not fit a Slack section", n)
	}
	if !strings.Contains(got, "and 21 more") || !strings.Contains(got, "…") {
		t.Errorf("brief does not say what it left out:\n%s", got)
	}
}

// The store reads a rep's ten oldest open commitments and counts the
// rest (PrepInput.MoreCommitments): the brief lists the ten and says how
// many more, and the model's data says so too. Counted only from the
// list, as before, a brief of ten never said there were more.
func TestPrepBriefSaysHowManyMoreCommitmentsAreOpen(t *testing.T) {
	in := prepInput()
	in.Commitments = nil
	for range 10 {
		in.Commitments = append(in.Commitments, OpenCommitment{Text: "c", MadeOn: tuesday})
	}
	in.MoreCommitments = 4
	if got := PlainBrief(in); !strings.HasSuffix(got, "\nand 4 more") || strings.Count(got, "• c (made") != 10 {
		t.Errorf("brief of ten listed and four more:\n%s", got)
	}
	if data := prepData(in); !strings.Contains(data, `"more_open_commitments":4`) && !strings.Contains(data, `"more_open_commitments": 4`) {
		t.Errorf("the model's data does not say four more are open:\n%s", data)
	}
	in.MoreCommitments = 0
	if got, data := PlainBrief(in), prepData(in); strings.Contains(got, "more") || strings.Contains(data, "more_open") {
		t.Errorf("ten open and no more: the brief or the data says there are more:\n%s\n%s", got, data)
	}
}

func TestPrepBriefWithTheModel(t *testing.T) {
	srv := startFake(t)
	r := newRig(t, config(srv, true), srv, Options{})
	srv.Enqueue(fakeopenai.Text("Pricing keeps slipping; ask how the recap deck is going."))
	b, err := r.Prep.Brief(context.Background(), prepInput())
	if err != nil || b.Prose != "Pricing keeps slipping; ask how the recap deck is going." || b.List != PlainBrief(prepInput()) || b.Unwritten {
		t.Fatalf("brief %+v, %v", b, err)
	}
	if !strings.HasPrefix(b.Text(), b.Prose+"\n\n") {
		t.Errorf("Text() = %q", b.Text())
	}
	user := srv.Requests()[0].Chat.Messages[1].Content
	if !strings.Contains(user, "the rep stayed calm") || !strings.Contains(user, `"age_days": 10`) {
		t.Errorf("prep data lacks the redacted notes or the commitment's age:\n%s", user)
	}

	srv.Enqueue(fakeopenai.Fail(500), fakeopenai.Fail(500))
	b, err = r.Prep.Brief(context.Background(), prepInput())
	if err == nil || b.Prose != "" || b.List != PlainBrief(prepInput()) || !b.Unwritten {
		t.Errorf("after a failure: %+v, %v; want the plain list, marked unwritten, and the error", b, err)
	}

	// Without a model nothing was asked, so nothing was left unwritten.
	for _, cfg := range []Config{{}, config(srv, false)} {
		off := newRig(t, cfg, srv, Options{})
		if b, err := off.Prep.Brief(context.Background(), prepInput()); err != nil || b.Unwritten || b.Prose != "" {
			t.Errorf("key %t, notes %t: %+v, %v; want the plain list alone", cfg.Enabled(), cfg.Notes, b, err)
		}
	}
}

func TestNarrativeDropsNamesAndQuotes(t *testing.T) {
	lw := LeaderWeek{
		LeaderID: "L1",
		Notes:    []Note{{Text: "She kept discounting before the buyer even asked about the price, again.", Visibility: coaching.VisibilityShared}},
	}
	names := nameParts([]string{"Samantha Okafor", "Li", "Bob Kerr"})
	for _, tt := range []struct {
		name, answer, want string
	}{
		{"clean", "Discovery dominated the week. Commitments are mostly open.", "Discovery dominated the week. Commitments are mostly open."},
		{"a first name", "Discovery dominated. Samantha led most calls.", "Discovery dominated."},
		{"a surname, any case", "OKAFOR needs help! Pricing came up often.", "Pricing came up often."},
		{"a short name as a word", "Li struggled. Closing is a theme.", "Closing is a theme."},
		{"a mention", "<@U1> shone. Closing is a theme.", "Closing is a theme."},
		{"a user id", "U0123ABCD shone. Closing is a theme.", "Closing is a theme."},
		{"eight words of a note", "Reps kept discounting before the buyer even asked about the price. Closing is a theme.", "Closing is a theme."},
		{"seven words of a note", "Reps were discounting before the buyer even asked about cost.", "Reps were discounting before the buyer even asked about cost."},
		{"lines", "Discovery led.\nSamantha too", "Discovery led."},
		{"nothing left", "Samantha and Li did well.", ""},
		// The channel renders mrkdwn and links bare URLs: what it reads
		// is checked, plain.
		{"a URL", "See https://evil.example/phish for the playbook. Closing is a theme.", "Closing is a theme."},
		{"a link without a scheme", "The playbook is at evil.example/phish now. Grab it at www.evil.example today. Mail slides.co soon. Closing is a theme.", "Closing is a theme."},
		{"a special mention", "<!channel> read this. Closing is a theme.", "Closing is a theme."},
		{"formatting", "*Urgent* ~nothing~ `code` _italic_ matters.", "Urgent nothing code italic matters."},
		{"a mark inside a word", "Follow_up decks slipped.", "Followup decks slipped."},
		{"a name split by a mark", "B*o*b was great. Closing is a theme.", "Closing is a theme."},
		{"a name split by a zero-width space", "B\u200bob was great. Closing is a theme.", "Closing is a theme."},
		{"a closing mark for the italics", "Closing_ is a *theme.", "Closing is a theme."},
		{"numbers and abbreviations stay", "Discovery came up in 3.5 of 4 sessions, e.g. pricing and/or scope.", "Discovery came up in 3.5 of 4 sessions, e.g. pricing and/or scope."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := checkNarrative(tt.answer, lw, names)
			if tt.want == "" {
				if err == nil {
					t.Errorf("accepted %q", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// Every name Coachlog knows is kept out of every leader's narrative, and
// out of what is sent for it: a rep of another leader's tree, another
// leader, an admin, not only the people below this leader.
func TestNarrativeKeepsEveryKnownNameOut(t *testing.T) {
	srv := startFake(t)
	r := newRig(t, config(srv, true), srv, Options{})
	srv.Enqueue(fakeopenai.Text("Discounting came up often. Bob keeps discounting in every deal. Wanda should see this. Olly can help with training."))
	in := NarrativeInput{
		Leaders: []LeaderWeek{{LeaderID: "U0VERA", Sessions: 1, Notes: []Note{
			{Text: "Sam pushed Bob style discounting on the Zebra account", Visibility: coaching.VisibilityShared}}}},
		// Vera's tree, Wanda's, and an admin.
		Names: []string{"Vera Lind", "Max Power", "Sam Okafor", "Ria Sen", "Wanda Ash", "Nina Roy", "Bob Kerr", "Olly Admin"},
	}
	got, err := r.Narrative.Write(context.Background(), in)
	if err != nil || got["U0VERA"] != "Discounting came up often." {
		t.Errorf("narratives %q, %v; want only the sentence naming nobody", got, err)
	}
	sent := srv.Requests()[0].Chat.Text()
	if !strings.Contains(sent, "the rep pushed the rep style discounting on the Zebra account") {
		t.Errorf("the note was not sent with every name replaced:\n%s", sent)
	}
	for _, name := range []string{"Sam", "Bob", "Wanda", "Olly"} {
		if strings.Contains(sent, name) {
			t.Errorf("%q was sent:\n%s", name, sent)
		}
	}
}

func TestNarrativePerLeaderWithinTheTokenBudget(t *testing.T) {
	srv := startFake(t)
	cfg := config(srv, true)
	cfg.DigestTokens = 900
	r := newRig(t, cfg, srv, Options{})
	srv.Default(func(fakeopenai.Request) fakeopenai.Answer {
		return fakeopenai.Answer{Content: "Discovery was the theme.", PromptTokens: 300, CompletionTokens: 50}
	})
	in := NarrativeInput{Leaders: []LeaderWeek{{LeaderID: "L1"}, {LeaderID: "L2"}, {LeaderID: "L3"}, {LeaderID: "L4"}}}
	got, err := r.Narrative.Write(context.Background(), in)
	if len(got) != 2 || got["L1"] == "" || got["L2"] == "" {
		t.Errorf("narratives %v: want L1 and L2 within 900 tokens at 350 a leader", got)
	}
	if fl, ok := errors.AsType[*Failure](err); !ok || fl.Reason != ReasonBudget {
		t.Errorf("error %v, want the budget spent", err)
	}
	for _, req := range srv.Requests() {
		if req.Chat.MaxTokens > narrativeMaxTokens || req.Chat.MaxTokens < narrativeMinTokens {
			t.Errorf("max_tokens %d outside %d..%d", req.Chat.MaxTokens, narrativeMinTokens, narrativeMaxTokens)
		}
	}
	if len(srv.Requests()) != 2 {
		t.Errorf("%d requests, want 2", len(srv.Requests()))
	}

	zero := config(srv, true)
	zero.DigestTokens = 0
	if z := newRig(t, zero, srv, Options{}); z.Narrative.Enabled() {
		t.Error("a zero budget should turn the narrative off")
	}
}

func TestNarrativeFailureKeepsTheOthers(t *testing.T) {
	srv := startFake(t)
	r := newRig(t, config(srv, true), srv, Options{})
	srv.Enqueue(fakeopenai.Fail(400), fakeopenai.Text("Samantha Okafor did it all."), fakeopenai.Text("Negotiation came up often."))
	in := narrativeInput()
	in.Leaders = append(in.Leaders, in.Leaders[0], in.Leaders[0])
	in.Leaders[1].LeaderID, in.Leaders[2].LeaderID = "U0B", "U0C"
	got, err := r.Narrative.Write(context.Background(), in)
	if err == nil || len(got) != 1 || got["U0C"] != "Negotiation came up often." {
		t.Errorf("narratives %v, %v; want only the third leader's, and the errors", got, err)
	}
}

// TestPrepBriefKeepsOnlySupportedSentences: the model's brief is checked
// sentence by sentence against its input, as the digest's narrative is.
func TestPrepBriefKeepsOnlySupportedSentences(t *testing.T) {
	srv := startFake(t)
	r := newRig(t, config(srv, true), srv, Options{})
	srv.Enqueue(fakeopenai.Text("Pricing keeps slipping for Samantha, who stayed calm. " +
		"Sam is on a performance plan and missed quota by 40%; he rated your coaching 1/5. " +
		"Ria says you never listen. Email him at sam@acme.test <@U0REPTWO>. " +
		"Her score was 4 out of 5. See https://acme.test/plan. Her review is due in 7 days.\n" +
		"Ask how the follow-up deck made 10 days ago is going."))
	b, err := r.Prep.Brief(context.Background(), prepInput())
	want := "Pricing keeps slipping for Samantha, who stayed calm. Ask how the follow-up deck made 10 days ago is going."
	if err != nil || b.Prose != want {
		t.Errorf("brief prose %q, %v\nwant %q", b.Prose, err, want)
	}
	for _, answer := range []string{
		"{\"error\": null} ```json\n{}\n``` <!channel>",
		"```\nPricing keeps slipping.\n```",
		"Ria says you never listen. He rated you 1/5.",
		"   ",
	} {
		srv.Enqueue(fakeopenai.Text(answer))
		b, err := r.Prep.Brief(context.Background(), prepInput())
		if err == nil || b.Prose != "" || b.List != PlainBrief(prepInput()) {
			t.Errorf("answer %q: brief %+v, %v; want the plain list and an error", answer, b, err)
		}
	}
	if !strings.Contains(r.metrics.String(), "prep") {
		t.Errorf("rejections not counted: %s", r.metrics)
	}
}

// The brief is shown to the manager as mrkdwn: it is checked as the
// digest's narrative is, made plain first, and besides the capitalised-word
// check a sentence naming anyone Coachlog knows is dropped, however it is
// written, but for the rep and the manager the brief is for.
func TestPrepBriefIsPlainAndNamesOnlyTheRepAndTheManager(t *testing.T) {
	in := prepInput()
	in.ManagerName = "Max Power"
	in.Names = []string{"Bob Kerr", "Ria Sen", "Samantha Lee", "Olly"}
	for _, tt := range []struct{ name, answer, want string }{
		{"a special mention", "<!channel> pricing keeps slipping. Ask about the deck.", "Ask about the deck."},
		{"a labelled link", "Pricing slipped, see <https://evil|click>. Ask about the deck.", "Ask about the deck."},
		{"a channel", "Post it in <#C0SALES|sales> now. Ask about the deck.", "Ask about the deck."},
		{"formatting", "*Pricing* keeps _slipping_, ~again~ `now`. Ask about the deck.", "Pricing keeps slipping, again now. Ask about the deck."},
		{"a name split by a mark", "pricing slipped for b*o*b. Ask about the deck.", "Ask about the deck."},
		{"someone else, lower case", "pricing slipped as it did for bob. Ask about the deck.", "Ask about the deck."},
		{"someone else in the data", "Ask about the deck. ria was right about pricing.", "Ask about the deck."},
		{"the rep's name", "Samantha stayed calm. Ask about the deck.", "Samantha stayed calm. Ask about the deck."},
		{"the manager's name", "Max, ask about the deck.", "Max, ask about the deck."},
		{"another's name shared with the rep", "Ask Samantha about the deck. Lee knows.", "Ask Samantha about the deck."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "someone else in the data" {
				in.Sessions[0].Notes += ", ria was right"
				defer func() { in.Sessions[0].Notes = prepInput().Sessions[0].Notes }()
			}
			got, err := checkPrep(tt.answer, in)
			if err != nil || got != tt.want {
				t.Errorf("checkPrep(%q) = %q, %v; want %q", tt.answer, got, err, tt.want)
			}
		})
	}
}

// A name written in look-alike letters reads as the name in Slack:
// Cyrillic or Greek letters shaped like Latin ones, full-width or
// mathematical forms, accents or marks over the letters. The check folds
// them before it compares, in the narrative, the prep brief and the notes
// sent; a name in another script still matches itself.
func TestLookAlikeLettersDoNotHideAName(t *testing.T) {
	names := nameParts([]string{"Bob Kerr", "Nina Roy", "Борис Петров"})
	for _, tt := range []struct{ name, answer string }{
		{"Cyrillic", "Воb keeps discounting."},
		{"Cyrillic, lower case", "the deal is with bоb now."},
		{"Greek", "Βοb keeps discounting."},
		{"Greek capital nu", "Νina keeps discounting."},
		{"full-width", "Ｂｏｂ keeps discounting."},
		{"mathematical bold", "𝐁𝐨𝐛 keeps discounting."},
		{"a combining mark", "Bo\u0301b keeps discounting."},
		{"another script", "Борис keeps discounting."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := checkNarrative(tt.answer+" Closing is a theme.", LeaderWeek{}, names); err != nil || got != "Closing is a theme." {
				t.Errorf("narrative %q, %v; want only the sentence naming nobody", got, err)
			}
			in := prepInput()
			in.Names = []string{"Bob Kerr", "Nina Roy", "Борис Петров"}
			// In lower case, past the brief's check of capitalised words
			// (but Greek Ν lowered is ν, which reads v).
			lower := strings.ToLower(tt.answer)
			if tt.name == "Greek capital nu" {
				lower = "the deal is with Νina now."
			}
			if got, err := checkPrep(lower+" Ask about the deck.", in); err != nil || got != "Ask about the deck." {
				t.Errorf("prep brief %q, %v; want only the sentence naming nobody", got, err)
			}
			if got := redactParts(tt.answer, names); !strings.HasPrefix(got, "the rep") && !strings.Contains(got, "with the rep") {
				t.Errorf("redactParts(%q) = %q; want the name replaced", tt.answer, got)
			}
		})
	}
	// Plain words in other scripts are no names.
	if got, err := checkNarrative("Переговоры и Ζήτηση came up. Closing is a theme.", LeaderWeek{}, names); err != nil || got != "Переговоры и Ζήτηση came up. Closing is a theme." {
		t.Errorf("narrative %q, %v; want both sentences", got, err)
	}
}
