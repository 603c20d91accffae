package fakeopenai

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func start(t *testing.T) *Server {
	t.Helper()
	s := New()
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func post(t *testing.T, ctx context.Context, url, body string, header map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+DefaultKey)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const strictOK = `{"type":"object","properties":{"a":{"type":["string","null"],"enum":["x",null]},"b":{"type":"array","items":{"type":"string"}}},"required":["a","b"],"additionalProperties":false}`

func TestChecksRequestsAsStrictlyAsOpenAI(t *testing.T) {
	s := New(WithReasoning("prod-reasoner"))
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	msgs := `"messages":[{"role":"system","content":"answer"},{"role":"user","content":"hi"}]`
	schema := func(sc string) string {
		return `{"model":"m",` + msgs + `,"response_format":{"type":"json_schema","json_schema":{"name":"s","strict":true,"schema":` + sc + `}}}`
	}
	for _, tt := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"plain", `{"model":"m",` + msgs + `}`, 200, "fake answer"},
		{"no model", `{` + msgs + `}`, 400, "model parameter"},
		{"bad role", `{"model":"m","messages":[{"role":"boss","content":"x"}]}`, 400, "Invalid value: 'boss'"},
		{"json mode without the word", `{"model":"m",` + msgs + `,"response_format":{"type":"json_object"}}`, 400, "must contain the word 'json'"},
		{"strict schema good", schema(strictOK), 200, "fake answer"},
		{"strict schema without additionalProperties", schema(`{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}`), 400, "'additionalProperties' is required"},
		{"strict schema missing a required key", schema(`{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["a"],"additionalProperties":false}`), 400, "Missing 'b'"},
		{"strict enum of the wrong type", schema(`{"type":"object","properties":{"a":{"type":"string","enum":["x",null]}},"required":["a"],"additionalProperties":false}`), 400, "enum value"},
		{"unknown format", `{"model":"m",` + msgs + `,"response_format":{"type":"yaml"}}`, 400, "Supported values"},
		{"tool choice naming no tool", `{"model":"m",` + msgs + `,"tool_choice":{"type":"function","function":{"name":"f"}}}`, 400, "tool_choice"},
		{"max_tokens to a reasoning model", `{"model":"o3-mini",` + msgs + `,"max_tokens":100}`, 400, "Use 'max_completion_tokens' instead"},
		{"max_completion_tokens to a reasoning model", `{"model":"o3-mini",` + msgs + `,"max_completion_tokens":100}`, 200, "fake answer"},
		{"max_tokens to a deployment marked reasoning", `{"model":"prod-reasoner",` + msgs + `,"max_tokens":100}`, 400, "unsupported_parameter"},
		{"max_tokens of zero", `{"model":"m",` + msgs + `,"max_tokens":0}`, 400, "Expected a value >= 1, but got 0"},
		{"max_completion_tokens below one", `{"model":"m",` + msgs + `,"max_completion_tokens":-3}`, 400, "integer below minimum value"},
		{"a tool message answering no tool call", `{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"c1","content":"x"}]}`, 400, "must be a response to a preceeding message with 'tool_calls'"},
		{"a tool message answering a tool call", `{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"x"}]}`, 200, "fake answer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, context.Background(), s.URL()+"/chat/completions", tt.body, nil)
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("got %d %s; want %d with %q", status, body, tt.status, tt.want)
			}
		})
	}
	if got := len(s.Requests()); got != 17 {
		t.Errorf("recorded %d requests, want 17", got)
	}
}

// OpenAI's reasoning families refuse max_tokens by their name alone, as
// internal/llm's client expects of them; the models before take it.
func TestReasoningModelsByNameRefuseMaxTokens(t *testing.T) {
	s := start(t)
	msgs := `"messages":[{"role":"user","content":"hi"}]`
	for _, tt := range []struct {
		model  string
		status int
	}{
		{"o1", 400}, {"o3-mini", 400}, {"o4-mini", 400}, {"gpt-5-mini", 400}, {"gpt-6-luna", 400}, {"gpt-6.1-sol", 400},
		{"gpt-4o", 200}, {"gpt-4.1-mini", 200},
	} {
		status, body := post(t, context.Background(), s.URL()+"/chat/completions", `{"model":"`+tt.model+`",`+msgs+`,"max_tokens":100}`, nil)
		if status != tt.status || tt.status == 400 && !strings.Contains(body, "Use 'max_completion_tokens' instead") {
			t.Errorf("max_tokens to %s: got %d %s; want %d", tt.model, status, body, tt.status)
		}
	}
}

