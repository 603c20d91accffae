-- Metrics: read a window of coaching from one index each, without joins.

-- A window of (session, rep) pairs, by date, with what the metrics read of
-- the rep's side: the pairs of the periods and who was coached when in the
-- weeks before them both range-scan it, instead of visiting each session's
-- reps one by one.
CREATE INDEX session_reps_window ON session_reps (occurred_on, session_id, rep_id, status, rating, minutes) WHERE live = 1;

-- Each commitment carries its session's manager and date, and whether it
-- counts (its session not undone, its rep not taken off it), kept in step
-- with session_reps as occurred_on and live are: commitments made in a
-- window are then one index range, not a join of three tables.
ALTER TABLE commitments ADD COLUMN manager_id TEXT NOT NULL DEFAULT '';
ALTER TABLE commitments ADD COLUMN occurred_on TEXT NOT NULL DEFAULT '';
ALTER TABLE commitments ADD COLUMN live INTEGER NOT NULL DEFAULT 0;
UPDATE commitments SET
    manager_id = (SELECT s.manager_id FROM sessions s WHERE s.id = commitments.session_id),
    occurred_on = (SELECT s.occurred_on FROM sessions s WHERE s.id = commitments.session_id),
    live = coalesce((SELECT sr.live FROM session_reps sr
        WHERE sr.session_id = commitments.session_id AND sr.rep_id = commitments.rep_id), 0);
CREATE INDEX commitments_made ON commitments (occurred_on, manager_id, session_id, status, closed_at) WHERE live = 1;
