// Package slacktext holds Slack's escaping of its three control
// characters, which more than one package must undo (the slash command's
// reader in slackbot, the quick-capture line's length check, the model's
// word check in llm, the demo's transcript) or do (slackbot's messages,
// the digest's), and of mrkdwn's formatting marks in text shown literally
// (EscapeLiteral: people's names). Those import each other (slackbot
// imports llm, llm imports quickcapture), so the one copy lives in a leaf
// of the standard library that any of them may import.
package slacktext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// entities are the only three Slack encodes in the text it sends: &, < and
// > are its control characters (api.slack.com/reference/surfaces/formatting,
// "Escaping text").
var entities = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// Unescape turns Slack's &amp;, &lt; and &gt; back into &, < and >, in one
// pass: "&amp;lt;" is what someone who typed "&lt;" sends, and must stay
// "&lt;". Mentions and links (<@U123|sam>) are left as they are.
func Unescape(s string) string { return entities.Replace(s) }

// escapes are the three Slack asks to be escaped in text it renders as
// mrkdwn, for the same reason.
var escapes = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Escape makes s show as written in mrkdwn: what someone typed, a name,
// never read as a mention, a link or a channel. Text with none of the
// three comes back as it is, without a copy.
func Escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	return escapes.Replace(s)
}

// lookAlikes stand in for mrkdwn's formatting marks. Slack documents no
// way to escape *, _, ~ or ` (its escaping is the three entities above,
// docs.slack.dev/messaging/formatting-message-text, "Escaping text"): no
// backslash, and a zero-width space beside a mark makes it a word
// boundary, which turns formatting on rather than off (jsx-slack forces
// formatting that way). A character that looks the same and is no mark is
// what jsx-slack's <Escape> falls back to where nothing else works, and
// the only way that holds whatever Slack's parser makes of boundaries.
// Each takes one character's place, so a text's length in characters,
// which Block Kit's limits count, is what it was; its bytes grow, which
// only makes a budget counted in bytes stricter. The full-width marks are
// jsx-slack's too: Slack reads them as marks as well.
var lookAlikes = map[rune]rune{
	'*':      '\u2217', // ∗ asterisk operator
	'_':      '\u02CD', // ˍ modifier letter low macron
	'~':      '\u223C', // ∼ tilde operator
	'`':      '\u02CB', // ˋ modifier letter grave accent
	'\uFF0A': '\uFE61', // ＊ becomes ﹡ small asterisk
	'\uFF3F': '\u2E0F', // ＿ becomes ⸏ paragraphos
	'\uFF40': '\u02CB', // ｀ becomes ˋ
}

// EscapeLiteral is Escape for text that must show with no formatting at
// all: a person's name above all ("*Sam*", "~Lee~", "_Jo_"), which would
// otherwise turn bold, struck or italic, or pair with a mark in the next
// name and swallow the text between. Its formatting marks are shown by
// look-alikes (see lookAlikes), so it is for the mrkdwn only, never for
// what is stored or compared; text with no mark and none of Escape's
// three comes back as it is, without a copy.
//
// An underscore between two letters or digits stays: Slack opens and
// closes italics only at a word's edge, so "j_doe_2" and "Mary_Ann" are
// never italic (snake_case shows as typed), and a look-alike there would
// only change how a common handle reads and is copied.
func EscapeLiteral(s string) string {
	s = Escape(s)
	if !strings.ContainsAny(s, "*_~`\uFF0A\uFF3F\uFF40") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	prev := utf8.RuneError // the text's start is a word's edge
	for i, r := range s {
		look, mark := lookAlikes[r]
		if mark && (r == '_' || r == '\uFF3F') {
			next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
			mark = !inWord(prev) || !inWord(next)
		}
		if mark {
			b.WriteRune(look)
		} else {
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

// inWord says whether r is part of a word for Slack's emphasis marks: a
// letter, a digit or a combining mark (a decomposed "é"). utf8.RuneError
// stands for the text's start and end, which are edges.
func inWord(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))
}
