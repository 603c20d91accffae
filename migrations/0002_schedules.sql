-- Schedules, away handling and shared outbox delivery.

-- The job ledger: a scheduled job runs once per period (a manager's local
-- day for a nudge, an ISO week for the digest, once for a reminder), however
-- many processes or restarts try. A row is claimed in the same transaction
-- as the messages the run queues.
CREATE TABLE job_runs (
    job    TEXT NOT NULL,
    period TEXT NOT NULL,
    ran_at INTEGER NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (job, period)
) WITHOUT ROWID;

-- Away: /coach away (last day away, in the person's zone), a nudge snooze
-- (last day snoozed), and the Slack status from user_change events.
ALTER TABLE people ADD COLUMN away_until TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN snoozed_until TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN status_text TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN status_emoji TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN status_expiration INTEGER NOT NULL DEFAULT 0; -- unix seconds; 0: none

-- Each rep's session date and whether it counts (not undone, not removed),
-- kept beside the rep so "when was this rep last coached" is one index
-- lookup per rep instead of a join over every session.
ALTER TABLE session_reps ADD COLUMN occurred_on TEXT NOT NULL DEFAULT '';
ALTER TABLE session_reps ADD COLUMN live INTEGER NOT NULL DEFAULT 1;
UPDATE session_reps SET
    occurred_on = (SELECT s.occurred_on FROM sessions s WHERE s.id = session_reps.session_id),
    live = (removed = 0 AND (SELECT s.deleted_at FROM sessions s WHERE s.id = session_reps.session_id) = 0);
CREATE INDEX session_reps_last ON session_reps (rep_id, occurred_on) WHERE live = 1;
CREATE INDEX session_reps_pending ON session_reps (status_at) WHERE status = 'pending' AND live = 1 AND reminded_at = 0;

-- Outbox rows are leased by the worker delivering them, so the bot and a
-- command such as `coachlog nudge` never send the same row at once. A lease
-- left by a crashed process expires.
ALTER TABLE outbox ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN payload TEXT NOT NULL DEFAULT '';

-- Nudges and the digest read every manager's recent sessions by date; this
-- index answers that without touching the table.
CREATE INDEX sessions_recent ON sessions (occurred_on, manager_id, duration_min) WHERE deleted_at = 0;
