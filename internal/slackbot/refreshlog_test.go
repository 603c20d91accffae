package slackbot

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// A refresh's views.update that failed was logged at Debug whatever the
// error, as if every one were a hash_conflict (the user changed the form
// again, whose own refresh follows): a form refused by Slack
// (view_too_large) left the manager with a form that did not change and
// operators with nothing to see. Only hash_conflict stays at Debug; any
// other error is a Warn with Slack's code, and never the notes typed.
func TestARefreshThatSlackRefusesIsAWarning(t *testing.T) {
	for _, tt := range []struct {
		fail      string
		wantLevel string
	}{
		{"hash_conflict", "level=DEBUG"},
		{"view_too_large", "level=WARN"},
		{"not_found", "level=WARN"},
	} {
		t.Run(tt.fail, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			now := func() time.Time { return time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC) }
			fake := fakeslack.New(fakeslack.WithClock(now))
			if err := fake.Start(); err != nil {
				t.Fatal(err)
			}
			defer fake.Close()
			st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			var logs bytes.Buffer
			b := New(Config{BotToken: fake.BotToken(), APIURL: fake.APIURL(),
				Service: coaching.NewService(coaching.Config{Store: st, Now: now}),
				Logger:  slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
			m := logModal{Today: coaching.DateOf(now(), time.UTC), Skills: coaching.DefaultSkills()}
			opened, err := b.openView(ctx, fake.IssueTrigger("U0MGR"), m.view())
			if err != nil {
				t.Fatal(err)
			}
			fake.FailNext("views.update", 1, fakeslack.Fault{Error: tt.fail})
			in := interaction{User: user{ID: "U0MGR"}}
			in.View = view{ID: opened.ID, Hash: opened.Hash, CallbackID: cbLog}
			in.View.State.Values = map[string]map[string]*stateValue{
				"notes": {"notes": {Type: "plain_text_input", Value: ptr("secret pricing note")}},
			}
			b.refreshModal(ctx, in, now().Add(time.Second))
			line := ""
			for _, l := range strings.Split(logs.String(), "\n") {
				if strings.Contains(l, "views.update") || strings.Contains(l, "refresh the log form") {
					line = l
				}
			}
			if !strings.Contains(line, tt.wantLevel) || !strings.Contains(line, "error="+tt.fail) {
				t.Errorf("logged %q; want %s with error=%s", line, tt.wantLevel, tt.fail)
			}
			if strings.Contains(logs.String(), "secret pricing note") {
				t.Errorf("the notes typed were logged:\n%s", logs.String())
			}
		})
	}
}
