package llm

import (
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

// Format is how a structured answer is asked for.
type Format int32

// The formats, best first. Servers without json_schema (older vLLM and
// Ollama, many proxies) mostly take json_object; some take neither but
// call tools.
const (
	FormatSchema Format = iota // response_format json_schema, strict
	FormatJSON                 // response_format json_object, schema in the prompt
	FormatTools                // a forced call of one function whose parameters are the schema
	formatNone                 // every structured format was refused
	FormatText   Format = -1   // prose, no structure asked
)

func (f Format) String() string {
	switch f {
	case FormatSchema:
		return "json_schema"
	case FormatJSON:
		return "json_object"
	case FormatTools:
		return "tools"
	case FormatText:
		return "text"
	}
	return "none"
}

// toolName is the function a tool-calling answer must call.
const toolName = "record_answer"

// apply asks for schema s in format f.
func (f Format) apply(chat *openai.ChatCompletionRequest, s Schema) {
	switch f {
	case FormatSchema:
		chat.ResponseFormat = &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name: s.Name, Description: s.Description, Schema: s.JSON, Strict: true,
			},
		}
	case FormatJSON:
		chat.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
		// json_object mode wants the word JSON in the messages and knows
		// no schema: the schema goes into the instructions.
		chat.Messages[0].Content += "\n\nAnswer with one JSON object only, matching this JSON schema:\n" + string(s.JSON)
	case FormatTools:
		chat.Tools = []openai.Tool{{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
			Name: toolName, Description: s.Description, Parameters: s.JSON,
		}}}
		chat.ToolChoice = openai.ToolChoice{Type: openai.ToolTypeFunction, Function: openai.ToolFunction{Name: toolName}}
	}
}

// refusedBy reports whether an HTTP error answer refuses format f itself,
// rather than something else about the request: a 400 or 422 naming the
// parameter (vLLM: "Input should be 'text' or 'json_object'" at
// response_format.type; Ollama: "... does not support tools"). A schema the
// server finds invalid ("Invalid schema for response_format") is this
// program's bug, not a missing feature, so it does not step down.
func (f Format) refusedBy(status int, text string) bool {
	if status != 400 && status != 422 {
		return false
	}
	switch f {
	case FormatSchema:
		return !strings.Contains(text, "invalid schema") &&
			(strings.Contains(text, "json_schema") || strings.Contains(text, "response_format"))
	case FormatJSON:
		return strings.Contains(text, "json_object") || strings.Contains(text, "response_format")
	case FormatTools:
		return strings.Contains(text, "tool")
	}
	return false
}