func TestAuthAndAzurePath(t *testing.T) {
	s := start(t)
	body := `{"messages":[{"role":"user","content":"hi"}]}`
	if status, _ := post(t, context.Background(), s.URL()+"/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`,
		map[string]string{"Authorization": "Bearer wrong"}); status != 401 {
		t.Errorf("wrong bearer: %d, want 401", status)
	}
	azure := s.Root() + "/openai/deployments/d1/chat/completions"
	if status, _ := post(t, context.Background(), azure+"?api-version=2024-10-21", body, map[string]string{"api-key": DefaultKey}); status != 200 {
		t.Errorf("azure with api-key: %d, want 200", status)
	}
	if status, _ := post(t, context.Background(), azure+"?api-version=2024-10-21", body, nil); status != 401 {
		t.Errorf("azure with a bearer token only: %d, want 401", status)
	}
	if status, _ := post(t, context.Background(), azure, body, map[string]string{"api-key": DefaultKey}); status != 404 {
		t.Errorf("azure without api-version: %d, want 404", status)
	}
}

func TestScriptedAnswers(t *testing.T) {
	s := start(t)
	s.Enqueue(JSON(map[string]any{"a": 1}), Refusal("no"), Fail(503), InvalidJSON())
	tools := `{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{}}}}],"tool_choice":{"type":"function","function":{"name":"f"}}}`
	status, body := post(t, context.Background(), s.URL()+"/chat/completions", tools, nil)
	var resp struct {
		Choices []struct {
			Message struct {
				ToolCalls []struct {
					Function struct{ Name, Arguments string }
				} `json:"tool_calls"`
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &resp); status != 200 || err != nil || len(resp.Choices) != 1 ||
		len(resp.Choices[0].Message.ToolCalls) != 1 || resp.Choices[0].Message.ToolCalls[0].Function.Arguments != `{"a":1}` {
		t.Errorf("JSON answer to a forced tool call: %d %s", status, body)
	}
	plain := `{"model":"m","messages":[{"role":"user","content":"hi"}]}`
	if _, body := post(t, context.Background(), s.URL()+"/chat/completions", plain, nil); !strings.Contains(body, `"refusal":"no"`) {
		t.Errorf("refusal: %s", body)
	}
	if status, _ := post(t, context.Background(), s.URL()+"/chat/completions", plain, nil); status != 503 {
		t.Errorf("Fail(503) answered %d", status)
	}
	_, body = post(t, context.Background(), s.URL()+"/chat/completions", plain, nil)
	var text struct {
		Choices []struct{ Message struct{ Content string } }
	}
	if err := json.Unmarshal([]byte(body), &text); err != nil || len(text.Choices) != 1 ||
		text.Choices[0].Message.Content == "" || json.Valid([]byte(text.Choices[0].Message.Content)) {
		t.Errorf("InvalidJSON answered %s", body)
	}
}

// Out of quota, the fake answers as OpenAI does: 429 with the error type
// insufficient_quota and the code asked for, and no Retry-After.
func TestQuotaExhaustedAnswersInOpenAIsShape(t *testing.T) {
	s := start(t)
	s.Enqueue(QuotaExhausted("insufficient_quota"))
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/chat/completions", strings.NewReader(`{"model":"m","messages":[{"role":"user","content":"hi"}]}`))
	req.Header.Set("Authorization", "Bearer "+DefaultKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error struct{ Message, Type, Code string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "" ||
		body.Error.Type != "insufficient_quota" || body.Error.Code != "insufficient_quota" || !strings.Contains(body.Error.Message, "quota") {
		t.Errorf("answered %d %+v (%v), Retry-After %q", resp.StatusCode, body, err, resp.Header.Get("Retry-After"))
	}
}

func TestRefusedFeatures(t *testing.T) {
	s := start(t)
	s.Refuse("json_schema", "tools")
	s.Enqueue(Text("kept for the next good request"))
	schema := `{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"object"}}}}`
	status, body := post(t, context.Background(), s.URL()+"/chat/completions", schema, nil)
	if status != 400 || !strings.Contains(body, `"object":"error"`) || !strings.Contains(body, "response_format") {
		t.Errorf("refused json_schema: %d %s", status, body)
	}
	tools := `{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]}`
	if status, body := post(t, context.Background(), s.URL()+"/chat/completions", tools, nil); status != 400 || !strings.Contains(body, "does not support tools") {
		t.Errorf("refused tools: %d %s", status, body)
	}
	plain := `{"model":"m","messages":[{"role":"user","content":"hi"}]}`
	if _, body := post(t, context.Background(), s.URL()+"/chat/completions", plain, nil); !strings.Contains(body, "kept for the next good request") {
		t.Errorf("a refused request consumed the scripted answer: %s", body)
	}
}

func TestHangEndsWhenTheClientGivesUp(t *testing.T) {
	s := start(t)
	s.Enqueue(Hang())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	plain := `{"model":"m","messages":[{"role":"user","content":"hi"}]}`
	if status, _ := post(t, ctx, s.URL()+"/chat/completions", plain, nil); status != 0 {
		t.Errorf("a hanging answer came back with %d", status)
	}
	if len(s.Requests()) != 1 {
		t.Errorf("the hanging request was not recorded")
	}
}

// A held answer comes once the test lets it, not before.
func TestAHeldAnswerComesWhenReleased(t *testing.T) {
	s := start(t)
	release := make(chan struct{})
	s.Enqueue(Held(release, Text("now")))
	plain := `{"model":"m","messages":[{"role":"user","content":"hi"}]}`
	type result struct {
		status int
		body   string
	}
	done := make(chan result, 1)
	go func() {
		status, body := post(t, context.Background(), s.URL()+"/chat/completions", plain, nil)
		done <- result{status, body}
	}()
	// An answer not held comes in well under this.
	select {
	case r := <-done:
		t.Fatalf("the held answer came before its release: %d %s", r.status, r.body)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if r := <-done; r.status != 200 || !strings.Contains(r.body, `"now"`) {
		t.Errorf("after the release: %d %s", r.status, r.body)
	}
}

// A reasoning model served without a reasoning parser answers with its
// reasoning in the content, in a <think> block before the answer.
func TestThinkingPutsTheReasoningInTheContent(t *testing.T) {
	s := start(t)
	s.Enqueue(Thinking("let me see", JSON(map[string]any{"a": 1})))
	_, body := post(t, context.Background(), s.URL()+"/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`, nil)
	var resp struct {
		Choices []struct{ Message struct{ Content string } }
	}
	if err := json.Unmarshal([]byte(body), &resp); err != nil || len(resp.Choices) != 1 ||
		resp.Choices[0].Message.Content != "<think>\nlet me see\n</think>\n\n{\"a\":1}" {
		t.Errorf("answered %s", body)
	}
}

// The real servers' failure shapes: a status, and Azure's, OpenRouter's or
// OpenAI's error object, or a web page where the API was expected.
func TestFailureShapes(t *testing.T) {
	s := start(t)
	plain := `{"model":"m","messages":[{"role":"user","content":"hi"}]}`
	for _, tt := range []struct {
		a      Answer
		status int
		has    string
	}{
		{ModelNotFound("gpt-9"), 404, `"code":"model_not_found"`},
		{DeploymentNotFound(), 404, `"code":"DeploymentNotFound"`},
		{APIVersionTooOld("o1"), 400, "enabled only for api versions 2024-12-01-preview and later"},
		{ResourceNotFound(), 404, `{"error":{"code":"404","message":"Resource not found"}}`},
		{APIVersionNotSupported(), 400, `"message":"API version not supported"`},
		{InsufficientCredits(), 402, `"code":402`},
		{Moderated(), 403, "flagged"},
		{ContentFiltered(), 400, `"innererror":{"code":"ResponsibleAIPolicyViolation"`},
		{KeyRefused(), 401, `"code":"invalid_api_key"`},
		{WebPage(200), 200, "<!doctype html>"},
		{WebPage(404), 404, "<!doctype html>"},
	} {
		s.Enqueue(tt.a)
		status, body := post(t, context.Background(), s.URL()+"/chat/completions", plain, nil)
		if status != tt.status || !strings.Contains(body, tt.has) || tt.a.HTML == json.Valid([]byte(body)) {
			t.Errorf("answered %d %s; want %d with %s", status, body, tt.status, tt.has)
		}
	}
}
