package fakeslack

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Slack honours a trigger_id once, within 3 seconds, and stacks at most 3
// views in a modal (views.push: "After a modal is opened, the app is
// limited to pushing 2 additional views"; push_limit_reached).
const (
	triggerTTL   = 3 * time.Second
	maxViewStack = 3
)

// trigger is an issued trigger_id.
type trigger struct {
	userID string
	viewID string // the modal the interaction came from, for views.push
	issued time.Time
	used   bool
}

// view is an open (or closed) modal or a home tab.
type view struct {
	id, hash, typ, userID string
	externalID            string
	rootID, previousID    string
	def                   map[string]any            // as the bot defined it, blocks normalized
	state                 map[string]map[string]any // block_id -> action_id -> value
	closed                bool
}

// IssueTrigger mints a trigger_id for userID, valid for 3 seconds from now,
// as if the user had just interacted. Builders issue their own; this is for
// tests that call views.open directly.
func (s *Server) IssueTrigger(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueTriggerLocked(userID, "")
}

func (s *Server) issueTriggerLocked(userID, viewID string) string {
	id := newTriggerID()
	s.st.triggers[id] = &trigger{userID: userID, viewID: viewID, issued: s.now()}
	return id
}

// checkTriggerLocked returns the trigger or Slack's error code for it.
func (s *Server) checkTriggerLocked(id string) (*trigger, string) {
	t := s.st.triggers[id]
	switch {
	case t == nil:
		return nil, "invalid_trigger_id"
	case t.used:
		return nil, "exchanged_trigger_id"
	case s.now().Sub(t.issued) > triggerTTL:
		return nil, "expired_trigger_id"
	}
	return t, ""
}

// maxViewBytes is the most a view's JSON may weigh. views.open,
// views.push, views.update and views.publish all answer view_too_large,
// "Error returned if the provided view is greater than 250kb" (Slack's
// API spec, e.g. lib/slack/web/docs/views.open.json as mirrored in
// slack_kit, https://preview.hex.pm/preview/slack_kit/show/lib/slack/web/docs/views.open.json,
// and views.update.json, views.publish.json, views.push.json beside it).
// No source says whether "250kb" is 250,000 or 256,000 bytes, so the
// fake takes the smaller: it must never be kinder than Slack. What is
// weighed is the view parameter as sent, escapes and all.
const maxViewBytes = 250_000

// viewTooLarge is the refusal of a view over maxViewBytes.
func viewTooLarge(raw string) apiResult {
	return errResult("view_too_large", fmt.Sprintf("[ERROR] view is %d bytes, over Slack's 250kb (%d bytes) [json-pointer:/view]", len(raw), maxViewBytes))
}

// parseViewParam decodes, validates and normalizes the view parameter.
func (s *Server) parseViewParam(raw, wantType string, self *view) (map[string]any, apiResult, bool) {
	if raw == "" {
		return nil, errResult("invalid_arguments", "[ERROR] missing required field: view"), false
	}
	if len(raw) > maxViewBytes {
		return nil, viewTooLarge(raw), false
	}
	var def map[string]any
	if err := json.Unmarshal([]byte(raw), &def); err != nil {
		return nil, errResult("invalid_arguments", "[ERROR] view must be a JSON object"), false
	}
	if def["type"] != wantType {
		return nil, errResult("invalid_arguments",
			fmt.Sprintf("[ERROR] must be %q here [json-pointer:/view/type]", wantType)), false
	}
	if msgs := checkView(def); len(msgs) > 0 {
		return nil, errResult("invalid_arguments", msgs...), false
	}
	if ext, _ := def["external_id"].(string); ext != "" {
		if other := s.viewByExternalIDLocked(ext); other != nil && other != self {
			return nil, errResult("duplicate_external_id"), false
		}
	}
	blocks, _ := def["blocks"].([]any)
	normalizeBlocks(blocks)
	return def, apiResult{}, true
}

func (s *Server) viewByExternalIDLocked(ext string) *view {
	for _, v := range s.st.views {
		if v.externalID == ext && !v.closed {
			return v
		}
	}
	return nil
}

func (s *Server) newViewLocked(def map[string]any, userID string, parent *view) *view {
	s.st.viewSeq++
	v := &view{
		id: fmt.Sprintf("V%04d", s.st.viewSeq), hash: s.newViewHash(), userID: userID,
		state: map[string]map[string]any{},
	}
	v.setDef(def)
	v.rootID = v.id
	if parent != nil {
		v.rootID, v.previousID = parent.rootID, parent.id
	}
	s.st.views[v.id] = v
	return v
}

func (v *view) setDef(def map[string]any) {
	v.def = def
	v.typ, _ = def["type"].(string)
	v.externalID, _ = def["external_id"].(string)
}

