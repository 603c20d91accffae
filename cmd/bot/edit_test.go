package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// logConfirmed logs a 1:1 with rep through the modal and has the rep confirm
// it; it returns the rep's DM.
func (b *bot) logConfirmed() fakeslack.Message {
	b.t.Helper()
	dm := b.logPending()
	if _, err := b.fake.ClickButton(ctxT(b.t), rep, dm.Channel, dm.TS, "rep_confirm"); err != nil {
		b.t.Fatal(err)
	}
	eventually(b.t, "confirmed", func() bool { return b.export()[0].Status == "confirmed" })
	return dm
}

// logPending logs a 1:1 with rep today through the form and returns the
// rep's DM as first posted, asking them to confirm.
func (b *bot) logPending() fakeslack.Message {
	b.t.Helper()
	viewID, _ := b.openModal("")
	if _, ack := b.submit(viewID, values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", "")); len(ack) != 0 {
		b.t.Fatalf("ack = %s", ack)
	}
	return b.dm(rep, 1)
}

// history runs /coach history and returns the ephemeral answer.
func (b *bot) history(args string) fakeslack.Response {
	b.t.Helper()
	return b.historyAs(mgr, args)
}

// historyAs types /coach history args as user and returns the answer.
func (b *bot) historyAs(user, args string) fakeslack.Response {
	b.t.Helper()
	ctx := ctxT(b.t)
	in, err := b.fake.SlashCommand(ctx, user, "/coach", strings.TrimSpace("history "+args))
	if err != nil {
		b.t.Fatal(err)
	}
	r, err := b.fake.WaitForResponse(ctx, func(r fakeslack.Response) bool { return r.URL == in.ResponseURL })
	if err != nil {
		b.t.Fatal(err)
	}
	return r
}

func TestEditOfSubstanceResetsConfirmationAndRefusesOldClicks(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	dm := b.logConfirmed() // as first posted, before the rep's Confirm

	hist := b.history("<@" + rep + "|sam>")
	if !slices.Contains(actionIDs(hist.Blocks), "session_edit") || !strings.Contains(blocksText(hist.Blocks), "Send the recap") {
		t.Fatalf("history = %s, want the session with Edit and its open commitments", blocksText(hist.Blocks))
	}
	// Only the manager who logged it may edit: his history's Edit, shown
	// to the rep (Slack shows it to him alone), is refused.
	shown := b.misdeliverEphemeral(rep, hist.Text, hist.Blocks)
	in, err := b.fake.ClickButton(ctx, rep, shown.Channel, shown.TS, "session_edit")
	if err != nil {
		t.Fatal(err)
	}
	b.responseSaying(in.ResponseURL, "You can only change sessions you logged.")

	in, err = b.fake.ClickResponseButton(ctx, mgr, hist.URL, "session_edit")
	if err != nil {
		t.Fatal(err)
	}
	viewID := b.openedView(in)
	v := values([]string{rep}, "one_on_one", b.today("America/New_York"), "50", "")
	if _, ack := b.submit(viewID, v); len(ack) != 0 {
		t.Fatalf("edit ack = %s", ack)
	}

	eventually(t, "the DM updated in place with Confirm again", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return slices.Contains(actionIDs(m.Blocks), "rep_confirm") && strings.Contains(blocksText(m.Blocks), "30 → 50 min")
	})
	rows := b.export()
	if rows[0].Status != "pending" || rows[0].DurationMin != 50 || rows[0].Rating != nil {
		t.Fatalf("after edit: %+v", rows[0])
	}
	if n := len(b.fake.Messages(rep)); n != 1 {
		t.Fatalf("edit posted a new DM: %d messages", n)
	}

	// A click on the version before the edit is refused and changes nothing.
	in, err = b.fake.ClickStale(ctx, rep, dm, "rep_confirm")
	if err != nil {
		t.Fatal(err)
	}
	b.responseSaying(in.ResponseURL, "changed")
	if rows := b.export(); rows[0].Status != "pending" {
		t.Fatalf("stale click changed the status to %s", rows[0].Status)
	}

	// So is Not accurate on it, at the click: no form opens for a reason
	// its submission would refuse, and the DM is shown as it is now.
	opened := len(b.fake.CallsTo("views.open"))
	in, err = b.fake.ClickStale(ctx, rep, dm, "rep_dispute")
	if err != nil {
		t.Fatal(err)
	}
	b.responseSaying(in.ResponseURL, "changed")
	b.replacedWith(in.ResponseURL, "30 → 50 min")
	if n := len(b.fake.CallsTo("views.open")); n != opened {
		t.Fatalf("a stale Not accurate opened %d forms", n-opened)
	}
}

