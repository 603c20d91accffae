package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/slackbot"
)

// digestChannelTimeout bounds the look at the digest channel: advice
// when Slack is slow, never worth holding the start for long.
const digestChannelTimeout = 10 * time.Second

// checkDigestChannel asks Slack (conversations.info) what the digest's
// channel is before anything is posted there, so that a wrong channel is
// known at start rather than at Monday 08:00's failure. setting names
// where the channel came from (COACHLOG_DIGEST_CHANNEL, or the digest
// command's --channel). The digest names managers and their coaching
// figures, which are for the company's own people:
//   - a channel shared with another organisation (Slack Connect) is
//     refused, as is an archived one, and one Slack does not show the bot
//     (channel_not_found: a typo, or a private channel it is not in);
//   - a public channel the bot is not in is warned of: it can still be
//     invited before the digest runs;
//   - an install made before the manifest asked for channels:read and
//     groups:read (missing_scope), or Slack not answering, is warned of
//     and the start goes on: an existing install keeps working, and the
//     sender checks again before each digest (slackbot's
//     checkDigestChannel), where a channel shared since is refused.
//
// A DM (D…) is not checked: it would need im:read, which the app does not
// ask for.
func checkDigestChannel(ctx context.Context, api *slack.Client, log *slog.Logger, setting, channel string) error {
	if channel == "" {
		return nil
	}
	if !slackbot.Checkable(channel) {
		log.Info(setting+" is a DM: not checked (conversations.info on a DM needs im:read)", "channel", channel)
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, digestChannelTimeout)
	defer cancel()
	info, err := slackbot.LookUpChannel(ctx, api, channel)
	switch code := slackbot.SlackErrorCode(err); {
	case err == nil:
	case code == "channel_not_found":
		return &configError{Name: setting, Problem: channel + ": no such channel, or a private channel the bot is not in: /invite @Coachlog to it"}
	case code == "missing_scope":
		log.Warn(setting+" not checked: the app lacks the channels:read and groups:read scopes (an install made before manifest.yml asked for them); "+
			"add them and reinstall the app (README: Upgrading an existing install) so that Coachlog can tell the channel is your company's own; going on",
			"channel", channel)
		return nil
	default:
		// As checkBotToken: the URL *url.Error prints may hold a proxy's
		// credentials; the token is never in the error.
		cause := err
		if ue, ok := errors.AsType[*url.Error](err); ok {
			cause = ue.Err
		}
		log.Warn(setting+" not checked: conversations.info failed; going on, and the channel is checked again before each digest",
			"channel", channel, "err", cause.Error())
		return nil
	}
	switch {
	case info.ExtShared:
		return &configError{Name: setting, Problem: channel + " is shared with another organisation (Slack Connect), and the digest names managers " +
			"and their coaching figures, which are for your company's own people: choose a channel of your own"}
	case info.Archived:
		return &configError{Name: setting, Problem: channel + " is archived: unarchive it, or choose another channel"}
	case !info.Member:
		log.Warn(setting+": the bot is not in the channel: /invite @Coachlog there before the digest runs, or Slack refuses it (not_in_channel)",
			"channel", channel)
		return nil
	}
	return nil // the company's own, the bot in it: nothing to say
}

// digestChannelAPI is a Web API client for checkDigestChannel at start,
// before the bot is wired.
func digestChannelAPI(cfg config) *slack.Client { return startAPI(cfg, digestChannelTimeout) }

// startAPI is a Web API client for the checks a start makes before the
// bot is wired (auth.test, the digest channel), each request bounded by
// timeout.
func startAPI(cfg config, timeout time.Duration) *slack.Client {
	return slack.New(cfg.BotToken, slack.OptionAPIURL(cfg.APIURL), slack.OptionHTTPClient(&http.Client{Timeout: timeout}))
}