// viewObjectLocked renders v as Slack returns and sends views.
func (s *Server) viewObjectLocked(v *view) map[string]any {
	str := func(k string) string { x, _ := v.def[k].(string); return x }
	flag := func(k string) bool { x, _ := v.def[k].(bool); return x }
	blocks, _ := v.def["blocks"].([]any)
	if blocks == nil {
		blocks = []any{}
	}
	var previous any
	if v.previousID != "" {
		previous = v.previousID
	}
	obj := map[string]any{
		"id": v.id, "team_id": s.teamID, "type": v.typ, "blocks": blocks,
		"private_metadata": str("private_metadata"), "callback_id": str("callback_id"),
		"state": map[string]any{"values": v.state}, "hash": v.hash,
		"close": v.def["close"], "submit": v.def["submit"],
		"clear_on_close": flag("clear_on_close"), "notify_on_close": flag("notify_on_close"),
		"previous_view_id": previous, "root_view_id": v.rootID, "app_id": s.appID,
		"external_id": v.externalID, "app_installed_team_id": s.teamID, "bot_id": s.botID,
	}
	// Only a modal has a title. A home view has no such field
	// (https://docs.slack.dev/reference/views/home-tab-views), and the
	// view views.publish answers with carries no "title" key at all, and
	// "close": null and "submit": null (the example response of
	// https://docs.slack.dev/reference/methods/views.publish/). A
	// "title": null would let a reader that needs the key pass here and
	// fail on Slack.
	if v.typ == "modal" {
		obj["title"] = v.def["title"]
	} else {
		obj["close"], obj["submit"] = nil, nil
	}
	return obj
}

func (s *Server) viewsOpen(r *apiRequest) apiResult {
	t, code := s.checkTriggerLocked(r.param("trigger_id"))
	if code != "" {
		return errResult(code)
	}
	def, res, ok := s.parseViewParam(r.param("view"), "modal", nil)
	if !ok {
		return res
	}
	t.used = true
	v := s.newViewLocked(def, t.userID, nil)
	return okResult(map[string]any{"view": s.viewObjectLocked(v)})
}

func (s *Server) viewsPush(r *apiRequest) apiResult {
	t, code := s.checkTriggerLocked(r.param("trigger_id"))
	if code != "" {
		return errResult(code)
	}
	// views.push takes "a valid trigger_id generated from an interaction
	// within the existing modal" (https://docs.slack.dev/reference/methods/views.push/):
	// one from a message, a slash command, a shortcut or the Home tab has
	// no modal to push onto. Slack answers it as a bad trigger_id
	// (python-slack-sdk#804, a push with a shortcut's trigger: "invalid
	// `trigger_id`"; the shape is bolt-js#1108's invalid_arguments,
	// "[ERROR] invalid `trigger_id` [json-pointer:/trigger_id]").
	parent := s.st.views[t.viewID]
	if parent == nil || parent.typ != "modal" {
		return errResult("invalid_arguments", "[ERROR] invalid `trigger_id`: not from an interaction within a modal [json-pointer:/trigger_id]")
	}
	// At most 3 views in a stack: push_limit_reached, "the max push limit
	// has been reached for views. Currently the limit is 3" (views.push
	// reference, Errors).
	if parent.closed || s.stackDepthLocked(parent) >= maxViewStack {
		if parent.closed {
			return errResult("not_found")
		}
		return errResult("push_limit_reached")
	}
	def, res, ok := s.parseViewParam(r.param("view"), "modal", nil)
	if !ok {
		return res
	}
	t.used = true
	v := s.newViewLocked(def, t.userID, parent)
	return okResult(map[string]any{"view": s.viewObjectLocked(v)})
}

// usableByLocked says why userID cannot click in, submit or close v, ""
// when they can. Slack opens a modal "for a user"
// (https://docs.slack.dev/reference/methods/views.open/) and publishes a
// Home tab to one: nobody else is shown it, so nobody else can use it. And
// of a modal's stack "there is only ever a single view visible at a given
// moment" (https://docs.slack.dev/surfaces/modals): a view with another
// pushed on top of it (views.push, or response_action push) cannot be used
// until that one is gone ("the user will go back to the previous view
// after they complete or cancel the pushed view",
// https://docs.slack.dev/reference/methods/views.push/).
func (s *Server) usableByLocked(v *view, userID string) string {
	if userID != v.userID {
		return fmt.Sprintf("%s cannot use view %s, a %s shown only to %s", userID, v.id, v.typ, v.userID)
	}
	for _, x := range s.st.views {
		if !x.closed && x.previousID == v.id {
			return fmt.Sprintf("view %s is hidden under %s, pushed on top of it: only the top view of a modal's stack is shown", v.id, x.id)
		}
	}
	return ""
}

