-- Whether Slack says someone belongs to another organisation than the
-- app's: a Slack Connect user in a shared channel, whose user object
-- names another workspace (team_id, is_stranger) outside the app's
-- Enterprise Grid organisation, if it has one. They are not the company's
-- people: never logged with as a rep, never a manager.
ALTER TABLE people ADD COLUMN is_external BIGINT NOT NULL DEFAULT 0;
-- Profiles read before this migration never said so: they are made stale
-- (still read once, but long ago), so that Slack is asked again the next
-- time a session names them, as after a week.
UPDATE people SET resolved_at = 1 WHERE resolved_at > 0;
