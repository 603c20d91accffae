package slackbot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/digest"
	"github.com/coachlog/coachlog/internal/digest/digesttest"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/metrics"
	"github.com/coachlog/coachlog/internal/outbox"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// digestJSON renders each message of d as the Block Kit JSON posted.
func digestJSON(t *testing.T, d *digest.Digest) [][]byte {
	t.Helper()
	var out [][]byte
	for _, m := range d.Messages {
		raw, err := json.Marshal(digestMessage(m).Blocks)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, raw)
	}
	return out
}

// The digest of a small organisation, as Block Kit: reviewed once, then
// held still (rerun with -update after an intended change and read the
// diff).
func TestDigestBlockKitGolden(t *testing.T) {
	d := digest.Build(digesttest.SmallOrg(), digesttest.Week, digest.Options{Narratives: map[string]string{"UDAN": "Discovery came up in most sessions."}})
	var got bytes.Buffer
	for i, raw := range digestJSON(t, d) {
		if err := fakeslack.CheckMessage(raw); err != nil {
			t.Errorf("message %d: Slack would refuse it: %v", i, err)
		}
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, raw, "", "  "); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&got, "// message %d: %s\n%s\n", i, d.Messages[i].Text, pretty.Bytes())
	}
	path := filepath.Join("testdata", "digest_small.json")
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("the small organisation's digest differs from %s (rerun with -update and review the diff):\n%s", path, got.Bytes())
	}
	if s := got.String(); !strings.Contains(s, "Discovery came up in most sessions.") {
		t.Error("the leader's narrative is not shown")
	}
}

// At 2,000 managers under 20 leaders, each manager at the worst for size,
// the digest is a headline and threaded replies, every one of which Slack
// takes, and every manager appears exactly once.
func TestDigestOfTwoThousandManagersFitsBlockKit(t *testing.T) {
	r := digesttest.LargeOrg(2000, 20)
	d := digest.Build(r, digesttest.Week, digest.Options{})
	msgs := digestJSON(t, d)
	if len(msgs) < 21 {
		t.Fatalf("%d messages, want a headline and at least one reply per leader", len(msgs))
	}
	seen := map[string]int{}
	for i, raw := range msgs {
		if err := fakeslack.CheckMessage(raw); err != nil {
			t.Fatalf("message %d of %d: Slack would refuse it: %v", i, len(msgs), err)
		}
		for _, m := range r.Managers {
			if n := strings.Count(string(raw), managerLine(m.Name)); n > 0 {
				seen[m.ID] += n
			}
		}
	}
	for _, m := range r.Managers {
		if seen[m.ID] != 1 {
			t.Fatalf("manager %s appears %d times in the digest, want once", m.ID, seen[m.ID])
		}
	}
	for _, l := range r.Leaders {
		if !strings.Contains(string(bytes.Join(msgs, nil)), `"type":"header","text":{"type":"plain_text","text":`+quote(digestName(l.Name))) {
			t.Fatalf("no reply for leader %s", l.ID)
		}
	}
	if head := string(msgs[0]); !strings.Contains(head, "2,000 managers") || !strings.Contains(head, "more leader") && !strings.Contains(head, "Leaders") {
		t.Errorf("the headline lacks the organisation's size or its leaders:\n%.2000s", head)
	}
}

// Under one leader, whose tree is the whole organisation, 2,000 managers
// at the worst for size still make messages Slack takes, each manager
// once, and the organisation's figures are shown once, in the headline.
func TestDigestOfTwoThousandManagersUnderOneLeaderFitsBlockKit(t *testing.T) {
	r := digesttest.LargeOrg(2000, 1)
	d := digest.Build(r, digesttest.Week, digest.Options{Narratives: map[string]string{r.Leaders[0].ID: strings.Repeat("A steady week & more. ", 200)}})
	msgs := digestJSON(t, d)
	seen := map[string]int{}
	fields := 0
	for i, raw := range msgs {
		if err := fakeslack.CheckMessage(raw); err != nil {
			t.Fatalf("message %d of %d: Slack would refuse it: %v", i, len(msgs), err)
		}
		fields += strings.Count(string(raw), `"fields":`)
		for _, m := range r.Managers {
			seen[m.ID] += strings.Count(string(raw), managerLine(m.Name))
		}
	}
	for _, m := range r.Managers {
		if seen[m.ID] != 1 {
			t.Fatalf("manager %s appears %d times in the digest, want once", m.ID, seen[m.ID])
		}
	}
	if fields != 1 {
		t.Errorf("the figures' fields are in %d blocks, want 1 (the headline's)", fields)
	}
}

// emptyDigest is the digest of an organisation with nobody in it.
func emptyDigest() *digest.Digest {
	r := metrics.Compute(&metrics.Data{}, metrics.WeekPeriod(digesttest.Week), metrics.Settings{Now: digesttest.Now, Options: metrics.DigestOptions()})
	return digest.Build(r, digesttest.Week, digest.Options{})
}

