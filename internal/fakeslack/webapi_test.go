package fakeslack

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func TestPostMessageToUserOpensDMThenUpdate(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	api := apiClient(fake)

	ch, ts, err := api.PostMessageContext(ctx, "U0ALICE", slack.MsgOptionText("Session logged", false),
		slack.MsgOptionBlocks(buttonsBlock("", [2]string{"undo", "s1"})))
	if err != nil {
		t.Fatal(err)
	}
	if ch != "D0ALICE" {
		t.Errorf("channel = %q, want the DM D0ALICE", ch)
	}
	_, ts2, err := api.PostMessageContext(ctx, "U0ALICE", slack.MsgOptionText("second", false))
	if err != nil {
		t.Fatal(err)
	}
	if ts2 <= ts {
		t.Errorf("ts not increasing: %s then %s", ts, ts2)
	}
	m, ok := fake.Message("U0ALICE", ts)
	if !ok || m.Text != "Session logged" || m.Channel != "D0ALICE" || m.User != fake.BotUserID() {
		t.Fatalf("stored message = %+v, %v", m, ok)
	}
	var blocks []map[string]any
	if err := json.Unmarshal(m.Blocks, &blocks); err != nil || blocks[0]["block_id"] == "" || blocks[0]["block_id"] == nil {
		t.Errorf("blocks should get a generated block_id: %s", m.Blocks)
	}

	if _, _, _, err := api.UpdateMessageContext(ctx, ch, ts, slack.MsgOptionText("Session updated", false)); err != nil {
		t.Fatal(err)
	}
	if m, _ := fake.Message(ch, ts); m.Text != "Session updated" || m.Blocks == nil || !m.Edited {
		t.Errorf("after update = %+v (blocks must be kept when not sent)", m)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, ch, "1.000000", slack.MsgOptionText("x", false)); err == nil || err.Error() != "message_not_found" {
		t.Errorf("update of unknown ts: %v", err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C0NOPE", ts, slack.MsgOptionText("x", false)); err == nil || err.Error() != "channel_not_found" {
		t.Errorf("update in unknown channel: %v", err)
	}
	if got := len(fake.Messages("D0ALICE")); got != 2 {
		t.Errorf("messages in DM = %d", got)
	}

	call, err := fake.WaitForCall(ctx, "chat.update", func(c Call) bool { return c.Param("ts") == ts && c.Error == "" })
	if err != nil {
		t.Fatal(err)
	}
	if call.Token != fake.BotToken() || call.Param("text") != "Session updated" {
		t.Errorf("recorded call = %+v", call)
	}

	link, err := api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: ch, Ts: ts})
	if err != nil || !strings.Contains(link, "/archives/D0ALICE/p") {
		t.Errorf("permalink = %q, %v", link, err)
	}
	if _, _, err := api.DeleteMessageContext(ctx, ch, ts); err != nil {
		t.Fatal(err)
	}
	if _, ok := fake.Message(ch, ts); ok {
		t.Error("deleted message still there")
	}
}

func TestEphemeralAndConversationsOpen(t *testing.T) {
	fake := startFake(t, WithScopes(slices.Concat(DefaultScopes, []string{"im:write"})...))
	ctx := deadline(t)
	api := apiClient(fake)
	fake.AddUser(User{ID: "U0ALICE", Name: "alice"})

	c, _, already, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U0ALICE"}})
	if err != nil || c.ID != "D0ALICE" || already {
		t.Fatalf("open = %+v already=%v err=%v", c, already, err)
	}
	if _, _, already, _ := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U0ALICE"}}); !already {
		t.Error("second open should say already_open")
	}
	if _, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U0GHOST"}}); err == nil || err.Error() != "user_not_found" {
		t.Errorf("open with unknown user: %v", err)
	}
	ts, err := api.PostEphemeralContext(ctx, "C0GENERAL", "U0ALICE", slack.MsgOptionText("only you", false))
	if err != nil {
		t.Fatal(err)
	}
	eph := fake.Ephemerals("C0GENERAL")
	if len(eph) != 1 || eph[0].TS != ts || eph[0].Recipient != "U0ALICE" || len(fake.Messages("C0GENERAL")) != 0 {
		t.Errorf("ephemerals = %+v", eph)
	}
}

