package slackbot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/slack-go/slack"
)

// Workspace is where the app is installed, as auth.test says: the
// workspace (team_id) and, on Enterprise Grid, its organisation
// (enterprise_id). Their people are the company's; anyone else Slack shows
// the bot, such as a Slack Connect user in a shared channel, is not.
type Workspace struct{ TeamID, EnterpriseID string }

func (w Workspace) known() bool { return w.TeamID != "" || w.EnterpriseID != "" }

// outside reports whether Slack's user object says u belongs to another
// organisation than w. Someone homed in the app's own workspace (its
// team_id) is one of the company's people whatever organisation their
// user object names: a workspace migrated into an Enterprise Grid
// organisation while the bot runs knows none until auth.test is asked
// again, and its people's objects name one at once (enterprise_user). A
// Slack Connect user carries their own workspace's team_id, never the
// app's. Otherwise, on Enterprise Grid the organisation decides: a
// colleague may be homed in another workspace of it (their team_id that
// workspace's, or the organisation's own id), and is one of the company's
// people whatever is_stranger says. Elsewhere, Slack marks a user of
// another workspace with is_stranger or by its team_id, and someone of
// an Enterprise Grid organisation is of another one when the app is in
// none. A user object naming no team is taken as the app's own (Slack
// leaves team_id out of some Grid user objects).
func (w Workspace) outside(u slackUser) bool {
	ent := cmp.Or(u.Enterprise.EnterpriseID, u.EnterpriseID)
	switch {
	case w.TeamID != "" && u.TeamID == w.TeamID && !u.IsStranger:
		return false
	case w.EnterpriseID != "" && ent != "":
		return ent != w.EnterpriseID
	case w.EnterpriseID != "" && u.TeamID == w.EnterpriseID:
		return false
	case u.IsStranger:
		return true
	case w.TeamID != "" && u.TeamID != "" && u.TeamID != w.TeamID:
		return true
	}
	return ent != "" && w.EnterpriseID == ""
}

// Home knows the app's Workspace: given at start, from the auth.test that
// checks the bot token, or asked of auth.test when first needed (Slack
// could not be reached at start), and kept once Slack has said.
type Home struct {
	api *slack.Client
	mu  sync.Mutex
	ws  Workspace
}

// NewHome returns a Home that starts out knowing ws (zero: nothing yet).
func NewHome(botToken, apiURL string, hc *http.Client, ws Workspace) *Home {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Home{api: slack.New(botToken, slack.OptionAPIURL(apiURL), slack.OptionHTTPClient(hc)), ws: ws}
}

// WorkspaceOf is the workspace an auth.test answer names.
func WorkspaceOf(r *slack.AuthTestResponse) Workspace {
	return Workspace{TeamID: r.TeamID, EnterpriseID: r.EnterpriseID}
}

// Refresh asks auth.test again for the app's workspace and keeps its
// answer: Slack said the workspace changed (it was migrated into an
// Enterprise Grid organisation, grid_migration_finished), and the
// organisation learnt at start, none, no longer holds.
func (h *Home) Refresh(ctx context.Context) (Workspace, error) {
	r, err := h.api.AuthTestContext(ctx)
	if err != nil {
		return Workspace{}, fmt.Errorf("auth.test, to learn the app's workspace again: %w", err)
	}
	ws := WorkspaceOf(r)
	if !ws.known() {
		return Workspace{}, errors.New("auth.test named no workspace")
	}
	h.mu.Lock()
	h.ws = ws
	h.mu.Unlock()
	return ws, nil
}

// Workspace returns the app's workspace, asking auth.test when not known
// yet. The lock is not held over the call: callers that race each ask,
// which is harmless, and none waits past its own deadline.
func (h *Home) Workspace(ctx context.Context) (Workspace, error) {
	h.mu.Lock()
	ws := h.ws
	h.mu.Unlock()
	if ws.known() {
		return ws, nil
	}
	r, err := h.api.AuthTestContext(ctx)
	if err != nil {
		return Workspace{}, fmt.Errorf("auth.test, to learn the app's workspace: %w", err)
	}
	if ws = WorkspaceOf(r); !ws.known() {
		return Workspace{}, errors.New("auth.test named no workspace")
	}
	h.mu.Lock()
	h.ws = ws
	h.mu.Unlock()
	return ws, nil
}
