package llm

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/envvar"
)

// Defaults for the settings the environment may leave out.
const (
	DefaultModel        = "gpt-4.1-mini" // cheap, fast, and supports strict structured output
	DefaultTimeout      = 5 * time.Second
	DefaultDigestTokens = 6000
	// DefaultAzureAPIVersion is a generally available Azure OpenAI version
	// with structured output; it is used only for the deployments API.
	DefaultAzureAPIVersion = "2024-10-21"
)

// Config is the LLM part of the environment, read once at start.
type Config struct {
	// APIKey is OPENAI_API_KEY; empty turns every LLM feature off and no
	// request is ever made.
	APIKey string
	// BaseURL is OPENAI_BASE_URL: any OpenAI-compatible server (OpenAI,
	// Azure OpenAI, Ollama, vLLM). Empty means OpenAI's.
	BaseURL string
	// Model is OPENAI_MODEL (for Azure's deployments API, the deployment).
	Model string
	// APIVersion is OPENAI_API_VERSION, only for Azure's deployments API
	// (https://NAME.openai.azure.com without /openai/v1).
	APIVersion string
	// Timeout bounds each request (COACHLOG_LLM_TIMEOUT).
	Timeout time.Duration
	// Notes is COACHLOG_LLM_NOTES: only when on may anything stored that a
	// person wrote (notes, commitments, the rep's comments and dispute
	// reasons) reach the model, for the prep brief's prose and the digest's
	// narrative. The line a manager types after /coach needs only the key.
	Notes bool
	// DigestTokens bounds the tokens, prompt and completion, that one
	// digest's narratives may use (COACHLOG_LLM_DIGEST_TOKENS).
	DigestTokens int
}

// Enabled reports whether a key is configured.
func (c Config) Enabled() bool { return c.APIKey != "" }

// ConfigError names the variable at fault, so a bad start is one line.
type ConfigError = envvar.Error

// ConfigFromEnv reads and checks the LLM settings through getenv. The key
// is never echoed in an error.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		APIKey:     strings.TrimSpace(getenv("OPENAI_API_KEY")),
		BaseURL:    strings.TrimSpace(getenv("OPENAI_BASE_URL")),
		Model:      strings.TrimSpace(getenv("OPENAI_MODEL")),
		APIVersion: strings.TrimSpace(getenv("OPENAI_API_VERSION")),
	}
	if c.Model == "" {
		c.Model = DefaultModel
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return Config{}, &ConfigError{Name: "OPENAI_BASE_URL", Problem: fmt.Sprintf("%q is not an http(s) URL like https://api.openai.com/v1", envvar.ShownURL(c.BaseURL))}
		}
	}
	if c.APIVersion != "" && !azureAPIVersion(c.APIVersion) {
		// Setting it switches to Azure's deployments API, so anything else
		// would fail every request, not the start.
		return Config{}, &ConfigError{Name: "OPENAI_API_VERSION", Problem: fmt.Sprintf("%q is not an Azure OpenAI api-version, a date "+
			"like 2024-10-21 or 2024-05-01-preview; set it only for Azure's deployments API, and leave it unset for OpenAI, "+
			"Azure's /openai/v1 and other servers", c.APIVersion)}
	}
	var err error
	if c.Timeout, err = envvar.Duration(getenv, "COACHLOG_LLM_TIMEOUT", DefaultTimeout, 100*time.Millisecond, time.Minute, "5s"); err != nil {
		return Config{}, err
	}
	if c.Notes, err = envvar.OnOff(getenv, "COACHLOG_LLM_NOTES"); err != nil {
		return Config{}, err
	}
	c.DigestTokens = DefaultDigestTokens
	if v := strings.TrimSpace(getenv("COACHLOG_LLM_DIGEST_TOKENS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1_000_000 {
			return Config{}, &ConfigError{Name: "COACHLOG_LLM_DIGEST_TOKENS", Problem: fmt.Sprintf("%q is not a whole number from 0 (no narrative) to 1000000", v)}
		}
		c.DigestTokens = n
	}
	return c, nil
}

// azureAPIVersion reports whether v has the form of Azure OpenAI's
// api-version: a day, YYYY-MM-DD, for a generally available version, or
// with -preview after it for a preview (2024-10-21, 2024-05-01-preview;
// https://learn.microsoft.com/azure/ai-services/openai/api-version-deprecation).
func azureAPIVersion(v string) bool {
	day := strings.TrimSuffix(v, "-preview")
	_, err := time.Parse(time.DateOnly, day)
	return err == nil && len(day) == len("2006-01-02")
}
