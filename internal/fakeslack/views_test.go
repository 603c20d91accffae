package fakeslack

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

func sessionModal(title string) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type:       slack.VTModal,
		Title:      slack.NewTextBlockObject(slack.PlainTextType, title, false, false),
		Submit:     slack.NewTextBlockObject(slack.PlainTextType, "Save", false, false),
		CallbackID: "log_session",
		ExternalID: "session-" + title,
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock("notes", slack.NewTextBlockObject(slack.PlainTextType, "Notes", false, false), nil,
				slack.NewPlainTextInputBlockElement(nil, "notes_input")).WithOptional(true),
		}},
	}
}

func TestViewsOpenTriggerRules(t *testing.T) {
	clock := newManualClock()
	fake := startFake(t, WithClock(clock.Now))
	ctx := deadline(t)
	api := apiClient(fake)

	trig := fake.IssueTrigger("U0ALICE")
	resp, err := api.OpenViewContext(ctx, trig, sessionModal("Log"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.View.ID != "V0001" || resp.View.Hash == "" || resp.View.RootViewID != "V0001" || resp.View.CallbackID != "log_session" {
		t.Errorf("view = %+v", resp.View)
	}
	if _, err := api.OpenViewContext(ctx, trig, sessionModal("Again")); err == nil || err.Error() != "exchanged_trigger_id" {
		t.Errorf("reused trigger: %v", err)
	}
	if _, err := api.OpenViewContext(ctx, "123.456.abc", sessionModal("Unknown")); err == nil || err.Error() != "invalid_trigger_id" {
		t.Errorf("unknown trigger: %v", err)
	}
	late := fake.IssueTrigger("U0ALICE")
	clock.Advance(3*time.Second + time.Millisecond)
	if _, err := api.OpenViewContext(ctx, late, sessionModal("Late")); err == nil || err.Error() != "expired_trigger_id" {
		t.Errorf("expired trigger: %v", err)
	}
	tooLong := sessionModal("A title far longer than twenty-four characters")
	if _, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), tooLong); err == nil || err.Error() != "invalid_arguments" {
		t.Errorf("over-long title: %v", err)
	}
	call, err := fake.WaitForCall(ctx, "views.open", func(c Call) bool { return c.Error == "" })
	if err != nil || !strings.Contains(string(call.Response), `"id":"V0001"`) || call.Param("trigger_id") != trig {
		t.Errorf("recorded views.open = %+v, %v", call, err)
	}
	if got := fake.OpenModals("U0ALICE"); len(got) != 1 || got[0] != "V0001" {
		t.Errorf("open modals = %v", got)
	}
}

func TestViewsUpdateHashAndPublish(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	api := apiClient(fake)

	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"), sessionModal("Log"))
	if err != nil {
		t.Fatal(err)
	}
	id, hash := opened.View.ID, opened.View.Hash
	updated, err := api.UpdateViewContext(ctx, sessionModal("Log"), "", hash, id)
	if err != nil {
		t.Fatal(err)
	}
	if updated.View.ID != id || updated.View.Hash == hash {
		t.Errorf("update kept the hash or changed the id: %+v", updated.View)
	}
	if _, err := api.UpdateViewContext(ctx, sessionModal("Log"), "", hash, id); err == nil || err.Error() != "hash_conflict" {
		t.Errorf("stale hash: %v", err)
	}
	if _, err := api.UpdateViewContext(ctx, sessionModal("Log"), "session-Log", "", ""); err != nil {
		t.Errorf("update by external_id: %v", err)
	}
	if _, err := api.UpdateViewContext(ctx, sessionModal("Log"), "", "", "V9999"); err == nil || err.Error() != "not_found" {
		t.Errorf("unknown view: %v", err)
	}

	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*Your week*", false, false), nil, nil),
	}}}
	first, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U0ALICE", View: home})
	if err != nil {
		t.Fatal(err)
	}
	stale := first.View.Hash
	if _, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U0ALICE", View: home}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U0ALICE", View: home, Hash: &stale}); err == nil || err.Error() != "hash_conflict" {
		t.Errorf("publish with stale hash: %v", err)
	}
	raw, ok := fake.Home("U0ALICE")
	if !ok || !strings.Contains(string(raw), "Your week") || !strings.Contains(string(raw), first.View.ID) {
		t.Errorf("home = %s", raw)
	}
	// A Home tab has no title: the home tab view object has no such field
	// (https://docs.slack.dev/reference/views/home-tab-views), and the
	// view views.publish answers with has no "title" key at all, only
	// "close": null and "submit": null (the reference's example response,
	// https://docs.slack.dev/reference/methods/views.publish/). The fake
	// sent "title": null, which no real home view carries.
	sameKeys(t, "view object", keysAt(t, raw), fixtureKeys(t, "slackmachine_view_submission.json", "view").without("title"))
	if got := keysAt(t, raw); got["close"] != "null" || got["submit"] != "null" {
		t.Errorf("home view close, submit = %s, %s; want null, null as views.publish answers", got["close"], got["submit"])
	}
}

