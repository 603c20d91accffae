package quickcapture

import (
	"strings"
	"unicode"

	"github.com/coachlog/coachlog/internal/coaching"
)

// person is someone a line names: a Slack user (id set) or something that
// looks like a person but is not one Slack resolved (shown set).
type person struct {
	id    string // a user id such as U123 or W0ABC
	shown string // "@sam", "@sales": how to name an unresolved person
	typed bool   // shown was typed as plain text, not picked from Slack's @ list
	group bool   // shown is a Slack user group (<!subteam^S1|@sales>), not a person
}

// escapedPerson reads the body of one Slack escape (the text between "<" and
// ">"). User mentions give an id; user groups, @here and the like, and user
// mentions whose id is not a user's, give a name to show the manager. Channel
// mentions and links are not people.
func escapedPerson(body string) (person, bool) {
	switch {
	case strings.HasPrefix(body, "@"):
		id, label, _ := strings.Cut(body[1:], "|")
		if validUserID(id) {
			return person{id: id}, true
		}
		return shownAs(label, id)
	case strings.HasPrefix(body, "!subteam^"):
		id, label, _ := strings.Cut(body[len("!subteam^"):], "|")
		who, ok := shownAs(label, id)
		who.group = ok
		return who, ok
	}
	name, _, _ := strings.Cut(body, "|")
	switch name {
	case "!here", "!channel", "!everyone":
		return person{shown: "@" + name[1:]}, true
	}
	return person{}, false
}

// shownAs names an unresolved person by the label Slack gave, else the id.
func shownAs(label, id string) (person, bool) {
	name := strings.TrimPrefix(label, "@")
	if name == "" {
		name = id
	}
	if name == "" {
		return person{}, false
	}
	return person{shown: "@" + name}, true
}

// validUserID reports whether id is a Slack user id: U or W (Enterprise Grid)
// then upper-case letters and digits. Bot ids (B...) are not people to coach.
func validUserID(id string) bool {
	if len(id) < 2 || (id[0] != 'U' && id[0] != 'W') {
		return false
	}
	for i := 1; i < len(id); i++ {
		c := id[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// peopleToken reads a header token that starts with people: one or more
// Slack escapes ("<@U1|sam>", "<@U1>,<@U2>", "<@U1>+<@U2>") or a plain
// "@sam" that Slack did not resolve. Anything else in the token makes it
// not a people token, except a Slack escape that is no person (a link, a
// mailto, a channel) glued after the people: it starts the notes, and
// notesAt is its byte offset in the token (0 when the token is all
// people). Escapes are whole items as Slack wrote them, so cutting before
// one keeps the link intact for the notes.
func peopleToken(t token) (found []person, notesAt int, ok bool) {
	s := t.bare
	if strings.HasPrefix(s, "@") {
		if plainName(s[1:]) {
			return []person{{shown: s, typed: true}}, 0, true
		}
		return nil, 0, false
	}
	for s != "" {
		s = trimJoiners(s)
		if s == "" || s[0] != '<' {
			return nil, 0, false
		}
		j := closingAngle(s, 0)
		if j < 0 {
			return nil, 0, false
		}
		p, ok := escapedPerson(s[1:j])
		if !ok {
			if len(found) == 0 {
				return nil, 0, false
			}
			return found, len(t.bare) - len(s), true
		}
		found = append(found, p)
		s = s[j+1:]
	}
	return found, 0, len(found) > 0
}

// joiners are what people glue between names to mean "and", as they type
// them with spaces around ("<@U1> & <@U2>", "<@U1>, <@U2>"): "Sam,Ria",
// "Sam+Ria", "Sam&Ria" (Slack sends & as &amp;), "Sam/Ria". Only these:
// a bracket or quote glued to a mention ("(<@U1>)") is prose.
var joiners = []string{",", "+", "&amp;", "&", "/"}

// trimJoiners drops the joiners at the start of s, and the characters
// that show nothing (coaching.Invisible) among them.
func trimJoiners(s string) string {
	for {
		rest := strings.TrimLeftFunc(s, coaching.Invisible)
		for _, j := range joiners {
			rest = strings.TrimPrefix(rest, j)
		}
		if rest == s {
			return s
		}
		s = rest
	}
}

// plainName reports whether name could be a Slack handle typed after "@".
func plainName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._-", r) {
			return false
		}
	}
	return true
}

// peopleAnywhere finds every person named in s, inside words too
// ("(<@U1>)", "<@U1>'s"), for lines whose header names nobody.
func peopleAnywhere(s string) []person {
	var found []person
	sc := scanner{s: s}
	for {
		t, ok := sc.next()
		if !ok {
			return found
		}
		if strings.HasPrefix(t.bare, "@") && plainName(t.bare[1:]) {
			found = append(found, person{shown: t.bare, typed: true})
			continue
		}
		found = append(found, escapedPeopleIn(t.text)...)
	}
}

// escapedPeopleIn returns the people in every Slack escape within text.
func escapedPeopleIn(text string) []person {
	var found []person
	for i := 0; i < len(text); i++ {
		if text[i] != '<' {
			continue
		}
		j := closingAngle(text, i)
		if j < 0 {
			continue
		}
		if p, ok := escapedPerson(text[i+1 : j]); ok {
			found = append(found, p)
		}
		i = j
	}
	return found
}