// A DM "is between two users": U0ANA and, on Enterprise Grid, W0ANA are
// two people, so the bot's DMs with them are two channels, whether opened
// with conversations.open or posted to by user id, and what the bot tells
// one is not in the other's DM.
func TestDMsOfUsersWithLikeIDsDiffer(t *testing.T) {
	fake := startFake(t, WithScopes(slices.Concat(DefaultScopes, []string{"im:write"})...))
	ctx := deadline(t)
	api := apiClient(fake)
	fake.AddUser(User{ID: "U0ANA", Name: "ana"})
	fake.AddUser(User{ID: "W0ANA", Name: "ana.grid"})

	open := func(user string) string {
		c, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
		if err != nil {
			t.Fatalf("open DM with %s: %v", user, err)
		}
		return c.ID
	}
	u, w := open("U0ANA"), open("W0ANA")
	if u == w {
		t.Fatalf("U0ANA and W0ANA share the DM %s", u)
	}
	if again := open("W0ANA"); again != w {
		t.Errorf("W0ANA's DM is %s, then %s", w, again)
	}
	ch, ts, err := api.PostMessageContext(ctx, "W0ANA", slack.MsgOptionText("for the grid Ana", false))
	if err != nil {
		t.Fatal(err)
	}
	if ch != w {
		t.Errorf("a post to W0ANA went to %s, want its DM %s", ch, w)
	}
	if got := fake.Messages("U0ANA"); len(got) != 0 {
		t.Errorf("U0ANA's DM shows %+v, posted to W0ANA", got)
	}
	if _, ok := fake.Message(w, ts); !ok {
		t.Errorf("the post is not in W0ANA's DM %s", w)
	}
}

