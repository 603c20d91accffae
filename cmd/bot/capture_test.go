package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

func TestInvalidSubmissionIsAnsweredInlineAndStoresNothing(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ny, _ := time.LoadLocation("America/New_York")
	tomorrow := b.now().In(ny).AddDate(0, 0, 1).Format(time.DateOnly)
	now := b.today("America/New_York")
	valid := values([]string{rep}, "one_on_one", now, "30", "")
	// crafted is a value the form's input keeps a person from sending (a
	// duration past its bounds or not a number, notes past its
	// max_length): only a crafted submission carries it.
	crafted := func(block string, v map[string]any) map[string]map[string]any {
		return map[string]map[string]any{block: {block: v}}
	}
	tests := []struct {
		name      string
		v, forged map[string]map[string]any
		block     string
	}{
		{"future date in the manager's zone", values([]string{rep}, "one_on_one", tomorrow, "30", ""), nil, "date"},
		{"zero minutes", valid, crafted("duration", fakeslack.NumberValue("0")), "duration"},
		{"481 minutes", valid, crafted("duration", fakeslack.NumberValue("481")), "duration"},
		{"not a number", valid, crafted("duration", fakeslack.NumberValue("4x5")), "duration"},
		{"the manager as rep", values([]string{rep, mgr}, "team_meeting", now, "30", ""), nil, "reps"},
		{"ride-along without role", values([]string{rep}, "ride_along", now, "30", ""), nil, "role"},
		{"notes over 3,000 characters", valid, crafted("notes", fakeslack.TextValue(strings.Repeat("é", 3001))), "notes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			viewID, _ := b.openModal("")
			ack := b.submitAs(mgr, viewID, tt.v, fakeslack.Forged(tt.forged)).Payload
			var resp struct {
				Action string            `json:"response_action"`
				Errors map[string]string `json:"errors"`
			}
			if err := json.Unmarshal(ack, &resp); err != nil || resp.Action != "errors" || resp.Errors[tt.block] == "" {
				t.Fatalf("ack = %s, want response_action errors on block %q", ack, tt.block)
			}
		})
	}
	if rows := b.export(); len(rows) != 0 {
		t.Fatalf("invalid submissions stored %d rows", len(rows))
	}
	if n := len(b.fake.Messages(rep)); n != 0 {
		t.Fatalf("invalid submissions sent %d DMs", n)
	}
}

func TestRedeliveredEnvelopesAndDoubleSubmitLogOnce(t *testing.T) {
	t.Parallel()
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		t.Parallel()
		b := startBot(t, "COACHLOG_DB", db)
		ctx := ctxT(t)
		viewID, _ := b.openModal("")
		envID, _ := b.submit(viewID, values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", ""))
		if err := b.fake.Resend(ctx, envID); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the redelivered submission acked", func() bool {
			n := 0
			for _, a := range b.fake.Acks() {
				if a.EnvelopeID == envID {
					n++
				}
			}
			return n >= 2
		})

		in, err := b.fake.SlashCommand(ctx, mgr, "/coach", "<@"+rep2+"|ria> 1:1 30m yesterday")
		if err != nil {
			t.Fatal(err)
		}
		if err := b.fake.Resend(ctx, in.EnvelopeID); err != nil {
			t.Fatal(err)
		}
		b.dm(rep2, 1)
		if _, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL }); err != nil {
			t.Fatal(err)
		}
		rows := b.export()
		if len(rows) != 2 {
			t.Fatalf("stored %d rows, want one per submission: %+v", len(rows), rows)
		}
		if n := len(b.fake.Messages(rep)) + len(b.fake.Messages(rep2)); n != 2 {
			t.Fatalf("sent %d DMs, want 2", n)
		}
	})
}

