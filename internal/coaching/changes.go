package coaching

import (
	"fmt"
	"slices"
	"strings"
)

// Change is one field an edit changed, described for the rep.
type Change struct {
	Field     Field
	Substance bool // changes what the rep confirmed
	Text      string
	// ForRep is how a rep's DM says it, when not as Text: the manager's
	// receipt reads "note visibility", the rep is told who reads the
	// notes now.
	ForRep string
}

// ChangeSet is what an edit changes.
type ChangeSet []Change

// Changes compares a session with the draft that edits it.
func Changes(old Session, d Draft) ChangeSet {
	var cs ChangeSet
	add := func(f Field, substance bool, format string, args ...any) {
		cs = append(cs, Change{Field: f, Substance: substance, Text: fmt.Sprintf(format, args...)})
	}
	oldReps := old.ActiveRepIDs()
	if !sameSet(oldReps, d.RepIDs) {
		add(FieldReps, true, "%s", repsChange(oldReps, d.RepIDs))
	}
	if old.Kind != d.Kind {
		add(FieldKind, true, "kind %s → %s", old.Kind.Label(), d.Kind.Label())
	}
	if old.OccurredOn != d.OccurredOn {
		add(FieldDate, true, "date %s → %s", old.OccurredOn.Human(), d.OccurredOn.Human())
	}
	if old.DurationMin != d.DurationMin {
		add(FieldDuration, true, "duration %d → %d min", old.DurationMin, d.DurationMin)
	}
	if old.Role != d.Role {
		add(FieldRole, true, "role %s → %s", roleText(old.Role), roleText(d.Role))
	}
	if !sameSet(old.Skills, d.Skills) {
		add(FieldSkills, false, "%s", changedOnly[FieldSkills])
	}
	if old.Notes != d.Notes {
		add(FieldNotes, false, "%s", changedOnly[FieldNotes])
	}
	if old.Visibility != d.Visibility {
		add(FieldVisibility, false, "note visibility")
		cs[len(cs)-1].ForRep = readersNote(old.ManagerID, d.Visibility)
	}
	if !sameSet(commitmentTexts(old), d.Commitments) || len(d.KeptCommitments) > 0 {
		add(FieldCommitments, false, "%s", changedOnly[FieldCommitments])
	}
	if old.FollowUpOn != d.FollowUpOn {
		add(FieldFollowUp, false, "%s", changedOnly[FieldFollowUp])
	}
	return cs
}

// changedOnly is how a change names a field whose values it leaves out:
// it says only that the field changed.
var changedOnly = map[Field]string{
	FieldSkills: "focus skills", FieldNotes: "notes", FieldCommitments: "commitments", FieldFollowUp: "follow-up date",
}

// with is cs and, when it has none of them yet, a change of the
// commitments or the follow-up date for each listed in also, where
// Changes would put it (the two come last, in that order).
func (cs ChangeSet) with(also []Field) ChangeSet {
	if slices.Contains(also, FieldCommitments) && !cs.has(FieldCommitments) {
		i := len(cs)
		if cs.has(FieldFollowUp) {
			i--
		}
		cs = slices.Insert(cs, i, Change{Field: FieldCommitments, Text: changedOnly[FieldCommitments]})
	}
	if slices.Contains(also, FieldFollowUp) && !cs.has(FieldFollowUp) {
		cs = append(cs, Change{Field: FieldFollowUp, Text: changedOnly[FieldFollowUp]})
	}
	return cs
}

// has reports whether cs changes f.
func (cs ChangeSet) has(f Field) bool {
	return slices.ContainsFunc(cs, func(c Change) bool { return c.Field == f })
}

// Empty reports whether nothing changed.
func (cs ChangeSet) Empty() bool { return len(cs) == 0 }

// Substance reports whether the edit changes what a rep confirmed.
func (cs ChangeSet) Substance() bool {
	return slices.ContainsFunc(cs, func(c Change) bool { return c.Substance })
}

// Fields lists the changed fields.
func (cs ChangeSet) Fields() []Field {
	out := make([]Field, len(cs))
	for i, c := range cs {
		out[i] = c.Field
	}
	return out
}

// Summary describes the changes of substance for the rep's DM.
func (cs ChangeSet) Summary() string {
	var parts []string
	for _, c := range cs {
		if c.Substance {
			parts = append(parts, c.Text)
		}
	}
	return strings.Join(parts, "; ")
}

// Describe lists every change, for a rep asked again after a dispute.
func (cs ChangeSet) Describe() string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Text
	}
	return strings.Join(parts, "; ")
}

// describeButReaders lists every change but who reads the notes, for
// a rep asked again after a dispute: that one is a part of the rep's
// change note of its own (Readers, see changenote.go).
func (cs ChangeSet) describeButReaders() string {
	var parts []string
	for _, c := range cs {
		if c.Field != FieldVisibility {
			parts = append(parts, c.Text)
		}
	}
	return strings.Join(parts, "; ")
}

// Readers is what a rep's DM says of a change of who reads the notes,
// "" when the edit left that alone.
func (cs ChangeSet) Readers() string {
	for _, c := range cs {
		if c.Field == FieldVisibility {
			return c.ForRep
		}
	}
	return ""
}

// repsChange says who an edit took off the session and who it added,
// rather than every rep before and after: in a team meeting of a dozen,
// the one name that changed was lost among those that did not. Each part
// lists its reps as a sentence does ("took <@a> and <@b> off"); the two
// parts are joined by " and " when each names one rep ("took <@a> off and
// added <@b>"), by "; " otherwise: "took <@a> and <@b> off and added <@c>"
// read as if <@b> had been added.
func repsChange(old, cur []string) string {
	var gone, added []string
	for _, id := range old {
		if !slices.Contains(cur, id) {
			gone = append(gone, id)
		}
	}
	for _, id := range cur {
		if !slices.Contains(old, id) {
			added = append(added, id)
		}
	}
	var parts []string
	if len(gone) > 0 {
		parts = append(parts, "took "+mentions(gone)+" off")
	}
	if len(added) > 0 {
		parts = append(parts, "added "+mentions(added))
	}
	if len(gone) > 1 || len(added) > 1 {
		return strings.Join(parts, "; ")
	}
	return strings.Join(parts, " and ")
}

func roleText(r Role) string {
	if r == "" {
		return "none"
	}
	return strings.ToLower(r.Label())
}

// mentions lists ids as a sentence does: "<@a>", "<@a> and <@b>",
// "<@a>, <@b> and <@c>".
func mentions(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = "<@" + id + ">"
	}
	if len(out) < 2 {
		return strings.Join(out, "")
	}
	return strings.Join(out[:len(out)-1], ", ") + " and " + out[len(out)-1]
}

func commitmentTexts(s Session) []string {
	var out []string
	for _, c := range s.Commitments {
		if !slices.Contains(out, c.Text) {
			out = append(out, c.Text)
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