func TestFaultsSurfaceAsSlackGoErrors(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	api := apiClient(fake)

	fake.FailNext("chat.postMessage", 1, Fault{Status: http.StatusTooManyRequests, RetryAfter: 7})
	fake.FailNext("chat.postMessage", 1, Fault{Error: "channel_not_found"})
	fake.FailNext("chat.postMessage", 1, Fault{Status: http.StatusServiceUnavailable})

	_, _, err := api.PostMessageContext(ctx, "C0GENERAL", slack.MsgOptionText("hi", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Errorf("429: %v", err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C0GENERAL", slack.MsgOptionText("hi", false)); err == nil || err.Error() != "channel_not_found" {
		t.Errorf("error fault: %v", err)
	}
	var sc slack.StatusCodeError
	if _, _, err := api.PostMessageContext(ctx, "C0GENERAL", slack.MsgOptionText("hi", false)); !errors.As(err, &sc) || sc.Code != 503 {
		t.Errorf("503 fault: %v", err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C0GENERAL", slack.MsgOptionText("hi", false)); err != nil {
		t.Errorf("faults should be used up: %v", err)
	}
	calls := fake.CallsTo("chat.postMessage")
	if len(calls) != 4 || calls[0].Status != 429 || calls[1].Error != "channel_not_found" {
		t.Errorf("recorded = %+v", calls)
	}

	fake.FailNext("chat.postMessage", 5, Fault{Error: "channel_not_found"})
	fake.ClearFaults("chat.postMessage")
	if _, _, err := api.PostMessageContext(ctx, "C0GENERAL", slack.MsgOptionText("hi", false)); err != nil {
		t.Errorf("faults should be cleared: %v", err)
	}
}

func TestTokensAndRevocation(t *testing.T) {
	// Four apps.connections.open in a row, one past Tier 1's burst (a
	// refused call counts too): this test is about the tokens, not the pace.
	fake := startFake(t, WithMethodRateLimit("apps.connections.open", time.Minute, 4))
	ctx := deadline(t)

	if _, err := apiClient(fake).AuthTestContext(ctx); err != nil {
		t.Fatal(err)
	}
	wrong := slack.New("xoxb-wrong", slack.OptionAPIURL(fake.APIURL()))
	if _, err := wrong.AuthTestContext(ctx); err == nil || err.Error() != "invalid_auth" {
		t.Errorf("wrong token: %v", err)
	}
	for _, tc := range []struct{ auth, want string }{
		{"", "not_authed"},
		{"Bearer " + fake.BotToken(), "not_allowed_token_type"},
		{"Bearer xapp-other", "invalid_auth"},
		{"Bearer " + fake.AppToken(), ""},
	} {
		if got := rawCall(t, fake, "apps.connections.open", tc.auth, ""); got != tc.want {
			t.Errorf("apps.connections.open with %q: error %q, want %q", tc.auth, got, tc.want)
		}
	}
	if got := rawCall(t, fake, "chat.postMessage", "Bearer "+fake.AppToken(), "channel=C1&text=x"); got != "not_allowed_token_type" {
		t.Errorf("app token on a bot method: %q", got)
	}
	if got := rawCall(t, fake, "no.such.method", "Bearer "+fake.BotToken(), ""); got != "unknown_method" {
		t.Errorf("unknown method: %q", got)
	}
	if len(fake.CallsTo("no.such.method")) != 1 {
		t.Error("unknown method not recorded")
	}

	fake.RevokeToken()
	if _, err := apiClient(fake).AuthTestContext(ctx); err == nil || err.Error() != "token_revoked" {
		t.Errorf("after revoke: %v", err)
	}
}

// rawCall posts a form to a method and returns the Slack error ("" if ok).
func rawCall(t *testing.T, s *Server, method, auth, form string) string {
	t.Helper()
	out := postRaw(t, s, method, "application/x-www-form-urlencoded", form, auth)
	if out.OK && method == "apps.connections.open" && !strings.HasPrefix(out.URL, "ws://127.0.0.1:") {
		t.Errorf("socket url = %q", out.URL)
	}
	return out.Error
}

// rawAnswer is what the fake answered a raw call.
type rawAnswer struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	URL   string `json:"url"`
}

// postRaw posts body as ctype to path (a method, maybe with a query),
// with auth as the Authorization header when it is not empty.
func postRaw(t *testing.T, s *Server, path, ctype, body, auth string) rawAnswer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.APIURL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out rawAnswer
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestUsersDirectory(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	api := apiClient(fake)
	for _, u := range []User{
		{ID: "U0ALICE", Name: "alice", RealName: "Alice Adams", Email: "alice@example.com", TZ: "Europe/Paris"},
		{ID: "U0BOB", Name: "bob", RealName: "Bob Brown", DisplayName: "bobby"},
		{ID: "W0CAROL", Name: "carol", RealName: "Carol Chen", Deleted: true},
		{ID: "U0HELPER", Name: "helper", IsBot: true},
		{ID: "U0DAN", Name: "dan"},
	} {
		fake.AddUser(u)
	}

	var ids []string
	pages := 0
	for p := api.GetUsersPaginated(slack.GetUsersOptionLimit(2)); ; {
		var err error
		p, err = p.Next(ctx)
		if p.Done(err) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, u := range p.Users {
			ids = append(ids, u.ID)
		}
	}
	want := "USLACKBOT U0BOT U0ALICE U0BOB W0CAROL U0HELPER U0DAN"
	if strings.Join(ids, " ") != want || pages != 4 {
		t.Errorf("users.list gave %v in %d pages, want %s in 4", ids, pages, want)
	}

	alice, err := api.GetUserInfoContext(ctx, "U0ALICE")
	if err != nil {
		t.Fatal(err)
	}
	if alice.Profile.Email != "alice@example.com" || alice.TZ != "Europe/Paris" || alice.Profile.RealName != "Alice Adams" ||
		(alice.TZOffset != 3600 && alice.TZOffset != 7200) {
		t.Errorf("alice = %+v", alice)
	}
	if _, err := api.GetUserInfoContext(ctx, "U0NOBODY"); err == nil || err.Error() != "user_not_found" {
		t.Errorf("unknown user: %v", err)
	}
	carol, _ := api.GetUserInfoContext(ctx, "W0CAROL")
	if carol == nil || !carol.Deleted {
		t.Errorf("carol = %+v", carol)
	}
	if u, err := api.GetUserByEmailContext(ctx, "ALICE@example.com"); err != nil || u.ID != "U0ALICE" {
		t.Errorf("lookup by email = %v, %v", u, err)
	}
	if got := rawCall(t, fake, "users.list", "Bearer "+fake.BotToken(), "cursor=bogus"); got != "invalid_cursor" {
		t.Errorf("bad cursor: %q", got)
	}
}

func TestFileUpload(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	content := "date,minutes\n2026-11-20,45\n"
	sum, err := apiClient(fake).UploadFileContext(ctx, slack.UploadFileParameters{
		Filename: "sessions.csv", FileSize: len(content), Reader: strings.NewReader(content),
		Channel: "D0ALICE", Title: "Sessions",
	})
	if err != nil {
		t.Fatal(err)
	}
	files := fake.Files()
	if len(files) != 1 || files[0].ID != sum.ID || string(files[0].Content) != content ||
		files[0].Channel != "D0ALICE" || !files[0].Completed || files[0].Title != "Sessions" {
		t.Errorf("files = %+v", files)
	}
	if len(fake.CallsTo(MethodUpload)) != 1 {
		t.Error("upload POST not recorded")
	}
}

func TestLatencyAndWaitForCallTimeout(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	fake.SetLatency("auth.test", 80*time.Millisecond)
	start := time.Now()
	if _, err := apiClient(fake).AuthTestContext(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("auth.test answered in %v despite latency", d)
	}

	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err := fake.WaitForCall(short, "chat.postMessage", nil)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "auth.test") {
		t.Errorf("timeout error = %v", err)
	}
}

// A post whose answer is held is in its channel already, for people to
// read, while the app still waits to hear where it went; the answer comes
// once released.
func TestHeldAnswersComeAfterThePostIsSeen(t *testing.T) {
	fake := startFake(t)
	fake.AddUser(User{ID: "U0ALICE", Name: "alice"})
	fake.AddUser(User{ID: "U0BOB", Name: "bob"})
	ctx := deadline(t)
	release := fake.HoldAnswers("chat.postMessage", func(c Call) bool { return c.Param("channel") == "U0ALICE" })
	type answer struct {
		ts  string
		err error
	}
	answered := make(chan answer, 1)
	go func() {
		_, ts, err := apiClient(fake).PostMessageContext(ctx, "U0ALICE", slack.MsgOptionText("Session logged", false))
		answered <- answer{ts, err}
	}()
	// The call is recorded once carried out, before its answer leaves.
	if _, err := fake.WaitForCall(ctx, "chat.postMessage", nil); err != nil {
		t.Fatal(err)
	}
	seen := fake.Messages("U0ALICE")
	if len(seen) != 1 {
		t.Fatalf("messages while the answer is held = %+v, want the post", seen)
	}
	// A post the hold does not match is answered meanwhile.
	if _, _, err := apiClient(fake).PostMessageContext(ctx, "U0BOB", slack.MsgOptionText("for Bob", false)); err != nil {
		t.Fatal(err)
	}
	// Were it not held, its answer would have come within a millisecond or two.
	select {
	case a := <-answered:
		t.Fatalf("the post was answered (%+v) while its answer was held", a)
	case <-time.After(100 * time.Millisecond):
	}
	release()
	a := <-answered
	if a.err != nil || a.ts != seen[0].TS {
		t.Fatalf("answer after release = %+v, want the ts of the post seen, %s", a, seen[0].TS)
	}
	// Released, the method answers at once again.
	if _, _, err := apiClient(fake).PostMessageContext(ctx, "U0ALICE", slack.MsgOptionText("again", false)); err != nil {
		t.Fatal(err)
	}
}

func TestJSONAndGETRequestsAreParsed(t *testing.T) {
	fake := startFake(t)
	body := `{"channel":"C1","text":"hi","blocks":[{"type":"divider"}]}`
	req, _ := http.NewRequest(http.MethodPost, fake.APIURL()+"chat.postMessage", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+fake.BotToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	c := fake.CallsTo("chat.postMessage")[0]
	var blocks []map[string]string
	if c.Error != "" || c.Param("text") != "hi" || c.Decode("blocks", &blocks) != nil || blocks[0]["type"] != "divider" {
		t.Errorf("json call = %+v", c)
	}

	q := url.Values{"channel": {"C1"}, "message_ts": {"1.2"}}
	req, _ = http.NewRequest(http.MethodGet, fake.APIURL()+"chat.getPermalink?"+q.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+fake.BotToken())
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if c := fake.CallsTo("chat.getPermalink")[0]; c.Param("message_ts") != "1.2" || c.Error != "message_not_found" {
		t.Errorf("get call = %+v", c)
	}
}

// A dropped connection reaches the client as a transport error, for Web
// API methods and response_urls alike.
func TestDroppedConnectionIsANetworkError(t *testing.T) {
	fake := startFake(t)
	ctx := deadline(t)
	fake.FailNext("chat.postMessage", 1, Fault{Drop: true})
	fake.FailNext(MethodResponseURL, 1, Fault{Drop: true})
	_, _, err := apiClient(fake).PostMessageContext(ctx, "C0GENERAL", slack.MsgOptionText("hi", false))
	var ue *url.Error
	if !errors.As(err, &ue) {
		t.Errorf("chat.postMessage: %v (%T), want a *url.Error", err, err)
	}
	connect(t, fake)
	cmd, err := fake.SlashCommand(ctx, "U0ALICE", "/coach", "")
	if err != nil {
		t.Fatal(err)
	}
	err = slack.PostWebhookContext(ctx, cmd.ResponseURL, &slack.WebhookMessage{Text: "hi"})
	if !errors.As(err, &ue) {
		t.Errorf("response_url: %v (%T), want a *url.Error", err, err)
	}
	if r := fake.Responses(); len(r) != 1 || r[0].Error != "dropped" {
		t.Errorf("responses = %+v", r)
	}
}

// Slack reads a token from an Authorization header or a URL-encoded POST
// body only: one in a JSON body or in the query string is not seen, and
// the call is not_authed. A client that puts it there works against
// nothing but a fake.
func TestTokenIsReadOnlyWhereSlackReadsIt(t *testing.T) {
	fake := startFake(t)
	call := func(path, ctype, body, auth string) string {
		t.Helper()
		return postRaw(t, fake, path, ctype, body, auth).Error
	}
	const form, jsonType = "application/x-www-form-urlencoded", "application/json; charset=utf-8"
	tok := fake.BotToken()
	for _, c := range []struct {
		name, path, ctype, body, auth, want string
	}{
		{"form body", "chat.postMessage", form, "channel=C1&text=x&token=" + tok, "", ""},
		{"bearer, form", "chat.postMessage", form, "channel=C1&text=x", "Bearer " + tok, ""},
		{"bearer, json", "chat.postMessage", jsonType, `{"channel":"C1","text":"x"}`, "Bearer " + tok, ""},
		{"json body", "chat.postMessage", jsonType, `{"channel":"C1","text":"x","token":"` + tok + `"}`, "", "not_authed"},
		{"query string", "chat.postMessage?token=" + tok, form, "channel=C1&text=x", "", "not_authed"},
		{"json views.publish", "views.publish", jsonType, `{"user_id":"U1","view":{"type":"home","blocks":[]},"token":"` + tok + `"}`, "", "not_authed"},
	} {
		if got := call(c.path, c.ctype, c.body, c.auth); got != c.want {
			t.Errorf("%s: error %q, want %q", c.name, got, c.want)
		}
	}
	for _, c := range fake.CallsTo("chat.postMessage") {
		if _, ok := c.Params["token"]; ok {
			t.Errorf("the token is recorded as a parameter: %v", c.Params)
		}
	}
}

// chat.update takes text, blocks or attachments; with none of them, or an
// empty text alone, Slack answers no_text and the message stays as it was,
// as it does when the blocks are refused.
func TestChatUpdateNeedsContent(t *testing.T) {
	blocks := `[` + section("new") + `]`
	for _, tc := range []struct {
		name   string
		params url.Values
		want   string // the error; "" when Slack takes the update
	}{
		{"nothing", url.Values{}, "no_text"},
		{"an empty text", url.Values{"text": {""}}, "no_text"},
		{"an empty text and no blocks", url.Values{"text": {""}, "blocks": {"[]"}}, "no_text"},
		{"a text", url.Values{"text": {"new"}}, ""},
		{"blocks and an empty text", url.Values{"text": {""}, "blocks": {blocks}}, ""},
		{"attachments", url.Values{"attachments": {`[{"text":"new"}]`}}, ""},
		{"a text and refused blocks", url.Values{"text": {"new"}, "blocks": {`[{"type":"nope"}]`}}, "invalid_blocks"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := startFake(t)
			posted := call(t, fake, "chat.postMessage", url.Values{"channel": {"C0GENERAL"}, "text": {"old"}, "blocks": {`[` + section("old") + `]`}})
			if !posted.OK {
				t.Fatalf("post: %+v", posted)
			}
			ts := fake.Messages("C0GENERAL")[0].TS
			tc.params.Set("channel", "C0GENERAL")
			tc.params.Set("ts", ts)
			a := call(t, fake, "chat.update", tc.params)
			if a.OK != (tc.want == "") || a.Error != tc.want {
				t.Fatalf("answer = %+v, want error %q", a, tc.want)
			}
			if m, _ := fake.Message("C0GENERAL", ts); tc.want != "" && (m.Text != "old" || m.Edited) {
				t.Errorf("a refused update changed the message: %+v", m)
			}
		})
	}
}

// A reply goes under a live message of its channel: a thread_ts that is no
// ts is invalid_thread_ts (and a problem: the app built it wrong), one
// that names no message there, or a deleted one, is thread_not_found.
func TestPostMessageThreadTS(t *testing.T) {
	fake := startFake(t, WithChannelRateLimit("chat.postMessage", 0, 0))
	parent := call(t, fake, "chat.postMessage", url.Values{"channel": {"C0GENERAL"}, "text": {"parent"}})
	gone := call(t, fake, "chat.postMessage", url.Values{"channel": {"C0GENERAL"}, "text": {"gone"}})
	if !parent.OK || !gone.OK {
		t.Fatalf("posts: %+v %+v", parent, gone)
	}
	msgs := fake.Messages("C0GENERAL")
	ts, goneTS := msgs[0].TS, msgs[1].TS
	if a := call(t, fake, "chat.delete", url.Values{"channel": {"C0GENERAL"}, "ts": {goneTS}}); !a.OK {
		t.Fatalf("delete: %+v", a)
	}
	for _, tc := range []struct {
		name, method, channel, threadTS, want string
	}{
		{"the parent", "chat.postMessage", "C0GENERAL", ts, ""},
		{"not a ts", "chat.postMessage", "C0GENERAL", "0", "invalid_thread_ts"},
		{"a channel id", "chat.postMessage", "C0GENERAL", "C0GENERAL", "invalid_thread_ts"},
		{"no such message", "chat.postMessage", "C0GENERAL", "1.000001", "thread_not_found"},
		{"a deleted parent", "chat.postMessage", "C0GENERAL", goneTS, "thread_not_found"},
		{"another channel's message", "chat.postMessage", "C0RANDOM", ts, "thread_not_found"},
		{"an ephemeral under the parent", "chat.postEphemeral", "C0GENERAL", ts, ""},
		{"an ephemeral under nothing", "chat.postEphemeral", "C0GENERAL", "1.000001", "thread_not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(fake.Messages(tc.channel)) + len(fake.Ephemerals(tc.channel))
			a := call(t, fake, tc.method, url.Values{"channel": {tc.channel}, "user": {"U0ALICE"}, "text": {"reply"}, "thread_ts": {tc.threadTS}})
			if a.OK != (tc.want == "") || a.Error != tc.want {
				t.Fatalf("answer = %+v, want error %q", a, tc.want)
			}
			if tc.want == "invalid_thread_ts" && (len(a.Meta.Messages) != 1 || !strings.Contains(a.Meta.Messages[0], "is not a valid thread_ts")) {
				t.Errorf("messages = %q", a.Meta.Messages)
			}
			after := len(fake.Messages(tc.channel)) + len(fake.Ephemerals(tc.channel))
			if tc.want != "" && after != before {
				t.Errorf("a refused reply was posted")
			}
		})
	}
	var codes []string
	for _, p := range fake.Problems() {
		codes = append(codes, p.Code)
	}
	if !slices.Equal(codes, []string{"invalid_thread_ts", "invalid_thread_ts"}) {
		t.Errorf("problems = %q, want the two malformed thread_ts only", codes)
	}
}

