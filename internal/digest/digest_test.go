package digest_test

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/metrics"

	"github.com/coachlog/coachlog/internal/digest"
	"github.com/coachlog/coachlog/internal/digest/digesttest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from what was built (rerun with -update and review the diff):\n%s", path, got)
	}
}

func TestSmallOrgText(t *testing.T) {
	d := digest.Build(digesttest.SmallOrg(), digesttest.Week, digest.Options{})
	golden(t, "small.txt", []byte(d.Text()))
}

// The chart draws every manager of a small organisation, busiest first,
// and of a large one the 8 busiest and the 8 quietest, with a gap saying
// how many are between; the tiers are the organisation's shares.
func TestChartData(t *testing.T) {
	small := digest.ChartData(digesttest.SmallOrg(), digesttest.Week)
	var got []string
	for _, b := range small.Sessions {
		got = append(got, fmt.Sprintf("%s %.0f", b.Label, b.Value))
	}
	// 8 weeks: Max 8 weekly 1:1s and 2 more in W47; Priya 2 a week;
	// Nina 1 a week and 2 more; Owen 3 a week for 4 weeks; Quinn 1.
	want := []string{"Max Brandt 10", "Priya Shah 16", "Owen Hughes 12", "Nina Petrova 10", "Quinn Adams 1"}
	slices.SortStableFunc(want, func(a, b string) int { return cmp.Compare(lastNum(b), lastNum(a)) })
	if !slices.Equal(got, want) || small.Gap != 0 {
		t.Errorf("small org bars = %v (gap %d), want %v", got, small.Gap, want)
	}
	if len(small.Tiers) != 3 || small.Tiers[0].Label != "top" || !small.Tiers[0].HasMin {
		t.Errorf("tiers = %+v", small.Tiers)
	}
	large := digest.ChartData(digesttest.LargeOrg(40, 4), digesttest.Week)
	if len(large.Sessions) != 16 || large.Gap != 8 || large.GapLabel != "… 24 managers between" {
		t.Errorf("large org: %d bars, gap %d %q; want 16, 8 and 24 between", len(large.Sessions), large.Gap, large.GapLabel)
	}
	for i := 1; i < len(large.Sessions); i++ {
		if large.Sessions[i].Value > large.Sessions[i-1].Value {
			t.Errorf("bars not busiest first: %v", large.Sessions)
		}
	}
}

func lastNum(s string) int {
	n, _ := strconv.Atoi(s[strings.LastIndex(s, " ")+1:])
	return n
}

// The headline goes first, the chart right after it (the first reply in
// its thread), then the leaders' replies.
func TestPostsOrder(t *testing.T) {
	d := digest.Build(digesttest.LargeOrg(200, 4), digesttest.Week, digest.Options{})
	d.Chart = &digest.Chart{Name: "c.png", PNG: []byte("png")}
	posts, err := d.Posts()
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != len(d.Messages)+1 || len(d.Messages) < 5 {
		t.Fatalf("%d posts for %d messages", len(posts), len(d.Messages))
	}
	for i, p := range posts {
		want := coaching.MsgDigest
		if i == 1 {
			want = coaching.MsgDigestChart
		}
		if p.Kind != want {
			t.Errorf("post %d is a %s, want %s", i, p.Kind, want)
		}
	}
	var c digest.Chart
	if err := json.Unmarshal(posts[1].Payload, &c); err != nil || string(c.PNG) != "png" {
		t.Errorf("chart payload: %v %+v", err, c)
	}
}

// No rep is named anywhere in the digest, however large: reps' names and
// what anyone wrote belong to their manager.
func TestNoRepNamed(t *testing.T) {
	for name, r := range map[string]*metrics.Report{"small": digesttest.SmallOrg(), "large": digesttest.LargeOrg(100, 4)} {
		d := digest.Build(r, digesttest.Week, digest.Options{})
		raw, _ := json.Marshal(d.Messages)
		for _, s := range []string{d.Text(), string(raw)} {
			if strings.Contains(s, "Rep ") {
				i := strings.Index(s, "Rep ")
				t.Errorf("%s: a rep is named: …%s…", name, s[max(i-80, 0):min(i+80, len(s))])
			}
		}
	}
}

