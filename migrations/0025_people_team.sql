-- The workspace Slack homes someone in (their user object's team_id), as
-- their profile last said; '' when Slack named none or the profile was
-- read before. Someone of the app's own workspace is never of another
-- organisation: a verdict stored otherwise (judged while the workspace,
-- just migrated into an Enterprise Grid organisation, knew none) is
-- cleared by it (Store.RejudgeOutsiders).
ALTER TABLE people ADD COLUMN team_id TEXT NOT NULL DEFAULT '';
