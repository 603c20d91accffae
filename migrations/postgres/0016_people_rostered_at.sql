-- When someone first came into the roster. A never-coached rep's clock
-- starts there (or at their roster `since`, if later): not when their row
-- was made, which a profile event (user_change) can do weeks before the
-- import, so that a first start after an import would call them overdue
-- at once. Rows rostered before this migration keep their creation time,
-- the clock they had.
ALTER TABLE people ADD COLUMN rostered_at BIGINT NOT NULL DEFAULT 0;
UPDATE people SET rostered_at = created_at WHERE in_roster = 1;