// views.update takes exactly one of view_id and external_id; Slack refuses
// both, even an empty one beside the other (slack-go issue 667).
func TestViewsUpdateTakesOneID(t *testing.T) {
	view := `{"type":"modal","title":` + plainText("Log") + `,"blocks":[` + section("x") + `]}`
	for _, tc := range []struct {
		name   string
		params url.Values
		want   string // a fragment of the answer's message; "" when Slack takes it
	}{
		{"view_id", url.Values{"view_id": {"V0001"}}, ""},
		{"external_id", url.Values{"external_id": {"log-1"}}, ""},
		{"both", url.Values{"view_id": {"V0001"}, "external_id": {"log-1"}}, "[ERROR] Cannot provide both `view_id` and `external_id`"},
		{"view_id and an empty external_id", url.Values{"view_id": {"V0001"}, "external_id": {""}}, "[ERROR] Cannot provide both `view_id` and `external_id`"},
		{"neither", url.Values{}, "view_id or external_id is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := startFake(t)
			opened := `{"type":"modal","external_id":"log-1","title":` + plainText("Log") + `,"blocks":[` + section("x") + `]}`
			if a := call(t, fake, "views.open", url.Values{"trigger_id": {fake.IssueTrigger("U0ALICE")}, "view": {opened}}); !a.OK {
				t.Fatalf("views.open: %+v", a)
			}
			tc.params.Set("view", view)
			a := call(t, fake, "views.update", tc.params)
			if tc.want == "" {
				if !a.OK {
					t.Errorf("refused: %+v", a)
				}
				return
			}
			if a.OK || a.Error != "invalid_arguments" || !slices.ContainsFunc(a.Meta.Messages, func(m string) bool { return strings.Contains(m, tc.want) }) {
				t.Errorf("answer = %+v, want invalid_arguments with %q", a, tc.want)
			}
		})
	}
}

// callJSON posts body to method as JSON with the bot token, as slack-go
// sends views.* methods.
func callJSON(t *testing.T, s *Server, method, body string) answer {
	t.Helper()
	return post(t, s, method, "application/json; charset=utf-8", body)
}

