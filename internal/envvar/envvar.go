// Package envvar reads settings through a getenv function, so that every
// setting, the bot's and the LLM's alike, reads its value and refuses a
// bad one the same way: one line naming the variable, the value and what
// it may be.
package envvar

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/typo"
)

// Error is a setting whose value cannot be used.
type Error struct{ Name, Problem string }

func (e *Error) Error() string { return e.Name + ": " + e.Problem }

// Int reads a whole number from lo to hi; unset, it is def.
func Int(getenv func(string) string, name string, def, lo, hi int) (int, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, &Error{name, fmt.Sprintf("%q is not a whole number from %d to %d", v, lo, hi)}
	}
	return n, nil
}

// Duration reads a Go duration from lo to hi, such as example; unset, it is
// def.
func Duration(getenv func(string) string, name string, def, lo, hi time.Duration, example string) (time.Duration, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < lo || d > hi {
		return 0, &Error{name, fmt.Sprintf("%q is not a duration from %s to %s, such as %s", v, lo, hi, example)}
	}
	return d, nil
}

// OnOff reads a switch: on, true, 1 or yes; off, false, 0, no or unset.
func OnOff(getenv func(string) string, name string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(getenv(name))) {
	case "", "off", "false", "0", "no":
		return false, nil
	case "on", "true", "1", "yes":
		return true, nil
	}
	return false, &Error{name, "must be on or off"}
}

// ShownURL is v as a log line or an error may show it: a proxy's
// credentials (user info) and any query or fragment (a key some servers
// take there) are dropped. A value that is not a URL at all is not shown:
// what made it unreadable may be the password (an unescaped '@' or ':').
// Nor is one with an '@' left once the user info is gone: Go reads
// "http//bob:pw@proxy" (a scheme mistyped) as a path and
// "https://bob:12/34@proxy" (a '/' in the password) as host bob, port 12,
// and either would show the password whole.
func ShownURL(v string) string {
	u, err := url.Parse(v)
	if err != nil {
		return "<unreadable URL>"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment = nil, "", false, ""
	if s := u.String(); !strings.Contains(s, "@") {
		return s
	}
	return "<unreadable URL>"
}

// Stray is a variable no one reads, and the setting it likely misspells
// ("" when none is near).
type Stray struct{ Name, Near string }

// nearEdits is how many edits (typo.Distance) a stray name may be from a
// setting's to be taken for a misspelling of it: a letter dropped,
// doubled or swapped, or two.
const nearEdits = 2

// Unknown lists, once each and by name, the variables in environ (as
// os.Environ gives them) whose names start with prefix but are none of
// known nor of ignored, nor start with ignoredPrefix (when not empty): a
// misspelt setting, read by no one, leaves its default in force without
// a word. Each is given the known name it is nearest, when exactly one is
// within nearEdits, case aside. Only names are read, never a value.
func Unknown(environ []string, prefix string, known, ignored []string, ignoredPrefix string) []Stray {
	seen := map[string]bool{}
	var out []Stray
	for _, kv := range environ {
		name, _, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, prefix) || seen[name] || slices.Contains(known, name) || slices.Contains(ignored, name) ||
			(ignoredPrefix != "" && strings.HasPrefix(name, ignoredPrefix)) {
			continue
		}
		seen[name] = true
		s := Stray{Name: name}
		best := nearEdits + 1
		for _, k := range known {
			switch d := typo.Distance(strings.ToUpper(name), k); {
			case d < best:
				s.Near, best = k, d
			case d == best:
				s.Near = "" // two as near: no guess
			}
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Stray) int { return strings.Compare(a.Name, b.Name) })
	return out
}
