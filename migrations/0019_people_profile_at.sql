-- When the Slack profile stored for someone was true, in Unix ms: a
-- user_change's event time, or the `updated` of the user object a
-- users.info or users.list read returned. Slack retries events and may
-- deliver a late one after a newer one; a profile older than this one is
-- not applied, so a stale event cannot bring back an away status, a time
-- zone or a name that has since changed. 0: never known (placeholders,
-- rows from before this migration), so the next profile applies.
ALTER TABLE people ADD COLUMN profile_at BIGINT NOT NULL DEFAULT 0;
