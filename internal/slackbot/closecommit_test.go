package slackbot

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
)

func TestParseCloseValue(t *testing.T) {
	for _, tt := range []struct {
		in     string
		status coaching.CommitmentStatus
		id     int64
		rep    string
		ok     bool
	}{
		{"kept:12:U0SAM", coaching.CommitmentKept, 12, "U0SAM", true},
		{"not_kept:7:W0ANA", coaching.CommitmentNotKept, 7, "W0ANA", true},
		{"open:7:U0SAM", "", 0, "", false},
		{"not_kept:0:U0SAM", "", 0, "", false},
		{"not_kept:x:U0SAM", "", 0, "", false},
		{"not_kept:7", "", 0, "", false},
		{"not_kept:7:<@U0SAM>", "", 0, "", false},
		{"not_kept:7:U0SAM:extra", "", 0, "", false},
		{"", "", 0, "", false},
	} {
		status, id, rep, ok := parseCloseValue(tt.in)
		if status != tt.status || id != tt.id || rep != tt.rep || ok != tt.ok {
			t.Errorf("parseCloseValue(%q) = %q, %d, %q, %v; want %q, %d, %q, %v", tt.in, status, id, rep, ok, tt.status, tt.id, tt.rep, tt.ok)
		}
	}
}

// Each of the viewer's own open commitments gets its own menu, its
// options saying which commitment and how; those below a leader, which
// only their manager closes, none; and a list cut at ten says how many
// more there are.
func TestOpenCommitmentsOfTheirOwnHaveACloseMenu(t *testing.T) {
	day := coaching.Date{Year: 2026, Month: 11, Day: 20}
	own := []coaching.Commitment{{ID: 3, RepID: "USAM", Text: "send <the> recap", CreatedOn: day}, {ID: 4, RepID: "USAM", Text: "book a role-play", CreatedOn: day}}
	below := []coaching.Commitment{{ID: 9, RepID: "USAM", ManagerID: "UMIA", Text: "call Acme", CreatedOn: day}}
	blocks := openCommitmentBlocks(coaching.OpenList{Own: own, More: 2, Below: below}, "", "")
	raw, _ := json.Marshal(blocks)
	checkResponse(t, message{Blocks: blocks})
	var menus []string
	for _, b := range blocks {
		m, _ := json.Marshal(b)
		var sec struct {
			BlockID   string `json:"block_id"`
			Accessory *struct {
				ActionID string `json:"action_id"`
				Options  []struct {
					Text  struct{ Text string } `json:"text"`
					Value string                `json:"value"`
				} `json:"options"`
			} `json:"accessory"`
		}
		_ = json.Unmarshal(m, &sec)
		if sec.Accessory == nil {
			continue
		}
		for _, o := range sec.Accessory.Options {
			menus = append(menus, sec.BlockID+" "+sec.Accessory.ActionID+" "+o.Text.Text+"="+o.Value)
		}
	}
	want := []string{"oc3 commitment_close Kept=kept:3:USAM", "oc3 commitment_close Not kept=not_kept:3:USAM",
		"oc4 commitment_close Kept=kept:4:USAM", "oc4 commitment_close Not kept=not_kept:4:USAM"}
	if strings.Join(menus, "\n") != strings.Join(want, "\n") {
		t.Errorf("menus:\n%s\nwant:\n%s", strings.Join(menus, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range []string{"send <the> recap", "…and 2 more", "call Acme", "their manager closes them"} {
		if !strings.Contains(string(raw), s) && !strings.Contains(blocksText(blocks), s) {
			t.Errorf("the list lacks %q:\n%s", s, raw)
		}
	}
}
