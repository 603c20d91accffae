package slackbot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/llm"
	"github.com/coachlog/coachlog/internal/quickcapture"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// ruleProse is an LLM that reads nothing more than the rule parser did.
type ruleProse struct{}

func (ruleProse) Enabled() bool { return true }
func (ruleProse) Draft(_ context.Context, _ llm.ProseInput, rule quickcapture.Result) (coaching.Draft, error) {
	return rule.Draft, nil
}

// lateReadsBot is a Bot whose profile reads go to a fake Slack that sits
// on every users.info, with no client timeout: the deadlines under test
// are the only ones.
type lateReadsBot struct {
	*Bot
	fake *fakeslack.Server
	st   *sqlite.Store
	svc  *coaching.Service
}

// The profile reads made after an ack with no deadline of their own (the
// reps' after a pick or a prose reading updated a form, the manager's
// before a capture is logged, the asker's before a subcommand's answer)
// held their goroutine as long as the transport let them (serve's 15 s a
// call, one after another) when Slack stopped answering users.info. They
// now end within the bot's openReads (openedReadBudget), and the person
// still gets an answer.
func TestProfileReadsAfterAnAckHaveADeadline(t *testing.T) {
	for _, tt := range []struct {
		name string
		// act does what the envelope asks, after its ack.
		act func(ctx context.Context, t *testing.T, b lateReadsBot)
		// answered says what the person was not given, or "".
		answered func(ctx context.Context, t *testing.T, b lateReadsBot) string
	}{
		{
			name: "reps picked in a form",
			act: func(ctx context.Context, t *testing.T, b lateReadsBot) {
				m := logModal{Today: coaching.DateOf(time.Now(), time.UTC), Skills: coaching.DefaultSkills()}
				opened, err := b.openView(ctx, b.fake.IssueTrigger("U0MAX"), m.view())
				if err != nil {
					t.Error(err)
					return
				}
				in := interaction{User: user{ID: "U0MAX"}}
				in.View = view{ID: opened.ID, Hash: opened.Hash, CallbackID: cbLog}
				in.View.State.Values = map[string]map[string]*stateValue{
					string(coaching.FieldReps): {actionReps: {Type: "multi_users_select", SelectedUsers: []string{"U0SAM"}}},
				}
				b.refreshModal(ctx, in, time.Now().Add(formReadBudget))
			},
			answered: formUpdated,
		},
		{
			name: "reps read from prose",
			act: func(ctx context.Context, t *testing.T, b lateReadsBot) {
				text := "<@U0SAM|sam> talked pricing"
				cmd := slashCommand{Command: "/coach", Text: text, UserID: "U0MAX", TriggerID: b.fake.IssueTrigger("U0MAX"),
					ResponseURL: b.fake.IssueResponseURL("U0MAX", "C0GEN")}
				res := quickcapture.Parse(text, coaching.DateOf(time.Now(), time.UTC))
				b.readProse(ctx, cmd, time.Now().Add(formReadBudget), text, res, modalMeta{Source: coaching.SourceQuick})
			},
			answered: formUpdated,
		},
		{
			name: "the manager before a capture is logged",
			act: func(ctx context.Context, t *testing.T, b lateReadsBot) {
				cmd := slashCommand{Command: "/coach", Text: "<@U0SAM|sam> 1:1 30m talked pricing", UserID: "U0MAX",
					TriggerID: b.fake.IssueTrigger("U0MAX"), ResponseURL: b.fake.IssueResponseURL("U0MAX", "C0GEN")}
				payload, err := json.Marshal(cmd)
				if err != nil {
					t.Error(err)
					return
				}
				c, _, err := b.svc.Accept(ctx, coaching.Command{Key: "cmd:" + cmd.TriggerID, UserID: cmd.UserID, Payload: payload,
					ReceivedAt: time.Now()})
				if err != nil {
					t.Error(err)
					return
				}
				b.runCommand(ctx, c)
			},
			answered: func(ctx context.Context, t *testing.T, b lateReadsBot) string {
				// Nothing vouches for the manager, whom Slack did not read:
				// refused with "try again", given back what they typed.
				items, err := b.st.ClaimOutbox(ctx, "test", time.Now().Add(time.Minute), time.Minute, 10, nil)
				if err != nil {
					return err.Error()
				}
				if len(items) != 1 {
					return fmt.Sprintf("%d messages queued, want the capture's answer", len(items))
				}
				var r coaching.Reply
				if err := json.Unmarshal(items[0].Message.Payload, &r); err != nil {
					return err.Error()
				}
				if !strings.Contains(r.Text, "try again") || !strings.Contains(r.Text, "talked pricing") {
					return fmt.Sprintf("the capture was answered %q, want a try again with what was typed", r.Text)
				}
				return ""
			},
		},
		{
			name: "the asker before a subcommand's answer",
			act: func(ctx context.Context, t *testing.T, b lateReadsBot) {
				cmd := slashCommand{Command: "/coach", Text: "help", UserID: "U0MAX", ResponseURL: b.fake.IssueResponseURL("U0MAX", "C0GEN")}
				b.subcommand(ctx, &acker{bot: b.Bot, id: "E1", typ: "slash_commands", received: time.Now()}, cmd, "help", "")
			},
			answered: func(_ context.Context, _ *testing.T, b lateReadsBot) string {
				if n := len(b.fake.Responses()); n != 1 {
					return fmt.Sprintf("%d answers through the response_url, want the help", n)
				}
				return ""
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			fake, st := lateReadsSetup(ctx, t)
			fake.AddUser(fakeslack.User{ID: "U0MAX", Name: "max", RealName: "Max"})
			fake.AddUser(fakeslack.User{ID: "U0SAM", Name: "sam", RealName: "Sam"})
			dir := NewDirectory(fake.BotToken(), fake.APIURL(), nil, nil)
			svc := coaching.NewService(coaching.Config{Store: st, Directory: dir, LookupBudget: 100 * time.Millisecond})
			b := New(Config{AppToken: fake.AppToken(), BotToken: fake.BotToken(), APIURL: fake.APIURL(), Service: svc,
				Outbox: nopNotifier{}, Prose: ruleProse{}})
			b.openReads = 100 * time.Millisecond
			b.ackFn = func(string, any) error { return nil }
			if _, err := dir.home.Workspace(ctx); err != nil { // auth.test, before Slack goes slow
				t.Fatal(err)
			}
			fake.SetLatency("users.info", time.Hour) // Slack sits on every profile read
			lb := lateReadsBot{Bot: b, fake: fake, st: st, svc: svc}

			done := make(chan struct{})
			go func() {
				defer close(done)
				tt.act(ctx, t, lb)
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("the handler still waits on users.info 10 s on, with a %v budget for its reads", b.openReads)
			}
			if fake.Started("users.info") == 0 {
				t.Errorf("no users.info was asked: the slow read was not reached")
			}
			if miss := tt.answered(ctx, t, lb); miss != "" {
				t.Error(miss)
			}
		})
	}
}