// stackDepthLocked counts the open modals from v down to its root.
func (s *Server) stackDepthLocked(v *view) int {
	n := 0
	for ; v != nil; v = s.st.views[v.previousID] {
		if !v.closed {
			n++
		}
		if v.previousID == "" {
			break
		}
	}
	return n
}

// viewsUpdate replaces a view by view_id or external_id, refusing a stale
// hash; input values whose block and action survive are kept, as Slack does.
// An empty hash is a stale one: Slack checks any hash sent and only an
// absent one (or null) skips the check; slack-go sent "" for "no hash" and
// every update came back hash_conflict (slack-go PR 632 review, issue 1462
// for views.publish).
func (s *Server) viewsUpdate(r *apiRequest) apiResult {
	// "Exactly one of these arguments is required to identify the view"
	// (https://api.slack.com/methods/views.update). Slack counts an empty
	// one as given: slack-go sent external_id "" beside view_id and got
	// this answer (github.com/slack-go/slack/issues/667).
	if r.has("view_id") && r.has("external_id") {
		return errResult("invalid_arguments", "[ERROR] Cannot provide both `view_id` and `external_id`")
	}
	var v *view
	switch {
	case r.param("view_id") != "":
		v = s.st.views[r.param("view_id")]
	case r.param("external_id") != "":
		v = s.viewByExternalIDLocked(r.param("external_id"))
	default:
		return errResult("invalid_arguments", "[ERROR] view_id or external_id is required")
	}
	if v == nil || v.closed {
		return errResult("not_found")
	}
	if r.given("hash") && r.param("hash") != v.hash {
		return errResult("hash_conflict")
	}
	def, res, ok := s.parseViewParam(r.param("view"), v.typ, v)
	if !ok {
		return res
	}
	s.replaceViewLocked(v, def)
	return okResult(map[string]any{"view": s.viewObjectLocked(v)})
}

// replaceViewLocked puts def in place of v's definition, as views.update,
// views.publish and a response_action update do. Every stateful element
// whose block_id and action_id the new definition keeps keeps the value
// it showed: the user's, else the old definition's initial value (or
// none). The new definition's initial value applies only to elements
// whose pair is new. Slack's views.update reference ("Preserving input
// entry": the new view "should contain the same input blocks and
// elements with identical block_id and action_id values") and its SDK
// maintainer (slackapi/bolt-js#290: "the updating operation keeps the
// previous state for those inputs. That's why those input values are not
// replaced with the initial_value. You can change either block_id or
// action_id for reflecting the initial_value"). An element whose type
// changed starts afresh: its old value does not fit it. A select, radio
// buttons or checkboxes keep only picks of options the new definition
// offers (see offeredPicks).
func (s *Server) replaceViewLocked(v *view, def map[string]any) {
	oldBlocks, _ := v.def["blocks"].([]any)
	shown := fullState(oldBlocks, v.state)
	v.setDef(def)
	v.hash = s.newViewHash()
	blocks, _ := def["blocks"].([]any)
	kept := map[string]map[string]any{}
	for blockID, actions := range shown {
		for actionID, val := range actions {
			el, ok := findElement(blocks, blockID, actionID)
			if !ok {
				continue
			}
			vm, _ := val.(map[string]any)
			if vm == nil || vm["type"] != el["type"] {
				continue
			}
			if kept[blockID] == nil {
				kept[blockID] = map[string]any{}
			}
			kept[blockID][actionID] = offeredPicks(el, vm)
		}
	}
	v.state = kept
}

// offeredPicks is what an element el of a replacing definition shows of
// val, the value it kept: a static select or radio buttons keep their pick
// only if el still offers its option, else show none; a multi select or
// checkboxes drop the picks el no longer offers and keep the others. Slack
// shows a pick only among the options a view has; the fake used to keep
// them all, and a form could submit an option it no longer showed. A pick
// kept shows its option as el defines it. External selects are left as
// they are: their options come from the app as the user types, not from
// the view.
func offeredPicks(el, val map[string]any) map[string]any {
	offered := func(o any) (map[string]any, bool) {
		om, _ := o.(map[string]any)
		value, _ := om["value"].(string)
		return optionFor(el, value)
	}
	switch el["type"] {
	case "static_select", "radio_buttons":
		if o := val["selected_option"]; o != nil {
			out := maps.Clone(val)
			out["selected_option"] = nil
			if def, ok := offered(o); ok {
				out["selected_option"] = def
			}
			return out
		}
	case "multi_static_select", "checkboxes":
		if list, ok := val["selected_options"].([]any); ok {
			picks := []any{}
			for _, o := range list {
				if def, ok := offered(o); ok {
					picks = append(picks, def)
				}
			}
			out := maps.Clone(val)
			out["selected_options"] = picks
			return out
		}
	}
	return val
}

