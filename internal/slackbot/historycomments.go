package slackbot

import (
	"strings"
	"unicode/utf8"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/textcut"
)

// A rep's comment on a session they confirmed is written to the manager
// who logged it (the comment form says "@max logged this session and
// can read your comment"), and that manager reads it under the session in their own
// /coach history: only there, never under a session someone else logged
// (a leader's sessions below them show no comment), in a channel or
// beside a rating. Each is cut to commentRunes, at most commentsPerSession
// under one session, and commentText characters in all, beside the
// sessions' own lines (ownText) and the open commitments, in one message.
const (
	commentRunes       = 150
	commentsPerSession = 3
	commentText        = 2000
)

// historyComments are the comments under session s in its manager's
// history, one a line, each beginning with a line break: those of the
// reps who confirmed it with one, in the session's order, or only repID's
// in a history of one rep. budget is the room left for comments in the
// message, which they take from. Past commentsPerSession a line counts
// the others, with where a rep's are read; those budget has no room for
// are returned as left, for the list to count once (commentsLeftText).
func historyComments(s coaching.Session, repID string, budget *int) (text string, left int) {
	var lines []string
	over := 0
	for _, r := range s.Reps {
		if r.Comment == "" || r.Removed || r.Status != coaching.StatusConfirmed || (repID != "" && r.RepID != repID) {
			continue
		}
		line := "\n:speech_balloon: " + mention(r.RepID) + ": “" + commentShown(r.Comment) + "”"
		n := utf8.RuneCountInString(line)
		switch {
		case len(lines) == commentsPerSession:
			over++
		case n > *budget:
			left++
		default:
			*budget -= n
			lines = append(lines, line)
		}
	}
	if over > 0 {
		more := "\n:speech_balloon: …and " + plural(over, "more comment", "more comments") + ": `/coach history @rep` shows a rep's."
		if n := utf8.RuneCountInString(more); n <= *budget {
			*budget -= n
			lines = append(lines, more)
		} else {
			left += over
		}
	}
	return strings.Join(lines, ""), left
}

// commentsLeftText says how many comments a history had no room for, and
// where they are read.
func commentsLeftText(n int) string {
	return ":speech_balloon: " + plural(n, "comment", "comments") + " on these sessions not shown here: one message holds only so much. `/coach history @rep` shows a rep's."
}

// commentShown is a rep's comment as a history line shows it: on one
// line, cut to commentRunes, and escaped so that what the rep typed shows
// as typed, never as a mention, a link or formatting.
func commentShown(c string) string {
	return escName(textcut.CutTrimmed(strings.Join(strings.Fields(c), " "), commentRunes))
}
