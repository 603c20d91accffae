package main

import (
	"cmp"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/fakeslack"
)

// realPayload is a real Slack payload of internal/fakeslack/testdata (the
// payload of its Socket Mode envelope, or the file itself, as sent over
// HTTP) with only what a test must change: each id of ids replaced
// wherever it appears in a string, and each dotted path of set ("user.id",
// "actions.0.action_id") given a value. A path must lead through what the
// fixture has, so a rewrite cannot invent a shape Slack does not send.
func realPayload(t *testing.T, name string, ids map[string]string, set map[string]any) json.RawMessage {
	t.Helper()
	raw, err := fakeslack.Fixture(name)
	if err != nil {
		t.Fatal(err)
	}
	var payload any
	if err := json.Unmarshal(raw, &payload); err != nil {
		t.Fatal(err)
	}
	payload = replaceIDs(payload, ids)
	for path, v := range set {
		if err := setPath(payload, strings.Split(path, "."), v); err != nil {
			t.Fatalf("%s: set %s: %v", name, path, err)
		}
	}
	out, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// replaceIDs is v with every id of ids replaced in its strings, in one
// pass, the longest id first where two start at one place: in map order,
// "U1" could be replaced inside "U12" before "U12" is, and an id put in
// could be replaced again.
func replaceIDs(v any, ids map[string]string) any {
	olds := slices.Collect(maps.Keys(ids))
	slices.SortFunc(olds, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	pairs := make([]string, 0, 2*len(olds))
	for _, old := range olds {
		pairs = append(pairs, old, ids[old])
	}
	return replaceWith(v, strings.NewReplacer(pairs...))
}

func replaceWith(v any, r *strings.Replacer) any {
	switch x := v.(type) {
	case string:
		return r.Replace(x)
	case map[string]any:
		for k, e := range x {
			x[k] = replaceWith(e, r)
		}
	case []any:
		for i, e := range x {
			x[i] = replaceWith(e, r)
		}
	}
	return v
}

// An id that holds another is replaced whole, whatever order the map
// gives, and an id put in is not replaced again. Map order changes from
// one range to the next, so a hundred rounds meet the wrong one.
func TestReplaceIDsReplacesTheLongestIDFirst(t *testing.T) {
	t.Parallel()
	for range 100 {
		ids := map[string]string{"U1": "UA", "U12": "UB", "UB": "UC"}
		got := replaceIDs(map[string]any{"user": "U12", "text": "<@U1> and <@U12>", "list": []any{"UB"}}, ids)
		want := map[string]any{"user": "UB", "text": "<@UA> and <@UB>", "list": []any{"UC"}}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("replaceIDs = %v, want %v", got, want)
		}
	}
}

// setPath puts val at path in v, through objects and arrays v has.
func setPath(v any, path []string, val any) error {
	for i, p := range path {
		last := i == len(path)-1
		switch x := v.(type) {
		case map[string]any:
			if last {
				x[p] = val
				return nil
			}
			v = x[p]
		case []any:
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n >= len(x) {
				return &json.UnsupportedValueError{Str: "no element " + p}
			}
			if last {
				x[n] = val
				return nil
			}
			v = x[n]
		default:
			return &json.UnsupportedValueError{Str: "nothing at " + p}
		}
	}
	return nil
}

// Real payloads, as Slack sends them, go through the running bot (the real
// Socket Mode client and wiring) and are acted on, not logged as malformed
// or unserved. Only the ids the test needs are rewritten: the workspace's
// people, team, app and channels, a trigger_id and response_url the fake
// minted (Slack's own would be refused), and what names the bot's own
// command, shortcuts and button (the fixtures come from other apps); and
// app_home_opened's tab, sent as "messages" in the fixture, on which the
// bot rightly does nothing.
func TestRealSlackPayloadsGoThroughTheRunningBot(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	fake := b.fake
	dm := fake.DMChannel(mgr)
	for _, tt := range []struct {
		name, fixture, envType string
		ids                    map[string]string
		set                    map[string]any
		channel                string // where its response_url answers; "" for none
		want                   string // "views.open", or "views.publish" for the manager's Home
	}{
		{"slash command", "pysdk_envelope_slash_commands.json", "slash_commands",
			map[string]string{"U111": mgr, "T111": fake.TeamID(), "C111": "C0SALES", "A111": fake.AppID()},
			map[string]any{"command": "/coach"}, "C0SALES", "views.open"},
		{`slash command with is_enterprise_install "false", as Socket Mode sends it`, "pysdk_envelope_slash_commands.json", "slash_commands",
			map[string]string{"U111": mgr, "T111": fake.TeamID(), "C111": "C0SALES", "A111": fake.AppID()},
			map[string]any{"command": "/coach", "is_enterprise_install": "false"}, "C0SALES", "views.open"},
		{"button in a DM message", "heybot_block_actions_dm_button.json", "interactive",
			map[string]string{"U01AZ88AQQ4": mgr, "T01B5M3VC1X": fake.TeamID(), "D01ACC2E8S3": dm, "A01BGTV24LQ": fake.AppID()},
			map[string]any{"actions.0.action_id": "log_open"}, dm, "views.open"},
		{"global shortcut", "pysdk_envelope_interactive_shortcut.json", "interactive",
			map[string]string{"U111": mgr, "T111": fake.TeamID()},
			map[string]any{"callback_id": "log_coaching_global"}, "", "views.open"},
		{"message shortcut on a user's message with rich_text blocks", "boltpy_message_action.json", "interactive",
			map[string]string{"W111": mgr, "W222": rep, "U222": rep, "T111": fake.TeamID(), "C111": "C0SALES"},
			map[string]any{"callback_id": "log_coaching"}, "C0SALES", "views.open"},
		{"app_home_opened of an org install", "boltpy_event_callback_app_home_opened_org.json", "events_api",
			map[string]string{"W111": mgr, "T111": fake.TeamID(), "D111": dm, "A111": fake.AppID()},
			map[string]any{"event.tab": "home"}, "", "views.publish"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := ctxT(t)
			set := map[string]any{}
			for k, v := range tt.set {
				set[k] = v
			}
			trigger := ""
			if tt.envType != "events_api" {
				trigger = fake.IssueTrigger(mgr)
				set["trigger_id"] = trigger
			}
			if tt.channel != "" {
				set["response_url"] = fake.IssueResponseURL(mgr, tt.channel)
			}
			publishes := len(homePublishes(fake))
			logs := len(b.logs.String())

			id, err := fake.Send(ctx, tt.envType, realPayload(t, tt.fixture, tt.ids, set))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := fake.AwaitAck(ctx, id); err != nil {
				t.Fatalf("no ack: %v\nlogs:\n%s", err, b.logs.String()[logs:])
			}
			switch tt.want {
			case "views.open":
				call, err := fake.WaitForCall(ctx, "views.open", func(c fakeslack.Call) bool { return c.Param("trigger_id") == trigger })
				if err != nil || call.Error != "" {
					t.Fatalf("views.open: %v %s\nlogs:\n%s", err, call.Error, b.logs.String()[logs:])
				}
			case "views.publish":
				eventually(t, "the manager's Home published", func() bool { return len(homePublishes(fake)) > publishes })
			}
			for _, bad := range []string{"malformed", "unreadable", "does not serve", "ignored action", "error_bad_message"} {
				if strings.Contains(b.logs.String()[logs:], bad) {
					t.Errorf("the bot logged %q for a real payload:\n%s", bad, b.logs.String()[logs:])
				}
			}
		})
	}
}

// homePublishes are the views.publish calls for the manager's Home.
func homePublishes(fake *fakeslack.Server) []fakeslack.Call {
	var out []fakeslack.Call
	for _, c := range fake.CallsTo("views.publish") {
		if c.Param("user_id") == mgr && c.Error == "" {
			out = append(out, c)
		}
	}
	return out
}
