package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// Slack retries a user_change it thinks undelivered, and the retry may
// come after a newer event: Max went on holiday, then came back from it
// in Tokyo; the late retry of the first event, made before his return,
// changes nothing: he is not away again, nor back in Lisbon or under his
// old name.
func TestALateUserChangeDoesNotUndoANewerOne(t *testing.T) {
	t.Parallel()
	clk := &testClock{}
	clk.Advance(time.Until(midweek))
	b := startBotAt(t, clk.Now)
	ctx := ctxT(t)
	user := func(at time.Time, name, tz, status, emoji string) map[string]any {
		return map[string]any{"id": mgr, "name": "max", "real_name": name, "tz": tz, "deleted": false, "updated": at.Unix(),
			"profile": map[string]any{"real_name": name, "display_name": "", "status_text": status, "status_emoji": emoji, "status_expiration": 0}}
	}
	leftAt := clk.Now()
	clk.Advance(10 * time.Minute)
	if _, err := b.fake.Event(ctx, map[string]any{"type": "user_change", "user": user(clk.Now(), "Max Manager", "Asia/Tokyo", "", "")}); err != nil {
		t.Fatal(err)
	}
	stored := func() coaching.Person {
		st, err := sqlite.Open(ctx, b.db, sqlite.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		p, _ := st.Person(ctx, mgr) // not stored yet: the zero person
		return p
	}
	eventually(t, "Max's return stored", func() bool { return stored().SlackTZ == "Asia/Tokyo" })

	// The retry keeps the first delivery's event_id and event_time.
	late := map[string]any{
		"token": fakeslack.VerificationToken, "team_id": b.fake.TeamID(), "api_app_id": b.fake.AppID(),
		"type": "event_callback", "event_id": "Ev0LATE0001", "event_time": leftAt.Unix(),
		"event": map[string]any{"type": "user_change", "user": user(leftAt, "Max Old", "Europe/Lisbon", "On vacation", ":palm_tree:"),
			"cache_ts": leftAt.Unix(), "event_ts": fmt.Sprintf("%d.000100", leftAt.Unix())},
		"authorizations": []any{map[string]any{"enterprise_id": nil, "team_id": b.fake.TeamID(), "user_id": b.fake.BotUserID(),
			"is_bot": true, "is_enterprise_install": false}},
		"is_ext_shared_channel": false, "event_context": "1-user_change-" + b.fake.TeamID() + "-",
	}
	if _, err := b.fake.Send(ctx, "events_api", late, fakeslack.WithRetry(1, "timeout")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the late retry handled", func() bool {
		return strings.Contains(b.logs.String(), "skipped a user_change older than the profile stored") ||
			stored().SlackTZ != "Asia/Tokyo"
	})
	p := stored()
	if p.Name != "Max Manager" || p.SlackTZ != "Asia/Tokyo" || p.Status.Text != "" || p.Away(coaching.DateOf(clk.Now(), time.UTC), clk.Now()) {
		t.Errorf("Max after the late retry = %+v; want him back, in Tokyo, as the newer event said", p)
	}
}
