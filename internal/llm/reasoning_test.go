package llm

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeopenai"
)

// A reasoning model served without a reasoning parser (vLLM without
// --reasoning-parser, llama.cpp with --reasoning-format none) writes its
// reasoning into the content in a <think> block, before the answer. The
// block is taken off every answer (capture, prep, narrative) before any
// check; an answer that is all reasoning (the block never closed) is no
// answer, and one still holding the markup after is rejected. None of the
// reasoning reaches the form, the brief or the digest.
func TestReasoningInTheContentIsTakenOffEveryAnswer(t *testing.T) {
	const thought = "okay, the manager mentions pricing and the recap deck. maybe ask about it. i think that covers it."
	const brief = "Pricing keeps slipping; ask how the recap deck is going."
	const narrative = "Discovery was the theme."
	for _, tt := range []struct {
		name    string
		capture fakeopenai.Answer // the prose reading's answer
		prose   fakeopenai.Answer // the brief's and the narrative's (Content replaced)
		reason  string            // "" for the answer used
	}{
		{"a think block", fakeopenai.Thinking(thought, fakeopenai.JSON(honest())), fakeopenai.Thinking(thought, fakeopenai.Text("%s")), ""},
		// DeepSeek-R1's template puts <think> in the prompt: the content
		// starts inside the block.
		{"the opening tag in the prompt", fakeopenai.Text(thought + "\n</think>\n\n" + jsonOf(honest())), fakeopenai.Text(thought + "\n</think>\n\n%s"), ""},
		{"never closed", fakeopenai.Text("<think>\n" + thought), fakeopenai.Text("<think>\n" + thought), ReasonEmpty},
		{"markup after the answer", fakeopenai.Text(jsonOf(honest()) + "\n<think>" + thought + "</think>"), fakeopenai.Text("%s <think>" + thought + "</think>"), ReasonInvalid},
		{"only a think block", fakeopenai.Thinking(thought, fakeopenai.Text("")), fakeopenai.Thinking(thought, fakeopenai.Text("")), ReasonEmpty},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFake(t)
			r := newRig(t, config(srv, true), srv, Options{})
			srv.Enqueue(tt.capture)
			x, err := r.Prose.Extract(context.Background(), proseInput(rodeAlong))
			if got := reasonOf(err); tt.reason == "" && (err != nil || !reflect.DeepEqual(x.RepIDs, []string{"U1"}) || x.Notes == "") ||
				tt.reason != "" && got != tt.reason {
				t.Errorf("capture: %+v, %s; want %q", x, got, tt.reason)
			}

			srv.Enqueue(withContent(tt.prose, brief))
			b, err := r.Prep.Brief(context.Background(), prepInput())
			if got := reasonOf(err); tt.reason == "" && (err != nil || b.Prose != brief) || tt.reason != "" && (got != tt.reason || b.Prose != "") {
				t.Errorf("prep: %q, %s; want %q", b.Prose, got, tt.reason)
			}

			srv.Enqueue(withContent(tt.prose, narrative))
			n, err := r.Narrative.Write(context.Background(), narrativeInput())
			if got := reasonOf(err); tt.reason == "" && (err != nil || n["U0VERA"] != narrative) || tt.reason != "" && (got != tt.reason || len(n) != 0) {
				t.Errorf("narrative: %q, %s; want %q", n, got, tt.reason)
			}
		})
	}
}

// JSON the model wrapped in prose or a fence of any case or language tag,
// or put after its reasoning, is read.
func TestTheJSONObjectIsFoundWhereModelsPutIt(t *testing.T) {
	j := jsonOf(honest())
	for _, answer := range []string{
		j,
		"```json\n" + j + "\n```",
		"```JSON\n" + j + "\n```",
		"```jsonc\n" + j + "\n```",
		"```\n" + j + "\n```",
		"Here is the JSON:\n" + j,
		"Here is the JSON:\n\n```json\n" + j + "\n```\nLet me know if you need anything else.",
		"<think>\nthe rep is U1\n</think>\n\n```json\n" + j + "\n```",
	} {
		x, err := readAnswer(mustStrip(t, answer), proseInput(rodeAlong), []string{"U1"})
		if err != nil || !reflect.DeepEqual(x.RepIDs, []string{"U1"}) {
			t.Errorf("%q: %+v, %v", answer, x, err)
		}
	}
}

func mustStrip(t *testing.T, s string) string {
	t.Helper()
	text, fl := stripReasoning(s)
	if fl != nil {
		t.Fatalf("%q: %v", s, fl)
	}
	return text
}

func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// withContent puts s where a's content says %s.
func withContent(a fakeopenai.Answer, s string) fakeopenai.Answer {
	a.Content = strings.ReplaceAll(a.Content, "%s", s)
	return a
}
