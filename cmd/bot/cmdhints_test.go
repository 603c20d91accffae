package main

import (
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// A subcommand mistyped is answered with the one meant, privately, not
// with the log form asking who was coached: a rep or an admin never log.
// What followed the typo is given back to send again; the typo alone is
// not quoted back (two lines more on a phone, for one word). A line that
// is a capture still opens the form.
func TestAMistypedSubcommandIsAnsweredWithTheOneMeant(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	const typedBack = "Here is what you typed"
	for _, tt := range []struct {
		user, text, want string
		echo             bool
	}{
		{rep, "histroy", "Did you mean `/coach history`?", false},
		{other, "stat", "Did you mean `/coach stats`?", false},
		{other, "reprot last week", "Did you mean `/coach report`?", true},
		{other, "exprt --from 2026-01-01", "Did you mean `/coach export`?", true},
	} {
		in, err := b.fake.SlashCommand(ctxT(t), tt.user, "/coach", tt.text)
		if err != nil {
			t.Fatal(err)
		}
		r, err := b.fake.WaitForResponse(ctxT(t), func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
		if err != nil {
			t.Fatal(err)
		}
		// The text (a notification's) is the first sentence; the blocks
		// say the rest.
		if shown := blocksText(r.Blocks); !strings.Contains(r.Text, tt.want) || !strings.Contains(shown, tt.want) ||
			!strings.Contains(shown, "`/coach help`") || r.ResponseType != "ephemeral" {
			t.Errorf("/coach %s answered %s %q, %q, want privately %q and the help", tt.text, r.ResponseType, r.Text, shown, tt.want)
		}
		if got := strings.Contains(blocksText(r.Blocks), typedBack); got != tt.echo {
			t.Errorf("/coach %s: quoted back %v, want %v:\n%s", tt.text, got, tt.echo, blocksText(r.Blocks))
		}
		for _, c := range b.fake.CallsTo("views.open") {
			if c.Param("trigger_id") == in.TriggerID {
				t.Errorf("/coach %s opened a form", tt.text)
			}
		}
	}
	// A capture naming nobody still opens its form, asking who.
	in, err := b.fake.SlashCommand(ctxT(t), mgr, "/coach", "1:1 30m pricing")
	if err != nil {
		t.Fatal(err)
	}
	if got := b.formNotice(in); !strings.Contains(got, "I couldn't tell who") {
		t.Errorf("a capture's form says %q, want it to ask who", got)
	}
}

// A subcommand taking a mention, mistyped before the one person named
// (`/coach histroy @sam`), is a capture, as any line naming someone is:
// the form opens, and says what was maybe meant and how to get it.
func TestAMistypedSubcommandBeforeAMentionOpensTheFormSayingWhatWasMeant(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	for _, tt := range []struct{ text, want string }{
		{"histroy <@" + rep + "|sam>", "If you meant `/coach history` for <@" + rep + ">, close this form"},
		{"perp <@" + rep + "|sam>", "If you meant `/coach prep` for <@" + rep + ">"},
	} {
		in, err := b.fake.SlashCommand(ctxT(t), mgr, "/coach", tt.text)
		if err != nil {
			t.Fatal(err)
		}
		if got := b.formNotice(in); !strings.Contains(got, tt.want) || !strings.Contains(got, "I couldn't tell") ||
			strings.Contains(got, "Nobody was named before the notes") {
			t.Errorf("/coach %s opened its form saying %q, want %q and what the capture lacks, not that the notes named the rep", tt.text, got, tt.want)
		}
	}
	// A capture with a kind is no typo, whatever it lacks.
	in, err := b.fake.SlashCommand(ctxT(t), mgr, "/coach", "<@"+rep+"|sam> 1:1")
	if err != nil {
		t.Fatal(err)
	}
	if got := b.formNotice(in); strings.Contains(got, "If you meant") {
		t.Errorf("a capture's form says %q, which is no subcommand's typo", got)
	}
}

// A rep named as text, or a channel picked where a rep was meant, is
// told how a rep arrives as a mention, and that a channel is no person.
func TestAChannelOrATypedNameIsNotARep(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	for _, tt := range []struct{ text, want string }{
		{"prep @sam", "pick them from Slack's @ list"},
		{"prep <#C0SALES|sales>", "#sales is a channel, not a person"},
		{"away <#C0SALES|sales> fri", "#sales is a channel, not a person"},
	} {
		if got := b.command(mgr, tt.text); !strings.Contains(got, tt.want) {
			t.Errorf("/coach %s answered %q, want %q", tt.text, got, tt.want)
		}
	}
	in, err := b.fake.SlashCommand(ctxT(t), mgr, "/coach", "<#C0SALES|sales> 1:1 30m pricing")
	if err != nil {
		t.Fatal(err)
	}
	if got := b.formNotice(in); !strings.Contains(got, "#sales is a channel, not a person") {
		t.Errorf("a capture naming a channel opened its form saying %q, want that a channel is no person", got)
	}
}

// A name typed as text after /coach history or /coach prep ("@Ana", not
// picked from Slack's @ list) is quoted back, as /coach away and a
// capture's form quote it: the general hint alone told the manager how to
// name a rep, not that the name they typed was what went wrong. Quoted as
// the person sees it, "&" once, not Slack's "&amp;" shown.
func TestATypedNameIsQuotedBack(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	const notPicked = " was typed, not picked from Slack's @ list."
	for _, tt := range []struct{ text, quoted, hint string }{
		{"history @Ana", `"@Ana"`, "`/coach history` takes one @mention of a rep"},
		{"history @ana.", `"@ana"`, "`/coach history` takes one @mention of a rep"},
		{"history <@" + rep + "|sam> @Ria", `"@Ria"`, "`/coach history` takes one @mention of a rep"},
		{"history last week @Ria", `"@Ria"`, "`/coach history` takes one @mention of a rep"},
		{"prep @Ana", `"@Ana"`, "`/coach prep @sam` gives you a brief"},
		{"prep for @ana, please", `"@ana"`, "`/coach prep @sam` gives you a brief"},
		{"prep @a&amp;b", `"@a&amp;b"`, "`/coach prep @sam` gives you a brief"}, // "@a&b" in mrkdwn
		{"away @a&amp;b fri", `"@a&amp;b" was typed, not picked from Slack's @ list:`, "`/coach away @sam 2w`"},
	} {
		got := b.command(mgr, tt.text)
		want := tt.quoted
		if !strings.Contains(want, "was typed") {
			want += notPicked
		}
		if !strings.Contains(got, want) || !strings.Contains(got, tt.hint) || strings.Contains(got, "&amp;amp;") {
			t.Errorf("/coach %s answered %q, want %q and %q", tt.text, got, want, tt.hint)
		}
	}
}

// A channel's name in "#x is a channel" is shown literally, as people's
// names are (slacktext.EscapeLiteral): "#_deals_" would read as italic
// "#deals" (a name Slack allows), and a crafted label's * as bold. In
// /coach prep, /coach away and a capture's form alike.
func TestAChannelsNameIsShownLiterally(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.importRoster(t)
	const ch = "<#C0DEALS|_deals_*x*>"
	const want = "#ˍdealsˍ∗x∗ is a channel, not a person"
	for _, text := range []string{"prep " + ch, "away " + ch + " fri"} {
		if got := b.command(mgr, text); !strings.Contains(got, want) || strings.Contains(got, "_deals_") {
			t.Errorf("/coach %s answered %q, want %q", text, got, want)
		}
	}
	in, err := b.fake.SlashCommand(ctxT(t), mgr, "/coach", ch+" 1:1 30m pricing")
	if err != nil {
		t.Fatal(err)
	}
	if got := b.formNotice(in); !strings.Contains(got, want) || strings.Contains(got, "_deals_") {
		t.Errorf("a capture naming a channel opened its form saying %q, want %q", got, want)
	}
}
