package main

import (
	"strings"
	"testing"
	"time"
)

func TestLoadConfigReadsTheLLMSettings(t *testing.T) {
	t.Parallel()
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
		"OPENAI_API_VERSION": "v1",
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

// A URL setting refused is named with what was typed, but not with a
// password or key in it: the error goes to the terminal and the logs.
func TestURLSettingsRefusedWithoutTheirSecrets(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, bad, shown string }{
		{"SLACK_API_URL", "ftp://proxyuser:s3cret@proxy.acme.test/api/?key=s3cret", `"ftp://proxy.acme.test/api/"`},
		{"SLACK_API_URL", "https://proxy.acme.test:s3cret/api/", "<unreadable URL>"},
		{"OPENAI_BASE_URL", "hxxp://k:s3cret@llm.acme.test/v1", `"hxxp://llm.acme.test/v1"`},
		{"OPENAI_BASE_URL", "https://llm.acme.test:s3cret/v1", "<unreadable URL>"},
	} {
		_, err := loadConfig(func(k string) string {
			if k == tc.name {
				return tc.bad
			}
			return ""
		}, needs{})
		if err == nil || !strings.HasPrefix(err.Error(), tc.name+": ") || !strings.Contains(err.Error(), tc.shown) {
			t.Errorf("%s=%q: error %v, want one naming %s and showing %s", tc.name, tc.bad, err, tc.name, tc.shown)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: the error shows the secret: %v", tc.name, err)
		}
	}
}
