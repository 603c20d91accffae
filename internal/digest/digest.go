// Package digest builds the weekly coaching digest the leaders' channel
// reads: an organisation headline, then each leader's tree and each
// manager, every figure with its trend against the 4 weeks before, the
// findings, and a chart. Every number comes from internal/metrics; this
// package chooses, orders and words them, and splits them into messages
// that fit Slack's Block Kit limits at any size of organisation.
//
// A digest is a list of messages in a neutral form (blocks of Slack mrkdwn
// text, each with a plain-text twin for `coachlog digest --dry-run`): the
// first is posted in the channel, the rest (the chart, then one or more
// replies per leader) in its thread. The Slack edge only translates them.
//
// What never appears: note text, comments, or a rep's name. Overdue reps
// are counts; a finding that names a manager's reps is given as a count
// (metrics.Insight.Public).
package digest

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/coachlog/coachlog/internal/coaching"
)

// Block kinds, as Block Kit names them.
const (
	Header  = "header"  // Text is plain text
	Section = "section" // Text and/or Fields, in mrkdwn
	Context = "context" // Text, in mrkdwn, small
	Divider = "divider"
)

// Block is one Block Kit block of a digest message.
type Block struct {
	Type   string   `json:"type"`
	Text   string   `json:"text,omitempty"`
	Fields []string `json:"fields,omitempty"`
	plain  string   // the same as plain text, for the text version
}

// Message is one Slack message of a digest.
type Message struct {
	Text   string  `json:"text"` // the notification's text
	Blocks []Block `json:"blocks"`
}

// Chart is the digest's chart as the file uploaded beside it.
type Chart struct {
	Name  string `json:"name"`  // file name, coachlog-digest-2026-W47.png
	Title string `json:"title"` // the file's title in Slack
	Alt   string `json:"alt"`   // what it shows, for screen readers
	PNG   []byte `json:"png"`
}

// Digest is one week's digest.
type Digest struct {
	Week coaching.Week
	// Messages: the first is posted in the channel, the others reply in
	// its thread, after the chart.
	Messages []Message
	Chart    *Chart // nil: no chart
}

// Posts are the digest as the outbox queues it: the headline, the chart,
// then the replies, each a payload the Slack edge renders.
func (d *Digest) Posts() ([]coaching.DigestPost, error) {
	var out []coaching.DigestPost
	add := func(kind coaching.MessageKind, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("encode digest %s: %w", kind, err)
		}
		out = append(out, coaching.DigestPost{Kind: kind, Payload: b})
		return nil
	}
	for i, m := range d.Messages {
		if err := add(coaching.MsgDigest, m); err != nil {
			return nil, err
		}
		if i == 0 && d.Chart != nil {
			if err := add(coaching.MsgDigestChart, d.Chart); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// Text is the digest as plain text, as leaders would read it: what
// `coachlog digest --dry-run` prints.
func (d *Digest) Text() string {
	var sb strings.Builder
	for i, m := range d.Messages {
		if i > 0 {
			sb.WriteString("\n")
		}
		writeText(&sb, m)
		if i == 0 && (len(d.Messages) > 1 || d.Chart != nil) {
			sb.WriteString("\n──── in the thread ────\n")
			if d.Chart != nil {
				fmt.Fprintf(&sb, "\n[chart: %s, %s]\n", d.Chart.Name, d.Chart.Title)
			}
		}
	}
	return sb.String()
}

func writeText(sb *strings.Builder, m Message) {
	for _, b := range m.Blocks {
		switch b.Type {
		case Header:
			fmt.Fprintf(sb, "%s\n%s\n", b.plain, strings.Repeat("=", min(len([]rune(b.plain)), 72)))
		case Divider:
			sb.WriteString("\n")
		default:
			sb.WriteString(b.plain + "\n")
		}
	}
}

// ChartName is the chart's file name for a week.
func ChartName(w coaching.Week) string { return "coachlog-digest-" + w.String() + ".png" }
