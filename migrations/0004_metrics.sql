-- Metrics: coaching minutes and quota attainment per rep and month.

-- Each rep's share of a session's minutes (a team meeting's minutes are
-- split evenly among the reps still on it), kept beside the rep like
-- occurred_on and live, so a rep's coaching time is read from one index.
ALTER TABLE session_reps ADD COLUMN minutes REAL NOT NULL DEFAULT 0;
UPDATE session_reps SET minutes =
    (SELECT s.duration_min FROM sessions s WHERE s.id = session_reps.session_id) * 1.0 /
    (SELECT count(*) FROM session_reps x WHERE x.session_id = session_reps.session_id AND x.removed = 0)
    WHERE removed = 0;

-- The same index as session_reps_last, carrying the minutes too: "when was
-- this rep last coached" and "how much coaching did they get this month"
-- both read it.
CREATE INDEX session_reps_minutes ON session_reps (rep_id, occurred_on, minutes) WHERE live = 1;
DROP INDEX session_reps_last;

-- What is known of a rep in a month: the coaching minutes they received
-- (sessions not undone, reps not removed; rewritten with every change to a
-- session's reps) and their quota attainment (imported from the CRM with
-- `coachlog performance import`; a re-import of a month replaces it). The
-- correlation of coaching with results reads a year of both for every
-- rep: summing a year of sessions, or joining two tables row by row, at
-- each run would not fit in a second.
CREATE TABLE rep_months (
    month      TEXT NOT NULL,                  -- 'YYYY-MM'
    rep_id     TEXT NOT NULL REFERENCES people(id),
    minutes    REAL NOT NULL DEFAULT 0,
    attainment REAL,                           -- percent of quota; NULL: not imported
    PRIMARY KEY (month, rep_id)
) WITHOUT ROWID;
INSERT INTO rep_months (month, rep_id, minutes)
    SELECT substr(occurred_on, 1, 7), rep_id, sum(minutes) FROM session_reps
    WHERE live = 1 GROUP BY substr(occurred_on, 1, 7), rep_id;
