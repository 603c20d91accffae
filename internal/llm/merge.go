package llm

import (
	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/quickcapture"
)

// Merge puts a checked model reading onto the rule parser's: the rule
// parser's reading is the base, and wins wherever it read a field from
// the line's header (reps named there, a kind, a role, a duration, a date
// word), or a duration the sentence writes as a header does ("45 min"),
// since those are exactly what the manager typed and no sentence in the
// notes can change them. The model fills what the rule parser could
// not read: reps when the header named none (the rule parser then guessed
// every user mentioned), kind, role, duration, date, skills, commitments,
// and notes trimmed to the manager's words about the session. What the
// rule parser only guessed, from words anywhere in a sentence or from an
// ambiguous date (rule.Guessed), the model's reading of the whole
// sentence replaces when it has one: "rode along mon for 45 min" may be
// read better by it than by words spotted. The role is the exception: a
// role the rule parser read from the words ("mostly watched", participant)
// names what the manager wrote, and a model's different one ("lead") has
// no support there, so the rule parser's stands, still marked to check.
func Merge(rule quickcapture.Result, x Extraction) coaching.Draft {
	d := rule.Draft
	if (len(d.RepIDs) == 0 || rule.RepsGuessed) && len(x.RepIDs) > 0 {
		d.RepIDs = append([]string(nil), x.RepIDs...)
	}
	if x.Kind != "" && (d.Kind == "" || rule.Guess(coaching.FieldKind)) {
		d.Kind = x.Kind
	}
	if x.Role != "" && d.Role == "" {
		d.Role = x.Role
	}
	if d.Kind != coaching.KindRideAlong && d.Kind != "" {
		// A role belongs to ride-alongs; keep only what the manager typed.
		d.Role = ""
		if !rule.Guess(coaching.FieldRole) {
			d.Role = rule.Draft.Role
		}
	}
	if x.DurationMin != 0 && (d.DurationMin == 0 || rule.Guess(coaching.FieldDuration)) {
		d.DurationMin = x.DurationMin
	}
	if !x.OccurredOn.IsZero() && (!rule.DateGiven || rule.Guess(coaching.FieldDate)) {
		d.OccurredOn = x.OccurredOn
	}
	if len(d.Skills) == 0 {
		d.Skills = append([]string(nil), x.Skills...)
	}
	if len(d.Commitments) == 0 {
		d.Commitments = append([]string(nil), x.Commitments...)
	}
	if x.Notes != "" {
		d.Notes = x.Notes
	}
	return d
}
