package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// serveOnce runs serve with b's environment until it returns or connects
// to Slack: the error it returned, and whether it got as far as the socket.
func (b *bot) serveOnce() (error, bool) {
	b.t.Helper()
	n := b.fake.Connections()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	exited := make(chan error, 1)
	go func() {
		exited <- runEnv(ctx, []string{"serve"}, env{getenv: b.getenv, stdout: b.logs, stderr: b.logs, now: b.now})
	}()
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	connected := make(chan error, 1)
	go func() { connected <- b.fake.WaitConnected(wctx, n+1) }()
	select {
	case err := <-exited:
		wcancel()
		<-connected
		return err, false
	case err := <-connected:
		if err != nil {
			b.t.Fatalf("serve neither returned nor connected: %v\nlogs:\n%s", err, b.logs)
		}
		cancel()
		<-exited
		return nil, true
	}
}

// serve refuses, at once and in one line naming COACHLOG_DIGEST_CHANNEL, a
// digest channel the managers' names and figures must not go to, or could
// not: shared with another organisation (Slack Connect), archived, or one
// Slack does not show the bot (a typo, a private channel it is not in).
// Before, it started, /healthz green, and the digest went to the other
// company, or failed on Monday.
func TestServeRefusesABadDigestChannel(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		setup func(*fakeslack.Server)
		want  string
	}{
		{"shared with another organisation", func(f *fakeslack.Server) {
			f.AddChannel("C0LEADS", true)
			f.ShareChannelExternally("C0LEADS", "T0PARTNER")
		}, "C0LEADS is shared with another organisation (Slack Connect)"},
		{"another organisation invited to it", func(f *fakeslack.Server) {
			f.AddChannel("C0LEADS", true)
			f.InviteChannelExternally("C0LEADS", "T0PARTNER")
		}, "C0LEADS is shared with another organisation (Slack Connect)"},
		{"archived", func(f *fakeslack.Server) {
			f.AddChannel("C0LEADS", true)
			f.ArchiveChannel("C0LEADS")
		}, "C0LEADS is archived"},
		{"no such channel", func(f *fakeslack.Server) { f.AddChannel("C0OTHER", true) },
			"no such channel, or a private channel the bot is not in: /invite @Coachlog"},
		{"a private channel the bot is not in", func(f *fakeslack.Server) { f.AddPrivateChannel("C0LEADS", false) },
			"no such channel, or a private channel the bot is not in: /invite @Coachlog"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := startBot(t)
			b.stop()
			tt.setup(b.fake)
			b.env["COACHLOG_DIGEST_CHANNEL"] = "C0LEADS"
			err, started := b.serveOnce()
			if started || err == nil {
				t.Fatalf("serve started with that digest channel (err %v)\nlogs:\n%s", err, b.logs)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "COACHLOG_DIGEST_CHANNEL: ") || !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") {
				t.Errorf("serve = %q, want one line naming COACHLOG_DIGEST_CHANNEL and saying %q", msg, tt.want)
			}
		})
	}
}

// A public channel the bot is not in yet is warned of at start, with how
// to mend it: it can still be invited before the digest runs. An install
// made before the manifest asked for channels:read and groups:read, or
// Slack failing to answer, is warned of too, and the bot starts: an
// existing install keeps working.
func TestServeWarnsOfADigestChannelItCannotUseYet(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		fault  *fakeslack.Fault
		member bool
		want   []string
	}{
		{"the bot not in it", nil, false, []string{"COACHLOG_DIGEST_CHANNEL: the bot is not in the channel: /invite @Coachlog there"}},
		{"an install without the new scopes", &fakeslack.Fault{Error: "missing_scope"}, true,
			[]string{"COACHLOG_DIGEST_CHANNEL not checked", "channels:read and groups:read", "reinstall"}},
		{"Slack answering 503", &fakeslack.Fault{Status: 503}, true, []string{"COACHLOG_DIGEST_CHANNEL not checked: conversations.info failed"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := startBot(t)
			b.stop()
			b.fake.AddChannel("C0LEADS", tt.member)
			if tt.fault != nil {
				b.fake.FailNext("conversations.info", 1, *tt.fault)
			}
			b.env["COACHLOG_DIGEST_CHANNEL"] = "C0LEADS"
			from := len(b.logs.String())
			b.start()
			logs := b.logs.String()[from:]
			for _, want := range tt.want {
				if !strings.Contains(logs, want) {
					t.Errorf("the start does not say %q:\n%s", want, logs)
				}
			}
			if n := len(b.fake.CallsTo("conversations.info")); n != 1 {
				t.Errorf("%d conversations.info calls at start, want 1", n)
			}
		})
	}
}

