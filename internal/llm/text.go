package llm

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/slacktext"
)

// fillers are the words a model may add when it trims the manager's text
// into notes or a commitment ("Sam to send the recap") without putting
// words in the manager's mouth.
var fillers = map[string]bool{
	"a": true, "an": true, "the": true, "to": true, "and": true, "of": true, "for": true,
	"on": true, "in": true, "with": true, "will": true, "is": true, "was": true, "be": true,
	"he": true, "she": true, "they": true, "rep": true, "s": true, "t": true, "ll": true,
}

// words splits Slack text into lower-cased words of letters and digits,
// with entities decoded and a mention's label read as words
// ("<@U1|sam.lee>" gives "u1", "sam", "lee").
func words(s string) []string {
	s = slacktext.Unescape(s)
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// wordCounts counts the words of s.
func wordCounts(s string) map[string]int {
	c := map[string]int{}
	for _, w := range words(s) {
		c[w]++
	}
	return c
}

// drawnFrom reports whether every word of s, fillers aside, is one of the
// source's words, used no more often than there: the model may cut and
// reorder the manager's words, not add its own.
func drawnFrom(s string, source map[string]int) bool {
	left := map[string]int{}
	for _, w := range words(s) {
		if fillers[w] {
			continue
		}
		if left[w] >= source[w] {
			return false
		}
		left[w]++
	}
	return true
}

// slackMarkupRE matches Slack's markup in text it sends: a mention, a
// channel, a special mention, a link (<@U1|sam>, <#C1|deals>, <!here>,
// <https://acme.example|the deck>). A typed < is sent as &lt;, so in
// the manager's line every < opens markup Slack wrote.
var slackMarkupRE = regexp.MustCompile(`<[^<>]*>`)

// markCounts counts what in s is more than words: each piece of Slack
// markup by its target ("<@U1>" for <@U1|sam>, whatever label the model
// gives it), each of mrkdwn's formatting marks, and each < or > outside
// markup.
func markCounts(s string) map[string]int {
	c := map[string]int{}
	rest := slackMarkupRE.ReplaceAllStringFunc(s, func(m string) string {
		target, _, _ := strings.Cut(m[1:len(m)-1], "|")
		c["<"+strings.TrimSpace(target)+">"]++
		return " "
	})
	for _, r := range rest {
		if strings.ContainsRune(mrkdwnMarks+"<>", r) {
			c[string(r)]++
		}
	}
	return c
}

// marksDrawnFrom reports whether every mark of s (markCounts) is one of
// the source's, used no more often than there: the model's notes and
// commitments fill the manager's form, and a mention, a link, <!channel>
// or bold the manager did not type would become theirs. Words are
// drawnFrom's to check; a label of the manager's link is among them.
func marksDrawnFrom(s string, source map[string]int) bool {
	for m, n := range markCounts(s) {
		if n > source[m] {
			return false
		}
	}
	return true
}

// mentionRE matches a Slack user mention, which names someone.
var mentionRE = regexp.MustCompile(`<@[^>]+>`)

// storedMentionRE matches a mention as Coachlog stores it ("@ria.lopez":
// Slack's <@U123|ria.lopez> unescaped, or "@" typed in a form) when it is
// not part of an email address; the name ends on a letter or digit, so a
// sentence's full stop stays.
// Compiled on first use: their Unicode classes cost 160 kB and a
// millisecond, every start, of a bot whose LLM help is off by default.
var storedMentionRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(^|[^\p{L}\p{N}._%+-])@[\p{L}\p{N}](?:[\p{L}\p{N}._-]*[\p{L}\p{N}])?`)
})

// emailRE matches an email address, which identifies someone.
var emailRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+`)
})

// namesSomeone reports whether s holds a Slack mention, in Slack's markup
// or as stored, or an email address.
func namesSomeone(s string) bool {
	return mentionRE.MatchString(s) || storedMentionRE().MatchString(s) || emailRE().MatchString(s)
}

// nameParts returns the lower-cased words of names worth looking for: a
// one-letter initial is not. Look-alike letters are folded
// (foldLookalikes), as they are in the text checked against them.
func nameParts(names []string) map[string]bool {
	parts := map[string]bool{}
	for _, n := range names {
		for _, w := range nameWords(n) {
			if utf8.RuneCountInString(w) >= 2 {
				parts[w] = true
			}
		}
	}
	return parts
}

// redact replaces every word of the given names ("Sam", "Lee" of "Sam
// Lee"), whole words in any case, and every Slack user mention, in Slack's
// markup or as stored ("@ria"), with "the rep", and every email address
// with "an email address", so what people wrote can be sent without naming
// anyone.
func redact(s string, names ...string) string { return redactParts(s, nameParts(names)) }