// A leader over the whole organisation with no manager of their own would
// only repeat the headline: left out, unless they have a narrative.
func TestTopLeaderRepeatingTheHeadlineIsLeftOut(t *testing.T) {
	r := digesttest.SmallOrg()
	var ms []metrics.Figures
	for _, m := range r.Managers {
		switch m.ID {
		case "UQUINN":
			continue // the one manager outside Vera's tree
		case "UMAX", "UPRIYA":
			m.LeaderID = "UDAN"
		}
		ms = append(ms, m)
	}
	r.Managers = ms
	vera := "Vera Lopez\n=========="
	if text := digest.Build(r, digesttest.Week, digest.Options{}).Text(); strings.Contains(text, vera) || !strings.Contains(text, "Dan Okafor\n==") {
		t.Errorf("Vera's tree is the whole organisation, yet has a section (or Dan has none):\n%s", text)
	}
	with := digest.Build(r, digesttest.Week, digest.Options{Narratives: map[string]string{"UVERA": "A steady week."}}).Text()
	if !strings.Contains(with, vera) || !strings.Contains(with, "A steady week.") {
		t.Errorf("Vera's narrative is lost:\n%s", with)
	}
}

// Leaders whose reporting lines form a cycle (which a roster refuses, but
// histories mixed across imports could hold) still get their replies.
func TestLeadersInACycleAreNotLost(t *testing.T) {
	r := digesttest.SmallOrg()
	for i := range r.Leaders {
		if r.Leaders[i].ID == "UVERA" {
			r.Leaders[i].LeaderID = "UDAN" // Dan is below Vera, and now Vera below Dan
		}
	}
	text := digest.Build(r, digesttest.Week, digest.Options{}).Text()
	for _, name := range []string{"Vera Lopez\n==", "Dan Okafor\n==", "Max Brandt ·", "Nina Petrova ·", "Owen Hughes ·", "Priya Shah ·"} {
		if strings.Count(text, name) != 1 {
			t.Errorf("%q appears %d times, want once:\n%s", name, strings.Count(text, name), text)
		}
	}
}

// A leader who also has a team counts it in their own tree (README,
// Leaders' figures): their manager line is in their own section, not
// among the managers outside any leader's tree.
func TestALeadersOwnTeamIsInTheirSection(t *testing.T) {
	r := digesttest.SmallOrg()
	var dan metrics.Figures
	for _, l := range r.Leaders {
		if l.ID == "UDAN" {
			dan = l
		}
	}
	// As metrics gives it: the nearest leader above Dan, not Dan.
	own := r.Managers[0]
	own.ID, own.Name, own.Leader, own.LeaderID = dan.ID, dan.Name, false, dan.LeaderID
	r.Managers = append(r.Managers, own)
	text := digest.Build(r, digesttest.Week, digest.Options{}).Text()
	section, outside := strings.Index(text, "Dan Okafor\n=="), strings.Index(text, "Managers outside any leader's tree")
	line := strings.Index(text, "Dan Okafor ·")
	if section < 0 || line < section || (outside >= 0 && line > outside) {
		t.Errorf("Dan's own team (line at %d) is not in his section (at %d, the outside section at %d):\n%s", line, section, outside, text)
	}
}

// A week read on its Wednesday (a digest scheduled for midweek, a dry run)
// compares its counts with three sevenths of a week before, not a whole
// one: 3 sessions by Wednesday against 5 a week is up, not down.
func TestAWeekSoFarIsComparedWithThePartOfAWeekBefore(t *testing.T) {
	r := digesttest.SmallOrg()
	r.Period.To = r.Period.From.AddDays(2)
	before := *r.Org.Before
	before.Sessions = 20 // 5 a week
	r.Org.Before = &before
	r.Org.Metrics.Sessions = 3
	text := digest.Build(r, digesttest.Week, digest.Options{}).Text()
	if !strings.Contains(text, "3 sessions and 390 minutes of coaching ↑") {
		t.Errorf("3 sessions by Wednesday against 5 a week should read as up:\n%s", text)
	}
}

// The narrative's caption promises what its check does (llm's
// checkNarrative): it drops a sentence naming anyone Coachlog knows, not
// only a rep, or giving a link, and one quoting a note.
func TestNarrativeCaptionSaysWhatItsCheckKeepsOut(t *testing.T) {
	d := digest.Build(digesttest.SmallOrg(), digesttest.Week, digest.Options{Narratives: map[string]string{"UDAN": "A steady week."}})
	text := d.Text()
	if !strings.Contains(text, "no note quoted, no one Coachlog knows named, no link") || strings.Contains(text, "no rep named") {
		t.Errorf("the narrative's caption does not say what is kept out of it:\n%s", text)
	}
}
