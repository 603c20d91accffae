package outbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/outbox"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// slackPoster sends every message as a chat.postMessage to a fake Slack,
// the way the bot's Sender posts: to the address the message names, in
// its thread when it has one, a 429 read as a rate limit.
type slackPoster struct{ fake *fakeslack.Server }

func (s slackPoster) Send(ctx context.Context, m coaching.Message, _ *coaching.Posted) (*coaching.Posted, error) {
	form := url.Values{"token": {s.fake.BotToken()}, "channel": {m.To}, "text": {string(m.Kind)}}
	if m.ThreadTS != "" {
		form.Set("thread_ts", m.ThreadTS)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.fake.APIURL()+"chat.postMessage", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusTooManyRequests {
		secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		return nil, &outbox.Error{Class: outbox.RateLimited, Method: "chat.postMessage", RetryAfter: time.Duration(secs) * time.Second,
			Err: errors.New("ratelimited")}
	}
	var ans struct {
		OK      bool   `json:"ok"`
		Error   string `json:"error"`
		Channel string `json:"channel"`
		TS      string `json:"ts"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&ans); err != nil {
		return nil, err
	}
	if !ans.OK {
		return nil, &outbox.Error{Class: outbox.Permanent, Method: "chat.postMessage", Err: errors.New(ans.Error)}
	}
	return &coaching.Posted{Channel: ans.Channel, TS: ans.TS}, nil
}

// refused counts the calls to method the fake answered 429.
func refused(fake *fakeslack.Server, method string) int {
	n := 0
	for _, c := range fake.CallsTo(method) {
		if c.Status == http.StatusTooManyRequests {
			n++
		}
	}
	return n
}

// A manager's DMs are posted to their user id, while the reply under
// their not-accurate DM (edit_saved) is addressed to the DM's own id, the
// thread's channel as the interaction named it. Slack counts both in the
// one DM (fakeslack does too), so the pacer must: paced as two channels,
// a burst to each went at once and Slack refused one with a 429.
func TestADMAddressedByItsIDAndByItsUserIsPacedAsOneChannel(t *testing.T) {
	const mgr = "U0MAX"
	for _, order := range []string{"the reply first", "the DMs first"} {
		t.Run(order, func(t *testing.T) {
			clk := &clock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
			fake := fakeslack.New(fakeslack.WithClock(clk.Now))
			if err := fake.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { fake.Close() })
			fake.AddUser(fakeslack.User{ID: mgr, Name: "max"})
			st, err := sqlite.Open(context.Background(), migratedDB(t), sqlite.Options{Now: clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			w := outbox.NewWorker(st, slackPoster{fake}, outbox.Options{Now: clk.Now, Sleep: clk.Sleep,
				Pacer: outbox.NewPacer(outbox.SlackLimits(), clk.Now)})

			reply := coaching.Message{Kind: coaching.MsgEditSaved, Op: coaching.OpPost, To: fake.DMChannel(mgr), ThreadTS: "1764147600.000100"}
			var dms []coaching.Message
			for i := range 4 {
				dms = append(dms, coaching.Message{Kind: coaching.MsgDisputeNotice, Op: coaching.OpPost, Key: fmt.Sprintf("n%d", i), To: mgr})
			}
			if order == "the reply first" {
				enqueue(t, st, append([]coaching.Message{reply}, dms...)...)
			} else {
				enqueue(t, st, append(dms, reply)...)
			}
			drainFor(t, w, clk, 10*time.Second)

			if n := refused(fake, "chat.postMessage"); n != 0 {
				t.Errorf("Slack answered %d posts 429: the DM was paced as two channels", n)
			}
			if sent := len(fake.CallsTo("chat.postMessage")); sent != 5 {
				t.Errorf("%d posts reached Slack, want the 5 queued, once each", sent)
			}
		})
	}
}
