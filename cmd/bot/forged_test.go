package main

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// Slack shows a DM only to its members, an ephemeral message only to its
// recipient and a modal only to the user it was opened for, and only they
// can click in it or submit it (the fake refuses anyone else). So a click
// on a rep's buttons, or a submission of a form about a session, by
// someone who may not act on it reaches the bot only if the bot itself
// showed that message or form to the wrong person. The bot's own checks of
// who may act are what stands behind such a slip; misdeliver and formFor
// make the slip, with the bot's token, for the tests of those checks.

// asBot calls a Web API method of the fake with the bot's token, as the
// bot would, and fails the test unless Slack answers ok.
func (b *bot) asBot(method string, params url.Values) map[string]any {
	b.t.Helper()
	params.Set("token", b.fake.BotToken())
	resp, err := http.PostForm(b.fake.APIURL()+method, params)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		b.t.Fatalf("%s: %v", method, err)
	}
	if out["ok"] != true {
		b.t.Fatalf("%s: %v", method, out)
	}
	return out
}

// misdeliver posts text and blocks, a message the bot showed someone, to
// user's DM, as the bot would if it sent that message to the wrong person,
// and returns the copy, for user to click in.
func (b *bot) misdeliver(user, text string, blocks json.RawMessage) fakeslack.Message {
	b.t.Helper()
	out := b.asBot("chat.postMessage", url.Values{"channel": {user}, "text": {text}, "blocks": {string(blocks)}})
	ch, _ := out["channel"].(string)
	ts, _ := out["ts"].(string)
	return b.copyAt(user, ch, ts)
}

// misdeliverEphemeral is misdeliver for an ephemeral answer: the copy is
// shown to user alone, in their DM with the bot.
func (b *bot) misdeliverEphemeral(user, text string, blocks json.RawMessage) fakeslack.Message {
	b.t.Helper()
	out := b.asBot("chat.postEphemeral", url.Values{"channel": {user}, "user": {user}, "text": {text}, "blocks": {string(blocks)}})
	ts, _ := out["message_ts"].(string)
	return b.copyAt(user, user, ts)
}

func (b *bot) copyAt(user, ch, ts string) fakeslack.Message {
	b.t.Helper()
	m, ok := b.fake.Message(ch, ts)
	if !ok {
		b.t.Fatalf("the copy shown to %s is not in %s at %s", user, ch, ts)
	}
	return m
}

// formFor opens the bot's form viewID, as it stands, for user, as the bot
// would if it opened it for the wrong person, and returns the new view's
// id, for user to submit.
func (b *bot) formFor(user, viewID string) string {
	b.t.Helper()
	raw, ok := b.fake.View(viewID)
	if !ok {
		b.t.Fatalf("no view %s", viewID)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		b.t.Fatal(err)
	}
	def := map[string]any{}
	for _, k := range []string{"type", "title", "submit", "close", "blocks", "private_metadata", "callback_id", "notify_on_close", "clear_on_close"} {
		if x := v[k]; x != nil {
			def[k] = x
		}
	}
	out := b.asBot("views.open", url.Values{"trigger_id": {b.fake.IssueTrigger(user)}, "view": {mustJSON(def)}})
	opened, _ := out["view"].(map[string]any)
	id, _ := opened["id"].(string)
	return id
}

// errorsOf reads a view_submission ack's inline errors; nil when the ack
// closed the form (it saved).
func errorsOf(t *testing.T, ack fakeslack.Ack) map[string]string {
	t.Helper()
	if len(ack.Payload) == 0 {
		return nil
	}
	return errorsAck(t, ack.Payload)
}

