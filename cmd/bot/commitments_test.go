package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// More people of the test workspace: a second manager, a leader above
// both managers, and a leader of another tree.
const (
	mia  = "U0MIA"
	vera = "U0VERA"
	leo  = "U0LEO"
)

// openModalAs types /coach text as user and returns the opened view.
func (b *bot) openModalAs(user, text string) (string, map[string]any) {
	b.t.Helper()
	ctx := ctxT(b.t)
	in, err := b.fake.SlashCommand(ctx, user, "/coach", text)
	if err != nil {
		b.t.Fatal(err)
	}
	call, err := b.fake.WaitForCall(ctx, "views.open", func(c fakeslack.Call) bool { return c.Param("trigger_id") == in.TriggerID })
	if err != nil {
		b.t.Fatal(err)
	}
	var view map[string]any
	if err := call.Decode("view", &view); err != nil {
		b.t.Fatal(err)
	}
	var resp struct {
		View struct{ ID string } `json:"view"`
	}
	if err := json.Unmarshal(call.Response, &resp); err != nil {
		b.t.Fatal(err)
	}
	return resp.View.ID, view
}

// keptOptions returns the values and labels of the checkboxes offering
// repID's open commitments in a log view.
func keptOptions(view map[string]any, repID string) map[string]string {
	out := map[string]string{}
	eachObject([]byte(mustJSON(view)), func(o map[string]any) {
		if o["block_id"] != "kept:"+repID {
			return
		}
		el, _ := o["element"].(map[string]any)
		opts, _ := el["options"].([]any)
		for _, x := range opts {
			om := x.(map[string]any)
			out[om["value"].(string)] = om["text"].(map[string]any)["text"].(string)
		}
	})
	return out
}

// leaderWorkspace starts a bot whose roster has Vera, a leader, above
// Max and Mia, Sam reporting to Max, Ria to Mia, Olly with no team and
// Leo, a leader with nobody below; Max logs a private session with Sam
// (the form's two commitments) and a shared one (shared lines). It
// returns the bot and Max's today.
func leaderWorkspace(t *testing.T, shared string) (*bot, string) {
	t.Helper()
	b := startBot(t)
	// Mia logs with the same dates as Max, so she shares his zone: with
	// Slack's default (Los Angeles) her "today" lags his for three hours
	// each night and the test fails then. So do Vera and Leo.
	for _, u := range []fakeslack.User{{ID: mia, Name: "mia", RealName: "Mia Manager", TZ: "America/New_York"},
		{ID: vera, Name: "vera", RealName: "Vera Leader", TZ: "America/New_York"}, {ID: leo, Name: "leo", RealName: "Leo Leader", TZ: "America/New_York"}} {
		b.fake.AddUser(u)
	}
	csv := filepath.Join(t.TempDir(), "team.csv")
	os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
		vera+",,Vera,leader,,,America/New_York\n"+mgr+",,Max,manager,"+vera+",,America/New_York\n"+mia+",,Mia,manager,"+vera+",,\n"+
		rep+",,Sam,rep,"+mgr+",top,\n"+rep2+",,Ria,rep,"+mia+",,\n"+other+",,Olly,rep,,,\n"+leo+",,Leo,leader,,,America/New_York\n"), 0o600)
	if out, err := b.cli("roster", "import", csv); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	now := b.today("America/New_York")

	// Max logs a private session and a shared one with Sam.
	viewID, _ := b.openModal("")
	if ack := b.submitAs(mgr, viewID, values([]string{rep}, "one_on_one", now, "30", "")); len(ack.Payload) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	viewID, _ = b.openModal("")
	v := values([]string{rep}, "one_on_one", now, "30", "")
	v["commitments"] = map[string]any{"commitments": fakeslack.TextValue(shared)}
	v["visibility"] = map[string]any{"visibility": fakeslack.RadioValue("shared")}
	if ack := b.submitAs(mgr, viewID, v); len(ack.Payload) != 0 {
		t.Fatalf("ack = %s", ack)
	}
	return b, now
}

