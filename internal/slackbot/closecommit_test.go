package slackbot

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"

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

// Each open commitment the viewer may close gets its own menu, its
// options saying which commitment and how: their own, and, for a leader,
// those from shared sessions below them, which they close as their
// manager does; and a list cut at ten says how many more there are.
func TestOpenCommitmentsHaveACloseMenu(t *testing.T) {
	day := coaching.Date{Year: 2026, Month: 11, Day: 20}
	own := []coaching.Commitment{{ID: 3, RepID: "USAM", Text: "send <the> recap", CreatedOn: day}, {ID: 4, RepID: "USAM", Text: "book a role-play", CreatedOn: day}}
	below := []coaching.Commitment{{ID: 9, RepID: "USAM", ManagerID: "UMIA", Text: "call Acme", CreatedOn: day}}
	blocks := openCommitmentBlocks(coaching.OpenList{Own: own, More: 2, Below: below}, "", "", maxMessageBlocks)
	raw, _ := json.Marshal(blocks)
	checkResponse(t, message{Blocks: blocks})
	want := []string{"oc3 commitment_close Kept=kept:3:USAM", "oc3 commitment_close Not kept=not_kept:3:USAM",
		"oc4 commitment_close Kept=kept:4:USAM", "oc4 commitment_close Not kept=not_kept:4:USAM",
		"oc9 commitment_close Kept=kept:9:USAM", "oc9 commitment_close Not kept=not_kept:9:USAM"}
	if got := closeMenus(blocks); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("menus:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range []string{"send <the> recap", "…and 2 more", "call Acme", "from shared sessions below you", "their manager can too"} {
		if !strings.Contains(string(raw), s) && !strings.Contains(blocksText(blocks), s) {
			t.Errorf("the list lacks %q:\n%s", s, raw)
		}
	}
	if strings.Contains(blocksText(blocks), "their manager closes them") {
		t.Errorf("the list still calls the ones below read only:\n%s", raw)
	}
}

// A rep's open commitments past the ten listed, years of them left open,
// are counted as the App Home counts them: 1,200, not 1200.
func TestOpenCommitmentsPastTheListGroupThousands(t *testing.T) {
	day := coaching.Date{Year: 2026, Month: 11, Day: 20}
	var own []coaching.Commitment
	for i := range coaching.MaxOpenCommitments {
		own = append(own, coaching.Commitment{ID: int64(i + 1), RepID: "USAM", Text: "send the recap", CreatedOn: day})
	}
	for _, tt := range []struct {
		more int
		want string
	}{{3, "…and 3 more, listed here"}, {1200, "…and 1,200 more, listed here"}} {
		blocks := openCommitmentBlocks(coaching.OpenList{Own: own, More: tt.more}, "", "", maxMessageBlocks)
		checkResponse(t, message{Blocks: blocks})
		if text := blocksText(blocks); !strings.Contains(text, tt.want) {
			t.Errorf("%d more: the list lacks %q:\n%s", tt.more, tt.want, text)
		}
	}
}

// The commitments below a leader take the room left in the message: as
// many as fit, then how many more, never past room.
func TestOpenCommitmentsBelowKeepToTheirRoom(t *testing.T) {
	day := coaching.Date{Year: 2026, Month: 11, Day: 20}
	var below []coaching.Commitment
	for i := range coaching.MaxOpenCommitments {
		below = append(below, coaching.Commitment{ID: int64(20 + i), RepID: "USAM", ManagerID: "UMIA", Text: "call Acme", CreatedOn: day})
	}
	own := []coaching.Commitment{{ID: 3, RepID: "USAM", Text: "send the recap", CreatedOn: day}}
	for _, tt := range []struct {
		room, menus int
		more        string
	}{
		{50, 11, ""},
		{13, 11, ""},                // notice 0, own head and line 2, below head and ten 11
		{12, 9, "…and 2 more from"}, // one fewer for the count, and one more left out
		{5, 2, "…and 9 more from"},
		{3, 1, ""}, // no room for one below and the count: own only
	} {
		blocks := openCommitmentBlocks(coaching.OpenList{Own: own, Below: below}, "", "", tt.room)
		if len(blocks) > tt.room {
			t.Errorf("room %d: %d blocks", tt.room, len(blocks))
		}
		if got := len(closeMenus(blocks)) / 2; got != tt.menus {
			t.Errorf("room %d: %d commitments with a menu, want %d", tt.room, got, tt.menus)
		}
		if text := blocksText(blocks); tt.more != "" && !strings.Contains(text, tt.more) || tt.more == "" && strings.Contains(text, "more from") {
			t.Errorf("room %d: want %q said:\n%s", tt.room, tt.more, text)
		}
	}
}

// closeMenus lists the close menus' options in blocks: block id, action
// id, option text = value.
func closeMenus(blocks []slack.Block) []string {
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
	return menus
}