// viewsPublish sets a user's Home tab; the view keeps its id across publishes.
// A hash sent, even an empty one, must be the tab's current one, as for
// views.update.
func (s *Server) viewsPublish(r *apiRequest) apiResult {
	user := r.param("user_id")
	if user == "" {
		return errResult("invalid_arguments", "[ERROR] missing required field: user_id")
	}
	if code := s.checkUserLocked(user); code != "" {
		return errResult("user_not_found")
	}
	home := s.st.views[s.st.homes[user]]
	if r.given("hash") && home != nil && r.param("hash") != home.hash {
		return errResult("hash_conflict")
	}
	def, res, ok := s.parseViewParam(r.param("view"), "home", home)
	if !ok {
		return res
	}
	if home == nil {
		home = s.newViewLocked(def, user, nil)
		s.st.homes[user] = home.id
	} else {
		s.replaceViewLocked(home, def)
	}
	return okResult(map[string]any{"view": s.viewObjectLocked(home)})
}

// applySubmissionAckLocked does what Slack does with a view_submission ack:
// errors keep the modal open, update replaces it, push stacks a new one,
// clear closes the whole stack, and anything else closes the modal. It
// returns a problem code when Slack could not use the ack: errors keyed by
// anything but the view's input block_ids, an invalid view to update or
// push, or a push onto a stack already holding three views. Slack then keeps the modal open and shows the user a generic "We
// had some trouble connecting" error
// (https://docs.slack.dev/surfaces/modals, "Displaying errors in views":
// errors are keyed by the block_id of an input block).
func (s *Server) applySubmissionAckLocked(viewID string, payload json.RawMessage) string {
	v := s.st.views[viewID]
	if v == nil {
		return ""
	}
	var ack struct {
		ResponseAction string            `json:"response_action"`
		View           json.RawMessage   `json:"view"`
		Errors         map[string]string `json:"errors"`
	}
	_ = json.Unmarshal(payload, &ack) // an empty or odd ack just closes the modal
	switch ack.ResponseAction {
	case "errors":
		inputs := inputBlockIDs(v.def)
		var msgs []string
		for _, k := range slices.Sorted(maps.Keys(ack.Errors)) {
			if !inputs[k] {
				msgs = append(msgs, fmt.Sprintf("[ERROR] %q is not the block_id of an input block in view %s [json-pointer:/errors/%s]", k, v.id, k))
			}
		}
		if len(ack.Errors) == 0 {
			msgs = append(msgs, "[ERROR] errors must name at least one input block [json-pointer:/errors]")
		}
		if len(msgs) > 0 {
			s.recordProblemLocked("ack", "invalid_errors", msgs)
			return "invalid_errors"
		}
	case "update", "push":
		// A push may not grow the stack past three views, as views.push
		// may not: "After a modal is opened, the app is limited to
		// pushing 2 additional views"
		// (https://docs.slack.dev/reference/methods/views.push/, whose
		// push_limit_reached is "the max push limit has been reached for
		// views. Currently the limit is 3"). Slack cannot use such an
		// ack; the submitted view stays as it was.
		if ack.ResponseAction == "push" && s.stackDepthLocked(v) >= maxViewStack {
			s.recordProblemLocked("ack", "push_limit_reached", []string{fmt.Sprintf(
				"[ERROR] response_action push over view %s: its stack already holds %d views, Slack's limit", v.id, maxViewStack)})
			return "push_limit_reached"
		}
		def, res, ok := s.parseViewParam(string(ack.View), "modal", v)
		if !ok {
			s.recordProblemLocked("ack", res.errCode, res.messages())
			return res.errCode
		}
		if ack.ResponseAction == "update" {
			s.replaceViewLocked(v, def)
		} else {
			s.newViewLocked(def, v.userID, v)
		}
	case "clear":
		for _, x := range s.st.views {
			if x.rootID == v.rootID {
				x.closed = true
			}
		}
	default:
		v.closed = true
	}
	return ""
}

// View returns the current JSON of a modal or home view, as views.* return it.
func (s *Server) View(viewID string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.st.views[viewID]
	if v == nil {
		return nil, false
	}
	b, _ := json.Marshal(s.viewObjectLocked(v))
	return b, true
}

// Home returns the view last published to userID's Home tab.
func (s *Server) Home(userID string) (json.RawMessage, bool) {
	s.mu.Lock()
	id, ok := s.st.homes[userID]
	s.mu.Unlock()
	if !ok {
		return nil, false
	}
	return s.View(id)
}

// OpenModals returns the ids of userID's open modals, oldest first.
func (s *Server) OpenModals(userID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for i := 1; i <= s.st.viewSeq; i++ {
		v := s.st.views[fmt.Sprintf("V%04d", i)]
		if v != nil && v.userID == userID && v.typ == "modal" && !v.closed {
			ids = append(ids, v.id)
		}
	}
	return ids
}
