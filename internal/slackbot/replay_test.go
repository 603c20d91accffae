package slackbot

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// A replica replaying the commands pending at its start can come to one
// the replica that acked it is still acting on, its trigger still fresh.
// When the other replica has answered it meanwhile (here: refused it),
// the replay does nothing more: no form opened on top of the answer, no
// session logged after it, nothing queued.
func TestAReplayLeavesACommandAnsweredMeanwhileAlone(t *testing.T) {
	for _, tt := range []struct{ name, text string }{
		{"a capture that opens the form", "<@U0SAM|sam> talked pricing"},
		{"a capture that logs", "<@U0SAM|sam> 1:1 30m talked pricing"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			fake := fakeslack.New()
			if err := fake.Start(); err != nil {
				t.Fatal(err)
			}
			defer fake.Close()
			fake.AddUser(fakeslack.User{ID: "U0MAX", Name: "max", RealName: "Max"})
			fake.AddUser(fakeslack.User{ID: "U0SAM", Name: "sam", RealName: "Sam"})
			st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			svc := coaching.NewService(coaching.Config{Store: st})
			b := New(Config{AppToken: fake.AppToken(), BotToken: fake.BotToken(), APIURL: fake.APIURL(), Service: svc, Outbox: nopNotifier{}})

			cmd := slashCommand{Command: "/coach", Text: tt.text, UserID: "U0MAX", TriggerID: fake.IssueTrigger("U0MAX"),
				ResponseURL: "https://hooks.slack.test/commands/1"}
			payload, err := json.Marshal(cmd)
			if err != nil {
				t.Fatal(err)
			}
			c, _, err := svc.Accept(ctx, coaching.Command{Key: "cmd:" + cmd.TriggerID, UserID: cmd.UserID, Payload: payload, ReceivedAt: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			// The replica that acked it refuses it while this one replays it.
			if err := svc.AnswerCommand(ctx, c, cmd.ResponseURL, c.ReceivedAt, "Not logged: try again in a moment."); err != nil {
				t.Fatal(err)
			}
			b.runCommand(ctx, c)

			if calls := fake.CallsTo("views.open"); len(calls) != 0 {
				t.Errorf("views.open called %d times: a form opened for a command already answered", len(calls))
			}
			if got, err := st.ManagerSessions(ctx, "U0MAX", "", 10); err != nil || len(got) != 0 {
				t.Errorf("sessions = %d (%v): logged after the manager was told it was not", len(got), err)
			}
			if stats, err := st.OutboxStats(ctx, time.Time{}); err != nil || stats.Pending != 1 {
				t.Errorf("outbox = %+v, %v; want the refusal alone", stats, err)
			}
		})
	}
}

// A command whose done mark or answer could not be written, or a replay
// that could not read what is pending, is acted on again by the sender
// replica's pass, with no restart: the log says so, not "at the next
// start", which would send an operator to restart the bot for nothing.
func TestAFailedWriteSaysTheSenderActsOnTheCommandAgain(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc := coaching.NewService(coaching.Config{Store: st})
	var logs bytes.Buffer
	b := New(Config{AppToken: "xapp-x", BotToken: "xoxb-x", APIURL: "http://127.0.0.1:1/", Service: svc, Outbox: nopNotifier{},
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	c, _, err := svc.Accept(ctx, coaching.Command{Key: "cmd:T1", UserID: "U0MAX", Payload: []byte(`{}`), ReceivedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	gone, cancel := context.WithCancel(ctx)
	cancel() // every write and read fails, as when the database does not answer

	b.commandDone(gone, c)
	b.answerCommand(gone, c, slashCommand{UserID: "U0MAX", ResponseURL: "https://hooks.slack.test/commands/1"}, "Not logged.")
	st.Close() // a read that fails on a context still live: the database itself
	b.replayCommands(ctx, time.Now())

	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("logged %d lines, want 3:\n%s", len(lines), logs.String())
	}
	for _, l := range lines {
		if strings.Contains(l, "next start") || !strings.Contains(l, "sender role") || !strings.Contains(l, "no restart needed") {
			t.Errorf("the log does not say when the command is acted on again: %s", l)
		}
	}
}

// A replay stopped while it read what is pending (the bot stopping, a
// replica stepping down for a newer schema) has failed at nothing: it
// says so at Info, not as an Error beside the step-down's one line.
func TestAReplayStoppedWhileReadingIsNoError(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := coaching.NewService(coaching.Config{Store: st})
	var logs bytes.Buffer
	b := New(Config{AppToken: "xapp-x", BotToken: "xoxb-x", APIURL: "http://127.0.0.1:1/", Service: svc, Outbox: nopNotifier{},
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if _, _, err := svc.Accept(ctx, coaching.Command{Key: "cmd:T1", UserID: "U0MAX", Payload: []byte(`{}`), ReceivedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	stopping, cancel := context.WithCancel(ctx)
	cancel()

	b.replayCommands(stopping, time.Now())

	if strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "level=INFO") {
		t.Errorf("a replay stopped while reading logged:\n%s", logs.String())
	}
}
