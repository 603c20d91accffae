package digest

import (
	"strings"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/slacktext"
	"github.com/coachlog/coachlog/internal/textcut"
)

// Block Kit's limits for a message (https://docs.slack.dev/reference/block-kit/blocks
// and each block's page), and the total of block text past which Slack
// answers msg_blocks_too_long: about 11,000 characters in practice
// (SLACK-NOTES.md); the digest keeps a margin under it.
const (
	maxBlocks      = 50
	maxChars       = 10000
	maxHeader      = 150
	maxSectionText = 3000
	maxFields      = 10
	maxFieldText   = 2000
	// maxItem bounds one manager's entry, so one always fits a section.
	maxItem = 2900
)

// block makes a block of t, keeping its plain twin. A section's or a
// context's text is cut to Block Kit's 3,000 characters whatever it holds
// (findings naming long names, each escape counting for several), so no
// text the digest builds gets the message refused.
func block(kind string, t *txt) Block {
	if kind == Header {
		return Block{Type: kind, Text: t.plain.String(), plain: t.plain.String()}
	}
	md, plain := fit(t, maxSectionText)
	return Block{Type: kind, Text: md, plain: plain}
}

// fit is t's mrkdwn cut to at most n characters, never inside an escape
// ("&amp;"), and its plain twin cut about as far: as many characters as
// the mrkdwn kept once unescaped (a bold or italic mark counted in them is
// a character more shown in plain text, at most a few).
func fit(t *txt, n int) (md, plain string) {
	md, plain = t.md.String(), t.plain.String()
	if utf8.RuneCountInString(md) <= n {
		return md, plain
	}
	md = cutMrkdwn(md, n)
	return md, textcut.Cut(plain, utf8.RuneCountInString(slacktext.Unescape(md)))
}

// cutMrkdwn cuts the digest's mrkdwn to at most n characters, marked with
// "…", never inside an escape: half an "&amp;" shows as typed. The digest
// writes no mentions or links, so an escape is all there is to keep whole
// (slackbot's cutMrkdwn also keeps mentions).
func cutMrkdwn(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	r = r[:max(n-1, 0)]
	for i := len(r) - 1; i >= max(0, len(r)-len("&amp;")); i-- {
		if r[i] == ';' {
			break
		}
		if r[i] == '&' {
			r = r[:i]
			break
		}
	}
	return string(r) + textcut.Ellipsis
}

// cutEscaped is s cut, "…" included, to the longest start whose escape
// (literal) is at most n characters: cut before escaping and
// measured after, so escaping never pushes text past a limit and no
// escape is split.
func cutEscaped(s string, n int) string {
	if utf8.RuneCountInString(literal(s)) <= n {
		return s
	}
	width := 1 // the ellipsis
	for i, c := range s {
		w := utf8.RuneCountInString(literal(string(c)))
		if width+w > n {
			return s[:i] + textcut.Ellipsis
		}
		width += w
	}
	return s // not reached: s as a whole is wider than n
}

// fieldsBlock is a section of fields, each cut to Block Kit's limit.
func fieldsBlock(fs []field) Block {
	b := Block{Type: Section}
	var plain []string
	for _, f := range fs[:min(len(fs), maxFields)] {
		t := f.text()
		b.Fields = append(b.Fields, textcut.Cut(t.md.String(), maxFieldText))
		plain = append(plain, t.plain.String())
	}
	b.plain = strings.Join(plain, "\n")
	return b
}

// size is the block text a block counts for towards msg_blocks_too_long.
func size(b Block) int {
	n := utf8.RuneCountInString(b.Text)
	for _, f := range b.Fields {
		n += utf8.RuneCountInString(f)
	}
	return n
}

// fits reports whether blocks make a message Slack takes.
func fits(bs []Block) bool {
	n := 0
	for _, b := range bs {
		n += size(b)
	}
	return len(bs) <= maxBlocks && n <= maxChars
}

// sections packs entries into as few sections as Block Kit allows, a
// blank line between entries.
func sections(entries []*txt) []Block {
	bs, _ := pack(entries, "\n\n")
	return bs
}

// pack packs entries, sep between them, into sections of at most
// maxSectionText; counts says how many entries each holds.
func pack(entries []*txt, sep string) (out []Block, counts []int) {
	var cur *txt
	n := 0
	flush := func() {
		if cur != nil {
			out, counts = append(out, block(Section, cur)), append(counts, n)
			cur, n = nil, 0
		}
	}
	for _, e := range entries {
		if cur != nil && utf8.RuneCountInString(cur.md.String())+len(sep)+utf8.RuneCountInString(e.md.String()) > maxSectionText {
			flush()
		}
		if cur == nil {
			cur = (&txt{}).t(e)
		} else {
			cur.w(sep).t(e)
		}
		n++
	}
	flush()
	return out, counts
}

// packer fills messages with blocks, starting a new one when the next
// block would not fit.
type packer struct {
	text  string
	msgs  []Message
	cur   Message
	chars int
}

func newPacker(text string) *packer { return &packer{text: text, cur: Message{Text: text}} }

// room reports whether b fits in the current message, keeping chars and
// blocks in reserve.
func (p *packer) room(b Block, chars, blocks int) bool { return p.roomFor(size(b)+chars, 1+blocks) }

// roomFor reports whether blocks more blocks holding chars characters fit
// in the current message.
func (p *packer) roomFor(chars, blocks int) bool {
	return len(p.cur.Blocks)+blocks <= maxBlocks && p.chars+chars <= maxChars
}

func (p *packer) add(b Block) {
	p.cur.Blocks = append(p.cur.Blocks, b)
	p.chars += size(b)
}

// next starts a new message.
func (p *packer) next() {
	if len(p.cur.Blocks) > 0 {
		p.msgs = append(p.msgs, p.cur)
	}
	p.cur, p.chars = Message{Text: p.text}, 0
}

func (p *packer) done() []Message {
	p.next()
	return p.msgs
}
