package quickcapture

import (
	"strings"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
)

// maxPhraseWords is the longest phrase in the vocabulary, in words
// ("took the lead", "one on one").
const maxPhraseWords = 3

// meaning is what a kind or role phrase says about the session.
type meaning struct {
	kind coaching.Kind
	role coaching.Role
}

// vocabulary maps phrases, lower-cased with hyphens read as spaces (so
// "ride-along" and "ride along" are one entry), to what they mean. It is
// never written to.
var vocabulary = map[string]meaning{
	"ride":        {kind: coaching.KindRideAlong},
	"ride along":  {kind: coaching.KindRideAlong},
	"ridealong":   {kind: coaching.KindRideAlong},
	"joint call":  {kind: coaching.KindRideAlong},
	"field visit": {kind: coaching.KindRideAlong},
	// PRODUCT.md's own words for a ride-along: "joint call / field observation"
	"field observation": {kind: coaching.KindRideAlong},

	"1:1":        {kind: coaching.KindOneOnOne},
	"1 1":        {kind: coaching.KindOneOnOne},
	"1on1":       {kind: coaching.KindOneOnOne},
	"1 on 1":     {kind: coaching.KindOneOnOne},
	"one on one": {kind: coaching.KindOneOnOne},
	// As British managers write it, in words or digits ("1-to-1",
	// "1to1"), and as a phone's keyboard makes it easy to type ("1x1");
	// never "121", which is a number.
	"one to one": {kind: coaching.KindOneOnOne},
	"1 to 1":     {kind: coaching.KindOneOnOne},
	"1to1":       {kind: coaching.KindOneOnOne},
	"1x1":        {kind: coaching.KindOneOnOne},

	"deal review":     {kind: coaching.KindDealReview},
	"pipeline review": {kind: coaching.KindDealReview},
	"forecast review": {kind: coaching.KindDealReview},

	"role play":       {kind: coaching.KindSkillPractice},
	"roleplay":        {kind: coaching.KindSkillPractice},
	"practice":        {kind: coaching.KindSkillPractice},
	"skill practice":  {kind: coaching.KindSkillPractice},
	"skills practice": {kind: coaching.KindSkillPractice},
	"mock call":       {kind: coaching.KindSkillPractice},
	"group role play": {kind: coaching.KindSkillPractice},
	"group roleplay":  {kind: coaching.KindSkillPractice},

	"career":              {kind: coaching.KindCareer},
	"career conversation": {kind: coaching.KindCareer},
	"career chat":         {kind: coaching.KindCareer},
	"career talk":         {kind: coaching.KindCareer},

	"team meeting":  {kind: coaching.KindTeamMeeting},
	"team call":     {kind: coaching.KindTeamMeeting},
	"team mtg":      {kind: coaching.KindTeamMeeting},
	"team sync":     {kind: coaching.KindTeamMeeting},
	"huddle":        {kind: coaching.KindTeamMeeting},
	"group session": {kind: coaching.KindTeamMeeting},

	"lead":          {role: coaching.RoleLead},
	"led":           {role: coaching.RoleLead},
	"leading":       {role: coaching.RoleLead},
	"took the lead": {role: coaching.RoleLead},

	"participant":         {role: coaching.RoleParticipant},
	"participated":        {role: coaching.RoleParticipant},
	"passive":             {role: coaching.RoleParticipant},
	"passive participant": {role: coaching.RoleParticipant},

	"observer":        {role: coaching.RoleObserver},
	"observed":        {role: coaching.RoleObserver},
	"silent":          {role: coaching.RoleObserver},
	"silent observer": {role: coaching.RoleObserver},
	"watched":         {role: coaching.RoleObserver},
	"shadowed":        {role: coaching.RoleObserver},
	"shadowing":       {role: coaching.RoleObserver},
	"observing":       {role: coaching.RoleObserver},

	// "as" before a role that names the manager ("ride-along 45m as
	// lead"), as people write it, with an article or without ("as a
	// lead", "as the lead": see phraseAt). Only the header reads these:
	// in a sentence, "as a lead" is more often a sales lead, and "@sam
	// joined as observer" the rep's part (see proseSkips).
	"as lead":                {role: coaching.RoleLead},
	"as participant":         {role: coaching.RoleParticipant},
	"as passive participant": {role: coaching.RoleParticipant},
	"as observer":            {role: coaching.RoleObserver},
	"as silent observer":     {role: coaching.RoleObserver},
}