func TestChangingTheRepWithdrawsTheOldDM(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	dm := b.logConfirmed()
	hist := b.history("")
	in, err := b.fake.ClickResponseButton(ctx, mgr, hist.URL, "session_edit")
	if err != nil {
		t.Fatal(err)
	}
	viewID := b.openedView(in)
	b.submit(viewID, values([]string{rep2}, "one_on_one", b.today("America/New_York"), "30", ""))
	// The session goes on with another rep: the old one is told they
	// were taken off it, not that it was withdrawn.
	eventually(t, "the old rep's DM withdrawn", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(m.Blocks), "took you off this session")
	})
	b.dm(rep2, 1)
	rows := b.export()
	if len(rows) != 1 || rows[0].RepID != rep2 || rows[0].Status != "pending" {
		t.Fatalf("export after changing the rep = %+v", rows)
	}
}

func TestNotAccurateTellsTheManagerWhy(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	viewID, _ := b.openModal("")
	b.submit(viewID, values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", ""))
	dm := b.dm(rep, 1)
	if ack := b.dispute(dm, "It was 15 minutes, not 30"); len(ack.Payload) != 0 {
		t.Fatalf("dispute ack = %s", ack.Payload)
	}
	notice := b.dm(mgr, 1)
	if text := blocksText(notice.Blocks); !strings.Contains(text, "15 minutes, not 30") || !slices.Contains(actionIDs(notice.Blocks), "session_edit") {
		t.Fatalf("manager's notice = %s %v", text, actionIDs(notice.Blocks))
	}
	if rows := b.export(); rows[0].Status != "disputed" {
		t.Fatalf("status = %s, want disputed", rows[0].Status)
	}
	eventually(t, "the rep's DM says it was marked not accurate", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(m.Blocks), "not accurate") && len(actionIDs(m.Blocks)) == 0
	})
}