// A text of only whitespace is no text: chat.postMessage, chat.postEphemeral
// and chat.update answer no_text unless blocks come with it.
func TestWhitespaceTextIsNoText(t *testing.T) {
	blocks := `[` + section("hello") + `]`
	for _, tc := range []struct {
		name   string
		params url.Values
		want   string
	}{
		{"spaces", url.Values{"text": {"   "}}, "no_text"},
		{"a newline and a tab", url.Values{"text": {"\n\t"}}, "no_text"},
		{"spaces and no blocks", url.Values{"text": {" "}, "blocks": {"[]"}}, "no_text"},
		{"spaces and blocks", url.Values{"text": {" "}, "blocks": {blocks}}, ""},
		{"a word among spaces", url.Values{"text": {"  hi "}}, ""},
	} {
		for _, method := range []string{"chat.postMessage", "chat.postEphemeral", "chat.update"} {
			t.Run(tc.name+"/"+method, func(t *testing.T) {
				fake := startFake(t)
				if a := call(t, fake, "chat.postMessage", url.Values{"channel": {"C0GENERAL"}, "text": {"old"}}); !a.OK {
					t.Fatalf("post: %+v", a)
				}
				ts := fake.Messages("C0GENERAL")[0].TS
				params := url.Values{"channel": {"C0GENERAL"}, "user": {"U0ALICE"}, "ts": {ts}}
				for k, v := range tc.params {
					params[k] = v
				}
				a := call(t, fake, method, params)
				if a.OK != (tc.want == "") || a.Error != tc.want {
					t.Fatalf("answer = %+v, want error %q", a, tc.want)
				}
				if m, _ := fake.Message("C0GENERAL", ts); tc.want != "" && (m.Text != "old" || m.Edited) {
					t.Errorf("a refused update changed the message: %+v", m)
				}
			})
		}
	}
}

