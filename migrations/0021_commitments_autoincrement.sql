-- An edit deletes the open commitments its form no longer lists, and
-- SQLite gives a new row the largest id plus one: the line an edit put in
-- place of the newest commitment took that commitment's id, so a click on
-- a list shown before the edit (Kept or Not kept in /coach history, a log
-- form's tick) closed the new line, one the manager never saw, as if it
-- were the one picked. AUTOINCREMENT never gives an id twice. SQLite
-- cannot add it to a table: a new one takes the rows, ids and all (its
-- sequence starts past the largest), and the indexes are made again.
CREATE TABLE commitments_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id        INTEGER NOT NULL REFERENCES sessions(id),
    rep_id            TEXT NOT NULL REFERENCES people(id),
    text              TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'kept', 'not_kept')),
    follow_up_on      TEXT NOT NULL DEFAULT '',
    closed_at         INTEGER NOT NULL DEFAULT 0,
    closed_in_session INTEGER REFERENCES sessions(id),
    manager_id        TEXT NOT NULL DEFAULT '',
    occurred_on       TEXT NOT NULL DEFAULT '',
    live              INTEGER NOT NULL DEFAULT 0
);
INSERT INTO commitments_new (id, session_id, rep_id, text, status, follow_up_on, closed_at, closed_in_session,
    manager_id, occurred_on, live)
SELECT id, session_id, rep_id, text, status, follow_up_on, closed_at, closed_in_session,
    manager_id, occurred_on, live
FROM commitments;
DROP TABLE commitments;
ALTER TABLE commitments_new RENAME TO commitments;
CREATE INDEX commitments_rep ON commitments (rep_id, status, id);
CREATE INDEX commitments_session ON commitments (session_id);
CREATE INDEX commitments_made ON commitments (occurred_on, manager_id, session_id, status, closed_at) WHERE live = 1;
CREATE INDEX commitments_closed_in ON commitments (closed_in_session) WHERE closed_in_session IS NOT NULL;
