package fakeslack

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// A file is shared into a channel by its encoded id: a user id is refused
// as Slack refuses it, and so is a DM the bot has with nobody; the DM id a
// chat.postMessage to the user answered with works.
func TestAFileIsSharedIntoAChannelByItsID(t *testing.T) {
	fake := startFake(t, WithScopes(slices.Concat(DefaultScopes, []string{"files:write"})...))
	fake.AddUser(User{ID: "U0ALICE01", Name: "alice"})
	ctx := deadline(t)
	api := apiClient(fake)
	upload := func(channel string) error {
		_, err := api.UploadFileContext(ctx, slack.UploadFileParameters{Filename: "a.csv", FileSize: 3,
			Reader: strings.NewReader("a,b"), Channel: channel})
		return err
	}
	for _, c := range []struct{ channel, code string }{
		{"U0ALICE01", "invalid_arguments"}, // a user id
		{"W0ALICE01", "invalid_arguments"},
		{"D0NOBODY1", "channel_not_found"}, // nobody's DM with the bot
	} {
		err := upload(c.channel)
		var se slack.SlackErrorResponse
		if !errors.As(err, &se) || se.Err != c.code {
			t.Errorf("shared into %s: err = %v, want %s", c.channel, err, c.code)
		}
	}
	ch, _, err := api.PostMessageContext(ctx, "U0ALICE01", slack.MsgOptionText("here it comes", false))
	if err != nil {
		t.Fatal(err)
	}
	if err := upload(ch); err != nil {
		t.Fatalf("shared into the DM %s: %v", ch, err)
	}
	if err := upload(""); err != nil {
		t.Fatalf("kept private: %v", err)
	}
	var shared []string
	for _, f := range fake.Files() {
		if f.Completed {
			shared = append(shared, f.Channel)
		}
	}
	if !slices.Equal(shared, []string{ch, ""}) {
		t.Errorf("files completed into %q, want the DM %s and one private", shared, ch)
	}
}

// Checking a share into a DM hands out no DM ids: which of U0… and W0…
// gets D0… depends on who the bot met first, never on a file shared into a
// DM nobody was given, which Slack refuses.
func TestSharingIntoAnUnknownDMHandsOutNoDMIDs(t *testing.T) {
	fake := startFake(t, WithScopes(slices.Concat(DefaultScopes, []string{"files:write"})...))
	fake.AddUser(User{ID: "U0BOB0001", Name: "bob"})
	fake.AddUser(User{ID: "W0BOB0001", Name: "bob.grid"})
	ctx := deadline(t)
	api := apiClient(fake)
	_, err := api.UploadFileContext(ctx, slack.UploadFileParameters{Filename: "a.csv", FileSize: 3,
		Reader: strings.NewReader("a,b"), Channel: "D0BOB0001"})
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "channel_not_found" {
		t.Errorf("shared into D0BOB0001 before the bot had any DM: err = %v, want channel_not_found", err)
	}
	ch, _, err := api.PostMessageContext(ctx, "W0BOB0001", slack.MsgOptionText("hi", false))
	if err != nil {
		t.Fatal(err)
	}
	if ch != "D0BOB0001" {
		t.Errorf("the bot's first DM, with W0BOB0001, is %s, want D0BOB0001 as without the share", ch)
	}
	if _, err := api.UploadFileContext(ctx, slack.UploadFileParameters{Filename: "a.csv", FileSize: 3,
		Reader: strings.NewReader("a,b"), Channel: ch}); err != nil {
		t.Errorf("shared into the DM %s: %v", ch, err)
	}
}
