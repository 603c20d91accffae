package fakeopenai

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// checkSchema checks a JSON schema as OpenAI does, and with strict set as
// its structured outputs do: every object lists every property as required
// and sets additionalProperties to false, every schema has a type (or an
// enum or anyOf), and enum values match the type. It returns OpenAI's
// message for the first problem, or "".
func checkSchema(raw json.RawMessage, strict bool) string {
	var root map[string]any
	if len(raw) == 0 || json.Unmarshal(raw, &root) != nil {
		return "schema must be a JSON Schema of 'type: \"object\"', got 'type: \"None\"'."
	}
	if t, _ := root["type"].(string); t != "object" {
		return fmt.Sprintf("schema must be a JSON Schema of 'type: \"object\"', got 'type: \"%v\"'.", root["type"])
	}
	if !strict {
		return ""
	}
	return strictNode(root, nil)
}

func strictNode(n map[string]any, path []string) string {
	ctx := "context=(" + quoteAll(path) + ")"
	types := typesOf(n["type"])
	_, hasEnum := n["enum"]
	anyOf, hasAnyOf := n["anyOf"].([]any)
	if len(types) == 0 && !hasEnum && !hasAnyOf {
		return "In " + ctx + ", schema must have a 'type' key."
	}
	if hasEnum && len(types) > 0 {
		for _, v := range n["enum"].([]any) {
			if !slices.Contains(types, jsonType(v)) && !(jsonType(v) == "integer" && slices.Contains(types, "number")) {
				return fmt.Sprintf("In %s, enum value %v does not validate against %v.", ctx, v, types)
			}
		}
	}
	for i, sub := range anyOf {
		m, ok := sub.(map[string]any)
		if !ok {
			return "In " + ctx + ", anyOf must hold schemas."
		}
		if msg := strictNode(m, append(path, "anyOf", fmt.Sprint(i))); msg != "" {
			return msg
		}
	}
	if slices.Contains(types, "object") {
		if ap, ok := n["additionalProperties"].(bool); !ok || ap {
			return "In " + ctx + ", 'additionalProperties' is required to be supplied and to be false."
		}
		props, _ := n["properties"].(map[string]any)
		var required []string
		for _, r := range asSlice(n["required"]) {
			if s, ok := r.(string); ok {
				required = append(required, s)
			}
		}
		keys := make([]string, 0, len(props))
		for k := range props {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !slices.Contains(required, k) {
				return fmt.Sprintf("In %s, 'required' is required to be supplied and to be an array including every key in properties. Missing '%s'.", ctx, k)
			}
			m, ok := props[k].(map[string]any)
			if !ok {
				return fmt.Sprintf("In %s, property '%s' must be a schema.", ctx, k)
			}
			if msg := strictNode(m, append(path, "properties", k)); msg != "" {
				return msg
			}
		}
	}
	if slices.Contains(types, "array") {
		items, ok := n["items"].(map[string]any)
		if !ok {
			return "In " + ctx + ", array schema missing items."
		}
		if msg := strictNode(items, append(path, "items")); msg != "" {
			return msg
		}
	}
	return ""
}

func typesOf(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		if x == float64(int64(x)) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	}
	return "object"
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

func quoteAll(path []string) string {
	q := make([]string, len(path))
	for i, p := range path {
		q[i] = "'" + p + "'"
	}
	s := strings.Join(q, ", ")
	if len(path) == 1 {
		s += ","
	}
	return s
}