func TestCommitmentsAreSeenAndClosedOnlyByTheirManager(t *testing.T) {
	t.Parallel()
	b, now := leaderWorkspace(t, "Prep the QBR deck")
	_, maxView := b.openModalAs(mgr, "<@"+rep+"|sam> 1:1")
	maxOpen := keptOptions(maxView, rep)
	if len(maxOpen) != 3 {
		t.Fatalf("Max's form offers %v, want his three open commitments", maxOpen)
	}

	// Mia (another manager), Olly (anyone) and Vera (the leader above) ask
	// for Sam's history.
	for _, tt := range []struct {
		who       string
		see, hide []string
	}{
		{mia, nil, []string{"Send the recap", "Book a pricing", "Prep the QBR"}},
		{other, nil, []string{"Send the recap", "Book a pricing", "Prep the QBR"}},
		{vera, []string{"Prep the QBR"}, []string{"Send the recap", "Book a pricing"}},
		{mgr, []string{"Send the recap", "Book a pricing", "Prep the QBR"}, nil},
	} {
		got := b.command(tt.who, "history <@"+rep+"|sam>")
		for _, s := range tt.see {
			if !strings.Contains(got, s) {
				t.Errorf("%s's history of Sam lacks %q:\n%s", tt.who, s, got)
			}
		}
		for _, s := range tt.hide {
			if strings.Contains(got, s) {
				t.Errorf("%s's history of Sam shows %q:\n%s", tt.who, s, got)
			}
		}
	}

	// Nobody but Max is offered them to tick off, but Vera, the leader
	// above him, the shared one alone.
	for _, who := range []string{mia, other, leo} {
		if _, view := b.openModalAs(who, "<@"+rep+"|sam> 1:1"); len(keptOptions(view, rep)) != 0 {
			t.Errorf("%s's form offers Max's commitments: %v", who, keptOptions(view, rep))
		}
	}
	_, veraView := b.openModalAs(vera, "<@"+rep+"|sam> 1:1")
	if opts := keptOptions(veraView, rep); len(opts) != 1 || !strings.Contains(strings.Join(optionLabels(opts), ""), "Prep the QBR") {
		t.Errorf("Vera's form offers %v, want the shared commitment alone", opts)
	}

	// Mia logs her own session with Sam; her form then offers her
	// commitment only, and a forged tick of Max's is passed over: her
	// session is logged, Max's commitments stay open.
	viewID, _ := b.openModalAs(mia, "")
	miaV := values([]string{rep}, "one_on_one", now, "20", "")
	miaV["commitments"] = map[string]any{"commitments": fakeslack.TextValue("Mia's own follow-up")}
	if ack := b.submitAs(mia, viewID, miaV); len(ack.Payload) != 0 {
		t.Fatalf("Mia's ack = %s", ack)
	}
	viewID, miaView := b.openModalAs(mia, "<@"+rep+"|sam> 1:1")
	if opts := keptOptions(miaView, rep); len(opts) != 1 {
		t.Fatalf("Mia's form offers %v, want her own commitment only", opts)
	}
	var maxIDs []string
	for id := range maxOpen {
		maxIDs = append(maxIDs, id)
	}
	typed := values([]string{rep}, "one_on_one", now, "20", "")
	typed["commitments"] = map[string]any{"commitments": fakeslack.TextValue("")}
	// Her form offers none of Max's to tick: only a crafted submission
	// carries them.
	forged := map[string]map[string]any{"kept:" + rep: {"kept": fakeslack.CheckboxesValue(maxIDs...)}}
	if ack := b.submitAs(mia, viewID, typed, fakeslack.Forged(forged)); len(ack.Payload) != 0 {
		t.Fatalf("a forged tick of Max's commitments was acked %s, want the form closed, the session logged", ack.Payload)
	}
	if rows := b.export(); len(rows) != 4 {
		t.Errorf("after the forged submission: %d rows, want 4 (Mia's second session logged)", len(rows))
	}
	_, maxView = b.openModalAs(mgr, "<@"+rep+"|sam> 1:1")
	if got := keptOptions(maxView, rep); len(got) != 3 {
		t.Errorf("Max's open commitments after the forged tick: %v, want all three", got)
	}
}