func TestTeamMeetingSendsEachRepTheirOwnDM(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	viewID, _ := b.openModal("")
	if _, ack := b.submit(viewID, values([]string{rep, rep2}, "team_meeting", b.today("America/New_York"), "60", "")); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	a, c := b.dm(rep, 1), b.dm(rep2, 1)
	if a.Channel == c.Channel {
		t.Fatalf("both DMs went to %s", a.Channel)
	}
	rows := b.export()
	if len(rows) != 2 || rows[0].ID != rows[1].ID || rows[0].RepID == rows[1].RepID {
		t.Fatalf("export = %+v, want two rows sharing one session id", rows)
	}
}

func TestQuickCaptureLogsAndRepliesWithEditAndUndo(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	in, err := b.fake.SlashCommand(ctx, mgr, "/coach", "<@"+rep+"|sam> ride-along 45m lead great discovery, rushed pricing")
	if err != nil {
		t.Fatal(err)
	}
	receipt, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
	if err != nil {
		t.Fatal(err)
	}
	if receipt.ResponseType != "ephemeral" || !slices.Contains(actionIDs(receipt.Blocks), "session_edit") || !slices.Contains(actionIDs(receipt.Blocks), "session_undo") {
		t.Fatalf("receipt = %+v, want an ephemeral message with Edit and Undo", receipt)
	}
	rows := b.export()
	if len(rows) != 1 || rows[0].Source != "quick" || rows[0].Kind != "ride_along" || rows[0].DurationMin != 45 ||
		*rows[0].Role != "lead" || *rows[0].Notes != "great discovery, rushed pricing" || rows[0].OccurredOn != b.today("America/New_York") {
		t.Fatalf("export = %+v", rows)
	}
	dm := b.dm(rep, 1)

	// Undo from the receipt: the receipt is replaced, the session leaves the
	// export and the rep's DM says it was withdrawn.
	if _, err := b.fake.ClickResponseButton(ctx, mgr, in.ResponseURL, "session_undo"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.ReplaceOriginal && strings.Contains(r.Text, "Undone") }); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the DM withdrawn", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(m.Blocks), "withdrew") && len(actionIDs(m.Blocks)) == 0
	})
	if rows := b.export(); len(rows) != 0 {
		t.Fatalf("undone session still exported: %+v", rows)
	}
}

func TestQuickCaptureThatIsUnclearOpensThePrefilledModal(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	_, view := b.openModal("<@" + rep + "|sam> ride-along 45m great call")
	s := mustJSON(view)
	for _, want := range []string{`"initial_users":["` + rep + `"]`, `"initial_value":"45"`, `"value":"ride_along"`, "great call", "your role"} {
		if !strings.Contains(s, want) {
			t.Errorf("prefilled modal lacks %s:\n%s", want, s)
		}
	}
	if rows := b.export(); len(rows) != 0 {
		t.Fatalf("an unclear capture was logged: %+v", rows)
	}
}

// Without an LLM, a sentence is read by the rule parser for the fields it
// says, wherever they stand, and the form opens prefilled with them for
// the manager to confirm: never logged on its own. A review found such a
// sentence opened the form with only the rep, kind, duration and role
// empty, though PRODUCT.md promises the rule parser does the LLM's job.
func TestProseWithoutAnLLMOpensTheFormPrefilled(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	_, view := b.openModal("rode along with <@" + rep + "|sam> on the Acme demo, mostly watched, 45 min")
	f := formFields(view)
	want := map[string]string{"reps": rep, "kind": "ride_along", "role": "participant", "duration": "45",
		"notes": "rode along with @sam on the Acme demo, mostly watched, 45 min"}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("form %s = %q, want %q", k, f[k], v)
		}
	}
	if !strings.Contains(f["notice"], "I took who you coached, the kind and your role from your words: check them.") {
		t.Errorf("notice %q does not say what was taken from the sentence", f["notice"])
	}
	// A date the header cannot read is asked about, not logged as today.
	_, view = b.openModal("<@" + rep + "|sam> 1:1 30m yday pricing review")
	if f := formFields(view); !strings.Contains(f["notice"], `I couldn't read the date "yday"`) || f["notes"] != "yday pricing review" {
		t.Errorf("form %v; want the notice on yday and the notes as written", f)
	}
	if rows := b.export(); len(rows) != 0 {
		t.Fatalf("a sentence or an unread date was logged: %+v", rows)
	}
}

