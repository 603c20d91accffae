package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/envvar"
	"github.com/coachlog/coachlog/internal/llm"
	"github.com/coachlog/coachlog/internal/roster"
	"github.com/coachlog/coachlog/internal/schedule"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// config is the environment, read and checked once at start.
type config struct {
	AppToken, BotToken string
	APIURL             string
	DB                 string
	DigestChannel      string
	DigestSchedule     string
	NudgeHour          int
	CadenceDays        int
	TZ                 *time.Location
	Admins             []string
	Skills             []coaching.Skill
	LLM                llm.Config
	HTTPAddr           string
	LogLevel           slog.Level
	LogFormat          string
	Durable            bool
	// SenderLease is how long the sender role's lease lasts: a replica that
	// dies holding it is replaced within about this long.
	SenderLease time.Duration
	Pprof       bool // /debug/pprof/ on the ops listener
	// PostgreSQL only: the connection pool's size and each statement's
	// time limit.
	PGMaxConns         int
	PGStatementTimeout time.Duration
}

// needs says which tokens a command cannot do without.
type needs struct{ appToken, botToken bool }

// configError names the variable at fault, so a bad start is one clear line.
// configError is a setting that cannot be used, named with its problem.
type configError = envvar.Error

var (
	userIDRE  = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	channelRE = regexp.MustCompile(`^[CGD][A-Z0-9]{2,}$`)
	skillIDRE = regexp.MustCompile(`^[a-z0-9_][a-z0-9_-]{0,49}$`)
)

// channelInLink is the channel id in a link to a channel, as Slack's "Copy
// link" gives it (https://acme.slack.com/archives/C0123ABCD, or a
// message's link under it): what an admin most likely pastes for a
// channel, which "not a name" did not answer.
func channelInLink(v string) (string, bool) {
	_, after, ok := strings.Cut(v, "/archives/")
	if !ok {
		return "", false
	}
	id, _, _ := strings.Cut(after, "/")
	id, _, _ = strings.Cut(id, "?")
	return id, channelRE.MatchString(id)
}

// channelIDProblem says what is wrong with v as the digest's channel id,
// and what to write instead (an id put after write: "" for the setting,
// "--channel " for the flag), or "" when v is empty or an id. A name, the
// way people know a channel, is answered with where Slack shows its id.
func channelIDProblem(v, write string) string {
	const where = "the channel's id ends the link its Copy link gives (https://acme.slack.com/archives/C0123ABCD)"
	switch {
	case v == "" || channelRE.MatchString(v):
		return ""
	case channelRE.MatchString(strings.ToUpper(v)):
		return fmt.Sprintf("%q is not a channel id: Slack's ids are in capitals, write %s%s", v, write, strings.ToUpper(v))
	case strings.HasPrefix(v, "#"):
		return fmt.Sprintf("%q is a channel's name; give its id: %s", v, where)
	}
	if id, ok := channelInLink(v); ok {
		return fmt.Sprintf("%q is a link to the channel; give its id alone: %s%s", v, write, id)
	}
	return fmt.Sprintf("%q is not a channel id like C0123ABCD; %s", v, where)
}