// optionLabels lists the labels of keptOptions's answer.
func optionLabels(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// A leader above the manager closes the rep's commitments from the
// manager's shared sessions: ticked kept in their own log form, and from
// /coach history with the Mark as… menu and its Undo, as the manager
// does; the manager still closes them too, and the numbers are his. A
// peer manager, a leader of another tree, the rep, and the leader above
// for a private session are refused, by a forged pick in history (the
// manager's list shown to them); a forged tick in a form is passed over,
// the session logged, and nothing changes for the commitment.
func TestALeaderAboveClosesTheSharedCommitmentsBelow(t *testing.T) {
	t.Parallel()
	b, now := leaderWorkspace(t, "Prep the QBR deck\nCall the CFO")
	ctx := ctxT(t)
	sam := "<@" + rep + "|sam>"
	maxHist := b.historyAs(mgr, sam)
	privKept := closeOption(maxHist.Blocks, "Send the recap to Acme", "Kept")
	sharedKept := closeOption(maxHist.Blocks, "Call the CFO", "Kept")
	if privKept == "" || sharedKept == "" {
		t.Fatalf("Max's history offers no menus:\n%s", maxHist.Blocks)
	}
	_, maxView := b.openModalAs(mgr, sam+" 1:1")
	var privIDs, sharedIDs []string
	for id, label := range keptOptions(maxView, rep) {
		if strings.Contains(label, "Send the recap") || strings.Contains(label, "Book a pricing") {
			privIDs = append(privIDs, id)
		} else {
			sharedIDs = append(sharedIDs, id)
		}
	}
	if len(privIDs) != 2 || len(sharedIDs) != 2 {
		t.Fatalf("Max's form offers private %v, shared %v; want two of each", privIDs, sharedIDs)
	}

	// Forged picks in history: Max's list, shown to each by a slip.
	for _, tt := range []struct{ who, value string }{{mia, sharedKept}, {leo, sharedKept}, {rep, sharedKept}, {vera, privKept}} {
		shown := b.misdeliverEphemeral(tt.who, maxHist.Text, maxHist.Blocks)
		in := b.must(b.fake.ClickButton(ctx, tt.who, shown.Channel, shown.TS, "commitment_close", fakeslack.PickOption(tt.value)))
		b.responseSaying(in.ResponseURL, "only commitments from sessions you logged")
	}
	// Forged ticks in a form: each one's own form for Sam, with ids it
	// never offered. Each is passed over (a tick the submitter may not
	// close, whether forged or no longer closable since the form
	// opened): the session is logged, the commitment left open.
	for _, tt := range []struct {
		who string
		ids []string
	}{{mia, sharedIDs}, {leo, sharedIDs}, {vera, privIDs}} {
		viewID, _ := b.openModalAs(tt.who, sam+" 1:1")
		v := values([]string{rep}, "one_on_one", now, "20", "")
		v["commitments"] = map[string]any{"commitments": fakeslack.TextValue("")}
		forged := map[string]map[string]any{"kept:" + rep: {"kept": fakeslack.CheckboxesValue(tt.ids...)}}
		if ack := b.submitAs(tt.who, viewID, v, fakeslack.Forged(forged)); len(ack.Payload) != 0 {
			t.Errorf("%s's forged tick of %v was acked %s, want the form closed, the tick passed over", tt.who, tt.ids, ack.Payload)
		}
	}
	if rows := b.export(); len(rows) != 5 {
		t.Errorf("after forged submissions: %d rows, want 5 (three logged)", len(rows))
	}
	if _, view := b.openModalAs(mgr, sam+" 1:1"); len(keptOptions(view, rep)) != 4 {
		t.Fatalf("Max's open commitments after the forged closes: %v, want all four", keptOptions(view, rep))
	}

	// Vera's form offers the shared ones, never a word of the private
	// session's; she ticks the QBR deck kept.
	viewID, veraView := b.openModalAs(vera, sam+" 1:1")
	offered := keptOptions(veraView, rep)
	var qbr string
	for id, label := range offered {
		if strings.Contains(label, "Prep the QBR") {
			qbr = id
		}
	}
	if raw := mustJSON(veraView); len(offered) != 2 || qbr == "" || strings.Contains(raw, "Send the recap") || strings.Contains(raw, "Book a pricing") {
		t.Fatalf("Vera's form offers %v; want the two shared ones and nothing of the private session", offered)
	}
	// Each says whose it is; Max's own form says nothing of the kind.
	for _, label := range offered {
		if !strings.HasSuffix(label, " (Max's)") {
			t.Errorf("Vera's form offers %q, not saying it is Max's", label)
		}
	}
	for _, label := range keptOptions(maxView, rep) {
		if strings.Contains(label, "'s)") {
			t.Errorf("Max's form offers his own as %q", label)
		}
	}
	// With a forged tick of a private one beside it: the QBR deck
	// closes, the private one is passed over.
	v := values([]string{rep}, "one_on_one", now, "20", "")
	v["commitments"] = map[string]any{"commitments": fakeslack.TextValue("")}
	forged := map[string]map[string]any{"kept:" + rep: {"kept": fakeslack.CheckboxesValue(qbr, privIDs[0])}}
	if ack := b.submitAs(vera, viewID, v, fakeslack.Forged(forged)); len(ack.Payload) != 0 {
		t.Fatalf("Vera's tick: ack = %s", ack.Payload)
	}
	if _, view := b.openModalAs(mgr, sam+" 1:1"); !slices.Contains(slices.Collect(maps.Keys(keptOptions(view, rep))), privIDs[0]) {
		t.Errorf("Max's form after Vera's tick: %v, want the private one %s still open", keptOptions(view, rep), privIDs[0])
	}

	// Her history lists the other with its menu; Not kept, then Undo.
	hist := b.historyAs(vera, sam)
	notKept := closeOption(hist.Blocks, "Call the CFO", "Not kept")
	if notKept == "" || closeOption(hist.Blocks, "Prep the QBR", "Kept") != "" || closeOption(hist.Blocks, "Send the recap", "Kept") != "" {
		t.Fatalf("Vera's history: want a menu beside the CFO call alone:\n%s", blocksText(hist.Blocks))
	}
	in := b.must(b.fake.ClickResponseButton(ctx, vera, hist.URL, "commitment_close", fakeslack.PickOption(notKept)))
	r := b.response(in.ResponseURL)
	if text := blocksText(r.Blocks); !r.ReplaceOriginal || !strings.Contains(text, "Marked *not kept*: Call the CFO") || closeOption(r.Blocks, "Call the CFO", "Kept") != "" {
		t.Fatalf("after Vera's Not kept: replace %v:\n%s", r.ReplaceOriginal, text)
	}
	undo := b.must(b.fake.ClickResponseButton(ctx, vera, in.ResponseURL, "commitment_reopen"))
	if text := blocksText(b.response(undo.ResponseURL).Blocks); !strings.Contains(text, "Reopened: Call the CFO") {
		t.Fatalf("after Vera's Undo:\n%s", text)
	}

	// Max sees the QBR deck closed, and closes the CFO call himself.
	maxHist = b.historyAs(mgr, sam)
	if closeOption(maxHist.Blocks, "Prep the QBR", "Kept") != "" {
		t.Errorf("Max's history still lists the commitment Vera ticked:\n%s", blocksText(maxHist.Blocks))
	}
	kept := closeOption(maxHist.Blocks, "Call the CFO", "Kept")
	in = b.must(b.fake.ClickResponseButton(ctx, mgr, maxHist.URL, "commitment_close", fakeslack.PickOption(kept)))
	if text := blocksText(b.response(in.ResponseURL).Blocks); !strings.Contains(text, "Marked *kept*: Call the CFO") {
		t.Fatalf("Max's Kept after Vera's Undo:\n%s", text)
	}
	// Max's numbers: four made in his sessions, two kept.
	if got := b.managerMetric(mgr, now, "commitments_kept"); got != 0.5 {
		t.Errorf("Max's commitments_kept = %v, want 0.5", got)
	}
}

// A leader's part of /coach history @rep is for a rep below them in the
// current roster (README, "Using it"), all of it: Sam moved under Mia,
// and Mia under Leo, while Max, who logged a shared session with Sam,
// stays under Vera. Vera's history of Sam has no section by managers
// below her, and no open commitments from shared sessions below her
// either, nor does her form for Sam offer them; Max's own still do.
func TestALeaderSeesNoSharedCommitmentsOfARepWhoLeftTheTree(t *testing.T) {
	t.Parallel()
	b, _ := leaderWorkspace(t, "Call the CFO")
	sam := "<@" + rep + "|sam>"
	csv := filepath.Join(t.TempDir(), "moved.csv")
	os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
		vera+",,Vera,leader,,,America/New_York\n"+mgr+",,Max,manager,"+vera+",,America/New_York\n"+mia+",,Mia,manager,"+leo+",,\n"+
		rep+",,Sam,rep,"+mia+",top,\n"+rep2+",,Ria,rep,"+mia+",,\n"+other+",,Olly,rep,,,\n"+leo+",,Leo,leader,,,America/New_York\n"), 0o600)
	if out, err := b.cli("roster", "import", csv); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	hist := b.historyAs(vera, sam)
	if text := blocksText(hist.Blocks); strings.Contains(text, "below you") || strings.Contains(text, "Call the CFO") ||
		closeOption(hist.Blocks, "Call the CFO", "Kept") != "" {
		t.Errorf("Vera's history of Sam, no longer below her, shows the leader's part:\n%s", text)
	}
	if _, view := b.openModalAs(vera, sam+" 1:1"); len(keptOptions(view, rep)) != 0 {
		t.Errorf("Vera's form for Sam offers %v, want nothing", keptOptions(view, rep))
	}
	if maxHist := b.historyAs(mgr, sam); closeOption(maxHist.Blocks, "Call the CFO", "Kept") == "" {
		t.Errorf("Max's history lost his own commitment:\n%s", blocksText(maxHist.Blocks))
	}
}
