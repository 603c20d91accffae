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

// unsaid counts what reps wrote that a history had no room for.
type unsaid struct{ comments, reasons int }

func (u unsaid) add(v unsaid) unsaid { return unsaid{u.comments + v.comments, u.reasons + v.reasons} }
func (u unsaid) total() int          { return u.comments + u.reasons }

// words names u's count: comments, or comments and reasons when some
// reason is among them.
func (u unsaid) words(more string) string {
	if u.reasons == 0 {
		return plural(u.comments, more+"comment", more+"comments")
	}
	return plural(u.total(), more+"comment or reason", more+"comments and reasons")
}

// historyComments are what reps wrote to the manager under session s in
// the manager's history, one a line, each beginning with a line break:
// the comments of the reps who confirmed it with one, and the reasons of
// those who marked it not accurate (written to the manager too, who got
// them in a DM: the history's ":x: disputed" no longer leaves them to
// find that DM), in the session's order, or only repID's in a history of
// one rep. budget is the room left for them in the message, which they
// take from. Past commentsPerSession a line counts the others, with where
// a rep's are read; those budget has no room for are returned as left,
// for the list to count once (commentsLeftText).
func historyComments(s coaching.Session, repID string, budget *int) (text string, left unsaid) {
	var lines []string
	var over unsaid
	for _, r := range s.Reps {
		if r.Removed || (repID != "" && r.RepID != repID) {
			continue
		}
		var line string
		var one unsaid
		switch {
		case r.Status == coaching.StatusConfirmed && r.Comment != "":
			line, one = "\n:speech_balloon: "+mention(r.RepID)+": “"+commentShown(r.Comment)+"”", unsaid{comments: 1}
		case r.Status == coaching.StatusDisputed && r.DisputeReason != "":
			line, one = "\n:x: "+mention(r.RepID)+", not accurate: “"+commentShown(r.DisputeReason)+"”", unsaid{reasons: 1}
		default:
			continue
		}
		n := utf8.RuneCountInString(line)
		switch {
		case len(lines) == commentsPerSession:
			over = over.add(one)
		case n > *budget:
			left = left.add(one)
		default:
			*budget -= n
			lines = append(lines, line)
		}
	}
	if over.total() > 0 {
		more := "\n:speech_balloon: …and " + over.words("more ") + ": `/coach history @rep` shows a rep's."
		if n := utf8.RuneCountInString(more); n <= *budget {
			*budget -= n
			lines = append(lines, more)
		} else {
			left = left.add(over)
		}
	}
	return strings.Join(lines, ""), left
}

// commentsLeftText says how many comments (and reasons) a history had no
// room for, and where they are read.
func commentsLeftText(u unsaid) string {
	return ":speech_balloon: " + u.words("") + " on these sessions not shown here: one message holds only so much. `/coach history @rep` shows a rep's."
}

// commentShown is a rep's comment as a history line shows it: on one
// line, cut to commentRunes, and escaped so that what the rep typed shows
// as typed, never as a mention, a link or formatting.
func commentShown(c string) string {
	return escName(textcut.CutTrimmed(strings.Join(strings.Fields(c), " "), commentRunes))
}
