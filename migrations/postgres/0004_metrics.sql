-- Metrics: coaching minutes and quota attainment per rep and month
-- (../0004_metrics.sql; no backfill, see 0002).
ALTER TABLE session_reps ADD COLUMN minutes DOUBLE PRECISION NOT NULL DEFAULT 0;
CREATE INDEX session_reps_minutes ON session_reps (rep_id, occurred_on, minutes) WHERE live = 1;
DROP INDEX session_reps_last;

CREATE TABLE rep_months (
    month      TEXT COLLATE "C" NOT NULL,
    rep_id     TEXT COLLATE "C" NOT NULL REFERENCES people(id),
    minutes    DOUBLE PRECISION NOT NULL DEFAULT 0,
    attainment DOUBLE PRECISION,
    PRIMARY KEY (month, rep_id)
);
