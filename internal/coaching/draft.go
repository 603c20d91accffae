package coaching

// Draft is a session as a form or a quick-capture line describes it, before
// validation. Zero values mean "not given".
type Draft struct {
	RepIDs      []string
	Kind        Kind
	OccurredOn  Date
	DurationMin int
	Role        Role
	Skills      []string
	Notes       string
	Visibility  Visibility
	Commitments []string
	FollowUpOn  Date
	// KeptCommitments are ids of earlier open commitments ticked off as kept.
	KeptCommitments []int64
}

// Field names a part of a draft; validation errors are keyed by it and the
// modal uses the same names for its input blocks.
type Field string

// The draft's fields.
const (
	FieldReps        Field = "reps"
	FieldKind        Field = "kind"
	FieldDate        Field = "date"
	FieldDuration    Field = "duration"
	FieldRole        Field = "role"
	FieldSkills      Field = "skills"
	FieldNotes       Field = "notes"
	FieldVisibility  Field = "visibility"
	FieldCommitments Field = "commitments"
	FieldFollowUp    Field = "follow_up"
)

// Limits on what a session may hold.
const (
	MaxDurationMin     = 480
	MaxNotesLen        = 3000 // Slack's plain_text_input limit
	MaxReps            = 50
	MaxCommitments     = 20
	MaxCommitmentLen   = 300
	MaxOpenCommitments = 10 // shown per rep when picking them
)

// FieldErrors maps fields to messages for people. Messages are plain text
// and may name people by the display name they chose in Slack: a surface
// that shows them as markup escapes them.
type FieldErrors map[Field]string

// ValidationError carries the field errors of a rejected draft.
type ValidationError struct{ Fields FieldErrors }

func (e *ValidationError) Error() string {
	return "session is not valid: " + joinFieldErrors(e.Fields)
}
