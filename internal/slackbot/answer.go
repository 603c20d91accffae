package slackbot

import (
	"strings"

	"github.com/slack-go/slack"
)

// answerMessage is a command's answer (a coaching.Reply's text, or one
// given straight back through the response_url): its first line says what
// happened, and the lines after it, when there are any, give back what was
// typed (typedBack, slowedDownAnswer), quoted.
//
// The message's text is only the first sentence: it is what a lock
// screen's notification shows and a screen reader reads when the answer
// comes as a DM (the response_url expired), and what was typed (the
// notes) is no one else's to glimpse there. The blocks give back every
// character typed, over as many sections as it takes, never cut: the
// answer promises that nothing is lost. A slash command's text is far
// shorter than the message's budget even escaped; past it, which would
// make Slack refuse the whole answer, the last section says it was cut.
func answerMessage(answer string) message {
	head, rest, _ := strings.Cut(answer, "\n")
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(cutMrkdwn(head, sectionText)), nil, nil)}
	used := len([]rune(head))
	for _, part := range mrkdwnChunks(rest, sectionText) {
		n := len([]rune(part))
		if len(blocks)+2 > maxMessageBlocks || used+n > messageText {
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn("… cut to fit one Slack message."), nil, nil))
			break
		}
		used += n
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(part), nil, nil))
	}
	return message{Text: firstSentence(head), Blocks: blocks}
}

// sectionText is the most text a section block takes (Block Kit).
const sectionText = 3000

// firstSentence is s up to the end of its first sentence: ". ", "? " or
// "! ", or all of s.
func firstSentence(s string) string {
	for i := 0; i+1 < len(s); i++ {
		if strings.IndexByte(".?!", s[i]) >= 0 && s[i+1] == ' ' {
			return s[:i+1]
		}
	}
	return s
}

// mrkdwnChunks cuts mrkdwn into pieces of at most n characters, at line
// ends where it can; a line longer than n is split, never inside an
// escape or a mention, and each piece of a quoted line ("> ") is quoted
// too. Nothing is left out.
func mrkdwnChunks(s string, n int) []string {
	if s == "" {
		return nil
	}
	var out, cur []string
	size := 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, "\n"))
			cur, size = nil, 0
		}
	}
	for _, line := range strings.Split(s, "\n") {
		for _, piece := range splitLine(line, n) {
			l := len([]rune(piece))
			if len(cur) > 0 && size+1+l > n {
				flush()
			}
			if len(cur) > 0 {
				size++
			}
			cur = append(cur, piece)
			size += l
		}
	}
	flush()
	return out
}

// splitLine splits one line of mrkdwn into pieces of at most n characters,
// never inside an escape or a mention; a quoted line's pieces are each
// quoted.
func splitLine(line string, n int) []string {
	quote := ""
	if strings.HasPrefix(line, "> ") {
		quote = "> "
	}
	r := []rune(line)
	var out []string
	for len(r) > n {
		cut := n
		// An escape or a mention Coachlog writes is short: look back
		// that far for one left open, and cut before it.
		for i := cut - 1; i >= max(0, cut-maxMarkup); i-- {
			if r[i] == ';' || r[i] == '>' {
				break
			}
			if r[i] == '&' || r[i] == '<' {
				if i > len(quote) {
					cut = i
				}
				break
			}
		}
		out = append(out, string(r[:cut]))
		r = append([]rune(quote), r[cut:]...)
	}
	return append(out, string(r))
}
