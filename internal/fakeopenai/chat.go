package fakeopenai

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// ChatRequest is the part of a chat completion request the fake reads.
type ChatRequest struct {
	Model               string          `json:"model"`
	Messages            []Message       `json:"messages"`
	Stream              bool            `json:"stream"`
	MaxTokens           int             `json:"max_tokens"`
	MaxCompletionTokens int             `json:"max_completion_tokens"`
	ResponseFormat      *ResponseFormat `json:"response_format"`
	Tools               []Tool          `json:"tools"`
	ToolChoice          json.RawMessage `json:"tool_choice"`
}

// Message is one chat message.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// ResponseFormat is the response_format parameter.
type ResponseFormat struct {
	Type       string `json:"type"`
	JSONSchema *struct {
		Name   string          `json:"name"`
		Strict bool            `json:"strict"`
		Schema json.RawMessage `json:"schema"`
	} `json:"json_schema"`
}

// Tool is one entry of the tools parameter.
type Tool struct {
	Type     string `json:"type"`
	Function *struct {
		Name       string          `json:"name"`
		Parameters json.RawMessage `json:"parameters"`
	} `json:"function"`
}

// Text returns every message's content joined, to search a request for
// text that must not be there.
func (c ChatRequest) Text() string {
	var b strings.Builder
	for _, m := range c.Messages {
		b.WriteString(m.Content)
		b.WriteByte('\n')
	}
	return b.String()
}

// Format names how the request asks for structure: "json_schema",
// "json_object", "tools" or "text".
func (c ChatRequest) Format() string {
	switch {
	case len(c.Tools) > 0:
		return "tools"
	case c.ResponseFormat != nil && c.ResponseFormat.Type != "":
		return c.ResponseFormat.Type
	}
	return "text"
}

// forcedTool returns the function a tool_choice forces, if any.
func (c ChatRequest) forcedTool() string {
	var choice struct {
		Function struct {
			Name string `json:"name"`
		} `json:"function"`
	}
	if json.Unmarshal(c.ToolChoice, &choice) == nil {
		return choice.Function.Name
	}
	return ""
}

var nameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	azure := r.PathValue("deployment") != ""
	body, _ := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	req := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body}
	decodeErr := json.Unmarshal(body, &req.Chat)
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()

	if azure && r.URL.Query().Get("api-version") == "" {
		writeJSON(w, http.StatusNotFound, resourceNotFound)
		return
	}
	if !s.authorized(w, r, azure) {
		return
	}
	if decodeErr != nil {
		writeError(w, http.StatusBadRequest, "We could not parse the JSON body of your request.", "invalid_request_error", "", nil)
		return
	}
	model := req.Chat.Model
	if azure {
		model = r.PathValue("deployment")
	}
	var extra extras
	_ = json.Unmarshal(body, &extra)
	if msg, param, code := check(req.Chat, extra, azure, s.reasoning(model)); msg != "" {
		writeError(w, http.StatusBadRequest, msg, "invalid_request_error", param, code)
		return
	}
	if s.refuse(w, req.Chat) {
		return
	}
	s.answer(w, r, req)
}

// extras are what check reads that ChatRequest does not tell: whether
// the token limits were sent at all, and which messages carry tool calls.
type extras struct {
	MaxTokens           *int `json:"max_tokens"`
	MaxCompletionTokens *int `json:"max_completion_tokens"`
	Messages            []struct {
		ToolCalls []json.RawMessage `json:"tool_calls"`
	} `json:"messages"`
}

// check applies OpenAI's rules to a request, returning the error message,
// the parameter at fault and OpenAI's error code (nil when it gives none),
// or "" when the request is good. reasoning says the model (or Azure
// deployment) is a reasoning one, which refuses max_tokens.
func check(c ChatRequest, extra extras, azure, reasoning bool) (msg, param string, code any) {
	switch {
	case c.Model == "" && !azure:
		return "you must provide a model parameter", "model", nil
	case len(c.Messages) == 0:
		return "[] is too short - 'messages'", "messages", nil
	case c.Stream:
		return "the fake does not stream", "stream", nil
	case extra.MaxTokens != nil && reasoning:
		return "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
			"max_tokens", "unsupported_parameter"
	}
	for _, limit := range []struct {
		name string
		v    *int
	}{{"max_tokens", extra.MaxTokens}, {"max_completion_tokens", extra.MaxCompletionTokens}} {
		if limit.v != nil && *limit.v < 1 {
			return fmt.Sprintf("Invalid '%s': integer below minimum value. Expected a value >= 1, but got %d instead.", limit.name, *limit.v),
				limit.name, "integer_below_min_value"
		}
	}
	for i, m := range c.Messages {
		switch m.Role {
		case "system", "user", "assistant", "developer":
		case "tool":
			if i == 0 || i > len(extra.Messages) || len(extra.Messages[i-1].ToolCalls) == 0 && c.Messages[i-1].Role != "tool" {
				return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
					fmt.Sprintf("messages.[%d].role", i), nil
			}
		default:
			return fmt.Sprintf("Invalid value: '%s'. Supported values are: 'system', 'assistant', 'user', 'tool', and 'developer'.", m.Role),
				fmt.Sprintf("messages[%d].role", i), nil
		}
	}
	msg, param = checkFormat(c)
	return msg, param, nil
}