func TestOpenCommitmentsAreOfferedAndCanBeTickedOff(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	viewID, _ := b.openModal("")
	b.submit(viewID, values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", ""))
	b.dm(rep, 1)

	// A prefilled rep shows their open commitments at once.
	viewID, view := b.openModal("<@" + rep + "|sam> 1:1")
	if s := mustJSON(view); !strings.Contains(s, `"block_id":"kept:`+rep+`"`) || !strings.Contains(s, "Send the recap to Acme") {
		t.Fatalf("modal for %s lacks their open commitments:\n%s", rep, s)
	}
	// Picking reps in a blank modal refreshes it with theirs.
	blankID, _ := b.openModal("")
	in, err := b.fake.ClickViewAction(ctx, mgr, blankID, "reps", "reps", map[string]map[string]any{"reps": {"reps": fakeslack.UsersValue(rep)}})
	if err != nil {
		t.Fatal(err)
	}
	_ = in
	if _, err := b.fake.WaitForCall(ctx, "views.update", func(c fakeslack.Call) bool {
		return c.Param("view_id") == blankID && strings.Contains(string(c.Body), "kept:"+rep)
	}); err != nil {
		t.Fatal(err)
	}

	var kept []string
	var v map[string]any
	_ = json.Unmarshal([]byte(mustJSON(view)), &v)
	for _, blk := range v["blocks"].([]any) {
		bm := blk.(map[string]any)
		if bm["block_id"] == "kept:"+rep {
			for _, o := range bm["element"].(map[string]any)["options"].([]any) {
				kept = append(kept, o.(map[string]any)["value"].(string))
			}
		}
	}
	vals := values([]string{rep}, "one_on_one", b.today("America/New_York"), "20", "")
	vals["kept:"+rep] = map[string]any{"kept": fakeslack.CheckboxesValue(kept[0])}
	if _, ack := b.submit(viewID, vals); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	hist := b.history("<@" + rep + "|sam>")
	text := blocksText(hist.Blocks)
	if strings.Count(text, "Book a pricing role-play") != 2 || strings.Count(text, "Send the recap to Acme") != 1 {
		t.Fatalf("open commitments after ticking one off:\n%s", text)
	}
}

func buttonValue(t *testing.T, raw json.RawMessage, actionID string) string {
	t.Helper()
	var blocks []map[string]any
	_ = json.Unmarshal(raw, &blocks)
	for _, blk := range blocks {
		els, _ := blk["elements"].([]any)
		for _, e := range els {
			em, _ := e.(map[string]any)
			if em["action_id"] == actionID {
				return em["value"].(string)
			}
		}
	}
	t.Fatalf("no button %s", actionID)
	return ""
}

// A rep taken off a session while their first DM still waits in the outbox
// (Slack's rate limit on a Monday morning) never saw it: they are told
// nothing, not "withdrew this session". Put back on, they get the DM then,
// asking them to confirm, as a new message.
func TestARepTakenOffBeforeTheirDMWentHearsNothingUntilPutBack(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	now := b.today("America/New_York")
	b.logWithDMHeld(now)
	edit := func(kind string, reps ...string) { b.editLatest(values(reps, kind, now, "30", "")) }
	edit("one_on_one", rep2)
	b.fake.ClearFaults("chat.postMessage")
	b.dm(rep2, 1)
	eventually(t, "every rep DM settled", func() bool { return repDMsSettled(t, b.db) })
	if msgs := b.fake.Messages(rep); len(msgs) != 0 {
		t.Fatalf("the rep taken off before their DM went got %d message(s): %s", len(msgs), blocksText(msgs[0].Blocks))
	}

	edit("team_meeting", rep2, rep)
	dm := b.dm(rep, 1)
	if text := blocksText(dm.Blocks); !slices.Contains(actionIDs(dm.Blocks), "rep_confirm") || strings.Contains(text, "withdrew") ||
		strings.Contains(text, "Updated") {
		t.Fatalf("the rep put back got %s %v, want the DM asking them to confirm, as a first one", text, actionIDs(dm.Blocks))
	}
	eventually(t, "every rep DM settled", func() bool { return repDMsSettled(t, b.db) })
	if n := len(b.fake.Messages(rep)); n != 1 {
		t.Fatalf("the rep put back has %d messages, want their one DM", n)
	}
	// Their click works on it like on any DM: it was remembered as posted.
	b.confirmUpdates(rep, dm)
}

// An edit made while the rep's first DM still waits in the outbox (held
// by Slack's rate limit, as on a Monday morning) is in that DM when it
// goes: the rep sees the session as it stands, once, with no "Updated: 30
// → 50 min. Please confirm again" about a version they never saw, and no
// chat.update after it.
func TestAnEditBeforeTheRepsFirstDMWentIsNoNewsToThem(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	now := b.today("America/New_York")
	b.logWithDMHeld(now)
	b.editLatest(values([]string{rep}, "one_on_one", now, "50", ""))
	// Two more refused tries: the second began after the edit committed,
	// so the post that goes next reads the edit's update before rendering
	// (one committed during a try's rendering rightly goes after it).
	refused := func() int {
		n := 0
		for _, c := range b.fake.CallsTo("chat.postMessage") {
			if c.Status == http.StatusTooManyRequests {
				n++
			}
		}
		return n
	}
	before := refused()
	eventually(t, "two more tries refused after the edit", func() bool { return refused() >= before+2 })
	b.fake.ClearFaults("chat.postMessage")
	dm := b.dm(rep, 1)
	eventually(t, "every rep DM settled", func() bool { return repDMsSettled(t, b.db) })
	m, _ := b.fake.Message(dm.Channel, dm.TS)
	if text := blocksText(m.Blocks); !strings.Contains(text, "50 min") || strings.Contains(text, "30 min") || strings.Contains(text, "Updated") ||
		!slices.Contains(actionIDs(m.Blocks), "rep_confirm") {
		t.Fatalf("the rep's first DM reads %s %v, want the session as edited, to confirm, with no news of the edit", text, actionIDs(m.Blocks))
	}
	if n := len(b.fake.CallsTo("chat.update")); n != 0 {
		t.Fatalf("%d chat.update call(s) after a first DM that already showed the edit", n)
	}
	if n := len(b.fake.Messages(rep)); n != 1 {
		t.Fatalf("the rep has %d messages, want their one DM", n)
	}
	// Their click works on it: the version the DM shows is current.
	b.confirmUpdates(rep, dm)
}

// confirmUpdates presses Confirm on the rep's DM as the rep and waits for
// the DM to say so.
func (b *bot) confirmUpdates(repID string, dm fakeslack.Message) {
	b.t.Helper()
	if _, err := b.fake.ClickButton(ctxT(b.t), repID, dm.Channel, dm.TS, "rep_confirm"); err != nil {
		b.t.Fatal(err)
	}
	eventually(b.t, "the DM updated after Confirm", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return strings.Contains(blocksText(m.Blocks), "You confirmed this")
	})
}

