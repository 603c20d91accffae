package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// quickLog logs a 1:1 in one line and waits for the rep's DM.
func (b *bot) quickLog(repID string, n int) {
	b.t.Helper()
	if _, err := b.fake.SlashCommand(ctxT(b.t), mgr, "/coach", "<@"+repID+"> 1:1 30m"); err != nil {
		b.t.Fatal(err)
	}
	b.dm(repID, n)
}

func TestSocketComesBackAfterDropAndDisconnect(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	b.quickLog(rep, 1)

	b.fake.DropConnection()
	b.waitConnected(2)
	b.quickLog(rep, 2)

	if err := b.fake.SendDisconnect("refresh_requested"); err != nil {
		t.Fatal(err)
	}
	b.waitConnected(3)
	b.quickLog(rep, 3)
	if n := len(b.export()); n != 3 {
		t.Fatalf("logged %d sessions across reconnects, want 3", n)
	}
}

func TestHostileInputIsSkippedAndTheBotKeepsServing(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	raw := []string{
		`not json at all`,
		`{"type":"brand_new_type","envelope_id":"e-new","payload":{}}`,
		`{"type":"interactive","envelope_id":"e-bad","payload":{"type":"block_actions","actions":"nope"}}`,
		`{"type":"slash_commands","envelope_id":"e-bad2","payload":"a string"}`,
		`{"type":"events_api","envelope_id":"e-bad3","payload":{"event":{"type":"app_home_opened","user":42}}}`,
	}
	for _, r := range raw {
		if err := b.fake.SendRaw(ctx, []byte(r)); err != nil {
			t.Fatal(err)
		}
	}
	hostile := []string{
		strings.Repeat("<@U0REP> ", 5000),
		"<@U0REP> 1:1 30m '); DROP TABLE sessions; --",
		"<@U0REP> 1:1 30m \x00\u202e\U0001F600 " + strings.Repeat("ü", 4000),
		"\xff\xfe<@U0REP> ride 9999m",
	}
	for _, text := range hostile {
		if _, err := b.fake.SlashCommand(ctx, mgr, "/coach", text); err != nil {
			t.Fatal(err)
		}
	}
	// A button press from an org install, where Slack sends
	// is_enterprise_install as a string slack-go cannot read.
	b.quickLog(rep2, 1)
	dm := b.dm(rep2, 1)
	if _, err := b.fake.ClickButton(ctx, rep2, dm.Channel, dm.TS, "rep_confirm", fakeslack.EnterpriseInstallAsString()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the org-install click served", func() bool {
		for _, r := range b.export() {
			if r.RepID == rep2 && r.Status == "confirmed" {
				return true
			}
		}
		return false
	})
	for _, id := range []string{"e-new", "e-bad", "e-bad2", "e-bad3"} {
		eventually(t, "an ack of "+id, func() bool {
			for _, a := range b.fake.Acks() {
				if a.EnvelopeID == id {
					return true
				}
			}
			return false
		})
	}
	rows := b.export()
	for _, r := range rows {
		if r.Notes != nil && strings.Contains(*r.Notes, "DROP TABLE") {
			if r.RepID != rep {
				t.Errorf("SQL-looking notes stored against %s", r.RepID)
			}
		}
	}
	if !strings.Contains(b.logs.String(), "skipped") {
		t.Errorf("malformed envelopes were not logged:\n%s", b.logs)
	}
	b.quickLog(rep, countDMs(b, rep)+1)
}

func countDMs(b *bot, user string) int { return len(b.fake.Messages(user)) }

func TestMessageShortcutOpensTheModalWithTheMessageAsNotes(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	long := strings.Repeat("word ", 800) // 4,000 characters
	in, err := b.fake.MessageShortcut(ctx, mgr, "log_coaching", "C0SALES", long, "1700000000.000100", rep)
	if err != nil {
		t.Fatal(err)
	}
	call, err := b.fake.WaitForCall(ctx, "views.open", func(c fakeslack.Call) bool { return c.Param("trigger_id") == in.TriggerID })
	if err != nil {
		t.Fatal(err)
	}
	if call.Error != "" {
		t.Fatalf("views.open refused the prefilled modal: %s %s", call.Error, call.Response)
	}
	view := string(call.Params["view"])
	if !strings.Contains(view, "archives/C0SALES/p1700000000000100") || !strings.Contains(view, `"initial_users":["`+rep+`"]`) {
		t.Fatalf("modal lacks the message link or its author as rep:\n%s", view)
	}
}

