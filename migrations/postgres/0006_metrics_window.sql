-- Metrics: read a window of coaching from one index each
-- (../0006_metrics_window.sql; no backfill, see 0002).
CREATE INDEX session_reps_window ON session_reps (occurred_on, session_id, rep_id, status, rating, minutes) WHERE live = 1;

ALTER TABLE commitments ADD COLUMN manager_id TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE commitments ADD COLUMN occurred_on TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE commitments ADD COLUMN live BIGINT NOT NULL DEFAULT 0;
CREATE INDEX commitments_made ON commitments (occurred_on, manager_id, session_id, status, closed_at) WHERE live = 1;