// formUpdated says whether the form was updated once, before its reads.
func formUpdated(_ context.Context, _ *testing.T, b lateReadsBot) string {
	if n := len(b.fake.CallsTo("views.update")); n != 1 {
		return fmt.Sprintf("%d views.update calls, want the form updated once", n)
	}
	return ""
}

// A user_change that comes while the app's workspace is not known yet
// (Slack unreachable at start) asks auth.test for it. With Slack sitting on
// that call, the event held its goroutine for the transport's 15 s; it now
// gives up within the bot's openReads, and the profile is left for its
// next read, as when auth.test fails.
func TestAProfileChangeWaitsForTheWorkspaceWithinADeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	fake, st := lateReadsSetup(ctx, t)
	logs := &lockedBuffer{}
	b := New(Config{AppToken: fake.AppToken(), BotToken: fake.BotToken(), APIURL: fake.APIURL(),
		Service: coaching.NewService(coaching.Config{Store: st}), Outbox: nopNotifier{},
		Home: NewHome(fake.BotToken(), fake.APIURL(), nil, Workspace{}), Logger: slog.New(slog.NewTextHandler(logs, nil))})
	b.openReads = 100 * time.Millisecond
	fake.SetLatency("auth.test", time.Hour)
	ev := `{"type":"user_change","user":{"id":"U0SAM","team_id":"T0","name":"sam","real_name":"Sam","tz":"Europe/Paris",` +
		`"profile":{"real_name":"Sam","email":"sam@example.com"},"updated":1700000000}}`
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.onEventCallback(ctx, eventCallback{Type: "event_callback", EventID: "Ev1", EventTime: 1700000000, Event: json.RawMessage(ev)})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("the event still waits on auth.test 10 s on, with a %v budget", b.openReads)
	}
	if fake.Started("auth.test") == 0 {
		t.Errorf("no auth.test was asked: the slow read was not reached")
	}
	if !strings.Contains(logs.String(), "skipped user_change: the app's workspace is not known yet") {
		t.Errorf("the event that gave up was not logged as skipped:\n%s", logs.String())
	}
	if _, err := st.Person(ctx, "U0SAM"); coaching.ErrorCode(err) != coaching.ENotFound {
		t.Errorf("the profile of an organisation not known was stored (%v)", err)
	}
}

// lateReadsSetup starts a fake Slack and opens a new store, both closed
// when t ends.
func lateReadsSetup(ctx context.Context, t *testing.T) (*fakeslack.Server, *sqlite.Store) {
	t.Helper()
	fake := fakeslack.New()
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return fake, st
}
