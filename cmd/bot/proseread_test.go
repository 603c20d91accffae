package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeopenai"
	"github.com/coachlog/coachlog/internal/fakeslack"
)

// A prose capture reads the open commitments of the reps the model read
// before it updates the form. With no deadline, a table locked meanwhile
// (a migration, another replica's long transaction) held the update as
// long as the lock, the form still saying it was filling in. The reads
// share one deadline now, counted from the model's answer: past it the
// form is filled in at once, keeps the commitments it showed (an update
// without their checkboxes would drop what was ticked in them), and says
// some may be missing for a rep it showed none of.
func TestAProseCaptureFillsTheFormInTimeWhileCommitmentsAreLocked(t *testing.T) {
	t.Parallel()
	ai := startOpenAI(t)
	b, db, ctx := startBotOnPostgres(t, ai, 60*time.Second)
	b.logPending() // Sam's open commitments from Max: "Send the recap to Acme", "Book a pricing role-play"

	// Ria, mentioned too, has none. The model takes 1.5 s: the table is
	// locked once the form is open, before the model answers.
	ai.Enqueue(fakeopenai.Slow(1500*time.Millisecond, fakeopenai.JSON(with(honestReading(), "reps", []string{rep, rep2}))))
	in := b.must(b.fake.SlashCommand(ctx, mgr, "/coach", rodeAlong+" with <@"+rep2+"|ria>"))
	viewID := b.openedView(in)
	if v := b.viewsOpen(in).Param("view"); !strings.Contains(v, `"kept:`+rep+`"`) {
		t.Fatalf("the form opened without Sam's open commitments:\n%s", v)
	}
	release := lockTables(t, ctx, db, "commitments")
	// The model's 1.5 s, the reads' 1 s, and room for a loaded machine;
	// the statement timeout, 30 s, is far beyond.
	call := b.viewUpdateWhileLocked(ctx, 5*time.Second, release, "filled-in form 5 s after the form opened", func(c fakeslack.Call) bool {
		return c.Param("view_id") == viewID && !strings.Contains(c.Param("view"), "Filling in from your note")
	})
	var filled map[string]any
	if err := call.Decode("view", &filled); err != nil {
		t.Fatal(err)
	}
	got := formFields(filled)
	if got["kind"] != "ride_along" || got["skills"] != "discovery,negotiation" || got["reps"] != rep+","+rep2 {
		t.Errorf("the form was not filled in with the model's reading: %v", got)
	}
	if !strings.Contains(got["notice"], "could not read every rep's open commitments") {
		t.Errorf("notice %q does not say some commitments may be missing (Ria's were not read)", got["notice"])
	}
	raw, _ := json.Marshal(filled)
	if v := string(raw); !strings.Contains(v, `"kept:`+rep+`"`) || !strings.Contains(v, "Send the recap to Acme") {
		t.Errorf("the filled-in form dropped Sam's open commitments it showed, and their ticks:\n%s", v)
	}
}