// articles are the words phraseAt reads past right after "as".
var articles = map[string]bool{"a": true, "an": true, "the": true}

// phraseAt finds the longest kind or role phrase starting at toks[i] and
// returns it with the number of tokens it spans (0 when there is none).
// An article right after "as" is read past ("as a silent observer" is "as
// silent observer"): the one word a phrase may hold beyond
// maxPhraseWords, so that no other four-word run of the header is read.
func phraseAt(toks []token, i int) (meaning, int) {
	if i+2 < len(toks) && toks[i].word == "as" && articles[toks[i+1].word] && !toks[i].clipped() && !toks[i+1].clipped() {
		rest := append([]token{toks[i]}, toks[i+2:min(i+1+maxPhraseWords, len(toks))]...)
		if m, n := plainPhraseAt(rest, 0); n > 1 {
			return m, n + 1
		}
	}
	return plainPhraseAt(toks, i)
}

// plainPhraseAt is phraseAt with no word read past.
func plainPhraseAt(toks []token, i int) (meaning, int) {
	for n := min(maxPhraseWords, len(toks)-i); n > 0; n-- {
		words := make([]string, 0, n)
		for k := i; k < i+n; k++ {
			if k < i+n-1 && toks[k].clipped() {
				break
			}
			words = append(words, strings.ReplaceAll(toks[k].word, "-", " "))
		}
		if len(words) < n {
			continue
		}
		if m, ok := vocabulary[strings.Join(words, " ")]; ok {
			return m, n
		}
	}
	return meaning{}, 0
}

// filler reports whether t only joins header parts ("with", "on the", "-"),
// so it can sit between them without starting the notes; so does a word
// that shows nothing (a stray zero-width space).
func filler(t token) bool {
	return fillerWord(t) || punctuationOnly(t) || t.blank()
}

// fillerWord reports whether t is one of the words filler allows. Slack
// sends a typed & as &amp; (its trailing ; read as punctuation).
func fillerWord(t token) bool {
	switch t.word {
	case "with", "w/", "and", "&", "&amp", "for", "on", "last", "a", "an", "the", "at", "in", "of":
		return true
	}
	return false
}

// dayWord resolves today, yesterday and weekday names to a date. A weekday
// means the latest such day strictly before today, as PRODUCT.md says of
// "mon": on a Monday, "mon" is a week ago, since today would be "today".
func dayWord(word string, today coaching.Date) (coaching.Date, bool) {
	var wd time.Weekday
	switch word {
	case "today":
		return today, true
	case "yesterday":
		return today.AddDays(-1), true
	case "mon", "monday":
		wd = time.Monday
	case "tue", "tues", "tuesday":
		wd = time.Tuesday
	case "wed", "weds", "wednesday":
		wd = time.Wednesday
	case "thu", "thur", "thurs", "thursday":
		wd = time.Thursday
	case "fri", "friday":
		wd = time.Friday
	case "sat", "saturday":
		wd = time.Saturday
	case "sun", "sunday":
		wd = time.Sunday
	default:
		return coaching.Date{}, false
	}
	back := (int(today.Weekday()) - int(wd) + 7) % 7
	if back == 0 {
		back = 7
	}
	return today.AddDays(-back), true
}

// isoShaped reports whether s is written like an ISO date (2026-11-20), so a
// date that does not exist can be reported rather than read as notes.
func isoShaped(s string) bool {
	if len(s) != len("2006-01-02") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i == 4 || i == 7 {
			if s[i] != '-' {
				return false
			}
		} else if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
