-- The moment of the import that gave someone their `since` when the roster
-- file gave none (it is that import's day): the day a never-coached rep's
-- clock starts is read from it on the clock that judges (the manager's
-- zone for their nudge), as rostered_at is, not fixed to the
-- organisation's date of the import. 0 when the file gave `since`, a plain
-- date. Rows from before this migration keep the date they have, the
-- clock they had.
ALTER TABLE people ADD COLUMN since_at BIGINT NOT NULL DEFAULT 0;