// A digest channel the company's own at start, shared with another
// organisation before the digest runs, gets nothing: the sender looks at
// the channel again before the headline (here, the command's own look
// found Slack down and went on), and fails the digest for good, saying
// why. Before, a check at start alone let Monday's digest through.
func TestADigestChannelSharedAfterStartGetsNoDigest(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.stop()
	b.fake.AddChannel("C0LEADS", true)
	b.env["COACHLOG_DIGEST_CHANNEL"] = "C0LEADS"
	b.start() // the channel is the company's own: the start goes on
	b.importRoster(t)
	b.coachLastWeek()

	b.fake.ShareChannelExternally("C0LEADS", "T0PARTNER")
	b.fake.FailNext("conversations.info", 1, fakeslack.Fault{Status: 503}) // the command's own look
	out, err := b.cli("digest")
	if err == nil || !strings.Contains(err.Error(), "failed to deliver") {
		t.Fatalf("digest into a channel shared since start: %v\n%s", err, out)
	}
	if n := len(b.fake.Messages("C0LEADS")) + len(b.fake.CallsTo("files.getUploadURLExternal")); n != 0 {
		t.Fatalf("%d posts or uploads to a channel another organisation shares", n)
	}
	if logs := b.logs.String() + out; !strings.Contains(logs, "the digest channel C0LEADS is shared with another organisation") {
		t.Errorf("the failure does not say why:\n%s", logs)
	}
}

// `coachlog digest` refuses a channel shared with another organisation
// before it queues anything: the week stays unclaimed, to be posted once
// the channel is mended.
func TestDigestCommandRefusesASharedChannel(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.fake.AddChannel("C0LEADS", true)
	b.importRoster(t)
	b.coachLastWeek()
	b.fake.ShareChannelExternally("C0LEADS")
	out, err := b.cli("digest", "--channel", "C0LEADS")
	if err == nil || !strings.Contains(err.Error(), "--channel: C0LEADS is shared with another organisation") {
		t.Fatalf("digest to a shared channel: %v\n%s", err, out)
	}
	if n := len(b.fake.Messages("C0LEADS")); n != 0 {
		t.Fatalf("%d posts to the shared channel", n)
	}
	b.fake.AddChannel("C0OWN", true)
	out, err = b.cli("digest", "--channel", "C0OWN")
	if err != nil || !strings.Contains(out, "Posted the digest of") {
		t.Fatalf("digest to the company's own channel after a refusal: %v\n%s", err, out)
	}
}

// A link to the channel, what Slack's "Copy link" gives and an admin most
// likely pastes, is answered with the id in it, in COACHLOG_DIGEST_CHANNEL
// as in --channel: "not a name" did not say what to write.
func TestADigestChannelGivenAsALinkIsAnsweredWithItsID(t *testing.T) {
	t.Parallel()
	for _, link := range []string{
		"https://acme.slack.com/archives/C0LEADS",
		"https://acme.slack.com/archives/C0LEADS/p1764680000123456", // a message's link
	} {
		vars := map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_DIGEST_CHANNEL": link}
		err := run(context.Background(), []string{"serve"}, func(k string) string { return vars[k] }, &syncBuffer{}, &syncBuffer{})
		want := "COACHLOG_DIGEST_CHANNEL: \"" + link + "\" is a link to the channel; give its id alone: C0LEADS"
		if err == nil || err.Error() != want {
			t.Errorf("serve: %v\nwant %s", err, want)
		}
		out, err := cliAt(t, tuesday, map[string]string{"COACHLOG_DB": t.TempDir() + "/c.db"}, "digest", "--channel", link)
		want = "--channel \"" + link + "\" is a link to the channel; give its id alone: --channel C0LEADS"
		if err == nil || err.Error() != want {
			t.Errorf("digest --channel: %v\nwant %s\n%s", err, want, out)
		}
	}
	// A name is still told it is one: TestADigestChannelGivenAsANameSaysWhereItsIDIs.
}

// A channel's name, or its id typed in lower case, is answered with what
// to write and where to find it: "not a name" sent the admin looking for
// an id without saying where Slack shows one.
func TestADigestChannelGivenAsANameSaysWhereItsIDIs(t *testing.T) {
	t.Parallel()
	const where = "the channel's id ends the link its Copy link gives (https://acme.slack.com/archives/C0123ABCD)"
	for _, tt := range []struct{ value, serve, cli string }{
		{"#sales-leaders", "COACHLOG_DIGEST_CHANNEL: \"#sales-leaders\" is a channel's name; give its id: " + where,
			"--channel \"#sales-leaders\" is a channel's name; give its id: " + where},
		{"sales-leaders", "COACHLOG_DIGEST_CHANNEL: \"sales-leaders\" is not a channel id like C0123ABCD; " + where,
			"--channel \"sales-leaders\" is not a channel id like C0123ABCD; " + where},
		{"c0leads", "COACHLOG_DIGEST_CHANNEL: \"c0leads\" is not a channel id: Slack's ids are in capitals, write C0LEADS",
			"--channel \"c0leads\" is not a channel id: Slack's ids are in capitals, write --channel C0LEADS"},
	} {
		vars := map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_DIGEST_CHANNEL": tt.value}
		err := run(context.Background(), []string{"serve"}, func(k string) string { return vars[k] }, &syncBuffer{}, &syncBuffer{})
		if err == nil || err.Error() != tt.serve {
			t.Errorf("serve with COACHLOG_DIGEST_CHANNEL=%s: %v\nwant %s", tt.value, err, tt.serve)
		}
		out, err := cliAt(t, tuesday, map[string]string{"COACHLOG_DB": t.TempDir() + "/c.db"}, "digest", "--channel", tt.value)
		if err == nil || err.Error() != tt.cli {
			t.Errorf("digest --channel %s: %v\nwant %s\n%s", tt.value, err, tt.cli, out)
		}
	}
}
