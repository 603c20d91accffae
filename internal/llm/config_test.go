package llm

import (
	"strings"
	"testing"
	"time"
)

func TestConfigFromEnv(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  map[string]string
		want Config
		err  string // the variable the error names
	}{
		{"nothing set: off", nil, Config{Model: DefaultModel, Timeout: DefaultTimeout, DigestTokens: DefaultDigestTokens}, ""},
		{"OpenAI", map[string]string{"OPENAI_API_KEY": " sk-1 ", "COACHLOG_LLM_NOTES": "on"},
			Config{APIKey: "sk-1", Model: DefaultModel, Timeout: DefaultTimeout, Notes: true, DigestTokens: DefaultDigestTokens}, ""},
		{"Ollama", map[string]string{"OPENAI_API_KEY": "ollama", "OPENAI_BASE_URL": "http://localhost:11434/v1", "OPENAI_MODEL": "llama3.1",
			"COACHLOG_LLM_TIMEOUT": "20s", "COACHLOG_LLM_DIGEST_TOKENS": "0"},
			Config{APIKey: "ollama", BaseURL: "http://localhost:11434/v1", Model: "llama3.1", Timeout: 20 * time.Second}, ""},
		{"Azure", map[string]string{"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": "https://acme.openai.azure.com", "OPENAI_MODEL": "gpt41mini", "OPENAI_API_VERSION": "2024-10-21"},
			Config{APIKey: "k", BaseURL: "https://acme.openai.azure.com", Model: "gpt41mini", APIVersion: "2024-10-21", Timeout: DefaultTimeout, DigestTokens: DefaultDigestTokens}, ""},
		{"an Azure preview version", map[string]string{"OPENAI_API_KEY": "k", "OPENAI_API_VERSION": "2024-05-01-preview"},
			Config{APIKey: "k", Model: DefaultModel, APIVersion: "2024-05-01-preview", Timeout: DefaultTimeout, DigestTokens: DefaultDigestTokens}, ""},
		{"an api version that is no date", map[string]string{"OPENAI_API_VERSION": "v1"}, Config{}, "OPENAI_API_VERSION"},
		{"an api version of OpenAI's path", map[string]string{"OPENAI_API_VERSION": "/openai/v1"}, Config{}, "OPENAI_API_VERSION"},
		{"an api version that is no real day", map[string]string{"OPENAI_API_VERSION": "2024-13-01"}, Config{}, "OPENAI_API_VERSION"},
		{"an api version with another suffix", map[string]string{"OPENAI_API_VERSION": "2024-10-21-beta"}, Config{}, "OPENAI_API_VERSION"},
		{"an api version without its day", map[string]string{"OPENAI_API_VERSION": "2024-10"}, Config{}, "OPENAI_API_VERSION"},
		{"a base URL that is no URL", map[string]string{"OPENAI_BASE_URL": "localhost:11434"}, Config{}, "OPENAI_BASE_URL"},
		{"a timeout without a unit", map[string]string{"COACHLOG_LLM_TIMEOUT": "5"}, Config{}, "COACHLOG_LLM_TIMEOUT"},
		{"a timeout too long", map[string]string{"COACHLOG_LLM_TIMEOUT": "10m"}, Config{}, "COACHLOG_LLM_TIMEOUT"},
		{"notes neither on nor off", map[string]string{"COACHLOG_LLM_NOTES": "maybe"}, Config{}, "COACHLOG_LLM_NOTES"},
		{"a negative budget", map[string]string{"COACHLOG_LLM_DIGEST_TOKENS": "-1"}, Config{}, "COACHLOG_LLM_DIGEST_TOKENS"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ConfigFromEnv(func(k string) string { return tt.env[k] })
			if tt.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.err+": ") {
					t.Fatalf("error %v, want one naming %s", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}
