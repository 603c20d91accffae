package outbox_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// A digest message Slack refused for good is logged with the advice that
// fits Slack's answer (chat.postMessage's documented errors), not always
// "invite the bot": a mistyped channel id, an archived channel or a
// workspace setting is not mended by an /invite.
func TestADigestFailureIsLoggedWithAdviceForSlacksAnswer(t *testing.T) {
	for _, tt := range []struct {
		code      string
		want      []string
		wantNever string
	}{
		{"not_in_channel", []string{"/invite @Coachlog"}, "check the id"},
		{"channel_not_found", []string{"check the id", "private channel the bot is not in", "/invite @Coachlog"}, ""},
		{"is_archived", []string{"unarchive it, or set another channel"}, "/invite"},
		{"restricted_action", []string{"workspace admin"}, "/invite"},
		{"restricted_action_read_only_channel", []string{"workspace admin"}, "/invite"},
		{"ekm_access_denied", []string{"workspace admin"}, "/invite"},
		{"msg_too_long", []string{"a bug in Coachlog", "report it"}, "/invite"},
		{"team_access_not_granted", []string{"Slack answered team_access_not_granted"}, "/invite"},
	} {
		t.Run(tt.code, func(t *testing.T) {
			var logs bytes.Buffer
			clk := &clock{t: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)}
			st, err := sqlite.Open(context.Background(), migratedDB(t), sqlite.Options{Now: clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			s := &sender{script: []error{&outbox.Error{Class: outbox.Permanent, Method: "chat.postMessage", Err: errors.New(tt.code)}}}
			w := outbox.NewWorker(st, s, outbox.Options{Now: clk.Now, Pacer: outbox.NewPacer(outbox.Limits{}, clk.Now),
				Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			enqueue(t, st, coaching.Message{Kind: coaching.MsgDigest, Op: coaching.OpPost, Key: "digest:2026-W48", To: "C0LEADS"})
			drainFor(t, w, clk, 5*time.Second)
			line := logs.String()
			if !strings.Contains(line, "failed for good") || !strings.Contains(line, "coachlog digest --week 2026-W48") {
				t.Fatalf("no failure logged with how to send the week again:\n%s", line)
			}
			for _, want := range tt.want {
				if !strings.Contains(line, want) {
					t.Errorf("the failure does not say %q:\n%s", want, line)
				}
			}
			if tt.wantNever != "" && strings.Contains(line, tt.wantNever) {
				t.Errorf("the failure says %q, which does not fit %s:\n%s", tt.wantNever, tt.code, line)
			}
		})
	}
}

func TestSlackCode(t *testing.T) {
	for _, tt := range []struct{ reason, want string }{
		{"chat.postMessage: channel_not_found", "channel_not_found"},
		{"files.completeUploadExternal: is_archived", "is_archived"},
		{"the message to reply to was never posted (failed)", ""},
		{"render digest: unexpected end of JSON input", ""},
		{"", ""},
	} {
		if got := outbox.SlackCode(tt.reason); got != tt.want {
			t.Errorf("SlackCode(%q) = %q, want %q", tt.reason, got, tt.want)
		}
	}
}
