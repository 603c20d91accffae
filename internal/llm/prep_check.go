package llm

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/textcut"
)

// numberRE matches a run of digits: "40" of "40%", "1" and "5" of "1/5".
var numberRE = regexp.MustCompile(`[0-9]+`)

// ratingRE matches a single rating: "rated", "rating", "1/5", "4 out of 5".
// The brief's input holds no rating (a manager never sees a single one), so
// a sentence speaking of one is invented or worse.
var ratingRE = regexp.MustCompile(`(?i)\b(?:rated|ratings?|stars?)\b|[0-9]+(?:\.[0-9]+)?\s*(?:/|out of)\s*[0-9]+`)

// linkRE matches a URL (any scheme, "www.", a domain with a path, a bare
// domain of a common top-level domain: Slack links those in a message) or
// Slack's special mentions (<!channel>, <!here>): neither the brief's input
// nor the narrative's holds any.
var linkRE = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://|\bwww\.|<!|\b[a-z0-9-]+\.[a-z]{2,}/|` +
	`\b[a-z0-9-]+\.(?:com|org|net|io|test|dev|example|co|ai|app|info|biz|me|us|uk|xyz)\b`)

// prepStarters are the capitalised words a brief's sentence may start with
// though they are not in its input; any other capitalised word that is not
// in the input (nor the rep's name) is taken for someone's name or an
// invented fact, and its sentence is dropped. A word missing here costs a
// sentence, never a leak.
var prepStarters = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`i a an the this that these those their they them he she his her you your it its
		in on at of with for from to by about across over overall both each all most some many several
		recent recently lately last next since after before during when while if as then so and but also yet
		consider ask raise follow check focus keep discuss talk revisit review encourage acknowledge praise
		celebrate note start try use help make bring open close push there here what how why where which who
		one two it's they've they're you've you'll there's themes theme commitments commitment sessions session
		notes rep reps worth good great strong it's monday tuesday wednesday thursday friday saturday sunday
		january february march april may june july august september october november december`) {
		prepStarters[w] = true
	}
}

// checkPrep keeps the sentences of a model's brief that its input supports:
// every number in the sentence is a number of the input (the user message
// it was written from), no person is named but the rep and the manager (a
// mention, an email address, a user id, a word of the name of anyone else
// Coachlog knows, a capitalised word the input does not hold), no URL,
// special mention or other Slack markup, and no single rating. The answer
// is made plain first (plainProse), as the digest's narrative is: the
// brief is shown as mrkdwn, where "*Urgent*" is bold, and a name split by
// a mark ("B*o*b") is a name. An answer that is not prose (JSON, a code
// fence) or has nothing left is rejected whole, and the brief is the
// plain list, as on any failure of the model.
func checkPrep(text string, in PrepInput) (string, error) {
	t := strings.TrimSpace(text)
	if t == "" || strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") || strings.Contains(t, "```") {
		return "", &Failure{Reason: ReasonInvalid, Detail: "the brief is not prose"}
	}
	t = plainProse(t)
	data := prepData(in)
	numbers := map[string]bool{}
	for _, n := range numberRE.FindAllString(data, -1) {
		numbers[strings.TrimLeft(n, "0")] = true
	}
	known := wordCounts(data)
	own := nameParts([]string{in.RepName, in.ManagerName})
	others := nameParts(in.Names)
	for p := range own {
		delete(others, p) // "Sam" of another Sam is the rep's too
	}
	kept := keepSentences(t, func(s string, ws []string) bool {
		if identifies(s, ws, others) || linkRE.MatchString(s) || slackMarkupRE.MatchString(s) || ratingRE.MatchString(s) {
			return false
		}
		for _, n := range numberRE.FindAllString(s, -1) {
			if !numbers[strings.TrimLeft(n, "0")] {
				return false
			}
		}
		return !slices.ContainsFunc(strings.Fields(s), func(f string) bool { return strangeName(f, known, own) })
	})
	if len(kept) == 0 {
		return "", &Failure{Reason: ReasonInvalid, Detail: "no sentence of the brief was supported by its input"}
	}
	return textcut.CutTrimmed(strings.Join(kept, " "), prepProseLen), nil
}

// strangeName reports whether the field f of a sentence is a capitalised
// word the brief's input does not hold, other than the rep's name and the
// words a sentence may start with: a person's name, most likely, or
// something the model made up. own are the words of the rep's and the
// manager's names.
func strangeName(f string, known map[string]int, own map[string]bool) bool {
	w := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' })
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) {
		return false
	}
	lw := strings.ToLower(w)
	if prepStarters[lw] || own[strings.ToLower(foldLookalikes(w))] {
		return false
	}
	for _, part := range words(lw) {
		// own's words are folded (nameParts): "José" is the rep's.
		if known[part] == 0 && !own[foldLookalikes(part)] && !prepStarters[part] {
			return true
		}
	}
	return false
}