// A hash sent to views.update or views.publish must be the view's current
// one, even an empty one: only a hash left out (or null) skips the check.
// slack-go once sent "" for "no hash" and every update of a home tab came
// back hash_conflict (slack-go issue 1462).
func TestAnEmptyHashIsAStaleOne(t *testing.T) {
	modal := `{"type":"modal","title":` + plainText("Log") + `,"blocks":[` + section("x") + `]}`
	home := `{"type":"home","blocks":[` + section("x") + `]}`
	for _, tc := range []struct {
		name string
		hash string // the hash field of the body, JSON; "" leaves it out; "current" is the view's hash
		want string
	}{
		{"no hash", "", ""},
		{"a null hash", "null", ""},
		{"the current hash", "current", ""},
		{"an empty hash", `""`, "hash_conflict"},
		{"a stale hash", `"1.stale"`, "hash_conflict"},
	} {
		for _, method := range []string{"views.update", "views.publish"} {
			t.Run(tc.name+"/"+method, func(t *testing.T) {
				fake := startFake(t)
				var body, hash string
				if method == "views.update" {
					if a := call(t, fake, "views.open", url.Values{"trigger_id": {fake.IssueTrigger("U0ALICE")}, "view": {modal}}); !a.OK {
						t.Fatalf("views.open: %+v", a)
					}
					body, hash = `{"view_id":"V0001","view":`+modal, viewHash(t, fake, "V0001")
				} else {
					if a := call(t, fake, "views.publish", url.Values{"user_id": {"U0ALICE"}, "view": {home}}); !a.OK {
						t.Fatalf("views.publish: %+v", a)
					}
					body, hash = `{"user_id":"U0ALICE","view":`+home, viewHash(t, fake, "V0001")
				}
				switch tc.hash {
				case "":
				case "current":
					body += `,"hash":"` + hash + `"`
				default:
					body += `,"hash":` + tc.hash
				}
				if a := callJSON(t, fake, method, body+"}"); a.Error != tc.want || a.OK != (tc.want == "") {
					t.Errorf("answer = %+v, want error %q", a, tc.want)
				}
			})
		}
	}
}

// viewHash is the current hash of view id.
func viewHash(t *testing.T, s *Server, id string) string {
	t.Helper()
	raw, ok := s.View(id)
	var v struct{ Hash string }
	if !ok || json.Unmarshal(raw, &v) != nil || v.Hash == "" {
		t.Fatalf("view %s: %s", id, raw)
	}
	return v.Hash
}