// A line naming nobody before its notes is not logged with whoever the
// notes mention: the form opens with them picked, asking to check.
func TestARepNamedOnlyInTheNotesIsAskedAbout(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	_, view := b.openModal("1:1 30m with Sam, went over how <@" + rep2 + "|ria> handles pricing")
	s := mustJSON(view)
	for _, want := range []string{`"initial_users":["` + rep2 + `"]`, "check who you coached", "went over how"} {
		if !strings.Contains(s, want) {
			t.Errorf("the form lacks %s:\n%s", want, s)
		}
	}
	if rows := b.export(); len(rows) != 0 {
		t.Fatalf("a rep guessed from the notes was logged: %+v", rows)
	}
}

func TestSubcommandsAreNeverCaptures(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	for _, tt := range []struct{ text, want string }{
		{"help", "/coach history"},
		{"stats", "shows a manager's coaching"},
		{"team meeting 30m <@" + rep + "|sam>", "name the people first"},
		{"team", "lists your reps"},
		{"report", "for leaders and admins"},
		{"export", "for admins"},
	} {
		in, err := b.fake.SlashCommand(ctx, mgr, "/coach", tt.text)
		if err != nil {
			t.Fatal(err)
		}
		r, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Text + blocksText(r.Blocks); !strings.Contains(got, tt.want) {
			t.Errorf("/coach %s answered %q, want it to mention %q", tt.text, got, tt.want)
		}
	}
	if rows := b.export(); len(rows) != 0 {
		t.Fatalf("a subcommand was logged: %+v", rows)
	}
}

// A session undone while its rep's DM still waits in the outbox (Slack's
// rate limit) is never announced to the rep: they had not seen it.
func TestASessionUndoneBeforeItsDMWentIsNeverShownToTheRep(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	b.fake.FailNext("chat.postMessage", 1000, fakeslack.Fault{Status: http.StatusTooManyRequests, RetryAfter: 1})
	in, err := b.fake.SlashCommand(ctx, mgr, "/coach", "<@"+rep+"|sam> 1:1 30m")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL }); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the rep's DM held back by the rate limit", func() bool {
		return slices.ContainsFunc(b.fake.Calls(), func(c fakeslack.Call) bool {
			return c.Method == "chat.postMessage" && c.Status == http.StatusTooManyRequests
		})
	})
	if _, err := b.fake.ClickResponseButton(ctx, mgr, in.ResponseURL, "session_undo"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.ReplaceOriginal && strings.Contains(r.Text, "Undone") }); err != nil {
		t.Fatal(err)
	}
	b.fake.ClearFaults("chat.postMessage")
	eventually(t, "every rep DM settled", func() bool { return repDMsSettled(t, b.db) })
	if msgs := b.fake.Messages(rep); len(msgs) != 0 {
		t.Fatalf("the rep of a session undone before their DM went got %d message(s): %s", len(msgs), blocksText(msgs[0].Blocks))
	}
}

// /coach acknowledges at once, then opens the form: when Slack does not
// open it, the manager is told so instead of seeing nothing.
func TestAFormSlackDoesNotOpenIsToldToTheManager(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	for _, text := range []string{"", "<@" + rep + "|sam> coffee"} { // the empty form; a capture to finish in it
		b.fake.FailNext("views.open", 1, fakeslack.Fault{Error: "internal_error"})
		got := b.command(mgr, text)
		if !strings.Contains(got, "Slack did not open the form, so nothing was logged") {
			t.Errorf("/coach %s with views.open failing answered %q", text, got)
		}
	}
}