// A form carries the session it is about in its private_metadata, and
// whoever submits it is who acts: a rep's "Not accurate" form or a
// manager's Edit form, opened for someone else and submitted by them, is
// refused inline and changes nothing, and the rep's own answer is held to
// the length the form offers.
func TestAFormSubmittedByAnotherChangesNothing(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	dm := b.logPending()

	in, err := b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_dispute")
	if err != nil {
		t.Fatal(err)
	}
	disputeID := b.openedView(in)
	ack := b.submitAs(other, b.formFor(other, disputeID), map[string]map[string]any{"reason": {"reason": fakeslack.TextValue("forged by someone else")}})
	if errs := errorsOf(t, ack); !strings.Contains(errs["reason"], "can answer for this session") {
		t.Errorf("another's submission of the rep's form acked %s, want a refusal", ack.Payload)
	}
	ack = b.submitAs(rep, disputeID, nil, fakeslack.Forged(map[string]map[string]any{"reason": {"reason": fakeslack.TextValue(strings.Repeat("x", 1001))}}))
	if errs := errorsOf(t, ack); errs["reason"] == "" {
		t.Errorf("a reason past 1,000 characters acked %s, want an inline error", ack.Payload)
	}
	if row := b.export()[0]; row.Status != "pending" {
		t.Fatalf("status after the refused answers = %s, want pending", row.Status)
	}

	hist := b.history("")
	in, err = b.fake.ClickResponseButton(ctx, mgr, hist.URL, "session_edit")
	if err != nil {
		t.Fatal(err)
	}
	editID := b.openedView(in)
	v := values([]string{rep2}, "deal_review", b.today("America/New_York"), "90", "")
	v["notes"] = map[string]any{"notes": fakeslack.TextValue("overwritten by someone else")}
	ack = b.submitAs(other, b.formFor(other, editID), v)
	if errs := errorsOf(t, ack); !strings.Contains(strings.Join(slices.Collect(maps.Values(errs)), " "), "You can only change sessions you logged") {
		t.Errorf("another's submission of the manager's edit form acked %s, want a refusal", ack.Payload)
	}
	rows := b.export()
	if len(rows) != 1 || rows[0].RepID != rep || rows[0].Kind != "one_on_one" || rows[0].Notes == nil || strings.Contains(*rows[0].Notes, "overwritten") {
		t.Fatalf("the session after another's edit: %+v", rows)
	}
}

// What a form submits is checked against what it offered: a kind, role,
// visibility or skill it never listed, or a channel id as the rep (which
// only a crafted submission carries, Slack's client offering none of
// them), and as the rep an app, Slackbot or the manager themselves, are
// refused inline and nothing is stored.
func TestInjectedFormValuesAreRefused(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	today := b.today("America/New_York")
	for _, tc := range []struct {
		name, block string
		values      map[string]map[string]any
		forged      map[string]map[string]any
	}{
		{"kind", "kind", nil, map[string]map[string]any{"kind": {"kind": fakeslack.OptionValue("bogus")}}},
		{"role", "role", map[string]map[string]any{"kind": {"kind": fakeslack.OptionValue("ride_along")}}, map[string]map[string]any{"role": {"role": fakeslack.RadioValue("boss")}}},
		{"visibility", "visibility", nil, map[string]map[string]any{"visibility": {"visibility": fakeslack.RadioValue("public")}}},
		{"skill", "skills", nil, map[string]map[string]any{"skills": {"skills": fakeslack.OptionsValue("discovery", "hacking")}}},
		{"the app", "reps", map[string]map[string]any{"reps": {"reps": fakeslack.UsersValue(b.fake.BotUserID())}}, nil},
		{"Slackbot", "reps", map[string]map[string]any{"reps": {"reps": fakeslack.UsersValue("USLACKBOT")}}, nil},
		{"the manager", "reps", map[string]map[string]any{"reps": {"reps": fakeslack.UsersValue(rep, mgr)}}, nil},
		{"a channel", "reps", nil, map[string]map[string]any{"reps": {"reps": fakeslack.UsersValue("C0GENERAL")}}},
	} {
		viewID, _ := b.openModal("")
		v := values([]string{rep}, "one_on_one", today, "30", "")
		for k, x := range tc.values {
			v[k] = x
		}
		in, err := b.fake.SubmitView(ctx, mgr, viewID, v, fakeslack.Forged(tc.forged))
		if err != nil {
			t.Fatal(err)
		}
		ack, err := b.fake.AwaitAck(ctx, in.EnvelopeID)
		if err != nil {
			t.Fatal(err)
		}
		if errs := errorsOf(t, ack); errs[tc.block] == "" {
			t.Errorf("%s: ack %s, want an error on %q", tc.name, ack.Payload, tc.block)
		}
	}
	if rows := b.export(); len(rows) != 0 {
		t.Fatalf("refused forms stored %+v", rows)
	}
}
