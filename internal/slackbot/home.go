package slackbot

import (
	"context"
	"fmt"
	"strconv"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
)

// homeView renders someone's App Home tab: a way to log coaching, their
// recent sessions to edit or undo, and sessions waiting for their answer.
func (b *Bot) homeView(ctx context.Context, userID string) (slack.HomeTabViewRequest, error) {
	logged, err := b.svc.History(ctx, userID, "", 5)
	if err != nil {
		return slack.HomeTabViewRequest{}, err
	}
	received, err := b.svc.RepSessions(ctx, userID, 20)
	if err != nil {
		return slack.HomeTabViewRequest{}, err
	}
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain("Coachlog")),
		slack.NewSectionBlock(mrkdwn("Log coaching right after a ride-along or a 1:1; each rep confirms it with one click."), nil,
			slack.NewAccessory(button(actLogOpen, "Log coaching", "home", slack.StylePrimary))),
	}
	if len(logged) > 0 {
		blocks = append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn("*Your recent sessions*"), nil, nil))
		for _, s := range logged {
			val := fmt.Sprintf("%d:%s", s.ID, fromHome)
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn(summary(s)+roleSuffix(s)+" · "+statusBadge(s)), nil, nil),
				slack.NewActionBlock("home_s"+strconv.FormatInt(s.ID, 10), button(actEdit, "Edit", val, ""), button(actUndo, "Undo", val, slack.StyleDanger)))
		}
	}
	var pending []coaching.Session
	for _, s := range received {
		if r, ok := s.Rep(userID); ok && r.Status == coaching.StatusPending {
			pending = append(pending, s)
		}
	}
	if len(received) > 0 {
		blocks = append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn(fmt.Sprintf(
			"*Coaching you received*: %d session(s) lately, %d waiting for your confirmation in your DMs.", len(received), len(pending))), nil, nil))
		for i, s := range pending {
			if i == 10 {
				break
			}
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(":hourglass_flowing_sand: "+mention(s.ManagerID)+": "+summary(s))))
		}
	}
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}, nil
}