// logWithDMHeld logs a 30-minute 1:1 with rep dated now while Slack
// answers chat.postMessage with 429s (a Monday morning's rate limit), and
// waits until the rep's DM has been refused once: it waits in the outbox
// until the test clears the faults.
func (b *bot) logWithDMHeld(now string) {
	b.t.Helper()
	b.fake.FailNext("chat.postMessage", 1000, fakeslack.Fault{Status: http.StatusTooManyRequests, RetryAfter: 1})
	viewID, _ := b.openModal("")
	if _, ack := b.submit(viewID, values([]string{rep}, "one_on_one", now, "30", "")); len(ack) != 0 {
		b.t.Fatalf("ack = %s", ack)
	}
	eventually(b.t, "the rep's DM held back by the rate limit", func() bool {
		return slices.ContainsFunc(b.fake.Calls(), func(c fakeslack.Call) bool {
			return c.Method == "chat.postMessage" && c.Status == http.StatusTooManyRequests
		})
	})
}

// editLatest opens the edit form of the manager's latest session from
// /coach history and saves it with vals.
func (b *bot) editLatest(vals map[string]map[string]any) {
	b.t.Helper()
	in, err := b.fake.ClickResponseButton(ctxT(b.t), mgr, b.history("").URL, "session_edit")
	if err != nil {
		b.t.Fatal(err)
	}
	if _, ack := b.submit(b.openedView(in), vals); len(ack) != 0 {
		b.t.Fatalf("edit ack = %s", ack)
	}
}

// repDMsSettled says no rep DM waits in the outbox and none failed.
func repDMsSettled(t *testing.T, path string) bool {
	t.Helper()
	db := readOnly(t, path)
	defer db.Close()
	var open int
	if err := db.QueryRow(`SELECT count(*) FROM outbox WHERE kind = 'rep_dm' AND status IN ('pending', 'failed')`).Scan(&open); err != nil {
		t.Fatal(err)
	}
	return open == 0
}

// An edit form saved as it opened changes nothing: Slack submits each
// untouched input with its initial value, so every field the form
// prefills must read back as the session holds it (a kind, role, skills
// or date the form could not read back would be refused or changed, and
// the rep asked to confirm again).
func TestAnEditFormSavedUntouchedChangesNothing(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	viewID, _ := b.openModal("")
	if _, ack := b.submit(viewID, values([]string{rep}, "ride_along", b.today("America/New_York"), "45", "lead")); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	dm := b.dm(rep, 1)
	if _, err := b.fake.ClickButton(ctx, rep, dm.Channel, dm.TS, "rep_confirm"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "confirmed", func() bool { return b.export()[0].Status == "confirmed" })
	before := b.export()

	hist := b.history("<@" + rep + "|sam>")
	in, err := b.fake.ClickResponseButton(ctx, mgr, hist.URL, "session_edit")
	if err != nil {
		t.Fatal(err)
	}
	if _, ack := b.submit(b.openedView(in), nil); len(ack) != 0 {
		t.Fatalf("an untouched edit form was refused: %s", ack)
	}
	after := b.export()
	if len(before) != 1 || len(after) != 1 {
		t.Fatalf("export rows %d before, %d after, want 1", len(before), len(after))
	}
	got, _ := json.Marshal(after[0])
	want, _ := json.Marshal(before[0])
	if string(got) != string(want) {
		t.Errorf("saved untouched, the session changed:\n before %s\n after  %s", want, got)
	}
}

