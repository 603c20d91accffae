package coaching

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// ValidateDraft checks a draft against the rules every capture path shares:
// reps given and not the manager, a known kind, a date not in the manager's
// future, 1 to 480 minutes, a role for ride-alongs, notes within Slack's
// limit, a follow-up within a year after the session. skills are the
// configured skill ids. It returns nil when the draft is good.
func ValidateDraft(d Draft, managerID string, today Date, skills []Skill) FieldErrors {
	return validateDraft(d, kept{}, managerID, today, skills)
}

// kept is what an edit keeps of the session as stored; zero for a new
// session. The rules that judge a value against how things stand today
// (a date within the year before today, a skill still configured, a rep
// still a member: see Service.validate) judge only what the edit
// changes. The session passed them when it was saved; a year on, or with
// a skill retired or a rep gone since, it is still the record of what
// happened, and its notes, or a rep's dispute answered, must stay savable.
type kept struct {
	date   Date
	skills []string
	reps   []string
}

// keptOf is what an edit of was keeps, whatever the edit changes: each
// rule compares the draft's value with it.
func keptOf(was Session) kept {
	return kept{date: was.OccurredOn, skills: was.Skills, reps: was.ActiveRepIDs()}
}

// validateDraft is ValidateDraft for a draft that keeps k of a stored
// session.
func validateDraft(d Draft, k kept, managerID string, today Date, skills []Skill) FieldErrors {
	errs := FieldErrors{}
	switch {
	case len(d.RepIDs) == 0:
		errs[FieldReps] = "Pick the rep you coached."
	case slices.Contains(d.RepIDs, managerID) && len(d.RepIDs) > 1:
		// A team meeting with the manager picked too: the reps are
		// picked already, only the manager is to go.
		errs[FieldReps] = "You can't log coaching with yourself: take yourself off the list of reps."
	case slices.Contains(d.RepIDs, managerID):
		errs[FieldReps] = "You can't log coaching with yourself: pick the rep you coached."
	case len(d.RepIDs) > MaxReps:
		errs[FieldReps] = fmt.Sprintf("Pick at most %d reps.", MaxReps)
	case d.Kind.SingleRep() && len(d.RepIDs) > 1:
		errs[FieldReps] = fmt.Sprintf("A %s is with one rep; for several, pick Team meeting or Role-play.", d.Kind.Label())
	}
	if !d.Kind.Valid() {
		errs[FieldKind] = "Pick what kind of coaching this was."
	}
	switch {
	case d.OccurredOn.IsZero():
		errs[FieldDate] = "Pick the date it happened."
	case d.OccurredOn == k.date:
	case d.OccurredOn.After(today):
		errs[FieldDate] = fmt.Sprintf("The date can't be in the future (today is %s).", today.Human())
	case d.OccurredOn.OverAYearBefore(today):
		errs[FieldDate] = fmt.Sprintf("The date is more than a year ago: the earliest you can log is %s.", EarliestLog(today).Human())
	}
	if d.DurationMin < 1 || d.DurationMin > MaxDurationMin {
		errs[FieldDuration] = fmt.Sprintf("Enter the duration in minutes, 1 to %d.", MaxDurationMin)
	}
	switch {
	case d.Kind == KindRideAlong && d.Role == "":
		errs[FieldRole] = "Pick the role you played on the ride-along."
	case d.Role != "" && !d.Role.Valid():
		errs[FieldRole] = "Pick one of the listed roles."
	}
	for _, s := range d.Skills {
		if !slices.Contains(k.skills, s) && !slices.ContainsFunc(skills, func(k Skill) bool { return k.ID == s }) {
			errs[FieldSkills] = fmt.Sprintf("%q is not a known focus skill.", s)
			break
		}
	}
	if n := utf8.RuneCountInString(d.Notes); n > MaxNotesLen {
		errs[FieldNotes] = fmt.Sprintf("Notes are %s characters; keep them within %s.", Count(n), Count(MaxNotesLen))
	}
	if d.Visibility != "" && d.Visibility != VisibilityPrivate && d.Visibility != VisibilityShared {
		errs[FieldVisibility] = "Pick who may read the notes."
	}
	if msg := validateCommitments(d.Commitments); msg != "" {
		errs[FieldCommitments] = msg
	}
	switch {
	case d.FollowUpOn.IsZero() || d.OccurredOn.IsZero():
	case d.FollowUpOn.Before(d.OccurredOn):
		errs[FieldFollowUp] = "The follow-up can't be before the session."
	case d.FollowUpOn.After(d.OccurredOn.AddDays(366)):
		// A year out is already a long plan; further is a slip of the
		// picker's year (2062 for 2026), which would then sit in the
		// record and the rep's DM unnoticed.
		errs[FieldFollowUp] = "The follow-up is more than a year after the session."
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

func validateCommitments(lines []string) string {
	if len(lines) > MaxCommitments {
		return fmt.Sprintf("Write at most %d commitments, one per line.", MaxCommitments)
	}
	for i, c := range lines {
		if utf8.RuneCountInString(c) > MaxCommitmentLen {
			return fmt.Sprintf("Commitment %d is longer than %d characters.", i+1, MaxCommitmentLen)
		}
	}
	return ""
}

// SplitCommitments turns the modal's text into one commitment per non-blank
// line, dropping list markers people type out of habit.
func SplitCommitments(text string) []string {
	var out []string
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		line = strings.TrimSpace(strings.TrimLeft(line, "-*•·"))
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}

func joinFieldErrors(errs FieldErrors) string {
	var parts []string
	for _, f := range slices.Sorted(maps.Keys(errs)) {
		parts = append(parts, string(f)+": "+errs[f])
	}
	return strings.Join(parts, "; ")
}
