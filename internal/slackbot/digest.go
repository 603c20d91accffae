package slackbot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/digest"
	"github.com/coachlog/coachlog/internal/outbox"
)

// digestMessage renders one message of the weekly digest. The digest
// package words it and sizes it to Block Kit's limits; this translates
// its blocks one for one.
func digestMessage(m digest.Message) message {
	var blocks []slack.Block
	for _, b := range m.Blocks {
		switch b.Type {
		case digest.Header:
			blocks = append(blocks, slack.NewHeaderBlock(plain(b.Text)))
		case digest.Context:
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(b.Text)))
		case digest.Divider:
			blocks = append(blocks, slack.NewDividerBlock())
		case digest.Section:
			var text *slack.TextBlockObject
			if b.Text != "" {
				text = mrkdwn(b.Text)
			}
			var fields []*slack.TextBlockObject
			for _, f := range b.Fields {
				fields = append(fields, mrkdwn(f))
			}
			if text != nil || len(fields) > 0 {
				blocks = append(blocks, slack.NewSectionBlock(text, fields, nil))
			}
		}
	}
	return message{Text: m.Text, Blocks: blocks}
}

// sendDigest posts a message of the digest: the first in the channel, the
// others in its thread (prior); none to a channel another organisation
// shares (checkDigestChannel).
func (b *Bot) sendDigest(ctx context.Context, m coaching.Message, prior *coaching.Posted) (*coaching.Posted, error) {
	var d digest.Message
	if err := json.Unmarshal(m.Payload, &d); err != nil {
		return nil, &outbox.Error{Class: outbox.Permanent, Err: fmt.Errorf("read digest message: %w", err)}
	}
	if len(d.Blocks) == 0 {
		// A digest queued by a Coachlog before this one (its payload was the
		// figures, not the message) cannot be rendered any more.
		return nil, &outbox.Error{Class: outbox.Permanent, Err: errors.New("the digest message has no blocks (queued by an older version?)")}
	}
	if err := b.checkDigestChannel(ctx, m.To); err != nil {
		return nil, err
	}
	thread := ""
	if m.ThreadKey != "" && prior != nil {
		thread = prior.TS
	}
	return b.post(ctx, m.To, thread, digestMessage(d))
}

// uploadChart shares the digest's chart in the digest's thread with
// Slack's upload flow: files.getUploadURLExternal (name, length), the bytes
// to the URL it gives, then files.completeUploadExternal with the channel
// and the thread. Each attempt uploads afresh: a file whose upload was
// never completed is discarded by Slack.
func (b *Bot) uploadChart(ctx context.Context, m coaching.Message, prior *coaching.Posted) (*coaching.Posted, error) {
	var c digest.Chart
	if err := json.Unmarshal(m.Payload, &c); err != nil {
		return nil, &outbox.Error{Class: outbox.Permanent, Err: fmt.Errorf("read digest chart: %w", err)}
	}
	if len(c.PNG) == 0 {
		return nil, &outbox.Error{Class: outbox.Permanent, Err: errors.New("the digest chart has no image")}
	}
	if err := b.checkDigestChannel(ctx, m.To); err != nil {
		return nil, err
	}
	p := slack.UploadFileParameters{Filename: c.Name, Title: c.Title, AltTxt: c.Alt, FileSize: len(c.PNG),
		Reader: bytes.NewReader(c.PNG), Channel: m.To}
	if prior != nil {
		p.ThreadTimestamp = prior.TS
	}
	_, err := b.api.UploadFileContext(ctx, p)
	if err == nil {
		return nil, nil
	}
	method := uploadStep(err)
	e := classify(method, redactUpload(err))
	if oe, ok := errors.AsType[*outbox.Error](e); ok && oe.Class == outbox.Permanent {
		if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok && se.Err == "file_not_found" {
			oe.Class = outbox.Retry // the upload did not land: a new one may
		}
	}
	return nil, e
}

// uploadStep names the step of the upload that failed, from slack-go's
// wrapping of each.
func uploadStep(err error) string {
	s := err.Error()
	switch {
	case strings.HasPrefix(s, "GetUploadURLExternal"):
		return "files.getUploadURLExternal"
	case strings.HasPrefix(s, "UploadToURL"):
		return "upload_url"
	}
	return "files.completeUploadExternal"
}