// Two edit forms open on one session: a save of the notes alone keeps the
// version (the rep's buttons stay good), so the second form, opened before
// the first was saved, used to save over the first's notes without a word.
// It is refused as opened on a session that changed since.
func TestASecondEditFormDoesNotUndoTheFirstsNotes(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	ctx := ctxT(t)
	b.logConfirmed()
	hist := b.history("<@" + rep + "|sam>")
	open := func() string {
		in, err := b.fake.ClickResponseButton(ctx, mgr, hist.URL, "session_edit")
		if err != nil {
			t.Fatal(err)
		}
		return b.openedView(in)
	}
	first, second := open(), open()
	if _, ack := b.submit(first, map[string]map[string]any{"notes": {"notes": fakeslack.TextValue("First window's notes")}}); len(ack) != 0 {
		t.Fatalf("first save: %s", ack)
	}
	_, ack := b.submit(second, map[string]map[string]any{"notes": {"notes": fakeslack.TextValue("Second window's notes")}})
	if !strings.Contains(string(ack), "changed since you opened the form") {
		t.Errorf("the second form's save was acked %s; want it refused as opened on an older session", ack)
	}
	if rows := b.export(); len(rows) != 1 || rows[0].Notes == nil || *rows[0].Notes != "First window's notes" || rows[0].Status != "confirmed" {
		t.Errorf("after both saves: %+v; want the first window's notes, still confirmed", rows)
	}
}

// The edit form offers ten of the rep's other open commitments to tick
// when there are more: the edited session's own, the oldest here, are
// left out before the ten are counted, not after (which showed eight).
func TestTheEditFormOffersTenOtherOpenCommitments(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	for range 6 { // two commitments each: the first session's and ten others
		viewID, _ := b.openModal("")
		if _, ack := b.submit(viewID, values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", "")); len(ack) != 0 {
			t.Fatalf("ack = %s", ack)
		}
	}
	first := b.export()[0].ID
	for _, r := range b.export() {
		first = min(first, r.ID)
	}
	in, err := b.fake.ClickResponseButton(ctxT(t), mgr, b.history("").URL, "session_edit",
		fakeslack.ButtonValue(fmt.Sprintf("%d:h", first))) // its Edit in the history
	if err != nil {
		t.Fatal(err)
	}
	call := b.viewsOpen(in)
	if call.Error != "" {
		t.Fatalf("views.open failed: %s\n%s", call.Error, call.Response)
	}
	var view struct {
		Blocks []struct {
			BlockID string `json:"block_id"`
			Element struct {
				Options []struct{ Value string } `json:"options"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := call.Decode("view", &view); err != nil {
		t.Fatal(err)
	}
	offered := -1
	for _, blk := range view.Blocks {
		if blk.BlockID == "kept:"+rep {
			offered = len(blk.Element.Options)
		}
	}
	if offered != 10 {
		t.Fatalf("the edit form offers %d open commitments to tick, want 10 (no block: -1)", offered)
	}
}

// skillsEnv is a COACHLOG_SKILLS listing ids, each its own label.
func skillsEnv(ids ...string) string {
	pairs := make([]string, len(ids))
	for i, id := range ids {
		pairs[i] = id + ":" + id
	}
	return strings.Join(pairs, ",")
}

// A session keeps a focus skill retired since when its notes are edited
// with 100 skills configured: the form's skills select takes 100 options,
// so it has no room to offer the retired skill ticked, and the save
// dropped it from the record without anyone unticking it.
func TestANotesEditKeepsARetiredSkillTheFormHasNoRoomFor(t *testing.T) {
	t.Parallel()
	var hundred []string
	for i := range 100 {
		hundred = append(hundred, fmt.Sprintf("s%03d", i))
	}
	b := startBot(t, "COACHLOG_SKILLS", skillsEnv(append(hundred[:99:99], "old")...))
	viewID, _ := b.openModal("")
	v := values([]string{rep}, "one_on_one", b.today("America/New_York"), "30", "")
	v["skills"] = map[string]any{"skills": fakeslack.OptionsValue("old", "s001")}
	if _, ack := b.submit(viewID, v); len(ack) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	b.stop()
	b.env["COACHLOG_SKILLS"] = skillsEnv(hundred...) // "old" retired, 100 configured
	b.start()

	b.editLatest(map[string]map[string]any{"notes": {"notes": fakeslack.TextValue("Notes, edited")}})
	rows := b.export()
	if len(rows) != 1 || rows[0].Notes == nil || *rows[0].Notes != "Notes, edited" {
		t.Fatalf("after the edit: %+v", rows)
	}
	if got := slices.Sorted(slices.Values(rows[0].Skills)); !slices.Equal(got, []string{"old", "s001"}) {
		t.Errorf("a notes-only edit left the skills %v, want old and s001", rows[0].Skills)
	}
}
