package main

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/slackbot"
)

// notOpened is what every "the form did not open" notice says.
const notOpened = "Slack did not open the form"

// Where someone is told that their form did not open: a new message
// through the interaction's response_url, a notice at the top of their App
// Home tab, or a DM.
const (
	viaResponse = "response_url"
	viaHome     = "home"
	viaDM       = "dm"
)

// formOpener is a way to open a form: start brings a bot to where the
// person can use it, and returns the use, which sends the interaction.
type formOpener struct {
	name  string
	user  string
	start func(t *testing.T) (*bot, func() fakeslack.Interaction)
	via   string
	want  string // what the notice says besides notOpened
}

// formOpeners are every interaction that opens a form with views.open:
// the log form from a button (in a nudge DM, a /coach team reply, the App
// Home tab) or a shortcut (global, on a message), or /coach with prose for
// the LLM; the edit form from a receipt, /coach history, a dispute notice
// or the App Home; a rep's Not accurate and comment forms from their DM.
func formOpeners() []formOpener {
	return []formOpener{
		{"log for a rep from a nudge", mgr, func(t *testing.T) (*bot, func() fakeslack.Interaction) {
			b := surfacesOrg(t)
			if out, err := b.cli("nudge"); err != nil {
				t.Fatalf("nudge: %v\n%s", err, out)
			}
			nudge := b.waitMessage(mgr, "log_for_rep")
			return b, func() fakeslack.Interaction {
				return b.must(b.fake.ClickButtonWithValue(ctxT(t), mgr, nudge.Channel, nudge.TS, "log_for_rep", cy))
			}
		}, viaResponse, "nothing was logged. Click *Log coaching* again"},
		{"log for a rep from /coach team", mgr, func(t *testing.T) (*bot, func() fakeslack.Interaction) {
			b := surfacesOrg(t)
			in := b.must(b.fake.SlashCommand(ctxT(t), mgr, "/coach", "team"))
			b.response(in.ResponseURL)
			return b, func() fakeslack.Interaction {
				return b.must(b.fake.ClickResponseButton(ctxT(t), mgr, in.ResponseURL, "log_for_rep", fakeslack.ButtonValue(cy)))
			}
		}, viaResponse, "nothing was logged. Click *Log coaching* again"},
		{"log from the App Home", mgr, func(t *testing.T) (*bot, func() fakeslack.Interaction) {
			b := surfacesOrg(t)
			return b, b.homeClick(mgr, "log_open")
		}, viaHome, "nothing was logged. Click *Log coaching* again"},
		{"log for a rep from the App Home", mgr, func(t *testing.T) (*bot, func() fakeslack.Interaction) {
			b := surfacesOrg(t)
			return b, b.homeClick(mgr, "log_for_rep")
		}, viaHome, "nothing was logged. Click *Log coaching* again"},
		{"global shortcut", mgr, func(t *testing.T) (*bot, func() fakeslack.Interaction) {
			b := startBot(t)
			return b, func() fakeslack.Interaction {
				return b.must(b.fake.GlobalShortcut(ctxT(t), mgr, slackbot.CallbackGlobalShortcut))
			}
		}, viaDM, "nothing was logged. Use the *Log coaching* shortcut again"},
		{"message shortcut", mgr, func(t *testing.T) (*bot, func() fakeslack.Interaction) {
			b := startBot(t)
			return b, func() fakeslack.Interaction {
				return b.must(b.fake.MessageShortcut(ctxT(t), mgr, "log_coaching", "C0SALES", "PRIVATE: pricing talk", "1700000000.000100", rep))
			}
		}, viaResponse, "nothing was logged. Use *Log coaching* on the message again"},
		{"/coach with prose for the LLM", mgr, func(t *testing.T) (*bot, func() fakeslack.Interaction) {
			b := startBot(t, llmEnv(startOpenAI(t), false)...)
			return b, func() fakeslack.Interaction { return b.must(b.fake.SlashCommand(ctxT(t), mgr, "/coach", rodeAlong)) }
		}, viaResponse, "nothing was logged. Type `/coach` again"},
		{"edit from the receipt", mgr, func(t *testing.T) (*bot, func() fakeslack.Interaction) {
			b := startBot(t)
			in := b.must(b.fake.SlashCommand(ctxT(t), mgr, "/coach", "<@"+rep+"|sam> 1:1 30m"))
			b.response(in.ResponseURL)
			return b, func() fakeslack.Interaction {
				return b.must(b.fake.ClickResponseButton(ctxT(t), mgr, in.ResponseURL, "session_edit"))
			}
		}, viaResponse, "nothing was changed. Click *Edit* again"},
		{"edit from /coach history", mgr, func(t *testing.T) (*bot, func() fakeslack.Interaction) {
			b := startBot(t)
			b.quickLog(rep, 1)
			hist := b.history("")
			return b, func() fakeslack.Interaction {
				return b.must(b.fake.ClickResponseButton(ctxT(t), mgr, hist.URL, "session_edit"))
			}
		}, viaResponse, "nothing was changed. Click *Edit* again"},
		{"edit from a dispute notice", mgr, func(t *testing.T) (*bot, func() fakeslack.Interaction) {
			b := startBot(t)
			if ack := b.dispute(b.logPending(), "We never met"); len(ack.Payload) != 0 {
				t.Fatalf("dispute ack = %s", ack.Payload)
			}
			notice := b.waitMessage(mgr, "session_edit")
			return b, func() fakeslack.Interaction {
				return b.must(b.fake.ClickButton(ctxT(t), mgr, notice.Channel, notice.TS, "session_edit"))
			}
		}, viaResponse, "nothing was changed. Click *Edit* again"},
		{"edit from the App Home", mgr, func(t *testing.T) (*bot, func() fakeslack.Interaction) {
			b := surfacesOrg(t)
			return b, b.homeClick(mgr, "session_edit")
		}, viaHome, "nothing was changed. Click *Edit* again"},
		{"a rep's Not accurate", rep, func(t *testing.T) (*bot, func() fakeslack.Interaction) {
			b := startBot(t)
			dm := b.logPending()
			return b, func() fakeslack.Interaction {
				return b.must(b.fake.ClickButton(ctxT(t), rep, dm.Channel, dm.TS, "rep_dispute"))
			}
		}, viaResponse, "nothing was saved. Click *Not accurate* again"},
		{"a rep's comment", rep, func(t *testing.T) (*bot, func() fakeslack.Interaction) {
			b := startBot(t)
			b.logConfirmed()
			dm := b.waitMessage(rep, "rep_comment")
			return b, func() fakeslack.Interaction {
				return b.must(b.fake.ClickButton(ctxT(t), rep, dm.Channel, dm.TS, "rep_comment"))
			}
		}, viaResponse, "nothing was saved. Click the comment button again"},
	}
}

