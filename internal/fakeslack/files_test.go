package fakeslack

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// upload POSTs body to an upload_url as a raw body, and returns the status.
func upload(t *testing.T, uploadURL string, body []byte) int {
	t.Helper()
	resp, err := http.Post(uploadURL, "application/octet-stream", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// ticket asks for an upload URL for a file of length bytes.
func ticket(t *testing.T, fake *Server, length int) (id, uploadURL string) {
	t.Helper()
	u, err := apiClient(fake).GetUploadURLExternalContext(deadline(t), slack.GetUploadURLExternalParameters{FileName: "chart.png", FileSize: length})
	if err != nil {
		t.Fatalf("getUploadURLExternal: %v", err)
	}
	return u.FileID, u.UploadURL
}

// files.getUploadURLExternal wants a filename and a length, as Slack's
// reference says; a length of 0 is missing_argument, an alt_txt past 1,000
// characters alt_txt_too_large.
func TestGetUploadURLExternalArguments(t *testing.T) {
	fake := startFake(t)
	for _, c := range []struct {
		name   string
		params url.Values
		want   string
	}{
		{"no filename", url.Values{"length": {"3"}}, "invalid_arguments"},
		{"no length", url.Values{"filename": {"a.png"}}, "invalid_arguments"},
		{"a length that is no number", url.Values{"filename": {"a.png"}, "length": {"3kb"}}, "invalid_arguments"},
		{"length 0", url.Values{"filename": {"a.png"}, "length": {"0"}}, "missing_argument"},
		{"alt text too long", url.Values{"filename": {"a.png"}, "length": {"3"}, "alt_txt": {strings.Repeat("a", 1001)}}, "alt_txt_too_large"},
		{"all there", url.Values{"filename": {"a.png"}, "length": {"3"}, "alt_txt": {strings.Repeat("a", 1000)}}, ""},
	} {
		a := call(t, fake, "files.getUploadURLExternal", c.params)
		if a.Error != c.want || a.OK != (c.want == "") {
			t.Errorf("%s: ok %v, error %q; want %q", c.name, a.OK, a.Error, c.want)
		}
	}
	if bare := startFake(t, WithScopes("chat:write")); call(t, bare, "files.getUploadURLExternal",
		url.Values{"filename": {"a.png"}, "length": {"3"}}).Error != "missing_scope" {
		t.Error("a bot without files:write got an upload URL")
	}
}

// The bytes must be the length announced; a file is completed once, and
// only after its bytes arrived.
func TestUploadAndCompleteRefuseWhatSlackRefuses(t *testing.T) {
	fake := startFake(t)
	complete := func(id string, extra url.Values) answer {
		p := url.Values{"files": {fmt.Sprintf(`[{"id":%q,"title":"Chart"}]`, id)}}
		for k, v := range extra {
			p[k] = v
		}
		return call(t, fake, "files.completeUploadExternal", p)
	}

	id, u := ticket(t, fake, 5)
	if got := complete(id, nil); got.Error != "file_not_found" {
		t.Errorf("completing a file never uploaded: %q, want file_not_found", got.Error)
	}
	if got := upload(t, u, []byte("four")); got != http.StatusBadRequest {
		t.Errorf("4 bytes for a 5-byte ticket: HTTP %d, want 400", got)
	}
	if got := complete(id, nil); got.Error != "file_not_found" {
		t.Errorf("completing a file whose upload was refused: %q, want file_not_found", got.Error)
	}
	if got := upload(t, u, []byte("five!")); got != http.StatusOK {
		t.Fatalf("5 bytes: HTTP %d, want 200", got)
	}
	if got := complete(id, url.Values{"channel_id": {"C0LEADS"}, "thread_ts": {"1.000100"}}); !got.OK {
		t.Fatalf("complete: %q", got.Error)
	}
	if got := complete(id, url.Values{"channel_id": {"C0LEADS"}}); got.Error != "file_not_found" {
		t.Errorf("completing it again: %q, want file_not_found (the method can only be called once)", got.Error)
	}
	if got := upload(t, u, []byte("five!")); got != http.StatusNotFound {
		t.Errorf("uploading to a completed file's URL: HTTP %d, want 404", got)
	}
	if got := upload(t, fake.URL()+"/upload/F9999", []byte("x")); got != http.StatusNotFound {
		t.Errorf("uploading to an unknown file: HTTP %d, want 404", got)
	}
	f := fake.Files()[0]
	if !f.Completed || string(f.Content) != "five!" || f.Channel != "C0LEADS" || f.ThreadTS != "1.000100" || f.Title != "Chart" {
		t.Errorf("file = %+v", f)
	}
	if got := call(t, fake, "files.completeUploadExternal", url.Values{}); got.Error != "invalid_arguments" {
		t.Errorf("no files: %q, want invalid_arguments", got.Error)
	}
	id2, u2 := ticket(t, fake, 1)
	upload(t, u2, []byte("x"))
	if got := complete(id2, url.Values{"channels": {"C1,C2"}, "thread_ts": {"1.000100"}}); got.Error != "invalid_arguments" {
		t.Errorf("a thread in two channels: %q, want invalid_arguments", got.Error)
	}
	many := slices.Repeat([]string{"C1"}, 101)
	if got := complete(id2, url.Values{"channels": {strings.Join(many, ",")}}); got.Error != "channels_limit_exceeded" {
		t.Errorf("101 channels: %q, want channels_limit_exceeded", got.Error)
	}
	for _, p := range fake.Problems() {
		if p.Code != "file_not_found" && p.Code != "invalid_arguments" && p.Code != "channels_limit_exceeded" {
			t.Errorf("unexpected problem %s", p)
		}
	}
	if len(fake.Problems()) == 0 {
		t.Error("completing a file never uploaded is not recorded as something Slack refuses")
	}
}

// Once a test names channels, a file shared to one the bot is not in is
// not_in_channel, and to one Slack does not know channel_not_found, as for
// posts.
func TestSharingNeedsTheBotInTheChannel(t *testing.T) {
	fake := startFake(t)
	fake.AddChannel("C0LEADS", true)
	fake.AddChannel("C0SECRET", false)
	api := apiClient(fake)
	ctx := deadline(t)
	for _, c := range []struct{ channel, want string }{{"C0LEADS", ""}, {"C0SECRET", "not_in_channel"}, {"C0NOPE", "channel_not_found"}} {
		_, err := api.UploadFileContext(ctx, slack.UploadFileParameters{Filename: "c.png", FileSize: 3, Reader: strings.NewReader("png"), Channel: c.channel})
		if got := errCode(err); got != c.want {
			t.Errorf("share in %s: %q, want %q", c.channel, got, c.want)
		}
		_, _, err = api.PostMessageContext(ctx, c.channel, slack.MsgOptionText("hi", false))
		if got := errCode(err); got != c.want {
			t.Errorf("post in %s: %q, want %q", c.channel, got, c.want)
		}
	}
	if _, _, err := api.PostMessageContext(ctx, "U0ALICE", slack.MsgOptionText("a DM", false)); err != nil {
		t.Errorf("a DM was refused: %v", err)
	}
}

func errCode(err error) string {
	if err == nil {
		return ""
	}
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		return se.Err
	}
	return err.Error()
}