// loadConfig reads the environment through getenv. Token values are never
// echoed: an error names the variable and what is wrong with it.
func loadConfig(getenv func(string) string, n needs) (config, error) {
	// A value wrapped in quotes is the quotes of an env file read as it is
	// (docker's --env-file keeps SLACK_BOT_TOKEN="xoxb-…" and
	// COACHLOG_TIMEZONE="Europe/Paris" whole): said as such, before what a
	// check makes of the quotes ("unknown time zone", a database file
	// named with them), for every setting read.
	var quoted []string
	raw := getenv
	getenv = func(k string) string {
		v := raw(k)
		if wrappedInQuotes(strings.TrimSpace(v)) && !slices.Contains(quoted, k) {
			quoted = append(quoted, k)
		}
		return v
	}
	c := config{
		AppToken: strings.TrimSpace(getenv("SLACK_APP_TOKEN")),
		BotToken: strings.TrimSpace(getenv("SLACK_BOT_TOKEN")),
		DB:       or(getenv("COACHLOG_DB"), "coachlog.db"),
	}
	var err error
	checks := []func() error{
		func() error {
			if sqlite.IsKeywordString(c.DB) { // never echoed: it may hold a password
				return &configError{Name: "COACHLOG_DB", Problem: "looks like a keyword=value connection string (host=… dbname=…); give a postgres:// URL instead, such as postgres://coachlog@db.internal:5432/coachlog?sslmode=require (see PostgreSQL in the README)"}
			}
			if sqlite.IsMiscasedPostgres(c.DB) { // never echoed: it may hold a password
				return &configError{Name: "COACHLOG_DB", Problem: "the URL's scheme must be postgres:// or postgresql://, in lower case (the PostgreSQL driver reads no other)"}
			}
			if sqlite.ExtraAt(c.DB) { // never echoed: the driver would print part of its password
				return &configError{Name: "COACHLOG_DB", Problem: sqlite.ErrExtraAt.Error()}
			}
			return nil
		},
		func() error { return checkToken("SLACK_APP_TOKEN", c.AppToken, "xapp-", "app-level token", n.appToken) },
		func() error { return checkToken("SLACK_BOT_TOKEN", c.BotToken, "xoxb-", "bot token", n.botToken) },
		func() error { c.APIURL, err = apiURL(getenv("SLACK_API_URL")); return err },
		func() error {
			c.DigestChannel = strings.TrimSpace(getenv("COACHLOG_DIGEST_CHANNEL"))
			if p := channelIDProblem(c.DigestChannel, ""); p != "" {
				return &configError{Name: "COACHLOG_DIGEST_CHANNEL", Problem: p}
			}
			return nil
		},
		func() error {
			c.DigestSchedule = or(getenv("COACHLOG_DIGEST_SCHEDULE"), "0 8 * * MON")
			if _, err := schedule.ParseDigestSpec(c.DigestSchedule); err != nil {
				return &configError{Name: "COACHLOG_DIGEST_SCHEDULE", Problem: err.Error()}
			}
			return nil
		},
		func() error { c.NudgeHour, err = envvar.Int(getenv, "COACHLOG_NUDGE_HOUR", 9, 0, 23); return err },
		func() error { c.CadenceDays, err = envvar.Int(getenv, "COACHLOG_CADENCE_DAYS", 14, 1, 365); return err },
		func() error { c.TZ, err = orgZone(getenv); return err },
		func() error { c.Admins, err = admins(getenv("COACHLOG_ADMINS")); return err },
		func() error { c.Skills, err = skills(getenv("COACHLOG_SKILLS")); return err },
		func() error { c.LLM, err = llm.ConfigFromEnv(getenv); return err },
		func() error { c.Durable, err = envvar.OnOff(getenv, "COACHLOG_DURABLE"); return err },
		func() error { c.Pprof, err = envvar.OnOff(getenv, "COACHLOG_PPROF"); return err },
		// At least two: the metrics read on two connections at once.
		func() error { c.PGMaxConns, err = envvar.Int(getenv, "COACHLOG_PG_MAX_CONNS", 10, 2, 1000); return err },
		func() error {
			c.PGStatementTimeout, err = envvar.Duration(getenv, "COACHLOG_PG_STATEMENT_TIMEOUT", 30*time.Second, 100*time.Millisecond, time.Hour, "30s")
			return err
		},
		func() error {
			c.HTTPAddr = strings.TrimSpace(getenv("COACHLOG_HTTP_ADDR"))
			if c.HTTPAddr == "" {
				return nil
			}
			_, port, err := net.SplitHostPort(c.HTTPAddr)
			if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
				return &configError{Name: "COACHLOG_HTTP_ADDR", Problem: fmt.Sprintf("%q is not host:port with a port from 0 to 65535, such as :8080 or 127.0.0.1:8080", c.HTTPAddr)}
			}
			return nil
		},
		func() error {
			c.SenderLease, err = envvar.Duration(getenv, "COACHLOG_SENDER_LEASE", 15*time.Second, time.Second, 10*time.Minute, "30s")
			return err
		},
		func() error { c.LogLevel, err = logLevel(getenv("COACHLOG_LOG_LEVEL")); return err },
		func() error {
			c.LogFormat = strings.ToLower(or(getenv("COACHLOG_LOG_FORMAT"), "text"))
			if c.LogFormat != "text" && c.LogFormat != "json" {
				return &configError{Name: "COACHLOG_LOG_FORMAT", Problem: fmt.Sprintf("%q is not text or json", c.LogFormat)}
			}
			return nil
		},
	}
	for _, check := range checks {
		err := check()
		if len(quoted) > 0 {
			return config{}, &configError{Name: quoted[0], Problem: "is wrapped in quotes, which are not part of the value " +
				"(an env file read as it is, such as docker's --env-file, keeps them): remove them"}
		}
		if err != nil {
			return config{}, err
		}
	}
	return c, nil
}