// Past 4,000 characters of text Slack may answer msg_too_long
// (maxMessageTextRunes): the fake does, records a problem and keeps
// nothing, for chat.postMessage, chat.postEphemeral and chat.update.
func TestLongTextIsRefusedAsTooLong(t *testing.T) {
	long := strings.Repeat("é", maxMessageTextRunes) // runes, not bytes, count
	for _, tc := range []struct {
		name string
		text string
		want string
	}{
		{"at the limit", long, ""},
		{"past it", long + "x", "msg_too_long"},
	} {
		for _, method := range []string{"chat.postMessage", "chat.postEphemeral", "chat.update"} {
			t.Run(tc.name+"/"+method, func(t *testing.T) {
				fake := startFake(t)
				if a := call(t, fake, "chat.postMessage", url.Values{"channel": {"C0GENERAL"}, "text": {"old"}}); !a.OK {
					t.Fatalf("post: %+v", a)
				}
				ts := fake.Messages("C0GENERAL")[0].TS
				a := call(t, fake, method, url.Values{"channel": {"C0GENERAL"}, "user": {"U0ALICE"}, "ts": {ts}, "text": {tc.text}})
				if a.OK != (tc.want == "") || a.Error != tc.want {
					t.Fatalf("answer = %+v, want error %q", a, tc.want)
				}
				stored := append(fake.Messages("C0GENERAL"), fake.Ephemerals("C0GENERAL")...)
				kept := slices.ContainsFunc(stored, func(m Message) bool { return m.Text == tc.text })
				if kept != (tc.want == "") {
					t.Errorf("the text was kept: %v, want %v", kept, tc.want == "")
				}
				if p := fake.Problems(); (len(p) == 1 && p[0].Code == "msg_too_long" && p[0].Where == method) != (tc.want != "") {
					t.Errorf("problems = %v", p)
				}
			})
		}
	}
}
