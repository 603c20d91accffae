package slackbot

import "testing"

func TestUnescapeGivesBackWhatThePersonWrote(t *testing.T) {
	names := map[string]string{"U0KNOWN": "Kim Known"}
	nameOf := func(id string) string { return names[id] }
	for _, tt := range []struct{ name, in, want string }{
		{"plain", "great discovery, rushed pricing", "great discovery, rushed pricing"},
		{"entities", "Q&amp;A about &lt;pricing&gt;", "Q&A about <pricing>"},
		{"an entity typed as text", "write &amp;lt; for <", "write &lt; for <"},
		{"mention with label", "ask <@U0REPTWO|ria> about it", "ask @ria about it"},
		{"mention without label, known", "ask <@U0KNOWN>", "ask @Kim Known"},
		{"mention without label, unknown", "ask <@W0NEW>", "ask @W0NEW"},
		{"channel", "see <#C0SALES|sales-team> and <#C0X>", "see #sales-team and #C0X"},
		{"user group", "tell <!subteam^S0AB|@sales-leads>", "tell @sales-leads"},
		{"user group without label", "tell <!subteam^S0AB>", "tell @S0AB"},
		{"here", "<!here> and <!channel|channel> and <!everyone>", "@here and @channel and @everyone"},
		{"date", "by <!date^1392734382^{date_short}|Feb 18, 2014>", "by Feb 18, 2014"},
		{"link with label", "<https://acme.test/deal|the deal>", "the deal (https://acme.test/deal)"},
		{"link, label is the URL", "<https://acme.test/deal|https://acme.test/deal>", "https://acme.test/deal"},
		{"a domain Slack linked", "see <http://acme.com|acme.com> pricing", "see acme.com pricing"},
		{"a path Slack linked", "<https://acme.com/pricing|acme.com/pricing>", "acme.com/pricing"},
		{"bare link", "<https://acme.test/a?b=1&amp;c=2>", "https://acme.test/a?b=1&c=2"},
		{"link label with entities", "<https://acme.test|Q&amp;A>", "Q&A (https://acme.test)"},
		{"mailto", "mail <mailto:sam@acme.test|sam@acme.test>", "mail sam@acme.test"},
		{"mailto with another label", "<mailto:sam@acme.test|Sam>", "Sam (sam@acme.test)"},
		{"lone <", "a < b", "a < b"},
		{"< at the end", "less <", "less <"},
		{"empty <>", "a <> b", "a <> b"},
		{"< closed on the next line", "a <b\nc> d", "a <b\nc> d"},
		{"< before markup", "a < <@U1|x>", "a < @x"},
		{"lone >", "a > b", "a > b"},
		{"unicode", "ça &amp; <@U1|zoë> 🎉", "ça & @zoë 🎉"},
		{"empty", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := unescape(tt.in, nameOf); got != tt.want {
				t.Errorf("unescape(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzUnescape(f *testing.F) {
	for _, s := range []string{"<@U1|a>", "&amp;lt;", "<<>>", "<https://x|y", "a<b>c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := unescape(s, nil)
		// Nothing in the output is longer than what Slack sent plus the
		// " (" and ")" around a labelled link's URL.
		if len(out) > 2*len(s)+4 {
			t.Fatalf("unescape(%q) = %q grew too much", s, out)
		}
	})
}
