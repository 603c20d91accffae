package coaching

import "strings"

// A rep's change note (SessionRep.ChangeNote) is Coachlog's own words in
// up to three parts, joined by "; " in this order: what the edit that
// asked the rep again changed (ChangeSet.Summary, or every change for a
// rep who disputed; for a rep still pending from an earlier asking, what
// changed since they answered: unanswered.go), who reads the notes now
// when an edit changed that (readersNote; for a rep an edit asks again,
// when that differs from when they last answered: unanswered.go), and
// what became of the rep's rating (withCleared). The
// second alone asks nothing of the rep: who reads the notes is not a
// change of what happened, so a rep who confirmed stays confirmed, and
// is told all the same rather than see the DM's "(you and @max)" turn
// into "(… and @max's leaders)" without a word.

// readersPrefix starts the part of a change note that says who reads the
// notes now; no other part does (ChangeSet's words, ratingClearedPrefix).
const readersPrefix = "the notes are "

// readersNote says, for the reps of a session managerID logged, who reads
// its notes now that an edit set them to v: shared with the manager's
// leaders, or no longer (a session has only the two visibilities).
func readersNote(managerID string, v Visibility) string {
	if v == VisibilityShared {
		return readersPrefix + "now shared with <@" + managerID + ">'s leaders"
	}
	return readersPrefix + "no longer shared with <@" + managerID + ">'s leaders"
}

// lookedAgain is the first part of the change note of a rep asked again
// by an edit that changed nothing they answered (editReps): "looked at
// again, nothing changed", or "looked at again" when only who reads the
// notes did. The rep was asked again all the same (they had disputed it,
// or a change was undone before they answered).
const lookedAgain = "looked at again"

// NoteLookedAgain reports whether r's change note is that of an edit that
// asked them again with nothing they answered changed (lookedAgain): their
// DM says the session was looked at again, not that it was updated.
func (r SessionRep) NoteLookedAgain() bool {
	changed, _, _ := noteParts(r.ChangeNote)
	return strings.HasPrefix(changed, lookedAgain)
}

// noteParts splits a change note into its three parts (see above).
func noteParts(note string) (changed, readers, cleared string) {
	if i := strings.Index(note, ratingClearedPrefix); i >= 0 {
		note, cleared = strings.TrimSuffix(note[:i], "; "), note[i:]
	}
	if i := strings.Index(note, readersPrefix); i >= 0 {
		note, readers = strings.TrimSuffix(note[:i], "; "), note[i:]
	}
	return note, readers, cleared
}

// joinNote joins the parts of a change note that are not empty.
func joinNote(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}

// withReaders is r's change note with readers as who reads the notes now,
// for a rep an edit did not ask again: what an earlier edit asked them
// about, and what became of their rating, stay; an earlier word on who
// reads them is replaced (shared, then private again, reads "no longer").
func withReaders(r SessionRep, readers string) string {
	changed, _, cleared := noteParts(r.ChangeNote)
	return joinNote(changed, readers, cleared)
}

// NoteAsksAgain reports whether r's change note is that of an edit that
// asked them again, as "Please confirm again" says: anything in it but who
// reads the notes now.
func (r SessionRep) NoteAsksAgain() bool {
	changed, _, cleared := noteParts(r.ChangeNote)
	return changed != "" || cleared != ""
}

// ReadersNote is the part of r's change note that says who reads the
// notes now, "" when it says nothing of that: all of the note a DM shows
// once the rep answered.
func (r SessionRep) ReadersNote() string {
	_, readers, _ := noteParts(r.ChangeNote)
	return readers
}