// A one-line capture the parser reads but the domain refuses (the manager
// named as their own rep) opens the form with everything typed and what to
// fix, instead of an answer that drops the notes.
func TestARefusedCaptureOpensTheFormWithWhatWasTyped(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	in, err := b.fake.SlashCommand(ctx, mgr, "/coach", "<@"+mgr+"|max> 1:1 30m keep these precious notes")
	if err != nil {
		t.Fatal(err)
	}
	view := b.viewsOpen(in).Param("view")
	for _, want := range []string{"keep these precious notes", "Not logged yet", "Fix it here and submit"} {
		if !strings.Contains(view, want) {
			t.Errorf("the form opened for a refused capture does not show %q:\n%s", want, view)
		}
	}
	if rows := b.export(); len(rows) != 0 {
		t.Errorf("a refused capture stored %+v", rows)
	}
}

// A first-time user's "yesterday" is their own: the form opens before
// their profile is read, on the organisation's date, and is corrected to
// what the word means on their date once Slack says where they are.
func TestAFirstCapturesRelativeDateIsTheManagersOwn(t *testing.T) {
	t.Parallel()
	// 20:00 UTC on Wednesday the 18th: already Thursday 01:30 in Kolkata.
	b := startBotAt(t, clockFrom(time.Date(2026, 11, 18, 20, 0, 0, 0, time.UTC)))
	in, err := b.fake.SlashCommand(ctxT(t), rep2, "/coach", "<@"+rep+"|sam> 1:1 yesterday")
	if err != nil {
		t.Fatal(err)
	}
	opened := b.viewsOpen(in)
	if !strings.Contains(opened.Param("view"), `"initial_date":"2026-11-17"`) {
		t.Fatalf("the form opened on another date than the organisation's yesterday:\n%s", opened.Param("view"))
	}
	call, err := b.fake.WaitForCall(ctxT(t), "views.update", func(c fakeslack.Call) bool {
		return strings.Contains(c.Param("view"), `"initial_date":"2026-11-18"`)
	})
	if err != nil || call.Error != "" {
		t.Fatalf("the form was not corrected to Ria's yesterday, the 18th: %v %s", err, call.Error)
	}
}

// A quick capture is logged with every rep it names and its notes as the
// manager typed them, whatever they glued together: mentions joined by a
// separator ("Sam+Ria") are all reps, a link right after the reps is the
// notes' own, stored as typed, and so is a ":)" starting the notes (audit
// findings; each line once opened the form, or lost a rep or a word).
func TestQuickCaptureStoresEveryRepAndTheNotesAsTyped(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	seen := map[int64]bool{}
	for _, tt := range []struct {
		text  string
		reps  []string
		notes string
	}{
		{"<@" + rep + "|sam>+<@" + rep2 + "|ria> team meeting 30m went over pricing", []string{rep, rep2}, "went over pricing"},
		{"1:1 30m <@" + rep + "|sam> <mailto:sam@acme.com|sam@acme.com> asked about renewal", []string{rep}, "sam@acme.com asked about renewal"},
		{"1:1 30m <@" + rep + "|sam>,<mailto:sam+crm@acme.com|sam+crm@acme.com> asked about renewal", []string{rep}, "sam+crm@acme.com asked about renewal"},
		{"<@" + rep + "|sam> 1:1 30m :) great call", []string{rep}, ":) great call"},
		{"<@" + rep + "|sam> 1:1 30m - :fire: closed at -5%", []string{rep}, ":fire: closed at -5%"},
	} {
		ctx := ctxT(t)
		in, err := b.fake.SlashCommand(ctx, mgr, "/coach", tt.text)
		if err != nil {
			t.Fatal(err)
		}
		receipt, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
		if err != nil || !strings.HasPrefix(receipt.Text, "Logged") {
			t.Errorf("/coach %s: answered %q, %v; want it logged", tt.text, receipt.Text, err)
			continue
		}
		var reps []string
		var notes string
		for _, r := range b.export() {
			if !seen[r.ID] {
				reps, notes = append(reps, r.RepID), *r.Notes
			}
		}
		for _, r := range b.export() {
			seen[r.ID] = true
		}
		slices.Sort(reps)
		if want := slices.Sorted(slices.Values(tt.reps)); !slices.Equal(reps, want) || notes != tt.notes {
			t.Errorf("/coach %s logged reps %v, notes %q; want %v, %q", tt.text, reps, notes, want, tt.notes)
		}
	}
}