// managerLine is how an entry starts: the manager's name in bold, as
// escaped and cut in the digest.
func managerLine(name string) string {
	s, _ := json.Marshal("*" + esc(digestName(name)) + "* · ")
	return strings.Trim(string(s), `"`)
}

func digestName(s string) string {
	r := []rune(s)
	if len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// With more leaders than the headline can list, it lists those that fit
// and says how many more are in the thread; every message still fits.
func TestDigestWithManyLeadersFitsBlockKit(t *testing.T) {
	r := digesttest.LargeOrg(600, 300)
	d := digest.Build(r, digesttest.Week, digest.Options{})
	msgs := digestJSON(t, d)
	for i, raw := range msgs {
		if err := fakeslack.CheckMessage(raw); err != nil {
			t.Fatalf("message %d of %d: Slack would refuse it: %v", i, len(msgs), err)
		}
	}
	head := blocksTextOf(msgs[0])
	if !strings.Contains(head, "more leaders in the thread") {
		t.Errorf("the headline does not say how many leaders it left to the thread:\n%.3000s", head)
	}
	if n := strings.Count(string(bytes.Join(msgs[1:], nil)), `"type":"header"`); n < 300 {
		t.Errorf("%d leader replies in the thread, want at least 300", n)
	}
}

// Managers whose ratings are low are each a finding naming them, in the
// headline's and their leader's "What stands out": with nine of them,
// under names as long as a roster allows and full of characters mrkdwn
// escapes, every message is still one Slack takes, the names in the
// findings are cut as the digest cuts every name, no cut splits an escape,
// and a narrative full of escapes still fits its section.
func TestDigestWithLongNamesInFindingsFitsBlockKit(t *testing.T) {
	long := func(pattern string) func(i int) string {
		return func(i int) string {
			s := fmt.Sprintf("Manager %02d ", i) + strings.Repeat(pattern, 250)
			return string([]rune(s)[:250])
		}
	}
	halfEscape := regexp.MustCompile(`&[a-z]{0,3}…`)
	for _, tc := range []struct {
		name      string
		names     func(i int) string
		leader    bool
		narrative string
	}{
		{"outside any leader's tree, names of & and <", long("&<"), false, ""},
		{"under a director, names with a few & and <", long("of Smith & Sons <Sales> "), true, ""},
		{"under a director, names all &, a narrative of escapes", long("&"), true, strings.Repeat("R&D <up> ", 400)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := digesttest.LowRated(9, tc.names, tc.leader)
			d := digest.Build(r, digesttest.Week, digest.Options{Narratives: map[string]string{"UDIR": tc.narrative}})
			for i, raw := range digestJSON(t, d) {
				if err := fakeslack.CheckMessage(raw); err != nil {
					t.Errorf("message %d of %d: Slack would refuse it: %v", i, len(d.Messages), err)
				}
			}
			themes := false
			for _, m := range d.Messages {
				for _, b := range m.Blocks {
					if halfEscape.MatchString(b.Text) {
						t.Errorf("a cut splits an escape: …%s", b.Text[max(len(b.Text)-80, 0):])
					}
					if strings.HasPrefix(b.Text, "*Themes*") {
						themes = strings.HasSuffix(b.Text, "…_") && strings.Contains(b.Text, "R&amp;D &lt;up&gt;")
					}
				}
			}
			if tc.narrative != "" && !themes {
				t.Error("the narrative is not shown escaped, cut and in italics")
			}
			text := d.Text()
			if want := digestName(tc.names(0)) + "'s sessions are rated"; !strings.Contains(text, want) {
				t.Errorf("no finding names %q as the digest names managers:\n%.3000s", want, text)
			}
		})
	}
}

// blocksTextOf is every text of a message's blocks, one a line.
func blocksTextOf(raw []byte) string {
	var blocks []map[string]any
	_ = json.Unmarshal(raw, &blocks)
	var sb strings.Builder
	for _, b := range blocks {
		if t, ok := b["text"].(map[string]any); ok {
			sb.WriteString(fmt.Sprint(t["text"]) + "\n")
		}
	}
	return sb.String()
}

// A digest message without blocks (one an older Coachlog queued, whose
// payload was the figures) fails for good, saying why, and posts nothing.
func TestDigestMessageWithoutBlocksFails(t *testing.T) {
	b := &Bot{}
	old := coaching.Message{Kind: coaching.MsgDigest, Op: coaching.OpPost, To: "C0LEADS",
		Payload: []byte(`{"Week":{"Year":2026,"Week":47},"Managers":[{"ManagerID":"U1","Sessions":3}]}`)}
	_, err := b.Send(context.Background(), old, nil)
	var oe *outbox.Error
	if !errors.As(err, &oe) || oe.Class != outbox.Permanent || !strings.Contains(err.Error(), "no blocks") {
		t.Fatalf("send = %v, want a permanent failure saying the message has no blocks", err)
	}
}
