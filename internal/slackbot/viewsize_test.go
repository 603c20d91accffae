package slackbot

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
)

// fullForm is a log form at the scale limits: 50 reps with long names,
// each with ten open commitments of 300 characters of text (a leader's,
// each with another manager's long name, when leader), every one ticked
// when ticked, and 3,000 characters of notes of the same text.
func fullForm(text string, leader, ticked bool) logModal {
	day := coaching.Date{Year: 2026, Month: 11, Day: 20}
	m := logModal{Today: day, Skills: coaching.DefaultSkills(), Open: map[string][]coaching.Commitment{}, Names: map[string]string{}}
	m.Draft.Notes = strings.Repeat(text, 3000)[:len(text)*3000/len([]rune(text))]
	id := int64(1_000_000_000_000)
	for r := range coaching.MaxReps {
		rep := fmt.Sprintf("U%010d", r)
		m.Draft.RepIDs = append(m.Draft.RepIDs, rep)
		m.Names[rep] = strings.Repeat(text, 150)
		for range 10 {
			id++
			c := coaching.Commitment{ID: id, RepID: rep, Text: strings.Repeat(text, 300), CreatedOn: day.AddDays(-300), FollowUpOn: day.AddDays(-200)}
			if leader {
				c.ManagerName = strings.Repeat(text, 80)
			}
			m.Open[rep] = append(m.Open[rep], c)
			if ticked {
				m.Kept = append(m.Kept, id)
			}
		}
	}
	return m
}

// Fifty reps with ten long open commitments each made a log form past
// Slack's 250kb: with text of emoji, or of `&`, `<` and `>` (6 bytes
// each in Go's JSON), views.open refused it with view_too_large, and the
// manager never got a form however often they typed /coach. The form now
// shortens the commitments' labels, then shows fewer of them with a hint
// saying how many more there are, and always opens; an ordinary one is
// shown as fully as before.
func TestALogFormAtTheScaleLimitsFitsSlacksSizeLimit(t *testing.T) {
	for _, text := range []string{"a", "日", "🎯", "&<>"} {
		for _, leader := range []bool{false, true} {
			for _, ticked := range []bool{false, true} {
				name := fmt.Sprintf("%q leader=%v ticked=%v", text, leader, ticked)
				m := fullForm(text, leader, ticked)
				raw, err := json.Marshal(m.view())
				if err != nil {
					t.Fatal(err)
				}
				if err := fakeslack.CheckView(raw); err != nil {
					t.Errorf("%s: Slack would refuse the form of %d bytes: %.200v", name, len(raw), err)
					continue
				}
				var v struct {
					Blocks []struct {
						BlockID string `json:"block_id"`
						Hint    *struct {
							Text string `json:"text"`
						} `json:"hint"`
						Element struct {
							Options        []json.RawMessage `json:"options"`
							InitialOptions []json.RawMessage `json:"initial_options"`
						} `json:"element"`
					} `json:"blocks"`
				}
				if err := json.Unmarshal(raw, &v); err != nil {
					t.Fatal(err)
				}
				reps, inputs := 0, 0
				more := regexp.MustCompile(`(\d+) more open, not shown for lack of room: see /coach history @rep`)
				for _, b := range v.Blocks {
					if !strings.HasPrefix(b.BlockID, keptPrefix) {
						inputs++
						continue
					}
					reps++
					shown := len(b.Element.Options)
					if ticked && len(b.Element.InitialOptions) != shown {
						t.Errorf("%s: %s shows %d, %d of them ticked; want every one shown ticked", name, b.BlockID, shown, len(b.Element.InitialOptions))
					}
					hidden := 0
					if g := more.FindStringSubmatch(b.Hint.Text); g != nil {
						fmt.Sscan(g[1], &hidden)
					}
					if shown < 1 || shown+hidden != 10 {
						t.Errorf("%s: %s shows %d and its hint %q; want the ten accounted for", name, b.BlockID, shown, b.Hint.Text)
					}
					if text == "a" && !leader && !ticked && (hidden > 0 || !strings.Contains(string(b.Element.Options[0]), strings.Repeat("a", 69)+"…")) {
						t.Errorf("%s: an ASCII form, within the limit as it was, was cut: %s", name, b.Element.Options[0])
					}
				}
				if reps != coaching.MaxReps || inputs != len(inputFields) {
					t.Errorf("%s: %d commitment blocks and %d others, want %d and %d", name, reps, inputs, coaching.MaxReps, len(inputFields))
				}
			}
		}
	}
	_ = slack.VTModal
}
