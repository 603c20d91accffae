package roster

import (
	"fmt"
	"slices"
	"strings"

	"github.com/coachlog/coachlog/internal/sheet"
)

// index finds a row by its slack_id or its lower-cased email, the two ways
// the manager column may name someone. The first row wins; duplicates are
// reported on their own.
type index map[string]int

func newIndex(entries []Entry) index {
	ix := make(index, 2*len(entries))
	for i, e := range entries {
		for _, key := range []string{e.SlackID, e.Email} {
			if _, seen := ix[key]; key != "" && !seen {
				ix[key] = i
			}
		}
	}
	return ix
}

// checkReporting checks the manager column: every manager is someone in the
// file (the file is the whole roster), nobody manages themselves, and the
// reporting lines form a tree, since leaders see everything below them and a
// cycle has no top.
func checkReporting(entries []Entry, errs *Errors) {
	ix := newIndex(entries)
	parent := make([]int, len(entries)) // -1 for the top of the tree
	for i, e := range entries {
		parent[i] = -1
		if e.ManagerRef == "" {
			continue
		}
		switch j, ok := ix[e.ManagerRef]; {
		case !ok && sheet.MailtoProblem(e.ManagerRef) != nil:
			errs.Add(e.Line, colManager, "%s", sheet.MailtoProblem(e.ManagerRef))
		case !ok:
			errs.Add(e.Line, colManager, "%q is not the slack_id or email of anyone in this file (the file is the whole roster)%s%s", e.ManagerRef, sheet.SlackIDCase(e.ManagerRef), namedOn(entries, e.ManagerRef))
		case j == i:
			errs.Add(e.Line, colManager, "a person can't be their own manager")
		default:
			parent[i] = j
		}
	}
	for _, cycle := range cycles(parent) {
		errs.Add(entries[cycle[0]].Line, colManager, "reporting cycle: %s", describeCycle(entries, cycle))
	}
}

// namedOn says which row ref is the name of, when it is one row's
// (case aside), and what to write instead: an HR system's export gives
// the manager by name, and "not the slack_id or email of anyone" left the
// admin to find that row's id or email by hand.
func namedOn(entries []Entry, ref string) string {
	found := -1
	for i, e := range entries {
		if e.Name == "" || !strings.EqualFold(strings.Join(strings.Fields(e.Name), " "), strings.Join(strings.Fields(ref), " ")) {
			continue
		}
		if found >= 0 {
			return fmt.Sprintf(": it is the name of several rows (lines %d and %d); give the slack_id or email of the one meant", entries[found].Line, e.Line)
		}
		found = i
	}
	if found < 0 {
		return ""
	}
	m := entries[found]
	var ids []string
	for _, id := range []string{m.SlackID, m.Email} {
		if id != "" {
			ids = append(ids, id)
		}
	}
	return fmt.Sprintf(": it is the name on line %d; write %s instead", m.Line, strings.Join(ids, " or "))
}

// cycles returns each cycle of the reporting graph once, as row positions in
// reporting order, starting from the row earliest in the file. Each row has
// at most one manager, so following managers from every row finds them all.
func cycles(parent []int) [][]int {
	const (
		unseen = iota
		onPath
		done
	)
	state := make([]int, len(parent))
	var found [][]int
	for start := range parent {
		var path []int
		v := start
		for v != -1 && state[v] == unseen {
			state[v] = onPath
			path = append(path, v)
			v = parent[v]
		}
		if v != -1 && state[v] == onPath {
			cycle := path[slices.Index(path, v):]
			first := slices.Index(cycle, slices.Min(cycle))
			found = append(found, append(slices.Clone(cycle[first:]), cycle[:first]...))
		}
		for _, u := range path {
			state[u] = done
		}
	}
	return found
}

// describeCycle names the people in a cycle: "Ann (line 2) → Bob (line 3) → Ann".
func describeCycle(entries []Entry, cycle []int) string {
	var b strings.Builder
	for _, i := range cycle {
		fmt.Fprintf(&b, "%s (line %d) → ", entries[i].label(), entries[i].Line)
	}
	b.WriteString(entries[cycle[0]].label())
	return b.String()
}
