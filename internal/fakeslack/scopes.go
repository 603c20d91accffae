package fakeslack

import (
	"bufio"
	"bytes"
	"errors"
	"slices"
	"strings"
)

// DefaultScopes are the bot scopes the fake grants unless WithScopes says
// otherwise: those of Coachlog's manifest.yml (a test keeps the two equal),
// so that a method the app was never granted fails in tests as in Slack.
var DefaultScopes = []string{"channels:read", "chat:write", "commands", "files:write", "groups:read", "users:read", "users:read.email"}

// WithScopes sets the bot token's granted scopes. A method needing one it
// lacks answers missing_scope, as Slack does.
func WithScopes(scopes ...string) Option {
	return func(s *Server) { s.scopes = append([]string(nil), scopes...) }
}

// SetScopes changes the bot token's granted scopes while the fake runs:
// an admin removing a scope from the app (its token keeps working, and a
// method needing the scope answers missing_scope), or a reinstall from
// the manifest granting them again, with the same token. From then on a
// missing_scope is not counted a problem (Problems): it is the install's
// doing, which the app must bear, not a call the app should never make.
func (s *Server) SetScopes(scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scopes = append([]string(nil), scopes...)
	s.scopesChanged = true
}

// neededScope is the bot scope each method requires, from the "Required
// scopes" of its page under https://docs.slack.dev/reference/methods/.
// Methods not listed need none (auth.test, chat.getPermalink, views.*);
// conversations.info needs the scope of the channel's kind
// (conversationsInfoScopeLocked).
var neededScope = map[string]string{
	"chat.postMessage":             "chat:write",
	"chat.update":                  "chat:write",
	"chat.postEphemeral":           "chat:write",
	"chat.delete":                  "chat:write",
	"users.info":                   "users:read",
	"users.list":                   "users:read",
	"users.lookupByEmail":          "users:read.email",
	"conversations.open":           "im:write",
	"files.getUploadURLExternal":   "files:write",
	"files.completeUploadExternal": "files:write",
}

// scopeResultLocked answers missing_scope, with Slack's needed and provided
// fields ({"ok":false,"error":"missing_scope","needed":"users:read.email",
// "provided":"chat:write,users:read"}), when the bot lacks the method's
// scope; ok is false then.
func (s *Server) scopeResultLocked(r *apiRequest) (apiResult, bool) {
	needed := neededScope[r.method]
	if r.method == "conversations.open" && strings.Contains(r.param("users"), ",") {
		needed = "mpim:write" // a group DM
	}
	if r.method == "conversations.info" {
		needed = s.conversationsInfoScopeLocked(r.param("channel")) // by the channel's kind
	}
	if needed == "" || slices.Contains(s.scopes, needed) {
		return apiResult{}, true
	}
	res := errResult("missing_scope")
	res.body["needed"] = needed
	res.body["provided"] = strings.Join(s.scopes, ",")
	return res, false
}

// ManifestBotScopes reads the bot scopes (oauth_config.scopes.bot) of a
// Slack app manifest in YAML, so tests grant the fake exactly what the
// manifest asks for. It reads the block list form the manifest uses
// ("- chat:write  # why"), not every YAML.
func ManifestBotScopes(manifest []byte) ([]string, error) {
	path := []string{"oauth_config", "scopes", "bot"}
	depth, indents := 0, []int{}
	var scopes []string
	sc := bufio.NewScanner(bytes.NewReader(manifest))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		for depth > 0 && indent <= indents[depth-1] {
			if depth == len(path) && len(scopes) > 0 {
				return scopes, nil
			}
			depth, indents = depth-1, indents[:depth-1]
		}
		switch {
		case depth == len(path):
			item, ok := strings.CutPrefix(trimmed, "- ")
			if !ok {
				return nil, errors.New("manifest: oauth_config.scopes.bot is not a list")
			}
			scopes = append(scopes, strings.Trim(strings.TrimSpace(item), `"'`))
		case trimmed == path[depth]+":":
			depth, indents = depth+1, append(indents, indent)
		}
	}
	if len(scopes) == 0 {
		return nil, errors.New("manifest: no oauth_config.scopes.bot list")
	}
	return scopes, nil
}
