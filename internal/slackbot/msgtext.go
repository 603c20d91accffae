package slackbot

import (
	"encoding/json"
	"strings"

	"github.com/slack-go/slack"
)

// noTextPlaceholder is the text Slack gives a message an app posted with
// blocks and no text of its own, in every payload and answer that carries
// the message (message.text in heybot_block_actions_dm_button.json; the
// block_actions payload's example in Slack's reference,
// https://docs.slack.dev/reference/interaction-payloads/block_actions-payload).
// It is Slack's words, not the message's: a call recorder's summary in
// blocks would otherwise be noted as it.
const noTextPlaceholder = "This content can't be displayed."

// writtenText is a message's text as what its author wrote: "" when it
// is blank or Slack's placeholder for a message without text.
func writtenText(text string) string {
	if text == noTextPlaceholder || strings.TrimSpace(text) == "" {
		return ""
	}
	return text
}

// shownText is what a message without text shows, as message markup (the
// form a message's text has, read with unescape): the text of its blocks,
// of its legacy attachments, and the titles of its files. Slack leaves
// text empty for a file shared without a word and for an app's message in
// attachments only (a CRM's update), and gives an app's message in blocks
// only (a call recorder's summary) its placeholder (noTextPlaceholder):
// the message shortcut would otherwise note nothing of them.
func shownText(m slack.Msg) string {
	var lines []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			lines = append(lines, s)
		}
	}
	for _, bl := range m.Blocks.BlockSet {
		switch bl := bl.(type) {
		case *slack.HeaderBlock:
			add(objectText(bl.Text))
		case *slack.SectionBlock:
			add(objectText(bl.Text))
			for _, f := range bl.Fields {
				add(objectText(f))
			}
		case *slack.ContextBlock:
			for _, el := range bl.ContextElements.Elements {
				if t, ok := el.(*slack.TextBlockObject); ok {
					add(objectText(t))
				}
			}
		case *slack.RichTextBlock:
			for _, el := range bl.Elements {
				add(richText(el))
			}
		}
	}
	for _, a := range m.Attachments {
		before := len(lines)
		add(a.Pretext)
		add(a.Title)
		add(a.Text)
		if len(lines) == before {
			add(a.Fallback)
		}
	}
	for _, f := range m.Files {
		name := f.Title
		if strings.TrimSpace(name) == "" {
			name = f.Name
		}
		if strings.TrimSpace(name) != "" {
			add("File: " + esc(name))
		}
	}
	return strings.Join(lines, "\n")
}

// shownParts reads the parts of an interaction's message that shownText
// reads (its blocks, attachments and files), each one on its own: the
// payload is one slack-go could not decode, and a part it cannot read
// costs only itself, not what the rest of the message shows.
func shownParts(payload json.RawMessage) slack.Msg {
	var p struct {
		Message struct {
			Blocks      []json.RawMessage `json:"blocks"`
			Attachments []json.RawMessage `json:"attachments"`
			Files       []json.RawMessage `json:"files"`
		} `json:"message"`
	}
	var m slack.Msg
	if json.Unmarshal(payload, &p) != nil {
		return m
	}
	for _, raw := range p.Message.Blocks {
		// slack-go reads blocks only as a list, each by its type.
		var one slack.Blocks
		if json.Unmarshal(append(append([]byte{'['}, raw...), ']'), &one) == nil {
			m.Blocks.BlockSet = append(m.Blocks.BlockSet, one.BlockSet...)
		}
	}
	m.Attachments = readEach[slack.Attachment](p.Message.Attachments)
	m.Files = readEach[slack.File](p.Message.Files)
	return m
}

// readEach reads each of raws that reads as a T, and skips the others.
func readEach[T any](raws []json.RawMessage) []T {
	out := make([]T, 0, len(raws))
	for _, raw := range raws {
		var v T
		if json.Unmarshal(raw, &v) == nil {
			out = append(out, v)
		}
	}
	return out
}

// objectText is a text object's text as markup: mrkdwn is markup already,
// plain text is not.
func objectText(t *slack.TextBlockObject) string {
	if t == nil {
		return ""
	}
	if t.Type == slack.PlainTextType {
		return esc(t.Text)
	}
	return t.Text
}

// richText renders one rich text element (a paragraph, a list, a quote, a
// code block) as markup.
func richText(el slack.RichTextElement) string {
	switch el := el.(type) {
	case *slack.RichTextSection:
		return richSection(el.Elements)
	case *slack.RichTextQuote:
		return richSection(el.Elements)
	case *slack.RichTextPreformatted:
		return richSection(el.Elements)
	case *slack.RichTextList:
		var items []string
		for _, item := range el.Elements {
			if s := richText(item); s != "" {
				items = append(items, "• "+s)
			}
		}
		return strings.Join(items, "\n")
	}
	return ""
}

func richSection(els []slack.RichTextSectionElement) string {
	var b strings.Builder
	for _, el := range els {
		switch el := el.(type) {
		case *slack.RichTextSectionTextElement:
			b.WriteString(esc(el.Text))
		case *slack.RichTextSectionLinkElement:
			b.WriteString("<" + el.URL)
			if el.Text != "" {
				b.WriteString("|" + esc(el.Text))
			}
			b.WriteString(">")
		case *slack.RichTextSectionUserElement:
			b.WriteString("<@" + el.UserID + ">")
		case *slack.RichTextSectionChannelElement:
			b.WriteString("<#" + el.ChannelID + ">")
		case *slack.RichTextSectionEmojiElement:
			b.WriteString(":" + el.Name + ":")
		}
	}
	return b.String()
}
