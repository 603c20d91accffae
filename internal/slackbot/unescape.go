package slackbot

import (
	"context"
	"strings"

	"github.com/coachlog/coachlog/internal/slacktext"
)

// unescape turns text as Slack sends it (slash-command text with the
// manifest's should_escape, a message's text in a message shortcut) into
// what the person wrote, for storing:
//
//   - &amp; &lt; &gt; become & < >;
//   - <@U123|sam> becomes "@sam"; <@U123> "@" and the name nameOf gives,
//     else "@U123";
//   - <#C123|general> becomes "#general", <#C123> "#C123";
//   - <!subteam^S1|@sales> becomes "@sales"; <!here>, <!channel> and
//     <!everyone> "@here", "@channel", "@everyone"; <!date^…|fallback> its
//     fallback;
//   - <https://x|label> becomes "label (https://x)", or just the URL when
//     there is no label or the label is the URL; <mailto:a@b|a@b> "a@b".
//
// Anything else between < and > reads as a link. A "<" with no ">" after it
// on the same line is kept as it is. Text typed into a modal's inputs is
// never escaped by Slack and must not go through here.
func unescape(s string, nameOf func(id string) string) string {
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(slacktext.Unescape(s))
			return b.String()
		}
		b.WriteString(slacktext.Unescape(s[:i]))
		j := closing(s, i)
		if j < 0 {
			b.WriteByte('<')
			s = s[i+1:]
			continue
		}
		b.WriteString(unescapeMarkup(s[i+1:j], nameOf))
		s = s[j+1:]
	}
}

// closing returns the index of the ">" that closes the "<" at s[i], or -1
// when another "<" or a line break comes first: that "<" is then text.
func closing(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '>':
			if j == i+1 {
				return -1 // "<>" is no markup
			}
			return j
		case '<', '\n':
			return -1
		}
	}
	return -1
}

// unescapeMarkup renders the body of one <…> as text.
func unescapeMarkup(body string, nameOf func(id string) string) string {
	ref, label, hasLabel := strings.Cut(body, "|")
	label = slacktext.Unescape(label)
	switch {
	case strings.HasPrefix(ref, "@"):
		if hasLabel && label != "" {
			return "@" + strings.TrimPrefix(label, "@")
		}
		id := ref[1:]
		if nameOf != nil {
			if name := strings.TrimSpace(nameOf(id)); name != "" {
				return "@" + name
			}
		}
		return "@" + id
	case strings.HasPrefix(ref, "#"):
		if hasLabel && label != "" {
			return "#" + strings.TrimPrefix(label, "#")
		}
		return ref
	case strings.HasPrefix(ref, "!"):
		name, arg, _ := strings.Cut(ref[1:], "^")
		switch {
		case hasLabel && label != "" && (name == "subteam" || special(name)):
			return "@" + strings.TrimPrefix(label, "@")
		case hasLabel && label != "":
			return label // <!date^…|fallback> and the like
		case name == "subteam":
			return "@" + arg
		}
		return "@" + name
	}
	url := slacktext.Unescape(ref)
	shown := strings.TrimPrefix(url, "mailto:")
	if !hasLabel || label == "" || label == url || label == shown {
		return shown
	}
	// A domain typed bare ("acme.com") comes auto-linked as
	// <http://acme.com|acme.com>: what was typed is the label.
	if bare := strings.TrimPrefix(strings.TrimPrefix(url, "http://"), "https://"); label == bare || label+"/" == bare {
		return label
	}
	return label + " (" + shown + ")"
}

// special reports whether name is one of Slack's broadcast mentions.
func special(name string) bool {
	return name == "here" || name == "channel" || name == "everyone"
}

// written unescapes text Slack sent escaped, naming people Coachlog knows
// when Slack gave no label.
func (b *Bot) written(ctx context.Context, text string) string {
	names := map[string]string{} // a name read once, however often it is mentioned
	return unescape(text, func(id string) string {
		n, ok := names[id]
		if !ok {
			n = b.nameOf(ctx, id)
			names[id] = n
		}
		return n
	})
}

// nameOf is the name Coachlog knows for a Slack user id, "" when none.
func (b *Bot) nameOf(ctx context.Context, id string) string {
	p, err := b.svc.Person(ctx, id)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(p.Name)
}
