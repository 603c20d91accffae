package fakeslack

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// apiRequest is a parsed Web API request.
type apiRequest struct {
	method string
	token  string
	params map[string]string
	nulls  map[string]bool // fields of a JSON body that were null: present, with no value
}

func (r *apiRequest) param(name string) string { return r.params[name] }

func (r *apiRequest) has(name string) bool { _, ok := r.params[name]; return ok }

// given says name was sent with a value, even an empty one: a JSON null
// is not a value.
func (r *apiRequest) given(name string) bool { return r.has(name) && !r.nulls[name] }

// apiResult is the answer to a Web API request.
type apiResult struct {
	status     int // 0 means 200
	retryAfter int
	body       map[string]any
	errCode    string
	drop       bool // close the connection without answering (Fault.Drop)
}

func okResult(fields map[string]any) apiResult {
	body := map[string]any{"ok": true}
	for k, v := range fields {
		body[k] = v
	}
	return apiResult{body: body}
}

// errResult answers ok:false; messages go into response_metadata.messages,
// as Slack does for invalid_arguments and invalid_blocks.
func errResult(code string, messages ...string) apiResult {
	body := map[string]any{"ok": false, "error": code}
	if len(messages) > 0 {
		body["response_metadata"] = map[string]any{"messages": messages}
	}
	return apiResult{body: body, errCode: code}
}

// messages returns the result's response_metadata.messages.
func (res apiResult) messages() []string {
	meta, _ := res.body["response_metadata"].(map[string]any)
	msgs, _ := meta["messages"].([]string)
	return msgs
}

type apiHandler func(*apiRequest) apiResult

// handler returns the implementation of a Web API method, nil if unknown.
func (s *Server) handler(method string) apiHandler {
	switch method {
	case "apps.connections.open":
		return s.appsConnectionsOpen
	case "auth.test":
		return s.authTest
	case "chat.postMessage":
		return s.chatPostMessage
	case "chat.update":
		return s.chatUpdate
	case "chat.postEphemeral":
		return s.chatPostEphemeral
	case "chat.delete":
		return s.chatDelete
	case "chat.getPermalink":
		return s.chatGetPermalink
	case "conversations.open":
		return s.conversationsOpen
	case "conversations.info":
		return s.conversationsInfo
	case "users.info":
		return s.usersInfo
	case "users.list":
		return s.usersList
	case "users.lookupByEmail":
		return s.usersLookupByEmail
	case "views.open":
		return s.viewsOpen
	case "views.update":
		return s.viewsUpdate
	case "views.push":
		return s.viewsPush
	case "views.publish":
		return s.viewsPublish
	case "files.getUploadURLExternal":
		return s.filesGetUploadURLExternal
	case "files.completeUploadExternal":
		return s.filesCompleteUploadExternal
	}
	return nil
}

// handleAPI serves /api/<method>: latency, faults, rate limits (a
// method's window, then its tier), auth,
// scopes, per-channel rate limits (which need a valid call to know the
// channel), the method, and the record, in that order.
func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	body, _ := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	call := Call{Method: method, HTTPMethod: r.Method, Body: body, ContentType: r.Header.Get("Content-Type")}
	req, perr := parseAPIRequest(r, body)
	call.Token, call.Params = req.token, req.params

	s.mu.Lock()
	s.st.started[method]++
	s.mu.Unlock()
	s.sleep(r.Context(), s.latencyFor(method))

	s.mu.Lock()
	call.Time = s.now()
	var res apiResult
	f, injected := s.takeFaultLocked(method)
	if injected {
		res = faultResult(f)
	} else if wait := s.rateLimitedLocked(method); wait > 0 {
		res = rateLimitedResult(wait)
	} else if wait := s.methodRateLimitedLocked(method); wait > 0 {
		res = rateLimitedResult(wait)
	} else if h := s.handler(method); h == nil {
		res = errResult("unknown_method")
	} else if perr != "" {
		res = errResult(perr)
	} else if code := s.authorizeLocked(method, req.token); code != "" {
		res = errResult(code)
	} else if sres, ok := s.scopeResultLocked(req); !ok {
		res = sres
	} else if wait := s.channelRateLimitedLocked(method, req); wait > 0 {
		res = rateLimitedResult(wait)
	} else {
		res = h(req)
	}
	// A scope an admin removed while the app ran (SetScopes) is the
	// install's doing, not the app's.
	if appFaults[res.errCode] && !injected && !(res.errCode == "missing_scope" && s.scopesChanged) {
		s.recordProblemLocked(method, res.errCode, res.messages())
	}
	call.Status = res.status
	if call.Status == 0 {
		call.Status = http.StatusOK
	}
	call.Error = res.errCode
	out := res.encode() // under the lock: bodies share maps with the state
	call.Response = out
	s.st.calls = append(s.st.calls, call)
	s.notifyLocked()
	s.mu.Unlock()

	if res.errCode != "" {
		s.log.Debug("web api error", slog.String("method", method), slog.String("error", res.errCode))
	}
	s.awaitAnswer(r.Context(), call)
	writeResult(w, res, out)
}

