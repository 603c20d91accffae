-- Schedules, away handling and shared outbox delivery (../0002_schedules.sql).
-- PostgreSQL support began at schema 7, so no PostgreSQL database has rows
-- from before a column existed: the SQLite backfills have nothing to do here.

CREATE TABLE job_runs (
    job    TEXT COLLATE "C" NOT NULL,
    period TEXT COLLATE "C" NOT NULL,
    ran_at BIGINT NOT NULL,
    detail TEXT COLLATE "C" NOT NULL DEFAULT '',
    PRIMARY KEY (job, period)
);

ALTER TABLE people ADD COLUMN away_until TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN snoozed_until TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN status_text TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN status_emoji TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN status_expiration BIGINT NOT NULL DEFAULT 0;

ALTER TABLE session_reps ADD COLUMN occurred_on TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE session_reps ADD COLUMN live BIGINT NOT NULL DEFAULT 1;
CREATE INDEX session_reps_last ON session_reps (rep_id, occurred_on) WHERE live = 1;
CREATE INDEX session_reps_pending ON session_reps (status_at) WHERE status = 'pending' AND live = 1 AND reminded_at = 0;

ALTER TABLE outbox ADD COLUMN lease_owner TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN payload TEXT COLLATE "C" NOT NULL DEFAULT '';

CREATE INDEX sessions_recent ON sessions (occurred_on, manager_id, duration_min) WHERE deleted_at = 0;
