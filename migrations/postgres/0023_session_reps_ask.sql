-- Which asking of the rep a session's record is at: 0 when the session
-- was logged, one more each time an edit asks the rep again (a dispute
-- answered, a change of substance, put back on the session). Each asking
-- gets its own reminder, three days after it (coaching.ReminderKey): one
-- per session and rep left a rep asked again after a dispute never
-- reminded. Rows from before are at their first asking; a reminder they
-- had (reminded_at) stays spent, under the key it was claimed with.
ALTER TABLE session_reps ADD COLUMN ask BIGINT NOT NULL DEFAULT 0;
