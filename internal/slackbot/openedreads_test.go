package slackbot

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// The profiles read once a log form has opened (the manager's, then the
// reps' not yet known) had no deadline: a users.info Slack did not
// answer held the form's goroutine as long as the transport let it,
// under load thousands at once. They now share the bot's openReads
// (openedReadBudget) from the opening: the form stays open, and its
// handler lets go of the read Slack is sitting on.
func TestProfileReadsAfterAFormOpenedHaveADeadline(t *testing.T) {
	for _, tt := range []struct {
		name         string
		managerKnown bool // read before Slack went slow: only the rep's read is left
	}{
		{name: "the manager's profile"},
		{name: "a rep's profile", managerKnown: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			fake := fakeslack.New()
			if err := fake.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { fake.Close() })
			fake.AddUser(fakeslack.User{ID: "U0MAX", Name: "max", RealName: "Max"})
			fake.AddUser(fakeslack.User{ID: "U0SAM", Name: "sam", RealName: "Sam"})
			st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			// No client timeout: the deadline under test is the only one.
			dir := NewDirectory(fake.BotToken(), fake.APIURL(), nil, nil)
			svc := coaching.NewService(coaching.Config{Store: st, Directory: dir})
			b := New(Config{AppToken: fake.AppToken(), BotToken: fake.BotToken(), APIURL: fake.APIURL(), Service: svc, Outbox: nopNotifier{}})
			b.openReads = 100 * time.Millisecond
			if tt.managerKnown {
				if _, err := svc.Refresh(ctx, "U0MAX"); err != nil {
					t.Fatal(err)
				}
			}
			fake.SetLatency("users.info", time.Hour) // Slack sits on every profile read
			started := fake.Started("users.info")

			done := make(chan error, 1)
			go func() {
				_, err := b.openLogModal(ctx, fake.IssueTrigger("U0MAX"), "U0MAX", time.Now().Add(formReadBudget),
					coaching.Draft{RepIDs: []string{"U0SAM"}}, "", modalMeta{Source: coaching.SourceModal})
				done <- err
			}()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("the form did not open: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("the form's handler still waits on users.info 10 s on, with a %v budget for its reads", b.openReads)
			}
			if n := len(fake.CallsTo("views.open")); n != 1 {
				t.Errorf("%d views.open calls, want the form opened once", n)
			}
			if fake.Started("users.info") == started {
				t.Errorf("no users.info was asked: the slow read was not reached")
			}
		})
	}
}