// wrappedInQuotes says whether v is wrapped in a pair of the same quote,
// double or single. No setting's value is: not a token, an id, a zone, a
// path, a URL or a schedule.
func wrappedInQuotes(v string) bool {
	return len(v) > 1 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0]
}

// orgZone reads COACHLOG_TIMEZONE, UTC when unset, as serve reads it; the
// demo, which runs in a zone of its own, checks it the same way.
func orgZone(getenv func(string) string) (*time.Location, error) {
	// As the roster's timezone column: EST, a legacy name or Etc/GMT+1
	// would run the digest's week and the org's day on a clock that is
	// not the company's half the year.
	name, err := roster.ParseTimezone(or(getenv("COACHLOG_TIMEZONE"), "UTC"))
	if err != nil {
		return nil, &configError{Name: "COACHLOG_TIMEZONE", Problem: err.Error()}
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, &configError{Name: "COACHLOG_TIMEZONE", Problem: fmt.Sprintf("%q is not an IANA time zone such as Europe/Paris", name)}
	}
	return loc, nil
}

// settingNames are the variables loadConfig reads: every setting.
func settingNames() []string {
	var names []string
	_, _ = loadConfig(func(k string) string { names = append(names, k); return "" }, needs{})
	return names
}

// notSettings are COACHLOG_ variables of the project's own that Coachlog
// does not read, so no misspelling: the tests' (and any COACHLOG_TEST_),
// the benchmarks' (shared/bench's binary, its Bolt baseline's setting) and
// the README's docker compose example's password.
var notSettings = []string{"COACHLOG_SERVE_CHILD", "COACHLOG_CRASH_DB", "COACHLOG_CRASH_CHILD",
	"COACHLOG_BIN", "COACHLOG_SQLITE_SYNCHRONOUS", "COACHLOG_DB_PASSWORD"}

// warnStraySettings names, once each, the COACHLOG_ variables in the
// environment that are no setting, with the one each likely misspells: read
// by no one, a misspelt setting leaves its default in force without a word.
// A warning, not a refusal: a variable of a newer or older version, or of a
// wrapper script, must not stop a start. Only COACHLOG_ is Coachlog's own:
// SLACK_ and OPENAI_ variables are other tools' too (SLACK_SIGNING_SECRET,
// OPENAI_ORG_ID). Values are never shown: one may be a token.
func warnStraySettings(log *slog.Logger, environ func() []string) {
	if environ == nil {
		return
	}
	for _, s := range envvar.Unknown(environ(), "COACHLOG_", settingNames(), notSettings, "COACHLOG_TEST_") {
		msg := s.Name + " is not a Coachlog setting and is ignored"
		if s.Near != "" {
			msg += "; did you mean " + s.Near + "?"
		}
		log.Warn(msg)
	}
}