// checkFormat checks response_format, tools and tool_choice.
func checkFormat(c ChatRequest) (msg, param string) {
	if rf := c.ResponseFormat; rf != nil {
		switch rf.Type {
		case "text":
		case "json_object":
			if !strings.Contains(lower(c.Text()), "json") {
				return "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", "messages"
			}
		case "json_schema":
			if rf.JSONSchema == nil {
				return "Missing required parameter: 'response_format.json_schema'.", "response_format.json_schema"
			}
			if !nameRE.MatchString(rf.JSONSchema.Name) {
				return "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.", "response_format.json_schema.name"
			}
			if msg := checkSchema(rf.JSONSchema.Schema, rf.JSONSchema.Strict); msg != "" {
				return fmt.Sprintf("Invalid schema for response_format '%s': %s", rf.JSONSchema.Name, msg), "response_format"
			}
		default:
			return fmt.Sprintf("Invalid value: '%s'. Supported values are: 'json_object', 'json_schema', and 'text'.", rf.Type), "response_format.type"
		}
	}
	names := map[string]bool{}
	for i, t := range c.Tools {
		if t.Type != "function" || t.Function == nil || !nameRE.MatchString(t.Function.Name) {
			return fmt.Sprintf("Invalid 'tools[%d]': a function with a name matching '^[a-zA-Z0-9_-]+$' is required.", i), fmt.Sprintf("tools[%d]", i)
		}
		if msg := checkSchema(t.Function.Parameters, false); msg != "" {
			return fmt.Sprintf("Invalid schema for function '%s': %s", t.Function.Name, msg), fmt.Sprintf("tools[%d].function.parameters", i)
		}
		names[t.Function.Name] = true
	}
	if forced := c.forcedTool(); forced != "" && !names[forced] {
		return fmt.Sprintf("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified, and must name one of them (%s).", forced), "tool_choice"
	}
	return "", ""
}

// refuse answers a request using a refused feature as such servers do.
func (s *Server) refuse(w http.ResponseWriter, c ChatRequest) bool {
	s.mu.Lock()
	refused := s.refused[c.Format()]
	s.mu.Unlock()
	if !refused {
		return false
	}
	switch c.Format() {
	case "json_schema":
		// vLLM before structured output: pydantic's literal_error, top level.
		writeJSON(w, http.StatusBadRequest, map[string]any{"object": "error",
			"message": `[{'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), 'msg': "Input should be 'text' or 'json_object'", 'input': 'json_schema', 'ctx': {'expected': "'text' or 'json_object'"}}]`,
			"type":    "BadRequestError", "param": nil, "code": 400})
	case "json_object":
		writeJSON(w, http.StatusBadRequest, map[string]any{"object": "error",
			"message": `[{'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), 'msg': "Input should be 'text'", 'input': 'json_object', 'ctx': {'expected': "'text'"}}]`,
			"type":    "BadRequestError", "param": nil, "code": 400})
	case "tools":
		// Ollama, for a model without tool support.
		writeError(w, http.StatusBadRequest, "registry.ollama.ai/library/"+c.Model+" does not support tools", "api_error", "", nil)
	}
	return true
}

func (s *Server) answer(w http.ResponseWriter, r *http.Request, req Request) {
	s.mu.Lock()
	var a Answer
	switch {
	case len(s.queue) > 0:
		a, s.queue = s.queue[0], s.queue[1:]
	case s.def != nil:
		def := s.def
		s.mu.Unlock()
		a = def(req)
		s.mu.Lock()
	default:
		a = Text("fake answer")
	}
	s.seq++
	id := s.seq
	s.mu.Unlock()

	if !s.hold(r.Context(), a) {
		return
	}
	for k, v := range a.Header {
		w.Header()[k] = v
	}
	if a.HTML {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(cmp.Or(a.Status, http.StatusOK))
		_, _ = io.WriteString(w, a.Body)
		return
	}
	if a.Status != 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.Status)
		_, _ = io.WriteString(w, a.errorBody())
		return
	}
	writeJSON(w, http.StatusOK, a.completion(id, req.Chat))
}

// completion renders a as a chat.completion object for request c.
func (a Answer) completion(id int, c ChatRequest) map[string]any {
	content := a.Content
	if a.JSON != nil {
		b, _ := json.Marshal(a.JSON)
		content = string(b)
	}
	msg := map[string]any{"role": "assistant", "content": content, "refusal": nil}
	if a.Think != "" {
		msg["content"] = "<think>\n" + a.Think + "\n</think>\n\n" + content
	}
	finish := "stop"
	switch {
	case a.Refusal != "":
		msg["content"], msg["refusal"] = nil, a.Refusal
	case c.forcedTool() != "" && a.JSON != nil:
		msg["content"] = nil
		msg["tool_calls"] = []any{map[string]any{"id": fmt.Sprintf("call_%d", id), "type": "function",
			"function": map[string]any{"name": c.forcedTool(), "arguments": content}}}
	}
	if a.FinishReason != "" {
		finish = a.FinishReason
	}
	prompt, completion := a.PromptTokens, a.CompletionTokens
	if prompt == 0 {
		prompt = len(c.Text())/4 + 1
	}
	if completion == 0 {
		completion = len(content)/4 + 1
	}
	return map[string]any{
		"id": fmt.Sprintf("chatcmpl-fake%d", id), "object": "chat.completion", "created": time.Now().Unix(), "model": c.Model,
		"choices": []any{map[string]any{"index": 0, "message": msg, "logprobs": nil, "finish_reason": finish}},
		"usage":   map[string]any{"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
	}
}
