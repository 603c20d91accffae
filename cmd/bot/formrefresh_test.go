package main

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeopenai"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// viewState is what Slack holds of the inputs of the open view viewID.
func viewState(t *testing.T, fake *fakeslack.Server, viewID string) map[string]map[string]json.RawMessage {
	t.Helper()
	raw, ok := fake.View(viewID)
	if !ok {
		t.Fatalf("no view %s", viewID)
	}
	var v struct {
		State struct {
			Values map[string]map[string]json.RawMessage `json:"values"`
		} `json:"state"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v.State.Values
}

// startBotOnPostgres starts a bot on a PostgreSQL schema of its own,
// whose tables a test can lock (lockTables), with the fake model ai when
// not nil, and returns it, the schema's URL and a context of d for the
// test.
func startBotOnPostgres(t *testing.T, ai *fakeopenai.Server, d time.Duration) (*bot, string, context.Context) {
	t.Helper()
	db := sqlitetest.PostgresMigrated(t)
	env := []string{"COACHLOG_DB", db}
	if ai != nil {
		env = llmEnv(ai, false, env...)
	}
	b := startBot(t, env...)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return b, db, ctx
}

// viewUpdateWhileLocked waits up to within for a views.update match
// accepts, made while the test holds a lock, then lets the lock go
// (release). It fails the test unless one came, saying what (the update
// awaited) was missing, and Slack took it.
func (b *bot) viewUpdateWhileLocked(ctx context.Context, within time.Duration, release func(), what string, match func(fakeslack.Call) bool) fakeslack.Call {
	b.t.Helper()
	wctx, wcancel := context.WithTimeout(ctx, within)
	call, err := b.fake.WaitForCall(wctx, "views.update", match)
	wcancel()
	release()
	if err != nil {
		b.t.Fatalf("no %s while commitments were locked: %v", what, err)
	}
	if call.Error != "" {
		b.t.Fatalf("views.update answered %s", call.Error)
	}
	return call
}

// Picking reps in the log form reads their open commitments before
// views.update shows them. With no deadline, a table locked (a migration,
// another replica's long transaction) held the update as long as the
// lock, and the form changed under the manager's hands long after the
// pick. The reads share the form's deadline now: past it the form comes
// at once, saying some commitments may be missing, with what was typed
// kept.
func TestPickingARepWhileCommitmentsAreLockedSaysSoAndKeepsWhatWasTyped(t *testing.T) {
	t.Parallel()
	b, db, ctx := startBotOnPostgres(t, nil, 30*time.Second)
	viewID, _ := b.openModal("")
	release := lockTables(t, ctx, db, "commitments")
	b.must(b.fake.ClickViewAction(ctx, mgr, viewID, "reps", "reps", map[string]map[string]any{
		"reps": {"reps": fakeslack.UsersValue(rep)}, "notes": {"notes": fakeslack.TextValue("pricing went well")},
	}))
	call := b.viewUpdateWhileLocked(ctx, 2500*time.Millisecond, release, "views.update 2.5 s after picking a rep",
		func(c fakeslack.Call) bool { return c.Param("view_id") == viewID })
	if v := call.Param("view"); !strings.Contains(v, "could not read every rep's open commitments") || strings.Contains(v, `"kept:`) {
		t.Errorf("the refreshed form does not say its commitments may be missing:\n%s", v)
	}
	state := viewState(t, b.fake, viewID)
	if notes := string(state["notes"]["notes"]); !strings.Contains(notes, "pricing went well") {
		t.Errorf("the notes typed are gone after the refresh: %s", notes)
	}
	var reps struct {
		Selected []string `json:"selected_users"`
	}
	if err := json.Unmarshal(state["reps"]["reps"], &reps); err != nil || !slices.Equal(reps.Selected, []string{rep}) {
		t.Errorf("the rep picked is gone after the refresh: %s", state["reps"]["reps"])
	}
}