// An update that keeps an input's block_id and action_id keeps what the
// input shows, the user's value or the initial value it opened with, and
// its new initial value is ignored; only an input under a new pair (or of
// another type) shows the new one. So does Slack (views.update,
// "Preserving input entry"; slackapi/bolt-js#290), for views.update and a
// submission's response_action update alike.
func TestAnUpdateKeepsWhatSurvivingInputsShow(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)

	one, group := slack.NewOptionBlockObject("1on1", label("One-on-one"), nil), slack.NewOptionBlockObject("group", label("Group"), nil)
	// form builds the modal with each input's initial value as given, the
	// date under dateBlock.
	form := func(notes, kind, date, dateBlock, people, follow, minutes string, minutesNumber bool) slack.ModalViewRequest {
		n := slack.NewPlainTextInputBlockElement(nil, "notes_input")
		n.InitialValue = notes
		k := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "kind_select", one, group)
		k.InitialOption = map[string]*slack.OptionBlockObject{"1on1": one, "group": group}[kind]
		d := slack.NewDatePickerBlockElement("date_pick")
		d.InitialDate = date
		p := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, nil, "people_pick")
		p.InitialUsers = []string{people}
		f := slack.NewDatePickerBlockElement("follow_pick")
		f.InitialDate = follow
		var m slack.BlockElement
		if minutesNumber {
			num := slack.NewNumberInputBlockElement(nil, "minutes_input", false)
			num.InitialValue = minutes
			m = num
		} else {
			txt := slack.NewPlainTextInputBlockElement(nil, "minutes_input")
			txt.InitialValue = minutes
			m = txt
		}
		return slack.ModalViewRequest{
			Type: slack.VTModal, Title: label("Log"), Submit: label("Save"), CallbackID: "log",
			Blocks: slack.Blocks{BlockSet: []slack.Block{
				slack.NewInputBlock("notes", label("Notes"), nil, n),
				slack.NewInputBlock("kind", label("Kind"), nil, k),
				slack.NewInputBlock(dateBlock, label("Date"), nil, d),
				slack.NewInputBlock("people", label("People"), nil, p),
				slack.NewInputBlock("follow", label("Follow up"), nil, f).WithOptional(true),
				slack.NewInputBlock("minutes", label("Minutes"), nil, m),
			}},
		}
	}
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"),
		form("old notes", "1on1", "2026-11-20", "date", "U0BOB", "", "30", false))
	if err != nil {
		t.Fatal(err)
	}
	id := opened.View.ID
	if err := fake.TypeInView("U0BOB", id, map[string]map[string]any{"notes": {"notes_input": TextValue("x")}}); err == nil {
		t.Error("typing in Alice's modal as Bob was let through")
	}
	if err := fake.TypeInView("U0ALICE", id, map[string]map[string]any{"notes": {"notes_input": TextValue("typed")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.UpdateViewContext(ctx, form("new notes", "group", "2026-11-21", "date.1", "U0CAROL", "2026-12-01", "45", true), "", "", id); err != nil {
		t.Fatal(err)
	}

	// submitted submits the modal untouched and returns its state, acking
	// with ack.
	submitted := func(ack any) map[string]map[string]slack.BlockAction {
		t.Helper()
		in, err := fake.SubmitView(ctx, "U0ALICE", id, nil)
		if err != nil {
			t.Fatal(err)
		}
		evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
		if err := sm.Ack(*evt.Request, ack); err != nil {
			t.Fatal(err)
		}
		if _, err := fake.AwaitAck(ctx, in.EnvelopeID); err != nil {
			t.Fatal(err)
		}
		return evt.Data.(slack.InteractionCallback).View.State.Values
	}
	check := func(when string, st map[string]map[string]slack.BlockAction, wantNotes, wantKind, wantDate, wantPeople, wantFollow, wantMinutes string) {
		t.Helper()
		kind := ""
		if o := st["kind"]["kind_select"].SelectedOption; o.Value != "" {
			kind = o.Value
		}
		var date string
		for b, acts := range st {
			if strings.HasPrefix(b, "date") {
				date = acts["date_pick"].SelectedDate
			}
		}
		for _, c := range []struct{ what, got, want string }{
			{"the typed notes", st["notes"]["notes_input"].Value, wantNotes},
			{"the untouched kind", kind, wantKind},
			{"the date under a new block_id", date, wantDate},
			{"the people", strings.Join(st["people"]["people_pick"].SelectedUsers, ","), wantPeople},
			{"the follow-up opened empty", st["follow"]["follow_pick"].SelectedDate, wantFollow},
			{"the minutes, now a number input", st["minutes"]["minutes_input"].Value, wantMinutes},
		} {
			if c.got != c.want {
				t.Errorf("%s: %s submitted %q, want %q", when, c.what, c.got, c.want)
			}
		}
	}
	// Errors keep the modal open for the response_action update below.
	st := submitted(slack.NewErrorsViewSubmissionResponse(map[string]string{"notes": "Check it."}))
	check("after views.update", st, "typed", "1on1", "2026-11-21", "U0BOB", "", "45")
	if _, ok := st["date"]; ok {
		t.Errorf("the date's old block_id is still in the state: %v", st["date"])
	}

	next := form("ack notes", "1on1", "2026-11-22", "date.2", "U0DAN", "2026-12-02", "50", true)
	ack := slack.NewUpdateViewSubmissionResponse(&next)
	// The submission above put every value in the state: the update keeps
	// them all but the date's.
	submitted(ack)
	st = submitted(slack.NewErrorsViewSubmissionResponse(map[string]string{"notes": "Check it."}))
	check("after a response_action update", st, "typed", "1on1", "2026-11-22", "U0BOB", "", "45")
}

// An update keeps a select's, radio buttons' or checkboxes' pick only
// among the options its new definition offers: Slack cannot show a pick
// the view lacks. A pick still offered stays; of several, only those
// taken away go.
func TestAnUpdateKeepsOnlyPicksTheNewOptionsOffer(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)

	opts := func(values ...string) []*slack.OptionBlockObject {
		var out []*slack.OptionBlockObject
		for _, v := range values {
			out = append(out, slack.NewOptionBlockObject(v, label(strings.ToUpper(v)), nil))
		}
		return out
	}
	form := func(kinds, roles, ticks, skills []string) slack.ModalViewRequest {
		return slack.ModalViewRequest{
			Type: slack.VTModal, Title: label("Log"), Submit: label("Save"), CallbackID: "log",
			Blocks: slack.Blocks{BlockSet: []slack.Block{
				// Optional: the update takes the kind picked away, and the form is submitted without one.
				slack.NewInputBlock("kind", label("Kind"), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "kind", opts(kinds...)...)).WithOptional(true),
				slack.NewInputBlock("role", label("Role"), nil, slack.NewRadioButtonsBlockElement("role", opts(roles...)...)),
				slack.NewInputBlock("kept", label("Kept"), nil, slack.NewCheckboxGroupsBlockElement("kept", opts(ticks...)...)),
				slack.NewInputBlock("skills", label("Skills"), nil,
					slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, nil, "skills", opts(skills...)...)),
			}},
		}
	}
	opened, err := api.OpenViewContext(ctx, fake.IssueTrigger("U0ALICE"),
		form([]string{"a", "b"}, []string{"lead", "observer"}, []string{"1", "2", "3"}, []string{"x", "y", "z"}))
	if err != nil {
		t.Fatal(err)
	}
	id := opened.View.ID
	if err := fake.TypeInView("U0ALICE", id, map[string]map[string]any{
		"kind": {"kind": OptionValue("b")}, "role": {"role": RadioValue("lead")},
		"kept": {"kept": CheckboxesValue("1", "3")}, "skills": {"skills": OptionsValue("x", "z")},
	}); err != nil {
		t.Fatal(err)
	}
	// b, 3 and z are gone; lead and x stay.
	if _, err := api.UpdateViewContext(ctx, form([]string{"a"}, []string{"lead", "observer"}, []string{"1", "2"}, []string{"x", "y"}), "", "", id); err != nil {
		t.Fatal(err)
	}
	in, err := fake.SubmitView(ctx, "U0ALICE", id, nil)
	if err != nil {
		t.Fatal(err)
	}
	evt := nextEvent(ctx, t, sm, socketmode.EventTypeInteractive)
	if err := sm.Ack(*evt.Request, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.AwaitAck(ctx, in.EnvelopeID); err != nil {
		t.Fatal(err)
	}
	st := evt.Data.(slack.InteractionCallback).View.State.Values
	values := func(os []slack.OptionBlockObject) string {
		var vs []string
		for _, o := range os {
			vs = append(vs, o.Value)
		}
		return strings.Join(vs, ",")
	}
	for _, c := range []struct{ what, got, want string }{
		{"the kind picked, no longer offered", st["kind"]["kind"].SelectedOption.Value, ""},
		{"the role picked, still offered", st["role"]["role"].SelectedOption.Value, "lead"},
		{"the ticks", values(st["kept"]["kept"].SelectedOptions), "1"},
		{"the skills", values(st["skills"]["skills"].SelectedOptions), "x"},
	} {
		if c.got != c.want {
			t.Errorf("%s: submitted %q, want %q", c.what, c.got, c.want)
		}
	}
}

// A redelivered envelope carries the trigger_id of the user's action,
// whose 3 seconds run from that action, not from the redelivery.
func TestARedeliveryDoesNotRenewItsTrigger(t *testing.T) {
	clock := newManualClock()
	fake := startFake(t, WithClock(clock.Now))
	ctx := deadline(t)
	sm := connect(t, fake)
	api := apiClient(fake)

	in, err := fake.SlashCommand(ctx, "U0ALICE", "/coach", "")
	if err != nil {
		t.Fatal(err)
	}
	nextEvent(ctx, t, sm, socketmode.EventTypeSlashCommand)
	clock.Advance(2 * time.Second)
	if err := fake.Resend(ctx, in.EnvelopeID); err != nil {
		t.Fatal(err)
	}
	nextEvent(ctx, t, sm, socketmode.EventTypeSlashCommand)
	clock.Advance(1500 * time.Millisecond)
	if _, err := api.OpenViewContext(ctx, in.TriggerID, sessionModal("Late")); err == nil || err.Error() != "expired_trigger_id" {
		t.Errorf("views.open 3.5 s after the action, 1.5 s after its redelivery: %v, want expired_trigger_id", err)
	}
}
