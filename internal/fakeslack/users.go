package fakeslack

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // users' tz_offset must not depend on the host's zoneinfo
)

// User is a member of the fake workspace's directory.
type User struct {
	ID          string // "U0ALICE" (or "W…" on Enterprise Grid)
	Name        string // the handle, "alice"
	RealName    string
	DisplayName string // often empty in real workspaces; bots should fall back to RealName
	Email       string
	TZ          string // IANA zone; default "America/Los_Angeles", Slack's default
	IsBot       bool
	Deleted     bool
	// TeamID is the user's home workspace: empty is the fake's own. A user
	// of another workspace is someone Slack shows the app through a Slack
	// Connect channel: users.info answers with their own team_id (and
	// enterprise_user, on Enterprise Grid), users.list leaves them out.
	TeamID string
	// EnterpriseID is the user's Enterprise Grid organisation: empty is
	// the fake's own (WithEnterprise) for its own users, none for others.
	EnterpriseID string
	// Stranger sets is_stranger, which Slack adds to some users of another
	// workspace (not all: team_id is what always tells).
	Stranger bool
	// Restricted and UltraRestricted make the user a guest, Slack's
	// is_restricted (a multi-channel guest) and is_ultra_restricted (a
	// single-channel guest, https://docs.slack.dev/reference/objects/user-object;
	// "A Single-channel Guest is a type of Restricted Account", Slack's
	// help centre, so such a user is sent with both true). The fake sent
	// both false for everyone, so a test could not show the bot a guest.
	Restricted, UltraRestricted bool
	// Updated is when the profile last changed, the user object's
	// `updated`: Slack dates a users.info or users.list answer by it, not
	// by the read. Zero is the fake's clock at AddUser, which adds or
	// changes the user.
	Updated time.Time
}

// addDefaultUsers puts the two members every real workspace lists first:
// Slackbot (which Slack reports as is_bot false) and the app's own bot user.
func (s *Server) addDefaultUsers() {
	s.addUserLocked(User{ID: "USLACKBOT", Name: "slackbot", RealName: "Slackbot"})
	s.addUserLocked(User{ID: s.botUserID, Name: "coachlog", RealName: "Coachlog", IsBot: true})
}

// AddUser adds u to the directory, or replaces the user with the same ID.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addUserLocked(u)
	s.st.directoryUsed = true
	s.notifyLocked()
}

func (s *Server) addUserLocked(u User) {
	if u.TZ == "" {
		u.TZ = "America/Los_Angeles"
	}
	if u.Updated.IsZero() {
		u.Updated = s.now()
	}
	if old := s.st.userByID[u.ID]; old != nil {
		*old = u
		return
	}
	p := &u
	s.st.users = append(s.st.users, p)
	s.st.userByID[u.ID] = p
}

// checkUserLocked refuses users the directory knows nothing about. The fake
// accepts any user id until the first AddUser, so tests that do not care
// about the directory need not fill it.
func (s *Server) checkUserLocked(id string) string {
	u := s.st.userByID[id]
	switch {
	case u == nil && s.st.directoryUsed:
		return "user_not_found"
	case u != nil && u.Deleted:
		return "user_disabled"
	}
	return ""
}

// pickableUserLocked reports whether a user picker (users_select,
// multi_users_select) offers id: a user of the directory, of the fake's
// workspace or met through Slack Connect. As with checkUserLocked, any id
// is taken until the first AddUser, so tests that do not care about the
// directory need not fill it.
func (s *Server) pickableUserLocked(id string) bool {
	return !s.st.directoryUsed || s.st.userByID[id] != nil
}

// homeLocked is u's home workspace and Enterprise Grid organisation.
func (s *Server) homeLocked(u *User) (team, enterprise string) {
	team, enterprise = u.TeamID, u.EnterpriseID
	if team == "" || team == s.teamID {
		team, enterprise = s.teamID, cmp.Or(enterprise, s.enterpriseID)
	}
	return team, enterprise
}

// memberLocked reports whether u is a member of the fake workspace, as
// users.list lists them: not someone of another one met through Slack
// Connect (users.info still answers for them).
func (s *Server) memberLocked(u *User) bool {
	team, _ := s.homeLocked(u)
	return team == s.teamID
}

