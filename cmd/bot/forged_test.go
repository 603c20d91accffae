package main

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

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
// manager's Edit form submitted by someone else is refused inline and
// changes nothing, and the rep's own answer is held to the length the
// form offers.
func TestAFormSubmittedByAnotherChangesNothing(t *testing.T) {
	b := startBot(t)
	ctx := ctxT(t)
	dm := b.logPending()

	in, err := b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_dispute")
	if err != nil {
		t.Fatal(err)
	}
	disputeID := b.openedView(in)
	ack := b.submitAs(other, disputeID, map[string]map[string]any{"reason": {"reason": fakeslack.TextValue("forged by someone else")}})
	if errs := errorsOf(t, ack); !strings.Contains(errs["reason"], "can answer for this session") {
		t.Errorf("another's submission of the rep's form acked %s, want a refusal", ack.Payload)
	}
	ack = b.submitAs(rep, disputeID, map[string]map[string]any{"reason": {"reason": fakeslack.TextValue(strings.Repeat("x", 1001))}})
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
	ack = b.submitAs(other, editID, v)
	if errs := errorsOf(t, ack); !strings.Contains(strings.Join(slices.Collect(maps.Values(errs)), " "), "who logged this session") {
		t.Errorf("another's submission of the manager's edit form acked %s, want a refusal", ack.Payload)
	}
	rows := b.export()
	if len(rows) != 1 || rows[0].RepID != rep || rows[0].Kind != "one_on_one" || rows[0].Notes == nil || strings.Contains(*rows[0].Notes, "overwritten") {
		t.Fatalf("the session after another's edit: %+v", rows)
	}
}

// What a form submits is checked against what it offered: a kind, role,
// visibility or skill it never listed, and as the rep an app, Slackbot,
// the manager themselves or a channel id, are refused inline and nothing
// is stored.
func TestInjectedFormValuesAreRefused(t *testing.T) {
	b := startBot(t)
	ctx := ctxT(t)
	today := b.today("America/New_York")
	for _, tc := range []struct {
		name, block string
		values      map[string]map[string]any
	}{
		{"kind", "kind", map[string]map[string]any{"kind": {"kind": fakeslack.OptionValue("bogus")}}},
		{"role", "role", map[string]map[string]any{"kind": {"kind": fakeslack.OptionValue("ride_along")}, "role": {"role": fakeslack.RadioValue("boss")}}},
		{"visibility", "visibility", map[string]map[string]any{"visibility": {"visibility": fakeslack.RadioValue("public")}}},
		{"skill", "skills", map[string]map[string]any{"skills": {"skills": fakeslack.OptionsValue("discovery", "hacking")}}},
		{"the app", "reps", map[string]map[string]any{"reps": {"reps": fakeslack.UsersValue(b.fake.BotUserID())}}},
		{"Slackbot", "reps", map[string]map[string]any{"reps": {"reps": fakeslack.UsersValue("USLACKBOT")}}},
		{"the manager", "reps", map[string]map[string]any{"reps": {"reps": fakeslack.UsersValue(rep, mgr)}}},
		{"a channel", "reps", map[string]map[string]any{"reps": {"reps": fakeslack.UsersValue("C0GENERAL")}}},
	} {
		viewID, _ := b.openModal("")
		v := values([]string{rep}, "one_on_one", today, "30", "")
		for k, x := range tc.values {
			v[k] = x
		}
		in, err := b.fake.SubmitView(ctx, mgr, viewID, v)
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