func TestAppHomePublishesOnlyForTheHomeTab(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	b.quickLog(rep, 1)
	if _, err := b.fake.AppHomeOpened(ctx, mgr, "messages"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.fake.AppHomeOpened(ctx, mgr, "home"); err != nil {
		t.Fatal(err)
	}
	call, err := b.fake.WaitForCall(ctx, "views.publish", nil)
	if err != nil {
		t.Fatal(err)
	}
	if call.Param("user_id") != mgr || !strings.Contains(string(call.Params["view"]), "session_edit") {
		t.Fatalf("home = %s", call.Params["view"])
	}
	if n := len(b.fake.CallsTo("views.publish")); n != 1 {
		t.Fatalf("published %d times, want once (Messages tab opens are not ours)", n)
	}

	// Undo from the Home tab, which has no response_url: the tab itself is
	// published again, without the session.
	home, _ := b.fake.Home(mgr)
	var v struct {
		ID     string `json:"id"`
		Blocks []struct {
			BlockID  string `json:"block_id"`
			Elements []struct {
				ActionID string `json:"action_id"`
			} `json:"elements"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(home, &v); err != nil {
		t.Fatal(err)
	}
	var block string
	for _, blk := range v.Blocks {
		for _, e := range blk.Elements {
			if e.ActionID == "session_undo" {
				block = blk.BlockID
			}
		}
	}
	if _, err := b.fake.ClickViewAction(ctx, mgr, v.ID, block, "session_undo", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b.fake.WaitForCall(ctx, "views.publish", func(c fakeslack.Call) bool {
		return c.Param("user_id") == mgr && !strings.Contains(string(c.Params["view"]), "session_edit")
	}); err != nil {
		t.Fatal(err)
	}
	if rows := b.export(); len(rows) != 0 {
		t.Fatalf("undo from the Home tab left %d rows", len(rows))
	}
}

func TestBadConfigurationStopsTheStartWithOneLine(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no app token", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN"},
		{"bot token as app token", map[string]string{"SLACK_APP_TOKEN": "xoxb-1", "SLACK_BOT_TOKEN": "xoxb-2"}, "SLACK_APP_TOKEN"},
		{"app token as bot token", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xapp-2"}, "SLACK_BOT_TOKEN"},
		{"bad hour", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_NUDGE_HOUR": "9am"}, "COACHLOG_NUDGE_HOUR"},
		{"bad cadence", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_CADENCE_DAYS": "0"}, "COACHLOG_CADENCE_DAYS"},
		{"bad zone", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_TIMEZONE": "Mars/Base"}, "COACHLOG_TIMEZONE"},
		// Zones tzdata has that are not what an admin means: EST keeps
		// no daylight saving, Etc/GMT+1 is UTC-1, and a zone's name is
		// case-sensitive (a case-insensitive file system loaded it).
		{"zone without daylight saving", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_TIMEZONE": "EST"}, "COACHLOG_TIMEZONE"},
		{"zone of inverted sign", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_TIMEZONE": "Etc/GMT+1"}, "COACHLOG_TIMEZONE"},
		{"zone in another case", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_TIMEZONE": "europe/london"}, "COACHLOG_TIMEZONE"},
		{"the server's zone", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_TIMEZONE": "Local"}, "COACHLOG_TIMEZONE"},
		{"bad skills", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_SKILLS": "discovery"}, "COACHLOG_SKILLS"},
		// No skill at all would leave the form's skills picker without
		// options, which Slack refuses: every form would fail to open.
		{"skills listed empty", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_SKILLS": " , ,"}, "COACHLOG_SKILLS"},
		{"bad pprof switch", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_PPROF": "enabled"}, "COACHLOG_PPROF"},
		{"bad pool size", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_PG_MAX_CONNS": "0"}, "COACHLOG_PG_MAX_CONNS"},
		{"bad statement timeout", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_PG_STATEMENT_TIMEOUT": "30"}, "COACHLOG_PG_STATEMENT_TIMEOUT"},
		// An audit found these accepted: the port failed only at listen,
		// after the database and the sender were up; the schedules never
		// fired, or ran on another zone than the digest's week.
		{"port out of range", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_HTTP_ADDR": ":99999"}, "COACHLOG_HTTP_ADDR"},
		{"digest never fires", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_DIGEST_CHANNEL": "C0LEADS", "COACHLOG_DIGEST_SCHEDULE": "0 8 31 2 *"}, "COACHLOG_DIGEST_SCHEDULE"},
		{"digest on its own zone", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_DIGEST_CHANNEL": "C0LEADS", "COACHLOG_DIGEST_SCHEDULE": "CRON_TZ=Asia/Tokyo 0 8 * * MON"}, "COACHLOG_DIGEST_SCHEDULE"},
		// The ledger holds one digest a week: a daily schedule posted the
		// week so far on Tuesday, claimed the week, and never the full week.
		{"digest every day", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_DIGEST_CHANNEL": "C0LEADS", "COACHLOG_DIGEST_SCHEDULE": "0 8 * * *"}, "COACHLOG_DIGEST_SCHEDULE"},
		{"digest on Mondays and Fridays", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_DIGEST_CHANNEL": "C0LEADS", "COACHLOG_DIGEST_SCHEDULE": "0 8 * * MON,FRI"}, "COACHLOG_DIGEST_SCHEDULE"},
		// psql's connection string was taken as a file name: the bot ran on
		// a new SQLite file named after it, password and all.
		{"keyword connection string", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_DB": "host=db dbname=coachlog user=coachlog password=xs3cret"}, "COACHLOG_DB"},
		// pgx reads a URL only under a lower-case scheme: this one failed at
		// the first query with pgx's keyword=value error.
		{"scheme in upper case", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-2", "COACHLOG_DB": "POSTGRES://coachlog:xs3cret@db/coachlog"}, "COACHLOG_DB"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut syncBuffer
			err := run(context.Background(), []string{"serve"}, func(k string) string { return tt.env[k] }, &out, &errOut)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want+":") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %v, want one line naming %s", err, tt.want)
			}
			for _, v := range tt.env {
				if strings.HasPrefix(v, "x") && strings.Contains(err.Error(), v) {
					t.Errorf("error echoes a token: %v", err)
				}
			}
		})
	}
}

// A command or a form submission that names no user is skipped, and
// writes nothing: everything the bot stores is someone's. Slack always
// sends one; a payload without is malformed.
func TestAPayloadWithoutAUserIsSkippedAndWritesNothing(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	slash := `{"type":"slash_commands","envelope_id":"e-nouser","payload":{"command":"/coach","text":"<@` + rep + `|sam> 1:1 30m kept nowhere","trigger_id":"T-nouser","response_url":"` + b.fake.URL() + `/response/nouser"}}`
	if err := b.fake.SendRaw(ctx, []byte(slash)); err != nil {
		t.Fatal(err)
	}
	in, err := b.fake.SlashCommand(ctx, mgr, "/coach", "")
	if err != nil {
		t.Fatal(err)
	}
	// The fake sends a submission only from the modal's own user, so the
	// malformed one is built by hand: the form as opened, filled in, and
	// no user.
	raw, _ := b.fake.View(b.openedView(in))
	var view map[string]any
	if err := json.Unmarshal(raw, &view); err != nil {
		t.Fatal(err)
	}
	view["state"] = map[string]any{"values": values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", "")}
	id, err := b.fake.Send(ctx, "interactive", map[string]any{
		"type": "view_submission", "team": map[string]any{"id": b.fake.TeamID()}, "api_app_id": b.fake.AppID(),
		"token": fakeslack.VerificationToken, "trigger_id": "1337.42.nouser", "view": view,
	})
	if err != nil {
		t.Fatal(err)
	}
	ack, err := b.fake.AwaitAck(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ack.Payload), "nothing was saved") {
		t.Errorf("a submission without a user was acked %s; want the form kept open, saying nothing was saved", ack.Payload)
	}
	eventually(t, "the command without a user acked", func() bool {
		for _, a := range b.fake.Acks() {
			if a.EnvelopeID == "e-nouser" {
				return true
			}
		}
		return false
	})
	// What the bot does next is served in order: by the time this capture
	// is logged, the two above were long handled.
	b.quickLog(rep2, 1)
	for _, r := range b.export() {
		if r.ManagerID == "" || r.RepID == rep {
			t.Errorf("a payload without a user stored %+v", r)
		}
	}
	if !strings.Contains(b.logs.String(), "no user id") {
		t.Errorf("the payloads without a user were not logged:\n%s", b.logs)
	}
}

// A click that names no action, or a Snooze for a number of days no button
// offers, is logged and skipped.
func TestAClickWithoutAUsableActionIsLogged(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	for _, raw := range []string{
		`{"type":"interactive","envelope_id":"e-noact","payload":{"type":"block_actions","user":{"id":"` + mgr + `"},"actions":[]}}`,
		`{"type":"interactive","envelope_id":"e-snooze","payload":{"type":"block_actions","user":{"id":"` + mgr + `"},"actions":[{"type":"button","block_id":"b","action_id":"nudge_snooze","value":"forever"}]}}`,
	} {
		if err := b.fake.SendRaw(ctx, []byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"block_actions without an action", `snooze for \"forever\" days`} {
		eventually(t, "the log to say "+want, func() bool { return strings.Contains(b.logs.String(), want) })
	}
}
