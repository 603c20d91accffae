package slackbot

import (
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// A capture the database refuses is answered in its ack with what was
// typed, to send again. A long line gave an ack past Slack's 4,000
// characters of text (msg_too_long) or, escaped and encoded, past the
// 20 KB from which Socket Mode drops an ack: the manager saw Slack's error
// and lost the line with the answer. The ack gives back as much of the
// line as fits and says how much did not; a line that fits comes back
// whole.
func TestACaptureRefusedWithALongLineIsStillAnswered(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := New(Config{AppToken: "xapp-x", BotToken: "xoxb-x", APIURL: "http://127.0.0.1:1/",
		Service: coaching.NewService(coaching.Config{Store: st}), Outbox: nopNotifier{}})
	st.Close() // every write fails from here
	for _, tt := range []struct {
		name, notes string
		whole       bool
	}{
		{"a short line", "rushed the pricing & next steps", true},
		{"5,000 plain characters", strings.Repeat("rushed the pricing part ", 210), false},
		{"markup, escaped three times longer", strings.Repeat("<b> & </b> ", 460), false},
		{"emoji, four bytes each", strings.Repeat("🚀 great call ", 400), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got any
			b.ackFn = func(_ string, payload any) error { got = payload; return nil }
			a := &acker{bot: b, id: "E1", typ: "slash_commands", received: time.Now()}
			// The text as Slack sends it, escaped.
			b.acceptCapture(ctx, a, slashCommand{Command: "/coach", Text: "<@U0SAM|sam> 1:1 30m " + esc(tt.notes), UserID: "U0MAX", TriggerID: "T1"})
			r, ok := got.(commandReply)
			if !ok || !strings.HasPrefix(r.Text, ":warning: Not logged.") {
				t.Fatalf("answered %#v, want Not logged", got)
			}
			raw, _ := json.Marshal(r)
			if n := utf8.RuneCountInString(r.Text); n > 4000 || len(raw) >= 16<<10 {
				t.Errorf("ack of %d characters, %d bytes encoded: Slack refuses past 4,000 and drops 20 KB", n, len(raw))
			}
			if !strings.Contains(r.Text, "> @sam 1:1 30m "+esc(tt.notes[:10])) {
				t.Errorf("the line's start is not given back: %.300q", r.Text)
			}
			if cut := strings.Contains(r.Text, "more characters did not fit in one Slack message"); cut == tt.whole {
				t.Errorf("said cut %v, want %v: %.300q", cut, !tt.whole, r.Text[max(0, len(r.Text)-300):])
			}
			if tt.whole && !strings.Contains(r.Text, esc(tt.notes)) {
				t.Errorf("a line that fits was not given back whole: %q", r.Text)
			}
		})
	}
}

// What did not fit of a long line is counted as the form counts its
// 3,000 characters: 2,123, not 2123.
func TestARefusedAckCountsWhatDidNotFitInThousands(t *testing.T) {
	r := refusedAck(":warning: Not logged.", strings.Repeat("rushed the pricing part ", 250)) // 6,000 characters
	if !regexp.MustCompile(`_\(\d{1,3}(,\d{3})+ more characters did not fit in one Slack message\.\)_$`).MatchString(r.Text) {
		t.Errorf("the ack ends %q, want a count of the characters left out in thousands", r.Text[max(0, len(r.Text)-100):])
	}
}