// redactParts is redact with the names' words already taken apart by
// nameParts: a digest's narrative replaces every name Coachlog knows in
// every note, and splits the roster once.
func redactParts(s string, parts map[string]bool) string {
	if len(parts) == 0 {
		return redactAs(s, nil)
	}
	return redactAs(s, func(w string) string {
		if parts[w] {
			return "the rep"
		}
		return ""
	})
}

// redactAs is redactParts with each name word's stand-in chosen by as,
// given the word lower-cased and folded as nameParts folds it: "" keeps
// the word. A prep brief tells the model "the rep", "the manager" and
// "someone" apart, so that a note naming a colleague still reads as a
// note, without the colleague's name.
func redactAs(s string, as func(word string) string) string {
	s = emailRE().ReplaceAllString(s, "an email address")
	s = mentionRE.ReplaceAllString(s, "the rep")
	s = storedMentionRE().ReplaceAllString(s, "${1}the rep")
	if as == nil {
		return s
	}
	var b strings.Builder
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		if by := as(strings.ToLower(foldLookalikes(s[start:end]))); by != "" {
			b.WriteString(by)
		} else {
			b.WriteString(s[start:end])
		}
		start = -1
	}
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || start >= 0 && unicode.Is(unicode.Mn, r) {
			// A mark over a letter is the word's ("Bo\u0301b").
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
		b.WriteRune(r)
	}
	flush(len(s))
	return b.String()
}

// mrkdwnMarks are the characters Slack's mrkdwn formats with: bold,
// italics, strikethrough, code. Slack escapes only &, < and > (slacktext),
// none of these; the digest shows a narrative in italics, where a model's
// "_" would end them and its "*Urgent*" would be bold.
const mrkdwnMarks = "*_~`"

// plainProse is a model's prose as plain mrkdwn text: its formatting
// marks and the characters that show nothing (Unicode's format class:
// zero-width spaces and joiners, direction marks, soft hyphens) taken out,
// so that the words checked are the words the channel reads. A mark
// inside a word goes too, leaving no space: "B*o*b" is read, and checked,
// as "Bob", and "follow_up" reads "followup".
func plainProse(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) || strings.ContainsRune(mrkdwnMarks, r) {
			return -1
		}
		return r
	}, s)
}

// userIDRE matches a Slack user id standing alone, which identifies someone.
var userIDRE = regexp.MustCompile(`\b[UW][A-Z0-9]{6,}\b`)

// sentences splits prose into sentences: after ".", "!" or "?" followed
// by a space, and at line ends.
func sentences(s string) []string {
	var out []string
	var cur strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if r == '\n' {
			out = appendSentence(out, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteRune(r)
		if (r == '.' || r == '!' || r == '?') && (i+1 == len(rs) || unicode.IsSpace(rs[i+1])) {
			out = appendSentence(out, cur.String())
			cur.Reset()
		}
	}
	return appendSentence(out, cur.String())
}

func appendSentence(out []string, s string) []string {
	if s = strings.TrimSpace(s); s != "" {
		out = append(out, s)
	}
	return out
}

// keepSentences returns the sentences of text, in order, that keep
// accepts; keep gets each sentence with its words. It is how a model's
// prose is checked sentence by sentence: a sentence that fails a check is
// dropped, the rest stand.
func keepSentences(text string, keep func(s string, ws []string) bool) []string {
	var kept []string
	for _, s := range sentences(text) {
		if keep(s, words(s)) {
			kept = append(kept, s)
		}
	}
	return kept
}

// identifies reports whether the sentence s, of words ws, identifies
// someone: a mention, an email address, a Slack user id, or a word of
// names (from nameParts), however it is spelt (foldLookalikes: "Воb" in
// Cyrillic letters is Bob to whoever reads it).
func identifies(s string, ws []string, names map[string]bool) bool {
	if namesSomeone(s) || userIDRE.MatchString(s) {
		return true
	}
	if len(names) == 0 {
		return false
	}
	if folded := foldLookalikes(s); folded != s {
		ws = words(folded)
	}
	for _, w := range ws {
		if names[w] {
			return true
		}
	}
	return false
}

// shingles returns every run of n words in ws, joined by spaces.
func shingles(ws []string, n int) []string {
	var out []string
	for i := 0; i+n <= len(ws); i++ {
		out = append(out, strings.Join(ws[i:i+n], " "))
	}
	return out
}

// jsonText renders v as indented JSON for a prompt, leaving &, < and >
// as they are (Slack's markup stays readable to the model).
func jsonText(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	_ = enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}