// parseAPIRequest reads the token and parameters from the form (body or
// query) or from a JSON body. The second result is a Slack error code for a
// body that cannot be read.
//
// The token is read where Slack reads it, and nowhere else:
//   - from an Authorization: Bearer header, always;
//   - from a token field of a URL-encoded POST body (a multipart one,
//     which Slack reads too, is not parsed here: harsher, never kinder);
//   - never from a JSON body: "To make use of sending JSON on write
//     operations, you must provide your token value using an Authorization
//     HTTP header" (https://docs.slack.dev/changelog/2017-10-keeping-up-with-the-jsons);
//   - never from the query string: apps created after February 24, 2021
//     "may no longer send tokens as query parameters and must instead use
//     an HTTP authorization header or send the token in an HTTP POST body"
//     (https://api.slack.com/changelog/2020-11-no-more-tokens-in-querystrings-for-newly-created-apps).
//
// A token anywhere else is not seen, so the call is not_authed, as on Slack.
func parseAPIRequest(r *http.Request, body []byte) (*apiRequest, string) {
	req := &apiRequest{method: strings.TrimPrefix(r.URL.Path, "/api/"), params: map[string]string{}, nulls: map[string]bool{}}
	for k, v := range r.URL.Query() {
		req.params[k] = v[0]
	}
	delete(req.params, "token")
	ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var perr, formToken string
	switch {
	case ctype == "application/json":
		if len(strings.TrimSpace(string(body))) > 0 {
			var fields map[string]json.RawMessage
			if err := json.Unmarshal(body, &fields); err != nil {
				perr = "invalid_json"
			}
			for k, raw := range fields {
				if string(raw) == "null" {
					req.nulls[k] = true
				}
				var str string
				if json.Unmarshal(raw, &str) == nil {
					req.params[k] = str
				} else {
					req.params[k] = string(raw)
				}
			}
		}
	case len(body) > 0:
		form, err := url.ParseQuery(string(body))
		if err != nil {
			perr = "invalid_form_data"
		}
		for k, v := range form {
			req.params[k] = v[0]
		}
		formToken = req.params["token"]
	}
	delete(req.params, "token")
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		req.token = strings.TrimPrefix(auth, "Bearer ")
	} else {
		req.token = formToken
	}
	return req, perr
}

// authorizeLocked checks the token for method and returns a Slack error
// code, "" when allowed. apps.connections.open wants the app-level token;
// everything else the bot token.
func (s *Server) authorizeLocked(method, token string) string {
	switch {
	case token == "":
		return "not_authed"
	case method == "apps.connections.open":
		if !strings.HasPrefix(token, "xapp-") {
			return "not_allowed_token_type"
		}
		if token != s.appToken {
			return "invalid_auth"
		}
	case strings.HasPrefix(token, "xapp-"):
		return "not_allowed_token_type"
	case token != s.botToken:
		return "invalid_auth"
	case s.st.revoked:
		return "token_revoked"
	}
	return ""
}

// encode renders the body; decoded JSON and plain values always marshal.
func (res apiResult) encode() []byte {
	b, _ := json.Marshal(res.body)
	return b
}

func writeResult(w http.ResponseWriter, res apiResult, body []byte) {
	if res.drop {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // the server drops the connection itself
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if res.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(res.retryAfter))
	}
	status := res.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client may have gone; nothing to do
}

func (s *Server) authTest(*apiRequest) apiResult {
	res := map[string]any{
		"url":                   "https://" + s.teamDomain + ".slack.com/",
		"team":                  "Coachlog Demo",
		"user":                  "coachlog",
		"team_id":               s.teamID,
		"user_id":               s.botUserID,
		"bot_id":                s.botID,
		"is_enterprise_install": false,
	}
	// Slack names the organisation only on Enterprise Grid.
	if s.enterpriseID != "" {
		res["enterprise_id"] = s.enterpriseID
	}
	return okResult(res)
}

// conversationsOpen opens (or finds) the bot's DM with one user, or a group
// DM with several. Once users have been added, unknown users are refused.
func (s *Server) conversationsOpen(r *apiRequest) apiResult {
	if ch := r.param("channel"); ch != "" {
		return okResult(map[string]any{"channel": map[string]any{"id": ch}, "no_op": true, "already_open": true})
	}
	users := strings.Split(r.param("users"), ",")
	if r.param("users") == "" {
		return errResult("users_list_not_supplied")
	}
	for _, u := range users {
		if code := s.checkUserLocked(u); code != "" {
			return errResult(code)
		}
	}
	if len(users) > 1 {
		h := fnv.New32a()
		h.Write([]byte(strings.Join(users, ",")))
		return okResult(map[string]any{"channel": map[string]any{"id": fmt.Sprintf("G%08X", h.Sum32())}})
	}
	id := s.dmChannelLocked(users[0])
	already := s.st.dmsOpened[id]
	s.st.dmsOpened[id] = true
	ch := map[string]any{"id": id}
	if r.param("return_im") == "true" {
		ch = map[string]any{
			"id": id, "created": s.now().Unix(), "is_im": true, "is_org_shared": false,
			"user": users[0], "is_open": true, "last_read": "0000000000.000000",
			"latest": nil, "unread_count": 0, "unread_count_display": 0, "priority": 0,
		}
	}
	return okResult(map[string]any{"channel": ch, "no_op": already, "already_open": already})
}
