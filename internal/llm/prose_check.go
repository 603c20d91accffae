package llm

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/quickcapture"
)

// answer is the model's JSON, before checking. Every field may be missing
// or null: servers without strict structured output give no guarantee.
type answer struct {
	Reps        []string `json:"reps"`
	Kind        *string  `json:"kind"`
	Role        *string  `json:"role"`
	DurationMin *float64 `json:"duration_min"`
	Date        *string  `json:"date"`
	Skills      []string `json:"skills"`
	Notes       *string  `json:"notes"`
	Commitments []string `json:"commitments"`
}

// invalid is a rejected answer; detail names the field, never its value
// (which may hold note text), so it is safe to log.
func invalid(detail string) *Failure { return &Failure{Reason: ReasonInvalid, Detail: detail} }

// readAnswer parses the model's JSON and checks every field against in and
// the users the text mentions. Any field outside the allowed values
// rejects the whole answer; notes and commitments not drawn from the
// manager's words, or carrying Slack markup or formatting the line does not
// have (marksDrawnFrom), are dropped, and so is a duration when the words have no
// number or duration word (quickcapture.MentionsDuration).
func readAnswer(text string, in ProseInput, mentions []string) (Extraction, error) {
	var a answer
	if err := json.Unmarshal([]byte(jsonObject(text)), &a); err != nil {
		return Extraction{}, invalid("not a JSON object of the session's fields")
	}
	var x Extraction
	for _, r := range a.Reps {
		id := userID(r)
		switch {
		case !slices.Contains(mentions, id):
			return Extraction{}, invalid("a rep is not among the users the text mentions")
		case id == in.ManagerID:
			return Extraction{}, invalid("the manager is named as a rep")
		case !slices.Contains(x.RepIDs, id):
			x.RepIDs = append(x.RepIDs, id)
		}
	}
	if len(x.RepIDs) > coaching.MaxReps {
		return Extraction{}, invalid("too many reps")
	}
	if v := token(a.Kind); v != "" {
		if x.Kind = coaching.Kind(v); !x.Kind.Valid() {
			return Extraction{}, invalid("kind is not one of the kinds")
		}
	}
	if v := token(a.Role); v != "" {
		if x.Role = coaching.Role(v); !x.Role.Valid() {
			return Extraction{}, invalid("role is not one of the roles")
		}
	}
	if a.DurationMin != nil {
		d := *a.DurationMin
		if d != math.Trunc(d) || d < 1 || d > coaching.MaxDurationMin {
			return Extraction{}, invalid("duration is not 1 to 480 whole minutes")
		}
		// A duration the words give no hint of (no number, no "hour")
		// is the model's invention: dropped, the form asks how long.
		if quickcapture.MentionsDuration(in.Text) {
			x.DurationMin = int(d)
		}
	}
	if a.Date != nil && strings.TrimSpace(*a.Date) != "" {
		d, err := coaching.ParseDate(strings.TrimSpace(*a.Date))
		switch {
		case err != nil:
			return Extraction{}, invalid("date is not YYYY-MM-DD")
		case d.After(in.Today):
			return Extraction{}, invalid("date is in the future")
		case d.OverAYearBefore(in.Today):
			return Extraction{}, invalid("date is more than a year ago")
		}
		x.OccurredOn = d
	}
	for _, s := range a.Skills {
		id := strings.ToLower(strings.TrimSpace(s))
		if !slices.ContainsFunc(in.Skills, func(k coaching.Skill) bool { return k.ID == id }) {
			return Extraction{}, invalid("a skill is not one of the configured skills")
		}
		if !slices.Contains(x.Skills, id) {
			x.Skills = append(x.Skills, id)
		}
	}
	var lines []string
	for _, c := range a.Commitments {
		if c = strings.TrimSpace(c); c != "" {
			lines = append(lines, c)
		}
	}
	if len(lines) > coaching.MaxCommitments {
		return Extraction{}, invalid("too many commitments")
	}
	source, marks := wordCounts(in.Text), markCounts(in.Text)
	for _, c := range lines {
		if utf8.RuneCountInString(c) > coaching.MaxCommitmentLen {
			return Extraction{}, invalid("a commitment is too long")
		}
		if drawnFrom(c, source) && marksDrawnFrom(c, marks) {
			x.Commitments = append(x.Commitments, c)
		}
	}
	if a.Notes != nil {
		n := strings.TrimSpace(*a.Notes)
		if utf8.RuneCountInString(n) <= coaching.MaxNotesLen && drawnFrom(n, source) && marksDrawnFrom(n, marks) {
			x.Notes = n
		}
	}
	return x, nil
}

// userID reads a rep as the model wrote it: "U123", "<@U123>", "<@U123|sam>".
func userID(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimSuffix(s, ">"), "<")
	s = strings.TrimPrefix(s, "@")
	id, _, _ := strings.Cut(s, "|")
	return id
}

// token normalises a kind or role the way a model might vary it
// ("Ride-along" for ride_along); "" for missing or null.
func token(p *string) string {
	if p == nil {
		return ""
	}
	v := strings.ToLower(strings.TrimSpace(*p))
	if v == "null" || v == "none" {
		return ""
	}
	return strings.NewReplacer("-", "_", " ", "_").Replace(v)
}

// SkillsNamed reports whether every skill of ids (configured skill ids)
// has a word of its label or id in text, as written or inflected
// ("negotiated" for Negotiation: the first four letters of a word of four
// or more). The model may read "asked better questions" as Discovery,
// which is a reading the manager is asked to check, not what they wrote.
func SkillsNamed(text string, ids []string, skills []coaching.Skill) bool {
	stems := map[string]bool{}
	for _, w := range words(text) {
		if st, ok := stem(w); ok {
			stems[st] = true
		}
	}
	inText := func(w string) bool { st, ok := stem(w); return ok && stems[st] }
	for _, id := range ids {
		if !slices.ContainsFunc(skills, func(s coaching.Skill) bool {
			return s.ID == id && (slices.ContainsFunc(words(s.Label), inText) || slices.ContainsFunc(words(strings.ReplaceAll(s.ID, "_", " ")), inText))
		}) {
			return false
		}
	}
	return true
}

// stem is the first four letters of a word of four or more, which
// SkillsNamed matches inflected words by; ok is false for a shorter word.
func stem(w string) (string, bool) {
	if utf8.RuneCountInString(w) < 4 {
		return "", false
	}
	return string([]rune(w)[:4]), true
}
