package main

import (
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// A manager Coachlog has never seen opens the form before their profile is
// read, so it shows the organisation's today; the profile read right after
// the open (the only one: the zone comes from it) moves the date to their
// own today with a views.update.
func TestTheFormsDateFollowsAFirstProfileRead(t *testing.T) {
	t.Parallel()
	now := func() time.Time { return time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC) } // 25 Nov, 18:00 in Pago Pago
	b := startBotAt(t, now)
	const far = "U0FARAWAY"
	b.fake.AddUser(fakeslack.User{ID: far, Name: "pat", RealName: "Pat Far", TZ: "Pacific/Pago_Pago"})
	ctx := ctxT(t)
	in, err := b.fake.SlashCommand(ctx, far, "/coach", "")
	if err != nil {
		t.Fatal(err)
	}
	viewID := b.openedView(in)
	open, _ := b.fake.WaitForCall(ctx, "views.open", func(c fakeslack.Call) bool { return c.Param("trigger_id") == in.TriggerID })
	if !strings.Contains(open.Param("view"), `"initial_date":"2026-11-26"`) {
		t.Fatalf("the form opened without the organisation's today: %s", open.Param("view"))
	}
	upd, err := b.fake.WaitForCall(ctx, "views.update", func(c fakeslack.Call) bool { return c.Param("view_id") == viewID })
	if err != nil {
		t.Fatal(err)
	}
	if upd.Error != "" || !strings.Contains(upd.Param("view"), `"initial_date":"2026-11-25"`) {
		t.Fatalf("views.update %q did not move the date to the manager's today: %s", upd.Error, upd.Param("view"))
	}
	if n := len(b.fake.CallsTo("users.info")); n != 1 {
		t.Errorf("%d users.info calls for the manager, want 1", n)
	}
	// Submitted with the date untouched, the form logs the date it shows:
	// Slack keeps a picker's date through an update that keeps its
	// block_id, so the corrected one must come under a new id.
	v := values([]string{rep}, "one_on_one", "", "30", "")
	delete(v, "date")
	in, err = b.fake.SubmitView(ctx, far, viewID, v)
	if err != nil {
		t.Fatal(err)
	}
	if ack, err := b.fake.AwaitAck(ctx, in.EnvelopeID); err != nil || len(ack.Payload) != 0 {
		t.Fatalf("submitting the corrected form: ack %s, %v", ack.Payload, err)
	}
	if rows := b.export(); len(rows) != 1 || rows[0].OccurredOn != "2026-11-25" {
		t.Errorf("logged %+v; want the session on the manager's today, the 25th, as the form showed", rows)
	}
}