func checkToken(name, val, prefix, what string, required bool) error {
	switch {
	case val == "" && required:
		return &configError{Name: name, Problem: fmt.Sprintf("missing; set it to the Slack %s (%s...)", what, prefix)}
	case val == "":
		return nil
	case strings.HasPrefix(val, "xapp-") && prefix != "xapp-":
		return &configError{Name: name, Problem: fmt.Sprintf("holds an app-level token (xapp-); it needs the %s (%s...)", what, prefix)}
	case strings.HasPrefix(val, "xox") && prefix == "xapp-":
		return &configError{Name: name, Problem: fmt.Sprintf("holds a %s... token; it needs the %s (xapp-...) from Basic Information > App-Level Tokens", val[:min(len(val), 4)], what)}
	case !strings.HasPrefix(val, prefix):
		return &configError{Name: name, Problem: fmt.Sprintf("must be a Slack %s starting with %q", what, prefix)}
	}
	return nil
}

func apiURL(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "https://slack.com/api/", nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", &configError{Name: "SLACK_API_URL", Problem: fmt.Sprintf("%q is not an http(s) URL like https://slack.com/api/", envvar.ShownURL(v))}
	}
	// slack-go joins method names onto the URL, so it needs the slash.
	if !strings.HasSuffix(v, "/") {
		v += "/"
	}
	return v, nil
}

// storeOptions adds the settings that shape the store to o.
func (c config) storeOptions(o sqlite.Options) sqlite.Options {
	o.MaxConns, o.StatementTimeout = c.PGMaxConns, c.PGStatementTimeout
	// Every command's commits, an import's too, keep to COACHLOG_DURABLE.
	o.Durable = c.Durable
	return o
}

func admins(v string) ([]string, error) {
	var out []string
	for _, id := range strings.Split(v, ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if !userIDRE.MatchString(id) {
			return nil, &configError{Name: "COACHLOG_ADMINS", Problem: fmt.Sprintf("%q is not a Slack user id like U0123ABCD", id)}
		}
		out = append(out, id)
	}
	return out, nil
}

func skills(v string) ([]coaching.Skill, error) {
	if strings.TrimSpace(v) == "" {
		return coaching.DefaultSkills(), nil
	}
	var out []coaching.Skill
	seen := map[string]bool{}
	for _, pair := range strings.Split(v, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		id, label, ok := strings.Cut(pair, ":")
		id, label = strings.TrimSpace(id), strings.TrimSpace(label)
		switch {
		case !ok || label == "":
			return nil, &configError{Name: "COACHLOG_SKILLS", Problem: fmt.Sprintf("%q is not an id:Label pair", pair)}
		case !skillIDRE.MatchString(id):
			return nil, &configError{Name: "COACHLOG_SKILLS", Problem: fmt.Sprintf("skill id %q must be lower-case letters, digits, - or _", id)}
		case seen[id]:
			return nil, &configError{Name: "COACHLOG_SKILLS", Problem: fmt.Sprintf("skill id %q is listed twice", id)}
		}
		seen[id] = true
		out = append(out, coaching.Skill{ID: id, Label: label})
	}
	switch {
	case len(out) == 0:
		// The form's skills picker needs at least one option, or Slack
		// refuses the whole form.
		return nil, &configError{Name: "COACHLOG_SKILLS", Problem: "lists no skill; leave it unset for the default skills"}
	case len(out) > 100:
		return nil, &configError{Name: "COACHLOG_SKILLS", Problem: "at most 100 skills fit in Slack's picker"}
	}
	return out, nil
}

func logLevel(v string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "info":
		return slog.LevelInfo, nil
	case "debug":
		return slog.LevelDebug, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, &configError{Name: "COACHLOG_LOG_LEVEL", Problem: fmt.Sprintf("%q is not debug, info, warn or error", v)}
}

func or(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return strings.TrimSpace(v)
}

// storeKind names the store COACHLOG_DB selects, for /healthz and the
// metrics: never the URL itself, which may hold a password.
func storeKind(db string) string {
	if sqlite.IsPostgres(db) {
		return "postgres"
	}
	return "sqlite"
}

// loggableDB is COACHLOG_DB fit for a log line: what errors and messages
// show (sqlite.Redact), so that one function decides which parts of a
// database URL are secret.
func loggableDB(db string) string { return sqlite.Redact(db) }
