package main

import (
	"strings"
	"testing"
	"time"
)

func TestLoadConfigReadsTheLLMSettings(t *testing.T) {
	env := map[string]string{
		"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": "http://localhost:11434/v1", "OPENAI_MODEL": "llama3.1",
		"COACHLOG_LLM_NOTES": "on", "COACHLOG_LLM_TIMEOUT": "12s", "COACHLOG_LLM_DIGEST_TOKENS": "2000",
	}
	cfg, err := loadConfig(func(k string) string { return env[k] }, needs{})
	if err != nil {
		t.Fatal(err)
	}
	l := cfg.LLM
	if l.APIKey != "sk-test" || l.BaseURL != "http://localhost:11434/v1" || l.Model != "llama3.1" || !l.Notes ||
		l.Timeout != 12*time.Second || l.DigestTokens != 2000 {
		t.Errorf("LLM settings %+v", l)
	}
	for name, bad := range map[string]string{
		"COACHLOG_LLM_TIMEOUT": "soon", "COACHLOG_LLM_DIGEST_TOKENS": "lots", "COACHLOG_LLM_NOTES": "sometimes", "OPENAI_BASE_URL": "ollama",
	} {
		_, err := loadConfig(func(k string) string {
			if k == name {
				return bad
			}
			return ""
		}, needs{})
		if err == nil || !strings.HasPrefix(err.Error(), name+": ") {
			t.Errorf("%s=%q: error %v, want one line naming the variable", name, bad, err)
		}
	}
}