// A form showing a rep's open commitments, one ticked, is left as it is
// when another pick cannot read them again in time: Slack keeps an input
// only if the update keeps its block_id and action_id, and an update
// without that rep's checkboxes would drop the tick.
func TestATickStaysWhenAPickCannotReadCommitmentsInTime(t *testing.T) {
	t.Parallel()
	b, db, ctx := startBotOnPostgres(t, nil, 30*time.Second)
	first, _ := b.openModal("")
	b.submit(first, values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", ""))
	b.dm(rep, 1)
	viewID, view := b.openModal("<@" + rep + "|sam> 1:1")
	var tick string
	for id := range keptOptions(view, rep) {
		tick = id
	}
	if tick == "" {
		t.Fatalf("the form offers none of %s's open commitments:\n%s", rep, mustJSON(view))
	}
	release := lockTables(t, ctx, db, "commitments")
	b.must(b.fake.ClickViewAction(ctx, mgr, viewID, "reps", "reps", map[string]map[string]any{
		"reps": {"reps": fakeslack.UsersValue(rep, rep2)}, "kept:" + rep: {"kept": fakeslack.CheckboxesValue(tick)},
	}))
	// The pick's last step reads the profiles of the reps picked, Ria's
	// from Slack: the refresh is over once it asks.
	_, err := b.fake.WaitForCall(ctx, "users.info", func(c fakeslack.Call) bool { return c.Param("user") == rep2 })
	release()
	if err != nil {
		t.Fatalf("the pick never got past its reads while commitments were locked: %v", err)
	}
	for _, c := range b.fake.CallsTo("views.update") {
		if c.Param("view_id") == viewID && strings.Contains(c.Param("view"), rep2) { // the pick's own
			t.Errorf("the form was updated without the commitments it showed:\n%s", c.Param("view"))
		}
	}
	if kept := string(viewState(t, b.fake, viewID)["kept:"+rep]["kept"]); !strings.Contains(kept, `"`+tick+`"`) {
		t.Errorf("the tick is gone: %s", kept)
	}
}

// Picking reps in a form the model filled in keeps the block ids the
// fields have now: the update the pick brings keeps what the manager
// typed meanwhile, as Slack keeps an input whose block_id and action_id
// survive. Reverting a field to its first id would put back the value the
// pick carried and drop what was typed after it. The commitments locked
// hold the pick's update until its reads give up, so the typing comes
// between the pick and its update.
func TestAPickAfterTheModelFilledInKeepsWhatIsTyped(t *testing.T) {
	t.Parallel()
	ai := startOpenAI(t)
	b, db, ctx := startBotOnPostgres(t, ai, 30*time.Second)
	ai.Enqueue(fakeopenai.JSON(honestReading()))
	f := b.proseCapture(rodeAlong)
	viewID := b.openedViewID(f)
	notesBlock := b.blockOf(viewID, "notes")

	release := lockTables(t, ctx, db, "commitments")
	b.must(b.fake.ClickViewAction(ctx, mgr, viewID, b.blockOf(viewID, "reps"), "reps",
		b.inForm(viewID, map[string]map[string]any{"reps": {"reps": fakeslack.UsersValue(rep)}})))
	if err := b.fake.TypeInView(mgr, viewID, b.inForm(viewID, map[string]map[string]any{
		"notes": {"notes": fakeslack.TextValue("typed after the pick")}, "duration": {"duration": fakeslack.NumberValue("45")},
	})); err != nil {
		t.Fatal(err)
	}
	call, err := b.fake.WaitForCall(ctx, "views.update", func(c fakeslack.Call) bool {
		return c.Param("view_id") == viewID && strings.Contains(c.Param("view"), "could not read every rep's open commitments")
	})
	release()
	if err != nil || call.Error != "" {
		t.Fatalf("the pick's update: %v %s", err, call.Error)
	}
	if !strings.Contains(call.Param("view"), `"block_id":"`+notesBlock+`"`) {
		t.Errorf("the pick's update gave the notes another block id than %s:\n%s", notesBlock, call.Param("view"))
	}
	if _, ack := b.submit(viewID, nil); len(ack) != 0 {
		t.Fatalf("submitting the form as it shows: ack %s", ack)
	}
	rows := b.export()
	if len(rows) != 1 || deref(rows[0].Notes) != "typed after the pick" || rows[0].Kind != "ride_along" || rows[0].DurationMin != 45 {
		t.Fatalf("logged %+v (notes %q); want the notes typed after the pick, with the model's kind", rows, deref(rows[0].Notes))
	}
}