// A click or a shortcut is acknowledged before its form opens: when Slack
// then does not open it (views.open fails: the trigger expired while Slack
// or the bot was slow, or Slack refused the view), the person is told
// where they are that the form did not open, that nothing was saved and
// what to do, instead of seeing nothing; nothing else is written. A
// message they clicked keeps its buttons: the notice is a new message.
func TestAFormSlackDoesNotOpenIsToldWhereThePersonIs(t *testing.T) {
	t.Parallel()
	for _, tt := range formOpeners() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, use := tt.start(t)
			before := b.export()
			b.fake.FailNext("views.open", 1, fakeslack.Fault{Error: "internal_error"})
			in := use()
			if call := b.viewsOpen(in); call.Error == "" {
				t.Fatal("views.open did not fail as the test asked")
			}
			b.waitNotice(tt.user, in, tt.via)
			if got := b.notices(tt.user, in); len(got) != 1 || !strings.Contains(got[0].text, notOpened+", so "+tt.want) {
				t.Errorf("notices = %+v, want one by %s saying %q", got, tt.via, tt.want)
			}
			if tt.via == viaResponse {
				for _, r := range b.fake.Responses() {
					if r.URL == in.ResponseURL && (r.ReplaceOriginal || r.DeleteOriginal) {
						t.Errorf("the notice replaced or deleted the message clicked: %+v", r)
					}
				}
			}
			b.stop()
			if after := b.export(); !reflect.DeepEqual(before, after) {
				t.Errorf("a form that did not open changed what is stored:\nbefore %+v\nafter  %+v", before, after)
			}
			if open := b.fake.OpenModals(tt.user); len(open) != 0 {
				t.Errorf("modals open: %v", open)
			}
		})
	}
}

// A form Slack opens brings no such notice.
func TestAFormSlackOpensBringsNoNotice(t *testing.T) {
	t.Parallel()
	for _, tt := range formOpeners() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, use := tt.start(t)
			in := use()
			if call := b.viewsOpen(in); call.Error != "" {
				t.Fatalf("views.open failed: %s", call.Error)
			}
			b.stop() // every handler has finished
			if got := b.notices(tt.user, in); len(got) != 0 {
				t.Errorf("a form that opened was followed by %+v", got)
			}
		})
	}
}