// userObjectLocked renders u the way users.info and users.list do.
func (s *Server) userObjectLocked(u *User) map[string]any {
	offset, label := 0, "UTC"
	if loc, err := time.LoadLocation(u.TZ); err == nil {
		label, offset = s.now().In(loc).Zone()
	}
	profile := map[string]any{
		"real_name":               u.RealName,
		"real_name_normalized":    u.RealName,
		"display_name":            u.DisplayName,
		"display_name_normalized": u.DisplayName,
		"avatar_hash":             "g0000000000a",
		"image_72":                "https://a.slack-edge.com/80588/img/avatars/ava_0001-72.png",
	}
	team, enterprise := s.homeLocked(u)
	profile["team"] = team
	// Slack leaves the email out of user objects unless the token holds
	// users:read.email.
	if u.Email != "" && slices.Contains(s.scopes, "users:read.email") {
		profile["email"] = u.Email
	}
	if u.IsBot {
		profile["bot_id"] = s.botID
		profile["api_app_id"] = s.appID
	}
	obj := map[string]any{
		"id":                  u.ID,
		"team_id":             team,
		"name":                u.Name,
		"deleted":             u.Deleted,
		"color":               "9f69e7",
		"real_name":           u.RealName,
		"tz":                  u.TZ,
		"tz_label":            label,
		"tz_offset":           offset,
		"profile":             profile,
		"is_admin":            false,
		"is_owner":            false,
		"is_primary_owner":    false,
		"is_restricted":       u.Restricted || u.UltraRestricted,
		"is_ultra_restricted": u.UltraRestricted,
		"is_bot":              u.IsBot,
		"is_app_user":         false,
		"is_email_confirmed":  u.Email != "",
		"updated":             u.Updated.Unix(),
	}
	if u.Stranger {
		obj["is_stranger"] = true
	}
	// On Enterprise Grid Slack adds the user's organisation, and the
	// workspaces of it they belong to.
	if enterprise != "" {
		obj["enterprise_user"] = map[string]any{
			"id": u.ID, "enterprise_id": enterprise, "enterprise_name": enterprise,
			"is_admin": false, "is_owner": false, "teams": []string{team},
		}
	}
	return obj
}

func (s *Server) usersInfo(r *apiRequest) apiResult {
	u := s.st.userByID[r.param("user")]
	if u == nil {
		return errResult("user_not_found")
	}
	return okResult(map[string]any{"user": s.userObjectLocked(u)})
}

func (s *Server) usersLookupByEmail(r *apiRequest) apiResult {
	email := strings.ToLower(r.param("email"))
	for _, u := range s.st.users {
		if email != "" && strings.ToLower(u.Email) == email {
			return okResult(map[string]any{"user": s.userObjectLocked(u)})
		}
	}
	return errResult("users_not_found")
}

// users.list paging, as Slack documents it
// (https://docs.slack.dev/apis/web-api/pagination, .../reference/methods/users.list):
// limit is at most 1000; a page may hold fewer members than asked although
// more follow, so only an empty next_cursor ends the list; without a limit
// Slack tries the whole directory at once and refuses a large one with
// limit_required.
const (
	usersListMaxLimit = 1000
	// usersListPageMax is the most members the fake puts on one page,
	// whatever the limit: a client that takes a short page for the last
	// one, or asks for no limit on a big directory, fails here as on Slack.
	usersListPageMax = 500
)

// usersList pages through the directory in insertion order. Cursors are
// base64("user:<id>"), the shape Slack's have; an empty one is the first
// page, as slack-go sends it.
func (s *Server) usersList(r *apiRequest) apiResult {
	limit, res, ok := usersListLimit(r.param("limit"), len(s.st.users))
	if !ok {
		return res
	}
	start := 0
	if c := r.param("cursor"); c != "" {
		raw, err := base64.StdEncoding.DecodeString(c)
		id, ok := strings.CutPrefix(string(raw), "user:")
		if err != nil || !ok {
			return errResult("invalid_cursor")
		}
		start = slices.IndexFunc(s.st.users, func(u *User) bool { return u.ID == id })
		if start < 0 {
			return errResult("invalid_cursor")
		}
	}
	end := min(len(s.st.users), start+min(limit, usersListPageMax))
	members := make([]any, 0, end-start)
	for _, u := range s.st.users[start:end] {
		// Someone of another workspace is not listed, so a page may come
		// short before the end, as Slack's do.
		if s.memberLocked(u) {
			members = append(members, s.userObjectLocked(u))
		}
	}
	next := ""
	if end < len(s.st.users) {
		next = base64.StdEncoding.EncodeToString([]byte("user:" + s.st.users[end].ID))
	}
	return okResult(map[string]any{
		"members":           members,
		"cache_ts":          s.now().Unix(),
		"response_metadata": map[string]any{"next_cursor": next},
	})
}

// usersListLimit reads users.list's limit for a directory of n members:
// none (empty or 0) is the whole directory, which only a small one may
// ask; anything but a whole number from 0 to 1000 is refused.
func usersListLimit(param string, n int) (int, apiResult, bool) {
	if param == "" {
		param = "0"
	}
	limit, err := strconv.Atoi(param)
	if err != nil || limit < 0 || limit > usersListMaxLimit {
		return 0, errResult("invalid_arguments",
			fmt.Sprintf("[ERROR] limit must be a whole number from 1 to %d, not %q", usersListMaxLimit, param)), false
	}
	if limit == 0 {
		if n > usersListPageMax {
			return 0, errResult("limit_required"), false
		}
		limit = n
	}
	return limit, apiResult{}, true
}

// userRefLocked is the user object interaction payloads carry.
func (s *Server) userRefLocked(id string) map[string]any {
	name, team := strings.ToLower(id), s.teamID
	if u := s.st.userByID[id]; u != nil {
		if u.Name != "" {
			name = u.Name
		}
		team, _ = s.homeLocked(u)
	}
	return map[string]any{"id": id, "username": name, "name": name, "team_id": team}
}

// userNameLocked is the handle slash command payloads carry as user_name.
func (s *Server) userNameLocked(id string) string {
	return s.userRefLocked(id)["name"].(string)
}
