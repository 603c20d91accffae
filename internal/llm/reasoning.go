package llm

import (
	"encoding/json"
	"regexp"
	"strings"
	"sync"
)

// Reasoning models (DeepSeek-R1, QwQ, Qwen3) served without a reasoning
// parser write their reasoning into the answer's content, in a <think>
// block before the answer: vLLM without --reasoning-parser
// (https://docs.vllm.ai/en/v0.8.3/features/reasoning_outputs.html),
// llama.cpp with --reasoning-format none
// (https://github.com/ggml-org/llama.cpp/pull/16394). With DeepSeek-R1's
// chat template the opening <think> is in the prompt, so the content
// starts inside the block and only </think> shows.
const (
	thinkOpen  = "<think>"
	thinkClose = "</think>"
)

// stripReasoning takes the leading reasoning off an answer, once, for
// every feature, before any check: a leading <think>…</think> block, or
// everything up to a first </think> no <think> opened. An answer that is
// all reasoning (a leading <think> never closed: the model ran out of
// tokens thinking) or nothing after it is no answer (ReasonEmpty); one
// still holding the markup after that is rejected (ReasonInvalid), so no
// reasoning ever reaches a form, a brief or the digest. The Failure's
// detail holds no text of the answer.
func stripReasoning(s string) (string, *Failure) {
	s = strings.TrimSpace(s)
	open, end := strings.Index(s, thinkOpen), strings.Index(s, thinkClose)
	switch {
	case open == 0 && end < 0:
		return "", &Failure{Reason: ReasonEmpty, Detail: "the answer was all reasoning: its <think> block never closed"}
	case open == 0 || end >= 0 && (open < 0 || open > end):
		s = strings.TrimSpace(s[end+len(thinkClose):])
	}
	if l := strings.ToLower(s); strings.Contains(l, thinkOpen) || strings.Contains(l, thinkClose) {
		return "", &Failure{Reason: ReasonInvalid, Detail: "the answer holds reasoning markup (<think>)"}
	}
	if s == "" {
		return "", &Failure{Reason: ReasonEmpty}
	}
	return s, nil
}

// fenceRE matches a Markdown code fence with any language tag, in any
// case (```json, ```JSON, ```jsonc, none), and its content.
// Compiled on the first answer that needs it, not at start (see
// versionRE).
var fenceRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("(?s)```[^\\n`]*\\n?(.*?)```") })

// jsonObject finds the JSON object in a structured answer where models
// put it in JSON mode or a plain text answer: the whole answer, the
// content of a code fence, or the braces after a line of prose ("Here is
// the JSON:") and before a closing remark. What it finds is still checked
// field by field.
func jsonObject(s string) string {
	s = strings.TrimSpace(s)
	if json.Valid([]byte(s)) {
		return s
	}
	if m := fenceRE().FindStringSubmatch(s); m != nil {
		if t := strings.TrimSpace(m[1]); strings.HasPrefix(t, "{") && json.Valid([]byte(t)) {
			return t
		}
	}
	if i, j := strings.Index(s, "{"), strings.LastIndex(s, "}"); i >= 0 && j > i {
		return s[i : j+1]
	}
	return s
}