// must returns in, failing the test on err.
func (b *bot) must(in fakeslack.Interaction, err error) fakeslack.Interaction {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
	return in
}

// response waits for the first answer through url.
func (b *bot) response(url string) fakeslack.Response {
	b.t.Helper()
	r, err := b.fake.WaitForResponse(ctxT(b.t), func(r fakeslack.Response) bool { return r.URL == url })
	if err != nil {
		b.t.Fatal(err)
	}
	return r
}

// responseSaying waits for an answer through url whose text holds want.
func (b *bot) responseSaying(url, want string) fakeslack.Response {
	b.t.Helper()
	r, err := b.fake.WaitForResponse(ctxT(b.t), func(r fakeslack.Response) bool { return r.URL == url && strings.Contains(r.Text, want) })
	if err != nil {
		b.t.Fatal(err)
	}
	return r
}

// clickComment waits for the comment button on a rep's DM and presses it
// as the rep.
func (b *bot) clickComment(dm fakeslack.Message) fakeslack.Interaction {
	b.t.Helper()
	eventually(b.t, "the DM to offer a comment", func() bool {
		m, _ := b.fake.Message(dm.Channel, dm.TS)
		return slices.Contains(actionIDs(m.Blocks), "rep_comment")
	})
	return b.must(b.fake.ClickButton(ctxT(b.t), rep, dm.Channel, dm.TS, "rep_comment"))
}

// waitMessage waits for a message to user (in the bot's DM) with a
// button actionID and returns the latest such.
func (b *bot) waitMessage(user, actionID string) fakeslack.Message {
	b.t.Helper()
	var found fakeslack.Message
	eventually(b.t, "a DM to "+user+" with "+actionID, func() bool {
		for _, m := range b.fake.Messages(user) {
			if slices.Contains(actionIDs(m.Blocks), actionID) {
				found = m
			}
		}
		return found.TS != ""
	})
	return found
}

// homeClick opens user's App Home tab and returns a click on its first
// button actionID. It waits for the publish the opening asks for: a tab
// published before it may hold the button already, and the opening's
// publish, landing after the click's, would wipe the notice it brings.
func (b *bot) homeClick(user, actionID string) func() fakeslack.Interaction {
	b.t.Helper()
	before := publishesTo(b, user)
	if _, err := b.fake.AppHomeOpened(ctxT(b.t), user, "home"); err != nil {
		b.t.Fatal(err)
	}
	var viewID, blockID string
	eventually(b.t, user+"'s Home with "+actionID, func() bool {
		raw, ok := b.fake.Home(user)
		if !ok || publishesTo(b, user) == before {
			return false
		}
		var v struct {
			ID     string            `json:"id"`
			Blocks []json.RawMessage `json:"blocks"`
		}
		if json.Unmarshal(raw, &v) != nil {
			return false
		}
		for _, blk := range v.Blocks {
			if slices.Contains(actionIDs(blk), actionID) {
				var id struct {
					BlockID string `json:"block_id"`
				}
				_ = json.Unmarshal(blk, &id)
				viewID, blockID = v.ID, id.BlockID
				return true
			}
		}
		return false
	})
	return func() fakeslack.Interaction {
		return b.must(b.fake.ClickViewAction(ctxT(b.t), user, viewID, blockID, actionID, nil))
	}
}

// notice is a "form did not open" notice someone got, and how.
type notice struct{ via, text string }

// notices lists the notices user got about in: through its response_url,
// at the top of their Home tab, in their DM.
func (b *bot) notices(user string, in fakeslack.Interaction) []notice {
	var out []notice
	for _, r := range b.fake.Responses() {
		if text := r.Text + blocksText(r.Blocks); in.ResponseURL != "" && r.URL == in.ResponseURL && strings.Contains(text, notOpened) {
			out = append(out, notice{viaResponse, text})
		}
	}
	if _, blocks := homeBlocks(b.t, b, user); strings.Contains(firstBlockText(blocks), notOpened) {
		out = append(out, notice{viaHome, firstBlockText(blocks)})
	}
	for _, m := range b.fake.Messages(user) {
		if text := m.Text + blocksText(m.Blocks); strings.Contains(text, notOpened) {
			out = append(out, notice{viaDM, text})
		}
	}
	return out
}

// waitNotice waits for a notice about in to reach user via.
func (b *bot) waitNotice(user string, in fakeslack.Interaction, via string) {
	b.t.Helper()
	eventually(b.t, "the notice by "+via, func() bool {
		for _, n := range b.notices(user, in) {
			if n.via == via {
				return true
			}
		}
		return false
	})
}
