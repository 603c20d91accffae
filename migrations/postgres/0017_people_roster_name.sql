-- Whether the roster gave someone's name. A name the roster gives is the
-- one shown (README: a roster name, or Slack's when it gives none); a
-- profile event used to replace it with Slack's display name. Existing
-- rows are left to Slack, as they were.
ALTER TABLE people ADD COLUMN roster_named BIGINT NOT NULL DEFAULT 0;
