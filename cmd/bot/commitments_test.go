package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// More people of the test workspace: a second manager and a leader above
// both managers.
const (
	mia  = "U0MIA"
	vera = "U0VERA"
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

func TestCommitmentsAreSeenAndClosedOnlyByTheirManager(t *testing.T) {
	b := startBot(t)
	// Mia logs with the same dates as Max, so she shares his zone: with
	// Slack's default (Los Angeles) her "today" lags his for three hours
	// each night and the test fails then.
	for _, u := range []fakeslack.User{{ID: mia, Name: "mia", RealName: "Mia Manager", TZ: "America/New_York"}, {ID: vera, Name: "vera", RealName: "Vera Leader"}} {
		b.fake.AddUser(u)
	}
	csv := filepath.Join(t.TempDir(), "team.csv")
	os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\n"+
		vera+",,Vera,leader,,,\n"+mgr+",,Max,manager,"+vera+",,America/New_York\n"+mia+",,Mia,manager,"+vera+",,\n"+
		rep+",,Sam,rep,"+mgr+",top,\n"+rep2+",,Ria,rep,"+mia+",,\n"+other+",,Olly,rep,,,\n"), 0o600)
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
	v["commitments"] = map[string]any{"commitments": fakeslack.TextValue("Prep the QBR deck")}
	v["visibility"] = map[string]any{"visibility": fakeslack.RadioValue("shared")}
	if ack := b.submitAs(mgr, viewID, v); len(ack.Payload) != 0 {
		t.Fatalf("ack = %s", ack)
	}
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

	// Nobody but Max is offered them to tick off, the leader included.
	for _, who := range []string{mia, other, vera} {
		if _, view := b.openModalAs(who, "<@"+rep+"|sam> 1:1"); len(keptOptions(view, rep)) != 0 {
			t.Errorf("%s's form offers Max's commitments: %v", who, keptOptions(view, rep))
		}
	}

	// Mia logs her own session with Sam; her form then offers her
	// commitment only, and a forged tick of Max's is refused whole.
	viewID, _ = b.openModalAs(mia, "")
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
	ack := b.submitAs(mia, viewID, typed, fakeslack.Forged(forged))
	var resp struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(ack.Payload, &resp); err != nil || resp.Action != "errors" {
		t.Fatalf("a forged tick of Max's commitments was acked %s, want an inline error", ack.Payload)
	}
	if rows := b.export(); len(rows) != 3 {
		t.Errorf("the forged submission stored a session: %d rows, want 3", len(rows))
	}
	_, maxView = b.openModalAs(mgr, "<@"+rep+"|sam> 1:1")
	if got := keptOptions(maxView, rep); len(got) != 3 {
		t.Errorf("Max's open commitments after the forged tick: %v, want all three", got)
	}
}
