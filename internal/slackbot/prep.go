package slackbot

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/llm"
)

// Briefer writes a manager's /coach prep brief about one of their reps;
// *assist.Prep is one. It refuses anyone but the rep's manager with a
// domain error, and calls writing, when it is not nil, before it waits
// for a model.
type Briefer interface {
	Brief(ctx context.Context, managerID, repID string, writing func()) (llm.Brief, error)
}

// prep serves /coach prep @rep, acknowledged already: the brief holds the
// manager's notes and the rep's answers, so it is answered privately, to
// the manager alone, through the command's response_url.
func (b *Bot) prep(ctx context.Context, cmd slashCommand, args string) {
	// A rep is told what it is and where their own coaching is, as
	// /coach stats and /coach team tell them, whatever they typed after
	// it: "Say which rep", then "only for reps who report to you", sent
	// them round a command that is not theirs.
	if p := b.person(ctx, cmd.UserID); coaching.RepOnly(p) && !b.hasTeam(ctx, p) {
		b.respond(ctx, cmd.ResponseURL, textMessage("*`/coach prep` is for managers*: a brief before their next session with one of the reps who report to them. "+
			coaching.Alternatives(p, false)), false)
		return
	}
	m := mentionRE.FindStringSubmatch(args)
	if m == nil {
		b.respond(ctx, cmd.ResponseURL, textMessage(prepWho(args)), false)
		return
	}
	if reps := mentionedIDs(args); len(reps) > 1 {
		// "/coach prep @ben @cy" gave Ben's brief alone, and the manager
		// took it for both: each is asked for in turn, as typed.
		b.respond(ctx, cmd.ResponseURL, textMessage("`/coach prep` gives a brief about one rep at a time: type it for each of "+mentions(reps)+" in turn."), false)
		return
	}
	if b.briefer == nil {
		b.respond(ctx, cmd.ResponseURL, textMessage(":construction: `/coach prep` is not set up here."), false)
		return
	}
	// The model's summary takes a request's time, seconds: the manager is
	// told it is coming rather than left with nothing after their command.
	writing := func() {
		b.respond(ctx, cmd.ResponseURL, textMessage(":hourglass_flowing_sand: Writing your brief about "+mention(m[1])+": the LLM's summary takes a few seconds."), false)
	}
	brief, err := b.briefer.Brief(ctx, cmd.UserID, m[1], writing)
	if err != nil {
		b.logAnswerError("prep brief", err, "user_id", cmd.UserID)
		b.respond(ctx, cmd.ResponseURL, textMessage(":no_entry_sign: "+escKeepMentions(coaching.ErrorMessage(err))), false)
		return
	}
	b.respond(ctx, cmd.ResponseURL, prepMessage(m[1], brief), false)
}

// mentionedIDs are the users mentioned in args, each once, in order.
func mentionedIDs(args string) []string {
	var ids []string
	for _, m := range mentionRE.FindAllStringSubmatch(args, -1) {
		if !slices.Contains(ids, m[1]) {
			ids = append(ids, m[1])
		}
	}
	return ids
}

// prepWho answers /coach prep without a rep's mention in args: a name
// typed as text ("@sam" not picked from Slack's @ list arrives as text),
// quoted back as /coach away quotes it, a channel picked from the # list,
// or nothing. It says, as /coach history does, how a rep arrives as a
// mention.
func prepWho(args string) string {
	const how = "`/coach prep @sam` gives you a brief before your next session with a rep: " +
		"pick them from " + atList + ", so it arrives as a mention."
	if ch := channelRE.FindString(args); ch != "" {
		return escName(unescape(ch, nil)) + " is a channel, not a person. " + how
	}
	if name := typedName(args); name != "" {
		return typedNotPicked(name) + ". " + how
	}
	if strings.TrimSpace(args) != "" {
		return "Say which rep as a mention: " + how
	}
	return "Say which rep: " + how
}

// channelRE finds a channel mention as Slack sends it: <#C0SALES|sales>.
var channelRE = regexp.MustCompile(`<#[CG][A-Z0-9]+(?:\|[^>]*)?>`)

// noticeNoSummary heads a brief whose summary the manager was told was
// being written, and was not.
const noticeNoSummary = ":mag: The LLM's summary couldn't be written this time, so here is the list alone."

// prepMessage shows a brief: the model's prose, when there is any, above
// the plain list, all escaped (it holds what people wrote), or a line
// saying the prose could not be written when the model was asked for it.
// The notification text carries no note, only whom the brief is about
// (repID).
func prepMessage(repID string, br llm.Brief) message {
	var blocks []slack.Block
	left := prepTextBudget
	if br.Unwritten && br.Prose == "" {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(noticeNoSummary)))
		left -= len(noticeNoSummary)
	}
	if br.Prose != "" {
		prose := escChunks(":memo: "+br.Prose, 3000)[0] // the model's prose is short: a longer one is cut
		note := "Written by the LLM from the sessions below; check it against them."
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(prose), nil, nil), slack.NewContextBlock("", mrkdwn(note)))
		left -= len([]rune(prose)) + len(note)
	}
	for _, part := range escChunks(br.List, 3000) {
		if n := len([]rune(part)); n > left {
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn("… cut to fit one Slack message: `/coach history @rep` lists the rest.")))
			break
		}
		left -= len([]rune(part))
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(part), nil, nil))
	}
	return message{Text: "Your prep brief about " + mention(repID), Blocks: blocks}
}

// prepTextBudget bounds a brief's block text: Slack refuses a message past
// about 11,000 characters of it (SLACK-NOTES.md), and escaping what people
// wrote can triple its length.
const prepTextBudget = 10000

// escChunks escapes text for mrkdwn and cuts it into pieces of at most n
// characters once escaped, at line ends where it can (a line too long on
// its own is cut, never inside an escape), so each fits a section block.
func escChunks(text string, n int) []string {
	var out, cur []string
	size := 0
	for _, line := range strings.Split(text, "\n") {
		e := esc(line)
		for r := []rune(line); len([]rune(e)) > n; {
			r = r[:len(r)*n/len([]rune(e))]
			e = esc(string(r))
		}
		if size+len([]rune(e))+1 > n && len(cur) > 0 {
			out = append(out, strings.Join(cur, "\n"))
			cur, size = nil, 0
		}
		cur = append(cur, e)
		size += len([]rune(e)) + 1
	}
	if len(cur) > 0 {
		out = append(out, strings.Join(cur, "\n"))
	}
	return out
}
